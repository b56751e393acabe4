/* db.h - one SQLite connection per thread, named prepared statements,
 * migrations from schema/ (embedded at build time). */
#ifndef SECURA_DB_H
#define SECURA_DB_H

#include "arena.h"
#include "stmts/rows.h"

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

enum stmt_id {
#define STMT(name, bind, ncols, sql) STMT_##name,
#include "stmts.def"
#undef STMT
	STMT__COUNT
};

/* A connection and its prepared statements. During a write transaction
 * of a program with a group writer (db_group_open), h and st point at
 * the shared writer's; own_h and own_st stay this thread's. */
/* A statement as declared in stmts.def: its parameters' bind letters and
 * its number of result columns (checked by tests/unit/test_stmts.c). */
struct stmt_decl {
	const char *name, *bind, *sql;
	int ncols;
};
extern const struct stmt_decl db_stmts[STMT__COUNT];

typedef struct db {
	sqlite3 *h;
	sqlite3_stmt **st;
	sqlite3 *own_h;
	sqlite3_stmt *own_st[STMT__COUNT];
	int in_tx;
	int grouped; /* the open transaction is part of a group commit */
} db;

int db_open(db *d, const char *path, char *err, size_t errlen);
int db_open_readonly(db *d, const char *path, char *err, size_t errlen);
void db_close(db *d);
int db_migrate(db *d, char *err, size_t errlen);
int db_migrate_set(db *d, const char *set, char *err, size_t errlen);
int db_schema_version(void);
uint64_t db_full_count(void);
sqlite3_stmt *db_stmt(db *d, enum stmt_id id);
int db_bind(sqlite3_stmt *st, const char *fmt, ...);
sqlite3_stmt *db_query(db *d, enum stmt_id id, ...);
int db_exec(db *d, enum stmt_id id, ...);
int db_exec_tx(db *d, enum stmt_id id, ...);
int64_t db_scalar(db *d, enum stmt_id id, ...);
int db_group_open(const char *path, char *err, size_t errlen);
int db_begin(db *d);
int db_writers_waiting(void);
int db_commit(db *d);
void db_rollback(db *d);
typedef void (*db_fill_fn)(arena *a, sqlite3_stmt *st, void *out);
int db_one(sqlite3_stmt *st, db_fill_fn fill, arena *a, void *out);
const char *db_text(sqlite3_stmt *st, int col);
int64_t db_int(sqlite3_stmt *st, int col);
double db_real(sqlite3_stmt *st, int col);
const char *db_errmsg(db *d);
int db_ping(db *d);
const char *db_like(arena *a, const char *q);
const char *db_fts_query(arena *a, const char *q);
db *db_thread(const char *path);
int64_t db_data_version(db *d);

#endif
