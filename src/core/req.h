/* req.h - HTTP request input: query strings, urlencoded and multipart
 * forms, JSON bodies and cookies, parsed under hard limits.
 *
 * The parsers are pure functions over bytes (no FastCGI), so unit tests
 * and fuzz harnesses drive them directly. All memory comes from the
 * request arena. Each returns 0 on success or an HTTP status (400 for
 * malformed input, 413 when a limit is exceeded) with *err set to a
 * message fit for the client. */
#ifndef SECURA_REQ_H
#define SECURA_REQ_H

#include "arena.h"

#include <jansson.h>
#include <stddef.h>

struct req_limits {
	size_t max_fields; /* fields per form/query */
	size_t max_key;	   /* bytes per field name */
	size_t max_value;  /* bytes per non-file field value */
	size_t max_files;  /* files per multipart body */
	size_t max_file;   /* bytes per file */
};

extern const struct req_limits req_default_limits;

struct kv {
	const char *key;
	const char *val;
	size_t len;
};

struct kvs {
	struct kv *v;
	size_t n, cap;
};

struct upload {
	const char *field;
	const char *filename;
	const char *type; /* declared Content-Type, not trusted */
	const unsigned char *data;
	size_t len;
};

struct uploads {
	struct upload *v;
	size_t n, cap;
};

int req_parse_urlencoded(arena *a, const char *s, size_t n,
			 const struct req_limits *lim, struct kvs *out,
			 const char **err);
int req_parse_cookies(arena *a, const char *hdr, struct kvs *out);
int req_parse_multipart(arena *a, const char *body, size_t n,
			const char *content_type, const struct req_limits *lim,
			struct kvs *fields, struct uploads *files,
			const char **err);
int req_parse_json(const char *body, size_t n, const struct req_limits *lim,
		   json_t **out, const char **err);

char *req_url_decode(arena *a, const char *s);
const char *kvs_get(const struct kvs *k, const char *key);
const char *kvs_last(const struct kvs *k, const char *key);
size_t kvs_count(const struct kvs *k, const char *key);
void kvs_add(arena *a, struct kvs *k, const char *key, const char *val,
	     size_t len);

#endif
