/* similar.c - candidates are the 20 best full-text matches (FTS5, bm25)
 * for the incident's 8 most distinctive words (highest tf-idf in the
 * category model's vocabulary) and the 20 incidents sharing most
 * indicators with it. Each candidate scores 0.75 x the cosine similarity
 * of the two TF-IDF vectors (word 1-2-grams) + 0.25 x its shared
 * indicators (two or more count fully); the n best above 0.05 are kept.
 * Without models only shared indicators count. */
#include "similar.h"

#include "../core/clock.h"
#include "../ml/text.h"
#include "intel.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define CANDIDATES  40
#define QUERY_TERMS 8

struct cand {
	int64_t id;
	int shared;
	double text, score;
};

/* Returns the incident's TF-IDF vector (arena), or NULL without a
 * vocabulary. */
static struct feature_node *vector(arena *a, const struct tfidf *voc,
				   const struct incident *in)
{
	if (!voc)
		return NULL;
	struct tokens t = {0};
	text_tokens(a, arena_printf(a, "%s\n%s", in->title, in->description),
		    &t);
	return tfidf_vector(voc, &t, a);
}

/* Returns the dot product of two unit vectors, the bias left out. */
static double cosine(const struct feature_node *x, const struct feature_node *y,
		     int n)
{
	double s = 0;
	while (x->index > 0 && y->index > 0 && x->index <= n && y->index <= n) {
		if (x->index == y->index)
			s += (x++)->value * (y++)->value;
		else if (x->index < y->index)
			x++;
		else
			y++;
	}
	return s;
}

/* qsort order: by value, largest first. */
static int by_value(const void *a, const void *b)
{
	double x = ((const struct feature_node *)a)->value,
	       y = ((const struct feature_node *)b)->value;
	return (x < y) - (x > y);
}

/* Returns an FTS5 query ORing the vector's most distinctive single words
 * (each quoted), or NULL when it has none. Arena string. */
static const char *query(arena *a, const struct tfidf *voc,
			 const struct feature_node *x)
{
	size_t n = 0;
	while (x[n].index > 0)
		n++;
	struct feature_node *w = arena_alloc(a, (n + 1) * sizeof(*w));
	memcpy(w, x, n * sizeof(*w));
	qsort(w, n, sizeof(*w), by_value);
	const char *q = NULL;
	for (size_t i = 0, used = 0; i < n && used < QUERY_TERMS; i++) {
		if (w[i].index > voc->n)
			continue;
		const char *term = voc->terms[w[i].index - 1];
		if (strchr(term, ' ') || strchr(term, '<') || strchr(term, '"'))
			continue;
		q = q ? arena_printf(a, "%s OR \"%s\"", q, term)
		      : arena_printf(a, "\"%s\"", term);
		used++;
	}
	return q;
}

/* Adds id to the candidates (once) and returns its slot, or NULL when
 * full. */
static struct cand *cand_add(struct cand *c, int *nc, int64_t id)
{
	for (int i = 0; i < *nc; i++)
		if (c[i].id == id)
			return &c[i];
	if (*nc == CANDIDATES)
		return NULL;
	c[*nc] = (struct cand){id, 0, 0, 0};
	return &c[(*nc)++];
}

/* qsort order: by score, best first, then newest. */
static int by_score(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;
	if (x->score != y->score)
		return (x->score < y->score) - (x->score > y->score);
	return (x->id < y->id) - (x->id > y->id);
}

/* Returns the n incidents most similar to in as a new JSON array {id,
 * ref, title, status, severity, category, created_at, url, similarity
 * (0-100), text (cosine), shared (indicators)}; NULL on error. */
json_t *similar_find(db *d, arena *a, const struct incident *in, int n)
{
	const struct tfidf *voc = intel_vocabulary();
	struct feature_node *x = vector(a, voc, in);
	struct cand c[CANDIDATES];
	int nc = 0;
	const char *q = x ? query(a, voc, x) : NULL;
	sqlite3_stmt *st;
	if (q) {
		if (!(st = db_query(d, STMT_SIMILAR_TEXT, "sI", q, in->id)))
			return NULL;
		while (sqlite3_step(st) == SQLITE_ROW)
			cand_add(c, &nc, db_int(st, 0));
		sqlite3_reset(st);
	}
	if (!(st = db_query(d, STMT_SIMILAR_SHARED, "I", in->id)))
		return NULL;
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct cand *k = cand_add(c, &nc, db_int(st, 0));
		if (k)
			k->shared = (int)db_int(st, 1);
	}
	sqlite3_reset(st);
	struct incident *other =
	    arena_calloc(a, (size_t)nc + 1, sizeof(*other));
	for (int i = 0; i < nc; i++) {
		if (incidents_get(d, a, c[i].id, &other[i]) != 1)
			continue;
		struct feature_node *y = vector(a, voc, &other[i]);
		c[i].text = x && y ? cosine(x, y, voc->n) : 0;
		c[i].score =
		    0.75 * c[i].text + 0.25 * fmin(1, c[i].shared / 2.0);
	}
	json_t *arr = json_array();
	/* sort indexes, not the candidates: other[] is parallel to c[] */
	for (int picked = 0; picked < n; picked++) {
		int best = -1;
		for (int i = 0; i < nc; i++)
			if (c[i].score > 0.05 &&
			    (best < 0 || by_score(&c[i], &c[best]) < 0))
				best = i;
		if (best < 0)
			break;
		const struct incident *o = &other[best];
		char at[21];
		clock_iso(o->created_at, at);
		json_array_append_new(
		    arr,
		    json_pack(
			"{sI ss ss ss ss ss ss ss si sf si}", "id",
			(json_int_t)o->id, "ref", o->ref, "title", o->title,
			"status", o->status, "severity", o->severity,
			"category", o->category_name, "created_at", at, "url",
			arena_printf(a, "/incidents/%lld", (long long)o->id),
			"similarity", (int)lround(c[best].score * 100), "text",
			round(c[best].text * 100) / 100, "shared",
			c[best].shared));
		c[best].score = -1;
	}
	return arr;
}
