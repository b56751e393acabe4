/* rules.c - see rules.h. The set is compiled from the shipped files (in
 * name order) that no row turns off, then the uploaded files that are
 * on; an upload or a change is checked by compiling the set it would
 * make, so the rules in use always link. A program's threads share one
 * set; when the rules table's version moves (checked at most once a
 * second) a new set is compiled and swapped in, the old one freed once
 * no thread holds it. A correlation's windows start empty in a new set. */
#include "rules.h"

#include "../core/buf.h"
#include "../core/clock.h"
#include "../core/jsonmem.h"
#include "../core/log.h"
#include "attack.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Returns whether file is a rule file's name: [a-z0-9_-], ending .yml
 * or .yaml, at most 80 bytes. */
int rules_file_ok(const char *file)
{
	size_t n = strlen(file);
	if (n < 5 || n > 80)
		return 0;
	const char *dot = strrchr(file, '.');
	if (!dot || (strcmp(dot, ".yml") && strcmp(dot, ".yaml")))
		return 0;
	for (const char *p = file; p < dot; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		      *p == '_' || *p == '-'))
			return 0;
	return dot > file;
}

/* Reads the rule file at path (at most RULES_MAX_BYTES). Returns a new
 * string (free), or NULL when it cannot be read or is too long. */
char *rules_read(const char *path)
{
	buf b = BUF_INIT;
	if (buf_read_file(&b, path) != 0 || b.len > RULES_MAX_BYTES) {
		buf_free(&b);
		return NULL;
	}
	return b.data ? b.data : strdup("");
}

/* Reads dir/file (see rules_read). */
static char *read_rule(const char *dir, const char *file)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	return rules_read(path);
}

/* qsort order of names. */
static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The rule files shipped in dir, sorted: a new array of new strings,
 * NULL-ended (empty when dir cannot be read). */
static char **shipped(const char *dir)
{
	size_t n = 0, cap = 16;
	char **names = malloc(cap * sizeof(*names));
	DIR *dh = dir ? opendir(dir) : NULL;
	struct dirent *de;
	while (names && dh && (de = readdir(dh))) {
		if (!rules_file_ok(de->d_name))
			continue;
		if (n + 1 >= cap) {
			char **more =
			    realloc(names, (cap *= 2) * sizeof(*names));
			if (!more)
				break;
			names = more;
		}
		names[n++] = strdup(de->d_name);
	}
	if (dh)
		closedir(dh);
	if (!names)
		return NULL;
	qsort(names, n, sizeof(*names), by_name);
	names[n] = NULL;
	return names;
}

/* Frees shipped's array. */
static void shipped_free(char **names)
{
	for (size_t i = 0; names && names[i]; i++)
		free(names[i]);
	free(names);
}

/* Returns 1 when the row of file turns it on, 0 off, -1 when it has
 * none (or on a database error). */
static int row_enabled(db *d, const char *file)
{
	sqlite3_stmt *st = db_query(d, STMT_RULES_GET, file);
	int on = st && sqlite3_step(st) == SQLITE_ROW ? (int)db_int(st, 2) : -1;
	if (st)
		sqlite3_reset(st);
	return on;
}

static sigma_set *compile(db *d, const char *dir, const char *skip,
			  const char *extra_file, const char *extra_text,
			  char *err, size_t errn);

/* Compiles the enabled rules (shipped files in dir, then uploads) into a
 * new linked set, leaving out skip (NULL: none) and adding extra_file
 * with extra_text (NULL: none; it replaces a file of that name). Returns
 * the set, or NULL with "file: line N: reason" in err. */
sigma_set *rules_compile(db *d, const char *dir, const char *skip,
			 const char *extra_file, const char *extra_text,
			 char *err, size_t errn)
{
	/* the set outlives the request that compiles it: its JSON (tags,
	 * false positives) must come from the heap, not the request's arena */
	arena *was = jsonmem_use(NULL);
	sigma_set *s = compile(d, dir, skip, extra_file, extra_text, err, errn);
	jsonmem_use(was);
	return s;
}

/* rules_compile's work, with jansson on the heap. */
static sigma_set *compile(db *d, const char *dir, const char *skip,
			  const char *extra_file, const char *extra_text,
			  char *err, size_t errn)
{
	sigma_set *s = sigma_set_new();
	char **names = shipped(dir);
	char why[600];
	int rc = s && names ? 0 : -1;
	if (rc)
		snprintf(err, errn, "out of memory");
	for (size_t i = 0; rc == 0 && names[i]; i++) {
		const char *f = names[i];
		if ((skip && !strcmp(skip, f)) ||
		    (extra_file && !strcmp(extra_file, f)) ||
		    row_enabled(d, f) == 0)
			continue;
		char *text = read_rule(dir, f);
		rc = text ? sigma_set_add(s, f, text, strlen(text), why,
					  sizeof(why))
			  : -1;
		if (rc)
			snprintf(err, errn, "%s: %s", f,
				 text ? why : "cannot be read");
		free(text);
	}
	sqlite3_stmt *st = rc == 0 ? db_query(d, STMT_RULES_ALL) : NULL;
	while (st && rc == 0 && sqlite3_step(st) == SQLITE_ROW) {
		const char *f = db_text(st, 0);
		if (strcmp(db_text(st, 1), "uploaded") || !db_int(st, 3) ||
		    (skip && !strcmp(skip, f)) ||
		    (extra_file && !strcmp(extra_file, f)))
			continue;
		const char *text = db_text(st, 2);
		if ((rc = sigma_set_add(s, f, text, strlen(text), why,
					sizeof(why))) != 0)
			snprintf(err, errn, "%s: %s", f, why);
	}
	if (st)
		sqlite3_reset(st);
	if (rc == 0 && extra_file &&
	    (rc = sigma_set_add(s, extra_file, extra_text, strlen(extra_text),
				why, sizeof(why))) != 0)
		snprintf(err, errn, "%s: %s", extra_file, why);
	if (rc == 0 && sigma_set_link(s, why, sizeof(why)) != 0) {
		snprintf(err, errn, "%s", why);
		rc = -1;
	}
	shipped_free(names);
	if (rc) {
		sigma_set_free(s);
		return NULL;
	}
	return s;
}

/* Sets up an empty cache. */
void rules_cache_init(struct rules_cache *rc)
{
	memset(rc, 0, sizeof(*rc));
	pthread_mutex_init(&rc->lock, NULL);
	rc->version = -1;
}

/* Frees the cache's sets (no thread may hold one). */
void rules_cache_close(struct rules_cache *rc)
{
	sigma_set_free(rc->set);
	sigma_set_free(rc->old);
	pthread_mutex_destroy(&rc->lock);
}

/* Returns the set in use (compiled again first when the rules changed;
 * d the main database), held until rules_done; NULL when no rules could
 * be compiled. */
sigma_set *rules_hold(struct rules_cache *rc, db *d, const char *dir)
{
	int64_t now = (int64_t)clock_mono_ms();
	pthread_mutex_lock(&rc->lock);
	int check = now - rc->checked_ms >= 1000 || rc->version < 0 ||
		    rc->checked_ms == 0;
	if (check)
		rc->checked_ms = now;
	pthread_mutex_unlock(&rc->lock);
	int64_t v = check ? db_scalar(d, STMT_RULES_VERSION) : -1;
	sigma_set *fresh = NULL;
	if (v >= 0 && v != rc->version) {
		char err[700];
		fresh =
		    rules_compile(d, dir, NULL, NULL, NULL, err, sizeof(err));
		if (!fresh)
			log_event("-", "-",
				  "rules: not compiled, the old set stays: %s",
				  err);
	}
	pthread_mutex_lock(&rc->lock);
	if (fresh && v != rc->version) {
		if (!rc->old) { /* else a thread still holds it: next time */
			rc->old = rc->set;
			rc->set = fresh;
			rc->version = v;
			fresh = NULL;
		}
	}
	if (rc->old && !rc->held) {
		sigma_set_free(rc->old);
		rc->old = NULL;
	}
	sigma_set *s = rc->set;
	if (s)
		rc->held++;
	pthread_mutex_unlock(&rc->lock);
	sigma_set_free(fresh);
	return s;
}

/* Gives back a set rules_hold returned (NULL is fine). */
void rules_done(struct rules_cache *rc, sigma_set *s)
{
	if (!s)
		return;
	pthread_mutex_lock(&rc->lock);
	rc->held--;
	pthread_mutex_unlock(&rc->lock);
}

/* The rules of one file's text as a new array of their descriptions
 * (with their ATT&CK techniques described), or NULL with the reason in
 * err. */
static json_t *file_rules(const char *file, const char *text, char *err,
			  size_t errn)
{
	sigma_set *s = sigma_set_new();
	if (!s || sigma_set_add(s, file, text, strlen(text), err, errn)) {
		sigma_set_free(s);
		return NULL;
	}
	json_t *arr = json_array();
	struct sigma_info in;
	for (size_t i = 0; sigma_set_info(s, i, &in) == 0; i++) {
		json_t *ids = attack_ids_of_tags(in.tags);
		json_array_append_new(
		    arr,
		    json_pack("{ss ss ss ss ss ss ss* sO sO so}", "id", in.id,
			      "title", in.title, "level", in.level, "kind",
			      in.kind, "type", in.type, "description",
			      in.description, "name", in.name, "tags", in.tags,
			      "falsepositives", in.falsepositives, "techniques",
			      attack_describe(ids)));
		json_decref(ids);
	}
	sigma_set_free(s);
	return arr;
}

/* One file of the list: {file, origin, enabled, rules} or {..., error}. */
static json_t *file_entry(const char *file, const char *origin, int on,
			  const char *text)
{
	char err[600] = "cannot be read";
	json_t *rules = text ? file_rules(file, text, err, sizeof(err)) : NULL;
	json_t *o = json_pack("{ss ss sb}", "file", file, "origin", origin,
			      "enabled", on);
	if (rules)
		json_object_set_new(o, "rules", rules);
	else
		json_object_set_new(o, "error", json_string(err));
	return o;
}

/* Lists every rule file, shipped ones first: a new array, or NULL on a
 * database error. */
json_t *rules_list(db *d, const char *dir)
{
	char **names = shipped(dir);
	json_t *arr = json_array();
	for (size_t i = 0; names && names[i]; i++) {
		char *text = read_rule(dir, names[i]);
		int on = row_enabled(d, names[i]);
		json_array_append_new(
		    arr, file_entry(names[i], "bundled", on != 0, text));
		free(text);
	}
	shipped_free(names);
	sqlite3_stmt *st = db_query(d, STMT_RULES_ALL);
	if (!st) {
		json_decref(arr);
		return NULL;
	}
	while (sqlite3_step(st) == SQLITE_ROW)
		if (!strcmp(db_text(st, 1), "uploaded"))
			json_array_append_new(
			    arr,
			    file_entry(db_text(st, 0), "uploaded",
				       (int)db_int(st, 3), db_text(st, 2)));
	sqlite3_reset(st);
	return arr;
}

/* Returns file's YAML (shipped or uploaded) as a new string, or NULL
 * when there is no such file. */
char *rules_text(db *d, const char *dir, const char *file)
{
	if (!rules_file_ok(file))
		return NULL;
	char *text = read_rule(dir, file);
	if (text)
		return text;
	sqlite3_stmt *st = db_query(d, STMT_RULES_GET, file);
	if (st && sqlite3_step(st) == SQLITE_ROW &&
	    !strcmp(db_text(st, 0), "uploaded"))
		text = strdup(db_text(st, 1));
	if (st)
		sqlite3_reset(st);
	return text;
}

/* Stores an uploaded rule file (new or replacing an upload of that
 * name), enabled, after checking that the set it makes compiles and
 * links. Inside the caller's transaction. Returns 0, 1 refused (the
 * reason in err: a bad name, a shipped file's name, a rule that does
 * not parse), or -1 on a database error. */
int rules_upload(db *d, const char *dir, const char *file, const char *text,
		 int64_t user_id, char *err, size_t errn)
{
	if (!rules_file_ok(file)) {
		snprintf(err, errn,
			 "a rule file's name is letters a-z, digits, _ and - "
			 "ending .yml (at most 80)");
		return 1;
	}
	char *shipped_text = read_rule(dir, file);
	free(shipped_text);
	if (shipped_text) {
		snprintf(err, errn,
			 "%s is a rule Secura ships: upload yours under "
			 "another name",
			 file);
		return 1;
	}
	sigma_set *s = rules_compile(d, dir, NULL, file, text, err, errn);
	if (!s)
		return 1;
	sigma_set_free(s);
	return db_exec(d, STMT_RULES_PUT, file, "uploaded", text, 1,
		       clock_now() * 1000, user_id) == 0
		   ? 0
		   : -1;
}

/* Turns file on or off, after checking that the set it makes links (a
 * correlation may need the rule). Inside the caller's transaction.
 * Returns 0, 1 refused (reason in err), 2 no such file, -1 on a
 * database error. */
int rules_enable(db *d, const char *dir, const char *file, int on,
		 int64_t user_id, char *err, size_t errn)
{
	char *text = rules_text(d, dir, file);
	if (!text)
		return 2;
	char *mine = read_rule(dir, file);
	int bundled = mine != NULL;
	free(mine);
	sigma_set *s = rules_compile(d, dir, on ? NULL : file, on ? file : NULL,
				     on ? text : NULL, err, errn);
	int rc = 1;
	if (s)
		rc = db_exec(d, STMT_RULES_PUT, file,
			     bundled ? "bundled" : "uploaded",
			     bundled ? "" : text, on, clock_now() * 1000,
			     user_id) == 0
			 ? 0
			 : -1;
	sigma_set_free(s);
	free(text);
	return rc;
}
