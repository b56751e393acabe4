/* fuzz_events.c - libFuzzer harness for the Splunk HEC body reader
 * (events_from_hec): the first byte picks envelopes or raw lines, the
 * rest is the body. Every event it writes must be one line of valid
 * JSON. Any crash, leak or undefined behaviour is a bug; a refusal is
 * fine. */
#include "../../src/core/buf.h"
#include "../../src/domain/events.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	buf out = BUF_INIT;
	long n = events_from_hec((const char *)data + 1, size - 1, data[0] & 1,
				 &out);
	long lines = 0;
	for (size_t at = 0; n > 0 && at < out.len;) {
		const char *nl = memchr(out.data + at, '\n', out.len - at);
		if (!nl)
			abort(); /* every event ends its line */
		json_t *v =
		    json_loadb(out.data + at, (size_t)(nl - out.data) - at,
			       JSON_ALLOW_NUL, NULL);
		if (!json_is_object(v))
			abort();
		json_decref(v);
		lines++;
		at = (size_t)(nl - out.data) + 1;
	}
	if (n > 0 && lines != n)
		abort();
	buf_free(&out);
	return 0;
}
