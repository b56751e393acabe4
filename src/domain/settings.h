/* settings.h - organisation settings shown on reports (settings table). */
#ifndef SECURA_SETTINGS_H
#define SECURA_SETTINGS_H

#include "../core/db.h"

#include <jansson.h>
#include <stdint.h>

extern const int64_t settings_sla_triage_default[4],
    settings_sla_resolve_default[4];

extern const char *const settings_keys[];

json_t *settings_all(db *d);
const char *settings_get(db *d, arena *a, const char *key);
int settings_set(db *d, const char *key, const char *value);
const char *settings_str(json_t *settings, const char *key);
void settings_sla(db *d, int64_t triage[4], int64_t resolve[4]);

#endif
