/* models.h - the classifiers the app runs: the shipped ones (SECURA_MODELS)
 * until a retraining is adopted, then the newest adopted file. Every
 * thread reads them under a shared lock; models_lock first checks the
 * database for a newly adopted model and swaps it in. */
#ifndef SECURA_MODELS_H
#define SECURA_MODELS_H

#include "../core/arena.h"
#include "../core/db.h"
#include "../ml/classifier.h"

#include <jansson.h>

enum { MODEL_CATEGORY, MODEL_SEVERITY, MODEL__COUNT };
extern const char *const models_kinds[]; /* "category", "severity" */

int models_init(const char *shipped_dir, char *err, size_t errlen);
void models_free(void);
void models_lock(db *d);
void models_unlock(void);
const struct classifier *models_get(int kind);
const char *models_version(int kind);
json_t *models_info(db *d, int kind);
const char *models_current_path(db *d, arena *a, int kind);
int models_kind(const char *name);

#endif
