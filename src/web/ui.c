/* ui.c - what every handler shares. A request writes everything (the
 * change and its audit row) or nothing: a handler opens the write
 * transaction with db_begin, writes through domain functions and ends
 * with ui_commit (its audit row and the commit). A handler returns 0 when
 * it answered (a page, a redirect, or a 4xx recorded with ctx_fail) and
 * -1 only for a fault on our side; after either, the dispatcher rolls
 * back whatever is still open, and -1 becomes a logged 500. ui_audit adds
 * the caller's audit row; the rest reads what several pages ask for
 * (an incident the caller may see, categories, times, evidence files,
 * the security team). */
#include "ui.h"

#include "../core/clock.h"
#include "../core/config.h"
#include "../core/log.h"
#include "../domain/audit.h"
#include "../domain/categories.h"
#include "../domain/evidence.h"
#include "../domain/filecheck.h"
#include "../domain/incidents.h"
#include "../domain/indicators.h"
#include "../domain/models.h"
#include "../domain/users.h"

#include <string.h>

/* Appends the caller's audit row (ui_audit) and commits the request's
 * write transaction: the tail of every handler that writes. Takes
 * ownership of detail. Returns 0, or -1 (the dispatcher then rolls back
 * and answers 500). */
int ui_commit(struct ctx *c, const char *action, const char *object_type,
	      int64_t object_id, json_t *detail)
{
	if (ui_audit(c, action, object_type, object_id, detail) != 0)
		return -1;
	return db_commit(c->db);
}

/* Returns next if it is a local path ("/x", not "//x" or "/\\x", no line
 * break), else "/": where a form may send the browser after it. */
const char *ui_local_path(const char *next)
{
	if (!next || next[0] != '/' || next[1] == '/' || next[1] == '\\' ||
	    strpbrk(next, "\r\n"))
		return "/";
	return next;
}

/* Appends an audit row for the caller (who, from where, what) about
 * object_type/object_id (0: none). Takes ownership of detail (may be
 * NULL). Must be called inside the handler's write transaction.
 * Returns 0 or -1 (logged). */
int ui_audit(struct ctx *c, const char *action, const char *object_type,
	     int64_t object_id, json_t *detail)
{
	struct audit_entry e = {
	    .actor_id = c->me.user_id,
	    .actor_email = c->me.email ? c->me.email : "",
	    .ip = c->remote_addr,
	    .action = action,
	    .object_type = object_type,
	    .object_id = object_id
			     ? arena_printf(c->a, "%lld", (long long)object_id)
			     : "",
	    .detail = detail,
	};
	int rc = audit_append(c->db, &e);
	json_decref(detail);
	if (rc != 0)
		log_event(c->rid, c->me.email, "audit append failed: %s",
			  db_errmsg(c->db));
	return rc;
}

static const struct {
	const char *name, *label;
} data_type_labels[] = {
    {"personal", "Personal data (names, contact details, IDs)"},
    {"special_category", "Special category (health, religion, ethnicity…)"},
    {"health", "Health information / PHI"},
    {"financial", "Financial data"},
    {"credentials", "Credentials (passwords, keys, tokens)"},
    {"payment_card", "Payment card data"},
};

/* Returns 1 when the caller sees every incident. */
int ui_staff(struct ctx *c)
{
	return perm_has(c->me.role, PERM_INCIDENT_READ_ALL);
}

/* Loads the incident named by {id} or {ref} if the caller may see it.
 * Returns 1; 0 with a 404 recorded (missing or not the caller's); -1 on
 * error. */
int ui_load_incident(struct ctx *c, struct incident *in)
{
	int rc = c->ref && *c->ref ? incidents_get_ref(c->db, c->a, c->ref, in)
				   : incidents_get(c->db, c->a, c->id, in);
	if (rc == 1 && !ui_staff(c) && in->reporter_id != c->me.user_id)
		rc = 0;
	if (rc == 0)
		ctx_fail(c, 404, "not_found", "There is no such incident.");
	return rc;
}

/* Resolves the category short name sent in field to its id: 0 when the
 * field is absent, -1 with a field error when no such category (or, with
 * active_only, an inactive one). */
int64_t ui_category(struct ctx *c, const char *field, int active_only)
{
	const char *slug = ctx_val(c, field);
	if (!slug)
		return 0;
	int64_t id = categories_id(c->db, slug, active_only);
	if (id > 0)
		return id;
	ctx_field_error(c, field, "Category is not one of the categories");
	return -1;
}

/* Returns data type options with "checked" for those in csv. */
json_t *ui_data_type_options(const char *csv)
{
	json_t *arr = json_array();
	for (size_t i = 0;
	     i < sizeof(data_type_labels) / sizeof(*data_type_labels); i++) {
		const char *n = data_type_labels[i].name;
		int on = valid_csv_has(csv, n);
		json_array_append_new(
		    arr, json_pack("{ss ss sb}", "name", n, "label",
				   data_type_labels[i].label, "checked", on));
	}
	return arr;
}

/* Checks that times are not in the future and happened <= noticed.
 * Records field errors; returns 0 when fine. */
int ui_check_times(struct ctx *c, int64_t occurred, int64_t noticed)
{
	int64_t soon = clock_now() + 300;
	if (occurred > soon)
		ctx_field_error(c, "occurred_at",
				"When it happened cannot be in the future");
	if (noticed > soon)
		ctx_field_error(c, "noticed_at",
				"When it was noticed cannot be in the future");
	if (occurred && noticed && occurred > noticed)
		ctx_field_error(c, "occurred_at",
				"When it happened must be before it was "
				"noticed");
	return c->err_code ? -1 : 0;
}

/* The evidence an incident takes: any type filecheck.c accepts. */
const struct ui_upload_rule ui_evidence_rule = {
    "evidence", EVIDENCE_MAX_FILES, NULL,
    "images, PDF, text, ZIP, gzip and pcap are"};

/* Returns 1 when mime is one of types (NULL: any). */
static int type_allowed(const char *const *types, const char *mime)
{
	for (int i = 0; types && types[i]; i++)
		if (!strcmp(types[i], mime))
			return 1;
	return types == NULL;
}

/* Checks the files uploaded as the rule's field: how many, their type and
 * their structure (filecheck.c). Returns an arena array with one entry
 * per upload of c (a mime of NULL for uploads of other fields), or NULL
 * with a 413/415 and the field's message recorded. */
struct ui_file *ui_check_files(struct ctx *c, const struct ui_upload_rule *r)
{
	struct ui_file *files =
	    arena_calloc(c->a, c->files.n + 1, sizeof(*files));
	size_t n = 0;
	for (size_t i = 0; i < c->files.n; i++) {
		const struct upload *u = &c->files.v[i];
		if (strcmp(u->field, r->field) != 0)
			continue;
		if (++n > (size_t)r->max) {
			ctx_fail(c, 413, "too_many_files",
				 arena_printf(c->a,
					      "Attach at most %d files at a "
					      "time.",
					      r->max));
			ctx_field_error(c, r->field,
					arena_printf(c->a,
						     "Attach at most %d files",
						     r->max));
			return NULL;
		}
		files[i].mime =
		    filecheck_type(u->data, u->len, &files[i].checked);
		if (files[i].mime && !type_allowed(r->types, files[i].mime))
			files[i].checked = "not a type accepted here";
		if (!files[i].mime || !type_allowed(r->types, files[i].mime)) {
			files[i].mime = NULL;
			ctx_fail(c, 415, "unsupported_file_type",
				 "A file is of a type Secura does not accept.");
			ctx_field_error(
			    c, r->field,
			    arena_printf(c->a, "“%s” is not accepted: %s (%s)",
					 evidence_clean_name(c->a, u->filename),
					 files[i].checked, r->accepted));
			return NULL;
		}
		files[i].checked = arena_strdup(c->a, files[i].checked);
	}
	return files;
}

/* Writes the checked files to the evidence store (outside any
 * transaction: fsyncing a large file must not hold the writer lock). Files
 * are content-addressed, so one left over by a failed request is simply
 * reused by the next identical upload. Sets each file's sha. Returns 0
 * or -1. */
int ui_store_files(struct ctx *c, struct ui_file *files)
{
	for (size_t i = 0; i < c->files.n; i++) {
		const struct upload *u = &c->files.v[i];
		if (!files[i].mime)
			continue;
		files[i].sha = arena_alloc(c->a, 65);
		if (evidence_store(config_get()->data_dir, u->data, u->len,
				   files[i].sha) != 0)
			return -1;
	}
	return 0;
}

/* Records the stored files on incident id (and the indicators in text
 * files), inside the caller's transaction. Returns the number recorded,
 * or -1. */
int ui_record_files(struct ctx *c, int64_t id, const struct ui_file *files)
{
	int added = 0;
	for (size_t i = 0; i < c->files.n; i++) {
		const struct upload *u = &c->files.v[i];
		const struct ui_file *f = &files[i];
		if (!f->mime || !f->sha)
			continue;
		if (evidence_add(c->db, id, c->me.user_id,
				 evidence_clean_name(c->a, u->filename), u->len,
				 f->mime, f->sha, f->checked) < 0 ||
		    (!strcmp(f->mime, "text/plain") &&
		     indicators_record(c->db, id, "evidence",
				       (const char *)u->data, u->len,
				       clock_now()) < 0))
			return -1;
		added++;
	}
	return added;
}

/* Returns active staff (who may be assigned) as options; with online
 * (borrowed, from users_online) each is marked online or not,
 * without it (the list's filter, which does not show it) no presence is
 * read. New reference. */
json_t *ui_staff_options(struct ctx *c, int64_t selected, json_t *online)
{
	json_t *arr = users_staff(c->db), *opt;
	if (!arr)
		return json_array();
	size_t i;
	json_array_foreach(arr, i, opt)
	{
		int64_t id = json_integer_value(json_object_get(opt, "id"));
		json_object_set_new(opt, "selected",
				    json_boolean(id == selected));
		if (!online)
			continue;
		int on = 0;
		size_t k;
		json_t *o;
		json_array_foreach(online, k, o)
		{
			on |=
			    json_integer_value(json_object_get(o, "id")) == id;
		}
		json_object_set_new(opt, "online", json_boolean(on));
	}
	return arr;
}

/* Returns a validated field's value, or "" when it was not given. */
const char *ui_val(struct ctx *c, const char *name)
{
	const char *v = ctx_val(c, name);
	return v ? v : "";
}

/* The anomaly models, for POST /api/v1/predict (set up at start). */
struct scorer ui_scorer;

/* The app program's start (before its threads): loads the suggestion
 * models (without them the app runs and suggests nothing, logged) and
 * the anomaly models. Returns 0, or -1 out of memory. */
int ui_app_start(void)
{
	char err[512];
	if (models_init(config_get()->models_dir, err, sizeof(err)) != 0)
		log_event("-", "-", "suggestions off: %s", err);
	return scorer_open(&ui_scorer, config_get()->models_dir, NULL);
}
