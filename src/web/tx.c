/* tx.c - write transactions for handlers: BEGIN IMMEDIATE, and on any
 * failure a rollback, so a request either writes everything (the change
 * and its audit row) or nothing. */
#include "web.h"

/* Starts the handler's write transaction. Returns 0, or -1 (the
 * dispatcher answers 500). */
int web_begin(struct ctx *c)
{
	return db_begin(c->db);
}

/* Commits. Returns 0, or -1 after rolling back. */
int web_commit(struct ctx *c)
{
	return db_commit(c->db);
}

/* Rolls back and returns -1, for "return web_abort(c);". */
int web_abort(struct ctx *c)
{
	db_rollback(c->db);
	return -1;
}
