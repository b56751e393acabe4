/* db.c - SQLite access: pragmas, statement cache, binding, transactions
 * and schema migrations. */
#include "db.h"

#include "embed.h"
#include "log.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const struct stmt_decl db_stmts[STMT__COUNT] = {
#define STMT(name_, bind_, ncols_, sql_)                                       \
	[STMT_##name_] = {                                                     \
	    .name = #name_, .bind = bind_, .sql = sql_, .ncols = ncols_},
#include "stmts.def"
#undef STMT
};

/* Turns off SQLite's memory statistics once, before its first use:
 * they take one process-wide mutex on every allocation, which threads
 * with connections of their own then queue on. */
static void no_memstatus(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

/* Opens path with flags and runs pragmas on it. Returns 0, or -1 with
 * err (d closed). */
static int open_with(db *d, const char *path, int flags, const char *pragmas,
		     char *err, size_t errlen)
{
	memset(d, 0, sizeof(*d));
	d->st = d->own_st;
	int rc =
	    sqlite3_open_v2(path, &d->h, flags | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_busy_timeout(d->h, 5000);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(d->h, pragmas, NULL, NULL, NULL);
	d->own_h = d->h;
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "cannot open database %s: %s", path,
			 d->h ? sqlite3_errmsg(d->h) : "out of memory");
		db_close(d);
		return -1;
	}
	return 0;
}

/* Opens path with the pragmas of DESIGN.md. Returns 0, or -1 with a
 * message in err; d is then closed. No mmap_size: a reader whose next
 * transaction sees another connection's commit unmaps the whole mapping,
 * which under steady writes (every staff view is audited) cost a third of
 * the incident page's throughput; pread from the OS cache is cheaper. */
int db_open(db *d, const char *path, char *err, size_t errlen)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, no_memstatus);
	return open_with(d, path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
			 "PRAGMA journal_mode=WAL;"
			 "PRAGMA synchronous=FULL;"
			 "PRAGMA foreign_keys=ON;"
			 "PRAGMA trusted_schema=OFF;",
			 err, errlen);
}

/* Opens path read-only (no journal change, nothing created): for
 * reading a copy, such as a backup. Returns 0, or -1 with err. */
int db_open_readonly(db *d, const char *path, char *err, size_t errlen)
{
	return open_with(d, path, SQLITE_OPEN_READONLY,
			 "PRAGMA trusted_schema=OFF;", err, errlen);
}

/* Finalises cached statements and closes the connection. */
void db_close(db *d)
{
	for (int i = 0; i < STMT__COUNT; i++)
		sqlite3_finalize(d->own_st[i]);
	sqlite3_close(d->own_h);
	memset(d, 0, sizeof(*d));
}

/* Returns 0 when the database answers a trivial query, else -1. */
int db_ping(db *d)
{
	return db_scalar(d, STMT_PING) >= 0 ? 0 : -1;
}

/* Returns PRAGMA data_version: a number that changes when another
 * connection commits to the database (-1 on error). */
int64_t db_data_version(db *d)
{
	return db_scalar(d, STMT_DATA_VERSION);
}

/* Turns what a person typed into an FTS5 expression: each word becomes a
 * quoted phrase (quotes doubled), all must match, so no FTS5 syntax of
 * theirs is ever run. Returns "" when there is nothing to search for.
 * Arena string. */
const char *db_fts_query(arena *a, const char *q)
{
	char *out = arena_alloc(a, strlen(q) * 2 + 16), *o = out;
	int words = 0;
	for (const char *p = q; *p;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		if (words++)
			*o++ = ' ';
		*o++ = '"';
		for (; *p && *p != ' ' && *p != '\t'; p++) {
			if (*p == '"')
				*o++ = '"';
			*o++ = *p;
		}
		*o++ = '"';
	}
	*o = '\0';
	return words ? out : "";
}

/* Returns a LIKE pattern matching q anywhere ("%q%", for statements that
 * say ESCAPE '\\'), its % _ and \\ escaped so they match themselves; ""
 * when q is NULL or empty. Arena memory. */
const char *db_like(arena *a, const char *q)
{
	if (!q || !*q)
		return "";
	char *p = arena_alloc(a, strlen(q) * 2 + 3), *o = p;
	*o++ = '%';
	for (; *q; q++) {
		if (*q == '%' || *q == '_' || *q == '\\')
			*o++ = '\\';
		*o++ = *q;
	}
	*o++ = '%';
	*o = '\0';
	return p;
}

/* Returns the most recent error message of the connection. */
const char *db_errmsg(db *d)
{
	return d->h ? sqlite3_errmsg(d->h) : "no database";
}

static void outside_group(const db *d, sqlite3_stmt *st);

/* Returns the named statement, prepared on first use and reset with its
 * bindings cleared. Owned by d. NULL (and a log line) if it fails to
 * prepare, which means the schema does not match the code. */
sqlite3_stmt *db_stmt(db *d, enum stmt_id id)
{
	sqlite3_stmt *st = d->st[id];
	if (st) {
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
	} else if (sqlite3_prepare_v3(d->h, db_stmts[id].sql, -1,
				      SQLITE_PREPARE_PERSISTENT, &st,
				      NULL) == SQLITE_OK) {
		d->st[id] = st;
	} else {
		log_event(NULL, NULL, "db: cannot prepare %s: %s",
			  db_stmts[id].name, sqlite3_errmsg(d->h));
		return NULL;
	}
	outside_group(d, st);
	return st;
}

/* Binds parameters 1..n from fmt: s=text (NULL binds NULL), i=int,
 * I=int64, N=int64 or NULL when 0, U=int64 or NULL when negative
 * (unknown), d=double, D=double or NULL when negative, b=blob
 * (pointer, int length); any other letter
 * (the '*' of a statement its caller binds) is SQLITE_MISUSE.
 * Returns SQLITE_OK or the first error. */
static int db_vbind(sqlite3_stmt *st, const char *fmt, va_list ap)
{
	int rc = SQLITE_OK;
	for (int i = 1; fmt && *fmt && rc == SQLITE_OK; fmt++, i++) {
		const char *s;
		int64_t v;
		double x;
		const void *p;
		switch (*fmt) {
		case 's':
			s = va_arg(ap, const char *);
			rc = s ? sqlite3_bind_text(st, i, s, -1,
						   SQLITE_TRANSIENT)
			       : sqlite3_bind_null(st, i);
			break;
		case 'i':
			rc = sqlite3_bind_int(st, i, va_arg(ap, int));
			break;
		case 'I':
			rc = sqlite3_bind_int64(st, i, va_arg(ap, int64_t));
			break;
		case 'N':
		case 'U':
			v = va_arg(ap, int64_t);
			rc = (*fmt == 'N' ? v != 0 : v >= 0)
				 ? sqlite3_bind_int64(st, i, v)
				 : sqlite3_bind_null(st, i);
			break;
		case 'd':
			rc = sqlite3_bind_double(st, i, va_arg(ap, double));
			break;
		case 'D':
			x = va_arg(ap, double);
			rc = x >= 0 ? sqlite3_bind_double(st, i, x)
				    : sqlite3_bind_null(st, i);
			break;
		case 'b':
			p = va_arg(ap, const void *);
			rc = sqlite3_bind_blob(st, i, p, va_arg(ap, int),
					       SQLITE_TRANSIENT);
			break;
		default:
			rc = SQLITE_MISUSE;
		}
	}
	return rc;
}

/* Binds parameters to st as db_vbind describes. */
int db_bind(sqlite3_stmt *st, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = db_vbind(st, fmt, ap);
	va_end(ap);
	return rc;
}

/* Returns the named statement with its parameters bound from ap as its
 * declaration's bind letters say; NULL on failure (logged). */
static sqlite3_stmt *db_vquery(db *d, enum stmt_id id, va_list ap)
{
	sqlite3_stmt *st = db_stmt(d, id);
	if (st && db_vbind(st, db_stmts[id].bind, ap) != SQLITE_OK) {
		log_event(NULL, NULL, "db: bind %s: %s", db_stmts[id].name,
			  sqlite3_errmsg(d->h));
		return NULL;
	}
	return st;
}

/* Returns the named statement with parameters bound, ready for
 * sqlite3_step; owned by d. NULL on failure (logged). */
sqlite3_stmt *db_query(db *d, enum stmt_id id, ...)
{
	va_list ap;
	va_start(ap, id);
	sqlite3_stmt *st = db_vquery(d, id, ap);
	va_end(ap);
	return st;
}

/* How many writes of this process found the disk full (SQLITE_FULL). */
static _Atomic uint64_t full_writes;

/* Returns how many writes of this process have found the disk full: a
 * request whose handler failed while it grew was refused for want of
 * space, not by a fault of ours. */
uint64_t db_full_count(void)
{
	return atomic_load(&full_writes);
}

/* Runs a bound statement to completion. Returns 0 or -1 (logged). */
static int db_vexec(db *d, enum stmt_id id, va_list ap)
{
	sqlite3_stmt *st = db_vquery(d, id, ap);
	if (!st)
		return -1;
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_FULL)
		atomic_fetch_add(&full_writes, 1);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		log_event(NULL, NULL, "db: %s: %s", db_stmts[id].name,
			  sqlite3_errmsg(d->h));
		return -1;
	}
	return 0;
}

/* Runs a statement that returns no rows (or ignores them). Returns 0 or
 * -1 (logged). */
int db_exec(db *d, enum stmt_id id, ...)
{
	va_list ap;
	va_start(ap, id);
	int rc = db_vexec(d, id, ap);
	va_end(ap);
	return rc;
}

/* db_exec in a transaction of its own (BEGIN IMMEDIATE, COMMIT; rolled
 * back on failure). Returns 0 or -1. */
int db_exec_tx(db *d, enum stmt_id id, ...)
{
	va_list ap;
	va_start(ap, id);
	int rc =
	    db_begin(d) == 0 && db_vexec(d, id, ap) == 0 && db_commit(d) == 0
		? 0
		: -1;
	va_end(ap);
	if (rc)
		db_rollback(d);
	return rc;
}

/* Runs a query and returns the first column of its first row; 0 when no
 * row, -1 on error (logged). */
int64_t db_scalar(db *d, enum stmt_id id, ...)
{
	va_list ap;
	va_start(ap, id);
	sqlite3_stmt *st = db_vquery(d, id, ap);
	va_end(ap);
	if (!st)
		return -1;
	int rc = sqlite3_step(st);
	int64_t v = rc == SQLITE_ROW	? sqlite3_column_int64(st, 0)
		    : rc == SQLITE_DONE ? 0
					: -1;
	if (v < 0)
		log_event(NULL, NULL, "db: %s: %s", db_stmts[id].name,
			  sqlite3_errmsg(d->h));
	sqlite3_reset(st);
	return v;
}

/* One writer at a time per process. Threads queue here and wake as soon
 * as the writer before them commits, instead of sleeping in SQLite's busy
 * handler (whose back-off sleeps of up to 100 ms dominated write latency
 * under load). busy_timeout still arbitrates between processes. */
static pthread_mutex_t write_lock = PTHREAD_MUTEX_INITIALIZER;

/* Group commit (programs that call db_group_open: the FastCGI servers).
 * Every write transaction of the process runs on one shared connection,
 * each inside its own savepoint, and a transaction that ends while other
 * threads wait to write leaves the SQLite transaction open for them and
 * waits: the last of the group (nobody waiting, or GROUP_MAX reached)
 * commits for all and wakes them with the result. No caller returns
 * before its data is committed; pages that every transaction touches
 * (indexes' ends, counters, the audit chain) are written once per group
 * instead of once per transaction. A transaction that rolls back undoes
 * only its savepoint. */
#define GROUP_MAX 64

struct group_waiter {
	int done, rc;
	struct group_waiter *next;
};

static struct {
	int on;
	db w;		     /* the shared writer connection */
	int open;	     /* w has an open BEGIN IMMEDIATE */
	int members;	     /* committed savepoints in it */
	_Atomic int waiting; /* threads queued in db_begin */
	struct group_waiter *waiters;
	pthread_cond_t done;
} group = {.done = PTHREAD_COND_INITIALIZER};

/* With group commit every write must go through db_begin (the shared
 * writer). A write on a thread's own connection waits for the group's
 * file lock in SQLite's busy handler, which sleeps up to 100 ms at a time
 * and under a steady stream of reports held a request for seconds. Logs
 * such a statement (a bug the end-to-end suite fails on); it still runs,
 * so nothing is lost. */
static void outside_group(const db *d, sqlite3_stmt *st)
{
	if (group.on && !d->grouped && !sqlite3_stmt_readonly(st))
		log_event(NULL, NULL, "db: a write outside db_begin: %s",
			  sqlite3_sql(st));
}

/* Opens the shared writer connection and turns group commit on for the
 * process. Call once, before threads start. Returns 0 or -1 with err. */
int db_group_open(const char *path, char *err, size_t errlen)
{
	if (db_open(&group.w, path, err, errlen) != 0)
		return -1;
	group.on = 1;
	return 0;
}

/* Points d at the shared writer (1) or back at its own connection (0). */
static void group_swap(db *d, int shared)
{
	d->h = shared ? group.w.h : d->own_h;
	d->st = shared ? group.w.own_st : d->own_st;
	d->grouped = shared;
}

/* Ends the group's SQLite transaction: COMMIT when it holds members and
 * ok, else ROLLBACK; wakes the waiting members with the outcome. Returns
 * 0 when committed (or nothing to commit), -1 otherwise. Holds the
 * write lock. */
static int group_end(int ok)
{
	int rc = ok ? 0 : -1;
	if (group.open) {
		if (ok && group.members > 0 &&
		    db_exec(&group.w, STMT_COMMIT, NULL) != 0)
			rc = -1;
		/* not committed: failed, nothing to commit, or !ok */
		if (!sqlite3_get_autocommit(group.w.h))
			db_exec(&group.w, STMT_ROLLBACK, NULL);
	}
	for (struct group_waiter *w = group.waiters; w; w = w->next) {
		w->done = 1;
		w->rc = rc;
	}
	group.waiters = NULL;
	group.open = 0;
	group.members = 0;
	pthread_cond_broadcast(&group.done);
	return rc;
}

/* The end of d's part of a group (joined: its savepoint was released,
 * else rolled back): waits for the group's commit while others are
 * queued to write, or ends the group now. Releases the write lock.
 * Returns the group's outcome for a member, 0 for a rolled-back one. */
static int group_leave(db *d, int joined)
{
	group_swap(d, 0);
	d->in_tx = 0;
	int rc = 0;
	if (group.open && atomic_load(&group.waiting) > 0 &&
	    group.members > 0 && group.members < GROUP_MAX) {
		if (joined) { /* the next writer carries the group on */
			struct group_waiter me = {0, 0, group.waiters};
			group.waiters = &me;
			while (!me.done)
				pthread_cond_wait(&group.done, &write_lock);
			rc = me.rc;
		}
	} else {
		rc = group_end(1);
	}
	pthread_mutex_unlock(&write_lock);
	return joined ? rc : 0;
}

/* Returns how many of the process's threads wait to write now. */
int db_writers_waiting(void)
{
	return atomic_load(&group.waiting);
}

/* Starts a write transaction: BEGIN IMMEDIATE on d, or with group commit
 * a savepoint on the shared writer (beginning its transaction when none
 * is open). Returns 0 or -1. */
int db_begin(db *d)
{
	atomic_fetch_add(&group.waiting, 1);
	pthread_mutex_lock(&write_lock);
	atomic_fetch_sub(&group.waiting, 1);
	if (!group.on) {
		if (db_exec(d, STMT_BEGIN, NULL) != 0) {
			pthread_mutex_unlock(&write_lock);
			return -1;
		}
		d->in_tx = 1;
		return 0;
	}
	group_swap(d, 1);
	if (!group.open) {
		if (db_exec(d, STMT_BEGIN, NULL) != 0) {
			group_swap(d, 0);
			pthread_mutex_unlock(&write_lock);
			return -1;
		}
		group.open = 1;
	}
	d->in_tx = 1;
	if (db_exec(d, STMT_SAVEPOINT, NULL) != 0) {
		db_rollback(d);
		return -1;
	}
	return 0;
}

/* Commits (with group commit: once the group is committed). Returns 0,
 * or -1 after rolling back. */
int db_commit(db *d)
{
	if (d->grouped) {
		if (db_exec(d, STMT_RELEASE, NULL) != 0) {
			db_rollback(d);
			return -1;
		}
		group.members++;
		return group_leave(d, 1);
	}
	if (db_exec(d, STMT_COMMIT, NULL) != 0) {
		db_rollback(d);
		return -1;
	}
	d->in_tx = 0;
	pthread_mutex_unlock(&write_lock);
	return 0;
}

/* Rolls back the open transaction, if any, and lets the next writer in.
 * In a group only d's savepoint is undone, unless SQLite has already
 * rolled back the whole transaction (then the group fails). */
void db_rollback(db *d)
{
	if (d->grouped) {
		sqlite3 *w = group.w.h;
		if (sqlite3_get_autocommit(w) ||
		    db_exec(d, STMT_ROLLBACK_TO, NULL) != 0 ||
		    db_exec(d, STMT_RELEASE, NULL) != 0)
			group_end(0);
		group_leave(d, 0);
		return;
	}
	if (d->in_tx || !sqlite3_get_autocommit(d->h))
		db_exec(d, STMT_ROLLBACK, NULL);
	if (d->in_tx)
		pthread_mutex_unlock(&write_lock);
	d->in_tx = 0;
}

/* Steps a bound one-row query; on a row calls fill(a, st, out) to copy
 * it. Resets st. Returns 1 for a row, 0 for none, -1 on error (also when
 * st is NULL, i.e. it failed to prepare or bind). */
int db_one(sqlite3_stmt *st, db_fill_fn fill, arena *a, void *out)
{
	if (!st)
		return -1;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		fill(a, st, out);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/* Returns column col as text; "" for NULL. Valid until the next step. */
const char *db_text(sqlite3_stmt *st, int col)
{
	const unsigned char *s = sqlite3_column_text(st, col);
	return s ? (const char *)s : "";
}

/* Returns column col as a 64-bit integer (0 for NULL). */
int64_t db_int(sqlite3_stmt *st, int col)
{
	return sqlite3_column_int64(st, col);
}

/* Returns column col as a double (0 for NULL). */
double db_real(sqlite3_stmt *st, int col)
{
	return sqlite3_column_double(st, col);
}

/* Parses the NNNN version prefix of "<set>NNNN_name.sql" (set:
 * "schema/" for the main database, "schema/events/" for the events
 * database); -1 when name is not a migration of that set. */
static int schema_file_version(const char *set, const char *name)
{
	size_t k = strlen(set);
	if (strncmp(name, set, k) != 0)
		return -1;
	const char *p = name + k;
	int v = 0, digits = 0;
	for (; *p >= '0' && *p <= '9' && digits < 6; p++, digits++)
		v = v * 10 + (*p - '0');
	return digits == 4 && *p == '_' ? v : -1;
}

/* Returns the highest version of migration set this build carries. */
static int set_version(const char *set)
{
	int max = 0;
	for (const struct embed_file *f = embed_files; f->name; f++) {
		int v = schema_file_version(set, f->name);
		if (v > max)
			max = v;
	}
	return max;
}

/* Returns the highest schema version of the main database. */
int db_schema_version(void)
{
	return set_version("schema/");
}

/* Applies every embedded <set>NNNN_*.sql newer than PRAGMA user_version,
 * each in its own transaction. Returns the number applied, or -1 with a
 * message in err (the failing migration is rolled back). */
int db_migrate_set(db *d, const char *set, char *err, size_t errlen)
{
	int applied = 0;
	int64_t cur = db_scalar(d, STMT_USER_VERSION, NULL);
	if (cur < 0) {
		snprintf(err, errlen, "cannot read schema version: %s",
			 db_errmsg(d));
		return -1;
	}
	if (cur > set_version(set)) {
		snprintf(err, errlen,
			 "database schema %lld is newer than this program (%d)",
			 (long long)cur, set_version(set));
		return -1;
	}
	for (const struct embed_file *f = embed_files; f->name; f++) {
		int v = schema_file_version(set, f->name);
		if (v <= cur)
			continue;
		char *msg = NULL, pragma[64];
		snprintf(pragma, sizeof(pragma), "PRAGMA user_version=%d;", v);
		if (db_begin(d) != 0 ||
		    sqlite3_exec(d->h, f->data, NULL, NULL, &msg) !=
			SQLITE_OK ||
		    sqlite3_exec(d->h, pragma, NULL, NULL, &msg) != SQLITE_OK ||
		    db_commit(d) != 0) {
			snprintf(err, errlen, "migration %s failed: %s",
				 f->name, msg ? msg : db_errmsg(d));
			sqlite3_free(msg);
			db_rollback(d);
			return -1;
		}
		applied++;
	}
	return applied;
}

/* Migrates the main database (schema/NNNN_*.sql); see db_migrate_set. */
int db_migrate(db *d, char *err, size_t errlen)
{
	return db_migrate_set(d, "schema/", err, errlen);
}

/* A thread's extra connections (db_thread): to at most two other
 * database files, closed when the thread exits. */
struct thread_dbs {
	int n;
	char path[2][4096];
	db d[2];
};

static pthread_key_t thread_key;
static pthread_once_t thread_once = PTHREAD_ONCE_INIT;

/* Thread-exit destructor: closes the thread's extra connections. */
static void thread_dbs_free(void *p)
{
	struct thread_dbs *t = p;
	for (int i = 0; i < t->n; i++)
		db_close(&t->d[i]);
	free(t);
}

/* Creates the key of the threads' extra connections, once. */
static void thread_key_make(void)
{
	pthread_key_create(&thread_key, thread_dbs_free);
}

/* Returns this thread's connection to the database file path, opened on
 * first use and closed when the thread exits (a program's second file:
 * the app reading the events database, the ingest program reading the
 * main one). It only reads: writes go through db_begin on the program's
 * own database. NULL (logged) when it cannot be opened. */
db *db_thread(const char *path)
{
	pthread_once(&thread_once, thread_key_make);
	struct thread_dbs *t = pthread_getspecific(thread_key);
	if (!t) {
		t = calloc(1, sizeof(*t));
		if (!t || pthread_setspecific(thread_key, t) != 0) {
			free(t);
			return NULL;
		}
	}
	for (int i = 0; i < t->n; i++)
		if (!strcmp(t->path[i], path))
			return &t->d[i];
	char err[512];
	if (t->n == 2 || strlen(path) >= sizeof(t->path[0]) ||
	    db_open(&t->d[t->n], path, err, sizeof(err)) != 0) {
		log_event(NULL, NULL, "db: cannot open %s", path);
		return NULL;
	}
	snprintf(t->path[t->n], sizeof(t->path[0]), "%s", path);
	return &t->d[t->n++];
}
