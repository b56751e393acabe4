/* classifier.h - a linear text classifier: TF-IDF features, weights
 * trained by liblinear (L2-regularised L2-loss SVM, balanced class
 * weights), stored in Secura's own validated model file. */
#ifndef SECURA_CLASSIFIER_H
#define SECURA_CLASSIFIER_H

#include "tfidf.h"

#include <jansson.h>

struct classifier {
	char **labels; /* class names, sorted */
	int nlabels;
	struct tfidf tf;
	double *w;    /* (tf.n + 1) rows (last: bias) x nlabels columns */
	json_t *meta; /* training data, rows, date, metrics; owned */
};

int classifier_train(struct classifier *m, const struct tokens *docs,
		     const int *y, int n, char **labels, int nlabels, double C,
		     int balanced, char *err, size_t errlen);
int classifier_predict(const struct classifier *m, const struct tokens *doc,
		       arena *a);
int classifier_save(const struct classifier *m, const char *path, char *err,
		    size_t errlen);
int classifier_load(struct classifier *m, const char *path, char *err,
		    size_t errlen);
void classifier_free(struct classifier *m);
json_t *classifier_metrics(const int *truth, const int *pred, int n,
			   char **labels, int nlabels);

#endif
