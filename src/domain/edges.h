/* edges.h - the graphs kept as events arrive: who signed in from which
 * host to which (auth_edges, and their hours in auth_hops), which address
 * talked to which service (net_edges), and which address is which host
 * (host_ips), all in the events database. The intake reads what each
 * event adds (edges_read, outside the write lock), gathers a batch's
 * stored events in an edge set (edges_add) and writes the set in its
 * transaction (edges_store): one upsert per distinct edge a batch. Also
 * kept: where events came from (source_ips, for the threat map) and each
 * person's events a day by kind (user_days). */
#ifndef SECURA_EDGES_H
#define SECURA_EDGES_H

#include "../core/db.h"

#include <jansson.h>
#include <stdint.h>

/* What one event adds to the graphs. */
struct edges_note {
	char type; /* 0 nothing, 'a' a sign-in, 'n' a flow */
	char ok;   /* a sign-in's success */
	int port;  /* a flow's destination port */
	int64_t bytes;
	/* src, dst, user (a flow: transport), logon type, then an address
	 * and the host it is ("" when the event names none); in text */
	const char *f[6];
	/* for every event: its source.ip, user (normalised), kind, and
	 * whether it failed */
	const char *ip, *user, *kind;
	char failed;
	char *text; /* one malloc'd block holding f, ip and user */
};

typedef struct edges_set edges_set;

/* Normalises a host name into out (lower case, no domain; an address
 * unchanged but for an IPv4-mapped prefix). */
void edges_host(const char *in, char *out, size_t n);
/* Normalises an account name into out (lower case, no DOMAIN\ or
 * @domain). Returns 0, or -1 for no person (empty, "-", a computer
 * account ending in $, anonymous). */
int edges_user(const char *in, char *out, size_t n);
/* Reads what doc (an event of kind) adds to the graphs into *note.
 * Returns 0, or -1 out of memory; note->type 0 when nothing. Free with
 * edges_note_free. */
int edges_read(json_t *doc, const char *kind, struct edges_note *note);
void edges_note_free(struct edges_note *note);

/* A new empty set, or NULL out of memory. Free with edges_free. */
edges_set *edges_new(void);
void edges_free(edges_set *s);
/* Adds note (of an event at ts ms) to s. Returns 0 or -1 out of memory. */
int edges_add(edges_set *s, const struct edges_note *note, int64_t ts);
/* Writes s on the events database d inside the caller's transaction:
 * the addresses' hosts first, so an address named in the same batch
 * becomes its host. Returns 0 or -1. */
int edges_store(db *d, edges_set *s);

/* Deletes what the graphs hold from before before_ms (inside the
 * caller's transaction: the events' retention). Returns 0 or -1. */
int edges_prune(db *d, int64_t before_ms);

#endif
