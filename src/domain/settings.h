/* settings.h - organisation settings shown on reports (settings table). */
#ifndef SECURA_SETTINGS_H
#define SECURA_SETTINGS_H

#include "../core/db.h"

#include <jansson.h>

extern const char *const settings_keys[];

json_t *settings_all(db *d);
int settings_set(db *d, const char *key, const char *value);
const char *settings_str(json_t *settings, const char *key);

#endif
