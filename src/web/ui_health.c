/* ui_health.c - GET /health: 200 {"status":"ok"} when the database answers,
 * 503 {"status":"unavailable"} otherwise; and the API description. */
#include "ui.h"

#include "../core/embed.h"

#include <string.h>

/* Handler for GET /health (JSON only, public). */
int ui_health_check(struct ctx *c)
{
	int ok = db_ping(c->db) == 0;
	c->status = ok ? 200 : 503;
	c->view = json_pack("{ss}", "status", ok ? "ok" : "unavailable");
	return 0;
}

/* GET /openapi.json - the OpenAPI 3 document (static/openapi.json,
 * embedded at build time). */
int ui_health_openapi(struct ctx *c)
{
	for (const struct embed_file *f = embed_files; f->name; f++)
		if (!strcmp(f->name, "static/openapi.json")) {
			buf_put(&c->out, f->data, f->len);
			c->status = 200;
			c->out_type = "application/json";
			c->out_ready = 1;
			return 0;
		}
	return -1;
}
