/* tfidf.h - word 1-2-gram TF-IDF vectors (sublinear tf, smooth idf, L2),
 * with a vocabulary of terms seen in at least min_df documents. */
#ifndef SECURA_TFIDF_H
#define SECURA_TFIDF_H

#include "../core/arena.h"
#include "text.h"

#include <linear.h>

struct tfidf {
	char **terms; /* sorted; index i is feature i + 1 */
	double *idf;
	int n;
};

int tfidf_fit(struct tfidf *t, const struct tokens *docs, int ndocs,
	      int min_df);
struct feature_node *tfidf_vector(const struct tfidf *t,
				  const struct tokens *doc, arena *a);
int tfidf_find(const struct tfidf *t, const char *term);
void tfidf_free(struct tfidf *t);

#endif
