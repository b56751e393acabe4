/* ioc.h - indicators of compromise found in free text: IPv4 and IPv6
 * addresses, domains, URLs, e-mail addresses, MD5/SHA-1/SHA-256 hashes
 * and CVE ids, including defanged forms ("hxxp://", "1.2.3[.]4",
 * "evil[dot]com", "user[@]host"). Values come out normalised (domains,
 * hashes and schemes lower-cased, CVE ids upper-cased, IPv6 compressed)
 * and each once, at most IOC_MAX per text (a log file of addresses stops
 * there). */
#ifndef SECURA_IOC_H
#define SECURA_IOC_H

#include "../core/arena.h"

#include <stddef.h>

#define IOC_MAX 1000

struct ioc {
	const char *kind; /* one of ioc_kinds */
	const char *value;
};

struct iocs {
	struct ioc *v;
	size_t n, cap;
};

extern const char *const ioc_kinds[]; /* NULL-terminated */

void ioc_extract(arena *a, const char *text, struct iocs *out);
char *ioc_refang(arena *a, const char *text);
const char *ioc_classify(arena *a, const char *s, size_t n);

#endif
