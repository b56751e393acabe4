/* iforest.h - Isolation Forest (Liu, Ting and Zhou, 2008), the algorithm
 * scikit-learn's IsolationForest implements: each tree isolates a random
 * subsample by random splits; anomalies are isolated in few splits. */
#ifndef SECURA_IFOREST_H
#define SECURA_IFOREST_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/* One node, 16 bytes (a tree is walked a hundred times an event, so it
 * must stay in cache): an inner node splits on feature at value (< value:
 * its left child, always the next node; else right); a leaf (feature -1)
 * keeps in right the training rows that reached it and in value c(that),
 * the path length they would have added (computed at load, not saved). */
struct iforest_node {
	double value;
	int32_t feature;
	int32_t right; /* inner: the right child; leaf: its size */
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
double iforest_score_shares(const iforest *f, const double *row, double *share);
void iforest_free(iforest *f);
json_t *iforest_to_json(const iforest *f);
int iforest_from_json(iforest *f, json_t *doc, int nfeatures, char *err,
		      size_t errlen);

#endif
