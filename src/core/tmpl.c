/* tmpl.c - mustache parser and renderer.
 *
 * A template is parsed into a tree of nodes allocated in the template's own
 * arena. Standalone tags (sections, comments, partials, delimiters, parents
 * and blocks alone on their line) remove their whole line, as the spec
 * requires; a standalone partial's indentation is applied to every line of
 * the partial's source before it is rendered. */
#include "tmpl.h"

#include "arena.h"
#include "esc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum node_type {
	N_TEXT,
	N_VAR,	    /* escaped interpolation */
	N_RAW,	    /* {{{x}}} or {{&x}} */
	N_SECTION,  /* {{#x}} */
	N_INVERTED, /* {{^x}} */
	N_PARTIAL,  /* {{>x}} */
	N_PARENT,   /* {{<x}} */
	N_BLOCK,    /* {{$x}} */
};

struct node {
	enum node_type type;
	const char *str; /* text, or the tag name */
	size_t len;
	const char *indent; /* standalone partial/parent indentation */
	struct node *kids, *last, *next;
};

struct tmpl {
	arena a;
	char *src;
	size_t len;
	struct node root;
};

#define MAX_DEPTH      64
#define MAX_EXPANSIONS 20000 /* partials and parents in one rendering */
#define MAX_DELIM      16

struct parser {
	tmpl *t;
	const char *s;
	size_t len, pos, prev_end;
	char otag[MAX_DELIM], ctag[MAX_DELIM];
	size_t olen, clen;
	struct node *stack[MAX_DEPTH];
	int depth;
	char *err;
	size_t errlen;
};

/* Appends a new node of the given type to the currently open parent. */
static struct node *add_node(struct parser *p, enum node_type type,
			     const char *str, size_t len)
{
	struct node *n = arena_calloc(&p->t->a, 1, sizeof(*n));
	struct node *parent = p->stack[p->depth];
	n->type = type;
	n->str = str;
	n->len = len;
	if (parent->last)
		parent->last->next = n;
	else
		parent->kids = n;
	parent->last = n;
	return n;
}

/* Records a parse error with the byte offset; returns -1. */
static int perr(struct parser *p, const char *msg)
{
	if (p->err)
		snprintf(p->err, p->errlen, "%s at byte %zu", msg, p->pos);
	return -1;
}

/* Finds needle in s[from..len); returns its index or len if absent. */
static size_t find(const char *s, size_t len, size_t from, const char *needle,
		   size_t nlen)
{
	for (size_t i = from; i + nlen <= len; i++)
		if (memcmp(s + i, needle, nlen) == 0)
			return i;
	return len;
}

static int is_ws(char c)
{
	return c == ' ' || c == '\t';
}

/* Trims spaces and tabs from both ends of [*b, *e). */
static void trim(const char *s, size_t *b, size_t *e)
{
	while (*b < *e && (is_ws(s[*b]) || s[*b] == '\n' || s[*b] == '\r'))
		(*b)++;
	while (*e > *b &&
	       (is_ws(s[*e - 1]) || s[*e - 1] == '\n' || s[*e - 1] == '\r'))
		(*e)--;
}

/* Parses "{{=<% %>=}}" content (between the '=' signs) into new tags. */
static int set_delims(struct parser *p, const char *c, size_t n)
{
	size_t i = 0, a, b;
	while (i < n && is_ws(c[i]))
		i++;
	a = i;
	while (i < n && !is_ws(c[i]))
		i++;
	b = i;
	while (i < n && is_ws(c[i]))
		i++;
	size_t ca = i;
	while (i < n && !is_ws(c[i]))
		i++;
	size_t cb = i;
	while (i < n && is_ws(c[i]))
		i++;
	if (b == a || cb == ca || i != n || b - a >= MAX_DELIM ||
	    cb - ca >= MAX_DELIM)
		return perr(p, "bad delimiters");
	memcpy(p->otag, c + a, b - a);
	p->olen = b - a;
	memcpy(p->ctag, c + ca, cb - ca);
	p->clen = cb - ca;
	return 0;
}

/* Checks whether the tag [ts, te) stands alone on its line. On success
 * returns 1 and sets *ls (line start) and *next (after the line end). */
static int standalone(struct parser *p, size_t ts, size_t te, size_t *ls,
		      size_t *next)
{
	size_t i = ts;
	while (i > 0 && p->s[i - 1] != '\n')
		i--;
	if (p->prev_end > i)
		return 0;
	for (size_t k = i; k < ts; k++)
		if (!is_ws(p->s[k]))
			return 0;
	size_t e = te;
	while (e < p->len && is_ws(p->s[e]))
		e++;
	if (e == p->len)
		*next = e;
	else if (p->s[e] == '\n')
		*next = e + 1;
	else if (p->s[e] == '\r' && e + 1 < p->len && p->s[e + 1] == '\n')
		*next = e + 2;
	else
		return 0;
	*ls = i;
	return 1;
}

/* Handles one tag whose sigil is c and name s[nb..ne). */
static int tag(struct parser *p, char c, size_t nb, size_t ne, size_t ts)
{
	const char *name = p->s + nb;
	size_t nlen = ne - nb;
	struct node *n;
	switch (c) {
	case '#':
	case '^':
	case '<':
	case '$':
		if (nlen == 0)
			return perr(p, "empty section name");
		if (p->depth + 1 >= MAX_DEPTH)
			return perr(p, "sections nested too deeply");
		n = add_node(p,
			     c == '#'	? N_SECTION
			     : c == '^' ? N_INVERTED
			     : c == '<' ? N_PARENT
					: N_BLOCK,
			     name, nlen);
		p->stack[++p->depth] = n;
		return 0;
	case '/':
		if (p->depth == 0)
			return perr(p, "unopened section closed");
		n = p->stack[p->depth];
		if (n->len != nlen || memcmp(n->str, name, nlen) != 0)
			return perr(p, "section closed with a different name");
		p->depth--;
		return 0;
	case '>':
		if (nlen == 0)
			return perr(p, "empty partial name");
		add_node(p, N_PARTIAL, name, nlen);
		return 0;
	case '!':
	case '=':
		return 0;
	default:
		(void)ts;
		if (nlen == 0)
			return perr(p, "empty tag");
		add_node(p, c == '&' || c == '{' ? N_RAW : N_VAR, name, nlen);
		return 0;
	}
}

/* Parses the whole source into p->t->root. Returns 0 or -1 on error. */
static int parse(struct parser *p)
{
	size_t text_start = 0;
	while (p->pos < p->len) {
		size_t ts = find(p->s, p->len, p->pos, p->otag, p->olen);
		if (ts == p->len)
			break;
		size_t cs = ts + p->olen, ce, te;
		char sigil;
		int triple = p->s[cs] == '{' && cs < p->len;
		if (triple) {
			char close[MAX_DELIM + 1] = "}";
			memcpy(close + 1, p->ctag, p->clen);
			ce = find(p->s, p->len, cs + 1, close, p->clen + 1);
			te = ce + p->clen + 1;
		} else {
			ce = find(p->s, p->len, cs, p->ctag, p->clen);
			te = ce + p->clen;
		}
		p->pos = ts;
		if (ce == p->len)
			return perr(p, "unclosed tag");
		size_t b = cs, e = ce;
		if (triple) {
			sigil = '{';
			b++;
		} else {
			trim(p->s, &b, &e);
			sigil = b < e ? p->s[b] : 0;
			if (sigil && strchr("#^/!>&=<$", sigil))
				b++;
			else
				sigil = 0;
		}
		if (sigil == '=') {
			if (e <= b || p->s[e - 1] != '=')
				return perr(p, "bad delimiter tag");
			e--;
		}
		size_t nb = b, ne = e;
		if (sigil != '!' && sigil != '=')
			trim(p->s, &nb, &ne);
		size_t ls, next;
		int alone = sigil && sigil != '&' && sigil != '{' &&
			    standalone(p, ts, te, &ls, &next);
		size_t cut = alone ? ls : ts;
		if (cut > text_start)
			add_node(p, N_TEXT, p->s + text_start,
				 cut - text_start);
		if (sigil == '=' && set_delims(p, p->s + b, e - b) != 0)
			return -1;
		if (tag(p, sigil, nb, ne, ts) != 0)
			return -1;
		if (alone && (sigil == '>' || sigil == '<') && ts > ls) {
			struct node *n = sigil == '>' ? p->stack[p->depth]->last
						      : p->stack[p->depth];
			n->indent = arena_strndup(&p->t->a, p->s + ls, ts - ls);
		}
		p->pos = text_start = p->prev_end = alone ? next : te;
	}
	if (p->len > text_start)
		add_node(p, N_TEXT, p->s + text_start, p->len - text_start);
	if (p->depth != 0)
		return perr(p, "unclosed section");
	return 0;
}

/* Parses src into a template. Returns it (caller frees with tmpl_free), or
 * NULL with a message in err on a syntax error. */
tmpl *tmpl_parse(const char *src, size_t len, char *err, size_t errlen)
{
	tmpl *t = xcalloc(1, sizeof(*t));
	arena_init(&t->a);
	t->src = arena_strndup(&t->a, src, len);
	t->len = len;
	struct parser p = {
	    .t = t, .s = t->src, .len = len, .err = err, .errlen = errlen};
	memcpy(p.otag, "{{", 2);
	memcpy(p.ctag, "}}", 2);
	p.olen = p.clen = 2;
	p.stack[0] = &t->root;
	if (parse(&p) != 0) {
		tmpl_free(t);
		return NULL;
	}
	return t;
}

/* Releases a template and everything parsed into it. NULL is allowed. */
void tmpl_free(tmpl *t)
{
	if (!t)
		return;
	arena_free(&t->a);
	free(t);
}

/* ---- rendering ---- */

struct override {
	const char *name;
	size_t len;
	const struct node *body;
	struct override *next;
};

struct render {
	const struct tmpl_env *env;
	buf *out;
	json_t *stack[MAX_DEPTH * 2];
	int depth;
	int calls;	/* partial/parent nesting */
	int expansions; /* partials/parents rendered in all */
};

static int render_nodes(struct render *r, const struct node *n,
			struct override *ov);
static int render_block(struct render *r, const struct node *n,
			struct override *ov);

/* Resolves a (dotted) name against the context stack; NULL if missing. */
static json_t *lookup(struct render *r, const char *name, size_t len)
{
	if (len == 1 && name[0] == '.')
		return r->stack[r->depth - 1];
	const char *dot = memchr(name, '.', len);
	size_t first = dot ? (size_t)(dot - name) : len;
	char key[256];
	if (first >= sizeof(key))
		return NULL;
	memcpy(key, name, first);
	key[first] = '\0';
	json_t *v = NULL;
	for (int i = r->depth - 1; i >= 0 && !v; i--)
		if (json_is_object(r->stack[i]))
			v = json_object_get(r->stack[i], key);
	while (v && dot) {
		const char *seg = dot + 1;
		dot = memchr(seg, '.', (size_t)(name + len - seg));
		size_t sl =
		    dot ? (size_t)(dot - seg) : (size_t)(name + len - seg);
		if (sl >= sizeof(key))
			return NULL;
		memcpy(key, seg, sl);
		key[sl] = '\0';
		if (json_is_array(v)) { /* "list.0": the first element */
			char *end;
			unsigned long i = strtoul(key, &end, 10);
			v = sl && !*end ? json_array_get(v, i) : NULL;
		} else {
			v = json_is_object(v) ? json_object_get(v, key) : NULL;
		}
	}
	return v;
}

/* mustache truthiness: missing, null, false, "", 0 and [] are falsey. */
static int truthy(json_t *v)
{
	if (!v || json_is_null(v) || json_is_false(v))
		return 0;
	if (json_is_array(v))
		return json_array_size(v) > 0;
	if (json_is_string(v))
		return json_string_length(v) > 0;
	if (json_is_integer(v))
		return json_integer_value(v) != 0;
	return 1;
}

/* Appends the text form of a scalar value, escaped unless raw. */
static void emit(struct render *r, json_t *v, int raw)
{
	char num[64];
	const char *s = NULL;
	size_t n = 0;
	if (json_is_string(v)) {
		s = json_string_value(v);
		n = json_string_length(v);
	} else if (json_is_integer(v)) {
		n = (size_t)snprintf(num, sizeof(num), "%lld",
				     (long long)json_integer_value(v));
		s = num;
	} else if (json_is_real(v)) {
		double d = json_real_value(v);
		snprintf(num, sizeof(num), "%.15g", d);
		if (strtod(num, NULL) != d)
			snprintf(num, sizeof(num), "%.17g", d);
		s = num;
		n = strlen(num);
	} else if (json_is_true(v)) {
		s = "true", n = 4;
	} else if (json_is_false(v)) {
		s = "false", n = 5;
	}
	if (!s)
		return;
	if (raw)
		buf_put(r->out, s, n);
	else
		esc_html(r->out, s, n);
}

/* Decides whether a raw tag really outputs raw: always in spec mode, and
 * in strict mode only for names ending with the trusted suffix. */
static int raw_allowed(struct render *r, const struct node *n)
{
	const char *suf = r->env ? r->env->raw_suffix : NULL;
	if (!suf)
		return 1;
	size_t sl = strlen(suf);
	return n->len >= sl && memcmp(n->str + n->len - sl, suf, sl) == 0;
}

/* Finds the partial named by n; NULL when none is registered. */
static const tmpl *find_partial(struct render *r, const struct node *n)
{
	char name[256];
	if (!r->env || !r->env->partial || n->len >= sizeof(name))
		return NULL;
	memcpy(name, n->str, n->len);
	name[n->len] = '\0';
	return r->env->partial(r->env->ud, name);
}

/* Renders template t (indented if indent is set) with overrides ov. */
static int render_tmpl(struct render *r, const tmpl *t, const char *indent,
		       struct override *ov)
{
	if (r->calls >= MAX_DEPTH || ++r->expansions > MAX_EXPANSIONS)
		return -1; /* too deep, or exponential ({{>s}}{{>s}} in s) */
	r->calls++;
	int rc;
	if (indent && *indent) {
		buf src = BUF_INIT;
		size_t il = strlen(indent);
		buf_put(&src, indent, il);
		for (size_t i = 0; i < t->len; i++) {
			buf_putc(&src, t->src[i]);
			if (t->src[i] == '\n' && i + 1 < t->len)
				buf_put(&src, indent, il);
		}
		tmpl *it = tmpl_parse(buf_cstr(&src), src.len, NULL, 0);
		buf_free(&src);
		rc = it ? render_nodes(r, it->root.kids, ov) : -1;
		tmpl_free(it);
	} else {
		rc = render_nodes(r, t->root.kids, ov);
	}
	r->calls--;
	return rc;
}

/* Collects the block overrides inside a parent tag, keeping outer ones
 * (the child-most template wins). Allocated from stack storage. */
static struct override *collect(const struct node *parent,
				struct override *outer, struct override *store,
				int cap)
{
	struct override *list = outer;
	int used = 0;
	for (const struct node *k = parent->kids; k; k = k->next) {
		if (k->type != N_BLOCK || used >= cap)
			continue;
		int shadowed = 0;
		for (struct override *o = outer; o; o = o->next)
			if (o->len == k->len &&
			    !memcmp(o->name, k->str, k->len))
				shadowed = 1;
		if (shadowed)
			continue;
		store[used] = (struct override){k->str, k->len, k, list};
		list = &store[used++];
	}
	return list;
}

/* Renders a section node with value v. */
static int render_section(struct render *r, const struct node *n, json_t *v,
			  struct override *ov)
{
	if (r->depth + 1 >= MAX_DEPTH * 2)
		return -1;
	if (json_is_array(v)) {
		size_t i;
		json_t *item;
		json_array_foreach(v, i, item)
		{
			r->stack[r->depth++] = item;
			int rc = render_nodes(r, n->kids, ov);
			r->depth--;
			if (rc != 0)
				return rc;
		}
		return 0;
	}
	r->stack[r->depth++] = v;
	int rc = render_nodes(r, n->kids, ov);
	r->depth--;
	return rc;
}

/* Returns 1 when n is the block the environment names. */
static int is_env_block(const struct render *r, const struct node *n)
{
	const char *b = r->env->block;
	return b && strlen(b) == n->len && !memcmp(b, n->str, n->len);
}

/* Renders a block: the innermost override of it, else its own body; the
 * environment's block is replaced by its given HTML or captured. */
static int render_block(struct render *r, const struct node *n,
			struct override *ov)
{
	const struct node *body = n;
	for (struct override *o = ov; o; o = o->next)
		if (o->len == n->len && !memcmp(o->name, n->str, n->len)) {
			body = o->body;
			break;
		}
	int mine = is_env_block(r, n);
	if (mine && r->env->block_html) {
		buf_puts(r->out, r->env->block_html);
		return 0;
	}
	size_t start = r->out->len;
	int rc = render_nodes(r, body->kids, ov);
	if (mine && r->env->capture && rc == 0)
		buf_put(r->env->capture, r->out->data + start,
			r->out->len - start);
	return rc;
}

/* Renders a node list. Returns 0, or -1 when nesting is too deep. */
static int render_nodes(struct render *r, const struct node *n,
			struct override *ov)
{
	for (; n; n = n->next) {
		json_t *v;
		const tmpl *pt;
		int rc = 0;
		switch (n->type) {
		case N_TEXT:
			buf_put(r->out, n->str, n->len);
			break;
		case N_VAR:
		case N_RAW:
			v = lookup(r, n->str, n->len);
			if (v)
				emit(r, v,
				     n->type == N_RAW && raw_allowed(r, n));
			break;
		case N_SECTION:
			v = lookup(r, n->str, n->len);
			if (truthy(v))
				rc = render_section(r, n, v, ov);
			break;
		case N_INVERTED:
			if (!truthy(lookup(r, n->str, n->len)))
				rc = render_nodes(r, n->kids, ov);
			break;
		case N_PARTIAL:
			pt = find_partial(r, n);
			if (pt)
				rc = render_tmpl(r, pt, n->indent, ov);
			break;
		case N_PARENT: {
			struct override store[32];
			pt = find_partial(r, n);
			if (pt)
				rc = render_tmpl(r, pt, n->indent,
						 collect(n, ov, store, 32));
			break;
		}
		case N_BLOCK:
			rc = render_block(r, n, ov);
			break;
		}
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* Renders t with data into out. Returns 0, or -1 if partials or sections
 * nest deeper than the limit (output is then incomplete). */
int tmpl_render(const tmpl *t, json_t *data, const struct tmpl_env *env,
		buf *out)
{
	struct render r = {.env = env, .out = out};
	r.stack[r.depth++] = data;
	return render_nodes(&r, t->root.kids, NULL);
}
