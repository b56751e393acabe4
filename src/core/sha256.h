/* sha256.h - SHA-256 (FIPS 180-4) and HMAC-SHA256 (RFC 2104). */
#ifndef SECURA_SHA256_H
#define SECURA_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_LEN 32
#define SHA256_HEX 65 /* 64 hex digits and a NUL */

typedef struct sha256_ctx {
	uint32_t h[8];
	uint64_t bits;
	unsigned char block[64];
	size_t fill;
} sha256_ctx;

void sha256_init(sha256_ctx *c);
void sha256_update(sha256_ctx *c, const void *p, size_t n);
void sha256_final(sha256_ctx *c, unsigned char out[SHA256_LEN]);
void sha256(const void *p, size_t n, unsigned char out[SHA256_LEN]);
void sha256_hex(const void *p, size_t n, char out[SHA256_HEX]);
void sha256_tohex(const unsigned char d[SHA256_LEN], char out[SHA256_HEX]);
void hmac_sha256(const void *key, size_t klen, const void *msg, size_t mlen,
		 unsigned char out[SHA256_LEN]);

#endif
