/* ui_events.c - GET /events, the live notification stream of the signed-in
 * caller (session cookie or bearer token), and the watcher that feeds
 * every stream of the events program.
 *
 * The handler answers the headers, a retry hint and the unread count,
 * then hands the connection to the hub (core/sse.c) with the last event
 * id the client has (Last-Event-ID, ?last_event_id=, or "now" for a new
 * page). One watcher thread with its own connection then:
 *   - sends each new stream what it missed, from the notifications table;
 *   - polls PRAGMA data_version every 20 ms (no transaction is held while
 *     waiting) and, when another connection committed, reads the new
 *     notification rows once and sends each to its user's live streams;
 *   - re-checks the credential behind every stream (each second after a
 *     commit, else every 10 s) and ends streams whose session or token
 *     ended or whose user was deactivated;
 *   - records the users with open streams as present every minute. */
#include "ui.h"

#include "../core/clock.h"
#include "../core/config.h"
#include "../core/jsonmem.h"
#include "../core/log.h"
#include "../core/sse.h"
#include "../domain/notify.h"
#include "../domain/users.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define POLL_MS	       20
#define CHECK_AFTER_MS 1000
#define CHECK_EVERY_MS 10000
#define PRESENCE_MS    60000
#define BATCH	       500

const struct field ui_events_fields[] = {
    {"last_event_id", V_INT, 0, 0, INT64_MAX, NULL, "Last event id"},
    {NULL, 0, 0, 0, 0, NULL, NULL}};

/* The server's hand-over: registers the stream from the last event id
 * the handler put in the view, or closes the connection when the hub is
 * not running. */
static void adopt(struct ctx *c, int fd, int reqid)
{
	int64_t sent_max = json_integer_value(json_object_get(c->view, "from"));
	if (!sse_adopt(fd, reqid, c->me.user_id, c->me.session_id,
		       c->me.token_id, sent_max))
		close(fd);
}

/* GET /events - see the file comment. */
int ui_events_stream(struct ctx *c)
{
	int64_t from = -1;
	const char *last =
	    c->last_event_id ? c->last_event_id : ctx_val(c, "last_event_id");
	if (last && valid_int(last, 0, INT64_MAX, &from) != 0)
		return ctx_field_error(c, "last_event_id",
				       "Last-Event-ID must be a number");
	if (from < 0)
		from = notify_max(c->db);
	int64_t unread = notify_unread(c->db, c->me.user_id);
	if (from < 0 || unread < 0)
		return -1;
	c->view = json_pack("{sI}", "from", (json_int_t)from);
	buf_printf(&c->out,
		   "retry: 3000\n\nevent: hello\ndata: {\"unread\":%lld}\n\n",
		   (long long)unread);
	c->out_type = "text/event-stream";
	c->out_ready = 1;
	ctx_header(c, "X-Accel-Buffering", "no");
	c->adopt = adopt;
	return 0;
}

/* Formats notification id of user (n, taken) with the user's unread
 * count as an SSE event into b: "message" for a chat message, else
 * "notification". */
static void format(db *d, int64_t id, int64_t user, json_t *n, buf *b)
{
	int64_t unread = notify_unread(d, user);
	json_object_set_new(n, "unread_count",
			    json_integer(unread > 0 ? unread : 0));
	const char *kind = json_string_value(json_object_get(n, "kind"));
	int chat = kind && !strcmp(kind, "chat");
	char *s = json_dumps(n, JSON_COMPACT);
	buf_reset(b);
	buf_printf(b, "id: %lld\nevent: %s\ndata: %s\n\n", (long long)id,
		   chat ? "message" : "notification", s ? s : "{}");
	jsonmem_free(s);
	json_decref(n);
}

/* What catch_up and dispatch send with: the connection, the buffer, the
 * stream being caught up (when one is set; else every live stream of the
 * notification's user) and whether that stream went away. */
struct feed {
	db *d;
	buf *b;
	int one;
	sse_handle stream;
	int gone;
};

/* notify_since callback: formats one notification and sends it to the
 * stream being caught up, or to its user's live streams. */
static int feed_one(void *ud, int64_t id, int64_t user, json_t *n)
{
	struct feed *f = ud;
	format(f->d, id, user, n, f->b);
	if (!f->one) {
		sse_send_user(user, id, f->b->data, f->b->len);
		return 0;
	}
	f->gone = sse_send_stream(f->stream, id, f->b->data, f->b->len) != 0;
	return f->gone;
}

/* Sends each fresh stream what it missed and makes it live. */
static void catch_up(db *d, buf *b)
{
	struct sse_ref *r;
	size_t n = sse_fresh(&r);
	for (size_t i = 0; i < n; i++) {
		struct feed f = {d, b, 1, r[i].h, 0};
		int64_t after = r[i].sent_max;
		int rows;
		do
			rows = notify_since(d, r[i].user, &after, BATCH, NULL,
					    feed_one, &f);
		while (rows == BATCH && !f.gone);
		if (!f.gone)
			sse_live(r[i].h);
	}
	free(r);
}

/* notify_since filter: a notification is formatted only for a user with
 * a live stream. */
static int has_stream(int64_t user)
{
	return sse_user_live(user);
}

/* Sends every notification after *cursor to its user's live streams
 * (formatting only those someone is listening for). */
static void dispatch(db *d, int64_t *cursor, buf *b)
{
	struct feed f = {d, b, 0, 0, 0};
	while (notify_since(d, 0, cursor, BATCH, has_stream, feed_one, &f) ==
	       BATCH)
		;
}

/* qsort comparison of sse_refs by credential (session, then token). */
static int by_credential(const void *a, const void *b)
{
	const struct sse_ref *x = a, *y = b;
	if (x->session_id != y->session_id)
		return (x->session_id > y->session_id) -
		       (x->session_id < y->session_id);
	return (x->token_id > y->token_id) - (x->token_id < y->token_id);
}

/* Ends the streams whose session or token is no longer valid, asking
 * the database once per credential (many streams may share one). */
static void check_credentials(db *d)
{
	struct sse_ref *r;
	size_t n = sse_streams(&r);
	qsort(r, n, sizeof(*r), by_credential);
	int64_t now = clock_now();
	int64_t idle = now - config_get()->session_idle, ok = 1;
	for (size_t i = 0; i < n; i++) {
		if (i == 0 || by_credential(&r[i], &r[i - 1]) != 0)
			ok = r[i].session_id
				 ? session_alive(d, r[i].session_id, now, idle)
				 : token_alive(d, r[i].token_id, now);
		if (ok == 0)
			sse_close(r[i].h);
	}
	free(r);
}

/* qsort comparison of two user ids in sse_refs. */
static int by_user(const void *a, const void *b)
{
	int64_t x = ((const struct sse_ref *)a)->user,
		y = ((const struct sse_ref *)b)->user;
	return (x > y) - (x < y);
}

/* Records every user with an open stream as present now. */
static void touch_presence(db *d)
{
	struct sse_ref *r;
	size_t n = sse_streams(&r);
	qsort(r, n, sizeof(*r), by_user);
	if (n && db_begin(d) == 0) {
		int64_t now = clock_now();
		for (size_t i = 0; i < n; i++)
			if (i == 0 || r[i].user != r[i - 1].user)
				users_seen(d, r[i].user, now);
		if (db_commit(d) != 0)
			db_rollback(d);
	}
	free(r);
}

/* The watcher thread (see the file comment). */
static void *watch(void *arg)
{
	(void)arg;
	db d;
	char err[512];
	if (db_open(&d, config_get()->db_path, err, sizeof(err)) != 0) {
		log_event(NULL, NULL, "events: %s", err);
		exit(1);
	}
	int64_t cursor = notify_max(&d), version = -1;
	double last_check = 0, last_presence = 0;
	int changed = 0;
	buf b = BUF_INIT;
	for (;;) {
		struct timespec nap = {0, POLL_MS * 1000000L};
		nanosleep(&nap, NULL);
		catch_up(&d, &b);
		int64_t v = db_data_version(&d);
		if (v != version) {
			version = v;
			dispatch(&d, &cursor, &b);
			changed = 1;
		}
		double now = clock_mono_ms();
		if ((changed && now - last_check >= CHECK_AFTER_MS) ||
		    now - last_check >= CHECK_EVERY_MS) {
			check_credentials(&d);
			last_check = now;
			changed = 0;
		}
		if (now - last_presence >= PRESENCE_MS) {
			touch_presence(&d);
			last_presence = now;
		}
	}
	return NULL;
}

/* The events program's start hook: the hub and the watcher. Returns 0
 * or -1. */
int ui_events_start(void)
{
	return sse_start(15, watch);
}
