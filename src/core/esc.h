/* esc.h - one escaping function per output context (cgit html.c style). */
#ifndef SECURA_ESC_H
#define SECURA_ESC_H

#include "buf.h"

#include <stddef.h>

void esc_html(buf *b, const char *s, size_t n);
void esc_url(buf *b, const char *s);
void esc_log(buf *b, const char *s, size_t max);
void esc_header(buf *b, const char *s);
void esc_csv(buf *b, const char *s);

#endif
