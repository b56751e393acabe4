/* answers.h - the assistant: answers a question from Secura's help
 * articles and, for those who may read them, the playbooks and resolved
 * incidents, with the passages it came from. */
#ifndef SECURA_ANSWERS_H
#define SECURA_ANSWERS_H

#include "../core/arena.h"
#include "../core/db.h"

#include <jansson.h>
#include <stdio.h>

json_t *answers_find(db *d, arena *a, const char *q, int staff, int k,
		     int mode);
int answers_eval(db *d, const char *questions, FILE *out);
int64_t answers_queue(db *d, arena *a, const char *q, int staff, int64_t user);
json_t *answers_get(db *d, int64_t id, int64_t user);
json_t *answers_reply(db *d, arena *a, const char *q, int staff);
json_t *answers_articles(void);
const char *answers_article(arena *a, const char *name);

#endif
