/* graph_cmd.c - see graph_cmd.h. `secura graph scores [--threshold T]`
 * prints one line per sign-in edge: source, destination, account, first
 * seen (ms), the best score of a path through it and whether that is
 * over the threshold (tab-separated, with a header). `secura graph watch`
 * runs the worker's looks once and prints what they flagged. */
#include "graph_cmd.h"

#include "../core/config.h"
#include "assets.h"
#include "behaviour.h"
#include "paths.h"

#include <stdlib.h>
#include <string.h>

/* Prints how to use the command; returns 2. */
static int usage(void)
{
	fprintf(stderr, "usage: secura graph scores [--threshold T]\n"
			"       secura graph watch\n");
	return 2;
}

/* `secura graph scores|watch` on the main database main and the events
 * database. Returns the exit status: 0, 1 on an error, 2 on bad usage. */
int graph_command(db *main, int argc, char **argv, FILE *out)
{
	double threshold = PATHS_THRESHOLD;
	if (argc < 1)
		return usage();
	if (argc == 3 && !strcmp(argv[1], "--threshold")) {
		char *end;
		threshold = strtod(argv[2], &end);
		if (*end || end == argv[2])
			return usage();
	} else if (argc != 1) {
		return usage();
	}
	char err[512];
	db ev;
	if (db_open(&ev, config_get()->events_db, err, sizeof(err)) != 0) {
		fprintf(stderr, "secura: %s\n", err);
		return 1;
	}
	json_t *assets = assets_list(main);
	int rc = 1;
	if (!assets)
		goto done;
	if (!strcmp(argv[0], "scores")) {
		json_t *edges =
		    paths_edge_scores(&ev, assets, threshold, PATHS_GAP_MS);
		if (!edges)
			goto done;
		fprintf(out, "src\tdst\tuser\tfirst_seen\tscore\tflagged\n");
		size_t i;
		json_t *e;
		json_array_foreach(edges, i, e)
		{
			fprintf(out, "%s\t%s\t%s\t%lld\t%.2f\t%d\n",
				json_string_value(json_object_get(e, "src")),
				json_string_value(json_object_get(e, "dst")),
				json_string_value(json_object_get(e, "user")),
				(long long)json_integer_value(
				    json_object_get(e, "first_seen")),
				json_number_value(json_object_get(e, "score")),
				json_is_true(json_object_get(e, "flagged")));
		}
		json_decref(edges);
		rc = 0;
	} else if (!strcmp(argv[0], "watch")) {
		int more = 1;
		long p = paths_watch(&ev, assets, threshold, PATHS_GAP_MS),
		     b = 0;
		while (more && b >= 0) {
			long k = behaviour_watch(&ev, 5000, &more);
			b = k < 0 ? -1 : b + k;
		}
		fprintf(out,
			"paths flagged: %ld\nunusual sign-ins flagged: %ld\n",
			p, b);
		rc = p < 0 || b < 0;
	} else {
		rc = usage();
	}
done:
	if (rc == 1)
		fprintf(stderr, "secura: graph: %s\n", db_errmsg(&ev));
	json_decref(assets);
	db_close(&ev);
	return rc;
}
