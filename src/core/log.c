/* log.c - line-oriented logging to stderr (nginx/systemd collect it). */
#include "log.h"

#include "buf.h"
#include "clock.h"
#include "esc.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

static const char *log_program = "secura";
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

/* Sets the program name shown on every line. */
void log_init(const char *program)
{
	log_program = program;
}

/* Writes one line: time, program, rid, user and the formatted message with
 * non-printable bytes escaped. Never fails visibly (logging must not). */
void log_event(const char *rid, const char *user, const char *fmt, ...)
{
	char msg[2048], ts[21];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	clock_iso(clock_now(), ts);
	buf b = BUF_INIT;
	buf_printf(&b, "%s %s rid=%s user=", ts, log_program, rid ? rid : "-");
	esc_log(&b, user ? user : "-", 128);
	buf_putc(&b, ' ');
	esc_log(&b, msg, sizeof(msg));
	buf_putc(&b, '\n');
	pthread_mutex_lock(&log_lock);
	ssize_t w = write(STDERR_FILENO, b.data, b.len);
	pthread_mutex_unlock(&log_lock);
	(void)w;
	buf_free(&b);
}
