/* text.c - turns free text into tokens. Whitespace-separated chunks are
 * refanged ("hxxp", "[.]") and classified as whole indicators first (URL,
 * e-mail, IPv4, MD5/SHA-1/SHA-256, CVE id); anything else is split into
 * runs of letters and digits, lower-cased (ASCII and Latin-1 capitals),
 * with pure numbers as <num>. Like scikit-learn's default, single
 * characters are dropped. */
#include "text.h"

#include <ctype.h>
#include <string.h>

/* Appends one token (arena string) to out. */
static void push(arena *a, struct tokens *out, const char *t, size_t n)
{
	out->v = arena_grow(a, out->v, out->n, &out->cap, sizeof(*out->v));
	out->v[out->n++] = arena_strndup(a, t, n);
}

/* Returns 1 when s is a dotted quad of numbers 0-255. */
static int is_ipv4(const char *s)
{
	int parts = 0;
	while (*s) {
		int v = 0, digits = 0;
		while (isdigit((unsigned char)*s) && digits < 4)
			v = v * 10 + (*s++ - '0'), digits++;
		if (!digits || v > 255 || digits > 3)
			return 0;
		parts++;
		if (*s == '.')
			s++;
		else if (*s)
			return 0;
	}
	return parts == 4;
}

/* Returns 1 when s is 32, 40 or 64 hex digits (MD5, SHA-1, SHA-256). */
static int is_hash(const char *s)
{
	size_t n = strspn(s, "0123456789abcdef");
	return !s[n] && (n == 32 || n == 40 || n == 64);
}

/* Returns the indicator token for a whole chunk, or NULL. */
static const char *indicator(const char *c)
{
	if (!strncmp(c, "http://", 7) || !strncmp(c, "https://", 8) ||
	    !strncmp(c, "ftp://", 6))
		return "<url>";
	const char *at = strchr(c, '@');
	if (at && at > c && strchr(at, '.') && !strchr(at + 1, '@'))
		return "<email>";
	if (is_ipv4(c))
		return "<ip>";
	if (is_hash(c))
		return "<hash>";
	if (!strncmp(c, "cve-", 4) && isdigit((unsigned char)c[4]))
		return "<cve>";
	return NULL;
}

/* Lower-cases a chunk in place: ASCII and Latin-1 capitals (U+00C0 to
 * U+00DE except U+00D7), and refangs "hxxp" and "[.]". */
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
		} else if (!strncmp(p, "[.]", 3)) {
			*o++ = '.';
			p += 3;
		} else {
			*o++ = (char)tolower(ch);
			p++;
		}
	}
	*o = '\0';
	if (!strncmp(c, "hxxp", 4))
		c[1] = c[2] = 't';
}

/* Tokenizes s into out (strings in the arena). */
void text_tokens(arena *a, const char *s, struct tokens *out)
{
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
		const char *ind = indicator(b);
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
