/* test_anomaly.c - the Isolation Forest, the HTTP lexical features, the
 * ranking figures and the anomaly model file, on data made here. */
#include "../../src/ml/anomaly.h"
#include "../../src/ml/evfeat.h"
#include "../../src/ml/httpfeat.h"
#include "../../src/ml/iforest.h"
#include "../../src/ml/window.h"
#include "../testhelp.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define N 2000

/* A cloud of normal points around (0, 0, 0) from a fixed generator. */
static void cloud(double *x, size_t n, unsigned seed)
{
	srand(seed);
	for (size_t i = 0; i < n * 3; i++)
		x[i] = ((double)rand() / RAND_MAX - 0.5) * 2;
}

/* The forest: c(n), determinism, anomalies above normal points, and a
 * file that round-trips while a damaged one is refused. */
static void test_forest(void)
{
	test_cond("c(n) as scikit-learn: c(1)=0, c(2)=1, c(256)=10.24",
		  iforest_c(1) == 0 && iforest_c(2) == 1 &&
		      fabs(iforest_c(256) - 10.2448) < 0.001);
	static double x[N * 3];
	cloud(x, N, 7);
	iforest a, b;
	char err[128];
	int ok =
	    iforest_fit(&a, x, N, 3, 100, 256, 42, err, sizeof(err)) == 0 &&
	    iforest_fit(&b, x, N, 3, 100, 256, 42, err, sizeof(err)) == 0;
	double centre[3] = {0, 0, 0}, far[3] = {4, -4, 4}, edge[3] = {1, 1, 1};
	test_cond("the same seed grows the same forest",
		  ok &&
		      iforest_score(&a, centre) == iforest_score(&b, centre) &&
		      iforest_score(&a, far) == iforest_score(&b, far));
	test_cond("points outside the cloud score above 0.6, its centre below "
		  "0.5",
		  iforest_score(&a, far) > 0.6 &&
		      iforest_score(&a, edge) > 0.6 &&
		      iforest_score(&a, centre) < 0.5);
	json_t *doc = iforest_to_json(&a);
	iforest c;
	ok = iforest_from_json(&c, doc, 3, err, sizeof(err)) == 0;
	test_cond("a forest saved and loaded scores the same",
		  ok && iforest_score(&c, far) == iforest_score(&a, far));
	iforest_free(&c);
	json_array_set_new(json_array_get(json_object_get(doc, "nodes"), 0), 1,
			   json_integer(0)); /* a child pointing at itself */
	test_cond("a damaged forest (a loop) is refused",
		  iforest_from_json(&c, doc, 3, err, sizeof(err)) != 0 &&
		      strstr(err, "damaged"));
	test_cond("a forest of other features is refused",
		  iforest_from_json(&c, doc, 4, err, sizeof(err)) != 0);
	json_decref(doc);
	double one[2] = {1, 1};
	test_cond("fitting on fewer than 2 rows is refused",
		  iforest_fit(&c, one, 1, 2, 10, 256, 1, err, sizeof(err)) !=
		      0);
	iforest_free(&a);
	iforest_free(&b);
}

/* Returns feature name of request r. */
static double feature(const struct http_req *r, const char *name)
{
	double f[128];
	httpfeat_compute(r, f);
	for (int k = 0; k < httpfeat_count(); k++)
		if (!strcmp(httpfeat_name(k), name))
			return f[k];
	return -1;
}

/* The lexical features read decoded values, whatever the encoding. */
static void test_features(void)
{
	char out[64];
	size_t n = httpfeat_decode("a%20b+c%2", 9, out);
	test_cond("decoding: %xx and + become bytes, a broken escape stays",
		  n == 7 && !memcmp(out, "a b c%2", 7));
	const char *sqli =
	    "id=1%27%20UNION%20SELECT%20password%20FROM%20users--";
	const char *plain = "id=42&name=Vino+Rioja";
	struct http_req a = {"GET", "/shop", sqli, NULL, 5, strlen(sqli), 0, 0};
	struct http_req b = {"GET", "/shop",	   plain, NULL,
			     5,	    strlen(plain), 0,	  0};
	test_cond("an encoded SQL injection counts its quote and SQL words",
		  feature(&a, "quote") > 0 && feature(&a, "sql_words") > 0 &&
		      feature(&a, "dashdash") > 0);
	test_cond("a plain request has none and two parameters",
		  feature(&b, "quote") == 0 && feature(&b, "sql_words") == 0 &&
		      fabs(feature(&b, "params") - log1p(2)) < 1e-9);
	const char *xss = "<script>alert(document.cookie)</script>";
	struct http_req c = {"POST", "/", xss, NULL, 1, strlen(xss), 0, 1};
	test_cond("one value read whole: an XSS payload counts its words",
		  feature(&c, "xss_words") > 0 &&
		      fabs(feature(&c, "params") - log1p(1)) < 1e-9);
	struct http_req d = {"TRACE", "/", "", NULL, 1, 0, 0, 0};
	test_cond("an unusual method is flagged",
		  feature(&d, "unusual_method") == 1 &&
		      feature(&b, "unusual_method") == 0);
}

/* ROC-AUC and average precision against values computed by hand. */
static void test_figures(void)
{
	double s[] = {0.9, 0.8, 0.7, 0.6, 0.5, 0.4};
	int perfect[] = {1, 1, 1, 0, 0, 0}, mixed[] = {1, 0, 1, 0, 1, 0};
	test_cond("a perfect ranking has ROC-AUC 1 and PR-AUC 1",
		  anomaly_roc_auc(s, perfect, 6) == 1 &&
		      anomaly_pr_auc(s, perfect, 6) == 1);
	/* mixed: positives at ranks 1, 3, 5: AUC = (3+2+1)/9 */
	test_cond("a mixed ranking: ROC-AUC 6/9",
		  fabs(anomaly_roc_auc(s, mixed, 6) - 6.0 / 9) < 1e-12);
	/* AP = (1/3)(1 + 2/3 + 3/5) */
	test_cond("and average precision (1 + 2/3 + 3/5) / 3",
		  fabs(anomaly_pr_auc(s, mixed, 6) -
		       (1 + 2.0 / 3 + 3.0 / 5) / 3) < 1e-12);
	double tied[] = {0.5, 0.5};
	int one_each[] = {1, 0};
	test_cond("ties count half", anomaly_roc_auc(tied, one_each, 2) == 0.5);
	test_cond("without both classes there is no ROC-AUC",
		  isnan(anomaly_roc_auc(s, perfect, 3)));
}

/* A model trained from a file of HttpParams rows made here: normal
 * values train it, attacks score above them, the file round-trips and a
 * foreign file is refused. */
static void test_model(void)
{
	char path[] = "/tmp/secura-anomaly-XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	static const char *const normal[] = {
	    "Vino Rioja",  "c/ caridad s/n", "1442431887503330",
	    "madrid",	   "28001",	     "Jamon iberico",
	    "maria.lopez", "Calle Mayor 5",  "Aceite de oliva",
	    "100"};
	static const char *const attack[] = {
	    "' or 1=1--", "<script>alert(1)</script>", "../../../../etc/passwd",
	    "; cat /etc/shadow", "1 UNION SELECT null,password FROM users"};
	for (int i = 0; f && i < 400; i++)
		fprintf(f,
			"{\"payload\": \"%s %d\", \"label\": 0, \"split\": "
			"\"%s\"}\n",
			normal[i % 10], i, i < 300 ? "train" : "test");
	for (int i = 0; f && i < 50; i++) {
		json_t *j = json_pack("{ss si ss}", "payload", attack[i % 5],
				      "label", 1, "split", "test");
		char *s = json_dumps(j, JSON_COMPACT);
		fprintf(f, "%s\n", s);
		free(s);
		json_decref(j);
	}
	if (f)
		fclose(f);
	struct anomaly_rows r;
	struct anomaly_model m, back;
	char err[256] = "";
	int ok =
	    f &&
	    anomaly_read(path, ANOMALY_HTTPPARAMS, NULL, NULL, &r, err,
			 sizeof(err)) == 450 &&
	    anomaly_train(&m, &r, 0, 1, 100, 256, 42, err, sizeof(err)) == 0;
	test_cond("a model trains on the normal training rows", ok);
	json_t *e = ok ? anomaly_eval(&m, &r, 1) : NULL;
	double auc = json_number_value(json_object_get(e, "roc_auc"));
	test_cond("attacks rank above held-out normal values", auc > 0.95);
	if (!e)
		printf("# %s\n", err);
	json_decref(e);
	char out[sizeof(path) + 8];
	snprintf(out, sizeof(out), "%s.model", path);
	ok = ok && anomaly_save(&m, out, err, sizeof(err)) == 0 &&
	     anomaly_load(&back, out, err, sizeof(err)) == 0;
	int same = ok;
	for (size_t i = 0; same && i < r.n; i++)
		same = anomaly_score(&m, r.num + i * (size_t)r.nnum,
				     r.cat + i * (size_t)r.ncat, NULL) ==
		       anomaly_score(&back, r.num + i * (size_t)r.nnum,
				     r.cat + i * (size_t)r.ncat, NULL);
	test_cond("a saved model loads and scores every row the same", same);
	int odd = 0;
	const char *post = "PATCH";
	anomaly_score(&m, r.num, &post, &odd);
	test_cond("a method never seen in training is flagged", odd == 1);
	struct anomaly_model foreign;
	test_cond("a file that is not a model is refused with a reason",
		  anomaly_load(&foreign, path, err, sizeof(err)) != 0 &&
		      strstr(err, "not a Secura anomaly model"));
	if (ok) {
		anomaly_free(&m);
		anomaly_free(&back);
		anomaly_rows_free(&r);
	}
	unlink(path);
	unlink(out);
}

/* The supervised side: labels named as datasets name them map onto
 * benign, suspicious and malicious; a classifier learns from labelled
 * payloads, measures per class, survives its file and a retrained
 * forest, and is refused one class. */
static void test_classifier(void)
{
	test_cond(
	    "labels map onto the three classes",
	    evclass_of_label("normal") == 0 && evclass_of_label("norm") == 0 &&
		evclass_of_label("portsweep") == 1 &&
		evclass_of_label("Reconnaissance") == 1 &&
		evclass_of_label("suspicious") == 1 &&
		evclass_of_label("neptune") == 2 &&
		evclass_of_label("sqli") == 2 && evclass_of_label("") == -1);
	char path[] = "/tmp/secura-evclass-XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	static const char *const normal[] = {"Vino Rioja", "madrid", "28001",
					     "maria.lopez", "Calle Mayor 5"};
	static const char *const attack[] = {
	    "' or 1=1--", "<script>alert(1)</script>",
	    "1 UNION SELECT null,password FROM users", "\"><img src=x>"};
	for (int i = 0; f && i < 600; i++) {
		int bad = i % 6 == 0;
		json_t *j = json_pack(
		    "{ss ss si ss}", "payload",
		    bad ? attack[i % 4] : normal[i % 5], "attack_type",
		    bad ? (i % 4 == 1 ? "xss" : "sqli") : "norm", "label", bad,
		    "split", i < 400 ? "train" : "test");
		char *line = json_dumps(j, JSON_COMPACT);
		fprintf(f, "%s\n", line);
		free(line);
		json_decref(j);
	}
	if (f)
		fclose(f);
	struct anomaly_rows r;
	struct anomaly_model m, back, plain;
	char err[256] = "";
	int ok =
	    f &&
	    anomaly_read(path, ANOMALY_HTTPPARAMS, NULL, NULL, &r, err,
			 sizeof(err)) == 600 &&
	    anomaly_train(&m, &r, 0, 1, 50, 128, 7, err, sizeof(err)) == 0 &&
	    anomaly_train_classes(&m, &r, 0, err, sizeof(err)) == 0;
	if (!ok)
		printf("# %s\n", err);
	test_cond("a classifier trains on the labelled training rows",
		  ok && m.cls->rows[0] > 0 && m.cls->rows[2] > 0 &&
		      m.cls->rows[1] == 0);
	json_t *e = ok ? anomaly_eval(&m, &r, 1) : NULL,
	       *k = json_object_get(e, "classifier");
	test_cond("it is measured per class on the held-out rows",
		  json_number_value(json_object_get(k, "accuracy")) > 0.95 &&
		      json_array_size(json_object_get(k, "classes")) == 3);
	json_decref(e);
	double p[EVCLASS_N];
	const char *get = "GET";
	double sqli[64] = {0};
	for (size_t i = 0; ok && i < r.n; i++)
		if (r.cls[i] == 2)
			memcpy(sqli, r.num + i * (size_t)r.nnum,
			       sizeof(double) * (size_t)r.nnum);
	test_cond("an injection is called malicious",
		  ok && anomaly_classify(&m, sqli, &get, p) == 2 &&
		      p[2] > 0.5 && p[1] == 0);
	char out[sizeof(path) + 8];
	snprintf(out, sizeof(out), "%s.model", path);
	int same = ok && anomaly_save(&m, out, err, sizeof(err)) == 0 &&
		   anomaly_load(&back, out, err, sizeof(err)) == 0 &&
		   back.cls != NULL;
	ok = same &&
	     anomaly_train(&plain, &r, 0, 1, 50, 128, 8, err, sizeof(err)) == 0;
	int copied =
	    ok && plain.cls == NULL && anomaly_copy_classes(&plain, &back) == 1;
	for (size_t i = 0; copied && i < r.n; i++) {
		double a[EVCLASS_N], b[EVCLASS_N];
		const double *num = r.num + i * (size_t)r.nnum;
		const char *const *cat = r.cat + i * (size_t)r.ncat;
		same = same &&
		       anomaly_classify(&m, num, cat, a) ==
			   anomaly_classify(&back, num, cat, b) &&
		       fabs(a[2] - b[2]) < 1e-9 &&
		       anomaly_classify(&plain, num, cat, b) ==
			   anomaly_classify(&m, num, cat, a);
	}
	test_cond("a saved classifier loads, and a retrained forest keeps "
		  "it, classifying every row the same",
		  same && copied);
	for (size_t i = 0; i < r.n; i++)
		r.cls[i] = r.cls[i] > 0 ? -1 : r.cls[i];
	struct anomaly_model one;
	int refused =
	    ok &&
	    anomaly_train(&one, &r, 0, 1, 10, 64, 1, err, sizeof(err)) == 0 &&
	    anomaly_train_classes(&one, &r, 0, err, sizeof(err)) != 0 &&
	    strstr(err, "needs two") && one.cls == NULL;
	test_cond("one class is refused with a reason", refused);
	if (ok) {
		anomaly_free(&one);
		anomaly_free(&plain);
		anomaly_free(&back);
	}
	anomaly_free(&m);
	anomaly_rows_free(&r);
	unlink(path);
	unlink(out);
}

/* The sliding windows: a rate over the last span, the previous bucket
 * fading out, "first time" marks, and a full table that evicts rather
 * than grows. */
static void test_windows(void)
{
	window *w = window_new(64, 60000);
	uint64_t k = window_key("10.0.0.1", NULL);
	double last = 0;
	for (int i = 0; i < 10; i++)
		last = window_add(w, k, 60000 + i * 1000, 1);
	test_cond("ten events in one minute count ten", last == 10);
	test_cond("half a minute on, half the previous bucket still counts",
		  fabs(window_add(w, k, 150000, 0) - 5) < 0.01);
	test_cond("two minutes on, the window is empty",
		  window_add(w, k, 240000, 0) == 0);
	test_cond("a key is fresh the first time only",
		  window_touch(w, 7, 1000) == 1 &&
		      window_touch(w, 7, 2000) == 0);
	for (uint64_t i = 0; i < 10000; i++)
		window_touch(w, i * 7919, 5000);
	test_cond("a full table still answers (it evicts, it does not grow)",
		  window_add(w, k, 6000, 1) >= 1);
	test_cond("pair keys differ by order",
		  window_key("a", "b") != window_key("b", "a"));
	window_free(w);
}

/* The event features: kinds from categories, a port scan's fan-out, a
 * password spray's users per address, a first sign-in on a host. */
static void test_event_features(void)
{
	json_t *web = json_pack("{s{ss}}", "event", "category", "web"),
	       *list = json_pack("{s{s[s]}}", "event", "category",
				 "authentication"),
	       *none = json_object();
	test_cond("an event's kind follows its ECS category",
		  !strcmp(evfeat_kind_of(web), "http-access") &&
		      !strcmp(evfeat_kind_of(list), "auth") &&
		      !strcmp(evfeat_kind_of(none), "generic"));
	json_decref(web);
	json_decref(list);
	json_decref(none);
	struct evfeat_columns cols;
	test_cond("network-flow and auth declare their columns; endpoint has "
		  "none",
		  evfeat_columns("network-flow", &cols) == 0 &&
		      !strcmp(cols.num_names[6], "distinct_hosts_1m") &&
		      evfeat_columns("auth", &cols) == 0 &&
		      evfeat_columns("endpoint", &cols) != 0);
	evfeat_state *st = evfeat_state_new(0);
	double num[EVFEAT_MAX_NUM];
	const char *cat[EVFEAT_MAX_CAT];
	double one = 0, many = 0;
	int cats = 1;
	for (int port = 1; port <= 200; port++) {
		json_t *f =
		    json_pack("{s{ss} s{ss si} s{ss}}", "source", "ip",
			      "10.0.1.33", "destination", "ip", "10.0.0.40",
			      "port", port, "network", "transport", "tcp");
		evfeat_compute(st, "network-flow", f, 1000000 + port * 10, num,
			       cat);
		if (port == 1)
			one = num[7];
		many = num[7];
		cats &= !strcmp(cat[0], "tcp") &&
			!strcmp(cat[1], port < 1024 ? "well-known" : "?");
		json_decref(f);
	}
	test_cond("a port scan's distinct ports a minute climb (log1p 200)",
		  one == log1p(1) && fabs(many - log1p(200)) < 0.01 && cats);
	double first = 0, again = 0, users = 0;
	for (int u = 0; u < 30; u++) {
		char name[16];
		snprintf(name, sizeof(name), "user%d", u);
		json_t *a = json_pack("{s{ss} s{ss} s{ss} s{ss ss}}", "user",
				      "name", name, "host", "name", "VPN",
				      "source", "ip", "198.51.100.23", "event",
				      "outcome", "failure", "action", "logon");
		evfeat_compute(st, "auth", a, 5000000 + u * 1000, num, cat);
		users = num[6];
		if (u == 0)
			first = num[2];
		json_decref(a);
	}
	json_t *a =
	    json_pack("{s{ss} s{ss} s{ss}}", "user", "name", "user0", "host",
		      "name", "VPN", "source", "ip", "198.51.100.23");
	evfeat_compute(st, "auth", a, 5100000, num, cat);
	again = num[2];
	json_decref(a);
	test_cond("a spray's distinct users per address climb; a first "
		  "sign-in on a host is marked once",
		  fabs(users - log1p(30)) < 0.01 && first == 1 && again == 0);
	evfeat_state_free(st);
}

int main(void)
{
	test_windows();
	test_event_features();
	test_forest();
	test_features();
	test_figures();
	test_model();
	test_classifier();
	return test_report();
}
