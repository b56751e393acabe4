/* password.c - scrypt hashing with OWASP-minimum parameters, a cap on
 * concurrent hashes (each takes 16 MiB and ~0.3 s), and the password
 * policy: length 12..128, not common, not built on a common word. */
#include "password.h"

#include "config.h"
#include "embed.h"
#include "rand.h"
#include "utf8.h"

#include <ctype.h>
#include <libscrypt.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* N = 2^14, r = 8, p = 5: libscrypt's MCF writes them as "0e0805". */
#define PW_SCRYPT_N	      (1u << 14)
#define PW_SCRYPT_R	      8
#define PW_SCRYPT_P	      5
#define PW_SCRYPT_PARAMS      "$s1$0e0805$"
#define MAX_CONCURRENT_HASHES 2

static sem_t hash_slots;
static const char **common;
static size_t ncommon;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Initialises the hash semaphore and the sorted common-password list
 * (from data/common-passwords.txt, embedded). Runs once. */
static void password_init(void)
{
	sem_init(&hash_slots, 0, MAX_CONCURRENT_HASHES);
	const struct embed_file *f = embed_files;
	while (f->name && strcmp(f->name, "data/common-passwords.txt") != 0)
		f++;
	if (!f->name)
		return;
	char *copy = strdup(f->data);
	size_t cap = 1024;
	common = malloc(cap * sizeof(*common));
	if (!copy || !common)
		abort();
	for (char *save, *line = strtok_r(copy, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '#')
			continue;
		if (ncommon == cap) {
			cap *= 2;
			common = realloc(common, cap * sizeof(*common));
			if (!common)
				abort();
		}
		common[ncommon++] = line;
	}
	qsort(common, ncommon, sizeof(*common), cmp_str);
}

/* Hashes pw into an MCF string. Blocks while MAX_CONCURRENT_HASHES other
 * hashes run. Returns 0, or -1 if scrypt fails (out of memory). */
int password_hash(const char *pw, char out[PASSWORD_MCF_LEN])
{
	pthread_once(&once, password_init);
	sem_wait(&hash_slots);
	int ok = libscrypt_hash(out, pw, PW_SCRYPT_N, PW_SCRYPT_R, PW_SCRYPT_P);
	sem_post(&hash_slots);
	return ok > 0 ? 0 : -1;
}

/* Checks pw against an MCF string. Returns 1 on match, 0 on mismatch,
 * -1 if mcf is malformed. libscrypt_check writes into its buffer, so a
 * copy is passed. */
int password_verify(const char *mcf, const char *pw)
{
	char copy[PASSWORD_MCF_LEN];
	if (!mcf || strlen(mcf) >= sizeof(copy))
		return -1;
	strcpy(copy, mcf);
	pthread_once(&once, password_init);
	sem_wait(&hash_slots);
	int rc = libscrypt_check(copy, pw);
	sem_post(&hash_slots);
	return rc > 0 ? 1 : rc == 0 ? 0 : -1;
}

static char dummy_mcf[PASSWORD_MCF_LEN];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

/* Makes the hash password_burn checks against (once per process). */
static void dummy_init(void)
{
	char pw[24];
	if (password_generate(pw, sizeof(pw)) != 0 ||
	    password_hash(pw, dummy_mcf) != 0)
		dummy_mcf[0] = '\0';
}

/* Runs one full check to spend the same time as a real login, so unknown
 * accounts cannot be told apart by timing. */
void password_burn(void)
{
	pthread_once(&dummy_once, dummy_init);
	if (dummy_mcf[0])
		password_verify(dummy_mcf, "not the password");
}

/* Returns 1 when mcf was made with other parameters than today's. */
int password_needs_rehash(const char *mcf)
{
	return strncmp(mcf, PW_SCRYPT_PARAMS, strlen(PW_SCRYPT_PARAMS)) != 0;
}

/* Returns 1 when the lower-cased word is in the common list. */
static int is_common(const char *word)
{
	return ncommon && bsearch(&word, common, ncommon, sizeof(*common),
				  cmp_str) != NULL;
}

/* Returns 1 when low (a lower-cased password) contains a word of this
 * deployment's context: "secura", or a word of four letters or more of
 * the organisation's name (SECURA_ORG_NAME). */
static int context_word(const char *low)
{
	if (strstr(low, "secura"))
		return 1;
	const char *org = config_get()->org_name;
	char word[64];
	size_t k = 0;
	for (const char *p = org ? org : "";; p++) {
		if (isalpha((unsigned char)*p) && k < sizeof(word) - 1) {
			word[k++] = (char)tolower((unsigned char)*p);
			continue;
		}
		word[k] = '\0';
		if (k >= 4 && strstr(low, word))
			return 1;
		k = 0;
		if (!*p)
			return 0;
	}
}

/* Checks pw against the policy. Returns NULL when acceptable, else a
 * message to show beside the field. email may be NULL. */
const char *password_policy(const char *pw, const char *email)
{
	pthread_once(&once, password_init);
	size_t n = strlen(pw), chars;
	if (!utf8_valid(pw, n))
		return "is not valid UTF-8";
	chars = utf8_chars(pw);
	if (chars < PASSWORD_MIN)
		return "must be at least 12 characters";
	if (chars > PASSWORD_MAX)
		return "must be at most 128 characters";
	char low[PASSWORD_MAX * 4 + 1];
	for (size_t i = 0; i <= n; i++)
		low[i] = (char)tolower((unsigned char)pw[i]);
	if (is_common(low))
		return "is a commonly used password";
	/* A common word padded with digits or symbols is no better. */
	char *b = low, *e = low + n;
	while (*b && !isalpha((unsigned char)*b))
		b++;
	while (e > b && !isalpha((unsigned char)e[-1]))
		e--;
	*e = '\0';
	if (e - b >= 4 && is_common(b))
		return "is a common password with digits or symbols added";
	int distinct = 0;
	unsigned char seen[256] = {0};
	for (size_t i = 0; i < n; i++)
		if (!seen[(unsigned char)pw[i]]++)
			distinct++;
	if (distinct < 5)
		return "uses too few different characters";
	for (size_t i = 0; i <= n; i++)
		low[i] = (char)tolower((unsigned char)pw[i]);
	if (context_word(low))
		return "must not contain the product's or the organisation's "
		       "name";
	if (email) {
		const char *at = strchr(email, '@');
		size_t ll = at ? (size_t)(at - email) : strlen(email);
		char local[256];
		if (ll >= 4 && ll < sizeof(local)) {
			for (size_t i = 0; i < ll; i++)
				local[i] =
				    (char)tolower((unsigned char)email[i]);
			local[ll] = '\0';
			for (size_t i = 0; i <= n; i++)
				low[i] = (char)tolower((unsigned char)pw[i]);
			if (strstr(low, local))
				return "must not contain your email address";
		}
	}
	return NULL;
}

/* Writes a random password of len-1 characters (letters and digits,
 * no look-alikes) plus NUL. Returns 0, or -1 if randomness fails. */
int password_generate(char *out, size_t len)
{
	static const char al[] =
	    "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ"
	    "23456789";
	const unsigned n = sizeof(al) - 1, limit = 256 - 256 % n;
	size_t i = 0;
	while (i + 1 < len) {
		unsigned char r;
		if (rand_bytes(&r, 1) != 0)
			return -1;
		if (r < limit) /* rejection sampling: no modulo bias */
			out[i++] = al[r % n];
	}
	out[len ? len - 1 : 0] = '\0';
	return len ? 0 : -1;
}
