/* edges.c - see edges.h. A sign-in is read the way Windows writes it
 * (4624/4625 a logon from WorkstationName or IpAddress to the computer,
 * 4648 explicit credentials towards TargetServerName, 4769 a service
 * ticket for a computer's account) or as an ECS auth event (from
 * source.ip to host.name); a flow from source.ip to destination.ip's
 * port. A batch gathers its edges in three small hash maps keyed by the
 * edge's fields, so a batch of 5,000 sign-ins between a few hosts is a
 * few upserts. */
#include "edges.h"

#include "../ml/evfeat.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SEP "\x1f" /* between a key's fields */

/* One entry of a map: its key and four numbers. */
struct ent {
	char *key;
	int64_t v[4];
	int64_t id; /* a sign-in edge's row, once stored */
};

/* An open-addressing map from text keys to entries. */
struct map {
	struct ent *e;
	size_t n, cap;
};

struct edges_set {
	struct map auth, hops, net, ips, sources, days;
};

/* The text at path in doc ("" when absent; a number written in num). */
static const char *text(json_t *doc, const char *path, char num[32])
{
	json_t *v = evfeat_member(doc, path);
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_integer(v)) {
		snprintf(num, 32, "%lld", (long long)json_integer_value(v));
		return num;
	}
	return "";
}

/* Normalises a host name into out (lower case, no domain; an address
 * unchanged but for an IPv4-mapped prefix). */
void edges_host(const char *in, char *out, size_t n)
{
	if (!strncmp(in, "::ffff:", 7) && strchr(in + 7, '.'))
		in += 7;
	int address = strchr(in, ':') != NULL; /* IPv6 */
	if (!address) {
		address = 1;
		for (const char *p = in; *p && address; p++)
			address = isdigit((unsigned char)*p) || *p == '.';
	}
	size_t k = 0;
	for (; in[k] && k + 1 < n && (address || in[k] != '.'); k++)
		out[k] = (char)tolower((unsigned char)in[k]);
	out[k] = '\0';
}

/* Normalises an account name into out (lower case, no DOMAIN\ or
 * @domain). Returns 0, or -1 for no person. */
int edges_user(const char *in, char *out, size_t n)
{
	const char *bs = strrchr(in, '\\');
	if (bs)
		in = bs + 1;
	size_t k = 0;
	for (; in[k] && in[k] != '@' && k + 1 < n; k++)
		out[k] = (char)tolower((unsigned char)in[k]);
	out[k] = '\0';
	if (!k || !strcmp(out, "-") || out[k - 1] == '$' ||
	    !strcmp(out, "anonymous logon") || !strcmp(out, "system") ||
	    !strcmp(out, "local service") || !strcmp(out, "network service"))
		return -1;
	return 0;
}

/* Whether an address names no other machine (empty, "-", loopback). */
static int local_address(const char *ip)
{
	return !*ip || !strcmp(ip, "-") || !strcmp(ip, "::1") ||
	       !strncmp(ip, "127.", 4) || !strncmp(ip, "fe80:", 5);
}

/* Fills note from its eight fields (f, then the event's address and
 * user; copied into one block). Returns 0 or -1 out of memory. */
static int fill(struct edges_note *note, const char *const f[8])
{
	size_t len = 0;
	for (int i = 0; i < 8; i++)
		len += strlen(f[i]) + 1;
	note->text = malloc(len);
	if (!note->text)
		return -1;
	char *p = note->text;
	const char **to[8] = {&note->f[0], &note->f[1], &note->f[2],
			      &note->f[3], &note->f[4], &note->f[5],
			      &note->ip,   &note->user};
	for (int i = 0; i < 8; i++) {
		size_t k = strlen(f[i]) + 1;
		memcpy(p, f[i], k);
		*to[i] = p;
		p += k;
	}
	return 0;
}

/* Reads a Windows sign-in (code) into the fields: src, dst, user, logon
 * type, address, the address's host; *ok its outcome. Returns 1 when it
 * is an edge, else 0. */
static int windows(json_t *doc, long code, char f[6][256], char *ok)
{
	char n1[32], n2[32];
#define ED(k) text(doc, "winlog.event_data." k, n1)
	const char *computer = text(doc, "host.name", n2);
	*ok = 1;
	if (code == 4624 || code == 4625) {
		const char *ip = ED("IpAddress");
		edges_host(ip, f[4], 256);
		edges_host(ED("WorkstationName"), f[5], 256);
		if (!strcmp(f[5], "-"))
			f[5][0] = '\0';
		if (local_address(f[4]))
			f[4][0] = '\0';
		if (*f[5])
			snprintf(f[0], 256, "%s", f[5]);
		else
			snprintf(f[0], 256, "%s", f[4]);
		edges_host(computer, f[1], 256);
		if (edges_user(ED("TargetUserName"), f[2], 256) != 0)
			return 0;
		snprintf(f[3], 256, "%s", ED("LogonType"));
		*ok = code == 4624;
		if (!*f[4])
			f[5][0] = '\0';
	} else if (code == 4648) {
		edges_host(computer, f[0], 256);
		edges_host(ED("TargetServerName"), f[1], 256);
		if (!strcmp(f[1], "localhost"))
			return 0;
		if (edges_user(ED("TargetUserName"), f[2], 256) != 0)
			return 0;
		snprintf(f[3], 256, "explicit");
	} else if (code == 4769) {
		const char *svc = ED("ServiceName");
		size_t k = strlen(svc);
		if (k < 2 || svc[k - 1] != '$' ||
		    !strncasecmp(svc, "krbtgt", 6))
			return 0; /* a user's service: no machine reached */
		char name[256];
		snprintf(name, sizeof(name), "%.*s", (int)(k - 1), svc);
		edges_host(name, f[1], 256);
		edges_host(ED("IpAddress"), f[0], 256);
		if (local_address(f[0]))
			edges_host(computer, f[0], 256);
		if (edges_user(ED("TargetUserName"), f[2], 256) != 0)
			return 0;
		snprintf(f[3], 256, "kerberos");
		const char *st = ED("Status");
		*ok = !*st || !strcmp(st, "0x0") || !strcmp(st, "0");
	} else {
		return 0;
	}
#undef ED
	return *f[0] && *f[1] && strcmp(f[0], f[1]);
}

/* Reads what doc (an event of kind) adds to the graphs into *note.
 * Returns 0, or -1 out of memory; note->type 0 when nothing. */
int edges_read(json_t *doc, const char *kind, struct edges_note *note)
{
	memset(note, 0, sizeof(*note));
	char f[6][256] = {{0}}, num[32];
	const char *code = text(doc, "event.code", num);
	char *end = NULL;
	long c = *code ? strtol(code, &end, 10) : 0;
	if (end && *end)
		c = 0;
	if (c == 4624 || c == 4625 || c == 4648 || c == 4769) {
		if (windows(doc, c, f, &note->ok))
			note->type = 'a';
	} else if (!strcmp(kind, "auth")) {
		edges_host(text(doc, "source.ip", num), f[0], 256);
		edges_host(text(doc, "host.name", num), f[1], 256);
		snprintf(f[3], 256, "%s", text(doc, "network.protocol", num));
		note->ok = strcmp(text(doc, "event.outcome", num), "failure");
		if (!local_address(f[0]) && *f[1] && strcmp(f[0], f[1]) &&
		    edges_user(text(doc, "user.name", num), f[2], 256) == 0)
			note->type = 'a';
	} else if (!strcmp(kind, "network-flow")) {
		snprintf(f[0], 256, "%s", text(doc, "source.ip", num));
		snprintf(f[1], 256, "%s", text(doc, "destination.ip", num));
		snprintf(f[2], 256, "%s", text(doc, "network.transport", num));
		json_t *p = evfeat_member(doc, "destination.port"),
		       *sb = evfeat_member(doc, "source.bytes"),
		       *dbytes = evfeat_member(doc, "destination.bytes");
		note->port =
		    json_is_integer(p) ? (int)json_integer_value(p) : 0;
		note->bytes =
		    (json_is_integer(sb) ? json_integer_value(sb) : 0) +
		    (json_is_integer(dbytes) ? json_integer_value(dbytes) : 0);
		if (*f[0] && *f[1])
			note->type = 'n';
	}
	if (!note->type) /* the fields of no edge are no edge's */
		for (int i = 0; i < 4; i++)
			f[i][0] = '\0';
	/* an endpoint that names its address says which host that is */
	if (!*f[4]) {
		json_t *ip = evfeat_member(doc, "host.ip");
		const char *host = text(doc, "host.name", num);
		if (json_is_array(ip))
			ip = json_array_get(ip, 0);
		if (json_is_string(ip) && *host) {
			edges_host(json_string_value(ip), f[4], 256);
			edges_host(host, f[5], 256);
		}
	}
	/* every event: where it came from and whose it is */
	char ip[64], user[256];
	snprintf(ip, sizeof(ip), "%s", text(doc, "source.ip", num));
	if (edges_user(text(doc, "user.name", num), user, sizeof(user)) != 0)
		user[0] = '\0';
	note->kind = kind;
	note->failed = !strcmp(text(doc, "event.outcome", num), "failure");
	if (!note->type && !*f[4] && !*ip && !*user)
		return 0;
	const char *ptrs[8] = {f[0], f[1], f[2], f[3], f[4], f[5], ip, user};
	return fill(note, ptrs);
}

/* Frees what edges_read put in note. */
void edges_note_free(struct edges_note *note)
{
	free(note->text);
	note->text = NULL;
}

/* FNV-1a of s. */
static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

/* The entry of m for key (made, with zero numbers, when new), or NULL out
 * of memory. */
static struct ent *lookup(struct map *m, const char *key)
{
	if ((m->n + 1) * 2 > m->cap) { /* grow at half full */
		size_t cap = m->cap ? m->cap * 2 : 64;
		struct ent *e = calloc(cap, sizeof(*e));
		if (!e)
			return NULL;
		for (size_t i = 0; i < m->cap; i++) {
			if (!m->e[i].key)
				continue;
			size_t j = hash(m->e[i].key) & (cap - 1);
			while (e[j].key)
				j = (j + 1) & (cap - 1);
			e[j] = m->e[i];
		}
		free(m->e);
		m->e = e;
		m->cap = cap;
	}
	size_t j = hash(key) & (m->cap - 1);
	while (m->e[j].key && strcmp(m->e[j].key, key))
		j = (j + 1) & (m->cap - 1);
	if (!m->e[j].key) {
		m->e[j].key = strdup(key);
		if (!m->e[j].key)
			return NULL;
		m->n++;
	}
	return &m->e[j];
}

/* Frees m's keys and table. */
static void map_free(struct map *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->e[i].key);
	free(m->e);
}

/* A new empty set (free with edges_free), or NULL out of memory. */
edges_set *edges_new(void)
{
	return calloc(1, sizeof(edges_set));
}

/* Frees s and its keys (NULL: nothing). */
void edges_free(edges_set *s)
{
	if (!s)
		return;
	map_free(&s->auth);
	map_free(&s->hops);
	map_free(&s->net);
	map_free(&s->ips);
	map_free(&s->sources);
	map_free(&s->days);
	free(s);
}

/* Widens e's first and last times (v[0], v[1]) to take ts. */
static void span(struct ent *e, int64_t ts)
{
	if (!e->v[0] || ts < e->v[0])
		e->v[0] = ts;
	if (ts > e->v[1])
		e->v[1] = ts;
}

/* Adds note (of an event at ts ms) to s. Returns 0 or -1 out of memory. */
int edges_add(edges_set *s, const struct edges_note *note, int64_t ts)
{
	char key[1400];
	const char *const *f = note->f;
	if (!note->text)
		return 0;
	struct ent *e;
	if (note->type == 'a') {
		/* the edge, then its hour (the edge's key and the hour) */
		int k =
		    snprintf(key, sizeof(key), "%s" SEP "%s" SEP "%s" SEP "%s",
			     f[0], f[1], f[2], f[3]);
		if (!(e = lookup(&s->auth, key)))
			return -1;
		span(e, ts);
		e->v[note->ok ? 2 : 3]++;
		snprintf(key + k, sizeof(key) - (size_t)k, SEP "%lld",
			 (long long)(ts / 3600000));
		if (!(e = lookup(&s->hops, key)))
			return -1;
		span(e, ts);
		e->v[note->ok ? 2 : 3]++;
	} else if (note->type == 'n') {
		snprintf(key, sizeof(key), "%s" SEP "%s" SEP "%d" SEP "%s",
			 f[0], f[1], note->port, f[2]);
		if (!(e = lookup(&s->net, key)))
			return -1;
		span(e, ts);
		e->v[2]++;
		e->v[3] += note->bytes;
	}
	if (*f[4] && *f[5] && strcmp(f[4], f[5])) {
		snprintf(key, sizeof(key), "%s" SEP "%s", f[4], f[5]);
		if (!(e = lookup(&s->ips, key)))
			return -1;
		span(e, ts);
	}
	if (*note->ip) {
		snprintf(key, sizeof(key), "%s" SEP "%s", note->ip, note->kind);
		if (!(e = lookup(&s->sources, key)))
			return -1;
		span(e, ts);
		e->v[2]++;
		e->v[3] += note->failed;
	}
	if (*note->user) {
		snprintf(key, sizeof(key), "%s" SEP "%lld" SEP "%s", note->user,
			 (long long)(ts / 86400000), note->kind);
		if (!(e = lookup(&s->days, key)))
			return -1;
		e->v[2]++;
	}
	return 0;
}

/* The next entry of m from *i on (*i moves past it), its key copied into
 * key and split at SEP into up to n fields f; NULL after the last. */
static struct ent *next(struct map *m, size_t *i, char *key, size_t klen,
			char **f, int n)
{
	while (*i < m->cap && !m->e[*i].key)
		(*i)++;
	if (*i >= m->cap)
		return NULL;
	struct ent *e = &m->e[(*i)++];
	snprintf(key, klen, "%s", e->key);
	for (int k = 0; k < n; k++) {
		f[k] = key;
		char *sep = key ? strchr(key, SEP[0]) : NULL;
		if (sep)
			*sep = '\0';
		key = sep ? sep + 1 : NULL;
	}
	return e;
}

/* A field of a key as a number. */
static int64_t number(const char *f)
{
	char *end;
	return f ? strtoll(f, &end, 10) : 0;
}

/* Writes s on the events database d inside the caller's transaction.
 * Returns 0 or -1. */
int edges_store(db *d, edges_set *s)
{
	char *f[5], key[1400];
	struct ent *e;
	size_t i = 0;
	while ((e = next(&s->ips, &i, key, sizeof(key), f, 2)))
		if (db_exec(d, STMT_EVT_HOST_IP_SET, f[0], f[1], e->v[1]) != 0)
			return -1;
	/* each edge once (its id kept), then each of its hours */
	for (i = 0; (e = next(&s->auth, &i, key, sizeof(key), f, 4));)
		if ((e->id = db_scalar(d, STMT_EVT_AUTH_EDGE_ADD, f[0], f[1],
				       f[2], f[3], e->v[0], e->v[1], e->v[2],
				       e->v[3])) <= 0)
			return -1;
	for (i = 0; (e = next(&s->hops, &i, key, sizeof(key), f, 5));) {
		char edge_key[1400];
		snprintf(edge_key, sizeof(edge_key),
			 "%s" SEP "%s" SEP "%s" SEP "%s", f[0], f[1], f[2],
			 f[3]);
		struct ent *edge = lookup(&s->auth, edge_key);
		if (!edge ||
		    db_exec(d, STMT_EVT_AUTH_HOP_ADD, edge->id, number(f[4]),
			    e->v[0], e->v[1], e->v[2], e->v[3]) != 0)
			return -1;
	}
	for (i = 0; (e = next(&s->net, &i, key, sizeof(key), f, 4));)
		if (db_exec(d, STMT_EVT_NET_EDGE_ADD, f[0], f[1], number(f[2]),
			    f[3], e->v[0], e->v[1], e->v[2], e->v[3]) != 0)
			return -1;
	for (i = 0; (e = next(&s->sources, &i, key, sizeof(key), f, 2));)
		if (db_exec(d, STMT_EVT_SOURCE_IP_ADD, f[0], f[1], e->v[0],
			    e->v[1], e->v[2], e->v[3]) != 0)
			return -1;
	for (i = 0; (e = next(&s->days, &i, key, sizeof(key), f, 3));)
		if (db_exec(d, STMT_EVT_USER_DAY_ADD, f[0], number(f[1]), f[2],
			    e->v[2]) != 0)
			return -1;
	return 0;
}

/* Deletes what the graphs hold from before before_ms (inside the
 * caller's transaction). Returns 0 or -1. */
int edges_prune(db *d, int64_t before_ms)
{
	return db_exec(d, STMT_EVT_HOPS_PRUNE, before_ms / 3600000) ||
		       db_exec(d, STMT_EVT_AUTH_EDGES_PRUNE, before_ms) ||
		       db_exec(d, STMT_EVT_NET_EDGES_PRUNE, before_ms) ||
		       db_exec(d, STMT_EVT_HOST_IPS_PRUNE, before_ms) ||
		       db_exec(d, STMT_EVT_SOURCE_IPS_PRUNE, before_ms) ||
		       db_exec(d, STMT_EVT_USER_DAYS_PRUNE,
			       before_ms / 86400000) ||
		       db_exec(d, STMT_EVT_FLAGGED_PRUNE, before_ms)
		   ? -1
		   : 0;
}
