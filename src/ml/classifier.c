/* classifier.c - training, prediction, the model file and metrics.
 *
 * liblinear trains; its weights are then copied into one matrix with a
 * column per class (binary models get the negated column for the second
 * class), so prediction is an argmax of dot products done here and the
 * model file never goes through liblinear's parser. Probabilities are
 * liblinear's for logistic regression (one-vs-rest logistic values
 * normalised to sum 1); for the SVM they are a softmax of the decision
 * values, a ranking rather than a calibrated probability. The file is
 * JSON: {"format": "secura-model", "version": 1, "solver", "labels",
 * "terms", "idf", "w", "meta"}; loading checks every part and refuses
 * anything else. */
#include "classifier.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MODEL_FORMAT  "secura-model"
#define MODEL_VERSION 1

/* liblinear prints progress to stdout by default: keep it quiet. */
static void quiet(const char *s)
{
	(void)s;
}

/* Trains liblinear on prob (classes 1..nlabels in prob->y, the bias
 * as its last feature) with cp's solver, cost and class weights, and
 * returns the weights as a new matrix (prob->n rows, the bias last, x
 * nlabels columns; a class without rows gets zeros) the caller frees;
 * binary models get the negated column for the second class. NULL with
 * a reason in err. */
double *classifier_fit(const struct problem *prob, int nlabels,
		       const struct classifier_params *cp, char *err,
		       size_t errlen)
{
	int *count = xcalloc((size_t)nlabels, sizeof(int));
	for (int i = 0; i < prob->l; i++)
		count[(int)prob->y[i] - 1]++;
	/* Balanced class weights: n / (classes * rows of the class). */
	int *wl = xcalloc((size_t)nlabels, sizeof(int));
	double *wv = xcalloc((size_t)nlabels, sizeof(double));
	int present = 0;
	for (int k = 0; k < nlabels; k++)
		present += count[k] > 0;
	int nw = 0; /* weights for the classes the rows have (liblinear
		       warns on stderr about any other) */
	for (int k = 0; k < nlabels; k++)
		if (count[k]) {
			wl[nw] = k + 1;
			wv[nw++] = cp->balanced
				       ? (double)prob->l / (present * count[k])
				       : 1.0;
		}
	struct parameter p = {cp->lr ? L2R_LR : L2R_L2LOSS_SVC_DUAL,
			      cp->lr ? 0.01 : 0.1,
			      cp->C > 0 ? cp->C : 1.0,
			      nw,
			      wl,
			      wv,
			      0.1,
			      NULL};
	double *w = NULL;
	const char *bad = check_parameter(prob, &p);
	if (bad) {
		snprintf(err, errlen, "liblinear: %s", bad);
		goto done;
	}
	set_print_string_function(quiet);
	struct model *lm = train(prob, &p);
	int nr_w = lm->nr_class == 2 ? 1 : lm->nr_class;
	size_t rows = (size_t)prob->n;
	w = xcalloc(rows * (size_t)nlabels, sizeof(double));
	for (size_t j = 0; j < rows; j++)
		for (int k = 0; k < lm->nr_class; k++) {
			int col = lm->label[k] - 1;
			double v = nr_w == 1 ? (k == 0 ? 1 : -1) * lm->w[j]
					     : lm->w[j * (size_t)nr_w + k];
			w[j * (size_t)nlabels + col] = v;
		}
	free_and_destroy_model(&lm);
done:
	free(count);
	free(wl);
	free(wv);
	return w;
}

/* Trains on n documents with class indexes y (0..nlabels-1); labels are
 * copied. Returns 0, or -1 with a message in err. */
int classifier_train(struct classifier *m, const struct tokens *docs,
		     const int *y, int n, char **labels, int nlabels,
		     const struct classifier_params *cp, char *err,
		     size_t errlen)
{
	memset(m, 0, sizeof(*m));
	if (n < 2 || nlabels < 2) {
		snprintf(err, errlen, "need at least 2 rows and 2 classes");
		return -1;
	}
	if (tfidf_fit(&m->tf, docs, n, 2, cp->chars) != 0) {
		snprintf(err, errlen, "no term occurs in 2 or more rows");
		return -1;
	}
	arena a;
	arena_init(&a);
	struct problem prob = {n, m->tf.n + 1, NULL, NULL, 1.0};
	prob.y = arena_alloc(&a, (size_t)n * sizeof(double));
	prob.x = arena_alloc(&a, (size_t)n * sizeof(*prob.x));
	for (int i = 0; i < n; i++) {
		prob.y[i] = y[i] + 1;
		prob.x[i] = tfidf_vector(&m->tf, &docs[i], &a);
	}
	m->w = classifier_fit(&prob, nlabels, cp, err, errlen);
	arena_free(&a);
	if (!m->w) {
		tfidf_free(&m->tf);
		return -1;
	}
	m->nlabels = nlabels;
	m->lr = cp->lr;
	m->labels = xcalloc((size_t)nlabels, sizeof(*m->labels));
	for (int k = 0; k < nlabels; k++)
		m->labels[k] = xstrdup(labels[k]);
	m->meta = json_object();
	return 0;
}

/* Turns the decision values s[0..n) (top: the largest) into
 * probabilities in place: one-vs-rest logistic values normalised to sum
 * 1 (lr), else a softmax. */
void classifier_normalise(double *s, int n, int lr, double top)
{
	double sum = 0;
	for (int k = 0; k < n; k++) {
		s[k] = lr ? 1 / (1 + exp(-s[k])) : exp(s[k] - top);
		sum += s[k];
	}
	for (int k = 0; k < n; k++)
		s[k] = sum > 0 ? s[k] / sum : 0;
}

/* Returns the index of the predicted class for doc. */
int classifier_predict(const struct classifier *m, const struct tokens *doc,
		       arena *a)
{
	double *prob = arena_alloc(a, (size_t)m->nlabels * sizeof(double));
	return classifier_scores(m, doc, a, prob, NULL);
}

/* Computes each class's probability into prob[nlabels] and, when x is
 * not NULL, hands back the document's feature vector (arena). Returns the
 * index of the most probable class. */
int classifier_scores(const struct classifier *m, const struct tokens *doc,
		      arena *a, double *prob, struct feature_node **x)
{
	struct feature_node *v = tfidf_vector(&m->tf, doc, a);
	double top = -INFINITY;
	int arg = 0;
	for (int k = 0; k < m->nlabels; k++) {
		double s = 0;
		for (struct feature_node *f = v; f->index > 0; f++)
			s += m->w[(size_t)(f->index - 1) * m->nlabels + k] *
			     f->value;
		prob[k] = s;
		if (s > top)
			top = s, arg = k;
	}
	classifier_normalise(prob, m->nlabels, m->lr, top);
	if (x)
		*x = v;
	return arg;
}

/* qsort order: largest weight first. */
static int by_weight(const void *a, const void *b)
{
	double x = ((const struct classifier_term *)a)->weight,
	       y = ((const struct classifier_term *)b)->weight;
	return (x < y) - (x > y);
}

/* Fills top[0..ntop) with the terms of x that pushed hardest towards
 * class k (positive pushes only, largest first; terms point into the
 * model). Returns how many were filled. */
int classifier_explain(const struct classifier *m, const struct feature_node *x,
		       int k, struct classifier_term *top, int ntop)
{
	int n = 0;
	for (const struct feature_node *f = x; f->index > 0; f++) {
		if (f->index > m->tf.n) /* the bias */
			continue;
		double w =
		    f->value * m->w[(size_t)(f->index - 1) * m->nlabels + k];
		if (w <= 0)
			continue;
		if (n == ntop) {
			if (w <= top[n - 1].weight)
				continue;
			n--;
		}
		top[n].term = m->tf.terms[f->index - 1];
		top[n++].weight = w;
		qsort(top, (size_t)n, sizeof(*top), by_weight);
	}
	return n;
}

/* Writes the model file (atomically: temp file, rename). 0 or -1. */
int classifier_save(const struct classifier *m, const char *path, char *err,
		    size_t errlen)
{
	json_t *labels = json_array(), *terms = json_array(),
	       *idf = json_array(), *w = json_array();
	for (int k = 0; k < m->nlabels; k++)
		json_array_append_new(labels, json_string(m->labels[k]));
	for (int i = 0; i < m->tf.n; i++) {
		json_array_append_new(terms, json_string(m->tf.terms[i]));
		json_array_append_new(idf, json_real(m->tf.idf[i]));
	}
	size_t cells = ((size_t)m->tf.n + 1) * (size_t)m->nlabels;
	for (size_t i = 0; i < cells; i++)
		json_array_append_new(w, json_real(m->w[i]));
	json_t *doc = json_pack(
	    "{ss si ss si so so so so sO}", "format", MODEL_FORMAT, "version",
	    MODEL_VERSION, "solver", m->lr ? "lr" : "svm", "char_ngrams",
	    m->tf.chars, "labels", labels, "terms", terms, "idf", idf, "w", w,
	    "meta", m->meta ? m->meta : json_null());
	char tmp[4200];
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	int rc = json_dump_file(doc, tmp,
				JSON_COMPACT | JSON_REAL_PRECISION(7)) == 0 &&
			 rename(tmp, path) == 0
		     ? 0
		     : -1;
	json_decref(doc);
	if (rc)
		snprintf(err, errlen, "cannot write %s", path);
	return rc;
}

/* Returns 1 when every element of arr is a finite number. */
static int all_numbers(json_t *arr)
{
	size_t i;
	json_t *v;
	json_array_foreach(arr, i,
			   v) if (!json_is_number(v) ||
				  !isfinite(json_number_value(v))) return 0;
	return 1;
}

/* Reads and checks a model file. Returns 0, or -1 with the reason in err
 * (not a model, another version, inconsistent sizes...); m is then empty. */
int classifier_load(struct classifier *m, const char *path, char *err,
		    size_t errlen)
{
	json_error_t je;
	memset(m, 0, sizeof(*m));
	json_t *doc = json_load_file(path, 0, &je);
	const char *why = NULL;
	json_t *labels = json_object_get(doc, "labels"),
	       *terms = json_object_get(doc, "terms"),
	       *idf = json_object_get(doc, "idf"),
	       *w = json_object_get(doc, "w");
	size_t nl = json_array_size(labels), nt = json_array_size(terms);
	if (!doc)
		why = "not a JSON file";
	else if (!json_is_string(json_object_get(doc, "format")) ||
		 strcmp(json_string_value(json_object_get(doc, "format")),
			MODEL_FORMAT))
		why = "not a Secura model";
	else if (json_integer_value(json_object_get(doc, "version")) !=
		 MODEL_VERSION)
		why = "a model of another version";
	else if (json_object_get(doc, "solver") &&
		 !json_is_string(json_object_get(doc, "solver")))
		why = "solver is not a string";
	else if (json_integer_value(json_object_get(doc, "char_ngrams")) < 0 ||
		 json_integer_value(json_object_get(doc, "char_ngrams")) > 8)
		why = "char_ngrams out of range";
	else if (nl < 2 || !json_is_array(terms) || nt == 0 || nt > 10000000)
		why = "labels or terms missing";
	else if (json_array_size(idf) != nt || !all_numbers(idf))
		why = "idf does not match the terms";
	else if (json_array_size(w) != (nt + 1) * nl || !all_numbers(w))
		why = "weights do not match terms and labels";
	for (size_t i = 0; !why && i < nl; i++)
		if (!json_is_string(json_array_get(labels, i)))
			why = "a label is not a string";
	for (size_t i = 0; !why && i < nt; i++) {
		const char *t = json_string_value(json_array_get(terms, i));
		const char *prev =
		    i ? json_string_value(json_array_get(terms, i - 1)) : NULL;
		if (!t || (prev && strcmp(prev, t) >= 0))
			why = "terms are not sorted and unique";
	}
	if (why) {
		snprintf(err, errlen, "%s: %s", path, why);
		json_decref(doc);
		return -1;
	}
	m->nlabels = (int)nl;
	const char *solver = json_string_value(json_object_get(doc, "solver"));
	m->lr = solver && !strcmp(solver, "lr");
	m->tf.chars =
	    (int)json_integer_value(json_object_get(doc, "char_ngrams"));
	m->labels = xcalloc(nl, sizeof(*m->labels));
	for (size_t k = 0; k < nl; k++)
		m->labels[k] =
		    xstrdup(json_string_value(json_array_get(labels, k)));
	m->tf.n = (int)nt;
	m->tf.terms = xmalloc(nt * sizeof(*m->tf.terms));
	m->tf.idf = xmalloc(nt * sizeof(double));
	for (size_t i = 0; i < nt; i++) {
		m->tf.terms[i] =
		    xstrdup(json_string_value(json_array_get(terms, i)));
		m->tf.idf[i] = json_number_value(json_array_get(idf, i));
	}
	m->w = xmalloc(json_array_size(w) * sizeof(double));
	for (size_t i = 0; i < json_array_size(w); i++)
		m->w[i] = json_number_value(json_array_get(w, i));
	m->meta = json_incref(json_object_get(doc, "meta"));
	json_decref(doc);
	return 0;
}

/* Releases everything the model owns. */
void classifier_free(struct classifier *m)
{
	for (int k = 0; k < m->nlabels; k++)
		free(m->labels[k]);
	free(m->labels);
	free(m->w);
	tfidf_free(&m->tf);
	json_decref(m->meta);
	memset(m, 0, sizeof(*m));
}

/* Returns accuracy, macro-F1 (over the classes in the truth or the
 * predictions, as scikit-learn does), per-class precision/recall/F1/
 * support and the confusion matrix (rows: truth, columns: prediction) as a new
 * JSON object. */
json_t *classifier_metrics(const int *truth, const int *pred, int n,
			   char **labels, int nlabels)
{
	int *cm = xcalloc((size_t)nlabels * (size_t)nlabels, sizeof(int));
	int correct = 0;
	for (int i = 0; i < n; i++) {
		cm[truth[i] * nlabels + pred[i]]++;
		correct += truth[i] == pred[i];
	}
	json_t *classes = json_array(), *matrix = json_array();
	double f1sum = 0;
	int present = 0;
	for (int k = 0; k < nlabels; k++) {
		int tp = cm[k * nlabels + k], col = 0, row = 0;
		json_t *r = json_array();
		for (int j = 0; j < nlabels; j++) {
			col += cm[j * nlabels + k];
			row += cm[k * nlabels + j];
			json_array_append_new(
			    r, json_integer(cm[k * nlabels + j]));
		}
		json_array_append_new(matrix, r);
		double p = col ? (double)tp / col : 0,
		       rc = row ? (double)tp / row : 0;
		double f1 = p + rc > 0 ? 2 * p * rc / (p + rc) : 0;
		if (row || col) /* like scikit-learn: classes seen or said */
			f1sum += f1, present++;
		json_array_append_new(
		    classes, json_pack("{ss sf sf sf si}", "label", labels[k],
				       "precision", p, "recall", rc, "f1", f1,
				       "support", row));
	}
	free(cm);
	return json_pack("{sf sf si so so}", "accuracy",
			 n ? (double)correct / n : 0, "macro_f1",
			 present ? f1sum / present : 0, "rows", n, "classes",
			 classes, "confusion", matrix);
}
