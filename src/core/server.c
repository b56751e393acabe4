/* server.c - a FastCGI program: N threads accept on one socket
 * (FCGX_Init before threads), each with its own database connection and a
 * per-request arena freed after the response. */
#include "http.h"

#include "clock.h"
#include "config.h"
#include "jsonmem.h"
#include "log.h"
#include "telemetry.h"
#include "rand.h"
#include "view.h"

#include <fcgiapp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#define CSP                                                                    \
	"default-src 'none'; script-src 'self'; style-src 'self'; "            \
	"img-src 'self' data:; connect-src 'self'; form-action 'self'; "       \
	"object-src 'none'; frame-ancestors 'none'; base-uri 'none'"

struct server {
	int sock;
	const struct route *routes;
	size_t nroutes;
};

/* Returns the reason phrase for an HTTP status. */
static const char *status_text(int s)
{
	switch (s) {
	case 200:
		return "OK";
	case 201:
		return "Created";
	case 204:
		return "No Content";
	case 303:
		return "See Other";
	case 400:
		return "Bad Request";
	case 401:
		return "Unauthorized";
	case 403:
		return "Forbidden";
	case 404:
		return "Not Found";
	case 405:
		return "Method Not Allowed";
	case 409:
		return "Conflict";
	case 413:
		return "Content Too Large";
	case 415:
		return "Unsupported Media Type";
	case 422:
		return "Unprocessable Content";
	case 429:
		return "Too Many Requests";
	case 503:
		return "Service Unavailable";
	default:
		return s >= 500 ? "Internal Server Error" : "Status";
	}
}

/* Copies a FastCGI parameter into the arena; NULL when absent or empty. */
static const char *param(FCGX_Request *r, arena *a, const char *name)
{
	const char *v = FCGX_GetParam(name, r->envp);
	return v && *v ? arena_strdup(a, v) : NULL;
}

/* Fills the request part of c from the FastCGI parameters. */
static void read_params(FCGX_Request *r, struct ctx *c)
{
	c->rid = param(r, c->a, "REQUEST_ID");
	if (!c->rid) {
		unsigned char b[8];
		char *hex = arena_alloc(c->a, 17);
		rand_bytes(b, sizeof(b));
		for (int i = 0; i < 8; i++)
			snprintf(hex + 2 * i, 3, "%02x", b[i]);
		c->rid = hex;
	}
	c->method = param(r, c->a, "REQUEST_METHOD");
	if (!c->method)
		c->method = "GET";
	c->head = strcmp(c->method, "HEAD") == 0;
	const char *uri = param(r, c->a, "REQUEST_URI");
	char *path = arena_strdup(c->a, uri ? uri : "/");
	char *q = strchr(path, '?');
	if (q)
		*q = '\0';
	c->uri_path = arena_strdup(c->a, path);
	c->query_string = param(r, c->a, "QUERY_STRING");
	c->content_type = param(r, c->a, "CONTENT_TYPE");
	c->remote_addr = param(r, c->a, "REMOTE_ADDR");
	if (!c->remote_addr)
		c->remote_addr = "";
	c->host = param(r, c->a, "HTTP_HOST"); /* nginx: $host, no port */
	c->server_port = param(r, c->a, "SERVER_PORT");
	c->origin = param(r, c->a, "HTTP_ORIGIN");
	c->sec_fetch_site = param(r, c->a, "HTTP_SEC_FETCH_SITE");
	c->referer = param(r, c->a, "HTTP_REFERER");
	c->cookie = param(r, c->a, "HTTP_COOKIE");
	c->authorization = param(r, c->a, "HTTP_AUTHORIZATION");
	c->accept = param(r, c->a, "HTTP_ACCEPT");
	c->user_agent = param(r, c->a, "HTTP_USER_AGENT");
	c->csrf_header = param(r, c->a, "HTTP_X_CSRF_TOKEN");
	c->last_event_id = param(r, c->a, "HTTP_LAST_EVENT_ID");
	c->cache_control = param(r, c->a, "HTTP_CACHE_CONTROL");
	const char *https = param(r, c->a, "HTTPS");
	c->https = https && strcasecmp(https, "on") == 0;
	if (strncmp(path, "/api/v1/", 8) == 0 || strcmp(path, "/api/v1") == 0) {
		c->api = 1;
		path += 7;
		if (!*path)
			path = "/";
	}
	if (c->accept && strncmp(c->accept, "application/json", 16) == 0)
		c->api = 1;
	c->path = path;
}

/* The program's own database: the main one, or (server_use_events_db)
 * the events database, whose file takes the group writer, each thread's
 * connection and the migrations, and whose requests may be larger. */
static int events_program;

/* Makes this program's database the events database (the ingest
 * program). Call before server_main. */
void server_use_events_db(void)
{
	events_program = 1;
}

/* Returns the file of this program's database. */
static const char *own_db(void)
{
	return events_program ? config_get()->events_db : config_get()->db_path;
}

/* Reads the body within the configured limits. Returns 0, or -1 with
 * 400/413 recorded. */
static int read_body(FCGX_Request *r, struct ctx *c)
{
	const char *cl = FCGX_GetParam("CONTENT_LENGTH", r->envp);
	int64_t len = 0;
	if (!cl || !*cl)
		return 0;
	if (valid_int(cl, 0, INT64_MAX, &len) != 0)
		return ctx_fail(c, 400, "bad_request", "bad Content-Length"),
		       -1;
	const struct config *cfg = config_get();
	int multipart = c->content_type &&
			strncasecmp(c->content_type, "multipart/", 10) == 0;
	size_t limit = multipart	? cfg->max_request
		       : events_program ? cfg->ingest_max_body
					: cfg->max_body;
	if ((uint64_t)len > limit)
		return ctx_fail(c, 413, "too_large",
				"The request body is too large."),
		       -1;
	char *body = arena_alloc(c->a, (size_t)len + 1);
	size_t got = 0;
	while (got < (size_t)len) {
		int n =
		    FCGX_GetStr(body + got, (int)((size_t)len - got), r->in);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	if (got != (size_t)len)
		return ctx_fail(c, 400, "bad_request", "truncated body"), -1;
	body[len] = '\0';
	c->body = body;
	c->body_len = (size_t)len;
	return 0;
}

/* Writes status line, headers and body to the FastCGI stream. */
static void write_response(FCGX_Request *r, struct ctx *c)
{
	buf h = BUF_INIT;
	buf_printf(&h, "Status: %d %s\r\n", c->status, status_text(c->status));
	int stream = c->adopt && c->status == 200;
	if (stream)
		buf_printf(&h, "Content-Type: %s\r\n", c->out_type);
	else if (c->out.len || c->out_type)
		buf_printf(&h, "Content-Type: %s\r\nContent-Length: %zu\r\n",
			   c->out_type ? c->out_type : "text/plain",
			   c->out.len);
	buf_printf(&h, "X-Request-Id: %s\r\n", c->rid);
	buf_puts(&h, "Content-Security-Policy: " CSP "\r\n"
		     "X-Content-Type-Options: nosniff\r\n"
		     "X-Frame-Options: DENY\r\n"
		     "Referrer-Policy: same-origin\r\n");
	if (!kvs_get(&c->headers, "Cache-Control"))
		buf_puts(&h, "Cache-Control: no-store\r\n");
	for (size_t i = 0; i < c->headers.n; i++)
		buf_printf(&h, "%s: %s\r\n", c->headers.v[i].key,
			   c->headers.v[i].val);
	buf_puts(&h, "\r\n");
	FCGX_PutStr(h.data, (int)h.len, r->out);
	if (!c->head && c->out.len)
		FCGX_PutStr(c->out.data, (int)c->out.len, r->out);
	buf_free(&h);
}

/* Serves one request from start to log line. The arena and the response
 * buffer belong to the worker thread and are reused, emptied, by the next
 * request (a buffer that grew past 1 MiB, e.g. for an export, is freed). */
static void handle(FCGX_Request *r, db *d, const struct server *s, arena *a,
		   buf *out)
{
	double t0 = clock_mono_ms();
	struct ctx c;
	memset(&c, 0, sizeof(c));
	c.a = a;
	c.out = *out;
	c.db = d;
	c.me.role = ROLE_NONE;
	jsonmem_use(a);
	read_params(r, &c);
	if (read_body(r, &c) == 0)
		route_dispatch(&c, s->routes, s->nroutes);
	view_render(&c);
	if (!c.status)
		c.status = 200;
	write_response(r, &c);
	double ms = clock_mono_ms() - t0;
	log_event(c.rid, c.me.email, "%s %s %d %.1fms", c.method, c.uri_path,
		  c.status, ms);
	telemetry_request(c.method ? c.method : "-",
			  c.route ? c.route->pattern : NULL, c.status, ms);
	telemetry_flush(0);
	if (c.adopt && c.status == 200 && FCGX_FFlush(r->out) == 0) {
		/* hand the connection over: free libfcgi's streams without
		   ending the request or closing the socket */
		int fd = r->ipcFd, reqid = r->requestId;
		jsonmem_use(NULL); /* the stream outlives the request */
		FCGX_Free(r, 0);
		r->ipcFd = -1;
		c.adopt(&c, fd, reqid);
	}
	json_decref(c.view);
	json_decref(c.json);
	json_decref(c.field_errors);
	jsonmem_use(NULL);
	*out = c.out;
	if (out->cap > (1 << 20))
		buf_free(out);
	buf_reset(out);
	arena_reset(a);
}

/* Thread body: own connection, accept loop. */
static void *worker(void *arg)
{
	const struct server *s = arg;
	db d;
	char err[512];
	if (db_open(&d, own_db(), err, sizeof(err)) != 0) {
		log_event(NULL, NULL, "%s", err);
		exit(1);
	}
	FCGX_Request req;
	FCGX_InitRequest(&req, s->sock, 0);
	arena a;
	buf out = BUF_INIT;
	arena_init(&a);
	while (FCGX_Accept_r(&req) >= 0) {
		handle(&req, &d, s, &a, &out);
		FCGX_Finish_r(&req);
	}
	arena_free(&a);
	buf_free(&out);
	db_close(&d);
	return NULL;
}

/* Opens the database once to apply migrations before serving. */
static int prepare_db(char *err, size_t errlen)
{
	db d;
	if (db_open(&d, own_db(), err, errlen) != 0)
		return -1;
	int rc = db_migrate_set(
	    &d, events_program ? "schema/events/" : "schema/", err, errlen);
	db_close(&d);
	return rc < 0 ? -1 : 0;
}

/* main() of a FastCGI program: "--socket PATH|:PORT [--threads N]".
 * Returns the process exit code. */
int server_main(int argc, char **argv, const char *name,
		const struct route *routes, size_t nroutes)
{
	return server_main_with(argc, argv, name, routes, nroutes, NULL);
}

/* server_main with on_start called once the configuration, database and
 * templates are ready and before the threads start (e.g. the events
 * program's hub); a non-zero return stops the program. */
int server_main_with(int argc, char **argv, const char *name,
		     const struct route *routes, size_t nroutes,
		     int (*on_start)(void))
{
	const char *sockpath = NULL;
	char err[512];
	int64_t threads = 0;
	jsonmem_init();
	log_init(name);
	telemetry_init(name);
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--routes")) {
			/* The route table, for the OpenAPI test and people. */
			for (size_t r = 0; r < nroutes; r++)
				printf("%s %s %s%s\n", routes[r].method,
				       routes[r].pattern,
				       perm_name(routes[r].perm),
				       routes[r].flags & ROUTE_HTML_ONLY
					   ? " html-only"
				       : routes[r].flags & ROUTE_JSON_ONLY
					   ? " json-only"
					   : "");
			return 0;
		}
		if (!strcmp(argv[i], "--socket") && i + 1 < argc)
			sockpath = argv[++i];
		else if (!strcmp(argv[i], "--threads") && i + 1 < argc &&
			 valid_int(argv[++i], 1, 1024, &threads) == 0)
			;
		else {
			fprintf(stderr,
				"usage: %s --socket PATH [--threads N]\n",
				argv[0]);
			return 2;
		}
	}
	if (!sockpath || config_load(err, sizeof(err)) != 0 ||
	    prepare_db(err, sizeof(err)) != 0 ||
	    db_group_open(own_db(), err, sizeof(err)) != 0 ||
	    view_load_templates(config_get()->templates_dir, err, sizeof(err)) <
		0) {
		fprintf(stderr, "%s: %s\n", name,
			sockpath ? err : "--socket is required");
		return 1;
	}
	if (on_start && on_start() != 0) {
		fprintf(stderr, "%s: cannot start\n", name);
		return 1;
	}
	if (!threads)
		threads = config_get()->threads;
	signal(SIGPIPE, SIG_IGN);
	FCGX_Init();
	if (sockpath[0] != ':')
		unlink(sockpath);
	mode_t old = umask(0117); /* socket rw for owner and group */
	struct server s = {FCGX_OpenSocket(sockpath, 4096), routes, nroutes};
	umask(old);
	if (s.sock < 0) {
		fprintf(stderr, "%s: cannot listen on %s\n", name, sockpath);
		return 1;
	}
	/* Stop signals are taken by this thread alone (sigwait below):
	 * libfcgi's own SIGTERM handler only sets a flag while workers stay in
	 * accept(). */
	sigset_t stop;
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	pthread_t *tids = xcalloc((size_t)threads, sizeof(*tids));
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 512 * 1024);
	for (int64_t i = 0; i < threads; i++)
		if (pthread_create(&tids[i], &attr, worker, &s) != 0) {
			fprintf(stderr, "%s: cannot start thread\n", name);
			return 1;
		}
	log_event(NULL, NULL, "listening on %s with %lld threads", sockpath,
		  (long long)threads);
	int sig = 0;
	sigwait(&stop, &sig);
	/* Graceful stop: wake every accept(), let requests in flight finish. */
	log_event(NULL, NULL, "signal %d: finishing requests and stopping",
		  sig);
	shutdown(s.sock, SHUT_RDWR);
	for (int64_t i = 0; i < threads; i++)
		pthread_join(tids[i], NULL);
	close(s.sock);
	if (sockpath[0] != ':')
		unlink(sockpath);
	log_event(NULL, NULL, "stopped");
	free(tids);
	view_free_templates();
	return 0;
}
