/* ops.h - the operator's figures in Prometheus' text format: the
 * programs' request samples (telemetry.h's files) and what the databases
 * say (jobs by kind and state, sessions, events taken and refused per
 * source, database sizes, the last backup). */
#ifndef SECURA_OPS_H
#define SECURA_OPS_H

#include "../core/buf.h"
#include "../core/db.h"

/* Writes the whole exposition into out: each metric's HELP and TYPE once,
 * then its samples. main is the main database, ev the events one (NULL:
 * none). Returns 0, or -1 on a database error. */
int ops_prometheus(db *main, db *ev, buf *out);

#endif
