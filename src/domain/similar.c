/* similar.c - candidates are the 20 newest incidents holding any of the
 * incident's 6 most distinctive words (highest tf-idf in the category
 * model's vocabulary; FTS5 walks its lists newest first and stops, where
 * ranking every match took 200 ms at 100,000 incidents) and the 20
 * incidents sharing most indicators with it (of the 100 newest per
 * indicator). Each candidate scores 0.75 x the cosine similarity
 * of the two TF-IDF vectors (word 1-2-grams; stored with each incident,
 * computed from its text when missing or in another vocabulary) + 0.25 x its
 * shared indicators (two or more count fully); the n best above 0.05 are kept.
 * Without models only shared indicators count. */
#include "similar.h"

#include "../core/clock.h"
#include "../ml/text.h"
#include "models.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CANDIDATES	     40
#define QUERY_TERMS	     6
#define TEXT_CANDIDATES	     20
#define MAX_INDICATORS	     50
#define LINKED_PER_INDICATOR 100
#define MAX_TALLY	     1000

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

/* Packs x's word features (indexes up to nterms, the bias left out) as
 * (int32 index, float value) pairs; *len gets the size. Arena memory. */
const void *similar_pack(arena *a, const struct feature_node *x, int nterms,
			 int *len)
{
	size_t n = 0;
	while (x[n].index > 0 && x[n].index <= nterms)
		n++;
	unsigned char *p = arena_alloc(a, n * 8 + 1), *o = p;
	for (size_t i = 0; i < n; i++, o += 8) {
		int32_t idx = x[i].index;
		float v = (float)x[i].value;
		memcpy(o, &idx, 4);
		memcpy(o + 4, &v, 4);
	}
	*len = (int)(n * 8);
	return p;
}

/* Returns the stored vector of incident id when it is in the vocabulary
 * named version, else NULL. Arena memory. */
static struct feature_node *stored(db *d, arena *a, int64_t id,
				   const char *version)
{
	sqlite3_stmt *st = db_query(d, STMT_VECTOR_GET, "I", id);
	struct feature_node *x = NULL;
	if (st && sqlite3_step(st) == SQLITE_ROW &&
	    !strcmp(db_text(st, 0), version)) {
		const unsigned char *p = sqlite3_column_blob(st, 1);
		size_t n = (size_t)sqlite3_column_bytes(st, 1) / 8;
		x = arena_alloc(a, (n + 1) * sizeof(*x));
		for (size_t i = 0; i < n; i++, p += 8) {
			int32_t idx;
			float v;
			memcpy(&idx, p, 4);
			memcpy(&v, p + 4, 4);
			x[i] = (struct feature_node){idx, v};
		}
		x[n] = (struct feature_node){-1, 0};
	}
	if (st)
		sqlite3_reset(st);
	return x;
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

/* Returns an FTS5 query ORing the vector's QUERY_TERMS most distinctive
 * single words (each quoted), or NULL when it has none. Arena string. */
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

/* qsort order for tallies: most shared first, then newest. */
static int by_shared(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;
	if (x->shared != y->shared)
		return y->shared - x->shared;
	return (x->id < y->id) - (x->id > y->id);
}

/* Adds the 20 incidents sharing most indicators with incident id to the
 * candidates, counting per indicator only its LINKED_PER_INDICATOR most
 * recent incidents (an indicator in thousands of incidents says little
 * and would cost much). Returns 0 or -1. */
static int shared_candidates(db *d, int64_t id, struct cand *c, int *nc)
{
	int64_t inds[MAX_INDICATORS];
	int ni = 0, nt = 0;
	struct cand tally[MAX_TALLY];
	sqlite3_stmt *st = db_query(d, STMT_SIMILAR_SHARED, "I", id);
	if (!st)
		return -1;
	while (ni < MAX_INDICATORS && sqlite3_step(st) == SQLITE_ROW)
		inds[ni++] = db_int(st, 0);
	sqlite3_reset(st);
	for (int i = 0; i < ni; i++) {
		if (!(st = db_query(d, STMT_SIMILAR_LINKED, "IIi", inds[i], id,
				    LINKED_PER_INDICATOR)))
			return -1;
		while (sqlite3_step(st) == SQLITE_ROW) {
			int64_t other = db_int(st, 0);
			int k = 0;
			while (k < nt && tally[k].id != other)
				k++;
			if (k == nt && nt < MAX_TALLY)
				tally[nt++] = (struct cand){other, 0, 0, 0};
			if (k < nt)
				tally[k].shared++;
		}
		sqlite3_reset(st);
	}
	qsort(tally, (size_t)nt, sizeof(*tally), by_shared);
	for (int i = 0; i < nt && i < 20; i++) {
		struct cand *k = cand_add(c, nc, tally[i].id);
		if (k)
			k->shared = tally[i].shared;
	}
	return 0;
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
	const struct classifier *cat = models_get(MODEL_CATEGORY);
	const struct tfidf *voc = cat ? &cat->tf : NULL;
	const char *version = models_version(MODEL_CATEGORY);
	struct feature_node *x = voc ? stored(d, a, in->id, version) : NULL;
	if (!x)
		x = vector(a, voc, in);
	struct cand c[CANDIDATES];
	int nc = 0;
	const char *q = x ? query(a, voc, x) : NULL;
	sqlite3_stmt *st;
	if (q) {
		if (!(st = db_query(d, STMT_SIMILAR_TEXT, "sIi", q, in->id,
				    TEXT_CANDIDATES)))
			return NULL;
		while (sqlite3_step(st) == SQLITE_ROW)
			cand_add(c, &nc, db_int(st, 0));
		sqlite3_reset(st);
	}
	if (shared_candidates(d, in->id, c, &nc) != 0)
		return NULL;
	for (int i = 0; i < nc; i++) {
		struct feature_node *y =
		    voc ? stored(d, a, c[i].id, version) : NULL;
		struct incident o;
		if (voc && !y && incidents_get(d, a, c[i].id, &o) == 1)
			y = vector(a, voc, &o); /* no vector stored yet */
		c[i].text = x && y ? cosine(x, y, voc->n) : 0;
		c[i].score =
		    0.75 * c[i].text + 0.25 * fmin(1, c[i].shared / 2.0);
	}
	json_t *arr = json_array();
	for (int picked = 0; picked < n;) {
		int best = -1;
		for (int i = 0; i < nc; i++)
			if (c[i].score > 0.05 &&
			    (best < 0 || by_score(&c[i], &c[best]) < 0))
				best = i;
		if (best < 0)
			break;
		struct incident o;
		double score = c[best].score;
		c[best].score = -1;
		if (incidents_get(d, a, c[best].id, &o) != 1)
			continue;
		char at[21];
		clock_iso(o.created_at, at);
		json_array_append_new(
		    arr,
		    json_pack(
			"{sI ss ss ss ss ss ss ss si sf si}", "id",
			(json_int_t)o.id, "ref", o.ref, "title", o.title,
			"status", o.status, "severity", o.severity, "category",
			o.category_name, "created_at", at, "url",
			arena_printf(a, "/incidents/%lld", (long long)o.id),
			"similarity", (int)lround(score * 100), "text",
			round(c[best].text * 100) / 100, "shared",
			c[best].shared));
		picked++;
	}
	return arr;
}
