/* test_group.c - group commit (db_group_open): threads with their own
 * connections append to the hash-chained audit log at once, every third
 * transaction rolls back; afterwards exactly the committed rows are
 * there, in one intact chain, and each thread saw its own commits. */
#include "../../src/core/config.h"
#include "../../src/core/db.h"
#include "../../src/domain/audit.h"
#include "../testdb.h"
#include "../testhelp.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#define THREADS 8
#define ROUNDS	200

struct worker {
	int committed, failed, ok;
};

/* One thread: ROUNDS transactions of one audit row each; every third is
 * rolled back on purpose. */
static void *writer(void *arg)
{
	struct worker *w = arg;
	db d;
	char err[256];
	w->ok = db_open(&d, config_get()->db_path, err, sizeof(err)) == 0;
	if (!w->ok)
		return NULL;
	for (int i = 0; i < ROUNDS; i++) {
		struct audit_entry e = {.action = "test.group",
					.object_type = "round",
					.object_id = i % 3 ? "kept" : "undone"};
		if (db_begin(&d) != 0 || audit_append(&d, &e) != 0) {
			db_rollback(&d);
			w->failed++;
			continue;
		}
		if (i % 3 == 0)
			db_rollback(&d);
		else if (db_commit(&d) == 0)
			w->committed++;
		else
			w->failed++;
	}
	db_close(&d);
	return NULL;
}

int main(void)
{
	char dir[] = "/tmp/secura-unit-XXXXXX", err[256];
	db d;
	if (testdb_open(&d, dir) != 0)
		return 1;
	if (db_group_open(config_get()->db_path, err, sizeof(err)) != 0) {
		printf("not ok - setup: %s\n", err);
		return 1;
	}
	int64_t before = db_scalar(&d, STMT_AUDIT_COUNT, "", "", 0, 0);
	pthread_t t[THREADS];
	struct worker w[THREADS] = {{0}};
	for (int i = 0; i < THREADS; i++)
		pthread_create(&t[i], NULL, writer, &w[i]);
	int committed = 0, failed = 0, ok = 1;
	for (int i = 0; i < THREADS; i++) {
		pthread_join(t[i], NULL);
		committed += w[i].committed;
		failed += w[i].failed;
		ok &= w[i].ok;
	}
	test_cond("group: every thread opened its connection", ok);
	test_cond("group: no transaction failed", failed == 0);
	int64_t rows = 0, bad = 0;
	char why[256] = "";
	int64_t after = db_scalar(&d, STMT_AUDIT_COUNT, "", "", 0, 0);
	test_cond("group: exactly the committed rows are there",
		  after - before == committed &&
		      committed == THREADS * (ROUNDS - (ROUNDS + 2) / 3));
	test_cond("group: the rolled-back rows are not",
		  db_scalar(&d, STMT_AUDIT_COUNT, "test.group", "", 0, 0) ==
		      committed);
	test_cond("group: the hash chain is intact",
		  audit_verify(&d, &rows, &bad, why, sizeof(why)) == 0 &&
		      rows == after);
	if (bad)
		printf("# broken at %lld: %s\n", (long long)bad, why);

	/* A transaction on this thread's own handle goes through the group
	   too and sees its own row before and after the commit. */
	struct audit_entry e = {.action = "test.single"};
	int single =
	    db_begin(&d) == 0 && audit_append(&d, &e) == 0 &&
	    db_scalar(&d, STMT_AUDIT_COUNT, "test.single", "", 0, 0) == 1 &&
	    db_commit(&d) == 0;
	test_cond("group: a lone transaction commits at once",
		  single && db_scalar(&d, STMT_AUDIT_COUNT, "test.single", "",
				      0, 0) == 1);
	testdb_close(&d, dir);
	return test_report();
}
