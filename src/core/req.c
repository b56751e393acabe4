/* req.c - request body, query and cookie parsers with hard limits. */
#include "req.h"

#include "utf8.h"

#include <string.h>
#include <strings.h>

const struct req_limits req_default_limits = {
    .max_fields = 200,
    .max_key = 100,
    .max_value = 256 * 1024,
    .max_files = 20,
    .max_file = 10 * 1024 * 1024,
};

/* Appends a key/value pair (pointers are kept, not copied). */
void kvs_add(arena *a, struct kvs *k, const char *key, const char *val,
	     size_t len)
{
	k->v = arena_grow(a, k->v, k->n, &k->cap, sizeof(*k->v));
	k->v[k->n++] = (struct kv){key, val, len};
}

/* Returns the first value for key, or NULL. */
const char *kvs_get(const struct kvs *k, const char *key)
{
	for (size_t i = 0; i < k->n; i++)
		if (strcmp(k->v[i].key, key) == 0)
			return k->v[i].val;
	return NULL;
}

/* Returns the last value for key, or NULL (a hidden "0" followed by a
 * checked checkbox's "1" reads as 1). */
const char *kvs_last(const struct kvs *k, const char *key)
{
	for (size_t i = k->n; i > 0; i--)
		if (strcmp(k->v[i - 1].key, key) == 0)
			return k->v[i - 1].val;
	return NULL;
}

/* Counts the values given for key (repeated form fields). */
size_t kvs_count(const struct kvs *k, const char *key)
{
	size_t c = 0;
	for (size_t i = 0; i < k->n; i++)
		c += strcmp(k->v[i].key, key) == 0;
	return c;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Percent-decodes s[0..n) ('+' is a space) into the arena. Returns the
 * decoded string, or NULL for a bad escape or invalid UTF-8/NUL. */
static char *pct_decode(arena *a, const char *s, size_t n, size_t *outlen)
{
	char *o = arena_alloc(a, n + 1);
	size_t j = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '+') {
			o[j++] = ' ';
		} else if (s[i] == '%') {
			int h, l;
			if (i + 2 >= n || (h = hexval(s[i + 1])) < 0 ||
			    (l = hexval(s[i + 2])) < 0)
				return NULL;
			o[j++] = (char)(h << 4 | l);
			i += 2;
		} else {
			o[j++] = s[i];
		}
	}
	o[j] = '\0';
	if (!utf8_valid(o, j))
		return NULL;
	*outlen = j;
	return o;
}

/* Percent-decodes a NUL-terminated string into the arena; NULL when it
 * is malformed. */
char *req_url_decode(arena *a, const char *s)
{
	size_t n;
	return pct_decode(a, s, strlen(s), &n);
}

/* Parses "a=1&b=2" (query string or urlencoded body) into out. */
int req_parse_urlencoded(arena *a, const char *s, size_t n,
			 const struct req_limits *lim, struct kvs *out,
			 const char **err)
{
	size_t i = 0;
	while (i < n) {
		size_t e = i;
		while (e < n && s[e] != '&')
			e++;
		if (e > i) {
			const char *eq = memchr(s + i, '=', e - i);
			size_t kl = eq ? (size_t)(eq - (s + i)) : e - i;
			const char *vs = eq ? eq + 1 : s + e;
			size_t vl = (size_t)(s + e - vs), dk, dv;
			if (out->n >= lim->max_fields) {
				*err = "too many fields";
				return 413;
			}
			if (kl > lim->max_key * 3 || vl > lim->max_value * 3) {
				*err = "field too long";
				return 413;
			}
			char *k = pct_decode(a, s + i, kl, &dk);
			char *v = pct_decode(a, vs, vl, &dv);
			if (!k || !v) {
				*err =
				    "malformed encoding: bad percent-escape, "
				    "NUL byte or invalid UTF-8";
				return 400;
			}
			if (dk == 0 || dk > lim->max_key ||
			    dv > lim->max_value) {
				*err = dk == 0 ? "empty field name"
					       : "field too long";
				return dk == 0 ? 400 : 413;
			}
			kvs_add(a, out, k, v, dv);
		}
		i = e + 1;
	}
	return 0;
}

/* Parses a Cookie header ("a=1; b=2"). Malformed pairs are skipped, as
 * browsers send what other sites set. Returns 0. */
int req_parse_cookies(arena *a, const char *hdr, struct kvs *out)
{
	const char *p = hdr;
	while (p && *p && out->n < 50) {
		while (*p == ' ' || *p == ';')
			p++;
		const char *end = strchr(p, ';');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		const char *eq = memchr(p, '=', len);
		if (eq && eq > p) {
			size_t vl = len - (size_t)(eq + 1 - p);
			kvs_add(a, out, arena_strndup(a, p, (size_t)(eq - p)),
				arena_strndup(a, eq + 1, vl), vl);
		}
		p = end;
	}
	return 0;
}

/* Finds needle (nl bytes) in h[0..hl); NULL if absent. */
static const char *memmem_(const char *h, size_t hl, const char *needle,
			   size_t nl)
{
	if (nl == 0 || hl < nl)
		return NULL;
	for (size_t i = 0; i + nl <= hl; i++)
		if (h[i] == needle[0] && memcmp(h + i, needle, nl) == 0)
			return h + i;
	return NULL;
}

/* Extracts parameter name="value" (or name=value) from a header value.
 * Returns an arena string or NULL. */
static char *header_param(arena *a, const char *h, size_t hl, const char *name)
{
	size_t nl = strlen(name);
	for (size_t i = 0; i + nl < hl; i++) {
		if ((i == 0 || h[i - 1] == ';' || h[i - 1] == ' ') &&
		    strncasecmp(h + i, name, nl) == 0 && h[i + nl] == '=') {
			const char *v = h + i + nl + 1, *end = h + hl;
			if (*v == '"') {
				const char *q =
				    memchr(v + 1, '"', (size_t)(end - v - 1));
				return q ? arena_strndup(a, v + 1,
							 (size_t)(q - v - 1))
					 : NULL;
			}
			const char *e = v;
			while (e < end && *e != ';' && *e != ' ')
				e++;
			return arena_strndup(a, v, (size_t)(e - v));
		}
	}
	return NULL;
}

/* Parses one part's headers at h (hl bytes) into name/filename/type. */
static int part_headers(arena *a, const char *h, size_t hl, char **name,
			char **filename, char **type)
{
	*name = *filename = *type = NULL;
	size_t i = 0;
	while (i < hl) {
		const char *eol = memmem_(h + i, hl - i, "\r\n", 2);
		size_t ll = eol ? (size_t)(eol - (h + i)) : hl - i;
		const char *line = h + i;
		if (ll > 20 &&
		    strncasecmp(line, "Content-Disposition:", 20) == 0) {
			*name = header_param(a, line, ll, "name");
			*filename = header_param(a, line, ll, "filename");
		} else if (ll > 13 &&
			   strncasecmp(line, "Content-Type:", 13) == 0) {
			size_t s = 13;
			while (s < ll && line[s] == ' ')
				s++;
			*type = arena_strndup(a, line + s, ll - s);
		}
		i += ll + 2;
	}
	return *name ? 0 : -1;
}

/* Adds one decoded multipart part as a field or a file. */
static int add_part(arena *a, const char *hdrs, size_t hl, const char *data,
		    size_t dl, const struct req_limits *lim, struct kvs *fields,
		    struct uploads *files, const char **err)
{
	char *name, *filename, *type;
	if (part_headers(a, hdrs, hl, &name, &filename, &type) != 0 ||
	    !utf8_valid(name, strlen(name)) || !*name ||
	    strlen(name) > lim->max_key) {
		*err = "multipart part without a valid name";
		return 400;
	}
	if (filename) {
		if (!*filename && dl == 0)
			return 0; /* empty file input */
		if (files->n >= lim->max_files) {
			*err = "too many files";
			return 413;
		}
		if (dl > lim->max_file) {
			*err = "file too large";
			return 413;
		}
		if (!utf8_valid(filename, strlen(filename))) {
			*err = "file name is not valid UTF-8";
			return 400;
		}
		files->v = arena_grow(a, files->v, files->n, &files->cap,
				      sizeof(*files->v));
		files->v[files->n++] =
		    (struct upload){name, filename, type ? type : "",
				    (const unsigned char *)data, dl};
		return 0;
	}
	if (fields->n >= lim->max_fields) {
		*err = "too many fields";
		return 413;
	}
	if (dl > lim->max_value) {
		*err = "field too long";
		return 413;
	}
	if (!utf8_valid(data, dl)) {
		*err = "field is not valid UTF-8 or contains a NUL byte";
		return 400;
	}
	kvs_add(a, fields, name, arena_strndup(a, data, dl), dl);
	return 0;
}

/* Parses a multipart/form-data body (RFC 7578). File contents point into
 * body, which must outlive the request. */
int req_parse_multipart(arena *a, const char *body, size_t n,
			const char *content_type, const struct req_limits *lim,
			struct kvs *fields, struct uploads *files,
			const char **err)
{
	char *b =
	    header_param(a, content_type, strlen(content_type), "boundary");
	if (!b || !*b || strlen(b) > 70) {
		*err = "multipart body without a valid boundary";
		return 400;
	}
	char *delim = arena_printf(a, "\r\n--%s", b);
	size_t dl = strlen(delim);
	/* The first boundary has no leading CRLF. */
	if (n < dl - 2 || memcmp(body, delim + 2, dl - 2) != 0) {
		*err = "multipart body does not start with its boundary";
		return 400;
	}
	const char *p = body + dl - 2, *end = body + n;
	for (;;) {
		if (end - p >= 2 && p[0] == '-' && p[1] == '-')
			return 0; /* closing boundary */
		if (end - p < 2 || p[0] != '\r' || p[1] != '\n')
			break;
		p += 2;
		const char *he = memmem_(p, (size_t)(end - p), "\r\n\r\n", 4);
		if (!he)
			break;
		const char *data = he + 4;
		const char *next =
		    memmem_(data, (size_t)(end - data), delim, dl);
		if (!next)
			break;
		int rc =
		    add_part(a, p, (size_t)(he - p), data,
			     (size_t)(next - data), lim, fields, files, err);
		if (rc)
			return rc;
		p = next + dl;
	}
	*err = "malformed multipart body";
	return 400;
}

/* Parses a JSON body; the top level must be an object. Strings with NUL
 * or invalid UTF-8 are refused by jansson. Caller owns *out. */
int req_parse_json(const char *body, size_t n, const struct req_limits *lim,
		   json_t **out, const char **err)
{
	json_error_t je;
	*out = json_loadb(body, n, JSON_REJECT_DUPLICATES, &je);
	if (!*out) {
		*err = "malformed JSON body";
		return 400;
	}
	if (!json_is_object(*out)) {
		json_decref(*out);
		*out = NULL;
		*err = "JSON body must be an object";
		return 400;
	}
	if (json_object_size(*out) > lim->max_fields) {
		json_decref(*out);
		*out = NULL;
		*err = "too many fields";
		return 413;
	}
	return 0;
}
