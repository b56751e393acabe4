/* ui_ingest.c - POST /api/v1/ingest, the native door of the ingest
 * program: a source's token (Authorization: Bearer src_...), a body of
 * NDJSON (one event a line) or a JSON array, or for http-access (and
 * generic) sources text/plain access log lines, up to 5,000 events. Answers
 * {"accepted", "rejected", "errors": [{"line", "reason"}]} once the events
 * are committed; a bad line never costs the good ones. The program's
 * database is the events database; sources are looked up in the main one
 * on this thread's own read connection. */
#include "ui.h"

#include "../core/config.h"
#include "../domain/events.h"
#include "../domain/rules.h"
#include "../domain/sources.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#define MAX_EVENTS 5000

/* The anomaly models of each kind and the windows their features feed,
 * set up at start. */
static struct scorer scorer;
/* The detection rules, compiled again when an admin changes them. */
static struct rules_cache rules;

/* The ingest program's start: the models and windows (see
 * scorer_open) and the rules. Returns 0, or -1 out of memory. */
int ui_ingest_start(void)
{
	rules_cache_init(&rules);
	return scorer_open(&scorer, config_get()->models_dir,
			   db_thread(config_get()->events_db));
}

/* Takes in body (len bytes, format) as source s's events, scored and
 * judged by the current models and rules (see events_take). */
static int take(struct ctx *c, const struct source *s,
		enum events_format format, const char *body, size_t len,
		struct events_result *r)
{
	db *m = db_thread(config_get()->db_path);
	scorer_refresh(&scorer, m);
	sigma_set *rs =
	    m ? rules_hold(&rules, m, config_get()->rules_dir) : NULL;
	int rc = events_take(c->db, s, &scorer, rs, format, body, len,
			     MAX_EVENTS, config_get()->ingest_max_wait_ms, r);
	rules_done(&rules, rs);
	return rc;
}

/* What a door's token came to. */
enum token_check { TOKEN_NONE, TOKEN_UNKNOWN, TOKEN_DISABLED, TOKEN_OK };

/* Finds the source whose token the request sends ("Authorization:
 * Bearer <token>", or with scheme also "<scheme> <token>") into s, on
 * this thread's read connection to the main database. Returns a
 * token_check, or -1 on a database error. */
static int find_source(struct ctx *c, const char *scheme, struct source *s)
{
	const char *auth = c->authorization;
	size_t k = scheme ? strlen(scheme) : 0;
	const char *tok = !auth				     ? NULL
			  : !strncasecmp(auth, "Bearer ", 7) ? auth + 7
			  : k && !strncasecmp(auth, scheme, k) && auth[k] == ' '
			      ? auth + k + 1
			      : NULL;
	if (!tok)
		return TOKEN_NONE;
	db *m = db_thread(config_get()->db_path);
	int rc = m ? sources_find_token(m, c->a, tok, s) : -1;
	return rc < 0	    ? -1
	       : rc == 0    ? TOKEN_UNKNOWN
	       : s->enabled ? TOKEN_OK
			    : TOKEN_DISABLED;
}

/* Finds the source of the request's bearer token into s. Returns 1, 0
 * with 401/403 recorded, or -1. */
static int caller(struct ctx *c, struct source *s)
{
	switch (find_source(c, NULL, s)) {
	case TOKEN_OK:
		return 1;
	case TOKEN_NONE:
		ctx_header(c, "WWW-Authenticate", "Bearer");
		ctx_fail(c, 401, "unauthenticated",
			 "Send the source's token: Authorization: Bearer "
			 "src_...");
		return 0;
	case TOKEN_UNKNOWN:
		ctx_header(c, "WWW-Authenticate",
			   "Bearer error=\"invalid_token\"");
		ctx_fail(c, 401, "invalid_token",
			 "This is not an event source's token.");
		return 0;
	case TOKEN_DISABLED:
		ctx_fail(c, 403, "source_disabled",
			 "This event source is disabled.");
		return 0;
	}
	return -1;
}

/* Counts the request against source s's limit (SECURA_RATE_INGEST a
 * window). Returns 1 within it, 0 over (Retry-After set). */
static int source_rate(struct ctx *c, const struct source *s)
{
	char key[40];
	snprintf(key, sizeof(key), "s:%lld", (long long)s->id);
	return ctx_rate_limit(c, key, config_get()->rate_ingest);
}

/* POST /api/v1/ingest - see the file comment. */
int ui_ingest_native(struct ctx *c)
{
	struct source s;
	int rc = caller(c, &s);
	if (rc <= 0)
		return rc;
	if (!source_rate(c, &s))
		return ctx_fail(c, 429, "rate_limited",
				"This source sent more requests than its "
				"limit allows; nothing was stored. Send the "
				"batch again after Retry-After seconds.");
	const char *ct = c->content_type ? c->content_type : "";
	int web = !strcmp(s.kind, "http-access") || !strcmp(s.kind, "generic");
	enum events_format f = EVENTS_JSON;
	if (web && !strncasecmp(ct, "text/plain", 10))
		f = EVENTS_ACCESS_LOG;
	else if (strncasecmp(ct, "application/x-ndjson", 20) &&
		 strncasecmp(ct, "application/json", 16))
		return ctx_fail(c, 415, "unsupported_media_type",
				web ? "Send application/x-ndjson (one event a "
				      "line), a JSON array, or text/plain "
				      "access log lines (combined format)."
				    : "Send application/x-ndjson (one event a "
				      "line) or a JSON array.");
	if (!c->body_len)
		return ctx_fail(c, 400, "no_events",
				"The body holds no events.");
	struct events_result r;
	rc = take(c, &s, f, c->body, c->body_len, &r);
	if (rc == 1) {
		json_decref(r.errors);
		return ctx_fail(c, 413, "too_many_events",
				"Send at most 5,000 events a request.");
	}
	if (rc == 2) {
		json_decref(r.errors);
		char secs[24];
		snprintf(secs, sizeof(secs), "%ld", r.retry_ms / 1000 + 1);
		ctx_header(c, "Retry-After", secs);
		return ctx_fail(c, 429, "busy",
				"The intake's writer is saturated; nothing "
				"was stored. Send the batch again after "
				"Retry-After seconds.");
	}
	if (rc < 0) {
		json_decref(r.errors);
		return -1;
	}
	c->view =
	    json_pack("{sI sI so}", "accepted", (json_int_t)r.accepted,
		      "rejected", (json_int_t)r.rejected, "errors", r.errors);
	return 0;
}

/* Answers a HEC request the way Splunk does: {"text", "code"} with the
 * HTTP status, plus invalid-event-number when one is named (>= 0).
 * Returns 0. */
static int hec_reply(struct ctx *c, int status, int code, const char *text,
		     long invalid)
{
	c->view = json_pack("{ss si}", "text", text, "code", code);
	if (invalid >= 0)
		json_object_set_new(c->view, "invalid-event-number",
				    json_integer(invalid));
	c->status = status;
	return 0;
}

/* The HEC token: "Authorization: Splunk <token>" (Bearer is taken too).
 * Finds its source into s. Returns 1, 0 with the HEC answer recorded, or
 * -1. */
static int hec_caller(struct ctx *c, struct source *s)
{
	switch (find_source(c, "Splunk", s)) {
	case TOKEN_OK:
		return 1;
	case TOKEN_NONE:
		return hec_reply(c, 401, 2, "Token is required", -1);
	case TOKEN_UNKNOWN:
		return hec_reply(c, 403, 4, "Invalid token", -1);
	case TOKEN_DISABLED:
		return hec_reply(c, 403, 1, "Token disabled", -1);
	}
	return -1;
}

/* POST /services/collector/event and /services/collector/raw - the
 * Splunk HTTP Event Collector's doors, which log shippers (Fluent Bit,
 * Vector, Logstash, the OpenTelemetry collector) already speak: HEC
 * envelopes one after another, or raw lines. The events go the native
 * way (each checked, scored, stored once); a malformed envelope or event
 * is named with HEC's code 6 and invalid-event-number. */
static int hec(struct ctx *c, int raw)
{
	struct source s;
	int rc = hec_caller(c, &s);
	if (rc <= 0)
		return rc;
	if (!source_rate(c, &s))
		return hec_reply(c, 503, 9, "Server is busy", -1);
	if (!c->body_len)
		return hec_reply(c, 400, 5, "No data", -1);
	buf nd = BUF_INIT;
	long n = events_from_hec(c->body, c->body_len, raw, &nd);
	if (n < 0) {
		buf_free(&nd);
		return hec_reply(c, 400, 6, "Invalid data format", -n - 1);
	}
	if (n == 0) {
		buf_free(&nd);
		return hec_reply(c, 400, 5, "No data", -1);
	}

	struct events_result r;
	rc = take(c, &s, EVENTS_JSON, nd.data, nd.len, &r);
	buf_free(&nd);
	long first = -1;
	if (rc == 0 && r.rejected)
		first = (long)json_integer_value(json_object_get(
			    json_array_get(r.errors, 0), "line")) -
			1;
	json_decref(r.errors);
	if (rc == 1)
		return hec_reply(c, 413, 6, "Too many events", -1);
	if (rc == 2)
		ctx_header(c, "Retry-After", "1");
	if (rc < 0 || rc == 2)
		return hec_reply(c, 503, 9, "Server is busy", -1);
	if (first >= 0)
		return hec_reply(c, 400, 6, "Invalid data format", first);
	return hec_reply(c, 200, 0, "Success", -1);
}

/* POST /services/collector/event (and /services/collector) */
int ui_ingest_hec_event(struct ctx *c)
{
	return hec(c, 0);
}

/* POST /services/collector/raw */
int ui_ingest_hec_raw(struct ctx *c)
{
	return hec(c, 1);
}
