/* tfidf.c - vocabulary and vectors. Terms are a document's tokens, its
 * adjacent token pairs ("a b") and, as an option, character n-grams
 * ("~phi"). idf = ln((1 + N) / (1 + df)) + 1 and
 * tf = 1 + ln(count), as scikit-learn's TfidfVectorizer(sublinear_tf=True)
 * computes them; each vector has unit L2 length. */
#include "tfidf.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Appends the character 3..max-grams of token w, padded with a space
 * on each side and counted in UTF-8 characters, as "~gram" to t[*k]
 * (t must have room: see gram_room). */
static void char_grams(arena *a, const char *w, int max, const char **t,
		       size_t *k)
{
	const char *padded = arena_printf(a, " %s ", w);
	size_t starts[260], nc = 0;
	for (size_t i = 0; padded[i] && nc < 259; i++)
		if (((unsigned char)padded[i] & 0xc0) != 0x80)
			starts[nc++] = i;
	starts[nc] = strlen(padded);
	for (int n = 3; n <= max; n++)
		for (size_t i = 0; i + (size_t)n <= nc; i++)
			t[(*k)++] = arena_printf(
			    a, "~%.*s", (int)(starts[i + n] - starts[i]),
			    padded + starts[i]);
}

/* Returns how many character n-grams char_grams makes at most for a
 * token list. */
static size_t gram_room(const struct tokens *d, int max)
{
	size_t r = 0;
	for (size_t i = 0; i < d->n; i++)
		r += (strlen(d->v[i]) + 2) * (size_t)(max > 2 ? max - 2 : 0);
	return r;
}

/* Returns a document's terms (unigrams, bigrams, then character n-grams
 * when chars is set), sorted, in the arena; *n is set to their number
 * (duplicates kept). */
static const char **doc_terms(arena *a, const struct tokens *d, int chars,
			      size_t *n)
{
	size_t cap =
	    (d->n ? 2 * d->n - 1 : 0) + (chars ? gram_room(d, chars) : 0);
	const char **t = arena_alloc(a, (cap + 1) * sizeof(*t));
	size_t k = 0;
	for (size_t i = 0; i < d->n; i++)
		t[k++] = d->v[i];
	for (size_t i = 0; i + 1 < d->n; i++)
		t[k++] = arena_printf(a, "%s %s", d->v[i], d->v[i + 1]);
	for (size_t i = 0; chars && i < d->n; i++)
		if (d->v[i][0] != '<')
			char_grams(a, d->v[i], chars, t, &k);
	qsort(t, k, sizeof(*t), cmp_str);
	*n = k;
	return t;
}

/* Builds the vocabulary from ndocs token lists (character n-grams up to
 * chars when not 0). Returns 0, or -1 when no term reaches min_df. t owns
 * its memory (tfidf_free). */
int tfidf_fit(struct tfidf *t, const struct tokens *docs, int ndocs, int min_df,
	      int chars)
{
	arena a;
	arena_init(&a);
	size_t total = 0, cap = 1024;
	const char **all = xmalloc(cap * sizeof(*all));
	for (int d = 0; d < ndocs; d++) {
		size_t n;
		const char **terms = doc_terms(&a, &docs[d], chars, &n);
		for (size_t i = 0; i < n; i++) {
			if (i && !strcmp(terms[i], terms[i - 1]))
				continue; /* document frequency: once per doc */
			if (total == cap)
				all = xrealloc(all, (cap *= 2) * sizeof(*all));
			all[total++] = terms[i];
		}
	}
	qsort(all, total, sizeof(*all), cmp_str);
	memset(t, 0, sizeof(*t));
	t->chars = chars;
	t->terms = xmalloc((total + 1) * sizeof(*t->terms));
	t->idf = xmalloc((total + 1) * sizeof(*t->idf));
	for (size_t i = 0; i < total;) {
		size_t j = i;
		while (j < total && !strcmp(all[j], all[i]))
			j++;
		if ((int)(j - i) >= min_df) {
			t->terms[t->n] = xstrdup(all[i]);
			t->idf[t->n++] =
			    log((1.0 + ndocs) / (1.0 + (double)(j - i))) + 1.0;
		}
		i = j;
	}
	free(all);
	arena_free(&a);
	return t->n > 0 ? 0 : -1;
}

/* Returns the 1-based feature index of term, or 0 when unknown. */
int tfidf_find(const struct tfidf *t, const char *term)
{
	char **hit =
	    bsearch(&term, t->terms, (size_t)t->n, sizeof(*t->terms), cmp_str);
	return hit ? (int)(hit - t->terms) + 1 : 0;
}

/* Returns the document's vector as liblinear nodes in ascending index
 * order, followed by the bias node (index n + 1, value 1) and the -1
 * terminator. Arena memory. */
struct feature_node *tfidf_vector(const struct tfidf *t,
				  const struct tokens *doc, arena *a)
{
	size_t n;
	const char **terms = doc_terms(a, doc, t->chars, &n);
	struct feature_node *x = arena_alloc(a, (n + 2) * sizeof(*x));
	int k = 0;
	double norm = 0;
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && !strcmp(terms[j], terms[i]))
			j++;
		int idx = tfidf_find(t, terms[i]);
		if (idx) {
			double v =
			    (1.0 + log((double)(j - i))) * t->idf[idx - 1];
			x[k++] = (struct feature_node){idx, v};
			norm += v * v;
		}
		i = j;
	}
	norm = sqrt(norm);
	for (int i = 0; i < k && norm > 0; i++)
		x[i].value /= norm;
	x[k++] = (struct feature_node){t->n + 1, 1.0};
	x[k] = (struct feature_node){-1, 0};
	return x;
}

/* Releases the vocabulary. */
void tfidf_free(struct tfidf *t)
{
	for (int i = 0; i < t->n; i++)
		free(t->terms[i]);
	free(t->terms);
	free(t->idf);
	memset(t, 0, sizeof(*t));
}
