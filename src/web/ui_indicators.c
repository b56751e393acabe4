/* ui_indicators.c - the security team's pages about indicators: the list
 * (by kind, value search), one indicator with every incident that has
 * it, and an incident's indicators as a STIX 2.1 bundle. */
#include "ui.h"

#include "../core/buf.h"
#include "../domain/indicators.h"
#include "../domain/settings.h"
#include "../ml/ioc.h"

#include <string.h>

const struct field ui_indicators_list_fields[] = {
    {"kind", V_ENUM, 0, 0, 0, ioc_kinds, "Kind"},
    {"q", V_LINE, 0, 0, 200, NULL, "Value contains"},
    PAGE_FIELDS,
    {NULL, 0, 0, 0, 0, NULL, NULL}};

const struct field ui_indicators_page_fields[] = {
    PAGE_FIELDS, {NULL, 0, 0, 0, 0, NULL, NULL}};

/* GET /indicators - every indicator found, newest first, with how many
 * incidents have each. */
int ui_indicators_index(struct ctx *c)
{
	int page, limit, offset;
	int64_t total;
	const char *kind = ctx_val(c, "kind"), *q = ctx_val(c, "q");
	ctx_page_args(c, &page, &limit, &offset);
	json_t *items = indicators_list(
	    c->db, kind ? kind : "", db_like(c->a, q), limit, offset, &total);
	if (!items)
		return -1;
	c->view = json_pack("{so ss ss so so}", "indicators", items, "kind",
			    kind ? kind : "", "q", q ? q : "", "kinds",
			    view_choices(ioc_kinds, kind), "pagination",
			    ctx_page(c, total, page, limit));
	return 0;
}

/* GET /indicators/{id} - one indicator and the incidents that have it. */
int ui_indicators_show(struct ctx *c)
{
	int page, limit, offset;
	ctx_page_args(c, &page, &limit, &offset);
	json_t *o = indicators_get(c->db, c->id, limit, offset);
	if (!o)
		return ctx_fail(c, 404, "not_found", "No such indicator.");
	json_int_t total = json_integer_value(json_object_get(o, "incidents"));
	c->view = json_pack("{so so}", "indicator", o, "pagination",
			    ctx_page(c, total, page, limit));
	return 0;
}

/* GET /incidents/{id}/stix - the incident's indicators as a STIX 2.1
 * bundle, as a download. */
int ui_indicators_export_stix(struct ctx *c)
{
	struct incident in;
	int rc = ui_load_incident(c, &in);
	if (rc <= 0)
		return rc;
	json_t *settings = settings_all(c->db);
	if (!settings)
		return -1;
	c->view =
	    indicators_stix(c->db, &in, settings_str(settings, "org_name"));
	json_decref(settings);
	if (!c->view)
		return -1;
	ctx_header(c, "Content-Disposition",
		   arena_printf(c->a, "attachment; filename=\"%s.stix.json\"",
				in.ref));
	if (db_begin(c->db) != 0)
		return -1;
	return ui_commit(c, "incident.export", "incident", in.id,
			 json_pack("{ss ss}", "ref", in.ref, "format", "stix"));
}
