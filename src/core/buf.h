/* buf.h - growable byte buffer for response bodies and rendered text. */
#ifndef SECURA_BUF_H
#define SECURA_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct buf {
	char *data; /* heap, always NUL-terminated once non-empty */
	size_t len, cap;
} buf;

#define BUF_INIT                                                               \
	{                                                                      \
		NULL, 0, 0                                                     \
	}

void buf_put(buf *b, const void *p, size_t n);
void buf_puts(buf *b, const char *s);
void buf_putc(buf *b, char c);
void buf_printf(buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
const char *buf_cstr(buf *b);
void buf_reset(buf *b);
void buf_free(buf *b);
int buf_read_file(buf *b, const char *path);

#endif
