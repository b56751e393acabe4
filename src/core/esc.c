/* esc.c - escaping for HTML text/attributes, URL components, logs, headers. */
#include "esc.h"

#include <string.h>

/* Appends s (n bytes) escaped for HTML text and quoted attributes:
 * & < > " ' and ` become entities. */
void esc_html(buf *b, const char *s, size_t n)
{
	size_t start = 0;
	for (size_t i = 0; i < n; i++) {
		const char *rep;
		switch (s[i]) {
		case '&':
			rep = "&amp;";
			break;
		case '<':
			rep = "&lt;";
			break;
		case '>':
			rep = "&gt;";
			break;
		case '"':
			rep = "&quot;";
			break;
		case '\'':
			rep = "&#39;";
			break;
		case '`':
			rep = "&#96;";
			break;
		default:
			continue;
		}
		buf_put(b, s + start, i - start);
		buf_puts(b, rep);
		start = i + 1;
	}
	buf_put(b, s + start, n - start);
}

/* Appends s percent-encoded for a URL path segment or query value
 * (RFC 3986 unreserved characters pass through). */
void esc_url(buf *b, const char *s)
{
	static const char hx[] = "0123456789ABCDEF";
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || strchr("-._~", c)) {
			buf_putc(b, (char)c);
		} else {
			char e[3] = {'%', hx[c >> 4], hx[c & 15]};
			buf_put(b, e, 3);
		}
	}
}

/* Appends s for a log line: printable ASCII kept, everything else as \xNN,
 * at most max input bytes (then "..."). */
void esc_log(buf *b, const char *s, size_t max)
{
	static const char hx[] = "0123456789abcdef";
	size_t i = 0;
	for (; s && s[i] && i < max; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c < 0x7f && c != '\\' && c != '"') {
			buf_putc(b, (char)c);
		} else {
			char e[4] = {'\\', 'x', hx[c >> 4], hx[c & 15]};
			buf_put(b, e, 4);
		}
	}
	if (s && s[i])
		buf_puts(b, "...");
}

/* Appends s as one RFC 4180 field: quoted when it holds a comma, quote,
 * CR or LF (quotes doubled). Text a spreadsheet would run as a formula
 * (starting with = + - @, tab or CR) gets a leading apostrophe. */
void esc_csv(buf *b, const char *s)
{
	int formula = s[0] && strchr("=+-@\t\r", s[0]);
	int quote = formula || strpbrk(s, ",\"\r\n") != NULL;
	if (quote)
		buf_putc(b, '"');
	if (formula)
		buf_putc(b, '\'');
	for (; *s; s++) {
		if (*s == '"')
			buf_putc(b, '"');
		buf_putc(b, *s);
	}
	if (quote)
		buf_putc(b, '"');
}

/* Appends s for an HTTP header value: CR, LF and other controls dropped,
 * so no header can be injected. */
void esc_header(buf *b, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c >= 0x20 && c != 0x7f)
			buf_putc(b, (char)c);
	}
}
