/* trainer.c - reads rows {"id", "year", <text>, <label>} from JSONL,
 * splits them (a split file of ids, a year, or none), trains and saves a
 * model with its metrics on the test part, or evaluates a saved one.
 * Deterministic: the same data and options give the same model. */
#include "trainer.h"

#include "../core/buf.h"
#include "../core/clock.h"
#include "classifier.h"

#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct rows {
	int n, cap;
	char **id, **text, **label;
	int *year, *part; /* part: 0 train, 1 test, -1 neither */
};

/* Appends one row (strings copied). */
static void add_row(struct rows *r, const char *id, const char *text,
		    const char *label, int year)
{
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 1024;
		r->id = xrealloc(r->id, (size_t)r->cap * sizeof(char *));
		r->text = xrealloc(r->text, (size_t)r->cap * sizeof(char *));
		r->label = xrealloc(r->label, (size_t)r->cap * sizeof(char *));
		r->year = xrealloc(r->year, (size_t)r->cap * sizeof(int));
		r->part = xrealloc(r->part, (size_t)r->cap * sizeof(int));
	}
	r->id[r->n] = xstrdup(id);
	r->text[r->n] = xstrdup(text);
	r->label[r->n] = xstrdup(label);
	r->year[r->n] = year;
	r->part[r->n] = 0;
	r->n++;
}

/* Reads JSONL rows. Returns 0, or -1 with a message on out. */
static int read_jsonl(const struct trainer_opts *o, FILE *f, struct rows *r,
		      FILE *out)
{
	char *line = NULL;
	size_t cap = 0;
	int lineno = 0;
	while (getline(&line, &cap, f) > 0) {
		lineno++;
		json_t *j = json_loads(line, 0, NULL);
		const char *t =
		    json_string_value(json_object_get(j, o->text_field));
		const char *l =
		    json_string_value(json_object_get(j, o->label_field));
		const char *id = json_string_value(json_object_get(j, "id"));
		if (!t || !l) {
			fprintf(out,
				"secura: %s:%d: no \"%s\" or \"%s\" string\n",
				o->data, lineno, o->text_field, o->label_field);
			json_decref(j);
			free(line);
			return -1;
		}
		add_row(r, id ? id : "", t, l,
			(int)json_integer_value(json_object_get(j, "year")));
		json_decref(j);
	}
	free(line);
	return 0;
}

/* Reads one RFC 4180 field at *p into b (quotes undone); sets *end_row
 * when the record ends. Returns 0, or -1 at the end of input. */
static int csv_field(const char **p, buf *b, int *end_row)
{
	const char *s = *p;
	buf_reset(b);
	*end_row = 0;
	if (!*s)
		return -1;
	if (*s == '"') {
		for (s++; *s; s++) {
			if (*s == '"' && s[1] == '"')
				buf_putc(b, *s++);
			else if (*s == '"')
				break;
			else
				buf_putc(b, *s);
		}
		if (*s == '"')
			s++;
	} else {
		while (*s && *s != ',' && *s != '\n' && *s != '\r')
			buf_putc(b, *s++);
	}
	if (*s == ',') {
		s++;
	} else {
		*end_row = 1;
		if (*s == '\r')
			s++;
		if (*s == '\n')
			s++;
	}
	*p = s;
	return 0;
}

/* Reads CSV rows: the header names the text and label columns; the row
 * number is the id. Returns 0, or -1 with a message on out. */
static int read_csv(const struct trainer_opts *o, struct rows *r, FILE *out)
{
	buf all = BUF_INIT, cell = BUF_INIT;
	char id[24];
	if (buf_read_file(&all, o->data) != 0) {
		fprintf(out, "secura: cannot read %s\n", o->data);
		buf_free(&all);
		return -1;
	}
	const char *p = buf_cstr(&all);
	int col = 0, tcol = -1, lcol = -1, end, row = 0, rc = 0;
	while (csv_field(&p, &cell, &end) == 0) { /* the header */
		if (!strcmp(buf_cstr(&cell), o->text_field))
			tcol = col;
		if (!strcmp(buf_cstr(&cell), o->label_field))
			lcol = col;
		col++;
		if (end)
			break;
	}
	if (tcol < 0 || lcol < 0) {
		fprintf(out, "secura: %s has no \"%s\" or \"%s\" column\n",
			o->data, o->text_field, o->label_field);
		rc = -1;
	}
	char *text = NULL, *label = NULL;
	for (col = 0; rc == 0 && csv_field(&p, &cell, &end) == 0; col++) {
		if (col == tcol)
			text = xstrdup(buf_cstr(&cell));
		if (col == lcol)
			label = xstrdup(buf_cstr(&cell));
		if (!end)
			continue;
		if (text && label) {
			snprintf(id, sizeof(id), "%d", ++row);
			add_row(r, id, text, label, 0);
		}
		free(text);
		free(label);
		text = label = NULL;
		col = -1;
	}
	free(text);
	free(label);
	buf_free(&all);
	buf_free(&cell);
	return rc;
}

/* Reads the data file (CSV when its name ends in .csv, else JSONL).
 * Returns 0, or -1 with a message on out. */
static int read_rows(const struct trainer_opts *o, struct rows *r, FILE *out)
{
	size_t len = strlen(o->data);
	int csv = len > 4 && !strcmp(o->data + len - 4, ".csv");
	FILE *f = csv ? NULL : fopen(o->data, "r");
	memset(r, 0, sizeof(*r));
	if (!csv && !f) {
		fprintf(out, "secura: cannot read %s\n", o->data);
		return -1;
	}
	int rc = csv ? read_csv(o, r, out) : read_jsonl(o, f, r, out);
	if (f)
		fclose(f);
	if (rc == 0 && r->n == 0) {
		fprintf(out, "secura: %s has no rows\n", o->data);
		rc = -1;
	}
	return rc;
}

/* Frees the rows. */
static void free_rows(struct rows *r)
{
	for (int i = 0; i < r->n; i++) {
		free(r->id[i]);
		free(r->text[i]);
		free(r->label[i]);
	}
	free(r->id);
	free(r->text);
	free(r->label);
	free(r->year);
	free(r->part);
}

/* Returns the string o[key], or def. */
static const char *str_or(json_t *o, const char *key, const char *def)
{
	const char *v = json_string_value(json_object_get(o, key));
	return v ? v : def;
}

/* Reads every source of the manifest o->manifest (files relative to
 * o->datasets, each with its text and label fields and a map from its
 * labels to ours; rows whose label maps to nothing are left out) into r,
 * applies the manifest's options (solver, C, balanced, char_ngrams,
 * test_fraction, seed) to o and hands back its "sources" (new reference,
 * for the model's metadata). Returns 0, or -1 with a message on out. */
static int read_manifest(struct trainer_opts *o, struct rows *r, FILE *out,
			 json_t **provenance)
{
	json_error_t je;
	json_t *man = json_load_file(o->manifest, 0, &je), *src;
	json_t *sources = json_object_get(man, "sources");
	size_t i;
	int rc = -1;
	memset(r, 0, sizeof(*r));
	if (!json_is_array(sources) || !json_array_size(sources)) {
		fprintf(out, "secura: %s: no \"sources\" list\n", o->manifest);
		goto done;
	}
	const char *solver = json_string_value(json_object_get(man, "solver"));
	o->lr = solver && !strcmp(solver, "lr");
	if (json_is_number(json_object_get(man, "C")))
		o->C = json_number_value(json_object_get(man, "C"));
	o->unbalanced = json_is_false(json_object_get(man, "balanced"));
	if (json_is_number(json_object_get(man, "test_fraction")))
		o->test_fraction =
		    json_number_value(json_object_get(man, "test_fraction"));
	if (json_is_integer(json_object_get(man, "char_ngrams")))
		o->chars = (int)json_integer_value(
		    json_object_get(man, "char_ngrams"));
	if (json_is_integer(json_object_get(man, "seed")))
		o->seed = (unsigned long)json_integer_value(
		    json_object_get(man, "seed"));
	json_array_foreach(sources, i, src)
	{
		char path[4200];
		const char *file =
		    json_string_value(json_object_get(src, "file"));
		json_t *map = json_object_get(src, "map");
		struct trainer_opts so = *o;
		struct rows part;
		if (!file || !json_is_object(map)) {
			fprintf(out,
				"secura: %s: source %zu needs file and map\n",
				o->manifest, i);
			goto done;
		}
		snprintf(path, sizeof(path), "%s/%s", o->datasets, file);
		so.data = path;
		so.text_field = str_or(src, "text", "text");
		so.label_field = str_or(src, "label", "label");
		if (read_rows(&so, &part, out) != 0)
			goto done;
		for (int k = 0; k < part.n; k++) {
			const char *to = json_string_value(
			    json_object_get(map, part.label[k]));
			char id[64];
			snprintf(id, sizeof(id), "%zu:%s", i, part.id[k]);
			if (to)
				add_row(r, id, part.text[k], to, part.year[k]);
		}
		free_rows(&part);
	}
	rc = r->n ? 0 : -1;
	if (rc)
		fprintf(out, "secura: %s: no rows map to a label\n",
			o->manifest);
	else
		*provenance = json_incref(sources);
done:
	json_decref(man);
	return rc;
}

/* qsort_r order for stratified_split: by label, then by shuffled rank. */
static int by_label_rank(const void *a, const void *b, void *ud)
{
	const struct rows *r = ((void **)ud)[0];
	const int *rank = ((void **)ud)[1];
	int x = *(const int *)a, y = *(const int *)b;
	int c = strcmp(r->label[x], r->label[y]);
	return c ? c : rank[x] - rank[y];
}

/* Marks a test part of about fraction of each class's rows, chosen by a
 * seeded shuffle (the same procedure as a stratified train_test_split,
 * not the same draw), the rest train: rows are shuffled, grouped by
 * label, and the first round(size * fraction) of each group are test. */
static void stratified_split(struct rows *r, double fraction,
			     unsigned long seed)
{
	uint64_t st = seed ? seed : 42;
	int *order = xcalloc((size_t)r->n, sizeof(int));
	int *rank = xcalloc((size_t)r->n, sizeof(int));
	for (int i = 0; i < r->n; i++)
		order[i] = i;
	for (int i = r->n - 1; i > 0; i--) { /* Fisher-Yates, xorshift64 */
		st ^= st << 13, st ^= st >> 7, st ^= st << 17;
		int j = (int)(st % (uint64_t)(i + 1)), t = order[i];
		order[i] = order[j], order[j] = t;
	}
	for (int i = 0; i < r->n; i++)
		rank[order[i]] = i;
	void *ctx[2] = {r, rank};
	qsort_r(order, (size_t)r->n, sizeof(int), by_label_rank, ctx);
	for (int g = 0; g < r->n;) {
		int e = g;
		while (e < r->n &&
		       !strcmp(r->label[order[e]], r->label[order[g]]))
			e++;
		int test = (int)((e - g) * fraction + 0.5);
		for (int k = g; k < e; k++)
			r->part[order[k]] = k - g < test;
		g = e;
	}
	free(order);
	free(rank);
}

/* Marks each row train (0), test (1) or unused (-1) by the split file or
 * the year. Without either every row is both train and test data for
 * the caller (part 0). Returns 0, or -1 on an unreadable split file. */
static int split_rows(const struct trainer_opts *o, struct rows *r, FILE *out)
{
	if (o->test_fraction > 0) {
		stratified_split(r, o->test_fraction, o->seed);
		return 0;
	}
	if (o->year_split) {
		for (int i = 0; i < r->n; i++)
			r->part[i] = r->year[i] >= o->year_split;
		return 0;
	}
	if (!o->split)
		return 0;
	json_t *s = json_load_file(o->split, 0, NULL);
	json_t *parts[2] = {json_object_get(s, "train"),
			    json_object_get(s, "test")};
	if (!json_is_array(parts[0]) || !json_is_array(parts[1])) {
		fprintf(out, "secura: %s has no train and test id lists\n",
			o->split);
		json_decref(s);
		return -1;
	}
	/* a linear scan per id: data sets here have a few thousand rows */
	for (int i = 0; i < r->n; i++)
		r->part[i] = -1;
	for (int p = 0; p < 2; p++) {
		size_t k;
		json_t *v;
		json_array_foreach(parts[p], k, v)
		{
			const char *id = json_string_value(v);
			for (int i = 0; id && i < r->n; i++)
				if (!strcmp(r->id[i], id)) {
					r->part[i] = p;
					break;
				}
		}
	}
	json_decref(s);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Predicts every row of the given part and returns the metrics object;
 * rows whose label the model does not know count as wrong. */
static json_t *evaluate(const struct classifier *m, const struct rows *r,
			int part)
{
	int *truth = xcalloc((size_t)r->n, sizeof(int)),
	    *pred = xcalloc((size_t)r->n, sizeof(int)), n = 0;
	arena a;
	arena_init(&a);
	double t0 = clock_mono_ms(), conf = 0;
	for (int i = 0; i < r->n; i++) {
		if (r->part[i] != part)
			continue;
		char **hit =
		    bsearch(&r->label[i], m->labels, (size_t)m->nlabels,
			    sizeof(char *), cmp_str);
		struct tokens t = {0};
		text_tokens(&a, r->text[i], &t);
		double *prob =
		    arena_alloc(&a, (size_t)m->nlabels * sizeof(double));
		int p = classifier_scores(m, &t, &a, prob, NULL);
		conf += prob[p];
		truth[n] = hit ? (int)(hit - m->labels) : (p + 1) % m->nlabels;
		pred[n++] = p;
		arena_reset(&a);
	}
	double ms = clock_mono_ms() - t0;
	arena_free(&a);
	json_t *res = classifier_metrics(truth, pred, n, m->labels, m->nlabels);
	json_object_set_new(res, "predict_ms_per_row",
			    json_real(n ? ms / n : 0));
	json_object_set_new(res, "mean_confidence",
			    json_real(n ? conf / n : 0));
	free(truth);
	free(pred);
	return res;
}

/* Prints a metrics object as a short report. */
static void print_metrics(FILE *out, json_t *mt)
{
	fprintf(
	    out,
	    "rows %lld  accuracy %.3f  macro-F1 %.3f  predict %.3f ms/row\n",
	    (long long)json_integer_value(json_object_get(mt, "rows")),
	    json_real_value(json_object_get(mt, "accuracy")),
	    json_real_value(json_object_get(mt, "macro_f1")),
	    json_real_value(json_object_get(mt, "predict_ms_per_row")));
	size_t i;
	json_t *c;
	fprintf(out, "  %-10s %9s %9s %9s %8s\n", "class", "precision",
		"recall", "f1", "support");
	json_array_foreach(json_object_get(mt, "classes"), i, c) fprintf(
	    out, "  %-10s %9.3f %9.3f %9.3f %8lld\n",
	    json_string_value(json_object_get(c, "label")),
	    json_real_value(json_object_get(c, "precision")),
	    json_real_value(json_object_get(c, "recall")),
	    json_real_value(json_object_get(c, "f1")),
	    (long long)json_integer_value(json_object_get(c, "support")));
	fprintf(out, "  confusion (rows truth, columns predicted):\n");
	json_array_foreach(json_object_get(mt, "confusion"), i, c)
	{
		size_t j;
		json_t *v;
		fprintf(out, "   ");
		json_array_foreach(c, j, v)
		    fprintf(out, " %5lld", (long long)json_integer_value(v));
		fprintf(out, "\n");
	}
}

/* Every row read so far is training data; appends the rows of the test
 * file o->test as the test part. Returns 0, or -1 with a message on
 * out. */
static int add_test_file(const struct trainer_opts *o, struct rows *r,
			 FILE *out)
{
	struct trainer_opts to = *o;
	struct rows t;
	to.data = o->test;
	if (read_rows(&to, &t, out) != 0)
		return -1;
	for (int i = 0; i < r->n; i++)
		r->part[i] = 0;
	for (int i = 0; i < t.n; i++) {
		add_row(r, t.id[i], t.text[i], t.label[i], t.year[i]);
		r->part[r->n - 1] = 1;
	}
	free_rows(&t);
	return 0;
}

/* Writes {"train": [ids], "test": [ids]} of the rows' parts to path,
 * so another tool can use the same split. Returns 0, or -1 with a
 * message on out. */
static int write_split(const struct rows *r, const char *path, FILE *out)
{
	json_t *parts[2] = {json_array(), json_array()};
	for (int i = 0; i < r->n; i++)
		if (r->part[i] == 0 || r->part[i] == 1)
			json_array_append_new(parts[r->part[i]],
					      json_string(r->id[i]));
	json_t *o = json_pack("{so so}", "train", parts[0], "test", parts[1]);
	int rc = json_dump_file(o, path, JSON_COMPACT);
	json_decref(o);
	if (rc)
		fprintf(out, "secura: cannot write %s\n", path);
	return rc ? -1 : 0;
}

/* Trains on the train part, reports on the test part (if any) and saves
 * the model with its metrics. Returns 0, or 1 on failure. */
int trainer_train(const struct trainer_opts *opts, FILE *out)
{
	struct trainer_opts mo = *opts;
	const struct trainer_opts *o = &mo;
	struct rows r;
	json_t *sources = NULL;
	int rc = 1;
	if ((o->manifest ? read_manifest(&mo, &r, out, &sources)
			 : read_rows(o, &r, out)) != 0)
		return 1;
	if ((o->test ? add_test_file(o, &r, out) : split_rows(o, &r, out)) !=
		0 ||
	    (o->write_split && write_split(&r, o->write_split, out) != 0))
		goto done;
	/* labels: the sorted distinct values of the training rows */
	char **labels = xcalloc((size_t)r.n, sizeof(char *));
	int nl = 0, ntrain = 0, ntest = 0;
	for (int i = 0; i < r.n; i++)
		if (r.part[i] == 0)
			labels[ntrain++] = r.label[i];
		else if (r.part[i] == 1)
			ntest++;
	qsort(labels, (size_t)ntrain, sizeof(char *), cmp_str);
	for (int i = 0; i < ntrain; i++)
		if (!nl || strcmp(labels[nl - 1], labels[i]))
			labels[nl++] = labels[i];
	struct tokens *docs = xcalloc((size_t)ntrain + 1, sizeof(*docs));
	int *y = xcalloc((size_t)ntrain + 1, sizeof(int)), k = 0;
	arena a;
	arena_init(&a);
	for (int i = 0; i < r.n; i++) {
		if (r.part[i] != 0)
			continue;
		text_tokens(&a, r.text[i], &docs[k]);
		char **hit = bsearch(&r.label[i], labels, (size_t)nl,
				     sizeof(char *), cmp_str);
		y[k++] = (int)(hit - labels);
	}
	struct classifier m;
	char err[256];
	double t0 = clock_mono_ms();
	struct classifier_params cp = {o->C, !o->unbalanced, o->lr, o->chars};
	if (classifier_train(&m, docs, y, ntrain, labels, nl, &cp, err,
			     sizeof(err)) != 0) {
		fprintf(out, "secura: %s\n", err);
	} else {
		double secs = (clock_mono_ms() - t0) / 1000;
		fprintf(out,
			"trained on %d rows, %d classes, %d terms in %.2f s\n",
			ntrain, nl, m.tf.n, secs);
		char when[21];
		clock_iso(clock_now(), when);
		json_object_set_new(
		    m.meta, "data",
		    json_string(o->manifest ? o->manifest : o->data));
		if (sources)
			json_object_set(m.meta, "sources", sources);
		json_object_set_new(
		    m.meta, "solver",
		    json_string(o->lr ? "logistic regression" : "linear SVM"));
		json_object_set_new(m.meta, "test_fraction",
				    json_real(o->test_fraction));
		json_object_set_new(m.meta, "split",
				    json_string(o->split ? o->split : ""));
		json_object_set_new(m.meta, "year_split",
				    json_integer(o->year_split));
		json_object_set_new(m.meta, "train_rows", json_integer(ntrain));
		json_object_set_new(m.meta, "trained_at", json_string(when));
		json_object_set_new(m.meta, "C", json_real(o->C));
		json_object_set_new(
		    m.meta, "class_weights",
		    json_string(o->unbalanced ? "equal" : "balanced"));
		json_object_set_new(
		    m.meta, "features",
		    json_string(o->chars ? "word 1-2-grams and character "
					   "n-grams, min_df 2, sublinear tf, "
					   "idf, L2"
					 : "word 1-2-grams, min_df 2, "
					   "sublinear tf, idf, L2"));
		json_object_set_new(m.meta, "char_ngrams",
				    json_integer(o->chars));
		json_t *dist = json_object();
		for (int i = 0; i < ntrain; i++) {
			json_t *c = json_object_get(dist, labels[y[i]]);
			json_object_set_new(
			    dist, labels[y[i]],
			    json_integer(json_integer_value(c) + 1));
		}
		json_object_set_new(m.meta, "train_distribution", dist);
		if (ntest) {
			json_t *mt = evaluate(&m, &r, 1);
			print_metrics(out, mt);
			json_object_set_new(m.meta, "test_metrics", mt);
			if (o->metrics)
				*o->metrics = json_incref(mt);
		}
		rc = classifier_save(&m, o->model, err, sizeof(err)) == 0 ? 0
									  : 1;
		if (rc)
			fprintf(out, "secura: %s\n", err);
		classifier_free(&m);
	}
	arena_free(&a);
	free(docs);
	free(y);
	free(labels);
done:
	json_decref(sources);
	free_rows(&r);
	return rc;
}

/* Evaluates a saved model on the test part (or every row without a
 * split). Returns 0, or 1 on failure. */
int trainer_eval(const struct trainer_opts *o, FILE *out)
{
	struct classifier m;
	struct rows r;
	char err[512];
	if (classifier_load(&m, o->model, err, sizeof(err)) != 0) {
		fprintf(out, "secura: %s\n", err);
		return 1;
	}
	int rc = 1;
	if (read_rows(o, &r, out) == 0) {
		if (split_rows(o, &r, out) == 0) {
			json_t *mt = evaluate(&m, &r,
					      o->split || o->year_split ||
						      o->test_fraction > 0
						  ? 1
						  : 0);
			print_metrics(out, mt);
			if (o->metrics)
				*o->metrics = json_incref(mt);
			json_decref(mt);
			rc = 0;
		}
		free_rows(&r);
	}
	classifier_free(&m);
	return rc;
}
