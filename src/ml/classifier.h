/* classifier.h - a linear text classifier: TF-IDF features, weights
 * trained by liblinear (L2-regularised logistic regression, which gives
 * probabilities, or L2-loss linear SVM; balanced class weights as an
 * option), stored in Secura's own validated model file. */
#ifndef SECURA_CLASSIFIER_H
#define SECURA_CLASSIFIER_H

#include "tfidf.h"

#include <jansson.h>

struct classifier {
	char **labels; /* class names, sorted */
	int nlabels;
	struct tfidf tf;
	double *w;    /* (tf.n + 1) rows (last: bias) x nlabels columns */
	int lr;	      /* 1: logistic regression, 0: linear SVM */
	json_t *meta; /* training data, rows, date, metrics; owned */
};

struct classifier_params {
	double C;     /* cost, default 1 */
	int balanced; /* weigh classes inversely to their size */
	int lr;	      /* logistic regression instead of the SVM */
	int chars;    /* character n-grams up to this (0: words only) */
};

/* One term's push towards a class: tf-idf value x weight. */
struct classifier_term {
	const char *term;
	double weight;
};

int classifier_train(struct classifier *m, const struct tokens *docs,
		     const int *y, int n, char **labels, int nlabels,
		     const struct classifier_params *p, char *err,
		     size_t errlen);
double *classifier_fit(const struct problem *prob, int nlabels,
		       const struct classifier_params *cp, char *err,
		       size_t errlen);
void classifier_normalise(double *s, int n, int lr, double top);
int classifier_predict(const struct classifier *m, const struct tokens *doc,
		       arena *a);
int classifier_scores(const struct classifier *m, const struct tokens *doc,
		      arena *a, double *prob, struct feature_node **x);
int classifier_explain(const struct classifier *m, const struct feature_node *x,
		       int k, struct classifier_term *top, int ntop);
int classifier_save(const struct classifier *m, const char *path, char *err,
		    size_t errlen);
int classifier_load(struct classifier *m, const char *path, char *err,
		    size_t errlen);
void classifier_free(struct classifier *m);
json_t *classifier_metrics(const int *truth, const int *pred, int n,
			   char **labels, int nlabels);

#endif
