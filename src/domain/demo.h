/* demo.h - realistic demo data for dashboards, tests and benchmarks. */
#ifndef SECURA_DEMO_H
#define SECURA_DEMO_H

#include "../core/db.h"

#include <stdint.h>
#include <stdio.h>

int demo_fill(db *d, const char *data_dir, int64_t count, uint64_t seed,
	      const char *password_hash, FILE *progress);

#endif
