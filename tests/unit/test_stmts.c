/* test_stmts.c - every statement of stmts.def against a freshly migrated
 * database: it prepares, it has as many parameters as its bind letters
 * (each one a letter db_vbind knows) and as many result columns as it
 * declares. A statement whose SQL, bind letters or reader drift apart
 * fails here, not in a user's request. */
#include "../../src/core/config.h"
#include "../../src/core/db.h"
#include "../testdb.h"
#include "../testhelp.h"

#include <stdio.h>
#include <string.h>

/* Checks one declaration on d; prints one line per problem. Returns 1
 * when everything matches. */
static int check_stmt(db *d, const struct stmt_decl *s)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(d->h, s->sql, -1, &st, NULL) != SQLITE_OK) {
		printf("#   %s does not prepare: %s\n", s->name,
		       sqlite3_errmsg(d->h));
		return 0;
	}
	int ok = 1;
	int params = sqlite3_bind_parameter_count(st);
	if ((size_t)params != strlen(s->bind)) {
		printf("#   %s has %d parameters, declares %zu (\"%s\")\n",
		       s->name, params, strlen(s->bind), s->bind);
		ok = 0;
	}
	if (strspn(s->bind, "siINUdDb*") != strlen(s->bind)) {
		printf("#   %s: unknown bind letter in \"%s\"\n", s->name,
		       s->bind);
		ok = 0;
	}
	if (sqlite3_column_count(st) != s->ncols) {
		printf("#   %s returns %d columns, declares %d\n", s->name,
		       sqlite3_column_count(st), s->ncols);
		ok = 0;
	}
	sqlite3_finalize(st);
	return ok;
}

int main(void)
{
	char dir[] = "/tmp/secura-stmts-XXXXXX", err[256];
	db d, ev;
	if (testdb_open(&d, dir) != 0)
		return 1;
	/* the events database: its own file and migrations */
	if (db_open(&ev, config_get()->events_db, err, sizeof(err)) != 0 ||
	    db_migrate_set(&ev, "schema/events/", err, sizeof(err)) < 1) {
		printf("not ok - setup: events database: %s\n", err);
		return 1;
	}
	int good = 0;
	for (int i = 0; i < STMT__COUNT; i++)
		good +=
		    check_stmt(strncmp(db_stmts[i].name, "EVT_", 4) ? &d : &ev,
			       &db_stmts[i]);
	test_cond("every statement prepares with its declared parameters and "
		  "columns",
		  good == STMT__COUNT);
	printf("# %d of %d statements match their declaration\n", good,
	       STMT__COUNT);

	/* The checks can fail: a declaration off by one is caught. */
	struct stmt_decl wrong = db_stmts[STMT_INCIDENT_BY_ID];
	wrong.ncols--;
	test_cond("a wrong column count is caught", !check_stmt(&d, &wrong));
	wrong = db_stmts[STMT_INCIDENT_BY_ID];
	wrong.bind = "II";
	test_cond("a wrong parameter count is caught", !check_stmt(&d, &wrong));
	test_cond("incident reads name INCIDENT_ROW's columns",
		  db_stmts[STMT_INCIDENT_BY_ID].ncols == INCIDENT_COL__N &&
		      INCIDENT_COL_ENISA_CLASS == INCIDENT_COL__N - 1);

	/* A statement the caller binds itself cannot go through db_query. */
	test_cond("a hand-bound statement refuses db_query",
		  db_query(&d, STMT_COMPLIANCE_PUT, (int64_t)1) == NULL);
	test_cond("the main and events migration sets are apart",
		  db_migrate_set(&ev, "schema/events/", err, sizeof(err)) ==
			  0 &&
		      db_scalar(&d, STMT_SOURCE_BY_NAME, "x") == 0);
	db_close(&ev);
	testdb_close(&d, dir);
	return test_report();
}
