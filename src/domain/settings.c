/* settings.c - see settings.h. The keys are fixed by the schema; the
 * organisation name falls back to SECURA_ORG_NAME, then "Secura". */
#include "settings.h"

#include "../core/config.h"

#include "../core/valid.h"

#include <stdio.h>
#include <string.h>

const char *const settings_keys[] = {
    "org_name",	   "controller", "controller_contact", "dpo_name",
    "dpo_contact", "authority",	 "sox_committee",      NULL};

/* The SLA targets in seconds per severity (low, medium, high, critical)
 * when an admin has set none: triage and resolve. */
const int64_t settings_sla_triage_default[4] = {24 * 3600, 8 * 3600, 3600,
						15 * 60};
const int64_t settings_sla_resolve_default[4] = {30 * 86400, 14 * 86400,
						 3 * 86400, 86400};

/* Returns one setting's value (arena string), "" when unset or on error. */
const char *settings_get(db *d, arena *a, const char *key)
{
	sqlite3_stmt *st = db_query(d, STMT_SETTING_GET, key);
	const char *v = "";
	if (st && sqlite3_step(st) == SQLITE_ROW)
		v = arena_strdup(a, db_text(st, 0));
	if (st)
		sqlite3_reset(st);
	return v;
}

/* Returns every setting as a new JSON object {key: value}; NULL on a
 * database error. */
json_t *settings_all(db *d)
{
	sqlite3_stmt *st = db_query(d, STMT_SETTINGS_ALL);
	if (!st)
		return NULL;
	json_t *o = json_object();
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		json_object_set_new(o, db_text(st, 0),
				    json_string(db_text(st, 1)));
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		json_decref(o);
		return NULL;
	}
	const char *org = settings_str(o, "org_name");
	if (!*org)
		json_object_set_new(o, "org_name",
				    json_string(*config_get()->org_name
						    ? config_get()->org_name
						    : "Secura"));
	return o;
}

/* Sets one known setting. Returns 0, or -1 on a database error. */
int settings_set(db *d, const char *key, const char *value)
{
	return db_exec(d, STMT_SETTINGS_SET, key, value);
}

/* Returns a setting's text from settings_all's object ("" if missing). */
const char *settings_str(json_t *settings, const char *key)
{
	const char *v = json_string_value(json_object_get(settings, key));
	return v ? v : "";
}

/* Fills the SLA targets in seconds per severity (low, medium, high,
 * critical) from the sla_<severity>_<clock> settings in minutes; the
 * defaults below for any missing or unreadable value. */
void settings_sla(db *d, int64_t triage[4], int64_t resolve[4])
{
	static const char *const sev[] = {"low", "medium", "high", "critical"};
	json_t *all = settings_all(d);
	for (int i = 0; i < 4; i++) {
		char key[32];
		int64_t v;
		snprintf(key, sizeof(key), "sla_%s_triage", sev[i]);
		triage[i] =
		    valid_int(settings_str(all, key), 1, 525600, &v) == 0
			? v * 60
			: settings_sla_triage_default[i];
		snprintf(key, sizeof(key), "sla_%s_resolve", sev[i]);
		resolve[i] =
		    valid_int(settings_str(all, key), 1, 5256000, &v) == 0
			? v * 60
			: settings_sla_resolve_default[i];
	}
	json_decref(all);
}
