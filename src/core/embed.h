/* embed.h - files compiled into the programs (schema, word lists). */
#ifndef SECURA_EMBED_H
#define SECURA_EMBED_H

#include <stddef.h>

struct embed_file {
	const char *name; /* e.g. "schema/0001_accounts.sql" */
	const char *data; /* NUL-terminated */
	size_t len;
};

/* Terminated by an entry with name NULL; sorted by name. */
extern const struct embed_file embed_files[];

#endif
