/* fuzz_features.c - libFuzzer harness for the event features
 * (evfeat_compute): any JSON value the input parses to goes through
 * every kind's table, with windows that live across inputs as they do
 * in the intake. Every feature must be a finite number and every
 * category a string. Any crash, leak or undefined behaviour is a bug. */
#include "../../src/ml/evfeat.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static evfeat_state *st;
	static int64_t ts;
	if (!st)
		st = evfeat_state_new(0);
	json_t *doc = json_loadb((const char *)data, size, 0, NULL);
	if (!doc)
		return 0;
	static const char *const kinds[] = {"auth", "network-flow",
					    "http-access"};
	for (int k = 0; k < 3; k++) {
		double num[EVFEAT_MAX_NUM];
		const char *cat[EVFEAT_MAX_CAT];
		struct evfeat_columns cols;
		if (evfeat_columns(kinds[k], &cols) != 0 ||
		    evfeat_compute(st, kinds[k], doc, ts += 997, num, cat) != 0)
			abort();
		for (int i = 0; i < cols.nnum; i++)
			if (!isfinite(num[i]))
				abort();
		for (int i = 0; i < cols.ncat; i++)
			if (!cat[i])
				abort();
	}
	(void)evfeat_kind_of(doc);
	json_decref(doc);
	return 0;
}
