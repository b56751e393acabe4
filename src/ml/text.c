/* text.c - turns free text into tokens. Whitespace-separated chunks are
 * refanged and classified as whole indicators first (ioc.c: URL, e-mail,
 * IPv4/IPv6, MD5/SHA-1/SHA-256, CVE id); anything else is split into
 * runs of letters and digits, lower-cased (ASCII and Latin-1 capitals),
 * with pure numbers as <num>. Like scikit-learn's default, single
 * characters are dropped. */
#include "text.h"

#include "ioc.h"

#include <ctype.h>
#include <string.h>

/* Appends one token (arena string) to out. */
static void push(arena *a, struct tokens *out, const char *t, size_t n)
{
	out->v = arena_grow(a, out->v, out->n, &out->cap, sizeof(*out->v));
	out->v[out->n++] = arena_strndup(a, t, n);
}

/* Returns the token for a chunk that is a whole indicator, or NULL.
 * Bare domains stay words: "gmail", "com" carry meaning. */
static const char *indicator(arena *a, const char *c)
{
	const char *k = ioc_classify(a, c, strlen(c));
	if (!k || !strcmp(k, "domain"))
		return NULL;
	if (!strcmp(k, "ipv4") || !strcmp(k, "ipv6"))
		return "<ip>";
	if (!strcmp(k, "md5") || !strcmp(k, "sha1") || !strcmp(k, "sha256"))
		return "<hash>";
	return arena_printf(a, "<%s>", k);
}

/* Lower-cases a chunk in place: ASCII and Latin-1 capitals (U+00C0 to
 * U+00DE except U+00D7). */
static void normalise(char *c)
{
	char *o = c;
	for (char *p = c; *p;) {
		unsigned char ch = (unsigned char)*p;
		if (ch == 0xc3 && (unsigned char)p[1] >= 0x80 &&
		    (unsigned char)p[1] <= 0x9e &&
		    (unsigned char)p[1] != 0x97) {
			*o++ = (char)0xc3;
			*o++ = (char)((unsigned char)p[1] + 0x20);
			p += 2;
		} else {
			*o++ = (char)tolower(ch);
			p++;
		}
	}
	*o = '\0';
}

/* Tokenizes s into out (strings in the arena). */
void text_tokens(arena *a, const char *s, struct tokens *out)
{
	s = ioc_refang(a, s);
	while (*s) {
		while (*s && isspace((unsigned char)*s))
			s++;
		size_t n = 0;
		while (s[n] && !isspace((unsigned char)s[n]))
			n++;
		if (!n)
			break;
		char *c = arena_strndup(a, s, n);
		s += n;
		normalise(c);
		/* Trim punctuation around an indicator ("(1.2.3.4),"). */
		char *b = c, *e = c + strlen(c);
		while (*b && strchr("([{<\"'", *b))
			b++;
		while (e > b && strchr(")]}>\"',.;:!?", e[-1]))
			e--;
		*e = '\0';
		const char *ind = indicator(a, b);
		if (ind) {
			push(a, out, ind, strlen(ind));
			continue;
		}
		for (const char *p = b; *p;) {
			const char *w = p;
			int digits = 1;
			while (*p && (isalnum((unsigned char)*p) ||
				      (unsigned char)*p >= 0x80)) {
				digits &= isdigit((unsigned char)*p) != 0;
				p++;
			}
			if (p - w >= 2)
				push(a, out, digits ? "<num>" : w,
				     digits ? 5 : (size_t)(p - w));
			else if (p - w == 1 && digits)
				push(a, out, "<num>", 5);
			while (*p && !isalnum((unsigned char)*p) &&
			       (unsigned char)*p < 0x80)
				p++;
		}
	}
}
