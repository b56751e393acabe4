/* report_data.h - the data of each compliance report, gathered as one
 * JSON document. Its SHA-256 (over the compact, key-sorted JSON) is
 * printed on every page of the PDF and kept in the reports table, so a
 * copy can be checked against the data it claims to show, and the same
 * kind and parameters always give the same data while nothing changed. */
#ifndef SECURA_REPORT_DATA_H
#define SECURA_REPORT_DATA_H

#include "../core/arena.h"
#include "../core/db.h"

#include <jansson.h>
#include <stdint.h>

struct report_kind {
	const char *name;   /* "gdpr-register" */
	const char *title;  /* "GDPR breach register (Art. 33(5))" */
	int per_incident;   /* parameters: {"incident": id}; else from/to */
	enum stmt_id rows;  /* period registers: their rows (0: none) */
	const char *notice; /* whose notification the rows show */
};

extern const struct report_kind report_kinds[];

const struct report_kind *report_kind(const char *name);
json_t *report_data(db *d, arena *a, const char *kind, json_t *params,
		    char *err, size_t errlen);
void report_hash(json_t *data, char hex[65]);
int64_t report_period_count(db *d, int64_t from, int64_t to);
json_t *report_recent(db *d);
int report_record(db *d, const char *kind, json_t *params, const char *data_sha,
		  const char *pdf_sha, int pages, int64_t user);

#endif
