/* health.c - GET /health: 200 {"status":"ok"} when the database answers,
 * 503 {"status":"unavailable"} otherwise. */
#include "web.h"

/* Handler for GET /health (JSON only, public). */
int health_check(struct ctx *c)
{
	int ok = db_scalar(c->db, STMT_PING, NULL) >= 0;
	c->status = ok ? 200 : 503;
	c->view = json_pack("{ss}", "status", ok ? "ok" : "unavailable");
	return 0;
}
