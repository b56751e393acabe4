/* rand.h - cryptographically secure random bytes and tokens. */
#ifndef SECURA_RAND_H
#define SECURA_RAND_H

#include <stddef.h>

/* 32 random bytes as base64url without padding: 43 chars + NUL. */
#define RAND_TOKEN_LEN 44

int rand_bytes(void *p, size_t n);
int rand_token(char out[RAND_TOKEN_LEN]);
void rand_b64url(const unsigned char *in, size_t n, char *out);
int ct_equal(const char *a, const char *b);

#endif
