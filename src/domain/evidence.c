/* evidence.c - evidence files. The declared type and the file name are
 * never trusted: the type and structure are checked (filecheck.c), and
 * files are stored as <data>/evidence/ab/abcdef... (their
 * SHA-256), written to a temporary name, fsynced and renamed. */
#include "evidence.h"

#include "../core/clock.h"
#include "../core/config.h"
#include "../core/sha256.h"
#include "../core/utf8.h"
#include "../ml/ocr.h"
#include "incidents.h"
#include "indicators.h"
#include "jobs.h"
#include "timeline.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Makes dir if missing. Returns 0 or -1. */
static int mkdir_p(const char *dir)
{
	return mkdir(dir, 0750) == 0 || errno == EEXIST ? 0 : -1;
}

/* Writes the path of a stored file into out. */
static void evidence_path(const char *data_dir, const char *sha, char *out,
			  size_t n)
{
	snprintf(out, n, "%s/evidence/%.2s/%s", data_dir, sha, sha);
}

/* Stores n bytes under their SHA-256 (written into sha). Storing the
 * same content twice keeps one file. Returns 0, or -1 on I/O error. */
int evidence_store(const char *data_dir, const unsigned char *p, size_t n,
		   char sha[65])
{
	char dir[4096], path[4200], tmp[4300];
	sha256_hex(p, n, sha);
	snprintf(dir, sizeof(dir), "%s/evidence", data_dir);
	if (mkdir_p(dir) != 0)
		return -1;
	snprintf(dir, sizeof(dir), "%s/evidence/%.2s", data_dir, sha);
	if (mkdir_p(dir) != 0)
		return -1;
	evidence_path(data_dir, sha, path, sizeof(path));
	if (access(path, F_OK) == 0)
		return 0;
	snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", path, (long)getpid());
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0640);
	if (fd < 0)
		return -1;
	size_t done = 0;
	while (done < n) {
		ssize_t w = write(fd, p + done, n - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		done += (size_t)w;
	}
	int ok = done == n && fsync(fd) == 0;
	if (close(fd) != 0 || !ok || rename(tmp, path) != 0) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

/* Reads a stored file into out. Returns 0, or -1 if missing/unreadable. */
int evidence_read(const char *data_dir, const char *sha, buf *out)
{
	char path[4200];
	evidence_path(data_dir, sha, path, sizeof(path));
	return buf_read_file(out, path);
}

/* Returns the last path component of name without control characters,
 * at most 200 bytes (cut at a character boundary); "evidence" if that
 * leaves nothing. Arena string. */
const char *evidence_clean_name(arena *a, const char *name)
{
	const char *base = name;
	for (const char *p = name; *p; p++)
		if (*p == '/' || *p == '\\')
			base = p + 1;
	char *out = arena_strdup(a, base), *o = out;
	for (const char *p = base; *p; p++)
		if ((unsigned char)*p >= 0x20 && *p != 0x7f && *p != '"')
			*o++ = *p;
	*o = '\0';
	out[utf8_cut(out, 200)] = '\0';
	return *out && strcmp(out, ".") && strcmp(out, "..") ? out : "evidence";
}

/* Records an uploaded file and its history row. Returns the evidence id,
 * or -1. Must run inside a transaction. */
int64_t evidence_add(db *d, int64_t incident, int64_t uploader,
		     const char *filename, size_t size, const char *mime,
		     const char *sha, const char *checked)
{
	if (db_exec(d, STMT_EVIDENCE_INSERT, incident, uploader, filename,
		    (int64_t)size, mime, sha, clock_now(),
		    checked ? checked : "") != 0)
		return -1;
	int64_t id = sqlite3_last_insert_rowid(d->h);
	if (timeline_event(d, incident, uploader, "evidence", "", NULL,
			   filename, 0) != 0)
		return -1;
	/* a screenshot is read in the worker (evidence_ocr_run) */
	if ((!strcmp(mime, "image/png") || !strcmp(mime, "image/jpeg")) &&
	    (db_exec(d, STMT_EVIDENCE_OCR_STATE, id, "queued") != 0 ||
	     jobs_queue(d, "ocr", id, 2) < 0))
		return -1;
	return id;
}

/* The "ocr" job: reads the text of image evidence j->ref_id with
 * Tesseract, keeps it with the file, adds it to the incident's search and
 * records the indicators in it. An image that cannot be read (too large,
 * corrupt) keeps why, and the job is done: nothing is retried, nothing
 * else stops. Returns 0, or -1 (err) when the database fails. */
int evidence_ocr_run(db *d, const struct job *j, char *err, size_t errlen)
{
	sqlite3_stmt *st = db_query(d, STMT_EVIDENCE_OCR_ROW, j->ref_id);
	if (!st)
		goto fail;
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return 0; /* gone with its incident */
	}
	int64_t incident = db_int(st, 0);
	char sha[65];
	snprintf(sha, sizeof(sha), "%s", db_text(st, 2));
	sqlite3_reset(st);
	buf img = BUF_INIT;
	char *text = NULL, why[256] = "";
	int read = evidence_read(config_get()->data_dir, sha, &img) == 0 &&
		   ocr_image((const unsigned char *)img.data, img.len, &text,
			     why, sizeof(why)) == 0;
	if (!read && !*why)
		snprintf(why, sizeof(why), "the file could not be read");
	buf_free(&img);
	int rc = db_begin(d);
	if (rc == 0 && read)
		rc = db_exec(d, STMT_EVIDENCE_OCR_DONE, j->ref_id, text) ||
		     indicators_record(d, incident, "evidence", text,
				       strlen(text), clock_now()) < 0 ||
		     incidents_reindex(d, incident);
	else if (rc == 0)
		rc = db_exec(d, STMT_EVIDENCE_OCR_STATE, j->ref_id, why);
	free(text);
	if (rc != 0 || db_commit(d) != 0) {
		db_rollback(d);
		goto fail;
	}
	return 0;
fail:
	snprintf(err, errlen, "evidence %lld: %s", (long long)j->ref_id,
		 db_errmsg(d));
	return -1;
}

/* Copies an EVIDENCE_* row into e (strings in the arena). */
static void evidence_from_row(arena *a, sqlite3_stmt *st, void *out)
{
	struct evidence *e = out;
	e->id = db_int(st, 0);
	e->filename = arena_strdup(a, db_text(st, 1));
	e->size = db_int(st, 2);
	e->mime = arena_strdup(a, db_text(st, 3));
	e->sha256 = arena_strdup(a, db_text(st, 4));
	e->created_at = db_int(st, 5);
	e->uploader_email = arena_strdup(a, db_text(st, 6));
	e->checked = arena_strdup(a, db_text(st, 8));
	e->ocr_text = arena_strdup(a, db_text(st, 9));
	e->ocr_state = arena_strdup(a, db_text(st, 10));
}

/* Returns the incident's evidence as a new JSON array; NULL on error. */
json_t *evidence_list(db *d, int64_t incident)
{
	sqlite3_stmt *st = db_query(d, STMT_EVIDENCE_LIST, incident);
	if (!st)
		return NULL;
	json_t *arr = json_array();
	arena a;
	arena_init(&a);
	struct evidence e;
	while (sqlite3_step(st) == SQLITE_ROW) {
		char at[21];
		evidence_from_row(&a, st, &e);
		clock_iso(e.created_at, at);
		json_array_append_new(
		    arr,
		    json_pack("{sI ss sI ss ss ss ss ss ss ss sb}", "id",
			      (json_int_t)e.id, "filename", e.filename, "size",
			      (json_int_t)e.size, "mime", e.mime, "sha256",
			      e.sha256, "uploaded_at", at, "uploader",
			      e.uploader_email, "checked", e.checked, "text",
			      e.ocr_text, "text_state", e.ocr_state,
			      "text_pending", !strcmp(e.ocr_state, "queued")));
	}
	sqlite3_reset(st);
	arena_free(&a);
	return arr;
}

/* Loads evidence id of incident. Returns 1 found, 0 not, -1 error. */
int evidence_get(db *d, arena *a, int64_t incident, int64_t id,
		 struct evidence *e)
{
	return db_one(db_query(d, STMT_EVIDENCE_BY_ID, incident, id),
		      evidence_from_row, a, e);
}
