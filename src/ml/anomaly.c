/* anomaly.c - see anomaly.h. A model's features are its numeric columns
 * (log1p-scaled for raw flow counts) followed by a one-hot column for
 * each category value seen in training. A value the training rows never
 * had - a category, or any value of a column that never varied in
 * training (the forest cannot split on it) - is "never seen": reported
 * beside the score, since the forest alone would miss it. The threshold
 * is the 95th percentile of the training rows' scores (scikit-learn's
 * contamination 0.05). */
#include "anomaly.h"

#include "../core/buf.h"
#include "../core/clock.h"
#include "classifier.h"
#include "evfeat.h"
#include "httpfeat.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CONTAMINATION 0.05
#define ALERT_SHARE   0.005 /* of normal training rows over the alert bar */

static const struct {
	const char *name, *kind;
	enum anomaly_format f;
} formats[] = {
    {"csic", "http-access", ANOMALY_CSIC},
    {"httpparams", "http-access", ANOMALY_HTTPPARAMS},
    {"nsl-kdd", "network-flow", ANOMALY_NSLKDD},
    {"unsw", "network-flow", ANOMALY_UNSW},
    {"ecs", NULL, ANOMALY_ECS},
};

/* Sets *f from a format's name. Returns 0, or -1 when unknown. */
int anomaly_format_parse(const char *name, enum anomaly_format *f)
{
	for (size_t i = 0; i < sizeof(formats) / sizeof(*formats); i++)
		if (!strcmp(formats[i].name, name)) {
			*f = formats[i].f;
			return 0;
		}
	return -1;
}

/* Returns the event kind a format's rows are ("http-access", ...), or
 * NULL for ECS events (any kind). */
const char *anomaly_format_kind(enum anomaly_format f)
{
	for (size_t i = 0; i < sizeof(formats) / sizeof(*formats); i++)
		if (formats[i].f == f)
			return formats[i].kind;
	return NULL;
}

/* Makes room for one more row; returns its index, or -1. */
static long add_row(struct anomaly_rows *r)
{
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 4096;
		double *num =
		    realloc(r->num, cap * (size_t)r->nnum * sizeof(double));
		if (num)
			r->num = num;
		const char **cat = r->ncat
				       ? realloc(r->cat, cap * (size_t)r->ncat *
							     sizeof(char *))
				       : r->cat;
		if (cat)
			r->cat = cat;
		int *label = realloc(r->label, cap * sizeof(int));
		if (label)
			r->label = label;
		int *cls = realloc(r->cls, cap * sizeof(int));
		if (cls)
			r->cls = cls;
		int *split = realloc(r->split, cap * sizeof(int));
		if (split)
			r->split = split;
		if (!num || (r->ncat && !cat) || !label || !cls || !split)
			return -1;
		r->cap = cap;
	}
	return (long)r->n++;
}

/* Frees rows; r is empty afterwards. */
void anomaly_rows_free(struct anomaly_rows *r)
{
	free(r->num);
	free(r->cat);
	free(r->label);
	free(r->cls);
	free(r->split);
	arena_free(&r->a);
	memset(r, 0, sizeof(*r));
}

/* Returns the split a name stands for: train 0, test 1, else 2. */
static int split_of(const char *s)
{
	return !s ? 2 : !strcmp(s, "train") ? 0 : !strcmp(s, "test") ? 1 : 2;
}

/* Adds one HTTP request's features (method, target "path?query", body)
 * as a row of a label, class and split; one_value reads the query as one
 * parameter's value. */
static int add_request(struct anomaly_rows *r, const char *method,
		       const char *target, const char *body, int one_value,
		       int label, int cls, int split)
{
	long i = add_row(r);
	if (i < 0)
		return -1;
	const char *q = one_value ? NULL : strchr(target, '?');
	struct http_req req = {
	    .method = method,
	    .path = one_value ? "/" : target,
	    .path_len = one_value ? 1
			: q	  ? (size_t)(q - target)
				  : strlen(target),
	    .query = one_value ? target
		     : q       ? q + 1
			       : "",
	    .query_len = one_value ? strlen(target)
			 : q	   ? strlen(q + 1)
				   : 0,
	    .body = body ? body : "",
	    .body_len = body ? strlen(body) : 0,
	    .one_value = one_value,
	};
	httpfeat_compute(&req, r->num + (size_t)i * (size_t)r->nnum);
	r->cat[(size_t)i] = arena_strdup(&r->a, method);
	r->label[i] = label;
	r->cls[i] = cls;
	r->split[i] = split;
	return 0;
}

/* Returns the request target of a URL: what follows scheme and host. */
static const char *url_target(const char *url)
{
	const char *p = strstr(url, "://");
	if (!p)
		return url;
	p = strchr(p + 3, '/');
	return p ? p : "/";
}

/* Reads one JSON line of the http formats into r. */
static int read_http_line(struct anomaly_rows *r, enum anomaly_format f,
			  json_t *j)
{
	json_t *lab = json_object_get(j, "label");
	int label =
	    json_is_integer(lab) ? (int)json_integer_value(lab) != 0 : -1;
	const char *split = json_string_value(json_object_get(j, "split")),
		   *type = json_string_value(json_object_get(j, "attack_type"));
	int cls = type ? evclass_of_label(type) : label < 0 ? -1 : 2 * label;
	if (f == ANOMALY_HTTPPARAMS) {
		const char *p =
		    json_string_value(json_object_get(j, "payload"));
		return p ? add_request(r, "GET", p, NULL, 1, label, cls,
				       split_of(split))
			 : -1;
	}
	const char *m = json_string_value(json_object_get(j, "method")),
		   *u = json_string_value(json_object_get(j, "url")),
		   *b = json_string_value(json_object_get(j, "body"));
	return m && u ? add_request(r, m, url_target(u), b, 0, label, cls,
				    split ? split_of(split) : 0)
		      : -1;
}

/* Returns the class (evclass_of_label) an ECS event's label_field
 * says: a name, a boolean or a number (0 or false benign, else
 * malicious); -1 when absent. */
static int ecs_class(json_t *doc, const char *label_field)
{
	json_t *v = evfeat_member(doc, label_field);
	if (json_is_string(v))
		return evclass_of_label(json_string_value(v));
	if (json_is_boolean(v))
		return json_is_true(v) ? 2 : 0;
	if (json_is_number(v))
		return json_number_value(v) != 0 ? 2 : 0;
	return -1;
}

/* Adds one ECS event of kind (its features fed through st's windows, so
 * the file is read in its order) to r; events of other kinds (by their
 * category, when they name one) are skipped. Returns 0, 1 to skip it, -1
 * out of memory. */
static int add_ecs(struct anomaly_rows *r, evfeat_state *st, const char *kind,
		   const char *label_field, json_t *doc)
{
	int64_t ts = 0;
	json_t *t = evfeat_member(doc, "@timestamp");
	const char *is = json_is_object(doc) ? evfeat_kind_of(doc) : "";
	if (!json_is_object(doc) ||
	    (strcmp(is, "generic") && strcmp(is, kind)) ||
	    clock_event_ms(json_is_string(t) ? json_string_value(t) : NULL,
			   json_is_number(t) ? json_number_value(t) : NAN,
			   &ts) != 0)
		return 1;
	long i = add_row(r);
	if (i < 0)
		return -1;
	const char *cat[EVFEAT_MAX_CAT];
	double num[EVFEAT_MAX_NUM];
	evfeat_compute(st, kind, doc, ts, num, cat);
	memcpy(r->num + (size_t)i * (size_t)r->nnum, num,
	       sizeof(double) * (size_t)r->nnum);
	for (int k = 0; k < r->ncat; k++)
		r->cat[(size_t)i * (size_t)r->ncat + (size_t)k] =
		    arena_strdup(&r->a, cat[k]);
	r->cls[i] = ecs_class(doc, label_field);
	r->label[i] = r->cls[i] < 0 ? -1 : r->cls[i] > 0;
	r->split[i] =
	    split_of(json_string_value(evfeat_member(doc, "labels.split")));
	return 0;
}

/* Splits a CSV line without quoting into at most max fields (in place).
 * Returns the number of fields. */
static int split_csv(char *line, char **f, int max)
{
	int n = 0;
	char *p = line;
	line[strcspn(line, "\r\n")] = '\0';
	while (n < max) {
		f[n++] = p;
		p = strchr(p, ',');
		if (!p)
			break;
		*p++ = '\0';
	}
	return n;
}

/* NSL-KDD: 41 features (3 symbolic), the label, the difficulty. */
static const char *const kdd_names[41] = {"duration",
					  "protocol_type",
					  "service",
					  "flag",
					  "src_bytes",
					  "dst_bytes",
					  "land",
					  "wrong_fragment",
					  "urgent",
					  "hot",
					  "num_failed_logins",
					  "logged_in",
					  "num_compromised",
					  "root_shell",
					  "su_attempted",
					  "num_root",
					  "num_file_creations",
					  "num_shells",
					  "num_access_files",
					  "num_outbound_cmds",
					  "is_host_login",
					  "is_guest_login",
					  "count",
					  "srv_count",
					  "serror_rate",
					  "srv_serror_rate",
					  "rerror_rate",
					  "srv_rerror_rate",
					  "same_srv_rate",
					  "diff_srv_rate",
					  "srv_diff_host_rate",
					  "dst_host_count",
					  "dst_host_srv_count",
					  "dst_host_same_srv_rate",
					  "dst_host_diff_srv_rate",
					  "dst_host_same_src_port_rate",
					  "dst_host_srv_diff_host_rate",
					  "dst_host_serror_rate",
					  "dst_host_srv_serror_rate",
					  "dst_host_rerror_rate",
					  "dst_host_srv_rerror_rate"};

/* Sets up r's columns for format f (from the CSV header for UNSW). */
static int columns(struct anomaly_rows *r, enum anomaly_format f,
		   const char *kind, char **head, int nhead)
{
	if (f == ANOMALY_ECS) {
		struct evfeat_columns cols;
		if (!kind || evfeat_columns(kind, &cols) != 0)
			return -1;
		r->nnum = cols.nnum;
		r->ncat = cols.ncat;
		r->num_names =
		    arena_alloc(&r->a, sizeof(char *) * EVFEAT_MAX_NUM);
		r->cat_names =
		    arena_alloc(&r->a, sizeof(char *) * EVFEAT_MAX_CAT);
		memcpy(r->num_names, cols.num_names, sizeof(cols.num_names));
		memcpy(r->cat_names, cols.cat_names, sizeof(cols.cat_names));
		return 0;
	}
	if (f == ANOMALY_CSIC || f == ANOMALY_HTTPPARAMS) {
		r->nnum = httpfeat_count();
		r->num_names =
		    arena_alloc(&r->a, sizeof(char *) * (size_t)r->nnum);
		for (int k = 0; k < r->nnum; k++)
			r->num_names[k] = httpfeat_name(k);
		r->ncat = 1;
		r->cat_names = arena_alloc(&r->a, sizeof(char *));
		r->cat_names[0] = "method";
		return 0;
	}
	r->log_scale = 1;
	r->num_names = arena_alloc(&r->a, sizeof(char *) * 64);
	r->cat_names = arena_alloc(&r->a, sizeof(char *) * 4);
	if (f == ANOMALY_NSLKDD) {
		for (int k = 0; k < 41; k++)
			if (k >= 1 && k <= 3)
				r->cat_names[r->ncat++] = kdd_names[k];
			else
				r->num_names[r->nnum++] = kdd_names[k];
		return 0;
	}
	static const char *const skip[] = {"id", "attack_cat", "label", "split",
					   NULL};
	for (int k = 0; k < nhead; k++) {
		int drop = 0;
		for (int s = 0; skip[s]; s++)
			drop |= !strcmp(head[k], skip[s]);
		if (drop)
			continue;
		const char *name = arena_strdup(&r->a, head[k]);
		if (!strcmp(name, "proto") || !strcmp(name, "service") ||
		    !strcmp(name, "state")) {
			if (r->ncat < 4)
				r->cat_names[r->ncat++] = name;
		} else if (r->nnum < 64) {
			r->num_names[r->nnum++] = name;
		}
	}
	return r->nnum > 0 ? 0 : -1;
}

/* Returns the index of name among n names, or -1. */
static int index_of(char **names, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(names[i], name))
			return i;
	return -1;
}

/* Adds one CSV record of the flow formats (fields f[0..nf), head for
 * UNSW) to r. Returns 0, 1 to skip it (malformed), -1 out of memory. */
static int add_flow(struct anomaly_rows *r, enum anomaly_format fmt, char **f,
		    int nf, char **head, int nhead)
{
	int label, cls, split = 2;
	if (fmt == ANOMALY_NSLKDD) {
		if (nf < 42)
			return 1;
		label = strcmp(f[41], "normal") != 0;
		cls = evclass_of_label(f[41]);
	} else {
		int li = index_of(head, nhead, "label"),
		    si = index_of(head, nhead, "split"),
		    ci = index_of(head, nhead, "attack_cat");
		if (nf != nhead || li < 0)
			return 1;
		label = strcmp(f[li], "0") != 0;
		cls = !label ? 0 : ci >= 0 ? evclass_of_label(f[ci]) : 2;
		if (si >= 0)
			split = split_of(f[si]);
	}
	long i = add_row(r);
	if (i < 0)
		return -1;
	double *num = r->num + (size_t)i * (size_t)r->nnum;
	const char **cat = r->cat + (size_t)i * (size_t)r->ncat;
	for (int k = 0; k < r->nnum; k++) {
		int col =
		    fmt == ANOMALY_NSLKDD
			? index_of((char **)kdd_names, 41, r->num_names[k])
			: index_of(head, nhead, r->num_names[k]);
		num[k] = col >= 0 ? strtod(f[col], NULL) : 0;
	}
	for (int k = 0; k < r->ncat; k++) {
		int col =
		    fmt == ANOMALY_NSLKDD
			? index_of((char **)kdd_names, 41, r->cat_names[k])
			: index_of(head, nhead, r->cat_names[k]);
		cat[k] = arena_strdup(&r->a, col >= 0 ? f[col] : "");
	}
	r->label[i] = label;
	r->cls[i] = cls < 0 ? 2 * label : cls;
	r->split[i] = split;
	return 0;
}

/* Reads every row of path in format f into r (which it initialises);
 * ECS events are of kind (NULL: the format's) and labelled by
 * label_field (NULL: labels.scenario). Lines that do not parse are
 * skipped and counted in err's message only when nothing was read.
 * Returns the number of rows, or -1 with a reason in err. */
int anomaly_read(const char *path, enum anomaly_format f, const char *kind,
		 const char *label_field, struct anomaly_rows *r, char *err,
		 size_t errlen)
{
	if (!kind)
		kind = anomaly_format_kind(f);
	if (!label_field)
		label_field = "labels.scenario";
	memset(r, 0, sizeof(*r));
	arena_init(&r->a);
	FILE *in = fopen(path, "r");
	if (!in) {
		snprintf(err, errlen, "cannot read %s", path);
		return -1;
	}
	char *line = NULL, *head[128], *fld[128];
	size_t cap = 0;
	int nhead = 0, rc = 0, flow = f == ANOMALY_NSLKDD || f == ANOMALY_UNSW;
	if (f == ANOMALY_UNSW) {
		if (getline(&line, &cap, in) < 0) {
			rc = -1;
		} else {
			char *copy = arena_strdup(&r->a, line);
			nhead = split_csv(copy, head, 128);
		}
	}
	if (rc == 0 && columns(r, f, kind, head, nhead) != 0)
		rc = -1;
	evfeat_state *st = f == ANOMALY_ECS ? evfeat_state_new(0) : NULL;
	size_t skipped = 0;
	while (rc == 0 && getline(&line, &cap, in) >= 0) {
		if (flow) {
			int nf = split_csv(line, fld, 128);
			int k = add_flow(r, f, fld, nf, head, nhead);
			skipped += k == 1;
			rc = k < 0 ? -1 : 0;
			continue;
		}
		json_t *j = json_loads(line, 0, NULL);
		if (f == ANOMALY_ECS) {
			int k =
			    j && st ? add_ecs(r, st, kind, label_field, j) : 1;
			skipped += k == 1;
			rc = k < 0 ? -1 : 0;
		} else if (!j || read_http_line(r, f, j) != 0) {
			skipped++;
		}
		json_decref(j);
	}
	evfeat_state_free(st);
	free(line);
	fclose(in);
	if (rc != 0 || r->n == 0) {
		snprintf(err, errlen, "%s: no %s rows read (%zu skipped)", path,
			 kind ? kind : "event", skipped);
		anomaly_rows_free(r);
		return -1;
	}
	return (int)r->n;
}

/* Returns 1 when m reads exactly the features kind's events have today
 * (same columns in the same order), so the ingest path may score them
 * with it; else 0. */
int anomaly_fits_kind(const struct anomaly_model *m, const char *kind)
{
	struct evfeat_columns cols;
	if (!m->kind || strcmp(m->kind, kind) || m->log_scale ||
	    evfeat_columns(kind, &cols) != 0 || cols.nnum != m->nnum ||
	    cols.ncat != m->ncat)
		return 0;
	for (int k = 0; k < m->nnum; k++)
		if (strcmp(cols.num_names[k], m->num_names[k]))
			return 0;
	for (int k = 0; k < m->ncat; k++)
		if (strcmp(cols.cat_names[k], m->cat_names[k]))
			return 0;
	return 1;
}

/* Returns the position of value in vocabulary column k, or -1. */
static int vocab_index(json_t *vocab, int k, const char *v)
{
	json_t *vals = json_array_get(vocab, (size_t)k), *s;
	size_t i;
	json_array_foreach(vals, i, s)
	{
		if (!strcmp(json_string_value(s), v))
			return (int)i;
	}
	return -1;
}

/* Writes the feature vector of a row (num, cat) into x: m's numeric
 * columns, then one-hot columns of vocab (m's, or its classifier's);
 * sets *never_seen (may be NULL). */
static void encode_with(const struct anomaly_model *m, json_t *vocab,
			const double *num, const char *const *cat, double *x,
			int *never_seen)
{
	int o = 0, odd = 0;
	for (int k = 0; k < m->nnum; k++) {
		double v = num[k];
		if (m->log_scale)
			v = log1p(v > 0 ? v : 0);
		if (m->lo && m->lo[k] == m->hi[k] && v != m->lo[k])
			odd = 1; /* a column that never varied in training */
		x[o++] = v;
	}
	for (int k = 0; k < m->ncat; k++) {
		size_t nv = json_array_size(json_array_get(vocab, (size_t)k));
		int hit = vocab_index(vocab, k, cat[k]);
		odd |= hit < 0;
		for (size_t i = 0; i < nv; i++)
			x[o++] = (int)i == hit;
	}
	if (never_seen)
		*never_seen = odd;
}

/* Writes the feature vector of a row (num, cat) into x (m->nfeat) and
 * sets *never_seen. */
static void encode(const struct anomaly_model *m, const double *num,
		   const char *const *cat, double *x, int *never_seen)
{
	encode_with(m, m->vocab, num, cat, x, never_seen);
}

/* Returns the anomaly score (0-1) of a row and sets *never_seen (may be
 * NULL) when it has a value the training rows never had. */
double anomaly_score(const struct anomaly_model *m, const double *num,
		     const char *const *cat, int *never_seen)
{
	int odd = 0, n;
	double s = anomaly_score_why(m, num, cat, &odd, NULL, 0, &n);
	if (never_seen)
		*never_seen = odd;
	return s;
}

/* qsort order of reasons: the larger share first. */
static int by_share(const void *a, const void *b)
{
	double x = ((const struct anomaly_reason *)a)->share,
	       y = ((const struct anomaly_reason *)b)->share;
	return (x < y) - (x > y);
}

/* Fills out[0..k) from the shares of the encoded features (one-hot
 * columns folded into their categorical column), largest first, as
 * parts of 1. Returns how many. */
static int reasons(const struct anomaly_model *m, const double *share,
		   struct anomaly_reason *out, int k)
{
	int ncol = m->nnum + m->ncat, o = 0, n = 0;
	struct anomaly_reason top[EVFEAT_MAX_NUM + EVFEAT_MAX_CAT];
	double total = 0;
	for (int c = 0; c < ncol && c < EVFEAT_MAX_NUM + EVFEAT_MAX_CAT; c++) {
		int width = c < m->nnum ? 1
					: (int)json_array_size(json_array_get(
					      m->vocab, (size_t)(c - m->nnum)));
		top[c] = (struct anomaly_reason){
		    c < m->nnum ? m->num_names[c] : m->cat_names[c - m->nnum],
		    c, 0};
		for (int w = 0; w < width; w++)
			top[c].share += share[o++];
		total += top[c].share;
		n = c + 1;
	}
	qsort(top, (size_t)n, sizeof(*top), by_share);
	if (k > n)
		k = n;
	for (int i = 0; i < k; i++) {
		out[i] = top[i];
		out[i].share = total > 0 ? top[i].share / total : 0;
	}
	return k;
}

/* Scores a row like anomaly_score and, when it is a finding (at or over
 * the alert threshold, or with a value never seen in training), fills
 * why[0..k) (why NULL: the score alone) with
 * the columns that weighed most in isolating it (*nwhy of them; 0 when
 * it is not over). One walk through the trees does both. */
double anomaly_score_why(const struct anomaly_model *m, const double *num,
			 const char *const *cat, int *never_seen,
			 struct anomaly_reason *why, int k, int *nwhy)
{
	double stack[1024],
	    *x = m->nfeat <= 512 ? stack
				 : calloc((size_t)m->nfeat * 2, sizeof(double));
	*nwhy = 0;
	if (!x)
		return 0;
	double *share = why ? x + m->nfeat : NULL;
	if (share)
		memset(share, 0, sizeof(double) * (size_t)m->nfeat);
	encode(m, num, cat, x, never_seen);
	double s = iforest_score_shares(&m->forest, x, share);
	if (why && (s >= m->alert_threshold || *never_seen))
		*nwhy = reasons(m, share, why, k);
	if (x != stack)
		free(x);
	return s;
}

/* qsort order for doubles, ascending. */
static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Returns the vocabulary of r's categorical columns over the rows chosen
 * by use[i] as a new JSON array (one array of distinct values a column)
 * and sets *nfeat to the encoded width (numeric columns and one-hot
 * values). */
static json_t *vocabulary(const struct anomaly_rows *r, const char *use,
			  int *nfeat)
{
	json_t *vocab = json_array();
	*nfeat = r->nnum;
	for (int k = 0; k < r->ncat; k++) {
		json_t *seen = json_object(), *vals = json_array();
		for (size_t i = 0; i < r->n; i++)
			if (use[i])
				json_object_set_new(
				    seen,
				    r->cat[i * (size_t)r->ncat + (size_t)k],
				    json_true());
		const char *key;
		json_t *v;
		json_object_foreach(seen, key, v)
		{
			json_array_append_new(vals, json_string(key));
		}
		json_decref(seen);
		*nfeat += (int)json_array_size(vals);
		json_array_append_new(vocab, vals);
	}
	return vocab;
}

/* Builds the vocabulary of each categorical column over the rows chosen
 * (sorted, distinct) and the names of the model's columns. */
static void build_columns(struct anomaly_model *m, const struct anomaly_rows *r,
			  const char *use)
{
	m->nnum = r->nnum;
	m->ncat = r->ncat;
	m->log_scale = r->log_scale;
	m->num_names = calloc((size_t)r->nnum, sizeof(char *));
	m->cat_names = calloc((size_t)r->ncat + 1, sizeof(char *));
	for (int k = 0; k < r->nnum; k++)
		m->num_names[k] = strdup(r->num_names[k]);
	for (int k = 0; k < r->ncat; k++)
		m->cat_names[k] = strdup(r->cat_names[k]);
	m->vocab = vocabulary(r, use, &m->nfeat);
}

/* Trains m on the rows of r in split (-1: all), only the normal ones
 * with normal_only: ntrees trees of subsample rows from seed. Sets the
 * threshold and the training metadata. Returns 0, or -1 with a reason in
 * err. */
int anomaly_train(struct anomaly_model *m, const struct anomaly_rows *r,
		  int split, int normal_only, int ntrees, int subsample,
		  unsigned long long seed, char *err, size_t errlen)
{
	memset(m, 0, sizeof(*m));
	char *use = calloc(r->n ? r->n : 1, 1);
	size_t n = 0;
	for (size_t i = 0; use && i < r->n; i++) {
		use[i] = (split < 0 || r->split[i] == split) &&
			 (!normal_only || r->label[i] == 0);
		n += use[i];
	}
	if (!use || n < 2) {
		snprintf(err, errlen, "only %zu rows to train on", n);
		free(use);
		return -1;
	}
	build_columns(m, r, use);
	m->lo = calloc((size_t)m->nnum + 1, sizeof(double));
	m->hi = calloc((size_t)m->nnum + 1, sizeof(double));
	double *x = malloc(n * (size_t)m->nfeat * sizeof(double));
	double *scores = malloc(n * sizeof(double));
	int rc = -1;
	if (!x || !scores || !m->lo || !m->hi) {
		snprintf(err, errlen, "out of memory");
		goto done;
	}
	/* the ranges first (encode then knows no constant column yet) */
	double *lo = m->lo, *hi = m->hi;
	m->lo = m->hi = NULL;
	size_t o = 0;
	for (size_t i = 0; i < r->n; i++) {
		if (!use[i])
			continue;
		double *row = x + o * (size_t)m->nfeat;
		encode(m, r->num + i * (size_t)r->nnum,
		       r->cat + i * (size_t)r->ncat, row, NULL);
		for (int k = 0; k < m->nnum; k++) {
			if (o == 0 || row[k] < lo[k])
				lo[k] = row[k];
			if (o == 0 || row[k] > hi[k])
				hi[k] = row[k];
		}
		o++;
	}
	m->lo = lo;
	m->hi = hi;
	if (iforest_fit(&m->forest, x, n, m->nfeat, ntrees, subsample, seed,
			err, errlen) != 0)
		goto done;
	for (size_t i = 0; i < n; i++)
		scores[i] = iforest_score(&m->forest, x + i * (size_t)m->nfeat);
	/* how the training rows score, in tenths: drift is measured
	 * against it (population stability index) */
	double tenths[10] = {0};
	for (size_t i = 0; i < n; i++)
		tenths[scores[i] >= 1 ? 9 : (int)(scores[i] * 10)] += 1;
	json_t *hist = json_array();
	for (int k = 0; k < 10; k++)
		json_array_append_new(
		    hist,
		    json_real(round(tenths[k] / (double)n * 10000) / 10000));
	qsort(scores, n, sizeof(double), by_value);
	m->threshold = scores[(size_t)((double)(n - 1) * (1 - CONTAMINATION))];
	m->alert_threshold =
	    scores[(size_t)((double)(n - 1) * (1 - ALERT_SHARE))];
	m->meta =
	    json_pack("{sI sb si si so}", "rows", (json_int_t)n, "normal_only",
		      normal_only, "trees", ntrees, "subsample",
		      m->forest.subsample, "score_histogram", hist);
	rc = 0;
done:
	free(use);
	free(x);
	free(scores);
	if (rc != 0)
		anomaly_free(m);
	return rc;
}

/* Rounds v to 4 decimals as a JSON real (null when not a number). */
static json_t *real4(double v)
{
	return isnan(v) ? json_null() : json_real(round(v * 10000) / 10000);
}

/* Trains m's classifier on the rows of r in split (-1: all) that carry
 * a class, over the same encoded features as the forest (m trained).
 * Returns 0, or -1 with a reason in err (fewer than two classes). */
int anomaly_train_classes(struct anomaly_model *m, const struct anomaly_rows *r,
			  int split, char *err, size_t errlen)
{
	size_t n = 0;
	char *use = calloc(r->n + 1, 1);
	for (size_t i = 0; use && i < r->n; i++) {
		use[i] = (split < 0 || r->split[i] == split) && r->cls[i] >= 0;
		n += use[i];
	}
	int nfeat = 0, rc = -1;
	json_t *vocab = use ? vocabulary(r, use, &nfeat) : NULL;
	double *x = malloc((n ? n : 1) * (size_t)nfeat * sizeof(double));
	int *y = malloc((n ? n : 1) * sizeof(int));
	struct evclass *c = calloc(1, sizeof(*c));
	if (!use || !x || !y || !c) {
		snprintf(err, errlen, "out of memory");
		goto done;
	}
	size_t o = 0;
	for (size_t i = 0; i < r->n; i++) {
		if (!use[i])
			continue;
		encode_with(m, vocab, r->num + i * (size_t)r->nnum,
			    r->cat + i * (size_t)r->ncat, x + o * (size_t)nfeat,
			    NULL);
		y[o++] = r->cls[i];
	}
	if (evclass_train(c, x, y, n, nfeat, err, errlen) != 0)
		goto done;
	c->vocab = vocab;
	vocab = NULL;
	if (m->cls) {
		evclass_free(m->cls);
		free(m->cls);
	}
	m->cls = c;
	c = NULL;
	rc = 0;
done:
	json_decref(vocab);
	free(use);
	free(x);
	free(y);
	free(c);
	return rc;
}

/* Gives m a copy of from's classifier when from has one and both read
 * the same columns (a retrained forest keeps the classifier). Returns 1
 * when copied, 0 when there is nothing to copy, -1 when the columns
 * differ or the copy fails (m unchanged). */
int anomaly_copy_classes(struct anomaly_model *m,
			 const struct anomaly_model *from)
{
	if (!from->cls)
		return 0;
	if (m->nnum != from->nnum || m->ncat != from->ncat)
		return -1;
	for (int k = 0; k < m->nnum; k++)
		if (strcmp(m->num_names[k], from->num_names[k]))
			return -1;
	for (int k = 0; k < m->ncat; k++)
		if (strcmp(m->cat_names[k], from->cat_names[k]))
			return -1;
	json_t *j = evclass_to_json(from->cls);
	struct evclass *c = calloc(1, sizeof(*c));
	char err[128];
	int rc = c && j &&
			 evclass_from_json(c, j, m->nnum, m->ncat, err,
					   sizeof(err)) == 0
		     ? 1
		     : -1;
	json_decref(j);
	if (rc < 0) {
		free(c);
		return -1;
	}
	if (m->cls) {
		evclass_free(m->cls);
		free(m->cls);
	}
	m->cls = c;
	return 1;
}

/* Sets p[0..EVCLASS_N) to each class's probability for a row (num, cat)
 * by m's classifier. Returns the most probable class, or -1 when m has
 * no classifier (p untouched). */
int anomaly_classify(const struct anomaly_model *m, const double *num,
		     const char *const *cat, double *p)
{
	if (!m->cls)
		return -1;
	double stack[512],
	    *x = m->cls->nfeat <= 512
		     ? stack
		     : calloc((size_t)m->cls->nfeat, sizeof(double));
	if (!x)
		return -1;
	encode_with(m, m->cls->vocab, num, cat, x, NULL);
	int k = evclass_predict(m->cls, x, p);
	if (x != stack)
		free(x);
	return k;
}

/* Measures m's classifier on the rows of r in split (-1: all) with a
 * class: accuracy, macro-F1, per-class precision, recall and F1, the
 * confusion matrix (rows: truth), and the ROC-AUC of 1 - P(benign)
 * against "not benign". Returns a new JSON object, or NULL. */
static json_t *eval_classes(const struct anomaly_model *m,
			    const struct anomaly_rows *r, int split)
{
	int *truth = malloc((r->n + 1) * sizeof(int)),
	    *pred = malloc((r->n + 1) * sizeof(int)),
	    *bad = malloc((r->n + 1) * sizeof(int));
	double *risk = malloc((r->n + 1) * sizeof(double));
	size_t n = 0;
	for (size_t i = 0; truth && pred && bad && risk && i < r->n; i++) {
		if ((split >= 0 && r->split[i] != split) || r->cls[i] < 0)
			continue;
		double p[EVCLASS_N];
		pred[n] = anomaly_classify(m, r->num + i * (size_t)r->nnum,
					   r->cat + i * (size_t)r->ncat, p);
		truth[n] = r->cls[i];
		bad[n] = truth[n] > 0;
		risk[n] = 1 - p[0];
		n++;
	}
	json_t *out = NULL;
	if (n && n <= 0x7fffffff) {
		out = classifier_metrics(truth, pred, (int)n,
					 (char **)evclass_names, EVCLASS_N);
		json_object_set_new(out, "roc_auc",
				    real4(anomaly_roc_auc(risk, bad, n)));
	}
	free(truth);
	free(pred);
	free(bad);
	free(risk);
	return out;
}

/* Orders rows by score, highest first (for the curves). */
struct scored {
	double score;
	int label;
};

/* qsort order: higher score first. */
static int by_score_desc(const void *a, const void *b)
{
	double x = ((const struct scored *)a)->score,
	       y = ((const struct scored *)b)->score;
	return (x < y) - (x > y);
}

/* Returns the area under the ROC curve of scores against labels (1:
 * anomalous): the probability that a random anomaly scores above a
 * random normal row, ties counting half. NAN without both classes. */
double anomaly_roc_auc(const double *score, const int *label, size_t n)
{
	struct scored *s = malloc(n * sizeof(*s));
	if (!s)
		return NAN;
	for (size_t i = 0; i < n; i++)
		s[i] = (struct scored){score[i], label[i]};
	qsort(s, n, sizeof(*s), by_score_desc);
	double pos = 0, neg = 0, above = 0;
	for (size_t i = 0; i < n;) {
		size_t j = i;
		double p = 0, q = 0;
		while (j < n && s[j].score == s[i].score) {
			p += s[j].label == 1;
			q += s[j].label != 1;
			j++;
		}
		above +=
		    q * pos + q * p / 2; /* positives above each negative */
		pos += p;
		neg += q;
		i = j;
	}
	free(s);
	return pos && neg ? above / (pos * neg) : NAN;
}

/* Returns the average precision (area under the precision-recall curve
 * as scikit-learn computes it: the sum over thresholds of precision
 * times the recall gained). NAN without anomalies. */
double anomaly_pr_auc(const double *score, const int *label, size_t n)
{
	struct scored *s = malloc(n * sizeof(*s));
	if (!s)
		return NAN;
	double pos = 0;
	for (size_t i = 0; i < n; i++) {
		s[i] = (struct scored){score[i], label[i]};
		pos += label[i] == 1;
	}
	qsort(s, n, sizeof(*s), by_score_desc);
	double tp = 0, seen = 0, ap = 0, last_recall = 0;
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && s[j].score == s[i].score) {
			tp += s[j].label == 1;
			seen++;
			j++;
		}
		double recall = pos ? tp / pos : 0;
		ap += (recall - last_recall) * (tp / seen);
		last_recall = recall;
		i = j;
	}
	free(s);
	return pos ? ap : NAN;
}

/* Evaluates m on the labelled rows of r in split (-1: all): ROC-AUC,
 * PR-AUC, and precision, recall, F1 and the confusion matrix at the
 * model's threshold; the same with "never seen" rows counted as
 * anomalies; and the scoring rate. Returns a new JSON object, or NULL
 * when no labelled row is there. */
json_t *anomaly_eval(const struct anomaly_model *m,
		     const struct anomaly_rows *r, int split)
{
	size_t n = 0;
	double *score = malloc((r->n + 1) * sizeof(double)),
	       *flagged = malloc((r->n + 1) * sizeof(double));
	int *label = malloc((r->n + 1) * sizeof(int));
	size_t tp = 0, fp = 0, tn = 0, fn = 0, never = 0;
	clock_t t0 = clock();
	for (size_t i = 0; score && flagged && label && i < r->n; i++) {
		if ((split >= 0 && r->split[i] != split) || r->label[i] < 0)
			continue;
		int odd = 0;
		score[n] = anomaly_score(m, r->num + i * (size_t)r->nnum,
					 r->cat + i * (size_t)r->ncat, &odd);
		flagged[n] = odd ? 1.0 + score[n] : score[n];
		label[n] = r->label[i];
		never += odd;
		int hit = score[n] > m->threshold;
		tp += hit && label[n];
		fp += hit && !label[n];
		tn += !hit && !label[n];
		fn += !hit && label[n];
		n++;
	}
	double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
	json_t *out = NULL;
	if (n) {
		double p = tp + fp ? (double)tp / (double)(tp + fp) : 0,
		       rcl = tp + fn ? (double)tp / (double)(tp + fn) : 0;
		out = json_pack(
		    "{sI sI so so so so so so s{sI sI sI sI} sI so so sf}",
		    "rows", (json_int_t)n, "anomalies", (json_int_t)(tp + fn),
		    "roc_auc", real4(anomaly_roc_auc(score, label, n)),
		    "pr_auc", real4(anomaly_pr_auc(score, label, n)),
		    "threshold", real4(m->threshold), "precision", real4(p),
		    "recall", real4(rcl), "f1",
		    real4(p + rcl ? 2 * p * rcl / (p + rcl) : 0), "confusion",
		    "tp", (json_int_t)tp, "fp", (json_int_t)fp, "tn",
		    (json_int_t)tn, "fn", (json_int_t)fn, "never_seen",
		    (json_int_t)never, "roc_auc_with_never_seen",
		    real4(anomaly_roc_auc(flagged, label, n)),
		    "pr_auc_with_never_seen",
		    real4(anomaly_pr_auc(flagged, label, n)), "rows_per_second",
		    secs > 0 ? round((double)n / secs) : 0.0);
	}
	free(score);
	free(flagged);
	free(label);
	json_t *cls = out && m->cls ? eval_classes(m, r, split) : NULL;
	if (cls)
		json_object_set_new(out, "classifier", cls);
	return out;
}

/* Returns the names as a new JSON array of strings. */
static json_t *names_json(char **names, int n)
{
	json_t *a = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(a, json_string(names[i]));
	return a;
}

/* Writes m to path as Secura's own JSON model file (via a temporary file
 * and rename, so a reader never sees half a model). Returns 0, or -1
 * with a reason in err. */
int anomaly_save(const struct anomaly_model *m, const char *path, char *err,
		 size_t errlen)
{
	json_t *lo = json_array(), *hi = json_array();
	for (int k = 0; k < m->nnum; k++) {
		json_array_append_new(lo, json_real(m->lo[k]));
		json_array_append_new(hi, json_real(m->hi[k]));
	}
	json_t *doc =
	    json_pack("{ss si ss so so sO sb so so sf sf so sO so}", "format",
		      "secura-anomaly", "version", 1, "kind",
		      m->kind ? m->kind : "generic", "numeric",
		      names_json(m->num_names, m->nnum), "categorical",
		      names_json(m->cat_names, m->ncat), "vocabulary", m->vocab,
		      "log_scale", m->log_scale, "low", lo, "high", hi,
		      "threshold", m->threshold, "alert_threshold",
		      m->alert_threshold, "forest", iforest_to_json(&m->forest),
		      "meta", m->meta ? m->meta : json_null(), "classifier",
		      m->cls ? evclass_to_json(m->cls) : json_null());
	char tmp[4200];
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	int rc =
	    doc && json_dump_file(doc, tmp,
				  JSON_COMPACT | JSON_REAL_PRECISION(17)) == 0
		? rename(tmp, path)
		: -1;
	json_decref(doc);
	if (rc != 0)
		snprintf(err, errlen, "cannot write %s", path);
	return rc;
}

/* Copies a JSON array of n strings into a new array (NULL on a wrong
 * shape). */
static char **strings(json_t *a, int *n)
{
	if (!json_is_array(a) || json_array_size(a) > 4096)
		return NULL;
	*n = (int)json_array_size(a);
	char **out = calloc((size_t)*n + 1, sizeof(char *));
	for (int i = 0; out && i < *n; i++) {
		const char *s = json_string_value(json_array_get(a, (size_t)i));
		if (!s || !(out[i] = strdup(s))) {
			for (int k = 0; k < i; k++)
				free(out[k]);
			free(out);
			return NULL;
		}
	}
	return out;
}

/* Loads a model file written by anomaly_save, checking every part (its
 * format, columns, vocabulary, ranges and forest). Returns 0, or -1 with
 * a reason in err (m is then empty). */
int anomaly_load(struct anomaly_model *m, const char *path, char *err,
		 size_t errlen)
{
	memset(m, 0, sizeof(*m));
	if (errlen)
		*err = '\0';
	json_error_t je;
	json_t *doc = json_load_file(path, 0, &je);
	const char *fmt = json_string_value(json_object_get(doc, "format")),
		   *kind = json_string_value(json_object_get(doc, "kind"));
	json_t *vocab = json_object_get(doc, "vocabulary"),
	       *lo = json_object_get(doc, "low"),
	       *hi = json_object_get(doc, "high"), *v;
	if (!doc || !fmt || strcmp(fmt, "secura-anomaly") || !kind ||
	    !(m->num_names =
		  strings(json_object_get(doc, "numeric"), &m->nnum)) ||
	    !(m->cat_names =
		  strings(json_object_get(doc, "categorical"), &m->ncat)) ||
	    !json_is_array(vocab) ||
	    json_array_size(vocab) != (size_t)m->ncat ||
	    json_array_size(lo) != (size_t)m->nnum ||
	    json_array_size(hi) != (size_t)m->nnum ||
	    !json_is_number(json_object_get(doc, "threshold")))
		goto bad;
	m->kind = strdup(kind);
	m->log_scale = json_is_true(json_object_get(doc, "log_scale"));
	m->threshold = json_number_value(json_object_get(doc, "threshold"));
	json_t *bar = json_object_get(doc, "alert_threshold");
	m->alert_threshold =
	    json_is_number(bar) ? json_number_value(bar) : m->threshold;
	m->nfeat = m->nnum;
	size_t i;
	json_array_foreach(vocab, i, v)
	{
		int nv;
		char **vals = strings(v, &nv);
		if (!vals)
			goto bad;
		for (int k = 0; k < nv; k++)
			free(vals[k]);
		free(vals);
		m->nfeat += nv;
	}
	m->vocab = json_incref(vocab);
	m->lo = calloc((size_t)m->nnum + 1, sizeof(double));
	m->hi = calloc((size_t)m->nnum + 1, sizeof(double));
	for (int k = 0; m->lo && m->hi && k < m->nnum; k++) {
		m->lo[k] = json_number_value(json_array_get(lo, (size_t)k));
		m->hi[k] = json_number_value(json_array_get(hi, (size_t)k));
	}
	if (!m->lo || !m->hi ||
	    iforest_from_json(&m->forest, json_object_get(doc, "forest"),
			      m->nfeat, err, errlen) != 0)
		goto bad;
	json_t *cls = json_object_get(doc, "classifier");
	if (json_is_object(cls)) {
		m->cls = calloc(1, sizeof(*m->cls));
		if (!m->cls || evclass_from_json(m->cls, cls, m->nnum, m->ncat,
						 err, errlen) != 0)
			goto bad;
	}
	m->meta = json_incref(json_object_get(doc, "meta"));
	json_decref(doc);
	return 0;
bad:
	if (!*err || (!strstr(err, "forest") && !strstr(err, "classifier")))
		snprintf(err, errlen, "%s is not a Secura anomaly model%s%s",
			 path, doc ? "" : ": ", doc ? "" : je.text);
	json_decref(doc);
	anomaly_free(m);
	return -1;
}

/* Frees the model; m is empty afterwards. */
void anomaly_free(struct anomaly_model *m)
{
	for (int k = 0; m->num_names && k < m->nnum; k++)
		free(m->num_names[k]);
	for (int k = 0; m->cat_names && k < m->ncat; k++)
		free(m->cat_names[k]);
	free(m->num_names);
	free(m->cat_names);
	free(m->kind);
	free(m->lo);
	free(m->hi);
	json_decref(m->vocab);
	json_decref(m->meta);
	iforest_free(&m->forest);
	if (m->cls)
		evclass_free(m->cls);
	free(m->cls);
	memset(m, 0, sizeof(*m));
}
