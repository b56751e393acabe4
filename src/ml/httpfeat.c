/* httpfeat.c - see httpfeat.h. Every feature is a row of one table
 * (name, how it is computed); the values a parameter carries are
 * percent-decoded (and '+' read as a space) first, so an attack cannot
 * hide behind escapes, and every count is log1p-scaled (ratios are not).
 * The features describe shapes (lengths, character classes, escapes,
 * keyword families of SQL, XSS, traversal and command injection) rather
 * than one application's parameter names, so they carry over to traffic
 * the model never saw. */
#include "httpfeat.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* What the features read: the decoded parameter values (joined by '\n'),
 * lower-cased too, the raw query and body, the path. */
struct lex {
	const struct http_req *r;
	char *vals, *lower;
	size_t n;
	int params, max_value;
};

typedef double (*feat_fn)(const struct lex *l, const char *arg);

/* Returns how often needle occurs in hay[0..n). */
static int occurrences(const char *hay, size_t n, const char *needle)
{
	size_t k = strlen(needle);
	int c = 0;
	for (size_t i = 0; k && i + k <= n; i++)
		if (!memcmp(hay + i, needle, k))
			c++;
	return c;
}

/* The count of arg in the decoded values. */
static double f_count(const struct lex *l, const char *arg)
{
	return log1p(occurrences(l->vals, l->n, arg));
}

/* The hits of a keyword family (arg: words separated by '|') in the
 * lower-cased decoded values. */
static double f_family(const struct lex *l, const char *arg)
{
	int hits = 0;
	char word[32];
	for (const char *p = arg; *p;) {
		size_t k = strcspn(p, "|");
		if (k < sizeof(word)) {
			memcpy(word, p, k);
			word[k] = '\0';
			hits += occurrences(l->lower, l->n, word);
		}
		p += k + (p[k] == '|');
	}
	return log1p(hits);
}

/* Length, parameter and path measures (arg names which). */
static double f_shape(const struct lex *l, const char *arg)
{
	const struct http_req *r = l->r;
	double v = 0;
	if (!strcmp(arg, "len"))
		v = (double)l->n;
	else if (!strcmp(arg, "params"))
		v = l->params;
	else if (!strcmp(arg, "max_value"))
		v = l->max_value;
	else if (!strcmp(arg, "path_len"))
		v = (double)r->path_len;
	else if (!strcmp(arg, "path_depth"))
		v = occurrences(r->path ? r->path : "", r->path_len, "/");
	else if (!strcmp(arg, "path_odd"))
		for (size_t i = 0; i < r->path_len; i++)
			v += !(isalnum((unsigned char)r->path[i]) ||
			       strchr("/._-~", r->path[i]));
	return log1p(v);
}

/* Percent escapes in the raw query and body: valid (%xx) or not. */
static double f_escapes(const struct lex *l, const char *arg)
{
	int valid = 0, other = 0;
	const char *parts[2] = {l->r->query, l->r->body};
	size_t lens[2] = {l->r->query_len, l->r->body_len};
	for (int k = 0; k < 2; k++)
		for (size_t i = 0; parts[k] && i < lens[k]; i++)
			if (parts[k][i] == '%') {
				int ok =
				    i + 2 < lens[k] &&
				    isxdigit((unsigned char)parts[k][i + 1]) &&
				    isxdigit((unsigned char)parts[k][i + 2]);
				ok ? valid++ : other++;
			}
	return log1p(!strcmp(arg, "valid") ? valid : other);
}

/* Character-class shares of the decoded values (arg: digit, alpha,
 * upper, other), and the count of bytes above ASCII. */
static double f_class(const struct lex *l, const char *arg)
{
	size_t c = 0;
	for (size_t i = 0; i < l->n; i++) {
		unsigned char ch = (unsigned char)l->vals[i];
		if (!strcmp(arg, "digit"))
			c += isdigit(ch) != 0;
		else if (!strcmp(arg, "alpha"))
			c += isalpha(ch) != 0;
		else if (!strcmp(arg, "upper"))
			c += isupper(ch) != 0;
		else if (!strcmp(arg, "other"))
			c += !isalnum(ch) && ch != '\n' && ch < 128;
		else
			c += ch >= 128;
	}
	if (!strcmp(arg, "non_ascii"))
		return log1p((double)c);
	return l->n ? (double)c / (double)l->n : 0;
}

/* Shannon entropy of the decoded values, in bits per byte. */
static double f_entropy(const struct lex *l, const char *arg)
{
	(void)arg;
	size_t freq[256] = {0};
	for (size_t i = 0; i < l->n; i++)
		freq[(unsigned char)l->vals[i]]++;
	double h = 0;
	for (int i = 0; i < 256; i++)
		if (freq[i]) {
			double p = (double)freq[i] / (double)l->n;
			h -= p * log2(p);
		}
	return h;
}

/* The longest run of one byte, the longest token of letters and digits,
 * or the number of tokens (arg). */
static double f_runs(const struct lex *l, const char *arg)
{
	size_t run = 0, best_run = 0, tok = 0, best_tok = 0, tokens = 0;
	for (size_t i = 0; i < l->n; i++) {
		unsigned char ch = (unsigned char)l->vals[i];
		run = i && l->vals[i - 1] == l->vals[i] ? run + 1 : 1;
		best_run = run > best_run ? run : best_run;
		if (isalnum(ch) || ch >= 128) {
			tokens += tok == 0;
			tok++;
			best_tok = tok > best_tok ? tok : best_tok;
		} else {
			tok = 0;
		}
	}
	double v = !strcmp(arg, "run")	   ? (double)best_run
		   : !strcmp(arg, "token") ? (double)best_tok
					   : (double)tokens;
	return log1p(v);
}

/* 1 when the method is not one a browser or API client commonly sends. */
static double f_method(const struct lex *l, const char *arg)
{
	(void)arg;
	static const char *const common[] = {
	    "GET", "POST", "HEAD", "PUT", "DELETE", "PATCH", "OPTIONS", NULL};
	const char *m = l->r->method ? l->r->method : "GET";
	for (int i = 0; common[i]; i++)
		if (!strcmp(m, common[i]))
			return 0;
	return 1;
}

/* The features, in model order: name, how, argument. */
static const struct {
	const char *name;
	feat_fn fn;
	const char *arg;
} table[] = {
    {"len", f_shape, "len"},
    {"params", f_shape, "params"},
    {"max_value_len", f_shape, "max_value"},
    {"path_len", f_shape, "path_len"},
    {"path_depth", f_shape, "path_depth"},
    {"path_odd_chars", f_shape, "path_odd"},
    {"escapes", f_escapes, "valid"},
    {"bad_escapes", f_escapes, "bad"},
    {"quote", f_count, "'"},
    {"dquote", f_count, "\""},
    {"lt", f_count, "<"},
    {"gt", f_count, ">"},
    {"lparen", f_count, "("},
    {"rparen", f_count, ")"},
    {"semicolon", f_count, ";"},
    {"dashdash", f_count, "--"},
    {"equals", f_count, "="},
    {"amp", f_count, "&"},
    {"slash", f_count, "/"},
    {"backslash", f_count, "\\"},
    {"dotdot", f_count, ".."},
    {"star", f_count, "*"},
    {"plus", f_count, "+"},
    {"space", f_count, " "},
    {"hash", f_count, "#"},
    {"pipe", f_count, "|"},
    {"backtick", f_count, "`"},
    {"dollar", f_count, "$"},
    {"brace", f_count, "{"},
    {"bracket", f_count, "["},
    {"comma", f_count, ","},
    {"colon", f_count, ":"},
    {"newline", f_count, "\r"},
    {"digit_share", f_class, "digit"},
    {"alpha_share", f_class, "alpha"},
    {"upper_share", f_class, "upper"},
    {"symbol_share", f_class, "other"},
    {"non_ascii", f_class, "non_ascii"},
    {"entropy", f_entropy, NULL},
    {"longest_run", f_runs, "run"},
    {"longest_token", f_runs, "token"},
    {"tokens", f_runs, "tokens"},
    {"sql_words", f_family,
     "select|union|insert|update|delete|drop |from |where|having|order by|"
     "exec|xp_|sleep(|benchmark(|waitfor|concat(|char(|or 1|and 1|' or|"
     "\" or|/*|*/|@@|information_schema|null,"},
    {"xss_words", f_family,
     "<script|alert(|onerror|onload|onmouse|onfocus|javascript:|<iframe|"
     "<img|<svg|document.|eval(|prompt(|src=|href="},
    {"traversal_words", f_family,
     "../|..\\|/etc/|boot.ini|win.ini|c:\\|%00|.htaccess|web-inf"},
    {"command_words", f_family,
     ";ls|;cat|;id|; ls|; cat|; id|&&|$(|/bin/|cmd.exe|wget |curl |nc -|"
     "ping -|/dev/"},
    {"ssi_words", f_family, "<!--#|#include|#exec|#echo"},
    {"unusual_method", f_method, NULL},
};

#define NFEAT (int)(sizeof(table) / sizeof(*table))

/* Returns the name of feature k (0 <= k < httpfeat_count()). */
const char *httpfeat_name(int k)
{
	return table[k].name;
}

/* Returns the number of features. */
int httpfeat_count(void)
{
	return NFEAT;
}

/* Returns the value of hex digit c (c must be one). */
static int hexval(char c)
{
	return isdigit((unsigned char)c)
		   ? c - '0'
		   : (tolower((unsigned char)c) - 'a') + 10;
}

/* Percent-decodes s[0..n) into out (at least n bytes), '+' read as a
 * space; a '%' not followed by two hex digits stays as it is. Returns
 * the decoded length (no terminator written). */
size_t httpfeat_decode(const char *s, size_t n, char *out)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n &&
		    isxdigit((unsigned char)s[i + 1]) &&
		    isxdigit((unsigned char)s[i + 2])) {
			out[o++] =
			    (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
			i += 2;
		} else {
			out[o++] = s[i] == '+' ? ' ' : s[i];
		}
	}
	return o;
}

/* Appends the decoded values of the parameters of s[0..n)
 * ("a=1&b=2", or a value without '=') to l. */
static void add_params(struct lex *l, const char *s, size_t n)
{
	size_t i = 0;
	while (s && i < n) {
		size_t end = i;
		while (end < n && s[end] != '&')
			end++;
		size_t eq = i;
		while (eq < end && s[eq] != '=')
			eq++;
		size_t from = eq < end ? eq + 1 : i;
		if (end > i) {
			if (l->n)
				l->vals[l->n++] = '\n';
			size_t k = httpfeat_decode(s + from, end - from,
						   l->vals + l->n);
			l->n += k;
			l->params++;
			if ((int)k > l->max_value)
				l->max_value = (int)k;
		}
		i = end + 1;
	}
}

/* Computes every feature of request r into out (httpfeat_count()
 * doubles). Never fails: a request without parameters has zero counts;
 * out of memory gives zeros too. */
void httpfeat_compute(const struct http_req *r, double *out)
{
	struct lex l = {r, NULL, NULL, 0, 0, 0};
	size_t cap = r->query_len + r->body_len + 2;
	l.vals = malloc(cap);
	l.lower = malloc(cap);
	if (!l.vals || !l.lower) {
		memset(out, 0, sizeof(double) * NFEAT);
		goto done;
	}
	if (r->one_value && r->query) {
		l.n = httpfeat_decode(r->query, r->query_len, l.vals);
		l.params = 1;
		l.max_value = (int)l.n;
	} else {
		add_params(&l, r->query, r->query_len);
	}
	add_params(&l, r->body, r->body_len);
	for (size_t i = 0; i < l.n; i++)
		l.lower[i] = (char)tolower((unsigned char)l.vals[i]);
	for (int k = 0; k < NFEAT; k++)
		out[k] = table[k].fn(&l, table[k].arg);
done:
	free(l.vals);
	free(l.lower);
}
