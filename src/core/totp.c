/* totp.c - see totp.h. Secrets are kept in base32 (what apps are given);
 * liboath wants the raw key, decoded here for each check. A code is
 * accepted one step either side of now (clock drift), and the step it
 * matched is returned so the caller can refuse a code used before. */
#include "totp.h"

#include "esc.h"
#include "rand.h"

#include <liboath/oath.h>
#include <pthread.h>
#include <qrencode.h>
#include <stdlib.h>
#include <string.h>

/* liboath's one-time set-up. */
static void init_oath(void)
{
	oath_init();
}

/* Decodes a base32 secret into a new raw key (*len bytes; free it).
 * Returns NULL on a malformed secret. */
static char *raw_key(const char *secret, size_t *len)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, init_oath);
	char *key = NULL;
	if (!secret ||
	    oath_base32_decode(secret, strlen(secret), &key, len) != OATH_OK)
		return NULL;
	return key;
}

/* Writes a new secret (20 random bytes, base32 without padding) to out.
 * Returns 0, or -1 when randomness or encoding fails. */
int totp_new_secret(char out[TOTP_SECRET_LEN])
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, init_oath);
	unsigned char key[20];
	char *b32 = NULL;
	size_t n = 0;
	if (rand_bytes(key, sizeof(key)) != 0 ||
	    oath_base32_encode((const char *)key, sizeof(key), &b32, &n) !=
		OATH_OK ||
	    n < TOTP_SECRET_LEN - 1) {
		free(b32);
		return -1;
	}
	memcpy(out, b32, TOTP_SECRET_LEN - 1); /* 32 chars: no padding */
	out[TOTP_SECRET_LEN - 1] = '\0';
	free(b32);
	return 0;
}

/* Returns the time step (Unix time / 30) that code (six digits, spaces
 * allowed) matches for secret at now, one step either side; -1 when it
 * matches none or is not a code, -2 on a malformed secret. */
int64_t totp_check(const char *secret, const char *code, int64_t now)
{
	char digits[8];
	size_t n = 0;
	for (const char *p = code ? code : ""; *p; p++) {
		if (*p == ' ' || *p == '-')
			continue;
		if (*p < '0' || *p > '9' || n == 6)
			return -1;
		digits[n++] = *p;
	}
	if (n != 6)
		return -1;
	digits[n] = '\0';
	size_t len;
	char *key = raw_key(secret, &len);
	if (!key)
		return -2;
	int pos = 0;
	uint64_t step = 0;
	int rc = oath_totp_validate3(key, len, (time_t)now, TOTP_STEP, 0, 1,
				     &pos, &step, digits);
	free(key);
	return rc >= 0 ? (int64_t)step : -1;
}

/* Writes the six-digit code of secret at now into out. Returns 0, or -1
 * on a malformed secret. */
int totp_code(const char *secret, int64_t now, char out[7])
{
	size_t len;
	char *key = raw_key(secret, &len);
	if (!key)
		return -1;
	int rc =
	    oath_totp_generate(key, len, (time_t)now, TOTP_STEP, 0, 6, out);
	free(key);
	return rc == OATH_OK ? 0 : -1;
}

/* Returns the otpauth:// address an authenticator app reads (Key Uri
 * Format: issuer and account percent-encoded, SHA1, 6 digits, 30 s), in
 * arena a. */
const char *totp_uri(arena *a, const char *issuer, const char *account,
		     const char *secret)
{
	buf b = BUF_INIT;
	buf_puts(&b, "otpauth://totp/");
	esc_url(&b, issuer);
	buf_puts(&b, ":");
	esc_url(&b, account);
	buf_printf(&b, "?secret=%s&issuer=", secret);
	esc_url(&b, issuer);
	buf_puts(&b, "&algorithm=SHA1&digits=6&period=30");
	const char *s = arena_strdup(a, buf_cstr(&b));
	buf_free(&b);
	return s;
}

/* Appends text as a QR code (error correction M) drawn in SVG to out: one
 * path of the dark modules, a four-module quiet zone, scaled by the
 * viewBox. Returns 0, or -1 when the text does not fit a QR code. */
int totp_qr_svg(buf *out, const char *text)
{
	QRcode *qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (!qr)
		return -1;
	int w = qr->width, size = w + 8;
	buf_printf(out,
		   "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"qr\" "
		   "viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" "
		   "role=\"img\" aria-label=\"QR code of the authenticator "
		   "set-up address\" shape-rendering=\"crispEdges\">"
		   "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>"
		   "<path fill=\"#000\" d=\"",
		   size, size, size * 6, size * 6, size, size);
	for (int y = 0; y < w; y++)
		for (int x = 0; x < w; x++)
			if (qr->data[y * w + x] & 1)
				buf_printf(out, "M%d %dh1v1h-1z", x + 4, y + 4);
	buf_puts(out, "\"/></svg>");
	QRcode_free(qr);
	return 0;
}
