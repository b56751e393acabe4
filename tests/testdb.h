/* testdb.h - a fresh data directory and migrated database for the unit
 * suites that need one. Include after testhelp.h. */
#ifndef SECURA_TESTDB_H
#define SECURA_TESTDB_H

#include "../src/core/config.h"
#include "../src/core/db.h"

#include <stdio.h>
#include <stdlib.h>

/* Makes dir (a mkdtemp template, rewritten) the data directory, opens d
 * on its database and migrates it. Returns 0, or -1 after printing a
 * "not ok - setup" line. */
static int testdb_open(db *d, char *dir)
{
	char err[256] = "cannot create a temporary folder";
	if (!mkdtemp(dir) || setenv("SECURA_DATA", dir, 1) != 0 ||
	    config_load(err, sizeof(err)) != 0 ||
	    db_open(d, config_get()->db_path, err, sizeof(err)) != 0 ||
	    db_migrate(d, err, sizeof(err)) < 0) {
		printf("not ok - setup: %s\n", err);
		return -1;
	}
	return 0;
}

/* Closes d and removes the data directory dir. */
static void testdb_close(db *d, const char *dir)
{
	db_close(d);
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", dir);
}

#endif
