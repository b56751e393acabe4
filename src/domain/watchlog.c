/* watchlog.c - see watchlog.h. Reads what is appended to the file, in
 * whole lines, and takes them in as the source's access log events in
 * batches (at most 1,000 lines or a second's worth). Rotation is noticed
 * the way `tail -F` does: when the path names another file (rename and
 * create) or the file shrank (copy and truncate), the old one is read to
 * its end and the new one from its start. A disabled source's lines are
 * skipped. Stops at watchlog_stop (a signal handler may call it). */
#include "watchlog.h"

#include "../core/buf.h"
#include "../core/log.h"
#include "sources.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define BATCH_LINES 1000
#define POLL_MS	    250

static volatile sig_atomic_t stopping;

/* Asks watchlog_run to stop after its current batch (async-signal
 * safe). */
void watchlog_stop(void)
{
	stopping = 1;
}

/* Sleeps ms milliseconds (a signal cuts it short). */
static void nap(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

/* Takes in the whole lines at the start of pending (those up to its
 * last newline) as w's source's events and drops them from pending.
 * Returns the number of lines accepted, or -1 on a database error. */
static long flush(const struct watchlog *w, buf *pending, FILE *out)
{
	const char *end =
	    pending->len ? memrchr(pending->data, '\n', pending->len) : NULL;
	if (!end)
		return 0;
	size_t n = (size_t)(end - pending->data) + 1;
	long accepted = 0;
	json_t *src = sources_get(w->main, w->source_id);
	int enabled = json_is_true(json_object_get(src, "enabled"));
	struct source s = {.id = w->source_id,
			   .name =
			       json_string_value(json_object_get(src, "name")),
			   .kind = "http-access",
			   .enabled = enabled};
	if (src && enabled) {
		struct events_result r;
		scorer_refresh(w->sc, w->main);
		sigma_set *rs =
		    w->rules ? rules_hold(w->rules, w->main, w->rules_dir)
			     : NULL;
		int rc = events_take(
		    w->events, &s, w->sc, rs, EVENTS_ACCESS_LOG, pending->data,
		    n, 5 * BATCH_LINES, 86400000 /* waits, never drops */, &r);
		if (w->rules)
			rules_done(w->rules, rs);
		if (rc == 0 && r.rejected)
			fprintf(out,
				"watch-log: %ld line(s) refused, first: "
				"line %lld: %s\n",
				r.rejected,
				(long long)json_integer_value(json_object_get(
				    json_array_get(r.errors, 0), "line")),
				json_string_value(json_object_get(
				    json_array_get(r.errors, 0), "reason")));
		json_decref(r.errors);
		accepted = rc == 0 ? r.accepted : -1;
	}
	json_decref(src);
	memmove(pending->data, pending->data + n, pending->len - n);
	pending->len -= n;
	return accepted;
}

/* Opens w's file, at its end unless from_start. Returns the descriptor,
 * or -1 when it is not there (yet). */
static int reopen(const struct watchlog *w, int from_start)
{
	int fd = open(w->path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0 && !from_start)
		lseek(fd, 0, SEEK_END);
	return fd;
}

/* Returns 1 when the path now names another file than fd, or the file
 * shrank below what was read: it was rotated. */
static int rotated(const struct watchlog *w, int fd)
{
	struct stat now, mine;
	if (stat(w->path, &now) != 0 || fstat(fd, &mine) != 0)
		return 0;
	off_t at = lseek(fd, 0, SEEK_CUR);
	return now.st_ino != mine.st_ino || now.st_dev != mine.st_dev ||
	       now.st_size < at;
}

/* Follows w's file until watchlog_stop (or its end with w->once),
 * reporting refused lines to out. Returns 0, or 1 when the file cannot
 * be read (once) or the database fails. */
int watchlog_run(const struct watchlog *w, FILE *out)
{
	int fd = reopen(w, w->from_start || w->once);
	if (fd < 0 && w->once) {
		fprintf(out, "watch-log: cannot read %s: %s\n", w->path,
			strerror(errno));
		return 1;
	}
	buf pending = BUF_INIT;
	char chunk[65536];
	int rc = 0;
	long lines = 0;
	while (!stopping) {
		if (fd < 0) { /* not there yet, or rotated away */
			nap(POLL_MS);
			fd = reopen(w, 1);
			continue;
		}
		ssize_t n = read(fd, chunk, sizeof(chunk));
		if (n > 0) {
			buf_put(&pending, chunk, (size_t)n);
			for (ssize_t i = 0; i < n; i++)
				lines += chunk[i] == '\n';
			if (lines < BATCH_LINES)
				continue;
		}
		if (flush(w, &pending, out) < 0) {
			rc = 1;
			break;
		}
		lines = 0;
		if (n > 0)
			continue;
		if (w->once)
			break;
		if (rotated(w, fd)) { /* the old file is read to its end */
			close(fd);
			fd = reopen(w, 1);
			pending.len = 0;
			continue;
		}
		nap(POLL_MS);
	}
	if (rc == 0 && flush(w, &pending, out) < 0)
		rc = 1;
	if (fd >= 0)
		close(fd);
	buf_free(&pending);
	return rc;
}
