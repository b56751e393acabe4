/* ui_assistant.c - asking the optional language model about an incident
 * (POST /incidents/{id}/assistant); the answers are on the incident page
 * (web/ui_incidents.c) and in its JSON. */
#include "ui.h"

#include "../domain/assistant.h"
#include "../domain/incidents.h"

#include <string.h>

/* POST /incidents/{id}/assistant - queues a request for a summary and
 * mitigation suggestions; the worker asks the model. */
int ui_assistant_request(struct ctx *c)
{
	struct incident in;
	int rc = ui_load_incident(c, &in);
	if (rc <= 0)
		return rc;
	if (!assistant_enabled())
		return ctx_fail(c, 409, "conflict",
				"No language model is configured "
				"(SECURA_LLM_URL).");
	if (!strcmp(in.tlp, "red"))
		return ctx_fail(c, 409, "conflict",
				"TLP:RED incidents are never sent to the "
				"language model.");
	if (db_begin(c->db) != 0)
		return -1;
	int64_t id = assistant_ask(c->db, c->a, &in, c->me.user_id);
	if (id < 0)
		return -1;
	if (id == 0) {
		return ctx_fail(c, 409, "conflict",
				"A question about this incident is already "
				"waiting for its answer.");
	}
	if (ui_commit(c, "incident.assistant", "incident", in.id,
		      json_pack("{ss sI}", "ref", in.ref, "request",
				(json_int_t)id)) != 0)
		return -1;
	c->view =
	    json_pack("{sI ss}", "id", (json_int_t)id, "status", "queued");
	c->status = 202;
	return ctx_redirect(
	    c,
	    arena_printf(c->a, "/incidents/%lld#assistant", (long long)in.id),
	    "Asked the language model; the answer appears "
	    "here in a few seconds.");
}
