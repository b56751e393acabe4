/* passages.c - see passages.h. Words are the classifiers' tokens (text.c)
 * with a light English suffix strip (reports, reporting, reported ->
 * report), so a question need not use the article's own forms. Two
 * rankings are fused by reciprocal rank (k = 60, as Cormack et al. 2009):
 * Okapi BM25 (k1 = 1.2, b = 0.75) over the stripped words, and the cosine
 * of TF-IDF vectors with character 3-5-grams inside words, which finds
 * "notify" in "notifications" and forgives typing errors. */
#include "passages.h"

#include "tfidf.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define BM25_K1 1.2
#define BM25_B	0.75
#define RRF_K	60.0

/* Returns word w (arena) without a common English suffix, for words long
 * enough that the stem stays a word. */
static const char *stem(arena *a, const char *w)
{
	size_t n = strlen(w);
	static const char *const sfx[] = {
	    "ations", "ation", "ings", "ing", "ies", "ed", "es", "s", NULL};
	for (int i = 0; sfx[i]; i++) {
		size_t k = strlen(sfx[i]);
		if (n > k + 3 && !strcmp(w + n - k, sfx[i])) {
			char *s = arena_strdup(a, w);
			s[n - k] = '\0';
			if (!strcmp(sfx[i], "ies"))
				strcpy(s + n - k, "y");
			return s;
		}
	}
	return w;
}

/* Tokenizes s into out: text.c's words, stripped. */
static void words(arena *a, const char *s, struct tokens *out)
{
	text_tokens(a, s, out);
	for (size_t i = 0; i < out->n; i++)
		out->v[i] = stem(a, out->v[i]);
}

/* Builds the index of n passages' texts (borrowed; they must outlive
 * the index). Returns 0, or -1 when the vectors cannot be made. */
int passages_build(struct passages *ix, const char *const *texts, int n)
{
	memset(ix, 0, sizeof(*ix));
	arena_init(&ix->a);
	ix->n = n;
	ix->docs = arena_calloc(&ix->a, (size_t)(n ? n : 1), sizeof(*ix->docs));
	double total = 0;
	for (int i = 0; i < n; i++) {
		words(&ix->a, texts[i], &ix->docs[i]);
		total += (double)ix->docs[i].n;
	}
	ix->avgdl = n ? total / n : 1;
	if (n && tfidf_fit(&ix->tf, ix->docs, n, 1, 5) != 0) {
		passages_free(ix);
		return -1;
	}
	ix->vec = arena_calloc(&ix->a, (size_t)(n ? n : 1), sizeof(*ix->vec));
	for (int i = 0; i < n; i++)
		ix->vec[i] = tfidf_vector(&ix->tf, &ix->docs[i], &ix->a);
	return 0;
}

/* Frees the index's memory. */
void passages_free(struct passages *ix)
{
	if (ix->tf.terms)
		tfidf_free(&ix->tf);
	arena_free(&ix->a);
	memset(ix, 0, sizeof(*ix));
}

/* Returns how often term occurs in doc. */
static int count(const struct tokens *doc, const char *term)
{
	int c = 0;
	for (size_t i = 0; i < doc->n; i++)
		c += !strcmp(doc->v[i], term);
	return c;
}

/* Returns the dot product of two sparse vectors in index order. */
static double dot(const struct feature_node *x, const struct feature_node *y)
{
	double s = 0;
	while (x && y && x->index != -1 && y->index != -1) {
		if (x->index == y->index)
			s += x->value * (y++)->value, x++;
		else if (x->index < y->index)
			x++;
		else
			y++;
	}
	return s;
}

/* A passage and one of its scores, for sorting. */
struct scored {
	int i;
	double s;
};

/* qsort order: higher score first, then lower index. */
static int by_score(const void *a, const void *b)
{
	const struct scored *x = a, *y = b;
	return x->s < y->s ? 1 : x->s > y->s ? -1 : x->i - y->i;
}

/* Adds 1 / (RRF_K + rank) to fused for each passage with a positive score
 * in s (n entries), ranked by it. */
static void fuse(struct scored *s, int n, double *fused)
{
	qsort(s, (size_t)n, sizeof(*s), by_score);
	for (int r = 0; r < n && s[r].s > 0; r++)
		fused[s[r].i] += 1.0 / (RRF_K + r + 1);
}

/* Ranks the passages for question q by mode (PASSAGES_FUSED, or one
 * ranker alone: PASSAGES_BM25, PASSAGES_TFIDF, for measuring): writes the
 * indexes of the best k (fewer when fewer match at all) into best, best
 * first, and their scores into score (may be NULL). Returns how many, or
 * -1 on error. */
int passages_rank(const struct passages *ix, const char *q, int mode, int *best,
		  double *score, int k)
{
	if (ix->n == 0)
		return 0;
	arena a;
	arena_init(&a);
	struct tokens qt = {0};
	words(&a, q, &qt);
	struct scored *bm = arena_calloc(&a, (size_t)ix->n, sizeof(*bm));
	struct scored *cs = arena_calloc(&a, (size_t)ix->n, sizeof(*cs));
	double *fused = arena_calloc(&a, (size_t)ix->n, sizeof(*fused));
	for (int i = 0; i < ix->n; i++)
		bm[i].i = cs[i].i = i;
	for (size_t t = 0; t < qt.n; t++) {
		int seen = 0, df = 0;
		for (size_t u = 0; u < t; u++)
			seen |= !strcmp(qt.v[u], qt.v[t]);
		if (seen)
			continue;
		for (int i = 0; i < ix->n; i++)
			df += count(&ix->docs[i], qt.v[t]) > 0;
		if (!df)
			continue;
		double idf = log((ix->n - df + 0.5) / (df + 0.5) + 1.0);
		for (int i = 0; i < ix->n; i++) {
			double f = count(&ix->docs[i], qt.v[t]);
			double len = (double)ix->docs[i].n;
			bm[i].s += idf * f * (BM25_K1 + 1) /
				   (f + BM25_K1 * (1 - BM25_B +
						   BM25_B * len / ix->avgdl));
		}
	}
	struct feature_node *qv = tfidf_vector(&ix->tf, &qt, &a);
	for (int i = 0; i < ix->n; i++)
		cs[i].s = dot(qv, ix->vec[i]);
	if (mode != PASSAGES_TFIDF)
		fuse(bm, ix->n, fused);
	if (mode != PASSAGES_BM25)
		fuse(cs, ix->n, fused);
	struct scored *all = arena_calloc(&a, (size_t)ix->n, sizeof(*all));
	for (int i = 0; i < ix->n; i++)
		all[i] = (struct scored){i, fused[i]};
	qsort(all, (size_t)ix->n, sizeof(*all), by_score);
	int got = 0;
	for (; got < k && got < ix->n && all[got].s > 0; got++) {
		best[got] = all[got].i;
		if (score)
			score[got] = all[got].s;
	}
	arena_free(&a);
	return got;
}
