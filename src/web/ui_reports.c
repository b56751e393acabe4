/* ui_reports.c - the compliance report pages (served by the reports
 * program): the data comes from domain/report_data.c and is drawn by
 * domain/report_pdf.c; every generated report is registered with the
 * SHA-256 of its data and of the file, and audited. ?format=json returns
 * the data itself with its hash. A large period is queued as a job for
 * the worker (domain/report_jobs.c). */
#include "ui.h"

#include "../core/clock.h"
#include "../core/jsonmem.h"
#include "../core/sha256.h"
#include "../domain/incidents.h"
#include "../domain/report_data.h"
#include "../domain/report_jobs.h"
#include "../domain/report_pdf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const formats[] = {"pdf", "json", NULL};

const struct field ui_reports_period_fields[] = {
    PERIOD_FIELDS,
    {"format", V_ENUM, 0, 0, 0, formats, "Format"},
    {"background", V_BOOL, 0, 0, 0, NULL, "In the background"},
    {NULL, 0, 0, 0, 0, NULL, NULL}};
const struct field ui_reports_incident_fields[] = {
    {"incident", V_LINE, F_REQUIRED, 1, 64, NULL, "Incident reference"},
    {"format", V_ENUM, 0, 0, 0, formats, "Format"},
    {NULL, 0, 0, 0, 0, NULL, NULL}};
const struct field ui_reports_year_fields[] = {
    {"year", V_INT, 0, 2000, 2100, NULL, "Year"},
    {"format", V_ENUM, 0, 0, 0, formats, "Format"},
    {NULL, 0, 0, 0, 0, NULL, NULL}};

/* Page requests for a period holding more incidents than this are made
 * in the background (the worker), with progress. */
#define BACKGROUND_ROWS 5000

/* Returns a string member of o ("" when missing). */
static const char *str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

/* Generates report kind for params and answers with the PDF (or the data
 * as JSON with ?format=json). Registers and audits a generated PDF. */
static int make(struct ctx *c, const char *kind, json_t *params,
		const char *subject)
{
	char err[160], data_sha[65], pdf_sha[65], now[21];
	json_t *data = report_data(c->db, c->a, kind, params, err, sizeof(err));
	if (!data) {
		json_decref(params);
		if (!strcmp(err, "There is no such incident."))
			return ctx_fail(c, 404, "not_found", err);
		return -1;
	}
	report_hash(data, data_sha);
	const char *fmt = ctx_val(c, "format");
	if (fmt && !strcmp(fmt, "json")) {
		c->view = json_pack("{ss ss so}", "kind", kind, "data_sha256",
				    data_sha, "data", data);
		json_decref(params);
		return 0;
	}
	int pages = 0, rc = -1;
	if (report_pdf_draw(c->a, kind, data, subject, c->me.email, data_sha,
			    &c->out, &pages, err, sizeof(err)) != 0)
		goto done;
	sha256_hex(c->out.data, c->out.len, pdf_sha);
	if (db_begin(c->db) != 0)
		goto done;
	if (report_record(c->db, kind, params, data_sha, pdf_sha, pages,
			  c->me.user_id) != 0 ||
	    ui_audit(c, "report.generate", "report",
		     sqlite3_last_insert_rowid(c->db->h),
		     json_pack("{ss sO ss si}", "kind", kind, "params", params,
			       "data_sha256", data_sha, "pages", pages)) != 0) {
		goto done;
	}
	if (db_commit(c->db) != 0)
		goto done;
	clock_iso(clock_now(), now);
	ctx_header(c, "X-Secura-Data-SHA256", data_sha);
	ctx_download(c, arena_printf(c->a, "secura-%s-%.10s.pdf", kind, now),
		     "application/pdf");
	rc = 0;
done:
	if (rc != 0) {
		buf_reset(&c->out);
		fprintf(stderr, "reports: %s: %s\n", kind, err);
	}
	json_decref(data);
	json_decref(params);
	return rc;
}

/* Queues report kind for params to be made by the worker and answers
 * with the job (HTML: 303 to its progress page; JSON: 202). */
static int queue(struct ctx *c, const char *kind, json_t *params,
		 const char *subject)
{
	char *pj = json_dumps(params, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(params);
	if (!pj || db_begin(c->db) != 0) {
		jsonmem_free(pj);
		return -1;
	}
	int64_t id = report_jobs_queue(c->db, kind, pj, subject, c->me.user_id);
	jsonmem_free(pj);
	if (id < 0)
		return -1;
	if (db_commit(c->db) != 0)
		return -1;
	c->view = json_pack("{sI ss ss si}", "id", (json_int_t)id, "kind", kind,
			    "status", "queued", "progress", 0);
	json_object_set_new(c->view, "url",
			    json_string(arena_printf(c->a, "/reports/jobs/%lld",
						     (long long)id)));
	c->status = 202;
	return ctx_redirect(
	    c, arena_printf(c->a, "/reports/jobs/%lld", (long long)id),
	    "This report covers many incidents: it is being "
	    "made in the background.");
}

/* Per-incident reports: GET /reports/{kind}?incident=REF. */
static int per_incident(struct ctx *c, const char *kind)
{
	struct incident in;
	c->ref = ctx_val(c, "incident");
	int rc = ui_load_incident(c, &in);
	if (rc <= 0)
		return rc;
	return make(c, kind, json_pack("{sI}", "incident", (json_int_t)in.id),
		    arena_printf(c->a, "%s · %s", in.ref, in.title));
}

/* Period reports: GET /reports/{kind}?period=...|from=&to=. */
static int per_period(struct ctx *c, const char *kind)
{
	int64_t from, to;
	json_t *period = ui_period_read(c, &from, &to);
	if (!period)
		return 0;
	const char *subject = arena_printf(
	    c->a, "%s to %s (UTC)", str(period, "from"), str(period, "to"));
	json_decref(period);
	json_t *params = json_pack("{sI sI}", "from", (json_int_t)from, "to",
				   (json_int_t)to);
	/* a large period goes to the worker: asked for (background=1), or
	   a page request over more than BACKGROUND_ROWS incidents */
	const char *fmt = ctx_val(c, "format");
	int json_data = fmt && !strcmp(fmt, "json");
	if (!json_data && (ctx_int(c, "background", 0) == 1 ||
			   (!c->api && report_period_count(c->db, from, to) >
					   BACKGROUND_ROWS)))
		return queue(c, kind, params, subject);
	return make(c, kind, params, subject);
}

/* GET /reports/gdpr-art33?incident=REF */
int ui_reports_gdpr_art33(struct ctx *c)
{
	return per_incident(c, "gdpr-art33");
}

/* GET /reports/hipaa?incident=REF */
int ui_reports_hipaa(struct ctx *c)
{
	return per_incident(c, "hipaa");
}

/* GET /reports/gdpr-register?period=... */
int ui_reports_gdpr_register(struct ctx *c)
{
	return per_period(c, "gdpr-register");
}

/* GET /reports/sox?period=... */
int ui_reports_sox(struct ctx *c)
{
	return per_period(c, "sox");
}

/* GET /reports/executive?period=... */
int ui_reports_executive(struct ctx *c)
{
	return per_period(c, "executive");
}

/* GET /reports/hipaa-log?year=YYYY (default: this year). */
int ui_reports_hipaa_log(struct ctx *c)
{
	int64_t year = ctx_int(c, "year", 0);
	if (!year) {
		char now[21];
		clock_iso(clock_now(), now);
		valid_int(arena_strndup(c->a, now, 4), 2000, 2100, &year);
	}
	int64_t from = 0, to = 0;
	clock_parse_iso(arena_printf(c->a, "%04lld-01-01", (long long)year),
			&from);
	clock_parse_iso(arena_printf(c->a, "%04lld-01-01", (long long)year + 1),
			&to);
	return make(c, "hipaa-log",
		    json_pack("{sI sI}", "from", (json_int_t)from, "to",
			      (json_int_t)to),
		    arena_printf(c->a, "Calendar year %lld", (long long)year));
}

/* GET /reports - the reports one can generate and the last ones made. */
int ui_reports_index(struct ctx *c)
{
	json_t *recent = report_recent(c->db);
	if (!recent)
		return -1;
	json_t *kinds = json_array();
	for (const struct report_kind *k = report_kinds; k->name; k++)
		json_array_append_new(kinds, json_pack("{ss ss sb}", "name",
						       k->name, "title",
						       k->title, "per_incident",
						       k->per_incident));
	char now[21];
	clock_iso(clock_now(), now);
	c->view = json_pack("{so so ss#}", "kinds", kinds, "recent", recent,
			    "year", now, 4);
	return 0;
}

/* Loads job c->id into *out (new reference) with its file path (arena)
 * when the caller may see it (who asked, or an admin). Returns 1, 0
 * (answered 404) or -1. */
static int load_job(struct ctx *c, json_t **out, const char **file)
{
	int64_t owner;
	*out = report_jobs_get(c->db, c->a, c->id, &owner, file);
	if (*out &&
	    (owner == c->me.user_id || perm_has(c->me.role, PERM_SETTINGS)))
		return 1;
	json_decref(*out);
	*out = NULL;
	ctx_fail(c, 404, "not_found", "No such report job.");
	return 0;
}

/* GET /reports/jobs/{id} - a background report's progress. */
int ui_reports_job(struct ctx *c)
{
	json_t *job;
	const char *file;
	int rc = load_job(c, &job, &file);
	if (rc <= 0)
		return rc;
	c->view = json_pack("{so}", "job", job);
	return 0;
}

/* GET /reports/jobs/{id}/file - the finished PDF, as an attachment. */
int ui_reports_job_file(struct ctx *c)
{
	json_t *job;
	const char *file;
	int rc = load_job(c, &job, &file);
	if (rc <= 0)
		return rc;
	int done = json_is_true(json_object_get(job, "done"));
	const char *kind =
	    arena_strdup(c->a, json_string_value(json_object_get(job, "kind")));
	const char *sha = arena_strdup(
	    c->a, json_string_value(json_object_get(job, "data_sha256")));
	json_decref(job);
	if (!done)
		return ctx_fail(c, 409, "conflict",
				"The report is not finished yet.");
	if (buf_read_file(&c->out, file) != 0)
		return ctx_fail(c, 410, "gone", "The report file is gone.");
	ctx_header(c, "X-Secura-Data-SHA256", sha);
	ctx_download(
	    c,
	    arena_printf(c->a, "secura-%s-job%lld.pdf", kind, (long long)c->id),
	    "application/pdf");
	return 0;
}
