/* ops.c - see ops.h. The programs' files are read line by line and their
 * samples grouped under their metric's header, so the exposition declares
 * every metric once however many programs report it. */
#include "ops.h"

#include "../core/clock.h"
#include "../core/config.h"
#include "backup.h"
#include "events.h"

#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

/* The metrics the programs write, with their type and help. */
static const struct {
	const char *name, *type, *help;
} program_metrics[] = {
    {"secura_http_requests_total", "counter",
     "Requests answered, by program, method, route and status."},
    {"secura_http_request_duration_seconds", "histogram",
     "Time to answer a request, by program, method, route and status."},
    {"secura_sse_streams", "gauge", "Live Server-Sent Events streams."},
};

/* Writes a metric's HELP and TYPE lines. */
static void header(buf *out, const char *name, const char *type,
		   const char *help)
{
	buf_printf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* Writes a label value escaped as the text format wants (\\, \", \n). */
static void label(buf *out, const char *v)
{
	for (; *v; v++) {
		if (*v == '\\' || *v == '"')
			buf_putc(out, '\\');
		if (*v == '\n') {
			buf_puts(out, "\\n");
			continue;
		}
		buf_putc(out, *v);
	}
}

/* Appends the lines of every program's file that belong to metric name
 * (the name itself, or name_bucket/_sum/_count for a histogram). */
static void program_samples(buf *out, const char *name)
{
	char dir[4200];
	snprintf(dir, sizeof(dir), "%.4000s/telemetry", config_get()->data_dir);
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = strlen(name);
	while (d && (e = readdir(d))) {
		size_t k = strlen(e->d_name);
		if (k < 6 || strcmp(e->d_name + k - 5, ".prom"))
			continue;
		char path[4500], line[2048];
		snprintf(path, sizeof(path), "%s/%.255s", dir, e->d_name);
		FILE *f = fopen(path, "r");
		while (f && fgets(line, sizeof(line), f))
			if (!strncmp(line, name, n) &&
			    (line[n] == '{' || line[n] == ' ' ||
			     line[n] == '_'))
				buf_puts(out, line);
		if (f)
			fclose(f);
	}
	if (d)
		closedir(d);
}

/* Writes the size of $SECURA_DATA/name (and its WAL) as a sample. */
static void file_size(buf *out, const char *name)
{
	char path[4200];
	struct stat st;
	long long bytes = 0;
	snprintf(path, sizeof(path), "%.4000s/%s", config_get()->data_dir,
		 name);
	if (stat(path, &st) == 0)
		bytes += st.st_size;
	snprintf(path, sizeof(path), "%.4000s/%s-wal", config_get()->data_dir,
		 name);
	if (stat(path, &st) == 0)
		bytes += st.st_size;
	buf_printf(out, "secura_database_bytes{file=\"%s\"} %lld\n", name,
		   bytes);
}

int ops_prometheus(db *main, db *ev, buf *out)
{
	for (size_t i = 0;
	     i < sizeof(program_metrics) / sizeof(*program_metrics); i++) {
		header(out, program_metrics[i].name, program_metrics[i].type,
		       program_metrics[i].help);
		program_samples(out, program_metrics[i].name);
	}
	header(out, "secura_jobs", "gauge",
	       "Background jobs by kind and state (failed: out of attempts).");
	sqlite3_stmt *st = db_query(main, STMT_OPS_JOBS);
	if (!st)
		return -1;
	while (sqlite3_step(st) == SQLITE_ROW) {
		buf_puts(out, "secura_jobs{kind=\"");
		label(out, db_text(st, 0));
		buf_puts(out, "\",state=\"");
		label(out, db_text(st, 1));
		buf_printf(out, "\"} %lld\n", (long long)db_int(st, 2));
	}
	sqlite3_reset(st);
	header(out, "secura_sessions", "gauge", "Sessions not yet expired.");
	buf_printf(out, "secura_sessions %lld\n",
		   (long long)db_scalar(main, STMT_OPS_SESSIONS, clock_now()));
	header(out, "secura_database_bytes", "gauge",
	       "Size of each database file with its write-ahead log.");
	file_size(out, "secura.db");
	file_size(out, "events.db");
	json_t *list = events_sources(main, ev);
	header(out, "secura_events_accepted_total", "counter",
	       "Events an event source sent that were taken.");
	buf b2 = BUF_INIT;
	size_t i;
	json_t *s;
	json_array_foreach(list, i, s)
	{
		json_t *one = json_object_get(s, "stats");
		buf_puts(out, "secura_events_accepted_total{source=\"");
		label(out, json_string_value(json_object_get(s, "name")));
		buf_printf(out, "\"} %lld\n",
			   (long long)json_integer_value(
			       json_object_get(one, "accepted")));
		buf_puts(&b2, "secura_events_rejected_total{source=\"");
		label(&b2, json_string_value(json_object_get(s, "name")));
		buf_printf(&b2, "\"} %lld\n",
			   (long long)json_integer_value(
			       json_object_get(one, "rejected")));
	}
	header(out, "secura_events_rejected_total", "counter",
	       "Events an event source sent that were refused.");
	if (b2.len)
		buf_put(out, b2.data, b2.len);
	buf_free(&b2);
	json_decref(list);
	const char *bdir = config_get()->backup_dir;
	header(out, "secura_backup_last_timestamp_seconds", "gauge",
	       "Time of the newest backup in SECURA_BACKUP_DIR (0: none).");
	buf_printf(out, "secura_backup_last_timestamp_seconds %lld\n",
		   (long long)(bdir ? backup_newest(bdir) : 0));
	return 0;
}
