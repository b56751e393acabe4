/* iforest.c - Isolation Forest, as scikit-learn builds and scores it:
 * ntrees trees, each grown on subsample rows drawn without replacement,
 * to a height of ceil(log2(subsample)); a node splits on a feature drawn
 * at random among those not constant in it, at a value drawn uniformly
 * between that feature's minimum and maximum there. A row's path length
 * is the depth of the leaf it reaches plus c(rows in that leaf), and its
 * score 2^(-mean path / c(subsample)): near 1 for anomalies, below 0.5
 * for the common. Seeded and deterministic (a splitmix64 generator). */
#include "iforest.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Returns the average path length of an unsuccessful search in a binary
 * search tree of n elements: 2 H(n - 1) - 2 (n - 1) / n, with c(1) = 0 and
 * c(2) = 1 (H: harmonic number, ln(i) + Euler's constant). */
double iforest_c(double n)
{
	if (n <= 1)
		return 0;
	if (n <= 2)
		return 1;
	return 2.0 * (log(n - 1.0) + 0.5772156649015329) - 2.0 * (n - 1.0) / n;
}

/* splitmix64: the next 64 random bits of state s. */
static uint64_t next_u64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* A uniform integer in [0, n). */
static size_t next_below(uint64_t *s, size_t n)
{
	return (size_t)(next_u64(s) % n);
}

/* A uniform double in [0, 1). */
static double next_unit(uint64_t *s)
{
	return (double)(next_u64(s) >> 11) * (1.0 / 9007199254740992.0);
}

/* Appends a node; returns its index, or -1 when out of memory. */
static int32_t add_node(iforest *f, struct iforest_node n)
{
	if (f->nnodes == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 1024;
		struct iforest_node *p = realloc(f->nodes, cap * sizeof(*p));
		if (!p)
			return -1;
		f->nodes = p;
		f->cap = cap;
	}
	f->nodes[f->nnodes] = n;
	return (int32_t)f->nnodes++;
}

/* What growing one tree needs: the data, the rows of the subsample
 * (rows[lo..hi) are the node's), a scratch list of features and the
 * generator. */
struct grow {
	iforest *f;
	const double *x;
	size_t *rows;
	int *feats;
	uint64_t rng;
	int max_depth;
};

/* Finds the min and max of feature k over rows[lo..hi). */
static void range(const struct grow *g, size_t lo, size_t hi, int k, double *mn,
		  double *mx)
{
	int nf = g->f->nfeatures;
	*mn = *mx = g->x[g->rows[lo] * (size_t)nf + (size_t)k];
	for (size_t i = lo + 1; i < hi; i++) {
		double v = g->x[g->rows[i] * (size_t)nf + (size_t)k];
		if (v < *mn)
			*mn = v;
		if (v > *mx)
			*mx = v;
	}
}

/* Grows the subtree of rows[lo..hi) at depth; returns its node index, or
 * -1 when out of memory. */
static int32_t grow(struct grow *g, size_t lo, size_t hi, int depth)
{
	size_t n = hi - lo;
	struct iforest_node leaf = {iforest_c((double)n), -1, (int32_t)n};
	if (n <= 1 || depth >= g->max_depth)
		return add_node(g->f, leaf);
	/* features drawn without replacement until one varies here */
	int nf = g->f->nfeatures, left = nf, k = -1;
	double mn = 0, mx = 0;
	for (int i = 0; i < nf; i++)
		g->feats[i] = i;
	while (left > 0) {
		size_t pick = next_below(&g->rng, (size_t)left);
		int cand = g->feats[pick];
		g->feats[pick] = g->feats[--left];
		range(g, lo, hi, cand, &mn, &mx);
		if (mx > mn) {
			k = cand;
			break;
		}
	}
	if (k < 0)
		return add_node(g->f, leaf); /* every feature is constant */
	double value = mn + next_unit(&g->rng) * (mx - mn);
	if (value <= mn)
		value = nextafter(mn, mx);
	/* partition: rows with x < value first */
	size_t i = lo, j = hi;
	while (i < j) {
		if (g->x[g->rows[i] * (size_t)nf + (size_t)k] < value) {
			i++;
		} else {
			size_t t = g->rows[i];
			g->rows[i] = g->rows[--j];
			g->rows[j] = t;
		}
	}
	int32_t self = add_node(g->f, (struct iforest_node){value, k, -1});
	if (self < 0)
		return -1;
	int32_t l = grow(g, lo, i, depth + 1); /* self + 1: depth first */
	int32_t r = l < 0 ? -1 : grow(g, i, hi, depth + 1);
	if (r < 0)
		return -1;
	g->f->nodes[self].right = r;
	return self;
}

/* Fits f on nrows rows of nfeatures doubles (row-major x): ntrees trees
 * on subsample rows each (all rows when fewer), from seed. Returns 0, or
 * -1 with a reason in err (f is then empty). */
int iforest_fit(iforest *f, const double *x, size_t nrows, int nfeatures,
		int ntrees, int subsample, uint64_t seed, char *err,
		size_t errlen)
{
	memset(f, 0, sizeof(*f));
	if (nrows < 2 || nfeatures < 1 || ntrees < 1 || subsample < 2) {
		snprintf(err, errlen,
			 "need at least 2 rows, 1 feature, 1 tree and a "
			 "subsample of 2");
		return -1;
	}
	size_t m = nrows < (size_t)subsample ? nrows : (size_t)subsample;
	f->nfeatures = nfeatures;
	f->ntrees = ntrees;
	f->subsample = (int)m;
	f->seed = seed;
	struct grow g = {f,
			 x,
			 malloc(nrows * sizeof(size_t)),
			 malloc((size_t)nfeatures * sizeof(int)),
			 seed,
			 (int)ceil(log2((double)m))};
	f->roots = malloc((size_t)ntrees * sizeof(*f->roots));
	int rc = 0;
	if (!g.rows || !g.feats || !f->roots)
		rc = -1;
	for (size_t i = 0; rc == 0 && i < nrows; i++)
		g.rows[i] = i;
	for (int t = 0; rc == 0 && t < ntrees; t++) {
		/* a subsample without replacement: a partial shuffle */
		for (size_t i = 0; i < m; i++) {
			size_t j = i + next_below(&g.rng, nrows - i);
			size_t tmp = g.rows[i];
			g.rows[i] = g.rows[j];
			g.rows[j] = tmp;
		}
		f->roots[t] = grow(&g, 0, m, 0);
		if (f->roots[t] < 0)
			rc = -1;
	}
	free(g.rows);
	free(g.feats);
	if (rc != 0) {
		snprintf(err, errlen, "out of memory");
		iforest_free(f);
	}
	return rc;
}

/* Returns the anomaly score of row: 2^(-E(h)/c(subsample)), E(h) the
 * mean path length over the trees (a leaf adds its c(size)). With share
 * (nfeatures doubles the caller zeroed), also adds each feature's part in
 * isolating the row in the same walk: every split on a path counts 1 /
 * the path's length, so the features that isolate it in few splits weigh
 * most. */
double iforest_score_shares(const iforest *f, const double *row, double *share)
{
	double total = 0;
	int32_t path[64];
	for (int t = 0; t < f->ntrees; t++) {
		int32_t i = f->roots[t];
		int depth = 0;
		while (f->nodes[i].feature >= 0) {
			const struct iforest_node *n = &f->nodes[i];
			if (depth < 64)
				path[depth] = n->feature;
			i = row[n->feature] < n->value ? i + 1 : n->right;
			depth++;
		}
		total += depth + f->nodes[i].value; /* a leaf's c(size) */
		for (int d = 0; share && d < depth && d < 64; d++)
			share[path[d]] += 1.0 / depth;
	}
	double c = iforest_c(f->subsample);
	return pow(2.0, -(total / f->ntrees) / (c > 0 ? c : 1));
}

/* Returns the anomaly score of row (iforest_score_shares without the
 * shares). */
double iforest_score(const iforest *f, const double *row)
{
	return iforest_score_shares(f, row, NULL);
}

/* Frees the trees; f is empty afterwards. */
void iforest_free(iforest *f)
{
	free(f->roots);
	free(f->nodes);
	memset(f, 0, sizeof(*f));
}

/* Returns the forest as a new JSON object {ntrees, subsample, seed,
 * nfeatures, roots, nodes: [[feature, left, right, size, value], ...]}. */
json_t *iforest_to_json(const iforest *f)
{
	json_t *roots = json_array(), *nodes = json_array();
	for (int t = 0; t < f->ntrees; t++)
		json_array_append_new(roots, json_integer(f->roots[t]));
	for (size_t i = 0; i < f->nnodes; i++) {
		const struct iforest_node *n = &f->nodes[i];
		json_array_append_new(
		    nodes,
		    n->feature < 0
			? json_pack("[i i i i i]", -1, -1, -1, (int)n->right, 0)
			: json_pack("[i I i i f]", n->feature,
				    (json_int_t)i + 1, n->right, 0, n->value));
	}
	char seed[24];
	snprintf(seed, sizeof(seed), "%llu", (unsigned long long)f->seed);
	return json_pack("{si si ss si so so}", "ntrees", f->ntrees,
			 "subsample", f->subsample, "seed", seed, "nfeatures",
			 f->nfeatures, "roots", roots, "nodes", nodes);
}

/* Checks node i of f (left: the left child the file names): an inner
 * node names a feature below nfeatures, its left child next and its
 * right child after that; a leaf a size in 0..subsample. */
static int node_ok(const iforest *f, size_t i, json_int_t left)
{
	const struct iforest_node *n = &f->nodes[i];
	if (n->feature < 0)
		return n->feature == -1 && n->right >= 0 &&
		       n->right <= f->subsample;
	return n->feature < f->nfeatures && left == (json_int_t)i + 1 &&
	       n->right > (int32_t)i + 1 && (size_t)n->right < f->nnodes &&
	       isfinite(n->value);
}

/* Loads a forest written by iforest_to_json from doc (borrowed),
 * checking every part: it must have nfeatures features, and every node
 * and root must be in range, so a corrupt file cannot make scoring read
 * out of bounds or loop. Returns 0, or -1 with a reason in err. */
int iforest_from_json(iforest *f, json_t *doc, int nfeatures, char *err,
		      size_t errlen)
{
	memset(f, 0, sizeof(*f));
	json_t *roots = json_object_get(doc, "roots"),
	       *nodes = json_object_get(doc, "nodes");
	const char *seed = json_string_value(json_object_get(doc, "seed"));
	f->ntrees = (int)json_integer_value(json_object_get(doc, "ntrees"));
	f->subsample =
	    (int)json_integer_value(json_object_get(doc, "subsample"));
	f->nfeatures =
	    (int)json_integer_value(json_object_get(doc, "nfeatures"));
	f->seed = seed ? strtoull(seed, NULL, 10) : 0;
	if (!json_is_array(roots) || !json_is_array(nodes) || f->ntrees < 1 ||
	    json_array_size(roots) != (size_t)f->ntrees || f->subsample < 2 ||
	    f->nfeatures != nfeatures || json_array_size(nodes) < 1 ||
	    json_array_size(nodes) > 100000000) {
		snprintf(err, errlen, "not a forest of %d features", nfeatures);
		return -1;
	}
	f->nnodes = f->cap = json_array_size(nodes);
	f->nodes = calloc(f->nnodes, sizeof(*f->nodes));
	f->roots = calloc((size_t)f->ntrees, sizeof(*f->roots));
	if (!f->nodes || !f->roots)
		goto bad;
	for (size_t i = 0; i < f->nnodes; i++) {
		json_t *n = json_array_get(nodes, i);
		struct iforest_node *p = &f->nodes[i];
		if (!json_is_array(n) || json_array_size(n) != 5 ||
		    !json_is_number(json_array_get(n, 4)))
			goto bad;
		p->feature = (int32_t)json_integer_value(json_array_get(n, 0));
		p->right = (int32_t)json_integer_value(
		    json_array_get(n, p->feature < 0 ? 3 : 2));
		p->value = json_number_value(json_array_get(n, 4));
		if (!node_ok(f, i, json_integer_value(json_array_get(n, 1))))
			goto bad;
		if (p->feature < 0) /* a leaf keeps c(size) for the scoring */
			p->value = iforest_c(p->right);
	}
	for (int t = 0; t < f->ntrees; t++) {
		json_int_t r = json_integer_value(json_array_get(roots, t));
		if (!json_is_integer(json_array_get(roots, t)) || r < 0 ||
		    (size_t)r >= f->nnodes)
			goto bad;
		f->roots[t] = (int32_t)r;
	}
	return 0;
bad:
	iforest_free(f);
	snprintf(err, errlen, "the forest's trees are damaged");
	return -1;
}
