/* similar.c - an incident's most similar past incidents, kept ahead of
 * time: the worker (similar_next) computes the list of every incident
 * queued in similar_due (new, text or indicators changed, new category
 * model; schema/0008; and every incident whose list holds one whose text
 * or indicators changed, 0010) and adds the incident to the lists of its
 * matches that it beats, so a page reads 5 stored rows; a page whose list
 * is not ready computes it live.
 *
 * Candidates are the 20 newest incidents holding any of the
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
#define KEEP		     5	  /* entries stored per incident */
#define MIN_SCORE	     0.05 /* below this nothing is similar */

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
	sqlite3_stmt *st = db_query(d, STMT_VECTOR_GET, id);
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
	sqlite3_stmt *st = db_query(d, STMT_SIMILAR_SHARED, id);
	if (!st)
		return -1;
	while (ni < MAX_INDICATORS && sqlite3_step(st) == SQLITE_ROW)
		inds[ni++] = db_int(st, 0);
	sqlite3_reset(st);
	for (int i = 0; i < ni; i++) {
		if (!(st = db_query(d, STMT_SIMILAR_LINKED, inds[i], id,
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

/* Fills c with in's candidates, scored and best first; *nc gets how many
 * score above MIN_SCORE. When in has no stored vector (new text), *fresh
 * (if given) gets the one computed, packed (arena), and *freshlen its
 * size; else NULL. Reads the category model: call under models_lock.
 * Returns 0 or -1 (database error). */
static int scored(db *d, arena *a, const struct incident *in,
		  struct cand c[CANDIDATES], int *nc, const void **fresh,
		  int *freshlen)
{
	const struct classifier *cat = models_get(MODEL_CATEGORY);
	const struct tfidf *voc = cat ? &cat->tf : NULL;
	const char *version = models_version(MODEL_CATEGORY);
	struct feature_node *x = voc ? stored(d, a, in->id, version) : NULL;
	if (fresh)
		*fresh = NULL;
	if (!x && (x = vector(a, voc, in)) && fresh)
		*fresh = similar_pack(a, x, voc->n, freshlen);
	*nc = 0;
	const char *q = x ? query(a, voc, x) : NULL;
	if (q) {
		sqlite3_stmt *st =
		    db_query(d, STMT_SIMILAR_TEXT, q, in->id, TEXT_CANDIDATES);
		if (!st)
			return -1;
		while (sqlite3_step(st) == SQLITE_ROW)
			cand_add(c, nc, db_int(st, 0));
		sqlite3_reset(st);
	}
	if (shared_candidates(d, in->id, c, nc) != 0)
		return -1;
	for (int i = 0; i < *nc; i++) {
		struct feature_node *y =
		    voc ? stored(d, a, c[i].id, version) : NULL;
		struct incident o;
		if (voc && !y && incidents_get(d, a, c[i].id, &o) == 1)
			y = vector(a, voc, &o); /* no vector stored yet */
		c[i].text = x && y ? cosine(x, y, voc->n) : 0;
		c[i].score =
		    0.75 * c[i].text + 0.25 * fmin(1, c[i].shared / 2.0);
	}
	qsort(c, (size_t)*nc, sizeof(*c), by_score);
	while (*nc > 0 && !(c[*nc - 1].score > MIN_SCORE))
		(*nc)--;
	return 0;
}

/* Appends the entry of incident id to arr (see similar_find); an
 * incident that cannot be read is left out. */
static void append(db *d, arena *a, json_t *arr, const struct cand *k)
{
	struct incident o;
	if (incidents_get(d, a, k->id, &o) != 1)
		return;
	char at[21];
	clock_iso(o.created_at, at);
	json_array_append_new(
	    arr, json_pack("{sI ss ss ss ss ss ss ss si sf si}", "id",
			   (json_int_t)o.id, "ref", o.ref, "title", o.title,
			   "status", o.status, "severity", o.severity,
			   "category", o.category_name, "created_at", at, "url",
			   arena_printf(a, "/incidents/%lld", (long long)o.id),
			   "similarity", (int)lround(k->score * 100), "text",
			   round(k->text * 100) / 100, "shared", k->shared));
}

/* Returns 1 when incident id's stored list is up to date (not queued
 * again) and of the loaded category model, 0 when not (or none), -1 on a
 * database error. Call under models_lock. */
static int list_ready(db *d, int64_t id)
{
	sqlite3_stmt *st = db_query(d, STMT_SIMILAR_LIST_MODEL, id);
	if (!st)
		return -1;
	int rc = sqlite3_step(st);
	int ready = rc == SQLITE_ROW &&
		    !strcmp(db_text(st, 0), models_version(MODEL_CATEGORY));
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? ready : -1;
}

/* Returns the n (at most 5) incidents most similar to in as a new JSON
 * array {id, ref, title, status, severity, category, created_at, url,
 * similarity (0-100), text (cosine), shared (indicators)}: the stored list
 * when ready, else computed now. Call under models_lock. NULL on a
 * database error. */
json_t *similar_find(db *d, arena *a, const struct incident *in, int n)
{
	struct cand c[CANDIDATES];
	int nc = 0, ready = list_ready(d, in->id);
	if (ready < 0)
		return NULL;
	if (ready) {
		sqlite3_stmt *st =
		    db_query(d, STMT_SIMILAR_ENTRIES_GET, in->id, n);
		if (!st)
			return NULL;
		while (nc < CANDIDATES && sqlite3_step(st) == SQLITE_ROW)
			c[nc++] =
			    (struct cand){db_int(st, 0), (int)db_int(st, 3),
					  db_real(st, 2), db_real(st, 1)};
		sqlite3_reset(st);
	} else if (scored(d, a, in, c, &nc, NULL, NULL) != 0) {
		return NULL;
	}
	json_t *arr = json_array();
	for (int i = 0; i < nc && i < n; i++)
		append(d, a, arr, &c[i]);
	return arr;
}

/* Stores in's list (its KEEP best of c) under model and enters in into
 * each listed incident's own current list, which keeps its KEEP best.
 * Inside the caller's transaction. Returns 0 or -1. */
static int store(db *d, int64_t id, const struct cand *c, int nc,
		 const char *model)
{
	if (db_exec(d, STMT_SIMILAR_ENTRIES_CLEAR, id) != 0 ||
	    db_exec(d, STMT_SIMILAR_LIST_PUT, id, model, clock_now()) != 0)
		return -1;
	for (int i = 0; i < nc && i < KEEP; i++)
		if (db_exec(d, STMT_SIMILAR_ENTRY_PUT, id, c[i].id, c[i].score,
			    c[i].text, c[i].shared) != 0 ||
		    db_exec(d, STMT_SIMILAR_ENTRY_JOIN, c[i].id, id, c[i].score,
			    c[i].text, c[i].shared, model) != 0 ||
		    db_exec(d, STMT_SIMILAR_ENTRIES_TRIM, c[i].id, KEEP) != 0)
			return -1;
	return 0;
}

/* One queued incident's computed list. */
struct done {
	int64_t id, v;
	int nc;
	struct cand c[CANDIDATES];
	const void *vec; /* its text's vector when none was stored */
	int veclen;
};

/* The worker's job: computes the lists of up to max queued incidents
 * (newest first) outside any transaction, then stores in one short
 * transaction those not queued again meanwhile (those are done on a later
 * call), with the text vector of those whose text changed. Returns how many
 * were stored, 0 when none is queued, or -1 on a database error (nothing
 * stored). */
int similar_next(db *d, int max)
{
	arena a;
	arena_init(&a);
	struct done *due = arena_alloc(&a, (size_t)max * sizeof(*due));
	int n = 0, stored_n = 0, rc = -1;
	sqlite3_stmt *st = db_query(d, STMT_SIMILAR_DUE_NEXT, max);
	if (!st)
		goto out;
	while (n < max && sqlite3_step(st) == SQLITE_ROW) /* rest zeroed */
		due[n++] =
		    (struct done){.id = db_int(st, 0), .v = db_int(st, 1)};
	sqlite3_reset(st);
	if (n == 0) {
		rc = 0;
		goto out;
	}
	models_lock(d);
	const char *model = arena_strdup(&a, models_version(MODEL_CATEGORY));
	int failed = 0;
	for (int i = 0; i < n && !failed; i++) {
		struct incident in;
		int got = incidents_get(d, &a, due[i].id, &in);
		failed = got < 0 ||
			 (got == 1 && scored(d, &a, &in, due[i].c, &due[i].nc,
					     &due[i].vec, &due[i].veclen));
	}
	models_unlock();
	if (failed || db_begin(d) != 0)
		goto out;
	for (int i = 0; i < n; i++) {
		if (db_exec(d, STMT_SIMILAR_DUE_DONE, due[i].id, due[i].v) != 0)
			goto rollback;
		if (sqlite3_changes(d->h) == 0)
			continue; /* queued again while computed */
		if (store(d, due[i].id, due[i].c, due[i].nc, model) != 0 ||
		    (due[i].vec && db_exec(d, STMT_VECTOR_PUT, due[i].id, model,
					   due[i].vec, due[i].veclen) != 0))
			goto rollback;
		stored_n++;
	}
	if (db_commit(d) == 0)
		rc = stored_n;
	goto out;
rollback:
	db_rollback(d);
out:
	arena_free(&a);
	return rc;
}
