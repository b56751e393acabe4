/* test_ml.c - tokenizer (indicators, defanged forms, accents, no false
 * positives), TF-IDF against hand-computed values, training on a tiny
 * made-up set, model save/load round trip and refusal of bad files. */
#include "../../src/core/buf.h"
#include "../../src/ml/classifier.h"
#include "../../src/ml/ioc.h"
#include "../../src/ml/trainer.h"
#include "../testhelp.h"

#include <math.h>
#include <stdlib.h>
#include <unistd.h>

/* Tokenizes s and joins the tokens with '|' into a static buffer. */
static const char *toks(const char *s)
{
	static char out[512];
	arena a;
	struct tokens t = {0};
	arena_init(&a);
	text_tokens(&a, s, &t);
	out[0] = '\0';
	for (size_t i = 0; i < t.n; i++) {
		strncat(out, t.v[i], sizeof(out) - strlen(out) - 2);
		if (i + 1 < t.n)
			strcat(out, "|");
	}
	arena_free(&a);
	return out;
}

static void test_tokenizer(void)
{
	test_streq("words are lower-cased, single letters dropped",
		   toks("A Phishing Email, I clicked!"),
		   "phishing|email|clicked");
	test_streq("accented capitals are lower-cased", toks("ÉQUIPE Zoë ÀLA"),
		   "équipe|zoë|àla");
	test_streq("numbers become <num>", toks("sent 1,800 mails in 2009"),
		   "sent|<num>|<num>|mails|in|<num>");
	test_streq("IPv4 address", toks("from 203.0.113.7."), "from|<ip>");
	test_streq("defanged IPv4", toks("host 1.2.3[.]4"), "host|<ip>");
	test_streq("version number is not an IP", toks("v 1.2.3.4.5"),
		   "<num>|<num>|<num>|<num>|<num>");
	test_streq("octet over 255 is not an IP", toks("10.0.0.256"),
		   "<num>|<num>|<num>|<num>");
	test_streq("URL", toks("see https://evil.example/x?a=1"), "see|<url>");
	test_streq("defanged URL", toks("hxxp://evil[.]example/"), "<url>");
	test_streq("email address", toks("(ceo@evil.example)"), "<email>");
	test_streq("MD5 hash", toks("d41d8cd98f00b204e9800998ecf8427e"),
		   "<hash>");
	test_streq("SHA-256 hash",
		   toks("E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA49599"
			"1B7852B855"),
		   "<hash>");
	test_streq("CVE id", toks("patch CVE-2021-44228"), "patch|<cve>");
	test_streq("33 hex digits is not a hash",
		   toks("d41d8cd98f00b204e9800998ecf8427e0"),
		   "d41d8cd98f00b204e9800998ecf8427e0");
}

/* Extracts the indicators of s as "kind=value" joined with ' '. */
static const char *iocs(const char *s)
{
	static char out[1024];
	arena a;
	struct iocs v = {0};
	arena_init(&a);
	ioc_extract(&a, s, &v);
	out[0] = '\0';
	for (size_t i = 0; i < v.n; i++)
		snprintf(out + strlen(out), sizeof(out) - strlen(out),
			 "%s%s=%s", i ? " " : "", v.v[i].kind, v.v[i].value);
	arena_free(&a);
	return out;
}

static void test_ioc(void)
{
	static const struct {
		const char *what, *in, *want;
	} cases[] = {
	    {"IPv4 in a sentence", "Traffic from 203.0.113.7, then (10.0.0.5).",
	     "ipv4=203.0.113.7 ipv4=10.0.0.5"},
	    {"IPv4 with a port", "RDP to 198.51.100.20:3389 seen",
	     "ipv4=198.51.100.20"},
	    {"defanged IPv4", "beacon to 1.2.3[.]4 and 5(.)6.7{.}8",
	     "ipv4=1.2.3.4 ipv4=5.6.7.8"},
	    {"version numbers are not addresses",
	     "upgrade to 1.2.3.4.5 or v2.0.1.7 or 10.0.0.256 or 1.2.3", ""},
	    {"IPv6 compressed", "src 2001:DB8:0:0:0:0:0:1 and fe80::1%",
	     "ipv6=2001:db8::1"},
	    {"times are not IPv6", "at 12:30:45 and 09:15", ""},
	    {"URL and its host",
	     "click https://Login.Example.COM/reset?u=1 now",
	     "url=https://Login.Example.COM/reset?u=1 "
	     "domain=login.example.com"},
	    {"defanged URL", "hxxps://evil[.]example/payload.exe",
	     "url=https://evil.example/payload.exe domain=evil.example"},
	    {"URL with a user and an IP host", "ftp://bob:pw@192.0.2.1:21/x",
	     "url=ftp://bob:pw@192.0.2.1:21/x "
	     "ipv4=192.0.2.1"},
	    {"markdown link", "[here](http://phish.example.net/a)",
	     "url=http://phish.example.net/a domain=phish.example.net"},
	    {"bare domain", "lookalike domain micros0ft-support.com was used",
	     "domain=micros0ft-support.com"},
	    {"defanged domain", "evil[dot]example[.]org",
	     "domain=evil.example.org"},
	    {"file names are not domains",
	     "opened invoice.pdf.exe and setup.py, see README.md, e.g. this",
	     ""},
	    {"e-mail address", "from CEO@Corp-Mail.example.com:",
	     "email=ceo@corp-mail.example.com"},
	    {"defanged e-mail", "sender bob[@]evil[.]com",
	     "email=bob@evil.com"},
	    {"hashes by length",
	     "d41d8cd98f00b204e9800998ecf8427e "
	     "DA39A3EE5E6B4B0D3255BFEF95601890AFD80709 "
	     "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
	     "md5=d41d8cd98f00b204e9800998ecf8427e "
	     "sha1=da39a3ee5e6b4b0d3255bfef95601890afd80709 "
	     "sha256=e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b78"
	     "52b855"},
	    {"33 hex digits is not a hash", "d41d8cd98f00b204e9800998ecf8427e0",
	     ""},
	    {"CVE ids upper-cased", "patch cve-2021-44228 and CVE-2023-4863.",
	     "cve=CVE-2021-44228 cve=CVE-2023-4863"},
	    {"not CVE ids", "CVE-21-1 CVE-2021-12", ""},
	    {"key=value log fields",
	     "src=203.0.113.9 dst=example.org action=blocked",
	     "ipv4=203.0.113.9 domain=example.org"},
	    {"a URL keeps its query and drops a closing bracket",
	     "(see https://x.example.com/a?b=1&c=2), then",
	     "url=https://x.example.com/a?b=1&c=2 domain=x.example.com"},
	    {"each indicator once", "8.8.8.8 8.8.8.8 hxxp://8.8.8[.]8",
	     "ipv4=8.8.8.8 url=http://8.8.8.8"},
	    {"plain prose has none",
	     "I clicked a link in an email and typed my password. Sorry!", ""},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		test_streq(cases[i].what, iocs(cases[i].in), cases[i].want);
}

static void test_tfidf(void)
{
	arena a;
	arena_init(&a);
	struct tokens d[3] = {{0}, {0}, {0}};
	text_tokens(&a, "laptop stolen laptop", &d[0]);
	text_tokens(&a, "laptop lost", &d[1]);
	text_tokens(&a, "phishing email", &d[2]);
	struct tfidf t;
	test_cond("vocabulary fits", tfidf_fit(&t, d, 3, 2, 0) == 0);
	/* Only "laptop" occurs in 2 documents. idf = ln(4/3) + 1. */
	test_cond("min_df keeps only terms in 2+ documents",
		  t.n == 1 && !strcmp(t.terms[0], "laptop"));
	test_cond("idf is ln((1+N)/(1+df)) + 1",
		  fabs(t.idf[0] - (log(4.0 / 3.0) + 1)) < 1e-12);
	struct feature_node *x = tfidf_vector(&t, &d[0], &a);
	test_cond("a one-term vector has unit length",
		  x[0].index == 1 && fabs(x[0].value - 1.0) < 1e-12);
	test_cond("bias node and terminator follow",
		  x[1].index == 2 && x[1].value == 1.0 && x[2].index == -1);
	struct tokens unk = {0};
	text_tokens(&a, "nothing known", &unk);
	x = tfidf_vector(&t, &unk, &a);
	test_cond("unknown words give only the bias", x[0].index == 2);
	tfidf_free(&t);
	/* Two terms: tf sublinear 1 + ln(2) for the repeated one. */
	struct tokens e[2] = {{0}, {0}};
	text_tokens(&a, "alpha alpha beta", &e[0]);
	text_tokens(&a, "alpha beta", &e[1]);
	tfidf_fit(&t, e, 2, 2, 0);
	x = tfidf_vector(&t, &e[0], &a);
	/* alpha, "alpha beta" and beta all have df 2: equal idf, so the
	 * vector is (1 + ln 2, 1, 1) normalised; "alpha alpha" has df 1. */
	double na = 1 + log(2.0), norm = sqrt(na * na + 2);
	test_cond("sublinear tf and L2 norm match hand values",
		  t.n == 3 && fabs(x[0].value - na / norm) < 1e-12 &&
		      fabs(x[1].value - 1 / norm) < 1e-12);
	tfidf_free(&t);
	arena_free(&a);
}

static void test_train_save_load(void)
{
	static const char *texts[] = {
	    "laptop stolen from car",	"phone lost on train",
	    "tablet stolen at airport", "laptop lost in taxi",
	    "phishing email password",	"email asking for password",
	    "fake invoice email link",	"phishing link in email"};
	static const int y[] = {0, 0, 0, 0, 1, 1, 1, 1};
	char *labels[] = {"lost-device", "phishing"};
	arena a;
	arena_init(&a);
	struct tokens d[8];
	memset(d, 0, sizeof(d));
	for (int i = 0; i < 8; i++)
		text_tokens(&a, texts[i], &d[i]);
	struct classifier m, back;
	char err[256];
	test_cond("trains on a tiny set",
		  classifier_train(&m, d, y, 8, labels, 2,
				   &(struct classifier_params){1.0, 1, 0, 0},
				   err, sizeof(err)) == 0);
	struct tokens q1 = {0}, q2 = {0};
	text_tokens(&a, "my laptop was stolen", &q1);
	text_tokens(&a, "suspicious email with a link", &q2);
	test_cond("predicts the obvious classes",
		  classifier_predict(&m, &q1, &a) == 0 &&
		      classifier_predict(&m, &q2, &a) == 1);
	char path[] = "/tmp/secura-model-XXXXXX";
	int fd = mkstemp(path);
	close(fd);
	test_cond("saves", classifier_save(&m, path, err, sizeof(err)) == 0);
	test_cond("loads", classifier_load(&back, path, err, sizeof(err)) == 0);
	int same = back.nlabels == 2 && back.tf.n == m.tf.n;
	for (int i = 0; same && i < (m.tf.n + 1) * 2; i++)
		same = fabs(back.w[i] - m.w[i]) <= 1e-6 * fmax(1, fabs(m.w[i]));
	test_cond("round trip keeps terms and weights (7 digits)", same);
	test_cond("and predictions",
		  classifier_predict(&back, &q1, &a) == 0 &&
		      classifier_predict(&back, &q2, &a) == 1);
	classifier_free(&back);

	struct classifier lr;
	test_cond("trains logistic regression",
		  classifier_train(&lr, d, y, 8, labels, 2,
				   &(struct classifier_params){10.0, 1, 1, 4},
				   err, sizeof(err)) == 0 &&
		      lr.lr);
	double p[2];
	struct feature_node *x;
	int k = classifier_scores(&lr, &q1, &a, p, &x);
	test_cond("probabilities sum to 1 and favour the right class",
		  k == 0 && fabs(p[0] + p[1] - 1) < 1e-12 && p[0] > 0.5);
	struct classifier_term top[3];
	int nt = classifier_explain(&lr, x, 0, top, 3);
	test_cond("explanation: the terms that pushed, strongest first",
		  nt >= 2 && top[0].weight >= top[1].weight &&
		      top[1].weight > 0 &&
		      (!strcmp(top[0].term, "laptop") ||
		       !strcmp(top[0].term, "stolen")));
	test_cond("character n-grams are in the vocabulary",
		  tfidf_find(&lr.tf, "~lap") && tfidf_find(&lr.tf, "~top ") &&
		      tfidf_find(&lr.tf, "~lapt") &&
		      !tfidf_find(&lr.tf, "~lapto"));
	test_cond("the solver and n-gram option survive the model file",
		  classifier_save(&lr, path, err, sizeof(err)) == 0 &&
		      classifier_load(&back, path, err, sizeof(err)) == 0 &&
		      back.lr == 1 && back.tf.chars == 4 &&
		      classifier_predict(&back, &q1, &a) == 0);
	classifier_free(&back);
	classifier_free(&lr);
	static const char *bad[] = {
	    "not json at all",
	    "{\"format\":\"other\",\"version\":1}",
	    "{\"format\":\"secura-model\",\"version\":2}",
	    "{\"format\":\"secura-model\",\"version\":1,\"labels\":[\"a\","
	    "\"b\"],"
	    "\"terms\":[\"x\"],\"idf\":[1],\"w\":[1,2]}",
	    "{\"format\":\"secura-model\",\"version\":1,\"labels\":[\"a\","
	    "\"b\"],"
	    "\"terms\":[\"y\",\"x\"],\"idf\":[1,1],\"w\":[1,2,3,4,5,6]}",
	    "{\"format\":\"secura-model\",\"version\":1,\"labels\":[\"a\","
	    "\"b\"],"
	    "\"terms\":[\"x\"],\"idf\":[\"1\"],\"w\":[1,2,3,4]}",
	};
	int refused = 1;
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		FILE *f = fopen(path, "w");
		fputs(bad[i], f);
		fclose(f);
		refused &= classifier_load(&back, path, err, sizeof(err)) == -1;
	}
	test_cond("corrupt or foreign model files are refused", refused);
	unlink(path);
	classifier_free(&m);
	arena_free(&a);
}

/* Writes s to a new temporary file named by path (a mkstemps pattern). */
static void write_tmp(char *path, int suffix, const char *s)
{
	int fd = mkstemps(path, suffix);
	FILE *f = fdopen(fd, "w");
	fputs(s, f);
	fclose(f);
}

static void test_trainer_files(void)
{
	char csv[] = "/tmp/secura-ml-XXXXXX.csv",
	     model[] = "/tmp/secura-m-XXXXXX";
	buf b = BUF_INIT;
	buf_puts(&b, "Description,Severity\n");
	for (int i = 0; i < 20; i++)
		buf_printf(&b,
			   "\"Laptop \"\"FIN-%d\"\" stolen, from car\nat "
			   "night\",high\n"
			   "\"Newsletter typo, page %d\",low\n",
			   i, i);
	write_tmp(csv, 4, buf_cstr(&b));
	buf_free(&b);
	int fd = mkstemp(model);
	close(fd);
	struct trainer_opts o = {.data = csv,
				 .text_field = "Description",
				 .label_field = "Severity",
				 .test_fraction = 0.25,
				 .seed = 3,
				 .model = model,
				 .C = 1};
	FILE *out = fopen("/dev/null", "w");
	test_cond("trains from CSV with quotes, commas and newlines in fields",
		  trainer_train(&o, out) == 0);
	struct classifier m;
	char err[256];
	test_cond("the CSV model loads with both labels",
		  classifier_load(&m, model, err, sizeof(err)) == 0 &&
		      m.nlabels == 2 && !strcmp(m.labels[0], "high"));
	json_t *tm = json_object_get(m.meta, "test_metrics");
	test_cond("a quarter of each class was held out, all predicted right",
		  json_integer_value(json_object_get(tm, "rows")) == 10 &&
		      json_real_value(json_object_get(tm, "accuracy")) == 1.0);
	classifier_free(&m);
	o.text_field = "Missing";
	test_cond("a missing column is refused", trainer_train(&o, out) != 0);
	char jsonl[] = "/tmp/secura-ml-XXXXXX.jsonl",
	     split[] = "/tmp/secura-s-XXXXXX";
	write_tmp(
	    jsonl, 6,
	    "{\"id\":\"a\",\"text\":\"stolen laptop car\",\"label\":\"PORT\"}\n"
	    "{\"id\":\"b\",\"text\":\"laptop stolen "
	    "office\",\"label\":\"PORT\"}\n"
	    "{\"id\":\"c\",\"text\":\"hackers breached "
	    "server\",\"label\":\"HACK\"}\n"
	    "{\"id\":\"d\",\"text\":\"server breached by "
	    "hackers\",\"label\":\"HACK\"}\n"
	    "{\"id\":\"e\",\"text\":\"laptop stolen\",\"label\":\"PORT\"}\n");
	write_tmp(split, 0,
		  "{\"train\":[\"a\",\"b\",\"c\",\"d\"],\"test\":[\"e\"]}");
	struct trainer_opts j = {.data = jsonl,
				 .text_field = "text",
				 .label_field = "label",
				 .split = split,
				 .model = model,
				 .C = 1};
	test_cond("trains from JSONL with a split file",
		  trainer_train(&j, out) == 0);
	test_cond("and evaluates the saved model", trainer_eval(&j, out) == 0);
	json_t *mt = NULL;
	struct trainer_opts sep = {.data = csv,
				   .test = csv,
				   .text_field = "Description",
				   .label_field = "Severity",
				   .model = model,
				   .C = 1,
				   .metrics = &mt};
	test_cond("--test: a separate test file is the test part",
		  trainer_train(&sep, out) == 0 &&
		      json_integer_value(json_object_get(mt, "rows")) == 40);
	json_decref(mt);
	FILE *again = fopen(jsonl, "w");
	fputs("{\"id\":\"x\",\"txt\":\"no text field\"}\n", again);
	fclose(again);
	test_cond("a row without the text field is refused",
		  trainer_train(&j, out) != 0);
	fclose(out);
	unlink(csv);
	unlink(jsonl);
	unlink(split);
	unlink(model);
}

int main(void)
{
	test_tokenizer();
	test_ioc();
	test_trainer_files();
	test_tfidf();
	test_train_save_load();
	return test_report();
}
