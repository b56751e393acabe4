/* utf8.h - strict UTF-8 validation. */
#ifndef SECURA_UTF8_H
#define SECURA_UTF8_H

#include <stddef.h>

int utf8_valid(const char *s, size_t n);
size_t utf8_chars(const char *s);
size_t utf8_cut(const char *s, size_t max);

#endif
