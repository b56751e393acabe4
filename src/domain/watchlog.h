/* watchlog.h - following a web server's access log into the events
 * database (`secura watch-log`). */
#ifndef SECURA_WATCHLOG_H
#define SECURA_WATCHLOG_H

#include "../core/db.h"
#include "events.h"
#include "rules.h"

#include <stdio.h>

/* What to follow and where its lines go. */
struct watchlog {
	const char *path;
	db *main, *events;
	int64_t source_id;
	struct scorer *sc;
	struct rules_cache *rules; /* NULL: no detection rules */
	const char *rules_dir;
	int from_start; /* read what the file holds already */
	int once;	/* stop at the end instead of following */
};

int watchlog_run(const struct watchlog *w, FILE *out);
void watchlog_stop(void);

#endif
