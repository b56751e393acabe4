/* buf.c - growable byte buffer. All functions abort on out-of-memory. */
#include "buf.h"

#include "arena.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Ensures room for n more bytes plus a NUL terminator. */
static void buf_grow(buf *b, size_t n)
{
	if (b->cap - b->len > n)
		return;
	size_t cap = b->cap ? b->cap : 256;
	while (cap - b->len <= n)
		cap *= 2;
	b->data = xrealloc(b->data, cap);
	b->cap = cap;
}

/* Appends n bytes from p. */
void buf_put(buf *b, const void *p, size_t n)
{
	buf_grow(b, n);
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

/* Appends the NUL-terminated string s. */
void buf_puts(buf *b, const char *s)
{
	buf_put(b, s, strlen(s));
}

/* Appends one byte. */
void buf_putc(buf *b, char c)
{
	buf_put(b, &c, 1);
}

/* Appends printf-formatted text. */
void buf_printf(buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n <= 0)
		return;
	buf_grow(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

/* Returns the contents as a C string (owned by b; "" when empty). */
const char *buf_cstr(buf *b)
{
	return b->data ? b->data : "";
}

/* Empties the buffer, keeping its memory. */
void buf_reset(buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

/* Releases the buffer's memory. */
void buf_free(buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

/* Appends the whole file at path to b. Returns 0, or -1 when it cannot
 * be opened or read (b then holds whatever was read). */
int buf_read_file(buf *b, const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_put(b, chunk, n);
	int err = ferror(f);
	fclose(f);
	return err ? -1 : 0;
}
