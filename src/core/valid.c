/* valid.c - field validators. Each is pure: input string in, normalised
 * value or an error message out. */
#include "valid.h"

#include "clock.h"
#include "utf8.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Parses a whole decimal integer in [min, max] into *out.
 * Returns 0, or -1 when s is empty, has junk, or is out of range. */
int valid_int(const char *s, int64_t min, int64_t max, int64_t *out)
{
	if (!s || !*s || isspace((unsigned char)*s))
		return -1;
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

/* Returns 1 when v is one of the comma-separated items of csv (whole
 * items only: "health" is not in "mental-health,x"). */
int valid_csv_has(const char *csv, const char *v)
{
	size_t n = strlen(v);
	for (const char *p = csv; p && *p;
	     p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
		if (!strncmp(p, v, n) && (p[n] == ',' || p[n] == '\0'))
			return 1;
	return 0;
}

/* Returns a copy of s without leading/trailing spaces, in the arena. */
static char *trimmed(arena *a, const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' ||
		     s[n - 1] == '\n'))
		n--;
	return arena_strndup(a, s, n);
}

/* Returns 1 when s has control characters other than those allowed. */
static int has_controls(const char *s, int allow_newlines)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == 0x7f ||
		    (c < 0x20 && !(allow_newlines &&
				   (c == '\n' || c == '\r' || c == '\t'))))
			return 1;
	}
	return 0;
}

/* Checks a syntactically plausible address: local@domain.tld, no spaces,
 * at most 254 bytes. Not RFC 5322 in full: what real mail servers accept. */
static int email_ok(const char *s)
{
	const char *at = strchr(s, '@');
	size_t n = strlen(s);
	if (!at || at == s || strchr(at + 1, '@') || n > 254)
		return 0;
	const char *dot = strrchr(at + 1, '.');
	if (!dot || dot == at + 1 || !dot[1] || strstr(at, ".."))
		return 0;
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p <= ' ' || strchr("<>()[]\\,;:\"", *p))
			return 0;
	return 1;
}

/* Returns 1 when in is one of the NULL-terminated choices. */
static int in_choices(const char *const *choices, const char *in)
{
	for (; choices && *choices; choices++)
		if (strcmp(*choices, in) == 0)
			return 1;
	return 0;
}

/* Validates in against f. On success returns NULL and sets *out to the
 * normalised value (arena string, or NULL when absent and optional). On
 * failure returns a message such as "is required". */
const char *valid_check(arena *a, const struct field *f, const char *in,
			const char **out)
{
	*out = NULL;
	const char *v = in;
	if (v && f->type != V_PASSWORD && f->type != V_TEXT)
		v = trimmed(a, v);
	if (!v || !*v) {
		if (f->flags & F_REQUIRED)
			return "is required";
		if (f->type == V_BOOL)
			*out = "0";
		return NULL;
	}
	if (!utf8_valid(v, strlen(v)))
		return "is not valid UTF-8";
	size_t chars = utf8_chars(v);
	int64_t iv;
	switch (f->type) {
	case V_INT:
		if (valid_int(v, f->min, f->max, &iv) != 0)
			return arena_printf(a,
					    "must be a whole number from "
					    "%lld to %lld",
					    (long long)f->min,
					    (long long)f->max);
		*out = arena_printf(a, "%lld", (long long)iv);
		return NULL;
	case V_ENUM:
		if (!in_choices(f->choices, v))
			return "is not one of the allowed values";
		*out = v;
		return NULL;
	case V_BOOL:
		if (in_choices(
			(const char *const[]){"1", "on", "true", "yes", NULL},
			v))
			*out = "1";
		else if (in_choices((const char *const[]){"0", "off", "false",
							  "no", NULL},
				    v))
			*out = "0";
		else
			return "must be yes or no";
		return NULL;
	case V_DATE:
	case V_DATETIME:
		if ((f->type == V_DATE && strlen(v) != 10) ||
		    clock_parse_iso(v, &iv) != 0)
			return f->type == V_DATE
				   ? "must be a date as YYYY-MM-DD"
				   : "must be a date and time as "
				     "YYYY-MM-DDTHH:MM";
		*out = v;
		return NULL;
	case V_EMAIL: {
		char *low = arena_strdup(a, v);
		for (char *p = low; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		if (!email_ok(low))
			return "must be a valid email address";
		v = low;
		break;
	}
	case V_LINE:
	case V_PASSWORD:
		if (has_controls(v, 0))
			return "must not contain control characters";
		break;
	case V_TEXT:
		if (has_controls(v, 1))
			return "must not contain control characters";
		break;
	}
	if (f->min && (int64_t)chars < f->min)
		return arena_printf(a, "must be at least %lld characters",
				    (long long)f->min);
	if (f->max && (int64_t)chars > f->max)
		return arena_printf(a, "must be at most %lld characters",
				    (long long)f->max);
	*out = v;
	return NULL;
}
