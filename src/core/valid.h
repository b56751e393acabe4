/* valid.h - declared input fields and their pure validators (kcgi style).
 * A route lists its fields; the dispatcher validates them all before the
 * handler runs and keeps valid values apart from the errors. */
#ifndef SECURA_VALID_H
#define SECURA_VALID_H

#include "arena.h"

#include <stddef.h>
#include <stdint.h>

enum valid_type {
	V_LINE,	    /* one line of text, no control characters */
	V_TEXT,	    /* multi-line text (tabs and newlines allowed) */
	V_EMAIL,    /* lower-cased address with one @ and a dotted domain */
	V_INT,	    /* decimal integer within [min, max] */
	V_ENUM,	    /* one of choices */
	V_PASSWORD, /* any characters but controls; length checked later */
	V_DATE,	    /* YYYY-MM-DD */
	V_DATETIME, /* YYYY-MM-DDTHH:MM[:SS][Z] */
	V_BOOL,	    /* "1"/"on"/"true"/"yes" or "0"/"off"/"false"/"no"/"" */
};

enum {
	F_REQUIRED = 1 << 0,
	F_SECRET = 1 << 1, /* never echoed back in forms or logs */
	F_MULTI = 1 << 2,  /* repeated form key or JSON array; joined by "," */
};

struct field {
	const char *name;
	enum valid_type type;
	unsigned flags;
	int64_t min, max; /* length in characters, or value for V_INT */
	const char *const *choices; /* NULL-terminated, for V_ENUM */
	const char *label;	    /* for messages; defaults to name */
};

const char *valid_check(arena *a, const struct field *f, const char *in,
			const char **out);
int valid_int(const char *s, int64_t min, int64_t max, int64_t *out);
int valid_csv_has(const char *csv, const char *v);

#endif
