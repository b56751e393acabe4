/* cidr.c - see cidr.h. */
#include "cidr.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Parses s into *c. Returns 0, or -1 when it is no address or subnet. */
int cidr_parse(const char *s, struct cidr *c)
{
	char host[64];
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : strlen(s);
	if (n == 0 || n >= sizeof(host))
		return -1;
	memcpy(host, s, n);
	host[n] = '\0';
	memset(c, 0, sizeof(*c));
	c->family = strchr(host, ':') ? AF_INET6 : AF_INET;
	if (inet_pton(c->family, host, c->net) != 1)
		return -1;
	int max = c->family == AF_INET ? 32 : 128;
	c->bits = max;
	if (slash) {
		char *end;
		long b = strtol(slash + 1, &end, 10);
		if (end == slash + 1 || *end || b < 0 || b > max)
			return -1;
		c->bits = (int)b;
	}
	return 0;
}

/* Whether the address ip lies in c. */
int cidr_match(const struct cidr *c, const char *ip)
{
	unsigned char a[16];
	if (!ip || inet_pton(c->family, ip, a) != 1)
		return 0;
	int full = c->bits / 8, rest = c->bits % 8;
	if (memcmp(a, c->net, (size_t)full))
		return 0;
	if (!rest)
		return 1;
	unsigned char m = (unsigned char)(0xff << (8 - rest));
	return (a[full] & m) == (c->net[full] & m);
}

/* Whether ip is an address at all. */
int cidr_is_address(const char *ip)
{
	struct cidr c;
	return ip && !strchr(ip, '/') && cidr_parse(ip, &c) == 0;
}

/* Whether ip lies in one of the n CIDRs of list. */
static int any(const char *const *list, size_t n, const char *ip)
{
	for (size_t i = 0; i < n; i++) {
		struct cidr c;
		if (cidr_parse(list[i], &c) == 0 && cidr_match(&c, ip))
			return 1;
	}
	return 0;
}

/* Whether ip is internal. */
int cidr_private(const char *ip)
{
	static const char *const nets[] = {
	    "10.0.0.0/8",  "172.16.0.0/12",  "192.168.0.0/16",
	    "127.0.0.0/8", "169.254.0.0/16", "100.64.0.0/10",
	    "::1/128",	   "fc00::/7",	     "fe80::/10"};
	return any(nets, sizeof(nets) / sizeof(*nets), ip);
}

/* Whether ip is in a documentation range. */
int cidr_documentation(const char *ip)
{
	static const char *const nets[] = {"192.0.2.0/24", "198.51.100.0/24",
					   "203.0.113.0/24", "2001:db8::/32"};
	return any(nets, sizeof(nets) / sizeof(*nets), ip);
}
