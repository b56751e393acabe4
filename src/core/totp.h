/* totp.h - time-based one-time passwords (RFC 6238: HMAC-SHA1, 30-second
 * steps, 6 digits, as every authenticator app reads them) with liboath;
 * their secrets, the otpauth:// address an app scans, and that address
 * as a QR code drawn in SVG with libqrencode. */
#ifndef SECURA_TOTP_H
#define SECURA_TOTP_H

#include "arena.h"
#include "buf.h"

#include <stdint.h>

#define TOTP_SECRET_LEN 33 /* 20 random bytes in base32: 32 chars + NUL */
#define TOTP_STEP	30

int totp_new_secret(char out[TOTP_SECRET_LEN]);
int64_t totp_check(const char *secret, const char *code, int64_t now);
int totp_code(const char *secret, int64_t now, char out[7]);
const char *totp_uri(arena *a, const char *issuer, const char *account,
		     const char *secret);
int totp_qr_svg(buf *out, const char *text);

#endif
