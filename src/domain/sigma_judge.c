/* sigma_judge.c - a linked Sigma set judging one event (see sigma.h):
 * every field the set names is fetched and lowercased once an event;
 * the single-event rules of the event's kind and log source first, then
 * the correlations in order, their windows (a fixed table of groups a
 * correlation, the stalest of eight slots evicted; at most the
 * threshold's entries a group) behind the set's one mutex. */
#include "sigma.h"

#include "sigma_int.h"

#include "../ml/evfeat.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Returns whether compiled pattern p (Sigma wildcards as WILD_* bytes)
 * matches all of text t. */
int sigma_judge_glob(const char *p, const char *t)
{
	const char *star = NULL, *mark = NULL;
	while (*t) {
		if (*p == WILD_MANY) {
			star = ++p;
			mark = t;
		} else if (*p && (*p == WILD_ONE || *p == *t)) {
			p++;
			t++;
		} else if (star) {
			p = star;
			t = ++mark;
		} else
			return 0;
	}
	while (*p == WILD_MANY)
		p++;
	return !*p;
}

/* An event's value of one interned field, fetched once a judgement. */
struct val {
	int fetched;
	json_t *v;
	const char *text; /* NULL: not a scalar */
	char *low;	  /* lowercased text, malloc'd */
	char num[40];
};

/* What one judgement reads: the event and its fetched values. */
struct event {
	const sigma_set *s;
	json_t *doc;
	struct val *vals;
};

/* The text of a scalar JSON value (numbers written into num), or NULL. */
static const char *scalar_text(json_t *v, char num[40])
{
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_integer(v)) {
		snprintf(num, 40, "%lld", (long long)json_integer_value(v));
		return num;
	}
	if (json_is_real(v)) {
		snprintf(num, 40, "%.15g", json_real_value(v));
		return num;
	}
	if (json_is_boolean(v))
		return json_is_true(v) ? "true" : "false";
	return NULL;
}

/* Returns field f's value in e, fetched on first use. */
static struct val *fetch(struct event *e, int f)
{
	struct val *v = &e->vals[f];
	if (!v->fetched) {
		v->fetched = 1;
		v->v = evfeat_member(e->doc, e->s->fields[f]);
		v->text = scalar_text(v->v, v->num);
	}
	return v;
}

/* Returns the lowercased text of v (made on first use), or NULL. */
static const char *low(struct val *v)
{
	if (!v->low && v->text) {
		v->low = strdup(v->text);
		for (char *p = v->low; p && *p; p++)
			*p = (char)tolower((unsigned char)*p);
	}
	return v->low;
}

/* Returns whether pattern p admits one scalar text t (low: lowercased)
 * in event e. */
static int admit(struct event *e, const struct pattern *p, const char *t,
		 const char *lt, int cased)
{
	switch (p->kind) {
	case P_GLOB:
		return sigma_judge_glob(p->text, cased ? t : lt);
	case P_RE:
		return regexec(p->re, t, 0, NULL, 0) == 0;
	case P_CIDR:
		return cidr_match(&p->net, t);
	case P_NUM: {
		char *end;
		double d = strtod(t, &end);
		if (end == t)
			return 0;
		return p->cmp == C_GT	 ? d > p->num
		       : p->cmp == C_GTE ? d >= p->num
		       : p->cmp == C_LT	 ? d < p->num
					 : d <= p->num;
	}
	case P_FIELDREF: {
		struct val *o = fetch(e, p->field);
		return o->text && !strcasecmp(o->text, t);
	}
	default:
		return 0;
	}
}

/* Returns whether any value of field node x (a list: any element)
 * admits pattern p. */
static int field_admits(struct event *e, const struct node *x,
			const struct pattern *p)
{
	struct val *v = fetch(e, x->field);
	if (p->kind == P_EXISTS)
		return (v->v != NULL) == p->exists;
	if (p->kind == P_NULL)
		return !v->v || json_is_null(v->v);
	if (v->text)
		return admit(e, p, v->text, low(v), x->cased);
	if (!json_is_array(v->v))
		return 0;
	size_t i;
	json_t *el;
	json_array_foreach(v->v, i, el)
	{
		char num[40];
		const char *t = scalar_text(el, num);
		if (!t)
			continue;
		char *lt = strdup(t);
		for (char *q = lt; q && *q; q++)
			*q = (char)tolower((unsigned char)*q);
		int ok = lt && admit(e, p, t, lt, x->cased);
		free(lt);
		if (ok)
			return 1;
	}
	return 0;
}

/* Evaluates node x on e. */
static int eval(struct event *e, const struct node *x)
{
	switch (x->op) {
	case N_AND:
		for (size_t i = 0; i < x->nkids; i++)
			if (!eval(e, x->kids[i]))
				return 0;
		return 1;
	case N_OR:
		for (size_t i = 0; i < x->nkids; i++)
			if (eval(e, x->kids[i]))
				return 1;
		return 0;
	case N_NOT:
		return !eval(e, x->kids[0]);
	case N_FIELD:
		for (size_t i = 0; i < x->npats; i++) {
			int ok = field_admits(e, x, &x->pats[i]);
			if (ok != x->all)
				return ok;
		}
		return x->all;
	case N_KEYWORDS:
		for (size_t i = 0; i < x->npats; i++)
			for (const int *f = x->kw; *f >= 0; f++) {
				struct val *v = fetch(e, *f);
				if (v->text &&
				    sigma_judge_glob(x->pats[i].text, low(v)))
					return 1;
			}
		return 0;
	default:
		return 0;
	}
}

/* Returns whether rule r reads events of kind like doc (its log source's
 * kind and required field). */
static int applies(struct event *e, const struct rule *r, const char *kind)
{
	const struct sigma_logsource *ls = r->ls;
	if (ls->kind && strcmp(ls->kind, kind))
		return 0;
	if (!ls->where_field)
		return 1;
	const char *v =
	    json_string_value(evfeat_member(e->doc, ls->where_field));
	return v && !strcasecmp(v, ls->where_value);
}

/* FNV-1a of n bytes of p continuing from h. */
static uint64_t fnv(uint64_t h, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)p[i]) * 1099511628211ULL;
	return h;
}

/* Writes r's group of e ("source.ip=1.2.3.4 user.name=ana") into out
 * and returns its hash (never 0). */
static uint64_t group_key(struct event *e, const struct rule *r, char *out,
			  size_t n)
{
	uint64_t h = 1469598103934665603ULL;
	size_t at = 0;
	out[0] = '\0';
	for (size_t g = 0; g < r->ngroupby; g++) {
		struct val *v = fetch(e, r->groupby[g]);
		const char *t = v->text ? v->text : "";
		h = fnv(h, t, strlen(t) + 1);
		int w = snprintf(out + at, at < n ? n - at : 0, "%s%s=%s",
				 g ? " " : "", e->s->fields[r->groupby[g]], t);
		at += w > 0 ? (size_t)w : 0;
	}
	return h ? h : 1;
}

/* Returns r's group for key (found, or a free or the stalest of eight
 * slots, emptied). */
static struct group *group_of(struct rule *r, uint64_t key)
{
	struct group *stale = NULL;
	for (size_t i = 0; i < 8; i++) {
		struct group *g = &r->groups[(key + i) % SIGMA_GROUPS];
		if (g->key == key)
			return g;
		if (!g->key) {
			g->key = key;
			return g;
		}
		if (!stale || g->last < stale->last)
			stale = g;
	}
	stale->key = key;
	stale->n = 0;
	return stale;
}

/* Keeps (ts, val) in g (up to cap pairs, a value kept once with its
 * latest time when vals is kept), dropping what is older than from and
 * then the oldest. Returns the count kept, or -1 out of memory. */
static long keep(struct group *g, size_t cap, int64_t ts, int64_t from,
		 int values, uint64_t val)
{
	if (!g->ts) {
		g->ts = calloc(cap, sizeof(int64_t));
		g->vals = values ? calloc(cap, sizeof(uint64_t)) : NULL;
		if (!g->ts || (values && !g->vals))
			return -1;
	}
	size_t w = 0;
	int have = 0;
	for (size_t i = 0; i < g->n; i++) {
		if (g->ts[i] < from)
			continue;
		if (values && g->vals[i] == val) {
			have = 1;
			g->ts[i] = ts > g->ts[i] ? ts : g->ts[i];
		}
		g->ts[w] = g->ts[i];
		if (values)
			g->vals[w] = g->vals[i];
		w++;
	}
	g->n = w;
	if (!have && ts >= from) {
		if (g->n == cap) { /* drop the oldest */
			size_t o = 0;
			for (size_t i = 1; i < g->n; i++)
				if (g->ts[i] < g->ts[o])
					o = i;
			g->ts[o] = g->ts[--g->n];
			if (values)
				g->vals[o] = g->vals[g->n];
		}
		g->ts[g->n] = ts;
		if (values)
			g->vals[g->n] = val;
		g->n++;
	}
	if (ts > g->last)
		g->last = ts;
	return (long)g->n;
}

/* Steps correlation r with an event at ts that rules hit (hit[i]): its
 * group's window takes the event. Returns the count when the condition
 * holds, else 0 (-1 out of memory). Called under the set's lock. */
static long correlate(struct event *e, struct rule *r, const unsigned char *hit,
		      int64_t ts, char *group, size_t gn)
{
	int any = 0;
	for (size_t j = 0; j < r->nrefs; j++)
		any |= hit[r->refs[j]];
	if (!any)
		return 0;
	struct group *g = group_of(r, group_key(e, r, group, gn));
	int64_t from = ts - r->span;
	long n;
	if (r->type == K_EVENT_COUNT) {
		size_t cap =
		    (size_t)(r->hi >= SIGMA_MAX_KEEP ? r->lo : r->hi + 1);
		n = keep(g, cap, ts, from, 0, 0);
	} else if (r->type == K_VALUE_COUNT) {
		struct val *v = fetch(e, r->field);
		if (!v->text)
			return 0;
		size_t cap =
		    (size_t)(r->hi >= SIGMA_MAX_KEEP ? r->lo : r->hi + 1);
		n = keep(g, cap, ts, from, 1,
			 fnv(1469598103934665603ULL, v->text, strlen(v->text)));
	} else { /* temporal: each named rule's last time in g->ts */
		if (!g->ts &&
		    !(g->ts = calloc(SIGMA_MAX_REFS, sizeof(int64_t))))
			return -1;
		for (size_t j = 0; j < r->nrefs; j++)
			if (hit[r->refs[j]])
				g->ts[j] = ts;
		if (ts > g->last)
			g->last = ts;
		n = 0;
		for (size_t j = 0; j < r->nrefs; j++) {
			if (!g->ts[j] || g->ts[j] < from)
				return 0;
			if (r->type == K_ORDERED && j &&
			    g->ts[j] < g->ts[j - 1])
				return 0;
			n++;
		}
		/* fires on the event that completes it */
		if (r->type == K_ORDERED && !hit[r->refs[r->nrefs - 1]])
			return 0;
	}
	return n >= r->lo && n <= r->hi ? n : 0;
}

/* The finding of rule r on e: {rule, title, level, tags,
 * falsepositives, fields: [{field, value}], group and count for a
 * correlation}. New. */
static json_t *finding(struct event *e, const struct rule *r, const char *group,
		       long count)
{
	json_t *fields = json_array();
	const int *shown = r->type ? r->groupby : r->shown;
	size_t ns = r->type ? r->ngroupby : SIZE_MAX;
	for (size_t i = 0; i < ns && shown[i] >= 0; i++) {
		struct val *v = fetch(e, shown[i]);
		if (v->text)
			json_array_append_new(fields,
					      json_pack("{ss ss}", "field",
							e->s->fields[shown[i]],
							"value", v->text));
	}
	json_t *o = json_pack("{ss ss ss sO sO so}", "rule", r->id, "title",
			      r->title, "level", r->level, "tags", r->tags,
			      "falsepositives", r->fps, "fields", fields);
	if (r->type) {
		json_object_set_new(o, "group", json_string(group));
		json_object_set_new(o, "count", json_integer(count));
		/* its alert folds within its timespan when that is longer */
		json_object_set_new(o, "window_ms", json_integer(r->span));
		/* its alert folds within its timespan when that is longer */
		json_object_set_new(o, "window_ms", json_integer(r->span));
	}
	return o;
}

/* Judges event doc (of kind, at ts ms) by every rule of linked set s:
 * single-event rules, then correlations (their windows take the event).
 * Returns a new array of the findings of the rules that raise alerts,
 * or NULL when none fired (or out of memory). Thread-safe. */
json_t *sigma_judge(sigma_set *s, const char *kind, json_t *doc, int64_t ts)
{
	if (!s || !s->linked || !s->n)
		return NULL;
	unsigned char hit[SIGMA_MAX_RULES] = {0};
	struct {
		size_t rule;
		long count;
		char group[256];
	} fired[8];
	int nfired = 0;
	struct event e = {.s = s,
			  .doc = doc,
			  .vals = calloc(s->nfields + 1, sizeof(struct val))};
	if (!e.vals)
		return NULL;
	int any = 0, locked = 0;
	for (size_t o = 0; o < s->norder; o++) {
		size_t i = (size_t)s->order[o];
		struct rule *r = &s->rules[i];
		if (!r->type) {
			hit[i] = applies(&e, r, kind) && eval(&e, r->cond);
			any |= hit[i];
			continue;
		}
		if (!any)
			continue;
		if (!locked) {
			pthread_mutex_lock(&s->lock);
			locked = 1;
		}
		char g[256];
		long n = correlate(&e, r, hit, ts, g, sizeof(g));
		hit[i] = n > 0;
		if (hit[i] && !r->quiet && nfired < 8) {
			fired[nfired].rule = i;
			fired[nfired].count = n;
			memcpy(fired[nfired++].group, g, sizeof(g));
		}
	}
	if (locked)
		pthread_mutex_unlock(&s->lock);
	json_t *out = NULL;
	for (size_t i = 0; any && i < s->n; i++)
		if (hit[i] && !s->rules[i].quiet && !s->rules[i].type) {
			out = out ? out : json_array();
			json_array_append_new(out,
					      finding(&e, &s->rules[i], "", 0));
		}
	for (int f = 0; f < nfired; f++) {
		out = out ? out : json_array();
		json_array_append_new(out,
				      finding(&e, &s->rules[fired[f].rule],
					      fired[f].group, fired[f].count));
	}
	for (size_t f = 0; f < s->nfields; f++)
		free(e.vals[f].low);
	free(e.vals);
	return out;
}
