/* sigma_int.h - what the Sigma compiler (sigma.c) and the judge
 * (sigma_judge.c) share: the compiled rule's shapes. Not for other
 * modules: they use sigma.h. */
#ifndef SECURA_SIGMA_INT_H
#define SECURA_SIGMA_INT_H

#include "../core/arena.h"
#include "../core/cidr.h"

#include <jansson.h>
#include <pthread.h>
#include <regex.h>
#include <stddef.h>
#include <stdint.h>

struct sigma_logsource; /* sigma.h */

#define SIGMA_MAX_RULES 1024
#define SIGMA_MAX_REFS	16
#define SIGMA_MAX_KEEP	1000 /* events or values a correlation group keeps */
#define SIGMA_GROUPS	4096 /* groups a correlation keeps (evicting) */
#define WILD_MANY	'\x01'
#define WILD_ONE	'\x02'

enum node_op { N_AND, N_OR, N_NOT, N_FIELD, N_KEYWORDS };
enum pat_kind { P_GLOB, P_RE, P_CIDR, P_NUM, P_NULL, P_EXISTS, P_FIELDREF };
enum cmp { C_NONE, C_GT, C_GTE, C_LT, C_LTE };

/* One value of a field test. */
struct pattern {
	enum pat_kind kind;
	const char *text; /* glob: compiled (WILD_* bytes), lowercased */
	regex_t *re;
	struct cidr net;
	double num;
	enum cmp cmp;
	int exists, field; /* field: a fieldref's interned field */
};

struct node {
	enum node_op op;
	struct node **kids;
	size_t nkids;
	int field;     /* interned path (N_FIELD) */
	const int *kw; /* N_KEYWORDS: the interned paths searched, -1 ended */
	struct pattern *pats;
	size_t npats;
	int all, cased;
};

enum corr_type { K_NONE, K_EVENT_COUNT, K_VALUE_COUNT, K_TEMPORAL, K_ORDERED };

/* A correlation group: its key, the times (event_count), the values'
 * hashes and times (value_count) or each rule's last time (temporal). */
struct group {
	uint64_t key;
	int64_t last;
	int64_t *ts;
	uint64_t *vals;
	size_t n;
};

struct rule {
	const char *id, *name, *title, *level, *description, *file;
	json_t *tags, *fps;
	const struct sigma_logsource *ls;
	struct node *cond;
	int *shown; /* fields shown as matched, -1 ended */
	/* correlation */
	enum corr_type type;
	const char **refnames;
	int refs[SIGMA_MAX_REFS];
	size_t nrefs;
	const char **groupnames, *fieldname;
	int groupby[3], field;
	size_t ngroupby;
	int64_t span;
	long lo, hi; /* count in [lo, hi] fires */
	int generate, quiet;
	struct group *groups; /* SIGMA_GROUPS, allocated when linked */
};

struct sigma_set {
	arena a;
	struct rule *rules;
	size_t n, cap;
	const char **fields; /* interned paths */
	size_t nfields, fcap;
	int *order; /* single rules first, then correlations in order */
	size_t norder;
	regex_t **res; /* every compiled expression, freed with the set */
	size_t nres, rcap;
	pthread_mutex_t lock;
	int linked;
};

int sigma_judge_glob(const char *p, const char *t);

#endif
