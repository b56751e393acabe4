/* httpfeat.h - the lexical features of an HTTP request, for the
 * http-access anomaly model: one table of named features, each computed
 * from the request's method, path and its decoded parameters. */
#ifndef SECURA_HTTPFEAT_H
#define SECURA_HTTPFEAT_H

#include <stddef.h>

/* A request as the features see it; strings need not be terminated
 * (lengths given). query and body are as sent (percent-encoded). */
struct http_req {
	const char *method, *path, *query, *body;
	size_t path_len, query_len, body_len;
	int one_value; /* query is one parameter's value, not "a=1&b=2" */
};

int httpfeat_count(void);
const char *httpfeat_name(int k);
void httpfeat_compute(const struct http_req *r, double *out);
size_t httpfeat_decode(const char *s, size_t n, char *out);

#endif
