/* models.c - see models.h. */
#include "models.h"

#include "../core/jsonmem.h"
#include "../core/log.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

const char *const models_kinds[] = {"category", "severity", NULL};

struct slot {
	struct classifier m;
	int loaded;
	int64_t training; /* 0: the shipped model */
	char version[96]; /* "shipped <trained_at>" or "training <id>" */
};

static struct slot slots[MODEL__COUNT];
static char shipped[4096];
static pthread_rwlock_t lock = PTHREAD_RWLOCK_INITIALIZER;
static pthread_mutex_t swap = PTHREAD_MUTEX_INITIALIZER;

/* Returns the index of a kind name, or -1. */
int models_kind(const char *name)
{
	for (int k = 0; models_kinds[k]; k++)
		if (name && !strcmp(name, models_kinds[k]))
			return k;
	return -1;
}

/* Sets a slot's version from its model. */
static void set_version(struct slot *sl)
{
	const char *t =
	    json_string_value(json_object_get(sl->m.meta, "trained_at"));
	if (sl->training)
		snprintf(sl->version, sizeof(sl->version), "training %lld",
			 (long long)sl->training);
	else
		snprintf(sl->version, sizeof(sl->version), "shipped %s",
			 t ? t : "");
}

/* Loads the shipped models from dir (remembered for later). Returns 0,
 * or -1 with the reason in err (that kind stays off). */
int models_init(const char *dir, char *err, size_t errlen)
{
	int rc = 0;
	snprintf(shipped, sizeof(shipped), "%s", dir);
	pthread_rwlock_wrlock(&lock);
	for (int k = 0; k < MODEL__COUNT; k++) {
		char path[4200];
		snprintf(path, sizeof(path), "%s/%s.model", dir,
			 models_kinds[k]);
		slots[k].loaded =
		    classifier_load(&slots[k].m, path, err, errlen) == 0;
		slots[k].training = 0;
		if (!slots[k].loaded)
			rc = -1;
		else
			set_version(&slots[k]);
	}
	pthread_rwlock_unlock(&lock);
	return rc;
}

/* Releases every model. */
void models_free(void)
{
	pthread_rwlock_wrlock(&lock);
	for (int k = 0; k < MODEL__COUNT; k++)
		if (slots[k].loaded)
			classifier_free(&slots[k].m);
	memset(slots, 0, sizeof(slots));
	pthread_rwlock_unlock(&lock);
}

/* Swaps in the newest adopted model of each kind when it is not the one
 * loaded. A file that cannot be loaded is logged and the old model
 * kept. */
static void sync_models(db *d)
{
	int64_t want[MODEL__COUNT] = {0};
	char path[MODEL__COUNT][4200] = {{0}};
	sqlite3_stmt *st = db_query(d, STMT_TRAINING_ACTIVE);
	while (st && sqlite3_step(st) == SQLITE_ROW) {
		int k = models_kind(db_text(st, 0));
		if (k >= 0) {
			want[k] = db_int(st, 1);
			snprintf(path[k], sizeof(path[k]), "%s",
				 db_text(st, 2));
		}
	}
	if (st)
		sqlite3_reset(st);
	pthread_mutex_lock(&swap);
	for (int k = 0; k < MODEL__COUNT; k++) {
		if (!want[k] || want[k] == slots[k].training)
			continue;
		struct classifier m;
		char err[512];
		arena *req = jsonmem_use(NULL); /* the model outlives it */
		int rc = classifier_load(&m, path[k], err, sizeof(err));
		jsonmem_use(req);
		if (rc != 0) {
			log_event(NULL, NULL, "model %s #%lld not loaded: %s",
				  models_kinds[k], (long long)want[k], err);
			continue;
		}
		pthread_rwlock_wrlock(&lock);
		if (slots[k].loaded)
			classifier_free(&slots[k].m);
		slots[k].m = m;
		slots[k].loaded = 1;
		slots[k].training = want[k];
		set_version(&slots[k]);
		pthread_rwlock_unlock(&lock);
		log_event(NULL, NULL, "model %s: now training #%lld",
			  models_kinds[k], (long long)want[k]);
	}
	pthread_mutex_unlock(&swap);
}

/* Returns the version of a kind's loaded model (empty when none); only
 * while locked. */
const char *models_version(int kind)
{
	return kind >= 0 && kind < MODEL__COUNT && slots[kind].loaded
		   ? slots[kind].version
		   : "";
}

/* Brings the models up to date and takes the shared lock; pair with
 * models_unlock. */
void models_lock(db *d)
{
	sync_models(d);
	pthread_rwlock_rdlock(&lock);
}

/* Releases the shared lock. */
void models_unlock(void)
{
	pthread_rwlock_unlock(&lock);
}

/* Returns the loaded model of a kind, or NULL; only while locked. */
const struct classifier *models_get(int kind)
{
	return kind >= 0 && kind < MODEL__COUNT && slots[kind].loaded
		   ? &slots[kind].m
		   : NULL;
}

/* Returns what is loaded for a kind as a new JSON object {kind, source,
 * training, labels, meta}, or {kind, loaded: false}. */
json_t *models_info(db *d, int kind)
{
	models_lock(d);
	const struct classifier *m = models_get(kind);
	json_t *o = json_pack("{ss sb}", "kind", models_kinds[kind], "loaded",
			      m != NULL);
	if (m) {
		json_t *labels = json_array();
		for (int i = 0; i < m->nlabels; i++)
			json_array_append_new(labels,
					      json_string(m->labels[i]));
		json_object_set_new(o, "labels", labels);
		json_object_set_new(o, "terms", json_integer(m->tf.n));
		json_object_set_new(
		    o, "solver",
		    json_string(m->lr ? "logistic regression" : "linear SVM"));
		json_object_set_new(o, "training",
				    json_integer(slots[kind].training));
		json_object_set_new(o, "meta", json_deep_copy(m->meta));
	}
	models_unlock();
	return o;
}

/* Returns the file of the kind's current model: the newest adopted
 * training's, else the shipped one (arena string). */
const char *models_current_path(db *d, arena *a, int kind)
{
	const char *p = NULL;
	sqlite3_stmt *st = db_query(d, STMT_TRAINING_ACTIVE);
	while (st && sqlite3_step(st) == SQLITE_ROW)
		if (models_kind(db_text(st, 0)) == kind)
			p = arena_strdup(a, db_text(st, 2));
	if (st)
		sqlite3_reset(st);
	return p ? p
		 : arena_printf(a, "%s/%s.model", shipped, models_kinds[kind]);
}
