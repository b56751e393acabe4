/* answers.c - see answers.h. The passages a question is matched against
 * are what the asker may open:
 *   - Secura's help articles (the .md files of SECURA_HELP), one passage per
 * "## " section, read once per process;
 *   - for those who read every incident (the team and managers), the
 *     playbooks, and the resolved and closed incidents whose title,
 *     description or public comments share a word with the question
 *     (FTS5, the best 30 by bm25), each as its title, root cause and
 *     resolution; never internal comments.
 * All of them are then ranked together (passages.c: BM25 and TF-IDF
 * cosine, fused), so an incident and an article compete on one scale. */
#include "answers.h"

#include "../core/buf.h"
#include "../core/clock.h"
#include "../core/config.h"
#include "../core/jsonmem.h"
#include "../core/log.h"
#include "../core/md.h"
#include "../ml/passages.h"
#include "jobs.h"

#include <ctype.h>
#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_HELP      400
#define INCIDENT_POOL 30
#define EXCERPT	      600

/* One passage: where it comes from, how it is named and linked, and its
 * text (what is matched and quoted). */
struct passage {
	const char *kind, *title, *link, *text;
	int red; /* an incident of TLP:RED: never sent to a language model */
};

static struct passage help[MAX_HELP];
static int nhelp;
/* the articles themselves, by name, for the help index */
static struct article {
	const char *name, *title;
} articles[MAX_HELP];
static int narticles;
static arena help_arena;
static pthread_once_t help_once = PTHREAD_ONCE_INIT;

/* Writes a URL fragment for a heading into out ("The 72-hour deadline"
 * -> "the-72-hour-deadline"). */
static void slug(const char *h, char *out, size_t len)
{
	size_t o = 0;
	for (; *h && o + 1 < len; h++) {
		if (isalnum((unsigned char)*h))
			out[o++] = (char)tolower((unsigned char)*h);
		else if (o && out[o - 1] != '-')
			out[o++] = '-';
	}
	while (o && out[o - 1] == '-')
		o--;
	out[o] = '\0';
}

/* Splits one article (name: its file's stem) into its sections and
 * notes it for the index. */
static void load_article(const char *name, char *text)
{
	char *title = "", *heading = NULL;
	buf b = BUF_INIT;
	for (char *line = strtok(text, "\n");; line = strtok(NULL, "\n")) {
		int end = line == NULL;
		if (end || !strncmp(line, "## ", 3)) {
			if (heading && nhelp < MAX_HELP) {
				char frag[96];
				slug(heading, frag, sizeof(frag));
				help[nhelp++] = (struct passage){
				    "help",
				    arena_printf(&help_arena, "%s: %s", title,
						 heading),
				    arena_printf(&help_arena, "/help/%s#%s",
						 name, frag),
				    arena_printf(&help_arena, "%s. %s", heading,
						 buf_cstr(&b)),
				    0};
			}
			if (end) {
				if (narticles < MAX_HELP)
					articles[narticles++] =
					    (struct article){name, title};
				break;
			}
			heading = line + 3;
			buf_reset(&b);
		} else if (!strncmp(line, "# ", 2)) {
			title = arena_strdup(&help_arena, line + 2);
		} else {
			buf_printf(&b, "%s%s", b.len ? " " : "", line);
		}
	}
	buf_free(&b);
}

/* qsort order of articles: by name. */
static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct article *)a)->name,
		      ((const struct article *)b)->name);
}

/* Reads every article of the help folder (once per process). */
static void load_help(void)
{
	arena_init(&help_arena);
	const char *dir = config_get()->help_dir;
	DIR *dh = dir ? opendir(dir) : NULL;
	if (!dh) {
		log_event(NULL, NULL, "no help articles in %s",
			  dir ? dir : "(unset)");
		return;
	}
	struct dirent *de;
	while ((de = readdir(dh))) {
		size_t n = strlen(de->d_name);
		if (n < 4 || strcmp(de->d_name + n - 3, ".md") != 0 ||
		    de->d_name[0] == '.')
			continue;
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		buf text = BUF_INIT;
		if (buf_read_file(&text, path) != 0) {
			buf_free(&text);
			continue;
		}
		char *name = arena_strdup(&help_arena, de->d_name);
		name[n - 3] = '\0';
		load_article(name, (char *)buf_cstr(&text));
		buf_free(&text);
	}
	closedir(dh);
	qsort(articles, (size_t)narticles, sizeof(*articles), by_name);
}

/* Returns the help articles as a new JSON array of {name, title}, in
 * name order; for the help index. */
json_t *answers_articles(void)
{
	pthread_once(&help_once, load_help);
	json_t *arr = json_array();
	for (int i = 0; i < narticles; i++)
		json_array_append_new(arr, json_pack("{ss ss}", "name",
						     articles[i].name, "title",
						     articles[i].title));
	return arr;
}

/* Returns help article name (a plain name: letters, digits and dashes)
 * rendered as HTML (cmark, safe), each "## " heading with the id its
 * sources link to; NULL when there is no such article. Arena string. */
const char *answers_article(arena *a, const char *name)
{
	pthread_once(&help_once, load_help);
	for (const char *p = name; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '-')
			return NULL;
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s.md", config_get()->help_dir, name);
	buf md = BUF_INIT, out = BUF_INIT;
	if (!*name || buf_read_file(&md, path) != 0) {
		buf_free(&md);
		return NULL;
	}
	char *html = md_html(buf_cstr(&md));
	for (const char *p = html; *p;) {
		const char *h = strstr(p, "<h2>"),
			   *e = h ? strstr(h, "</h2>") : NULL;
		if (!e) {
			buf_puts(&out, p);
			break;
		}
		char text[256], frag[96];
		snprintf(text, sizeof(text), "%.*s", (int)(e - h - 4), h + 4);
		slug(text, frag, sizeof(frag));
		buf_printf(&out, "%.*s<h2 id=\"%s\">", (int)(h - p), p, frag);
		p = h + 4;
	}
	const char *res = arena_strdup(a, buf_cstr(&out));
	free(html);
	buf_free(&md);
	buf_free(&out);
	return res;
}

/* Builds an FTS5 expression that matches any of q's words of three
 * letters or more (quoted), in the columns anyone who may open the
 * incident may read. Arena string, "" when none. */
static const char *any_word(arena *a, const char *q)
{
	buf b = BUF_INIT;
	for (const char *p = q; *p;) {
		while (*p && !isalnum((unsigned char)*p))
			p++;
		const char *w = p;
		while (*p && (isalnum((unsigned char)*p) || *p == '-'))
			p++;
		if (p - w >= 3)
			buf_printf(&b, "%s\"%.*s\"", b.len ? " OR " : "",
				   (int)(p - w), w);
	}
	const char *out =
	    b.len ? arena_printf(a, "{title body} : (%s)", buf_cstr(&b)) : "";
	buf_free(&b);
	return out;
}

/* Appends the passages only the team and managers may read to out from
 * *n on: the playbooks and the candidate incidents for q. Returns 0 or
 * -1. */
static int staff_passages(db *d, arena *a, const char *q, struct passage *out,
			  int *n, int max)
{
	sqlite3_stmt *st = db_query(d, STMT_ANSWER_PLAYBOOKS);
	if (!st)
		return -1;
	while (*n < max && sqlite3_step(st) == SQLITE_ROW)
		out[(*n)++] = (struct passage){
		    "playbook", arena_printf(a, "Playbook: %s", db_text(st, 1)),
		    arena_printf(a, "/playbooks/%lld",
				 (long long)db_int(st, 0)),
		    arena_printf(a, "%s playbook. %s", db_text(st, 1),
				 db_text(st, 2)),
		    0};
	sqlite3_reset(st);
	const char *expr = any_word(a, q);
	if (!*expr)
		return 0;
	st = db_query(d, STMT_ANSWER_INCIDENTS, expr, INCIDENT_POOL);
	if (!st)
		return -1;
	while (*n < max && sqlite3_step(st) == SQLITE_ROW) {
		const char *cause = db_text(st, 4), *res = db_text(st, 5);
		out[(*n)++] = (struct passage){
		    "incident",
		    arena_printf(a, "%s %s", db_text(st, 1), db_text(st, 2)),
		    arena_printf(a, "/incidents/%s", db_text(st, 1)),
		    arena_printf(a, "%s. %s%s%s%s%s", db_text(st, 2),
				 db_text(st, 3), *cause ? " Root cause: " : "",
				 cause, *res ? " Resolution: " : "", res),
		    !strcmp(db_text(st, 6), "red")};
	}
	sqlite3_reset(st);
	return 0;
}

/* Returns the best k passages for question q that the asker may open
 * (staff: they read every incident), ranked by mode (passages.h), as a new
 * JSON array of {kind, title, link, passage, red}, best first; NULL on
 * error. */
json_t *answers_find(db *d, arena *a, const char *q, int staff, int k, int mode)
{
	pthread_once(&help_once, load_help);
	int max = nhelp + 64 + INCIDENT_POOL, n = 0;
	struct passage *all = arena_calloc(a, (size_t)max, sizeof(*all));
	for (; n < nhelp; n++)
		all[n] = help[n];
	if (staff && staff_passages(d, a, q, all, &n, max) != 0)
		return NULL;
	const char **texts =
	    arena_calloc(a, (size_t)(n ? n : 1), sizeof(*texts));
	for (int i = 0; i < n; i++)
		texts[i] = arena_printf(a, "%s %s", all[i].title, all[i].text);
	struct passages ix;
	if (passages_build(&ix, texts, n) != 0)
		return NULL;
	int *best = arena_calloc(a, (size_t)k, sizeof(*best));
	int got = passages_rank(&ix, q, mode, best, NULL, k);
	passages_free(&ix);
	if (got < 0)
		return NULL;
	json_t *arr = json_array();
	for (int i = 0; i < got; i++) {
		const struct passage *p = &all[best[i]];
		json_array_append_new(
		    arr, json_pack(
			     "{ss ss ss ss# sb}", "kind", p->kind, "title",
			     p->title, "link", p->link, "passage", p->text,
			     (int)(strlen(p->text) > EXCERPT ? EXCERPT
							     : strlen(p->text)),
			     "red", p->red));
	}
	return arr;
}

/* Answers question q from the passages the asker may open, without a
 * language model: the best passage quoted, and where the others are.
 * Returns a new JSON object {question, answer, sources (the best three),
 * generated: false}; NULL on error. */
json_t *answers_reply(db *d, arena *a, const char *q, int staff)
{
	json_t *sources = answers_find(d, a, q, staff, 3, PASSAGES_FUSED);
	if (!sources)
		return NULL;
	json_t *top = json_array_get(sources, 0);
	const char *answer =
	    top ? arena_printf(
		      a, "From “%s”: %s",
		      json_string_value(json_object_get(top, "title")),
		      json_string_value(json_object_get(top, "passage")))
		: "Nothing Secura knows answers this. Try other words, or ask "
		  "the security team.";
	return json_pack("{ss ss so sb}", "question", q, "answer", answer,
			 "sources", sources, "generated", 0);
}

/* Returns 1 when source s is the answer want: "help/<name>" (any
 * section of that article) or "incident:<title>" (an incident whose title
 * contains it). */
static int holds(json_t *s, const char *want)
{
	const char *link = json_string_value(json_object_get(s, "link"));
	const char *kind = json_string_value(json_object_get(s, "kind"));
	const char *title = json_string_value(json_object_get(s, "title"));
	size_t n = strlen(want);
	if (!strncmp(want, "help/", 5))
		return link[0] == '/' && !strncmp(link + 1, want, n) &&
		       link[1 + n] == '#';
	return !strncmp(want, "incident:", 9) && !strcmp(kind, "incident") &&
	       strstr(title, want + 9) != NULL;
}

/* Measures retrieval on a question set (a TSV file: question, answer as
 * holds() reads it; lines starting with # and the header skipped) as the
 * team sees it, for the fused ranking and each ranker alone: recall@1,
 * recall@3 and the mean reciprocal rank within the first ten. Prints one
 * line per ranking to out. Returns 0, or -1 when the file cannot be read
 * or a search fails. */
int answers_eval(db *d, const char *questions, FILE *out)
{
	FILE *f = fopen(questions, "r");
	if (!f)
		return -1;
	static const char *const names[] = {"fused (BM25 + TF-IDF)",
					    "BM25 alone", "TF-IDF alone"};
	double r1[3] = {0}, r3[3] = {0}, mrr[3] = {0};
	int n = 0, rc = 0, header = 1;
	char line[1024];
	while (rc == 0 && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = '\0';
		char *tab = strchr(line, '\t');
		if (line[0] == '#' || !tab)
			continue;
		if (header) {
			header = 0;
			continue;
		}
		*tab = '\0';
		n++;
		for (int m = 0; m < 3 && rc == 0; m++) {
			arena a;
			arena_init(&a);
			json_t *src = answers_find(d, &a, line, 1, 10, m);
			if (!src) {
				rc = -1;
			} else {
				for (size_t r = 0; r < json_array_size(src);
				     r++) {
					if (holds(json_array_get(src, r),
						  tab + 1)) {
						r1[m] += r == 0;
						r3[m] += r < 3;
						mrr[m] += 1.0 / (double)(r + 1);
						break;
					}
				}
			}
			json_decref(src);
			arena_free(&a);
		}
	}
	fclose(f);
	for (int m = 0; rc == 0 && m < 3; m++)
		fprintf(out,
			"%-22s questions %d  recall@1 %.3f  recall@3 %.3f  "
			"MRR@10 %.3f\n",
			names[m], n, n ? r1[m] / n : 0, n ? r3[m] / n : 0,
			n ? mrr[m] / n : 0);
	return rc;
}

/* Queues question q for the language model with the best five passages
 * the asker may open (answers_find with staff) that are not TLP:RED
 * incidents: the prompt numbers the sources and asks for an answer from
 * them alone; the worker's "assistant" job sends it. Inside a
 * transaction. Returns the request's id, or -1. */
int64_t answers_queue(db *d, arena *a, const char *q, int staff, int64_t user)
{
	json_t *found = answers_find(d, a, q, staff, 20, PASSAGES_FUSED);
	if (!found)
		return -1;
	json_t *sent = json_array(), *s;
	buf p = BUF_INIT;
	buf_printf(&p, "Question: %s\n\nSources:\n", q);
	size_t i;
	json_array_foreach(found, i, s)
	{
		if (json_is_true(json_object_get(s, "red")) ||
		    json_array_size(sent) == 5)
			continue;
		json_array_append(sent, s);
		buf_printf(&p, "[%zu] %s (%s)\n%s\n\n", json_array_size(sent),
			   json_string_value(json_object_get(s, "title")),
			   json_string_value(json_object_get(s, "link")),
			   json_string_value(json_object_get(s, "passage")));
	}
	char *sources = json_dumps(sent, JSON_COMPACT);
	int64_t id = -1;
	if (sources &&
	    db_exec(d, STMT_ANSWER_QUEUE, user, config_get()->llm_model,
		    buf_cstr(&p), q, sources, clock_now()) == 0) {
		id = sqlite3_last_insert_rowid(d->h);
		if (jobs_queue(d, "assistant", id, 3) < 0)
			id = -1;
	}
	jsonmem_free(sources);
	json_decref(sent);
	json_decref(found);
	buf_free(&p);
	return id;
}

/* Returns user's question id as a new JSON object {question, answer (the
 * model's, "" until it is done), answer_html, sources, generated: true,
 * pending, model_error, model}; NULL when it is not theirs or on error. */
json_t *answers_get(db *d, int64_t id, int64_t user)
{
	sqlite3_stmt *st = db_query(d, STMT_ANSWER_GET, id, user);
	if (!st)
		return NULL;
	json_t *o = NULL;
	if (sqlite3_step(st) == SQLITE_ROW) {
		const char *status = db_text(st, 0);
		char *html = md_html(db_text(st, 2));
		json_t *sources = json_loads(db_text(st, 4), 0, NULL);
		o = json_pack(
		    "{sI ss ss ss so sb sb ss ss ss}", "id", (json_int_t)id,
		    "question", db_text(st, 1), "answer", db_text(st, 2),
		    "answer_html", html, "sources",
		    sources ? sources : json_array(), "generated", 1, "pending",
		    !strcmp(status, "queued") || !strcmp(status, "running"),
		    "model_error", db_text(st, 3), "model", db_text(st, 5),
		    "status", status);
		free(html);
	}
	sqlite3_reset(st);
	return o;
}
