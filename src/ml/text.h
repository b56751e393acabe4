/* text.h - tokenizer for the classifiers: lower-cased words (accented
 * Latin letters kept), numbers and indicators normalised to <num>, <ip>,
 * <url>, <email>, <hash>, <cve>. */
#ifndef SECURA_TEXT_H
#define SECURA_TEXT_H

#include "../core/arena.h"

#include <stddef.h>

struct tokens {
	const char **v;
	size_t n, cap;
};

void text_tokens(arena *a, const char *s, struct tokens *out);

#endif
