/* commits.c - the write baseline for `make bench`: a bare loop of
 * one-row SQLite commits (BEGIN IMMEDIATE, INSERT, COMMIT) on a database
 * opened with Secura's own db_open pragmas (WAL, synchronous=FULL).
 * Usage: commits DBFILE SECONDS; prints "commits/s N". */
#include "../../src/core/clock.h"
#include "../../src/core/db.h"

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	db d;
	char err[256];
	if (argc != 3 || db_open(&d, argv[1], err, sizeof(err)) != 0)
		return 2;
	double secs = strtod(argv[2], NULL), t0 = clock_mono_ms();
	sqlite3_stmt *ins = NULL;
	if (sqlite3_exec(d.h,
			 "CREATE TABLE IF NOT EXISTS bench(id INTEGER PRIMARY "
			 "KEY, at INTEGER, v TEXT)",
			 NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(d.h, "INSERT INTO bench(at, v) VALUES(?1, ?2)",
			       -1, &ins, NULL) != SQLITE_OK)
		return 1;
	long n = 0;
	while (clock_mono_ms() - t0 < secs * 1000) {
		if (db_begin(&d) != 0)
			return 1;
		sqlite3_bind_int64(ins, 1, n);
		sqlite3_bind_text(ins, 2, "a row the size of a small incident",
				  -1, SQLITE_STATIC);
		if (sqlite3_step(ins) != SQLITE_DONE)
			return 1;
		sqlite3_reset(ins);
		if (db_commit(&d) != 0)
			return 1;
		n++;
	}
	printf("commits/s %.0f\n", n / ((clock_mono_ms() - t0) / 1000));
	sqlite3_finalize(ins);
	db_close(&d);
	return 0;
}
