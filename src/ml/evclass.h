/* evclass.h - the supervised side of an anomaly model: where labels
 * exist, a linear classifier over the same encoded features as the
 * forest (liblinear's L2-regularised logistic regression with balanced
 * class weights), saying benign, suspicious or malicious with a
 * probability. Pure: no database. */
#ifndef SECURA_EVCLASS_H
#define SECURA_EVCLASS_H

#include <jansson.h>
#include <stddef.h>

#define EVCLASS_N 3 /* benign, suspicious, malicious */

extern const char *const evclass_names[EVCLASS_N + 1]; /* NULL last */

struct evclass {
	int nfeat;
	double *scale; /* nfeat: each feature's root mean square in training */
	double *w;     /* (nfeat + 1) x EVCLASS_N, the bias row last */
	int rows[EVCLASS_N]; /* training rows of each class; 0: never said */
	json_t *vocab; /* the categorical values it one-hot encodes (owned;
			  set by the caller of evclass_train) */
};

int evclass_of_label(const char *label);
int evclass_train(struct evclass *c, const double *x, const int *y, size_t n,
		  int nfeat, char *err, size_t errlen);
int evclass_predict(const struct evclass *c, const double *x, double *p);
json_t *evclass_to_json(const struct evclass *c);
int evclass_from_json(struct evclass *c, json_t *j, int nnum, int ncat,
		      char *err, size_t errlen);
void evclass_free(struct evclass *c);

#endif
