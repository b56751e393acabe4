/* fuzz_tmpl.c - libFuzzer harness for the template engine: parses the
 * input as a template and renders it against a fixed view model with
 * nesting, lists and HTML, capturing or replacing a block by name. */
#include "../../src/core/tmpl.h"

#include <stdint.h>
#include <string.h>

static const tmpl *self;

static const tmpl *partial(void *ud, const char *name)
{
	(void)ud;
	return name[0] == 's' ? self : NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static json_t *view;
	if (!view)
		view = json_loads("{\"a\":{\"b\":[1,{\"c\":\"<x>\"},[]]},"
				  "\"list\":[\"x\",\"y\"],\"t\":true,\"n\":0,"
				  "\"body_html\":\"<b>\"}",
				  0, NULL);
	tmpl *t = tmpl_parse((const char *)data, size, NULL, 0);
	if (!t)
		return 0;
	self = t;
	/* every third input also captures block "c", every third replaces
	   it (the page cache's two uses) */
	buf out = BUF_INIT, cap = BUF_INIT;
	struct tmpl_env env = {.partial = partial,
			       .raw_suffix = size % 2 ? "_html" : NULL,
			       .block = size % 3 ? "c" : NULL,
			       .block_html = size % 3 == 1 ? "<kept>" : NULL,
			       .capture = size % 3 == 2 ? &cap : NULL};
	tmpl_render(t, view, &env, &out);
	buf_free(&out);
	buf_free(&cap);
	tmpl_free(t);
	return 0;
}
