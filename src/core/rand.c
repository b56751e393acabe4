/* rand.c - random bytes from getrandom(2), tokens, constant-time compare. */
#include "rand.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>

/* Fills p with n random bytes. Returns 0, or -1 if the kernel fails. */
int rand_bytes(void *p, size_t n)
{
	unsigned char *s = p;
	while (n > 0) {
		ssize_t got = getrandom(s, n, 0);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		s += got;
		n -= (size_t)got;
	}
	return 0;
}

/* Encodes n bytes as unpadded base64url into out (4*ceil(n/3)+1 bytes). */
void rand_b64url(const unsigned char *in, size_t n, char *out)
{
	static const char al[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuv"
	    "wxyz0123456789-_";
	size_t o = 0, i = 0;
	for (; i + 2 < n; i += 3) {
		unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8 |
			     in[i + 2];
		out[o++] = al[v >> 18];
		out[o++] = al[(v >> 12) & 63];
		out[o++] = al[(v >> 6) & 63];
		out[o++] = al[v & 63];
	}
	if (n - i == 1) {
		unsigned v = (unsigned)in[i] << 16;
		out[o++] = al[v >> 18];
		out[o++] = al[(v >> 12) & 63];
	} else if (n - i == 2) {
		unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8;
		out[o++] = al[v >> 18];
		out[o++] = al[(v >> 12) & 63];
		out[o++] = al[(v >> 6) & 63];
	}
	out[o] = '\0';
}

/* Writes a fresh 256-bit token as base64url. Returns 0, or -1 on failure. */
int rand_token(char out[RAND_TOKEN_LEN])
{
	unsigned char b[32];
	if (rand_bytes(b, sizeof(b)) != 0)
		return -1;
	rand_b64url(b, sizeof(b), out);
	return 0;
}

/* Compares two strings in time independent of where they differ.
 * Returns 1 when equal; NULL never equals anything. */
int ct_equal(const char *a, const char *b)
{
	if (!a || !b)
		return 0;
	size_t la = strlen(a), lb = strlen(b);
	unsigned char d = (unsigned char)(la != lb);
	for (size_t i = 0; i < la; i++)
		d |= (unsigned char)(a[i] ^ b[i % (lb ? lb : 1)]);
	return d == 0;
}
