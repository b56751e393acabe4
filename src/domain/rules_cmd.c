/* rules_cmd.c - `secura rules check FILE...` compiles each file alone
 * and says "ok" with its rules or "refused" with the line and reason;
 * `secura rules scan RULE... -- EVENTS...` links the rule files (or the
 * .yml files of directories) into one set and judges every event of
 * the JSON-lines files ("-": standard input) in order, as the intake
 * would (Windows records turned into ECS first), then prints how often
 * each rule fired. Nothing is stored. */
#include "rules_cmd.h"

#include "../core/clock.h"
#include "../ml/evfeat.h"
#include "rules.h"
#include "sigma.h"
#include "winevent.h"

#include <dirent.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Adds rule file path to s (its name as the file), reporting a refusal
 * on out. Returns 0 or -1. */
static int add_file(sigma_set *s, const char *path, FILE *out)
{
	char err[600];
	char *text = rules_read(path);
	const char *name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	int rc =
	    text ? sigma_set_add(s, name, text, strlen(text), err, sizeof(err))
		 : -1;
	if (rc)
		fprintf(out, "refused %s: %s\n", path,
			text ? err : "cannot be read");
	free(text);
	return rc;
}

/* Adds path (a file, or a directory's .yml files) to s. Returns the
 * number of files refused. */
static int add_path(sigma_set *s, const char *path, FILE *out)
{
	struct stat sb;
	if (stat(path, &sb) != 0 || !S_ISDIR(sb.st_mode))
		return add_file(s, path, out) != 0;
	DIR *d = opendir(path);
	struct dirent *de;
	int bad = 0;
	while (d && (de = readdir(d))) {
		size_t n = strlen(de->d_name);
		if (n < 5 || strcmp(de->d_name + n - 4, ".yml"))
			continue;
		char full[4096];
		snprintf(full, sizeof(full), "%s/%s", path, de->d_name);
		bad += add_file(s, full, out) != 0;
	}
	if (d)
		closedir(d);
	return bad;
}

/* `secura rules check`: each file alone. Returns 0 when all are ok. */
static int check(int argc, char **argv, FILE *out)
{
	int bad = 0;
	for (int i = 0; i < argc; i++) {
		sigma_set *s = sigma_set_new();
		if (!s || add_file(s, argv[i], out) != 0) {
			bad++;
		} else {
			struct sigma_info in;
			for (size_t k = 0; sigma_set_info(s, k, &in) == 0; k++)
				fprintf(out, "ok %s: %s (%s, %s, %s)\n",
					argv[i], in.title, in.type, in.kind,
					in.level);
		}
		sigma_set_free(s);
	}
	return bad ? 1 : 0;
}

/* Judges every event of stream f by s, counting each rule's findings
 * into counts (by rule id, an object). Returns the events read. */
static long judge_stream(sigma_set *s, FILE *f, json_t *counts)
{
	char *line = NULL;
	size_t cap = 0;
	long n = 0;
	while (getline(&line, &cap, f) > 0) {
		json_t *doc = json_loads(line, 0, NULL);
		if (!json_is_object(doc)) {
			json_decref(doc);
			continue;
		}
		json_t *win =
		    json_object_get(doc, "event") ? NULL : winevent_ecs(doc);
		if (win) {
			json_decref(doc);
			doc = win;
		}
		int64_t ts = 0;
		json_t *t = json_object_get(doc, "@timestamp");
		clock_event_ms(json_string_value(t),
			       json_is_number(t) ? json_number_value(t) : NAN,
			       &ts);
		json_t *fired = sigma_judge(s, evfeat_kind_of(doc), doc, ts);
		size_t i;
		json_t *x;
		json_array_foreach(fired, i, x)
		{
			const char *id =
			    json_string_value(json_object_get(x, "rule"));
			json_object_set_new(
			    counts, id,
			    json_integer(json_integer_value(
					     json_object_get(counts, id)) +
					 1));
		}
		json_decref(fired);
		json_decref(doc);
		n++;
	}
	free(line);
	return n;
}

/* `secura rules scan RULES... -- EVENTS...`. Returns 0, or 1 when a
 * rule is refused or a file cannot be read. */
static int scan(int argc, char **argv, FILE *out)
{
	sigma_set *s = sigma_set_new();
	int i = 0, bad = 0;
	char err[600];
	for (; s && i < argc && strcmp(argv[i], "--"); i++)
		bad += add_path(s, argv[i], out);
	if (!s || bad || i == argc || sigma_set_link(s, err, sizeof(err))) {
		if (s && !bad && i < argc)
			fprintf(out, "refused: %s\n", err);
		sigma_set_free(s);
		return 1;
	}
	json_t *counts = json_object();
	long events = 0;
	for (i++; i < argc; i++) {
		FILE *f = strcmp(argv[i], "-") ? fopen(argv[i], "r") : stdin;
		if (!f) {
			fprintf(out, "cannot read %s\n", argv[i]);
			bad++;
			continue;
		}
		events += judge_stream(s, f, counts);
		if (f != stdin)
			fclose(f);
	}
	fprintf(out, "%ld events\n", events);
	struct sigma_info in;
	for (size_t k = 0; sigma_set_info(s, k, &in) == 0; k++) {
		json_int_t c =
		    json_integer_value(json_object_get(counts, in.id));
		if (c)
			fprintf(out, "%lld\t%s\t%s\n", (long long)c, in.id,
				in.title);
	}
	json_decref(counts);
	sigma_set_free(s);
	return bad ? 1 : 0;
}

/* Runs `secura rules check|scan ...` (argv after "rules"). Returns the
 * exit status (2 for a usage error). */
int rules_command(int argc, char **argv, FILE *out)
{
	if (argc >= 2 && !strcmp(argv[0], "check"))
		return check(argc - 1, argv + 1, out);
	if (argc >= 3 && !strcmp(argv[0], "scan"))
		return scan(argc - 1, argv + 1, out);
	fprintf(out, "usage: secura rules check FILE.yml...\n"
		     "       secura rules scan RULES.yml|DIR... -- "
		     "EVENTS.jsonl|-...\n");
	return 2;
}
