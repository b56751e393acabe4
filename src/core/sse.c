/* sse.c - see sse.h. All state is guarded by one mutex; nothing under it
 * blocks (sockets are non-blocking), so the epoll thread and the thread
 * that dispatches events only ever wait for each other's memory work. */
#include "sse.h"

#include "telemetry.h"
#include "arena.h"
#include "buf.h"
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#define MAX_PENDING (256 * 1024) /* held back for a slow client, then cut */
#define NBUCKETS    4096	 /* user id -> streams */

struct stream {
	int fd, reqid, fresh, want_out;
	size_t slot;
	int64_t user, session_id, token_id, sent_max;
	buf out; /* framed bytes not yet written */
	size_t off;
	struct stream *next; /* same bucket */
};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static struct stream **slots;		  /* index = low 32 bits of a handle */
static uint32_t *gens;			  /* generation per slot */
static size_t nslots, live_count, nfresh; /* nfresh: awaiting catch-up */
static uint32_t *free_slots;
static size_t nfree;
static struct stream *buckets[NBUCKETS];
static int ep = -1, heartbeat = 15;

/* The handle of the stream in slot i. */
static sse_handle handle_of(size_t i)
{
	return (uint64_t)gens[i] << 32 | (uint64_t)i;
}

/* The stream a handle names, or NULL when it has closed. Under mu. */
static struct stream *lookup(sse_handle h)
{
	size_t i = (size_t)(h & 0xffffffffu);
	if (i >= nslots || !slots[i] || gens[i] != (uint32_t)(h >> 32))
		return NULL;
	return slots[i];
}

/* Appends FCGI_STDOUT records carrying p[0..n) (n == 0: the end of the
 * stream) to b. */
static void frame(buf *b, int reqid, int type, const char *p, size_t n)
{
	do {
		size_t k = n > 65535 ? 65535 : n;
		unsigned char h[8] = {1,
				      (unsigned char)type,
				      (unsigned char)(reqid >> 8),
				      (unsigned char)reqid,
				      (unsigned char)(k >> 8),
				      (unsigned char)k,
				      0,
				      0};
		buf_put(b, h, 8);
		if (k)
			buf_put(b, p, k);
		p += k;
		n -= k;
	} while (n);
}

/* Writes what s holds back. Returns 0 (all written or the socket is
 * full), -1 when the connection is gone. Under mu. */
static int flush(struct stream *s)
{
	while (s->off < s->out.len) {
		ssize_t w =
		    write(s->fd, s->out.data + s->off, s->out.len - s->off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (w <= 0)
			return -1;
		s->off += (size_t)w;
	}
	if (s->off == s->out.len) {
		buf_reset(&s->out);
		s->off = 0;
	}
	int want = s->off < s->out.len;
	if (want != s->want_out) {
		struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP |
						   (want ? EPOLLOUT : 0u),
					 .data.u64 = handle_of(s->slot)};
		epoll_ctl(ep, EPOLL_CTL_MOD, s->fd, &ev);
		s->want_out = want;
	}
	return 0;
}

/* Removes the stream in slot i and closes its connection, ending the
 * FastCGI request first when end is set. Under mu. */
static void drop(size_t i, int end)
{
	struct stream *s = slots[i];
	if (end) {
		buf tail = BUF_INIT;
		frame(&tail, s->reqid, 6, NULL, 0);
		unsigned char body[8] = {0};
		buf_put(&s->out, tail.data, tail.len);
		buf_free(&tail);
		unsigned char h[8] = {1,
				      3,
				      (unsigned char)(s->reqid >> 8),
				      (unsigned char)s->reqid,
				      0,
				      8,
				      0,
				      0};
		buf_put(&s->out, h, 8);
		buf_put(&s->out, body, 8);
		/* best effort: the socket may be full or gone */
		ssize_t w =
		    write(s->fd, s->out.data + s->off, s->out.len - s->off);
		(void)w;
	}
	epoll_ctl(ep, EPOLL_CTL_DEL, s->fd, NULL);
	close(s->fd);
	struct stream **pp = &buckets[(uint64_t)s->user % NBUCKETS];
	while (*pp && *pp != s)
		pp = &(*pp)->next;
	if (*pp)
		*pp = s->next;
	nfresh -= (size_t)s->fresh;
	buf_free(&s->out);
	free(s);
	slots[i] = NULL;
	gens[i]++;
	free_slots[nfree++] = (uint32_t)i;
	live_count--;
}

/* Queues text for s (framed) and tries to write it. Returns 0, or -1
 * when s was dropped (gone, or too far behind). Under mu. */
static int put(size_t i, const char *text, size_t len)
{
	struct stream *s = slots[i];
	if (s->out.len - s->off + len > MAX_PENDING) {
		log_event(NULL, NULL,
			  "events: user %lld stream too slow, "
			  "closed",
			  (long long)s->user);
		drop(i, 1);
		return -1;
	}
	frame(&s->out, s->reqid, 6, text, len);
	if (flush(s) != 0) {
		drop(i, 0);
		return -1;
	}
	return 0;
}

/* Adopts a FastCGI connection whose response headers were sent: fd,
 * the request id, whose stream it is, the credential to re-check and the
 * last event id the client has. Returns its handle (0 when the hub is
 * not running; the caller then closes fd). */
sse_handle sse_adopt(int fd, int reqid, int64_t user, int64_t session_id,
		     int64_t token_id, int64_t sent_max)
{
	if (ep < 0)
		return 0;
	struct stream *s = xcalloc(1, sizeof(*s));
	*s = (struct stream){.fd = fd,
			     .reqid = reqid,
			     .fresh = 1,
			     .user = user,
			     .session_id = session_id,
			     .token_id = token_id,
			     .sent_max = sent_max,
			     .out = BUF_INIT};
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	pthread_mutex_lock(&mu);
	if (!nfree) {
		size_t n = nslots ? nslots * 2 : 1024;
		slots = xrealloc(slots, n * sizeof(*slots));
		gens = xrealloc(gens, n * sizeof(*gens));
		free_slots = xrealloc(free_slots, n * sizeof(*free_slots));
		for (size_t i = n; i > nslots; i--) {
			slots[i - 1] = NULL;
			gens[i - 1] = 1;
			free_slots[nfree++] = (uint32_t)(i - 1);
		}
		nslots = n;
	}
	size_t i = free_slots[--nfree];
	slots[i] = s;
	s->slot = i;
	live_count++;
	nfresh++;
	struct stream **b = &buckets[(uint64_t)user % NBUCKETS];
	s->next = *b;
	*b = s;
	sse_handle h = handle_of(i);
	struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP, .data.u64 = h};
	if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) != 0) {
		drop(i, 0);
		h = 0;
	}
	pthread_mutex_unlock(&mu);
	return h;
}

/* Copies the refs of fresh streams (or of all, when all is set) into a
 * new array *out (caller frees). Returns the count. */
static size_t refs(struct sse_ref **out, int all)
{
	pthread_mutex_lock(&mu);
	size_t n = 0;
	if (!all && !nfresh) { /* the common case, every 20 ms: no scan */
		pthread_mutex_unlock(&mu);
		*out = NULL;
		return 0;
	}
	struct sse_ref *r = xcalloc(live_count + 1, sizeof(*r));
	for (size_t i = 0; i < nslots; i++) {
		struct stream *s = slots[i];
		if (s && (all || s->fresh))
			r[n++] = (struct sse_ref){handle_of(i), s->user,
						  s->session_id, s->token_id,
						  s->sent_max};
	}
	pthread_mutex_unlock(&mu);
	*out = r;
	return n;
}

/* The streams waiting for their catch-up; *out is a new array. */
size_t sse_fresh(struct sse_ref **out)
{
	return refs(out, 0);
}

/* Every stream; *out is a new array. */
size_t sse_streams(struct sse_ref **out)
{
	return refs(out, 1);
}

/* Sends event id (> the stream's last) to one stream, fresh or not.
 * Returns 0, or -1 when the stream has gone. */
int sse_send_stream(sse_handle h, int64_t id, const char *text, size_t len)
{
	pthread_mutex_lock(&mu);
	struct stream *s = lookup(h);
	int rc = s ? 0 : -1;
	if (s && id > s->sent_max) {
		s->sent_max = id;
		rc = put(s->slot, text, len);
	}
	pthread_mutex_unlock(&mu);
	return rc;
}

/* Makes a caught-up stream receive live sends from now on. */
void sse_live(sse_handle h)
{
	pthread_mutex_lock(&mu);
	struct stream *s = lookup(h);
	if (s && s->fresh) {
		s->fresh = 0;
		nfresh--;
	}
	pthread_mutex_unlock(&mu);
}

/* Sends event id to every live stream of user that has not had it.
 * Returns how many streams got it. */
size_t sse_send_user(int64_t user, int64_t id, const char *text, size_t len)
{
	size_t n = 0;
	pthread_mutex_lock(&mu);
	struct stream *s = buckets[(uint64_t)user % NBUCKETS];
	while (s) {
		struct stream *next = s->next;
		if (s->user == user && !s->fresh && id > s->sent_max) {
			s->sent_max = id;
			n += put(s->slot, text, len) == 0;
		}
		s = next;
	}
	pthread_mutex_unlock(&mu);
	return n;
}

/* Returns 1 when user has a live stream (one that sse_send_user would
 * send to), else 0: the feeder formats an event only for those. */
int sse_user_live(int64_t user)
{
	int live = 0;
	pthread_mutex_lock(&mu);
	for (struct stream *s = buckets[(uint64_t)user % NBUCKETS]; s && !live;
	     s = s->next)
		live = s->user == user && !s->fresh;
	pthread_mutex_unlock(&mu);
	return live;
}

/* Ends a stream (its session ended): the response completes, the client
 * sees the end. */
void sse_close(sse_handle h)
{
	pthread_mutex_lock(&mu);
	if (lookup(h))
		drop((size_t)(h & 0xffffffffu), 1);
	pthread_mutex_unlock(&mu);
}

/* Sends a heartbeat comment to the streams whose slot falls in this
 * second's share (slot % heartbeat == second % heartbeat), so each gets
 * one every heartbeat seconds and 10,000 of them never all at once.
 * Under mu. */
static void beat(long second)
{
	static const char hb[] = ": keepalive\n\n";
	size_t share = (size_t)(second % heartbeat);
	for (size_t i = share; i < nslots; i += (size_t)heartbeat)
		if (slots[i])
			put(i, hb, sizeof(hb) - 1);
}

/* The epoll thread: input (nginx closing a stream whose client left, or
 * the rest of the request), writable sockets, heartbeats. */
static void *loop(void *arg)
{
	(void)arg;
	struct epoll_event evs[256];
	struct timespec last;
	clock_gettime(CLOCK_MONOTONIC, &last);
	for (;;) {
		int n = epoll_wait(ep, evs, 256, 1000);
		pthread_mutex_lock(&mu);
		for (int k = 0; k < n; k++) {
			struct stream *s = lookup(evs[k].data.u64);
			if (!s)
				continue;
			size_t i = (size_t)(evs[k].data.u64 & 0xffffffffu);
			int gone = (evs[k].events &
				    (EPOLLHUP | EPOLLERR | EPOLLRDHUP)) != 0;
			if (!gone && (evs[k].events & EPOLLIN)) {
				char sink[4096];
				ssize_t r = read(s->fd, sink, sizeof(sink));
				gone = r == 0 || (r < 0 && errno != EAGAIN &&
						  errno != EINTR);
			}
			if (!gone && (evs[k].events & EPOLLOUT))
				gone = flush(s) != 0;
			if (gone)
				drop(i, 0);
		}
		struct timespec now;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec != last.tv_sec) {
			beat((long)now.tv_sec);
			last = now;
			telemetry_streams((long)live_count);
			telemetry_flush(0);
		}
		pthread_mutex_unlock(&mu);
	}
	return NULL;
}

/* Starts fn(NULL) on a detached thread. Returns 0 or -1. */
static int spawn(void *(*fn)(void *))
{
	pthread_t t;
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	int rc = pthread_create(&t, &attr, fn, NULL);
	pthread_attr_destroy(&attr);
	return rc == 0 ? 0 : -1;
}

/* Starts the hub: raises the open-file limit to its maximum (one
 * descriptor per stream), starts the epoll thread and feeder, the thread
 * that sends events into the hub. Returns 0 or -1. */
int sse_start(int heartbeat_s, void *(*feeder)(void *))
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	heartbeat = heartbeat_s > 0 ? heartbeat_s : 15;
	ep = epoll_create1(EPOLL_CLOEXEC);
	if (ep < 0 || spawn(loop) != 0)
		return -1;
	return spawn(feeder);
}
