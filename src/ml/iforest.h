/* iforest.h - Isolation Forest (Liu, Ting and Zhou, 2008), the algorithm
 * scikit-learn's IsolationForest implements: each tree isolates a random
 * subsample by random splits; anomalies are isolated in few splits. */
#ifndef SECURA_IFOREST_H
#define SECURA_IFOREST_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/* One node: an inner node splits on feature at value (left: < value); a
 * leaf (feature -1) holds size training rows and, in value, c(size), the
 * path length its rows would have added (not saved: computed at load). */
struct iforest_node {
	int32_t feature;
	int32_t left, right; /* node indexes (inner nodes) */
	int32_t size;	     /* rows that reached a leaf */
	double value;
};

typedef struct iforest {
	int nfeatures, ntrees, subsample;
	uint64_t seed;
	int32_t *roots; /* ntrees node indexes */
	struct iforest_node *nodes;
	size_t nnodes, cap;
} iforest;

double iforest_c(double n);
int iforest_fit(iforest *f, const double *x, size_t nrows, int nfeatures,
		int ntrees, int subsample, uint64_t seed, char *err,
		size_t errlen);
double iforest_score(const iforest *f, const double *row);
void iforest_explain(const iforest *f, const double *row, double *share);
void iforest_free(iforest *f);
json_t *iforest_to_json(const iforest *f);
int iforest_from_json(iforest *f, json_t *doc, int nfeatures, char *err,
		      size_t errlen);

#endif
