/* bare_ingest.c - the intake's baseline for `make bench-ingest`: a bare
 * loop that parses the same NDJSON with jansson and inserts the same
 * rows (the columns the intake fills, the document as compact JSON) into
 * the same schema (the events database's own migrations, Secura's
 * db_open pragmas) in 1,000-row transactions; no checks, no scoring, no
 * HTTP. Usage: bare_ingest DBFILE NDJSON SECONDS; prints "events/s N". */
#include "../../src/core/clock.h"
#include "../../src/core/db.h"
#include "../../src/ml/evfeat.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The text at a dotted path of doc, "" when absent. */
static const char *at(json_t *doc, const char *path)
{
	const char *s = json_string_value(evfeat_member(doc, path));
	return s ? s : "";
}

int main(int argc, char **argv)
{
	db d;
	char err[256];
	if (argc != 4 || db_open(&d, argv[1], err, sizeof(err)) != 0 ||
	    db_migrate_set(&d, "schema/events/", err, sizeof(err)) < 0) {
		fprintf(stderr, "bare_ingest: %s\n", argc == 4 ? err : "usage");
		return 2;
	}
	FILE *f = fopen(argv[2], "r");
	char *line = NULL;
	size_t cap = 0;
	json_t *docs = json_array();
	while (f && getline(&line, &cap, f) > 0)
		json_array_append_new(docs, json_string(line));
	free(line);
	if (f)
		fclose(f);
	size_t n = json_array_size(docs);
	sqlite3_stmt *ins = NULL;
	if (!n || sqlite3_prepare_v2(
		      d.h,
		      "INSERT INTO events(source_id, ts, ingested, kind, "
		      "category, action, outcome, host, user_name, source_ip, "
		      "destination_ip, message, doc) VALUES(1, ?1, ?1, ?2, ?3, "
		      "?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
		      -1, &ins, NULL) != SQLITE_OK)
		return 1;
	double secs = strtod(argv[3], NULL), t0 = clock_mono_ms();
	long done = 0;
	while (clock_mono_ms() - t0 < secs * 1000) {
		if (db_begin(&d) != 0)
			return 1;
		for (int i = 0; i < 1000; i++, done++) {
			const char *text = json_string_value(
			    json_array_get(docs, (size_t)done % n));
			json_t *doc = json_loads(text, 0, NULL);
			char *js = json_dumps(doc, JSON_COMPACT);
			sqlite3_bind_int64(ins, 1, done);
			sqlite3_bind_text(ins, 2, evfeat_kind_of(doc), -1,
					  SQLITE_STATIC);
			static const char *const cols[] = {
			    "event.category", "event.action", "event.outcome",
			    "host.name",      "user.name",    "source.ip",
			    "destination.ip", "message"};
			for (int c = 0; c < 8; c++)
				sqlite3_bind_text(ins, 3 + c, at(doc, cols[c]),
						  -1, SQLITE_TRANSIENT);
			sqlite3_bind_text(ins, 11, js, -1, SQLITE_TRANSIENT);
			int rc = sqlite3_step(ins);
			sqlite3_reset(ins);
			free(js);
			json_decref(doc);
			if (rc != SQLITE_DONE)
				return 1;
		}
		if (db_commit(&d) != 0)
			return 1;
	}
	printf("events/s %.0f\n",
	       (double)done / ((clock_mono_ms() - t0) / 1000));
	sqlite3_finalize(ins);
	json_decref(docs);
	db_close(&d);
	return 0;
}
