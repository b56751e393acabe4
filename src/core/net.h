/* net.h - the one libcurl wrapper: every outbound call has timeouts, a
 * scheme allow-list, no redirects, a cap on what it reads back, and
 * (unless allowed) never connects to loopback, private or link-local
 * addresses, checked on the address actually connected to. */
#ifndef SECURA_NET_H
#define SECURA_NET_H

#include "buf.h"

#include <stddef.h>

int net_init(void);
/* One POST: what to send and what to keep of the answer. */
struct net_post {
	const char *url, *body;
	size_t len;
	const char *const *headers; /* "Name: value", NULL-terminated */
	int allow_private;	    /* loopback/private addresses allowed */
	long timeout_ms;	    /* whole request; 0: 15 s */
	buf *reply;		    /* NULL: the body is discarded */
	const char *agent;	    /* User-Agent */
	long status;		    /* out: the HTTP status */
};

int net_post(struct net_post *p, char *err, size_t errlen);
int net_smtp(const char *url, const char *user, const char *password,
	     const char *from, const char *to, const char *message, size_t len,
	     char *err, size_t errlen);
int net_url_ok(const char *url, char *err, size_t errlen);

#endif
