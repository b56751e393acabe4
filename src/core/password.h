/* password.h - password hashing (libscrypt, MCF strings) and policy. */
#ifndef SECURA_PASSWORD_H
#define SECURA_PASSWORD_H

#include <stddef.h>

#define PASSWORD_MIN	 12
#define PASSWORD_MAX	 128
#define PASSWORD_MCF_LEN 128

int password_hash(const char *pw, char out[PASSWORD_MCF_LEN]);
int password_verify(const char *mcf, const char *pw);
int password_needs_rehash(const char *mcf);
const char *password_policy(const char *pw, const char *email);
int password_generate(char *out, size_t len);
void password_burn(void);

#endif
