/* net.h - the one libcurl wrapper: every outbound call has timeouts, a
 * scheme allow-list, no redirects, a cap on what it reads back, and
 * (unless allowed) never connects to loopback, private or link-local
 * addresses, checked on the address actually connected to. */
#ifndef SECURA_NET_H
#define SECURA_NET_H

#include <stddef.h>

int net_init(void);
int net_post(const char *url, const char *body, size_t len,
	     const char *const *headers, int allow_private, long *status,
	     char *err, size_t errlen);
int net_smtp(const char *url, const char *user, const char *password,
	     const char *from, const char *to, const char *message, size_t len,
	     char *err, size_t errlen);
int net_url_ok(const char *url, char *err, size_t errlen);

#endif
