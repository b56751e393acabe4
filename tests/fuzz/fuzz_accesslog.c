/* fuzz_accesslog.c - libFuzzer harness for the access log reader
 * (accesslog_parse): any bytes as one line. It returns an event object
 * or NULL with a reason, never both or neither. Any crash, leak or
 * undefined behaviour is a bug. */
#include "../../src/domain/accesslog.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *why = NULL;
	json_t *e = accesslog_parse((const char *)data, size, &why);
	if ((e == NULL) == (why == NULL) || (e && !json_is_object(e)))
		abort();
	json_decref(e);
	return 0;
}
