/* passages.h - ranking short passages of text (help articles, playbooks,
 * incidents) for a question: BM25 and TF-IDF cosine, fused. Pure: no
 * database, no files. */
#ifndef SECURA_PASSAGES_H
#define SECURA_PASSAGES_H

#include "../core/arena.h"
#include "text.h"
#include "tfidf.h"

struct passages {
	int n;
	struct tokens *docs;
	double avgdl;
	struct tfidf tf;
	struct feature_node **vec;
	arena a;
};

int passages_build(struct passages *ix, const char *const *texts, int n);
enum { PASSAGES_FUSED, PASSAGES_BM25, PASSAGES_TFIDF };
int passages_rank(const struct passages *ix, const char *q, int mode, int *best,
		  double *score, int k);
void passages_free(struct passages *ix);

#endif
