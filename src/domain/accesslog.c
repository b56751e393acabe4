/* accesslog.c - see accesslog.h. A combined line:
 *
 *   203.0.113.9 - frank [10/Oct/2000:13:55:36 -0700] "GET /a?b=1 HTTP/1.1"
 *   200 2326 "https://example.org/" "Mozilla/5.0 ..."
 *
 * Quoted fields may hold escapes (nginx writes \x22, Apache \"); they are
 * kept as written. The line itself is the event's event.original. */
#include "accesslog.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* A cursor over one line. */
struct cur {
	const char *p, *end;
};

/* Skips spaces. */
static void spaces(struct cur *c)
{
	while (c->p < c->end && *c->p == ' ')
		c->p++;
}

/* Reads a field up to the next space into (*s, *n). Returns 0, or -1 at
 * the end of the line. */
static int word(struct cur *c, const char **s, size_t *n)
{
	spaces(c);
	if (c->p >= c->end)
		return -1;
	*s = c->p;
	while (c->p < c->end && *c->p != ' ')
		c->p++;
	*n = (size_t)(c->p - *s);
	return 0;
}

/* Reads a field between open and close ('"' and '"', '[' and ']'),
 * backslash escapes skipped over. Returns 0, or -1 when it is not
 * there. */
static int quoted(struct cur *c, char open, char close, const char **s,
		  size_t *n)
{
	spaces(c);
	if (c->p >= c->end || *c->p != open)
		return -1;
	*s = ++c->p;
	while (c->p < c->end && *c->p != close) {
		if (*c->p == '\\' && c->p + 1 < c->end)
			c->p++;
		c->p++;
	}
	if (c->p >= c->end)
		return -1;
	*n = (size_t)(c->p - *s);
	c->p++;
	return 0;
}

/* Parses "10/Oct/2000:13:55:36 -0700" into Unix milliseconds. Returns 0
 * or -1. */
static int when(const char *s, size_t n, double *ms)
{
	char buf[40];
	if (n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	struct tm tm = {0};
	const char *rest = strptime(buf, "%d/%b/%Y:%H:%M:%S %z", &tm);
	if (!rest || *rest)
		return -1;
	long off = tm.tm_gmtoff;
	*ms = ((double)timegm(&tm) - (double)off) * 1000;
	return 0;
}

/* Reads a whole number of at most 15 digits ("-": 0). Returns 0 or -1. */
static int whole(const char *s, size_t n, long long *v)
{
	*v = 0;
	if (n == 1 && *s == '-')
		return 0;
	if (n == 0 || n > 15)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		*v = *v * 10 + (s[i] - '0');
	}
	return 0;
}

/* Returns the ECS event of one access log line (a new object), or NULL
 * with the reason in *why (static text). */
json_t *accesslog_parse(const char *line, size_t n, const char **why)
{
	struct cur c = {line, line + n};
	const char *ip, *ident, *user, *time, *req, *status, *bytes,
	    *ref = NULL, *ua = NULL;
	size_t nip, nident, nuser, ntime, nreq, nstatus, nbytes, nref = 0,
								 nua = 0;
	double ms;
	long long code, size;
	*why = NULL;
	if (word(&c, &ip, &nip) || word(&c, &ident, &nident) ||
	    word(&c, &user, &nuser) || quoted(&c, '[', ']', &time, &ntime) ||
	    quoted(&c, '"', '"', &req, &nreq) || word(&c, &status, &nstatus) ||
	    word(&c, &bytes, &nbytes))
		*why = "not an access log line (combined or common format)";
	else if (when(time, ntime, &ms) != 0)
		*why = "the time is not like 10/Oct/2000:13:55:36 -0700";
	else if (whole(status, nstatus, &code) != 0 || code < 100 ||
		 code > 999 || whole(bytes, nbytes, &size) != 0)
		*why = "the status or the size is not a number";
	else if (quoted(&c, '"', '"', &ref, &nref) == 0 &&
		 quoted(&c, '"', '"', &ua, &nua) != 0)
		*why = "the user agent is missing after the referrer";
	if (*why)
		return NULL;
	/* "GET /path?query HTTP/1.1"; anything else is kept as the message */
	const char *sp1 = memchr(req, ' ', nreq);
	const char *target = sp1 ? sp1 + 1 : NULL;
	const char *sp2 =
	    target ? memchr(target, ' ', nreq - (size_t)(target - req)) : NULL;
	size_t ntarget = !target ? 0
			 : sp2	 ? (size_t)(sp2 - target)
				 : nreq - (size_t)(target - req);
	const char *q = target ? memchr(target, '?', ntarget) : NULL;
	size_t npath = q ? (size_t)(q - target) : ntarget;
	json_t *request = json_object(),
	       *http = json_pack("{so s{si sI}}", "request", request,
				 "response", "status_code", (int)code, "bytes",
				 (json_int_t)size);
	json_t *e =
	    json_pack("{sf s{ss ss ss ss} s{ss%} so s{ss%} ss%}", "@timestamp",
		      ms, "event", "kind", "event", "category", "web", "action",
		      "request", "outcome", code < 400 ? "success" : "failure",
		      "source", "ip", ip, nip, "http", http, "url", "path",
		      target ? target : "", npath, "message", req, nreq);
	if (!e) {
		*why = "not valid UTF-8";
		return NULL;
	}
	if (sp1)
		json_object_set_new(request, "method",
				    json_stringn(req, (size_t)(sp1 - req)));
	if (sp2)
		json_object_set_new(
		    http, "version",
		    json_stringn(sp2 + 1, nreq - (size_t)(sp2 + 1 - req)));
	if (q)
		json_object_set_new(json_object_get(e, "url"), "query",
				    json_stringn(q + 1, ntarget - npath - 1));
	if (!(nuser == 1 && *user == '-'))
		json_object_set_new(e, "user",
				    json_pack("{ss%}", "name", user, nuser));
	if (ref && !(nref == 1 && *ref == '-'))
		json_object_set_new(request, "referrer",
				    json_stringn(ref, nref));
	if (ua && nua)
		json_object_set_new(e, "user_agent",
				    json_pack("{ss%}", "original", ua, nua));
	json_object_set_new(json_object_get(e, "event"), "original",
			    json_stringn(line, n));
	return e;
}
