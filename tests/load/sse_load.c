/* sse_load.c - holds N Server-Sent Events clients on one machine and
 * measures how long a broadcast takes to reach each of them.
 *
 *   sse_load PORT N TOKENS_FILE EMPLOYEE_TOKEN [HOLD_SECONDS]
 *
 * Opens N connections to GET /events (HTTP/1.0, Bearer tokens taken in
 * turn from TOKENS_FILE) in steps of 250, waits for every "hello", holds them HOLD_SECONDS
 * (while the caller measures the pages under that load), then
 * reports an incident as the employee (which notifies every analyst) and
 * records when each stream receives its "notification" event. Prints the
 * streams held and the delivery percentiles from the moment the report
 * was sent. Exit 0 when every stream got the event. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct client {
	int fd, hello, got;
	double at;
	char tail[16];
};

/* Monotonic milliseconds. */
static double now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* A non-blocking connection to 127.0.0.1:port, or -1. */
static int dial(int port)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	struct sockaddr_in a = {.sin_family = AF_INET,
				.sin_port = htons((uint16_t)port)};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || (connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0 &&
		       errno != EINPROGRESS)) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* Reads what is there; marks hello / notification by scanning for the
 * event names (also across read boundaries via the saved tail). Returns
 * 0, or -1 when the connection closed. */
static int pump(struct client *c)
{
	char b[8192 + 16];
	for (;;) {
		size_t keep = strlen(c->tail);
		memcpy(b, c->tail, keep);
		ssize_t n = read(c->fd, b + keep, 8192);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return 0;
		if (n <= 0)
			return -1;
		b[keep + (size_t)n] = '\0';
		if (!c->hello && strstr(b, "event: hello"))
			c->hello = 1;
		if (!c->got && strstr(b, "event: notification")) {
			c->got = 1;
			c->at = now_ms();
		}
		size_t len = keep + (size_t)n, t = len > 15 ? 15 : len;
		memcpy(c->tail, b + len - t, t);
		c->tail[t] = '\0';
	}
}

/* qsort on doubles. */
static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	if (argc != 5 && argc != 6) {
		fprintf(stderr,
			"usage: sse_load PORT N TOKENS_FILE EMP_TOKEN [HOLD]\n");
		return 2;
	}
	int port = (int)strtol(argv[1], NULL, 10);
	int n = (int)strtol(argv[2], NULL, 10);
	char tokens[2000][64];
	int nt = 0;
	FILE *f = fopen(argv[3], "r");
	while (f && nt < 2000 && fscanf(f, "%63s", tokens[nt]) == 1)
		nt++;
	if (f)
		fclose(f);
	if (!nt || n <= 0)
		return 2;
	struct rlimit rl;
	getrlimit(RLIMIT_NOFILE, &rl);
	rl.rlim_cur = rl.rlim_max;
	setrlimit(RLIMIT_NOFILE, &rl);
	struct client *cs = calloc((size_t)n, sizeof(*cs));
	int ep = epoll_create1(0);
	double t0 = now_ms();
	int open = 0, hello = 0, failed = 0;
	for (int i = 0; i < n; i++) {
		cs[i].fd = dial(port);
		if (cs[i].fd < 0) {
			failed++;
			continue;
		}
		struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT,
					 .data.u32 = (uint32_t)i};
		epoll_ctl(ep, EPOLL_CTL_ADD, cs[i].fd, &ev);
		open++;
		if ((i + 1) % 250 == 0 || i + 1 == n) {
			/* let the step connect and say hello before the next */
			double until = now_ms() + 300;
			struct epoll_event evs[512];
			while (now_ms() < until) {
				int k = epoll_wait(ep, evs, 512, 20);
				for (int j = 0; j < k; j++) {
					struct client *c = &cs[evs[j].data.u32];
					if (evs[j].events & EPOLLOUT) {
						char req[256];
						int len = snprintf(
						    req, sizeof(req),
						    "GET /events HTTP/1.0\r\n"
						    "Authorization: Bearer %s\r\n"
						    "\r\n",
						    tokens[evs[j].data.u32 % (uint32_t)nt]);
						if (write(c->fd, req, (size_t)len) != len)
							failed++;
						struct epoll_event in = {
						    .events = EPOLLIN,
						    .data.u32 = evs[j].data.u32};
						epoll_ctl(ep, EPOLL_CTL_MOD, c->fd,
							  &in);
					}
					if ((evs[j].events & EPOLLIN) &&
					    pump(c) != 0) {
						epoll_ctl(ep, EPOLL_CTL_DEL,
							  c->fd, NULL);
						close(c->fd);
						c->fd = -1;
						open--;
					}
				}
			}
		}
	}
	for (int i = 0; i < n; i++)
		hello += cs[i].hello;
	printf("clients: %d connected, %d said hello, %d failed, in %.1f s\n",
	       open, hello, failed, (now_ms() - t0) / 1000);
	fflush(stdout);
	double hold_until = now_ms() + (argc == 6 ? atof(argv[5]) * 1000 : 0);
	struct epoll_event evs[512];
	while (now_ms() < hold_until) {
		int k = epoll_wait(ep, evs, 512, 100);
		for (int j = 0; j < k; j++)
			if (pump(&cs[evs[j].data.u32]) != 0) {
				epoll_ctl(ep, EPOLL_CTL_DEL,
					  cs[evs[j].data.u32].fd, NULL);
				close(cs[evs[j].data.u32].fd);
				cs[evs[j].data.u32].fd = -1;
				hello--;
			}
	}
	printf("held for %.0f s; %d still open\n",
	       argc == 6 ? atof(argv[5]) : 0.0, hello);
	fflush(stdout);
	/* the broadcast: an employee reports an incident */
	int r = dial(port);
	struct epoll_event rev = {.events = EPOLLOUT, .data.u32 = (uint32_t)n};
	char body[] = "{\"title\":\"Load test broadcast\",\"description\":"
		      "\"sse_load\",\"category\":\"malware\"}";
	char req[1024];
	int len = snprintf(req, sizeof(req),
			   "POST /api/v1/incidents HTTP/1.0\r\n"
			   "Authorization: Bearer %s\r\nContent-Type: "
			   "application/json\r\nContent-Length: %zu\r\n\r\n%s",
			   argv[4], strlen(body), body);
	epoll_ctl(ep, EPOLL_CTL_ADD, r, &rev);
	double sent = 0;
	int got = 0, waiting = hello;
	double deadline = now_ms() + 30000;
	while (got < waiting && now_ms() < deadline) {
		int k = epoll_wait(ep, evs, 512, 50);
		for (int j = 0; j < k; j++) {
			uint32_t i = evs[j].data.u32;
			if (i == (uint32_t)n) {
				if (!sent && (evs[j].events & EPOLLOUT)) {
					sent = now_ms();
					if (write(r, req, (size_t)len) != len)
						fprintf(stderr, "report failed\n");
					struct epoll_event in = {.events = EPOLLIN,
								 .data.u32 = i};
					epoll_ctl(ep, EPOLL_CTL_MOD, r, &in);
				} else {
					char sink[4096];
					if (read(r, sink, sizeof(sink)) <= 0)
						epoll_ctl(ep, EPOLL_CTL_DEL, r,
							  NULL);
				}
				continue;
			}
			struct client *c = &cs[i];
			int before = c->got;
			if (pump(c) != 0) {
				epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
				close(c->fd);
				c->fd = -1;
			}
			got += c->got && !before;
		}
	}
	double *lat = calloc((size_t)n + 1, sizeof(*lat));
	int m = 0;
	for (int i = 0; i < n; i++)
		if (cs[i].got)
			lat[m++] = cs[i].at - sent;
	qsort(lat, (size_t)m, sizeof(*lat), cmp);
	printf("broadcast: %d of %d streams received it; delivery after the "
	       "report was sent: p50 %.0f ms, p99 %.0f ms, max %.0f ms\n",
	       m, waiting, m ? lat[m / 2] : 0, m ? lat[(m * 99) / 100] : 0,
	       m ? lat[m - 1] : 0);
	return m == waiting && waiting == n ? 0 : 1;
}
