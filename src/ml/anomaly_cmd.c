/* anomaly_cmd.c - `secura ml anomaly train|eval`: trains an anomaly
 * model (the forest and, where the rows carry labels of two classes, the
 * supervised classifier) from a file of rows and measures one on
 * labelled rows, printing the figures and, with --json, the same as
 * JSON. */
#include "anomaly_cmd.h"

#include "anomaly.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The options of both subcommands. */
struct aopts {
	const char *kind, *data, *out, *model, *format, *split, *label_field,
	    *labelled, *labelled_format;
	int normal_only, no_classifier, json, trees, subsample;
	unsigned long long seed;
};

/* Prints how to use the command to out; returns 2. */
static int usage(FILE *out)
{
	fprintf(
	    out,
	    "usage: secura ml anomaly train --kind K --data FILE --out MODEL "
	    "[--format F] [--normal-only] [--split train|test|all] "
	    "[--label-field F] [--trees N] [--subsample N] [--seed S] "
	    "[--labelled FILE [--labelled-format F] | --no-classifier]\n"
	    "       secura ml anomaly eval --model MODEL --data FILE "
	    "[--format F] [--split train|test|all] [--label-field F] "
	    "[--json]\n"
	    "formats: ecs (the default: ECS events as JSONL, labelled by "
	    "labels.scenario);\n"
	    "         csic, httpparams (http-access); nsl-kdd, unsw "
	    "(network-flow)\n"
	    "the classifier (benign, suspicious, malicious) is trained on the "
	    "training rows' labels, or on --labelled FILE's (of the same "
	    "kind), when they hold two classes\n");
	return 2;
}

/* Reads a positive integer option; 0 when it is not one. */
static long positive(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);
	return *end || v < 1 || v > 100000000 ? 0 : v;
}

/* Parses argv[0..argc) into o. Returns 0, or -1 on an unknown or
 * malformed option. */
static int parse(int argc, char **argv, struct aopts *o)
{
	*o = (struct aopts){.trees = 100, .subsample = 256, .seed = 42};
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		const char **s = !strcmp(a, "--kind")	       ? &o->kind
				 : !strcmp(a, "--data")	       ? &o->data
				 : !strcmp(a, "--out")	       ? &o->out
				 : !strcmp(a, "--model")       ? &o->model
				 : !strcmp(a, "--format")      ? &o->format
				 : !strcmp(a, "--split")       ? &o->split
				 : !strcmp(a, "--label-field") ? &o->label_field
				 : !strcmp(a, "--labelled")    ? &o->labelled
				 : !strcmp(a, "--labelled-format")
				     ? &o->labelled_format
				     : NULL;
		if (s && v) {
			*s = v;
			i++;
		} else if (!strcmp(a, "--normal-only")) {
			o->normal_only = 1;
		} else if (!strcmp(a, "--no-classifier")) {
			o->no_classifier = 1;
		} else if (!strcmp(a, "--json")) {
			o->json = 1;
		} else if (v && (!strcmp(a, "--trees") ||
				 !strcmp(a, "--subsample") ||
				 !strcmp(a, "--seed"))) {
			long n = positive(v);
			if (!n)
				return -1;
			if (a[2] == 't')
				o->trees = (int)n;
			else if (a[3] == 'u')
				o->subsample = (int)n;
			else
				o->seed = (unsigned long long)n;
			i++;
		} else {
			return -1;
		}
	}
	return 0;
}

/* The split to use: the one named, else the preferred one when the rows
 * have it, else all (-1). */
static int pick_split(const struct anomaly_rows *r, const char *name,
		      int preferred)
{
	if (name)
		return !strcmp(name, "train")  ? 0
		       : !strcmp(name, "test") ? 1
					       : -1;
	for (size_t i = 0; i < r->n; i++)
		if (r->split[i] == preferred)
			return preferred;
	return -1;
}

/* Prints a classifier's figures (anomaly_eval's "classifier") to out. */
static void print_classes(FILE *out, json_t *k)
{
#define R(o, f) json_number_value(json_object_get(o, f))
	json_t *cl;
	size_t i;
	char roc[16] = "n/a (one class)";
	if (json_is_number(json_object_get(k, "roc_auc")))
		snprintf(roc, sizeof(roc), "%.4f", R(k, "roc_auc"));
	fprintf(out,
		"classifier: accuracy %.4f  macro-F1 %.4f  ROC-AUC (not "
		"benign) %s\n",
		R(k, "accuracy"), R(k, "macro_f1"), roc);
	json_array_foreach(json_object_get(k, "classes"), i, cl)
	{
		json_int_t n =
		    json_integer_value(json_object_get(cl, "support"));
		if (n)
			fprintf(out,
				"  %-10s precision %.4f  recall %.4f  F1 %.4f  "
				"(%lld rows)\n",
				json_string_value(json_object_get(cl, "label")),
				R(cl, "precision"), R(cl, "recall"),
				R(cl, "f1"), (long long)n);
	}
#undef R
}

/* Prints an evaluation's figures to out. */
static void print_eval(FILE *out, json_t *e)
{
	json_t *c = json_object_get(e, "confusion");
#define R(k)	json_number_value(json_object_get(e, k))
#define I(o, k) (long long)json_integer_value(json_object_get(o, k))
	fprintf(out,
		"rows %lld (anomalous %lld)  ROC-AUC %.4f  PR-AUC %.4f\n"
		"at threshold %.4f: precision %.4f  recall %.4f  F1 %.4f\n"
		"confusion: tp %lld  fp %lld  tn %lld  fn %lld\n"
		"never seen in training: %lld rows; with them as anomalies "
		"ROC-AUC %.4f  PR-AUC %.4f\n"
		"scoring: %.0f rows/s\n",
		I(e, "rows"), I(e, "anomalies"), R("roc_auc"), R("pr_auc"),
		R("threshold"), R("precision"), R("recall"), R("f1"),
		I(c, "tp"), I(c, "fp"), I(c, "tn"), I(c, "fn"),
		I(e, "never_seen"), R("roc_auc_with_never_seen"),
		R("pr_auc_with_never_seen"), R("rows_per_second"));
#undef R
#undef I
	json_t *k = json_object_get(e, "classifier");
	if (k)
		print_classes(out, k);
}

/* Trains m's classifier on the labelled rows of r's split, or of the
 * --labelled file's training split (read in format f, or
 * --labelled-format's); says so on out,
 * or why there is none (fewer than two classes: not an error, unless
 * --labelled asked for it). Returns 0, or -1 on failure (said). */
static int classes(const struct aopts *o, enum anomaly_format f,
		   const char *kind, struct anomaly_model *m,
		   const struct anomaly_rows *r, int split, FILE *out)
{
	struct anomaly_rows lr;
	char err[256] = "";
	enum anomaly_format lf = f;
	if (o->labelled_format &&
	    (anomaly_format_parse(o->labelled_format, &lf) != 0 ||
	     (anomaly_format_kind(lf) &&
	      strcmp(anomaly_format_kind(lf), kind)))) {
		fprintf(out,
			"secura: --labelled-format %s: not a format of %s "
			"rows\n",
			o->labelled_format, kind);
		return -1;
	}
	if (o->labelled && anomaly_read(o->labelled, lf, kind, o->label_field,
					&lr, err, sizeof(err)) < 0) {
		fprintf(out, "secura: %s\n", err);
		return -1;
	}
	const struct anomaly_rows *use = o->labelled ? &lr : r;
	int rc = anomaly_train_classes(
	    m, use, o->labelled ? pick_split(&lr, o->split, 0) : split, err,
	    sizeof(err));
	if (rc == 0)
		fprintf(out,
			"classifier on %d benign, %d suspicious, %d malicious "
			"rows%s%s\n",
			m->cls->rows[0], m->cls->rows[1], m->cls->rows[2],
			o->labelled ? " of " : "",
			o->labelled ? o->labelled : "");
	else
		fprintf(out, "%s: %s\n",
			o->labelled ? "secura" : "no classifier", err);
	if (o->labelled) {
		json_object_set_new(m->meta, "labelled_data",
				    json_string(o->labelled));
		/* measured on the labelled file's own test rows */
		json_t *e = rc == 0 && pick_split(&lr, NULL, 1) == 1
				? anomaly_eval(m, &lr, 1)
				: NULL;
		json_t *k = json_object_get(e, "classifier");
		if (k) {
			fprintf(out, "held-out test rows of %s:\n",
				o->labelled);
			print_classes(out, k);
			json_object_set(m->meta, "classifier_metrics", k);
		}
		json_decref(e);
		anomaly_rows_free(&lr);
	}
	return rc != 0 && o->labelled ? -1 : 0;
}

/* secura ml anomaly train: reads, trains, evaluates on the test split
 * when the data has one, saves. Returns 0, 1 on failure, 2 on usage. */
static int train(const struct aopts *o, FILE *out)
{
	enum anomaly_format f;
	struct anomaly_rows r;
	struct anomaly_model m;
	char err[256] = "";
	const char *format = o->format ? o->format : "ecs";
	if (!o->data || !o->out || anomaly_format_parse(format, &f) != 0)
		return usage(out);
	const char *fkind = anomaly_format_kind(f),
		   *kind = o->kind ? o->kind : fkind;
	if (!kind) {
		fprintf(out, "secura: name the events' --kind\n");
		return 2;
	}
	if (fkind && strcmp(kind, fkind)) {
		fprintf(out, "secura: %s rows are %s events, not %s\n", format,
			fkind, kind);
		return 1;
	}
	if (anomaly_read(o->data, f, kind, o->label_field, &r, err,
			 sizeof(err)) < 0) {
		fprintf(out, "secura: %s\n", err);
		return 1;
	}
	int split = pick_split(&r, o->split, 0), rc = 1;
	clock_t t0 = clock();
	if (anomaly_train(&m, &r, split, o->normal_only, o->trees, o->subsample,
			  o->seed, err, sizeof(err)) != 0) {
		fprintf(out, "secura: %s\n", err);
		goto done;
	}
	double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
	m.kind = strdup(kind);
	char when[32];
	time_t now = time(NULL);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	json_object_set_new(m.meta, "data", json_string(o->data));
	json_object_set_new(m.meta, "format", json_string(format));
	json_object_set_new(m.meta, "trained_at", json_string(when));
	json_object_set_new(m.meta, "seed", json_integer((json_int_t)o->seed));
	fprintf(out, "trained on %lld rows (%d features) in %.2f s\n",
		(long long)json_integer_value(json_object_get(m.meta, "rows")),
		m.nfeat, secs);
	if (!o->no_classifier && classes(o, f, kind, &m, &r, split, out) != 0)
		goto fail;
	int test = pick_split(&r, NULL, 1);
	json_t *e = test == 1 ? anomaly_eval(&m, &r, 1) : NULL;
	if (e) {
		fprintf(out, "held-out test rows of the same file:\n");
		print_eval(out, e);
		json_object_set_new(m.meta, "metrics", e);
	}
	if (anomaly_save(&m, o->out, err, sizeof(err)) != 0)
		fprintf(out, "secura: %s\n", err);
	else
		rc = 0;
fail:
	anomaly_free(&m);
done:
	anomaly_rows_free(&r);
	return rc;
}

/* secura ml anomaly eval: measures a model on labelled rows. */
static int eval(const struct aopts *o, FILE *out)
{
	enum anomaly_format f;
	struct anomaly_rows r;
	struct anomaly_model m;
	char err[256] = "";
	if (!o->data || !o->model ||
	    anomaly_format_parse(o->format ? o->format : "ecs", &f) != 0)
		return usage(out);
	if (anomaly_load(&m, o->model, err, sizeof(err)) != 0) {
		fprintf(out, "secura: %s\n", err);
		return 1;
	}
	int rc = 1;
	if (anomaly_read(o->data, f, m.kind, o->label_field, &r, err,
			 sizeof(err)) < 0) {
		fprintf(out, "secura: %s\n", err);
		goto done;
	}
	json_t *e = anomaly_eval(&m, &r, pick_split(&r, o->split, 1));
	if (!e) {
		fprintf(out, "secura: no labelled rows to measure on\n");
	} else {
		if (o->json) {
			char *s =
			    json_dumps(e, JSON_INDENT(1) | JSON_SORT_KEYS);
			fprintf(out, "%s\n", s ? s : "{}");
			free(s);
		} else {
			print_eval(out, e);
		}
		json_decref(e);
		rc = 0;
	}
	anomaly_rows_free(&r);
done:
	anomaly_free(&m);
	return rc;
}

/* Runs `secura ml anomaly` with its arguments (argv[0] is "train" or
 * "eval"), printing to out. Returns the exit status: 0, 1 on failure, 2
 * on a usage error. */
int anomaly_command(int argc, char **argv, FILE *out)
{
	struct aopts o;
	if (argc < 1 || parse(argc - 1, argv + 1, &o) != 0)
		return usage(out);
	if (!strcmp(argv[0], "train"))
		return train(&o, out);
	if (!strcmp(argv[0], "eval"))
		return eval(&o, out);
	return usage(out);
}
