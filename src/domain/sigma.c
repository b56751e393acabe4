/* sigma.c - see sigma.h. A rule file (one or more YAML documents) is
 * read with yamltree and compiled into a tree of nodes: and, or, not,
 * a field test (values as patterns with Sigma's wildcards, lowercased
 * unless `cased`; or a regular expression, a network, a number, a field
 * reference, existence) and a keyword test, every field path interned in
 * the set. Anything outside the subset refuses the whole file with the
 * line and the reason. A set links the correlations to the rules they
 * name and orders each after them; sigma_judge.c judges events. */
#include "sigma.h"

#include "sigma_int.h"

#include "../core/yamltree.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <pthread.h>
#include <regex.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A rule file being compiled. */
struct compile {
	sigma_set *s;
	struct rule *r;
	const struct yamltree *detection;
	char *err;
	size_t errn;
};

static const char *const levels[] = {"informational", "low",	  "medium",
				     "high",	      "critical", NULL};

/* Writes "line N: reason" into c->err. Returns -1. */
static int refuse(struct compile *c, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int refuse(struct compile *c, int line, const char *fmt, ...)
{
	char why[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	snprintf(c->err, c->errn, "line %d: %s", line, why);
	return -1;
}

/* Returns the interned index of path in s. */
static int intern(sigma_set *s, const char *path)
{
	for (size_t i = 0; i < s->nfields; i++)
		if (!strcmp(s->fields[i], path))
			return (int)i;
	s->fields =
	    arena_grow(&s->a, s->fields, s->nfields, &s->fcap, sizeof(char *));
	s->fields[s->nfields] = arena_strdup(&s->a, path);
	return (int)s->nfields++;
}

/* Compiles Sigma's wildcard text v (`*`, `?`, `\` escaping them and
 * itself; any other backslash is itself) between the wildcards pre and
 * post (contains: both; startswith: post; endswith: pre) into p. */
static void glob(arena *a, struct pattern *p, const char *v, int pre, int post,
		 int cased)
{
	size_t n = strlen(v);
	char *o = arena_alloc(a, n + 3), *w = o;
	if (pre)
		*w++ = WILD_MANY;
	for (size_t i = 0; i < n; i++) {
		char ch = v[i];
		if (ch == '\\' &&
		    (v[i + 1] == '*' || v[i + 1] == '?' || v[i + 1] == '\\'))
			ch = v[++i];
		else if (ch == '*')
			ch = WILD_MANY;
		else if (ch == '?')
			ch = WILD_ONE;
		*w++ = cased ? ch : (char)tolower((unsigned char)ch);
	}
	if (post)
		*w++ = WILD_MANY;
	*w = '\0';
	p->kind = P_GLOB;
	p->text = o;
}

/* Parses "10.0.0.0/8" or an address into p. Returns 0 or -1. */
static int cidr(struct pattern *p, const char *v)
{
	p->kind = P_CIDR;
	return cidr_parse(v, &p->net);
}

/* The modifiers a field test names. */
struct mods {
	int contains, startswith, endswith, re, cidr, all, cased, exists,
	    fieldref, ri, rm, rs;
	enum cmp cmp;
	int num;
};

/* Reads the modifiers after the field name in key (name|mod|mod) into m.
 * Returns 0, or -1 (refused) for one outside the subset. */
static int modifiers(struct compile *c, const struct yamltree *key,
		     struct mods *m)
{
	const char *p = strchr(key->s, '|');
	while (p) {
		const char *q = strchr(p + 1, '|');
		size_t n = q ? (size_t)(q - p - 1) : strlen(p + 1);
		char mod[32];
		if (n >= sizeof(mod))
			n = sizeof(mod) - 1;
		memcpy(mod, p + 1, n);
		mod[n] = '\0';
		static const struct {
			const char *name;
			size_t off;
		} flags[] = {
		    {"contains", offsetof(struct mods, contains)},
		    {"startswith", offsetof(struct mods, startswith)},
		    {"endswith", offsetof(struct mods, endswith)},
		    {"re", offsetof(struct mods, re)},
		    {"cidr", offsetof(struct mods, cidr)},
		    {"all", offsetof(struct mods, all)},
		    {"cased", offsetof(struct mods, cased)},
		    {"exists", offsetof(struct mods, exists)},
		    {"fieldref", offsetof(struct mods, fieldref)},
		    {"i", offsetof(struct mods, ri)},
		    {"m", offsetof(struct mods, rm)},
		    {"s", offsetof(struct mods, rs)},
		};
		static const char *const cmps[] = {"", "gt", "gte", "lt",
						   "lte"};
		int known = 0;
		for (size_t i = 0; i < sizeof(flags) / sizeof(*flags); i++)
			if (!strcmp(flags[i].name, mod)) {
				*(int *)((char *)m + flags[i].off) = 1;
				known = 1;
			}
		for (int i = 1; i < 5; i++)
			if (!strcmp(cmps[i], mod)) {
				m->cmp = (enum cmp)i;
				m->num = known = 1;
			}
		if (!known)
			return refuse(c, key->line,
				      "the modifier '%s' is outside Secura's "
				      "Sigma subset (contains, startswith, "
				      "endswith, re, cidr, all, cased, exists, "
				      "fieldref, gt, gte, lt, lte)",
				      mod);
		p = q;
	}
	if ((m->ri || m->rm || m->rs) && !m->re)
		return refuse(c, key->line,
			      "the modifiers i, m and s go with re");
	return 0;
}

/* Compiles one value v of a field test with modifiers m into p. Returns
 * 0 or -1 (refused). */
static int value(struct compile *c, const struct mods *m,
		 const struct yamltree *v, struct pattern *p)
{
	arena *a = &c->s->a;
	if (v->type != YT_SCALAR)
		return refuse(c, v->line,
			      "a field's value must be a value or "
			      "a list of values");
	if (m->exists) {
		p->kind = P_EXISTS;
		p->exists = !strcmp(v->s, "true") || !strcmp(v->s, "yes");
		return 0;
	}
	if (yamltree_is_null(v)) {
		p->kind = P_NULL;
		return 0;
	}
	if (m->fieldref) {
		p->kind = P_FIELDREF;
		p->field = intern(c->s, sigma_field(c->r->ls, a, v->s));
		return 0;
	}
	if (m->num) {
		char *end;
		p->kind = P_NUM;
		p->cmp = m->cmp;
		p->num = strtod(v->s, &end);
		if (end == v->s || *end)
			return refuse(c, v->line, "'%s' is not a number", v->s);
		return 0;
	}
	if (m->cidr) {
		if (cidr(p, v->s) != 0)
			return refuse(c, v->line, "'%s' is not a network",
				      v->s);
		return 0;
	}
	if (m->re) {
		p->kind = P_RE;
		p->re = arena_alloc(a, sizeof(regex_t));
		const char *src = v->s;
		int flags = REG_EXTENDED | REG_NOSUB | (m->ri ? REG_ICASE : 0) |
			    (m->rm ? REG_NEWLINE : 0);
		if (!strncmp(src, "(?i)", 4)) {
			flags |= REG_ICASE;
			src += 4;
		}
		int rc = regcomp(p->re, src, flags);
		if (rc == 0) {
			sigma_set *st = c->s;
			st->res = arena_grow(a, st->res, st->nres, &st->rcap,
					     sizeof(regex_t *));
			st->res[st->nres++] = p->re;
		} else {
			char msg[120];
			regerror(rc, p->re, msg, sizeof(msg));
			p->re = NULL;
			return refuse(c, v->line,
				      "the regular expression '%s' is not one "
				      "POSIX extended syntax reads: %s",
				      v->s, msg);
		}
		return 0;
	}
	glob(a, p, v->s, m->contains || m->endswith,
	     m->contains || m->startswith, m->cased);
	return 0;
}

/* A new node of op with room for n kids. */
static struct node *node_new(arena *a, enum node_op op, size_t n)
{
	struct node *x = arena_calloc(a, 1, sizeof(*x));
	x->op = op;
	x->kids = n ? arena_calloc(a, n, sizeof(*x->kids)) : NULL;
	return x;
}

/* Compiles a field test "name|mods: value or list" into a node. */
static struct node *field_test(struct compile *c, const struct yamltree *key,
			       const struct yamltree *v)
{
	struct mods m = {0};
	if (modifiers(c, key, &m) != 0)
		return NULL;
	size_t n = strcspn(key->s, "|");
	if (!n) {
		refuse(c, key->line, "a field test without a field name");
		return NULL;
	}
	arena *a = &c->s->a;
	char *name = arena_strndup(a, key->s, n);
	struct node *x = node_new(a, N_FIELD, 0);
	x->field = intern(c->s, sigma_field(c->r->ls, a, name));
	x->all = m.all;
	x->cased = m.cased;
	size_t nv = v->type == YT_SEQ ? v->n : 1;
	if (!nv) {
		refuse(c, v->line, "an empty list of values");
		return NULL;
	}
	x->pats = arena_calloc(a, nv, sizeof(*x->pats));
	for (size_t i = 0; i < nv; i++)
		if (value(c, &m, v->type == YT_SEQ ? v->kids[i] : v,
			  &x->pats[i]) != 0)
			return NULL;
	x->npats = nv;
	return x;
}

/* Compiles a selection's mapping (its tests ANDed) into a node. */
static struct node *mapping(struct compile *c, const struct yamltree *t)
{
	struct node *x = node_new(&c->s->a, N_AND, t->n);
	for (size_t i = 0; i < t->n; i++)
		if (!(x->kids[x->nkids++] =
			  field_test(c, t->keys[i], t->kids[i])))
			return NULL;
	return x;
}

/* Compiles a selection or keyword list t into a node. */
static struct node *selection(struct compile *c, const struct yamltree *t)
{
	arena *a = &c->s->a;
	if (t->type == YT_MAP)
		return mapping(c, t);
	if (t->type == YT_SCALAR || (t->n && t->kids[0]->type == YT_SCALAR)) {
		/* keywords: any of the values anywhere in the event's text */
		size_t n = t->type == YT_SCALAR ? 1 : t->n;
		struct node *x = node_new(a, N_KEYWORDS, 0);
		x->pats = arena_calloc(a, n, sizeof(*x->pats));
		struct mods m = {.contains = 1};
		for (size_t i = 0; i < n; i++) {
			const struct yamltree *v =
			    t->type == YT_SCALAR ? t : t->kids[i];
			if (v->type != YT_SCALAR) {
				refuse(c, v->line,
				       "a keyword list mixes values "
				       "and mappings");
				return NULL;
			}
			if (value(c, &m, v, &x->pats[i]) != 0)
				return NULL;
		}
		x->npats = n;
		const char *const *kw = c->r->ls->keywords;
		size_t nk = 0;
		while (kw[nk])
			nk++;
		int *f = arena_calloc(a, nk + 1, sizeof(int));
		for (size_t i = 0; i < nk; i++)
			f[i] = intern(c->s, kw[i]);
		f[nk] = -1;
		x->kw = f;
		return x;
	}
	struct node *x = node_new(a, N_OR, t->n); /* a list of mappings */
	for (size_t i = 0; i < t->n; i++) {
		if (t->kids[i]->type != YT_MAP) {
			refuse(c, t->kids[i]->line,
			       "a selection's list mixes mappings and values");
			return NULL;
		}
		if (!(x->kids[x->nkids++] = mapping(c, t->kids[i])))
			return NULL;
	}
	return x;
}

/* The condition's tokens and where the parser is. */
struct cond {
	struct compile *c;
	int line;
	char tok[64][64];
	int n, at;
	struct node **sel; /* compiled selections, by detection's order */
};

/* Splits text into c's tokens (words and parentheses). Returns 0 or -1. */
static int tokens(struct cond *k, const char *text)
{
	for (const char *p = text; *p;) {
		if (isspace((unsigned char)*p)) {
			p++;
			continue;
		}
		size_t n = *p == '(' || *p == ')' ? 1 : strcspn(p, " \t\n()");
		if (*p == '|')
			return refuse(k->c, k->line,
				      "aggregations after '|' are not in "
				      "Secura's subset: write a correlation "
				      "rule");
		if (k->n == 64 || n >= 64)
			return refuse(k->c, k->line,
				      "the condition is too long");
		memcpy(k->tok[k->n], p, n);
		k->tok[k->n++][n] = '\0';
		p += n;
	}
	return 0;
}

static struct node *expr(struct cond *k);

/* Returns the next token without taking it ("" at the end). */
static const char *peek(struct cond *k)
{
	return k->at < k->n ? k->tok[k->at] : "";
}

/* "1 of x*", "all of them": the selections whose names match. */
static struct node *quantified(struct cond *k, int all)
{
	const struct yamltree *d = k->c->detection;
	k->at++; /* of */
	const char *what = peek(k);
	if (!*what) {
		refuse(k->c, k->line, "'of' without selections");
		return NULL;
	}
	k->at++;
	int them = !strcmp(what, "them");
	struct pattern p;
	glob(&k->c->s->a, &p, what, 0, 0, 1);
	struct node *x = node_new(&k->c->s->a, all ? N_AND : N_OR, d->n);
	for (size_t i = 0; i < d->n; i++) {
		const char *name = d->keys[i]->s;
		if (!strcmp(name, "condition") || !strcmp(name, "timeframe"))
			continue;
		if (them ? name[0] != '_' : sigma_judge_glob(p.text, name))
			x->kids[x->nkids++] = k->sel[i];
	}
	if (!x->nkids) {
		refuse(k->c, k->line, "no selection is named like '%s'", what);
		return NULL;
	}
	return x;
}

/* factor := not factor | ( expr ) | (1|any|all) of names | name */
static struct node *factor(struct cond *k)
{
	const char *t = peek(k);
	if (!strcmp(t, "not")) {
		k->at++;
		struct node *x = node_new(&k->c->s->a, N_NOT, 1);
		x->kids[0] = factor(k);
		x->nkids = 1;
		return x->kids[0] ? x : NULL;
	}
	if (!strcmp(t, "(")) {
		k->at++;
		struct node *x = expr(k);
		if (x && strcmp(peek(k), ")")) {
			refuse(k->c, k->line, "a '(' without its ')'");
			return NULL;
		}
		k->at++;
		return x;
	}
	if (k->at + 1 < k->n && !strcmp(k->tok[k->at + 1], "of")) {
		if (!strcmp(t, "1") || !strcmp(t, "any") || !strcmp(t, "all")) {
			k->at++;
			return quantified(k, !strcmp(t, "all"));
		}
		refuse(k->c, k->line,
		       "'%s of' is not in the subset (1 of, "
		       "all of)",
		       t);
		return NULL;
	}
	const struct yamltree *d = k->c->detection;
	for (size_t i = 0; *t && i < d->n; i++)
		if (!strcmp(d->keys[i]->s, t) && k->sel[i]) {
			k->at++;
			return k->sel[i];
		}
	refuse(k->c, k->line,
	       *t ? "the condition names '%s', which is no "
		    "selection"
		  : "the condition ends early%s",
	       t);
	return NULL;
}

/* A chain of sub-terms joined by word (and/or) as one node. */
static struct node *chain(struct cond *k, const char *word,
			  struct node *(*sub)(struct cond *), enum node_op op)
{
	struct node *first = sub(k);
	if (!first || strcmp(peek(k), word))
		return first;
	struct node *x = node_new(&k->c->s->a, op, (size_t)k->n);
	x->kids[x->nkids++] = first;
	while (!strcmp(peek(k), word)) {
		k->at++;
		if (!(x->kids[x->nkids++] = sub(k)))
			return NULL;
	}
	return x;
}

/* term := factor (and factor)* */
static struct node *term(struct cond *k)
{
	return chain(k, "and", factor, N_AND);
}

/* expr := term (or term)* */
static struct node *expr(struct cond *k)
{
	return chain(k, "or", term, N_OR);
}

/* Collects into c->r->shown the fields of the selections the condition
 * uses other than under a not: what the alert shows as matched. */
static void shown(struct compile *c, const struct node *x, int negated,
		  int *out, size_t *n, size_t cap)
{
	if (x->op == N_FIELD && !negated) {
		for (size_t i = 0; i < *n; i++)
			if (out[i] == x->field)
				return;
		if (*n < cap)
			out[(*n)++] = x->field;
		return;
	}
	for (size_t i = 0; i < x->nkids; i++)
		shown(c, x->kids[i], negated ^ (x->op == N_NOT), out, n, cap);
}

/* Compiles a detection section: every selection, then the condition (a
 * text or a list of them, ORed). Returns 0 or -1. */
static int detection(struct compile *c, const struct yamltree *d)
{
	if (!d || d->type != YT_MAP)
		return refuse(c, d ? d->line : 1,
			      "a rule needs a detection mapping");
	c->detection = d;
	struct cond k = {.c = c};
	k.sel = arena_calloc(&c->s->a, d->n, sizeof(*k.sel));
	const struct yamltree *cond = NULL;
	for (size_t i = 0; i < d->n; i++) {
		const char *name = d->keys[i]->s;
		if (!strcmp(name, "condition")) {
			cond = d->kids[i];
			continue;
		}
		if (!strcmp(name, "timeframe"))
			return refuse(c, d->keys[i]->line,
				      "timeframe belongs to a correlation rule "
				      "in Secura's subset");
		if (!(k.sel[i] = selection(c, d->kids[i])))
			return -1;
	}
	if (!cond)
		return refuse(c, d->line, "the detection has no condition");
	size_t nc = cond->type == YT_SEQ ? cond->n : 1;
	struct node *any = node_new(&c->s->a, N_OR, nc);
	for (size_t i = 0; i < nc; i++) {
		const struct yamltree *t =
		    cond->type == YT_SEQ ? cond->kids[i] : cond;
		if (t->type != YT_SCALAR)
			return refuse(c, t->line, "a condition is a text");
		k.n = k.at = 0;
		k.line = t->line;
		if (tokens(&k, t->s) != 0)
			return -1;
		struct node *x = expr(&k);
		if (!x)
			return -1;
		if (k.at != k.n)
			return refuse(c, t->line,
				      "the condition has '%s' where it should "
				      "end or go on with and/or",
				      k.tok[k.at]);
		any->kids[any->nkids++] = x;
	}
	c->r->cond = nc == 1 ? any->kids[0] : any;
	int tmp[32];
	size_t n = 0;
	shown(c, c->r->cond, 0, tmp, &n, 32);
	c->r->shown = arena_calloc(&c->s->a, n + 1, sizeof(int));
	memcpy(c->r->shown, tmp, n * sizeof(int));
	c->r->shown[n] = -1;
	return 0;
}

/* Reads "90m" into *ms. Returns 0 or -1. */
static int timespan(const char *v, int64_t *ms)
{
	char *end;
	long n = strtol(v, &end, 10);
	static const struct {
		char unit;
		int64_t ms;
	} units[] = {
	    {'s', 1000}, {'m', 60000}, {'h', 3600000}, {'d', 86400000}};
	for (size_t i = 0; n > 0 && end != v && i < 4; i++)
		if (*end == units[i].unit && !end[1]) {
			*ms = n * units[i].ms;
			return *ms <= 7 * 86400000LL ? 0 : -1;
		}
	return -1;
}

/* Compiles a correlation section. Returns 0 or -1. */
static int correlation(struct compile *c, const struct yamltree *k)
{
	struct rule *r = c->r;
	arena *a = &c->s->a;
	const struct yamltree *type = yamltree_get(k, "type"),
			      *rules = yamltree_get(k, "rules"),
			      *by = yamltree_get(k, "group-by"),
			      *span = yamltree_get(k, "timespan"),
			      *cond = yamltree_get(k, "condition");
	static const char *const types[] = {"", "event_count", "value_count",
					    "temporal", "temporal_ordered"};
	for (int i = 1; type && type->type == YT_SCALAR && i < 5; i++)
		if (!strcmp(types[i], type->s))
			r->type = (enum corr_type)i;
	if (!r->type)
		return refuse(c, type ? type->line : k->line,
			      "the correlation type '%s' is outside Secura's "
			      "subset (event_count, value_count, temporal, "
			      "temporal_ordered)",
			      type && type->s ? type->s : "");
	if (yamltree_get(k, "aliases"))
		return refuse(c, k->line,
			      "correlation aliases are outside "
			      "Secura's subset");
	if (!rules || !rules->n || rules->n > SIGMA_MAX_REFS ||
	    (rules->type == YT_SEQ && rules->kids[0]->type != YT_SCALAR))
		return refuse(c, k->line, "a correlation names 1 to %d rules",
			      SIGMA_MAX_REFS);
	size_t nr = rules->type == YT_SEQ ? rules->n : 1;
	r->refnames = arena_calloc(a, nr, sizeof(char *));
	for (size_t i = 0; i < nr; i++)
		r->refnames[i] =
		    (rules->type == YT_SEQ ? rules->kids[i] : rules)->s;
	r->nrefs = nr;
	if (!span || span->type != YT_SCALAR || timespan(span->s, &r->span))
		return refuse(c, span ? span->line : k->line,
			      "a correlation needs a timespan like 90s, 15m, "
			      "2h or 1d (at most 7 days)");
	size_t ng = !by ? 0 : by->type == YT_SEQ ? by->n : 1;
	if (ng > 3)
		return refuse(c, by->line, "group-by takes at most 3 fields");
	r->groupnames = arena_calloc(a, ng + 1, sizeof(char *));
	r->ngroupby = ng;
	r->field = -1;
	r->lo = 0; /* a count needs gt or gte */
	r->hi = SIGMA_MAX_KEEP;
	if (r->type >= K_TEMPORAL)
		r->lo = (long)nr;
	for (size_t i = 0; cond && i < cond->n && cond->type == YT_MAP; i++) {
		const char *op = cond->keys[i]->s;
		const struct yamltree *v = cond->kids[i];
		if (!strcmp(op, "field")) {
			if (v->type != YT_SCALAR || r->type != K_VALUE_COUNT)
				return refuse(c, v->line,
					      "only value_count names a field");
			r->fieldname = v->s; /* mapped once linked */
			continue;
		}
		char *end;
		long n = strtol(v->s ? v->s : "", &end, 10);
		if (!v->s || end == v->s || *end || n < 0 ||
		    n >= SIGMA_MAX_KEEP)
			return refuse(c, v->line, "a count from 0 to %d",
				      SIGMA_MAX_KEEP - 1);
		if (!strcmp(op, "gte"))
			r->lo = n;
		else if (!strcmp(op, "gt"))
			r->lo = n + 1;
		else if (!strcmp(op, "eq"))
			r->lo = r->hi = n;
		else if (!strcmp(op, "lte"))
			r->hi = n;
		else if (!strcmp(op, "lt"))
			r->hi = n - 1;
		else
			return refuse(c, cond->keys[i]->line,
				      "the condition '%s' is outside Secura's "
				      "subset (gt, gte, eq, lt, lte)",
				      op);
	}
	if (r->lo < 1 || r->hi < r->lo)
		return refuse(c, cond ? cond->line : k->line,
			      "a correlation fires on at least one event: "
			      "give gt or gte (a count that stays low needs a "
			      "timer Secura does not run)");
	if (r->type == K_VALUE_COUNT && !r->fieldname)
		return refuse(c, cond ? cond->line : k->line,
			      "a value_count names its field in condition");
	const struct yamltree *g = yamltree_get(k, "generate");
	r->generate = g && g->s && !strcmp(g->s, "true");
	for (size_t i = 0; i < ng; i++) {
		const struct yamltree *f =
		    by->type == YT_SEQ ? by->kids[i] : by;
		if (f->type != YT_SCALAR)
			return refuse(c, f->line, "group-by names fields");
		r->groupnames[i] = f->s; /* mapped once linked */
	}
	return 0;
}

/* A metadata text of doc, or def. */
static const char *meta(const struct yamltree *doc, const char *key,
			const char *def)
{
	const struct yamltree *v = yamltree_get(doc, key);
	return v && v->type == YT_SCALAR ? v->s : def;
}

/* A metadata list of texts of doc as a new JSON array. */
static json_t *meta_list(const struct yamltree *doc, const char *key)
{
	const struct yamltree *v = yamltree_get(doc, key);
	json_t *arr = json_array();
	for (size_t i = 0; v && v->type == YT_SEQ && i < v->n; i++)
		if (v->kids[i]->type == YT_SCALAR)
			json_array_append_new(arr, json_string(v->kids[i]->s));
	return arr;
}

/* Compiles one YAML document into c->r. Returns 0 or -1. */
static int document(struct compile *c, const struct yamltree *doc)
{
	struct rule *r = c->r;
	if (doc->type != YT_MAP)
		return refuse(c, doc->line, "a rule is a mapping");
	r->title = meta(doc, "title", NULL);
	if (!r->title || !*r->title)
		return refuse(c, doc->line, "a rule needs a title");
	r->id = meta(doc, "id", NULL);
	r->name = meta(doc, "name", NULL);
	if (!r->id && !r->name)
		return refuse(c, doc->line,
			      "a rule needs an id (a UUID) or a "
			      "name");
	if (!r->id)
		r->id = r->name;
	r->description = meta(doc, "description", "");
	r->level = meta(doc, "level", "medium");
	int lv = -1;
	for (int i = 0; levels[i]; i++)
		if (!strcmp(levels[i], r->level))
			lv = i;
	if (lv < 0)
		return refuse(c, yamltree_get(doc, "level")->line,
			      "level '%s' is not informational, low, medium, "
			      "high or critical",
			      r->level);
	r->tags = meta_list(doc, "tags");
	r->fps = meta_list(doc, "falsepositives");
	const struct yamltree *k = yamltree_get(doc, "correlation");
	if (k)
		return k->type == YT_MAP
			   ? correlation(c, k)
			   : refuse(c, k->line, "correlation is a mapping");
	const struct yamltree *ls = yamltree_get(doc, "logsource");
	if (!ls || ls->type != YT_MAP)
		return refuse(c, doc->line, "a rule needs a logsource");
	const char *cat = meta(ls, "category", NULL),
		   *prod = meta(ls, "product", NULL),
		   *svc = meta(ls, "service", NULL);
	r->ls = sigma_logsource_find(cat, prod, svc);
	if (!r->ls)
		return refuse(
		    c, ls->line,
		    "the logsource (category %s, product %s, service %s) is "
		    "not one Secura maps to its events (docs/rules.md lists "
		    "them)",
		    cat ? cat : "-", prod ? prod : "-", svc ? svc : "-");
	return detection(c, yamltree_get(doc, "detection"));
}

/* Returns a new, empty set, or NULL out of memory. */
sigma_set *sigma_set_new(void)
{
	sigma_set *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	arena_init(&s->a);
	pthread_mutex_init(&s->lock, NULL);
	return s;
}

/* Frees s and everything it holds (NULL is fine). */
void sigma_set_free(sigma_set *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++) {
		struct rule *r = &s->rules[i];
		json_decref(r->tags);
		json_decref(r->fps);
		for (size_t g = 0; r->groups && g < SIGMA_GROUPS; g++) {
			free(r->groups[g].ts);
			free(r->groups[g].vals);
		}
		free(r->groups);
	}
	for (size_t i = 0; i < s->nres; i++)
		regfree(s->res[i]);
	pthread_mutex_destroy(&s->lock);
	arena_free(&s->a);
	free(s);
}

/* Compiles the rules of one file (text, len bytes, named file) into s.
 * The whole file or nothing: a rule outside the subset, a duplicate id
 * or a YAML error refuses it with "line N: reason" in err. Returns 0 or
 * -1. The set must be linked again before it judges. */
int sigma_set_add(sigma_set *s, const char *file, const char *text, size_t len,
		  char *err, size_t errn)
{
	struct yamltree **docs;
	size_t nd;
	if (yamltree_load(&s->a, text, len, &docs, &nd, err, errn) != 0)
		return -1;
	if (!nd) {
		snprintf(err, errn, "line 1: the file holds no rule");
		return -1;
	}
	if (s->n + nd > SIGMA_MAX_RULES) {
		snprintf(err, errn, "line 1: more than %d rules in all",
			 SIGMA_MAX_RULES);
		return -1;
	}
	struct rule *fresh = calloc(nd, sizeof(*fresh));
	if (!fresh) {
		snprintf(err, errn, "out of memory");
		return -1;
	}
	struct compile c = {.s = s, .err = err, .errn = errn};
	int rc = -1;
	for (size_t i = 0; i < nd; i++) {
		c.r = &fresh[i];
		c.r->file = arena_strdup(&s->a, file);
		if (document(&c, docs[i]) != 0)
			goto done;
		for (size_t j = 0; j < s->n + i; j++) {
			const struct rule *o =
			    j < s->n ? &s->rules[j] : &fresh[j - s->n];
			if (!strcmp(o->id, c.r->id)) {
				refuse(&c, docs[i]->line,
				       "the id %s is already %s's", c.r->id,
				       o->file);
				goto done;
			}
		}
	}
	for (size_t i = 0; i < nd; i++) {
		s->rules = arena_grow(&s->a, s->rules, s->n, &s->cap,
				      sizeof(*s->rules));
		s->rules[s->n++] = fresh[i];
	}
	s->linked = 0;
	rc = 0;
done:
	if (rc != 0)
		for (size_t i = 0; i < nd; i++) {
			json_decref(fresh[i].tags);
			json_decref(fresh[i].fps);
		}
	free(fresh);
	return rc;
}

/* Returns the index of the rule named or with id ref, or -1. */
static int find(const sigma_set *s, const char *ref)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->rules[i].id, ref) ||
		    (s->rules[i].name && !strcmp(s->rules[i].name, ref)))
			return (int)i;
	return -1;
}

/* Places rule i in s->order after the rules it names (depth-first);
 * state: 0 unseen, 1 on the path, 2 placed. Returns 0, or -1 for a
 * circle. */
static int place(sigma_set *s, size_t i, unsigned char *state)
{
	if (state[i] == 2)
		return 0;
	if (state[i] == 1)
		return -1;
	state[i] = 1;
	struct rule *r = &s->rules[i];
	for (size_t j = 0; j < r->nrefs; j++)
		if (place(s, (size_t)r->refs[j], state) != 0)
			return -1;
	if (r->type && !r->ls)
		r->ls = s->rules[r->refs[0]].ls;
	state[i] = 2;
	s->order[s->norder++] = (int)i;
	return 0;
}

/* Links s's correlations to the rules they name (by id or name; those
 * rules then raise no alerts of their own unless `generate: true`),
 * maps their group-by fields by the first named rule's log source and
 * orders every rule after those it names. Returns 0, or -1 with the
 * reason in err (a name no rule has, a circle). */
int sigma_set_link(sigma_set *s, char *err, size_t errn)
{
	for (size_t i = 0; i < s->n; i++)
		s->rules[i].quiet = 0;
	for (size_t i = 0; i < s->n; i++) {
		struct rule *r = &s->rules[i];
		for (size_t j = 0; j < r->nrefs; j++) {
			r->refs[j] = find(s, r->refnames[j]);
			if (r->refs[j] < 0 || (size_t)r->refs[j] == i) {
				snprintf(err, errn,
					 "%s: the correlation '%s' names '%s', "
					 "which no enabled rule is",
					 r->file, r->title, r->refnames[j]);
				return -1;
			}
			/* a rule a correlation counts raises no alert of its
			 * own (unless `generate: true`); a correlation does */
			if (!r->generate && !s->rules[r->refs[j]].type)
				s->rules[r->refs[j]].quiet = 1;
		}
	}
	s->order = arena_calloc(&s->a, s->n + 1, sizeof(int));
	s->norder = 0;
	unsigned char *state = calloc(s->n + 1, 1);
	if (!state) {
		snprintf(err, errn, "out of memory");
		return -1;
	}
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < s->n; i++)
		if (place(s, i, state) != 0) {
			snprintf(err, errn,
				 "%s: the correlation '%s' names itself "
				 "through other correlations",
				 s->rules[i].file, s->rules[i].title);
			rc = -1;
		}
	free(state);
	for (size_t i = 0; rc == 0 && i < s->n; i++) {
		struct rule *r = &s->rules[i];
		if (!r->type)
			continue;
		for (size_t g = 0; g < r->ngroupby; g++)
			r->groupby[g] = intern(
			    s, sigma_field(r->ls, &s->a, r->groupnames[g]));
		r->field =
		    r->fieldname
			? intern(s, sigma_field(r->ls, &s->a, r->fieldname))
			: -1;
		if (!r->groups &&
		    !(r->groups = calloc(SIGMA_GROUPS, sizeof(struct group)))) {
			snprintf(err, errn, "out of memory");
			rc = -1;
		}
	}
	s->linked = rc == 0;
	return rc;
}

/* Fills out with rule i of s (borrowed). Returns 0, or -1 out of range. */
int sigma_set_info(const sigma_set *s, size_t i, struct sigma_info *out)
{
	static const char *const types[] = {"rule", "event_count",
					    "value_count", "temporal",
					    "temporal_ordered"};
	if (i >= s->n)
		return -1;
	const struct rule *r = &s->rules[i];
	*out = (struct sigma_info){
	    .id = r->id,
	    .name = r->name,
	    .title = r->title,
	    .level = r->level,
	    .kind = r->ls && r->ls->kind ? r->ls->kind : "any",
	    .type = types[r->type],
	    .file = r->file,
	    .description = r->description,
	    .tags = r->tags,
	    .falsepositives = r->fps,
	};
	return 0;
}
