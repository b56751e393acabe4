/* evclass.c - see evclass.h. Features are divided by their root mean
 * square over the training rows (not centred, so a one-hot zero stays a
 * zero and liblinear's rows stay sparse); the bias is a feature of value
 * 1. A class the training rows never had is never predicted. */
#include "evclass.h"

#include "../core/arena.h"
#include "classifier.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *const evclass_names[EVCLASS_N + 1] = {"benign", "suspicious",
						  "malicious", NULL};

/* Reconnaissance names datasets and generators give their labels: a
 * look around that did no harm by itself (NSL-KDD's probe family,
 * UNSW-NB15's Reconnaissance and Analysis, a port scan). */
static const char *const looking[] = {"scan",  "sweep",	   "probe",
				      "recon", "nmap",	   "satan",
				      "saint", "analysis", NULL};

/* Returns the class a label names: 0 benign ("benign", "normal",
 * "norm", "0", "false"), 1 suspicious ("suspicious" or reconnaissance),
 * 2 malicious (any other attack name); -1 for no label. */
int evclass_of_label(const char *label)
{
	if (!label || !*label)
		return -1;
	static const char *const benign[] = {"benign", "normal", "norm",
					     "0",      "false",	 NULL};
	for (int i = 0; benign[i]; i++)
		if (!strcasecmp(label, benign[i]))
			return 0;
	if (!strcasecmp(label, "suspicious"))
		return 1;
	char low[64];
	size_t n = 0;
	for (; label[n] && n + 1 < sizeof(low); n++)
		low[n] = (char)tolower((unsigned char)label[n]);
	low[n] = '\0';
	for (int i = 0; looking[i]; i++)
		if (strstr(low, looking[i]))
			return 1;
	return 2;
}

/* Trains c on n rows x[n * nfeat] of classes y (0..2, -1 unlabelled:
 * left out). Needs two classes with a row each. Returns 0, or -1 with a
 * reason in err (c is then empty). */
int evclass_train(struct evclass *c, const double *x, const int *y, size_t n,
		  int nfeat, char *err, size_t errlen)
{
	memset(c, 0, sizeof(*c));
	size_t used = 0;
	for (size_t i = 0; i < n; i++)
		if (y[i] >= 0 && y[i] < EVCLASS_N) {
			c->rows[y[i]]++;
			used++;
		}
	int classes = (c->rows[0] > 0) + (c->rows[1] > 0) + (c->rows[2] > 0);
	if (classes < 2 || used > 0x7fffffff) {
		snprintf(err, errlen,
			 "the labelled rows hold %d class%s: a classifier "
			 "needs two",
			 classes, classes == 1 ? "" : "es");
		memset(c, 0, sizeof(*c));
		return -1;
	}
	c->nfeat = nfeat;
	c->scale = xcalloc((size_t)nfeat + 1, sizeof(double));
	for (size_t i = 0; i < n; i++)
		for (int k = 0; y[i] >= 0 && k < nfeat; k++)
			c->scale[k] += x[i * (size_t)nfeat + (size_t)k] *
				       x[i * (size_t)nfeat + (size_t)k];
	for (int k = 0; k < nfeat; k++)
		c->scale[k] =
		    c->scale[k] > 0 ? sqrt(c->scale[k] / (double)used) : 1;
	arena a;
	arena_init(&a);
	struct problem prob = {(int)used, nfeat + 1, NULL, NULL, 1.0};
	prob.y = arena_alloc(&a, used * sizeof(double));
	prob.x = arena_alloc(&a, used * sizeof(*prob.x));
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		if (y[i] < 0 || y[i] >= EVCLASS_N)
			continue;
		const double *row = x + i * (size_t)nfeat;
		int nz = 0;
		for (int k = 0; k < nfeat; k++)
			nz += row[k] != 0;
		struct feature_node *f =
		    arena_alloc(&a, (size_t)(nz + 2) * sizeof(*f));
		prob.x[o] = f;
		for (int k = 0; k < nfeat; k++)
			if (row[k] != 0)
				*f++ = (struct feature_node){
				    k + 1, row[k] / c->scale[k]};
		*f++ = (struct feature_node){nfeat + 1, 1.0}; /* the bias */
		*f = (struct feature_node){-1, 0};
		prob.y[o++] = y[i] + 1;
	}
	struct classifier_params cp = {.C = 1, .balanced = 1, .lr = 1};
	c->w = classifier_fit(&prob, EVCLASS_N, &cp, err, errlen);
	arena_free(&a);
	if (!c->w) {
		evclass_free(c);
		return -1;
	}
	return 0;
}

/* Sets p[0..EVCLASS_N) to each class's probability for the encoded row
 * x (c->nfeat values; 0 for a class never trained on). Returns the most
 * probable class. */
int evclass_predict(const struct evclass *c, const double *x, double *p)
{
	double top = -INFINITY;
	int arg = 0;
	for (int k = 0; k < EVCLASS_N; k++) {
		double s = c->w[(size_t)c->nfeat * EVCLASS_N + (size_t)k];
		for (int j = 0; j < c->nfeat; j++)
			if (x[j] != 0)
				s += c->w[(size_t)j * EVCLASS_N + (size_t)k] *
				     x[j] / c->scale[j];
		p[k] = s;
		if (c->rows[k] && s > top) {
			top = s;
			arg = k;
		}
	}
	for (int k = 0; k < EVCLASS_N; k++)
		if (!c->rows[k])
			p[k] = -INFINITY; /* logistic 0, softmax 0 */
	classifier_normalise(p, EVCLASS_N, 1, top);
	return arg;
}

/* Returns c as a new JSON object {"classes", "rows", "vocabulary",
 * "scale", "w"}. */
json_t *evclass_to_json(const struct evclass *c)
{
	json_t *classes = json_array(), *rows = json_array(),
	       *scale = json_array(), *w = json_array();
	for (int k = 0; k < EVCLASS_N; k++) {
		json_array_append_new(classes, json_string(evclass_names[k]));
		json_array_append_new(rows, json_integer(c->rows[k]));
	}
	for (int k = 0; k < c->nfeat; k++)
		json_array_append_new(scale, json_real(c->scale[k]));
	size_t cells = ((size_t)c->nfeat + 1) * EVCLASS_N;
	for (size_t i = 0; i < cells; i++)
		json_array_append_new(w, json_real(c->w[i]));
	return json_pack("{so so sO so so}", "classes", classes, "rows", rows,
			 "vocabulary", c->vocab ? c->vocab : json_null(),
			 "scale", scale, "w", w);
}

/* Reads c from j (evclass_to_json's shape) for rows of nnum numeric and
 * ncat categorical columns, checking every part. Returns 0, or -1 with a
 * reason in err (c empty). */
int evclass_from_json(struct evclass *c, json_t *j, int nnum, int ncat,
		      char *err, size_t errlen)
{
	memset(c, 0, sizeof(*c));
	json_t *rows = json_object_get(j, "rows"),
	       *scale = json_object_get(j, "scale"),
	       *w = json_object_get(j, "w"),
	       *vocab = json_object_get(j, "vocabulary"), *vals;
	size_t i, nfeat = (size_t)nnum;
	if (!json_is_array(vocab) || json_array_size(vocab) != (size_t)ncat)
		goto bad;
	json_array_foreach(vocab, i, vals)
	{
		size_t k;
		json_t *v;
		if (!json_is_array(vals) || json_array_size(vals) > 100000)
			goto bad;
		json_array_foreach(vals, k, v) if (!json_is_string(v)) goto bad;
		nfeat += json_array_size(vals);
	}
	c->vocab = json_incref(vocab);
	size_t cells = (nfeat + 1) * EVCLASS_N;
	if (json_array_size(rows) != EVCLASS_N ||
	    json_array_size(scale) != (size_t)nfeat ||
	    json_array_size(w) != cells)
		goto bad;
	c->nfeat = (int)nfeat;
	c->scale = xcalloc(nfeat + 1, sizeof(double));
	c->w = xcalloc(cells, sizeof(double));
	for (int k = 0; k < EVCLASS_N; k++) {
		json_t *v = json_array_get(rows, (size_t)k);
		if (!json_is_integer(v) || json_integer_value(v) < 0)
			goto bad;
		c->rows[k] = (int)json_integer_value(v);
	}
	for (int k = 0; k < c->nfeat; k++) {
		json_t *v = json_array_get(scale, (size_t)k);
		c->scale[k] = json_number_value(v);
		if (!json_is_number(v) || !(c->scale[k] > 0) ||
		    !isfinite(c->scale[k]))
			goto bad;
	}
	for (i = 0; i < cells; i++) {
		json_t *v = json_array_get(w, i);
		c->w[i] = json_number_value(v);
		if (!json_is_number(v) || !isfinite(c->w[i]))
			goto bad;
	}
	return 0;
bad:
	snprintf(err, errlen, "its classifier is malformed");
	evclass_free(c);
	return -1;
}

/* Frees c's arrays; c is empty afterwards. */
void evclass_free(struct evclass *c)
{
	json_decref(c->vocab);
	free(c->scale);
	free(c->w);
	memset(c, 0, sizeof(*c));
}
