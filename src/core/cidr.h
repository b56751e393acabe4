/* cidr.h - addresses and subnets: parsing a CIDR ("10.0.0.0/8", or one
 * address), matching an address against it, and whether an address is
 * internal (private, loopback, link-local, unique local, shared) or a
 * documentation example. Pure: no allocation. */
#ifndef SECURA_CIDR_H
#define SECURA_CIDR_H

struct cidr {
	int family; /* AF_INET or AF_INET6 */
	int bits;
	unsigned char net[16];
};

/* Parses s into *c. Returns 0, or -1 when it is no address or subnet. */
int cidr_parse(const char *s, struct cidr *c);
/* Whether the address ip lies in c (0 for no address). */
int cidr_match(const struct cidr *c, const char *ip);
/* Whether ip is an address at all. */
int cidr_is_address(const char *ip);
/* Whether ip is internal: RFC 1918, loopback, link-local, shared
 * (100.64/10), IPv6 unique local or link-local. */
int cidr_private(const char *ip);
/* Whether ip is in a documentation range (192.0.2/24, 198.51.100/24,
 * 203.0.113/24, 2001:db8::/32), which belong to no country. */
int cidr_documentation(const char *ip);

#endif
