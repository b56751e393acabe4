/* test_anomaly.c - the Isolation Forest, the HTTP lexical features, the
 * ranking figures and the anomaly model file, on data made here. */
#include "../../src/ml/anomaly.h"
#include "../../src/ml/httpfeat.h"
#include "../../src/ml/iforest.h"
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
	    anomaly_read(path, ANOMALY_HTTPPARAMS, &r, err, sizeof(err)) ==
		450 &&
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

int main(void)
{
	test_forest();
	test_features();
	test_figures();
	test_model();
	return test_report();
}
