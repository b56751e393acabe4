/* fuzz_req.c - libFuzzer harness for the request parsers: the first byte
 * picks urlencoded, cookies, multipart or JSON; the rest is the input.
 * Any crash, leak or undefined behaviour is a bug; 4xx answers are fine. */
#include "../../src/core/req.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	arena a;
	arena_init(&a);
	struct kvs k = {0}, f = {0};
	struct uploads u = {0};
	const char *err = NULL;
	char *s = arena_strndup(&a, (const char *)data + 1, size - 1);
	json_t *j = NULL;
	switch (data[0] % 4) {
	case 0:
		req_parse_urlencoded(&a, s, size - 1, &req_default_limits, &k,
				     &err);
		break;
	case 1:
		req_parse_cookies(&a, s, &k);
		break;
	case 2:
		req_parse_multipart(&a, s, size - 1,
				    "multipart/form-data; boundary=b",
				    &req_default_limits, &f, &u, &err);
		break;
	default:
		req_parse_json(s, size - 1, &req_default_limits, &j, &err);
		json_decref(j);
	}
	arena_free(&a);
	return 0;
}
