/* sse.h - the hub of the events program: holds thousands of Server-Sent
 * Events streams after a worker thread answered their headers, without a
 * thread each. A stream is the FastCGI connection itself: the hub frames
 * what it sends as FCGI_STDOUT records and ends it with FCGI_END_REQUEST.
 * One epoll thread reads (to see nginx close a stream whose client left),
 * flushes what a full socket held back and sends heartbeats; sends are
 * non-blocking and a stream that falls too far behind is closed (its
 * client reconnects with Last-Event-ID and catches up from the table).
 *
 * A stream starts "fresh": live sends skip it until its feeder has sent
 * what it missed (sse_fresh, sse_send_stream, then sse_live). Each
 * stream remembers the last event id it got, so no event is sent twice. */
#ifndef SECURA_SSE_H
#define SECURA_SSE_H

#include <stddef.h>
#include <stdint.h>

typedef uint64_t sse_handle;

struct sse_ref {
	sse_handle h;
	int64_t user, session_id, token_id, sent_max;
};

int sse_start(int heartbeat_s, void *(*feeder)(void *));
sse_handle sse_adopt(int fd, int reqid, int64_t user, int64_t session_id,
		     int64_t token_id, int64_t sent_max);
size_t sse_fresh(struct sse_ref **out);
size_t sse_streams(struct sse_ref **out);
int sse_send_stream(sse_handle h, int64_t id, const char *text, size_t len);
void sse_live(sse_handle h);
int sse_user_live(int64_t user);
size_t sse_send_user(int64_t user, int64_t id, const char *text, size_t len);
void sse_close(sse_handle h);

#endif
