/* ui_answers.c - the assistant (/assistant: a question answered from
 * the passages the asker may open, with its sources) and the help
 * articles it draws on (/help). */
#include "ui.h"

#include "../core/perm.h"
#include "../domain/answers.h"
#include "../domain/assistant.h"

const struct field ui_answers_ask_fields[] = {
    {"question", V_LINE, F_REQUIRED, 3, 500, NULL, "Your question"},
    {NULL, 0, 0, 0, 0, NULL, NULL}};

/* GET /assistant - the form, with a few questions to start from. */
int ui_answers_form(struct ctx *c)
{
	c->view = json_pack("{s[sss]}", "examples",
			    "How do I report a phishing email?",
			    "When must a data breach be reported under GDPR?",
			    "How do I set up a second factor?");
	return 0;
}

/* POST /assistant - answers the question from the help articles and,
 * for those who read every incident, the playbooks and resolved
 * incidents: {question, answer (the best passage quoted), sources [{kind,
 * title, link, passage}], generated: false}. With a language model the
 * question is also queued for it (202, "pending": where its answer
 * appears, which the page goes to). */
int ui_answers_ask(struct ctx *c)
{
	const char *q = ctx_val(c, "question");
	int staff = perm_has(c->me.role, PERM_INCIDENT_READ_ALL);
	json_t *reply = answers_reply(c->db, c->a, q, staff);
	if (!reply)
		return -1;
	c->view = reply;
	if (!assistant_enabled())
		return 0;
	int64_t id;
	if (db_begin(c->db) != 0 ||
	    (id = answers_queue(c->db, c->a, q, staff, c->me.user_id)) < 0 ||
	    db_commit(c->db) != 0)
		return -1;
	const char *at = arena_printf(c->a, "/assistant/%lld", (long long)id);
	json_object_set_new(reply, "pending", json_string(at));
	c->status = 202;
	return ctx_redirect(c, at, NULL);
}

/* GET /assistant/{id} - the caller's question to the language model:
 * its answer once written (machine-generated, from the sources listed),
 * the page looking again every few seconds until then. */
int ui_answers_show(struct ctx *c)
{
	json_t *o = answers_get(c->db, c->id, c->me.user_id);
	if (!o)
		return ctx_fail(c, 404, "not_found",
				"There is no such question.");
	c->view = o;
	return 0;
}

/* GET /help - the help articles. */
int ui_answers_help(struct ctx *c)
{
	c->view = json_pack("{so}", "articles", answers_articles());
	return 0;
}

/* GET /help/{ref} - one help article. */
int ui_answers_article(struct ctx *c)
{
	const char *html = answers_article(c->a, c->ref);
	if (!html)
		return ctx_fail(c, 404, "not_found",
				"There is no such article.");
	c->view = json_pack("{ss ss}", "name", c->ref, "article_html", html);
	return 0;
}
