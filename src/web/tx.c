/* tx.c - handlers write inside db_begin/db_commit (BEGIN IMMEDIATE) and
 * end any failure with web_abort, so a request writes everything (the
 * change and its audit row) or nothing. */
#include "web.h"

/* Rolls back and returns -1, for "return web_abort(c);". */
int web_abort(struct ctx *c)
{
	db_rollback(c->db);
	return -1;
}
