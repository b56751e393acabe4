/* tfidf.h - word 1-2-gram TF-IDF vectors (sublinear tf, smooth idf, L2),
 * optionally with character 3..chars-grams inside word boundaries
 * (scikit-learn's "char_wb"; written "~gram"), with a vocabulary of
 * terms seen in at least min_df documents. */
#ifndef SECURA_TFIDF_H
#define SECURA_TFIDF_H

#include "../core/arena.h"
#include "text.h"

#include <linear.h>

struct tfidf {
	char **terms; /* sorted; index i is feature i + 1 */
	double *idf;
	int n;
	int chars; /* 0: words only; else character n-grams up to this */
};

int tfidf_fit(struct tfidf *t, const struct tokens *docs, int ndocs, int min_df,
	      int chars);
struct feature_node *tfidf_vector(const struct tfidf *t,
				  const struct tokens *doc, arena *a);
int tfidf_find(const struct tfidf *t, const char *term);
void tfidf_free(struct tfidf *t);

#endif
