/* ioc.c - indicator extraction. The text is refanged, cut into chunks at
 * whitespace and bracketing punctuation, and each chunk is classified as
 * a whole: a URL (by its scheme; its host is reported too), an e-mail
 * address, a CVE id, a hash (32/40/64 hex digits), an IPv4 address (four
 * numbers 0-255, an optional port, nothing more: "1.2.3.4.5" is a version
 * number), an IPv6 address (inet_pton, at least two groups) or a domain
 * (letters, digits and hyphens in two or more labels ending in a known
 * top-level domain, so "setup.exe" and "e.g." are not domains). */
#include "ioc.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <string.h>
#include <strings.h>

const char *const ioc_kinds[] = {"ipv4", "ipv6", "domain", "url", "email",
				 "md5",	 "sha1", "sha256", "cve", NULL};

/* Top-level domains accepted for bare domains: the generic ones people
 * meet in incidents and the country codes that are not also common file
 * extensions (.py, .sh, .md, .pl, .rs, .so, .ps, .cc, .in are left out). */
static const char *const tlds[] = {
    "com",  "net",    "org",   "edu",	"gov",	   "mil",  "int",   "info",
    "biz",  "io",     "co",    "ai",	"app",	   "dev",  "xyz",   "top",
    "site", "online", "club",  "shop",	"store",   "live", "link",  "tech",
    "me",   "tv",     "ws",    "cloud", "page",	   "work", "icu",   "buzz",
    "rest", "cyou",   "onion", "uk",	"de",	   "fr",   "nl",    "be",
    "lu",   "ch",     "at",    "it",	"es",	   "pt",   "ie",    "dk",
    "se",   "no",     "fi",    "is",	"ee",	   "lv",   "lt",    "cz",
    "sk",   "hu",     "ro",    "bg",	"gr",	   "hr",   "si",    "rs",
    "ua",   "ru",     "by",    "kz",	"tr",	   "il",   "ir",    "eu",
    "us",   "ca",     "mx",    "br",	"ar",	   "cl",   "pe",    "ve",
    "au",   "nz",     "jp",    "cn",	"hk",	   "tw",   "kr",    "kp",
    "sg",   "my",     "th",    "vn",	"id",	   "ph",   "za",    "ng",
    "ke",   "eg",     "ma",    "su",	"ly",	   "to",   "tk",    "ml",
    "ga",   "cf",     "gq",    "cx",	"example", "test", "local", "internal",
    "corp", "lan",    NULL};

/* Appends (kind, value) unless already there or the list is full. */
static void add(arena *a, struct iocs *out, const char *kind, const char *v,
		size_t n)
{
	if (out->n >= IOC_MAX)
		return;
	for (size_t i = 0; i < out->n; i++)
		if (out->v[i].kind == kind && strlen(out->v[i].value) == n &&
		    !strncmp(out->v[i].value, v, n))
			return;
	out->v = arena_grow(a, out->v, out->n, &out->cap, sizeof(*out->v));
	out->v[out->n].kind = kind;
	out->v[out->n++].value = arena_strndup(a, v, n);
}

/* Defanged spellings and what they stand for; matched case-blind. */
static const struct {
	const char *from, *to;
} fangs[] = {{"hxxps://", "https://"},
	     {"hxxp://", "http://"},
	     {"fxp://", "ftp://"},
	     {"[://]", "://"},
	     {"[.]", "."},
	     {"(.)", "."},
	     {"{.}", "."},
	     {"[dot]", "."},
	     {"(dot)", "."},
	     {"[:]", ":"},
	     {"[@]", "@"},
	     {"[at]", "@"}};

/* Returns a copy of text with defanged forms undone (arena string). */
char *ioc_refang(arena *a, const char *text)
{
	size_t n = strlen(text);
	char *o = arena_alloc(a, n + 1), *w = o;
	for (const char *p = text; *p;) {
		size_t k = sizeof(fangs) / sizeof(fangs[0]);
		if (strchr("[({hHfF", *p)) /* every defanged form starts so */
			for (k = 0; k < sizeof(fangs) / sizeof(fangs[0]); k++)
				if (!strncasecmp(p, fangs[k].from,
						 strlen(fangs[k].from)))
					break;
		if (k < sizeof(fangs) / sizeof(fangs[0])) {
			size_t t = strlen(fangs[k].to);
			memcpy(w, fangs[k].to, t);
			w += t;
			p += strlen(fangs[k].from);
		} else {
			*w++ = *p++;
		}
	}
	*w = '\0';
	return o;
}

/* Returns 1 when s[0..n) is a dotted quad of numbers 0-255. */
static int is_ipv4(const char *s, size_t n)
{
	int parts = 0;
	const char *e = s + n;
	while (s < e) {
		int v = 0, digits = 0;
		while (s < e && isdigit((unsigned char)*s) && digits < 4)
			v = v * 10 + (*s++ - '0'), digits++;
		if (!digits || digits > 3 || v > 255)
			return 0;
		if (++parts > 4)
			return 0;
		if (s < e && *s == '.' && s + 1 < e)
			s++;
		else if (s < e)
			return 0;
	}
	return parts == 4;
}

/* Returns 1 when s[0..n) is a domain under a known TLD. */
static int is_domain(const char *s, size_t n)
{
	if (n < 4 || n > 253)
		return 0;
	size_t labels = 0, len = 0, last = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i == n || s[i] == '.') {
			if (!len || len > 63 || s[i - 1] == '-' ||
			    s[i - len] == '-')
				return 0;
			labels++;
			last = i - len;
			len = 0;
			continue;
		}
		if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '_')
			return 0;
		len++;
	}
	if (labels < 2)
		return 0;
	for (const char *const *t = tlds; *t; t++)
		if (strlen(*t) == n - last &&
		    !strncasecmp(*t, s + last, n - last))
			return 1;
	return 0;
}

/* Returns 1 when s[0..n) is all hex digits and 32, 40 or 64 long. */
static const char *hash_kind(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return NULL;
	return n == 32 ? "md5" : n == 40 ? "sha1" : n == 64 ? "sha256" : NULL;
}

/* Reports s[0..n) lower-cased as kind. */
static void add_lower(arena *a, struct iocs *out, const char *kind,
		      const char *s, size_t n)
{
	char *c = arena_strndup(a, s, n);
	for (char *p = c; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	add(a, out, kind, c, n);
}

/* Reports a host (from a URL or an address with a port) as an IP or a
 * domain when it is one. */
static void host(arena *a, struct iocs *out, const char *s, size_t n)
{
	if (is_ipv4(s, n))
		add(a, out, ioc_kinds[0], s, n);
	else if (is_domain(s, n))
		add_lower(a, out, ioc_kinds[2], s, n);
}

/* Classifies an IPv6 candidate: reports its compressed form. */
static int ipv6(arena *a, struct iocs *out, const char *s, size_t n)
{
	char buf[64], norm[INET6_ADDRSTRLEN];
	struct in6_addr addr;
	size_t colons = 0, hex = 0;
	if (n >= sizeof(buf))
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == ':')
			colons++;
		else if (isxdigit((unsigned char)s[i]))
			hex++;
		else if (s[i] != '.')
			return 0;
	}
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (colons < 2 || hex < 2 || inet_pton(AF_INET6, buf, &addr) != 1 ||
	    !inet_ntop(AF_INET6, &addr, norm, sizeof(norm)))
		return 0;
	add(a, out, ioc_kinds[1], norm, strlen(norm));
	return 1;
}

/* Classifies a URL chunk: the URL with its scheme lower-cased, and its
 * host. */
static void url(arena *a, struct iocs *out, const char *s, size_t n)
{
	const char *h = strstr(s, "://") + 3;
	size_t hn = strcspn(h, "/?#");
	if (hn > (size_t)(s + n - h))
		hn = (size_t)(s + n - h);
	const char *at = memchr(h, '@', hn);
	if (at) /* user:password@host */
		hn -= (size_t)(at + 1 - h), h = at + 1;
	size_t port = hn;
	const char *colon = memchr(h, ':', hn);
	if (colon && *h != '[')
		port = (size_t)(colon - h);
	if (!port)
		return;
	char *c = arena_strndup(a, s, n);
	for (char *p = c; *p != ':'; p++)
		*p = (char)tolower((unsigned char)*p);
	add(a, out, ioc_kinds[3], c, n);
	host(a, out, h, port);
}

/* Classifies one chunk s[0..n) (already trimmed). */
static void chunk(arena *a, struct iocs *out, const char *s, size_t n)
{
	if (!strncasecmp(s, "http://", 7) || !strncasecmp(s, "https://", 8) ||
	    !strncasecmp(s, "ftp://", 6)) {
		url(a, out, s, n);
		return;
	}
	const char *at = memchr(s, '@', n);
	if (at) {
		size_t local = (size_t)(at - s), i;
		for (i = 0; i < local; i++)
			if (!isalnum((unsigned char)s[i]) &&
			    !strchr("._%+-", s[i]))
				break;
		if (local && i == local && is_domain(at + 1, n - local - 1))
			add_lower(a, out, ioc_kinds[4], s, n);
		return;
	}
	if (n >= 13 && n <= 16 && !strncasecmp(s, "cve-", 4)) {
		size_t i;
		for (i = 4; i < n; i++)
			if (!isdigit((unsigned char)s[i]) &&
			    !(i == 8 && s[i] == '-'))
				break;
		if (i == n && s[8] == '-') {
			char *c = arena_strndup(a, s, n);
			memcpy(c, "CVE", 3);
			add(a, out, ioc_kinds[8], c, n);
		}
		return;
	}
	const char *hk = hash_kind(s, n);
	if (hk) {
		add_lower(a, out, hk, s, n);
		return;
	}
	if (ipv6(a, out, s, n))
		return;
	/* host, host:port or host/path without a scheme */
	size_t hn = strcspn(s, "/:");
	if (hn > n)
		hn = n;
	if (hn < n && s[hn] == ':') {
		size_t i = hn + 1;
		while (i < n && isdigit((unsigned char)s[i]))
			i++;
		if (i != n || i == hn + 1)
			return;
	}
	host(a, out, s, hn);
}

/* Returns the kind of the first indicator that the whole chunk s[0..n)
 * is (static string), or NULL; the arena holds scratch. */
const char *ioc_classify(arena *a, const char *s, size_t n)
{
	struct iocs t = {0};
	chunk(a, &t, s, n);
	return t.n ? t.v[0].kind : NULL;
}

/* Finds the indicators in text and appends them to out (arena strings),
 * in order of first appearance, each once. */
void ioc_extract(arena *a, const char *text, struct iocs *out)
{
	const char *s = ioc_refang(a, text);
	/* chunks end at these; a URL only at the first four groups */
	const char *cut = " \t\r\n\f\v<>\"'`|\\,;()[]{}=";
	while (*s) {
		s += strspn(s, cut);
		int is_url = !strncasecmp(s, "http://", 7) ||
			     !strncasecmp(s, "https://", 8) ||
			     !strncasecmp(s, "ftp://", 6);
		size_t n = strcspn(s, is_url ? " \t\r\n\f\v<>\"'`|\\" : cut);
		const char *c = s;
		s += n;
		/* sentence punctuation and markdown emphasis around a chunk */
		while (n && strchr("*_~", *c))
			c++, n--;
		while (n &&
		       strchr(is_url ? ".,;:!?*_~)]}" : ".:!?*_~", c[n - 1]))
			n--;
		if (n >= 4)
			chunk(a, out, c, n);
	}
}
