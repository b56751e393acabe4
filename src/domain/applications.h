/* applications.h - employees applying to join the security team: the
 * application, its steps (questions, answers, leads' recommendations,
 * the decision) and its documents. */
#ifndef SECURA_APPLICATIONS_H
#define SECURA_APPLICATIONS_H

#include "../core/arena.h"
#include "../core/db.h"

#include <jansson.h>
#include <stdint.h>

#define APPLICATIONS_MAX_FILES 5

struct application {
	int64_t id, user_id, created_at, updated_at;
	const char *email, *name, *department, *role;
	const char *motivation, *experience, *certifications, *areas;
	const char *status;
};

extern const char *const applications_areas[];
extern const char *const applications_statuses[];
extern const char *const applications_doc_types[];

int64_t applications_open_of(db *d, int64_t user);
int64_t applications_create(db *d, int64_t user, const char *motivation,
			    const char *experience, const char *certifications,
			    const char *areas);
int applications_add_file(db *d, int64_t app, const char *filename,
			  int64_t size, const char *mime, const char *sha,
			  const char *checked);
int applications_get(db *d, arena *a, int64_t id, struct application *out);
json_t *applications_json(const struct application *app);
json_t *applications_list(db *d, arena *a, const char *status, int limit,
			  int offset, int64_t *total);
json_t *applications_of_user(db *d, arena *a, int64_t user);
json_t *applications_steps(db *d, int64_t app, int recommendations);
json_t *applications_files(db *d, int64_t app);
int applications_file(db *d, arena *a, int64_t app, int64_t id,
		      const char **name, const char **mime, const char **sha);
int64_t applications_pending(db *d);
int applications_move(db *d, const struct application *app, int64_t actor,
		      const char *action, const char *body);

#endif
