/* rules.h - the detection rules Secura runs: the files it ships in
 * data/rules/ (SECURA_RULES) and the ones admins upload, each enabled or
 * not (the main database's rules table); compiled into one Sigma set
 * that the intake judges events with, compiled again when an admin
 * changes a rule. */
#ifndef SECURA_RULES_H
#define SECURA_RULES_H

#include "../core/db.h"
#include "sigma.h"

#include <jansson.h>
#include <pthread.h>
#include <stdint.h>

#define RULES_MAX_BYTES (256 * 1024) /* an uploaded file */

/* The set in use by a program's threads, and when it was built. */
struct rules_cache {
	pthread_mutex_t lock;
	sigma_set *set;	 /* owned; shared while held */
	int held;	 /* threads holding set */
	sigma_set *old;	 /* replaced, freed when no longer held */
	int64_t version; /* of the rules table set was built from */
	int64_t checked_ms;
};

sigma_set *rules_compile(db *d, const char *dir, const char *skip,
			 const char *extra_file, const char *extra_text,
			 char *err, size_t errn);
void rules_cache_init(struct rules_cache *rc);
void rules_cache_close(struct rules_cache *rc);
sigma_set *rules_hold(struct rules_cache *rc, db *d, const char *dir);
void rules_done(struct rules_cache *rc, sigma_set *s);
json_t *rules_list(db *d, const char *dir);
char *rules_text(db *d, const char *dir, const char *file);
int rules_upload(db *d, const char *dir, const char *file, const char *text,
		 int64_t user_id, char *err, size_t errn);
int rules_enable(db *d, const char *dir, const char *file, int on,
		 int64_t user_id, char *err, size_t errn);
int rules_file_ok(const char *file);
char *rules_read(const char *path);

#endif
