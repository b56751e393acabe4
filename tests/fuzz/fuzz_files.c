/* fuzz_files.c - libFuzzer harness for what reads untrusted bytes in the
 * monitoring and evidence paths: the upload structure checks
 * (filecheck.c), the HTTP lexical features (httpfeat.c; the first byte
 * splits query from body and picks one-value mode) and the forest loader
 * (iforest_from_json on the input as JSON). Any crash, leak or undefined
 * behaviour is a bug; a refusal is fine. */
#include "../../src/domain/filecheck.h"
#include "../../src/ml/httpfeat.h"
#include "../../src/ml/iforest.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	const char *why;
	filecheck_type(data + 1, size - 1, &why);
	size_t cut = (size - 1) * data[0] / 256;
	struct http_req r = {
	    "GET", "/", (const char *)data + 1, (const char *)data + 1 + cut,
	    1,	   cut, size - 1 - cut,		data[0] & 1};
	double f[128];
	httpfeat_compute(&r, f);
	for (int k = 0; k < httpfeat_count(); k++)
		if (!isfinite(f[k]))
			abort();
	json_t *doc = json_loadb((const char *)data + 1, size - 1, 0, NULL);
	iforest forest;
	char err[128];
	if (doc && iforest_from_json(&forest, doc, 3, err, sizeof(err)) == 0) {
		double row[3] = {data[0], 0, -1};
		double s = iforest_score(&forest, row);
		if (!(s >= 0 && s <= 1))
			abort();
		iforest_free(&forest);
	}
	json_decref(doc);
	return 0;
}
