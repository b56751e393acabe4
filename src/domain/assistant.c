/* assistant.c - see assistant.h. */
#include "assistant.h"

#include "../core/buf.h"
#include "../core/clock.h"
#include "../core/config.h"
#include "../core/jsonmem.h"
#include "../core/md.h"
#include "../core/net.h"
#include "comments.h"
#include "indicators.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PROMPT (24 * 1024)

static const char system_prompt[] =
    "You assist the security team of an organisation with incident "
    "response. Use only the facts in the incident record; say what is "
    "unknown instead of guessing. Answer in markdown with two sections: "
    "'Summary' (at most five sentences) and 'Suggested mitigations' (a "
    "numbered list of concrete next steps).";

static const char help_prompt[] =
    "You answer questions from the people of an organisation about its "
    "security incident management system, Secura, and its security "
    "team's past incidents. Answer only from the numbered sources you are "
    "given, in at most five sentences, and cite each source you use by its "
    "number in brackets, like [1]. If the sources do not answer the "
    "question, say so and suggest asking the security team.";

/* Returns 1 when a language model is configured. */
int assistant_enabled(void)
{
	return config_get()->llm_url != NULL;
}

/* Writes the question about the incident into b: its facts, comments
 * (internal ones too: only the team can ask) and indicators, cut at
 * MAX_PROMPT bytes. */
static void prompt(db *d, const struct incident *in, buf *b)
{
	buf_printf(b,
		   "Incident %s: %s\nCategory: %s\nSeverity: %s\nStatus: %s\n"
		   "TLP: %s\nAffected systems: %s\nPersonal data involved: "
		   "%s\n\nDescription:\n%s\n",
		   in->ref, in->title, in->category_name,
		   *in->severity ? in->severity : "not rated", in->status,
		   in->tlp, *in->assets ? in->assets : "not named",
		   in->personal_data ? "yes" : "no", in->description);
	json_t *comments = comments_list(d, in->id, 1), *c;
	size_t i;
	if (json_array_size(comments))
		buf_puts(b, "\nComments, oldest first:\n");
	json_array_foreach(comments, i, c)
	    buf_printf(b, "- %s (%s): %s\n",
		       json_string_value(json_object_get(
			   json_object_get(c, "author"), "role")),
		       json_string_value(json_object_get(c, "created_at")),
		       json_string_value(json_object_get(c, "body")));
	json_decref(comments);
	json_t *inds = indicators_of(d, in->id);
	if (json_array_size(inds))
		buf_puts(b, "\nIndicators found:\n");
	json_array_foreach(inds, i, c) buf_printf(
	    b, "- %s %s\n", json_string_value(json_object_get(c, "kind")),
	    json_string_value(json_object_get(c, "value")));
	json_decref(inds);
	buf_puts(b, "\nWrite the summary and the suggested mitigations.\n");
	if (b->len > MAX_PROMPT) {
		b->len = MAX_PROMPT;
		b->data[b->len] = '\0';
	}
}

/* Queues a question about the incident asked by user. Returns its id, 0
 * when one is already waiting for this incident, or -1. Inside a
 * transaction. */
int64_t assistant_ask(db *d, arena *a, const struct incident *in, int64_t user)
{
	int64_t busy = db_scalar(d, STMT_ASSISTANT_BUSY, in->id);
	if (busy != 0)
		return busy > 0 ? 0 : -1;
	buf b = BUF_INIT;
	prompt(d, in, &b);
	const char *text = arena_strdup(a, buf_cstr(&b));
	buf_free(&b);
	if (db_exec(d, STMT_ASSISTANT_QUEUE, in->id, user,
		    config_get()->llm_model, text, clock_now()) != 0)
		return -1;
	int64_t id = sqlite3_last_insert_rowid(d->h);
	return jobs_queue(d, "assistant", id, 3) < 0 ? -1 : id;
}

/* Sends one question; *answer gets the reply text (malloc'd). Returns 0,
 * or -1 with a reason in err. */
static int ask(const char *model, const char *system, const char *question,
	       char **answer, char *err, size_t errlen)
{
	const struct config *cf = config_get();
	json_t *req =
	    json_pack("{ss s[{ss ss} {ss ss}] sf}", "model", model, "messages",
		      "role", "system", "content", system, "role", "user",
		      "content", question, "temperature", 0.2);
	char *body = json_dumps(req, JSON_COMPACT);
	json_decref(req);
	char auth[1024];
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s",
		 cf->llm_key ? cf->llm_key : "");
	const char *headers[] = {cf->llm_key ? auth : NULL, NULL};
	buf reply = BUF_INIT;
	struct net_post p = {.url = cf->llm_url,
			     .body = body,
			     .len = strlen(body),
			     .headers = headers,
			     .allow_private = cf->llm_allow_private,
			     .timeout_ms = (long)cf->llm_timeout * 1000,
			     .reply = &reply,
			     .agent = "Secura/1"};
	int rc = net_post(&p, err, errlen);
	jsonmem_free(body);
	*answer = NULL;
	if (rc == 0) {
		json_t *j = json_loads(buf_cstr(&reply), 0, NULL);
		const char *text = json_string_value(json_object_get(
		    json_object_get(
			json_array_get(json_object_get(j, "choices"), 0),
			"message"),
		    "content"));
		if (text && *text)
			*answer = strdup(text);
		else
			snprintf(err, errlen,
				 "the reply has no choices[0].message.content");
		json_decref(j);
		rc = *answer ? 0 : -1;
	}
	buf_free(&reply);
	return rc;
}

/* The "assistant" job: sends question j->ref_id (about an incident, or a
 * person's question with its sources, answers.c) to the language model
 * and stores the answer, or the error (also when no model is configured
 * any more). Returns 0 when it ran, -1 (err) when it could not reach the
 * database. */
int assistant_run(db *d, const struct job *j, char *err, size_t errlen)
{
	sqlite3_stmt *st = db_query(d, STMT_ASSISTANT_ROW, j->ref_id);
	if (!st || sqlite3_step(st) != SQLITE_ROW) {
		if (st)
			sqlite3_reset(st);
		snprintf(err, errlen, "question %lld: no such row",
			 (long long)j->ref_id);
		return -1;
	}
	char *model = strdup(db_text(st, 0)),
	     *question = strdup(db_text(st, 1));
	int help = db_int(st, 2) != 0; /* a person's question, not about an
					  incident */
	sqlite3_reset(st);
	char why[256] = "no language model is configured (SECURA_LLM_URL)";
	char *answer = NULL;
	int rc = -1;
	if (db_exec_tx(d, STMT_ASSISTANT_START, j->ref_id) != 0)
		goto done;
	int ok = assistant_enabled() &&
		 ask(model, help ? help_prompt : system_prompt, question,
		     &answer, why, sizeof(why)) == 0;
	rc = db_exec_tx(d, STMT_ASSISTANT_FINISH, j->ref_id,
			ok ? "done" : "failed", ok ? answer : "", ok ? "" : why,
			clock_now());
done:
	if (rc != 0)
		snprintf(err, errlen, "question %lld: %s", (long long)j->ref_id,
			 db_errmsg(d));
	free(answer);
	free(model);
	free(question);
	return rc;
}

/* Returns the incident's questions, newest first, as a new JSON array
 * {id, status, model, prompt, answer, answer_html, error, asked_by,
 * created_at, finished_at, pending, machine_generated}; NULL on error. */
json_t *assistant_list(db *d, int64_t incident)
{
	sqlite3_stmt *st = db_query(d, STMT_ASSISTANT_LIST, incident);
	if (!st)
		return NULL;
	json_t *arr = json_array();
	while (sqlite3_step(st) == SQLITE_ROW) {
		char at[21], fin[21] = "";
		clock_iso(db_int(st, 6), at);
		if (db_int(st, 7))
			clock_iso(db_int(st, 7), fin);
		const char *status = db_text(st, 1);
		char *html = md_html(db_text(st, 4));
		json_array_append_new(
		    arr,
		    json_pack(
			"{sI ss ss ss ss ss ss ss ss ss sb sb}", "id",
			(json_int_t)db_int(st, 0), "status", status, "model",
			db_text(st, 2), "prompt", db_text(st, 3), "answer",
			db_text(st, 4), "answer_html", html ? html : "",
			"error", db_text(st, 5), "asked_by", db_text(st, 8),
			"created_at", at, "finished_at", fin, "pending",
			!strcmp(status, "queued") || !strcmp(status, "running"),
			"machine_generated", 1));
		free(html);
	}
	sqlite3_reset(st);
	return arr;
}
