/* anomaly.h - anomaly models: rows read from a file format, an Isolation
 * Forest over their features, a threshold, a "never seen in training"
 * check, and the figures of an evaluation. Pure: no database. */
#ifndef SECURA_ANOMALY_H
#define SECURA_ANOMALY_H

#include "../core/arena.h"
#include "evclass.h"
#include "iforest.h"

#include <jansson.h>
#include <stddef.h>

/* The formats rows are read from. */
enum anomaly_format {
	ANOMALY_CSIC,	    /* CSIC 2010 requests as JSONL (http-access) */
	ANOMALY_HTTPPARAMS, /* HttpParams payloads as JSONL (http-access) */
	ANOMALY_NSLKDD,	    /* NSL-KDD connection records (network-flow) */
	ANOMALY_UNSW,	    /* UNSW-NB15 flows with a header (network-flow) */
	ANOMALY_ECS,	    /* ECS events as JSONL, any kind with features */
};

/* Rows: numeric columns (row-major), categorical columns (arena
 * strings), a label (0 normal, 1 anomalous, -1 unknown), a class for the
 * supervised classifier (evclass: 0 benign, 1 suspicious, 2 malicious,
 * -1 unknown) and a split (0 train, 1 test, 2 other). */
struct anomaly_rows {
	arena a;
	int nnum, ncat;
	const char **num_names, **cat_names;
	int log_scale; /* numeric columns are raw: log1p them */
	size_t n, cap;
	double *num;
	const char **cat;
	int *label, *cls, *split;
};

/* A trained model: the columns it reads, the categories it one-hot
 * encodes, the forest, the threshold and what it was trained on. */
struct anomaly_model {
	char *kind;
	int nnum, ncat, log_scale;
	char **num_names, **cat_names;
	json_t *vocab;	 /* [[values of categorical column 0], ...] */
	double *lo, *hi; /* each numeric feature's range in training */
	int nfeat;
	iforest forest;
	double threshold;	/* training's 95th percentile (contamination) */
	double alert_threshold; /* its 99.5th: a finding the alerts fold */
	struct evclass *cls; /* where labels existed: the classifier, or NULL */
	json_t *meta;	     /* format, data, rows, trained_at, metrics */
};

/* A column's part in a score (anomaly_score_why). */
struct anomaly_reason {
	const char *name; /* the model's column name (borrowed) */
	int column;	  /* numeric k, or nnum + categorical k */
	double share;	  /* 0 to 1 */
};

int anomaly_format_parse(const char *name, enum anomaly_format *f);
const char *anomaly_format_kind(enum anomaly_format f);
int anomaly_read(const char *path, enum anomaly_format f, const char *kind,
		 const char *label_field, struct anomaly_rows *r, char *err,
		 size_t errlen);
int anomaly_fits_kind(const struct anomaly_model *m, const char *kind);
void anomaly_rows_free(struct anomaly_rows *r);
int anomaly_train(struct anomaly_model *m, const struct anomaly_rows *r,
		  int split, int normal_only, int ntrees, int subsample,
		  unsigned long long seed, char *err, size_t errlen);
int anomaly_train_classes(struct anomaly_model *m, const struct anomaly_rows *r,
			  int split, char *err, size_t errlen);
int anomaly_copy_classes(struct anomaly_model *m,
			 const struct anomaly_model *from);
int anomaly_classify(const struct anomaly_model *m, const double *num,
		     const char *const *cat, double *p);
double anomaly_score(const struct anomaly_model *m, const double *num,
		     const char *const *cat, int *never_seen);
double anomaly_score_why(const struct anomaly_model *m, const double *num,
			 const char *const *cat, int *never_seen,
			 struct anomaly_reason *why, int k, int *nwhy);
json_t *anomaly_eval(const struct anomaly_model *m,
		     const struct anomaly_rows *r, int split);
int anomaly_save(const struct anomaly_model *m, const char *path, char *err,
		 size_t errlen);
int anomaly_load(struct anomaly_model *m, const char *path, char *err,
		 size_t errlen);
void anomaly_free(struct anomaly_model *m);
double anomaly_roc_auc(const double *score, const int *label, size_t n);
double anomaly_pr_auc(const double *score, const int *label, size_t n);

#endif
