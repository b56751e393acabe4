/* backup.c - see backup.h. Files are written to a temporary name,
 * fsynced and renamed, so a crash leaves whole files or none; a backup's
 * manifest is written last, so a folder without one is no backup (and a
 * check says so). */
#include "backup.h"

#include "../core/buf.h"
#include "../core/clock.h"
#include "../core/jsonmem.h"
#include "../core/sha256.h"
#include "audit.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define FORMAT	"secura-backup-1"
#define PATHLEN 4200

/* The data folder's trees copied by content. */
static const char *const trees[] = {"evidence", "reports", "models"};

/* Makes dir (its parent must exist). Returns 0 or -1. */
static int mkdir_one(const char *dir)
{
	return mkdir(dir, 0750) == 0 || errno == EEXIST ? 0 : -1;
}

/* nftw callback: removes one entry. */
static int remove_entry(const char *path, const struct stat *sb, int flag,
			struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Removes path and everything below it. Returns 0 or -1. */
static int remove_tree(const char *path)
{
	return nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* The SHA-256 of file path into hex and its size into *bytes. Returns 0
 * or -1. */
static int hash_file(const char *path, char hex[SHA256_HEX], int64_t *bytes)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	sha256_ctx c;
	sha256_init(&c);
	unsigned char blk[65536], d[SHA256_LEN];
	size_t n;
	*bytes = 0;
	while ((n = fread(blk, 1, sizeof(blk), f)) > 0) {
		sha256_update(&c, blk, n);
		*bytes += (int64_t)n;
	}
	int bad = ferror(f);
	fclose(f);
	if (bad)
		return -1;
	sha256_final(&c, d);
	sha256_tohex(d, hex);
	return 0;
}

/* Copies src to dst through a temporary name, fsynced. Returns 0 or -1. */
static int copy_file(const char *src, const char *dst)
{
	char tmp[PATHLEN];
	snprintf(tmp, sizeof(tmp), "%.4000s.tmp", dst);
	int in = open(src, O_RDONLY | O_CLOEXEC),
	    out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
	int rc = in < 0 || out < 0 ? -1 : 0;
	char blk[65536];
	ssize_t n = 0;
	while (rc == 0 && (n = read(in, blk, sizeof(blk))) > 0)
		for (ssize_t done = 0; rc == 0 && done < n;) {
			ssize_t w = write(out, blk + done, (size_t)(n - done));
			rc = w < 0 ? -1 : 0;
			done += w > 0 ? w : 0;
		}
	if (n < 0 || (out >= 0 && fsync(out) != 0))
		rc = -1;
	if (in >= 0)
		close(in);
	if (out >= 0 && close(out) != 0)
		rc = -1;
	if (rc == 0 && rename(tmp, dst) != 0)
		rc = -1;
	if (rc != 0)
		unlink(tmp);
	return rc;
}

/* Adds the regular files below data_dir/rel (two levels at most) to
 * files ([{path, sha256, bytes}]), copying each into store/<sha256>
 * unless it is there. A missing tree is empty. Returns 0 or -1. */
static int add_tree(const char *data_dir, const char *rel, const char *store,
		    json_t *files, int depth)
{
	char path[PATHLEN];
	snprintf(path, sizeof(path), "%.3000s/%.1000s", data_dir, rel);
	DIR *dir = opendir(path);
	if (!dir)
		return errno == ENOENT ? 0 : -1;
	int rc = 0;
	struct dirent *e;
	while (rc == 0 && (e = readdir(dir))) {
		if (e->d_name[0] == '.' || strstr(e->d_name, ".tmp"))
			continue;
		char sub[PATHLEN], full[PATHLEN], hex[SHA256_HEX], dst[PATHLEN];
		snprintf(sub, sizeof(sub), "%.3000s/%.1000s", rel, e->d_name);
		snprintf(full, sizeof(full), "%.3000s/%.1000s", data_dir, sub);
		struct stat st;
		if (lstat(full, &st) != 0) {
			rc = -1;
			break;
		}
		if (S_ISDIR(st.st_mode)) {
			if (depth < 2)
				rc = add_tree(data_dir, sub, store, files,
					      depth + 1);
			continue;
		}
		if (!S_ISREG(st.st_mode))
			continue;
		int64_t bytes;
		if (hash_file(full, hex, &bytes) != 0) {
			rc = -1;
			break;
		}
		snprintf(dst, sizeof(dst), "%.3000s/%.1000s", store, hex);
		if (access(dst, F_OK) != 0 && copy_file(full, dst) != 0) {
			rc = -1;
			break;
		}
		json_array_append_new(
		    files, json_pack("{ss ss sI}", "path", sub, "sha256", hex,
				     "bytes", (json_int_t)bytes));
	}
	closedir(dir);
	return rc;
}

/* Counts what the copy of the main database at path holds into m
 * (rows, audit, schema). Returns 0 or -1 with err. */
static int describe(const char *path, json_t *m, char *err, size_t errlen)
{
	db c;
	if (db_open_readonly(&c, path, err, errlen) != 0)
		return -1;
	int rc = -1;
	sqlite3_stmt *st = db_query(&c, STMT_BACKUP_COUNTS);
	if (st && sqlite3_step(st) == SQLITE_ROW) {
		json_object_set_new(
		    m, "rows",
		    json_pack("{sI sI sI sI sI}", "incidents",
			      (json_int_t)db_int(st, 0), "users",
			      (json_int_t)db_int(st, 1), "audit_log",
			      (json_int_t)db_int(st, 2), "alerts",
			      (json_int_t)db_int(st, 3), "evidence",
			      (json_int_t)db_int(st, 4)));
		rc = 0;
	}
	if (st)
		sqlite3_reset(st);
	st = rc == 0 ? db_query(&c, STMT_BACKUP_AUDIT_HEAD) : NULL;
	if (st && sqlite3_step(st) == SQLITE_ROW)
		json_object_set_new(m, "audit",
				    json_pack("{sI ss}", "rows",
					      (json_int_t)db_int(st, 0), "head",
					      db_text(st, 1)));
	else
		rc = -1;
	if (st)
		sqlite3_reset(st);
	json_object_set_new(m, "schema",
			    json_integer(db_scalar(&c, STMT_BACKUP_VERSION)));
	if (rc != 0)
		snprintf(err, errlen, "cannot read the copy: %s",
			 db_errmsg(&c));
	db_close(&c);
	return rc;
}

/* Adds database file name of folder to m's databases with its hash.
 * Returns 0 or -1. */
static int add_database(json_t *m, const char *folder, const char *name)
{
	char path[PATHLEN], hex[SHA256_HEX];
	int64_t bytes;
	snprintf(path, sizeof(path), "%.3000s/%.1000s", folder, name);
	if (hash_file(path, hex, &bytes) != 0)
		return -1;
	json_array_append_new(json_object_get(m, "databases"),
			      json_pack("{ss ss sI}", "name", name, "sha256",
					hex, "bytes", (json_int_t)bytes));
	return 0;
}

/* Writes m as folder/manifest.json (through a temporary name). Returns 0
 * or -1. */
static int write_manifest(const char *folder, json_t *m)
{
	char path[PATHLEN], tmp[PATHLEN];
	snprintf(path, sizeof(path), "%.4000s/manifest.json", folder);
	snprintf(tmp, sizeof(tmp), "%.4000s.tmp", path);
	char *js = json_dumps(m, JSON_INDENT(1) | JSON_SORT_KEYS);
	int fd = js ? open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0640) : -1;
	size_t n = js ? strlen(js) : 0;
	int rc = fd >= 0 && write(fd, js, n) == (ssize_t)n && fsync(fd) == 0
		     ? 0
		     : -1;
	if (fd >= 0 && close(fd) != 0)
		rc = -1;
	jsonmem_free(js);
	if (rc == 0 && rename(tmp, path) != 0)
		rc = -1;
	return rc;
}

int backup_make(db *main, db *ev, const char *data_dir, const char *dir,
		char *out, size_t outlen, char *err, size_t errlen)
{
	time_t now = (time_t)clock_now();
	char stamp[32], folder[PATHLEN], store[PATHLEN], path[PATHLEN];
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", gmtime(&now));
	snprintf(folder, sizeof(folder), "%.4000s/secura-%.30s", dir, stamp);
	snprintf(store, sizeof(store), "%.4000s/files", dir);
	if (mkdir_one(dir) != 0 || mkdir_one(store) != 0) {
		snprintf(err, errlen, "cannot make %s: %s", store,
			 strerror(errno));
		return -1;
	}
	for (int i = 2; mkdir(folder, 0750) != 0; i++) {
		if (errno != EEXIST || i > 99) {
			snprintf(err, errlen, "cannot make %s: %s", folder,
				 strerror(errno));
			return -1;
		}
		snprintf(folder, sizeof(folder), "%.4000s/secura-%.30s-%d", dir,
			 stamp, i);
	}
	char iso[21];
	clock_iso(now, iso);
	json_t *m =
	    json_pack("{ss sI ss s[] s[]}", "format", FORMAT, "created_at",
		      (json_int_t)now, "created", iso, "databases", "files");
	int rc = 0;
	snprintf(path, sizeof(path), "%.4000s/secura.db", folder);
	if (db_exec(main, STMT_BACKUP_INTO, path) != 0) {
		snprintf(err, errlen, "cannot copy the database: %s",
			 db_errmsg(main));
		rc = -1;
	}
	if (rc == 0)
		rc = describe(path, m, err, errlen);
	if (rc == 0 && (rc = add_database(m, folder, "secura.db")) != 0)
		snprintf(err, errlen, "cannot read %s", path);
	if (rc == 0 && ev) {
		snprintf(path, sizeof(path), "%.4000s/events.db", folder);
		if (db_exec(ev, STMT_EVT_BACKUP_INTO, path) != 0 ||
		    add_database(m, folder, "events.db") != 0) {
			snprintf(err, errlen, "cannot copy the events: %s",
				 db_errmsg(ev));
			rc = -1;
		}
		json_object_set_new(
		    json_object_get(m, "rows"), "events",
		    json_integer(db_scalar(ev, STMT_EVT_BACKUP_COUNTS)));
		json_object_set_new(
		    m, "events_schema",
		    json_integer(db_scalar(ev, STMT_EVT_BACKUP_VERSION)));
	}
	for (size_t i = 0; rc == 0 && i < sizeof(trees) / sizeof(*trees); i++)
		if ((rc = add_tree(data_dir, trees[i], store,
				   json_object_get(m, "files"), 0)) != 0)
			snprintf(err, errlen, "cannot copy %s/%s: %s", data_dir,
				 trees[i], strerror(errno));
	if (rc == 0 && (rc = write_manifest(folder, m)) != 0)
		snprintf(err, errlen, "cannot write the manifest: %s",
			 strerror(errno));
	json_decref(m);
	if (rc != 0) {
		remove_tree(folder);
		return -1;
	}
	snprintf(out, outlen, "%s", folder);
	return 0;
}

json_t *backup_check(const char *path, char *err, size_t errlen)
{
	char file[PATHLEN], hex[SHA256_HEX], store[PATHLEN];
	snprintf(file, sizeof(file), "%.4000s/manifest.json", path);
	json_t *m = json_load_file(file, 0, NULL);
	const char *format = json_string_value(json_object_get(m, "format"));
	if (!json_is_object(m) || !format || strcmp(format, FORMAT)) {
		snprintf(err, errlen, "%s is not a Secura backup (no manifest)",
			 path);
		json_decref(m);
		return NULL;
	}
	/* the content store is beside the backup's folder */
	snprintf(store, sizeof(store), "%.4000s/../files", path);
	size_t i;
	json_t *e;
	json_array_foreach(json_object_get(m, "databases"), i, e)
	{
		int64_t bytes;
		snprintf(file, sizeof(file), "%.3000s/%.1000s", path,
			 json_string_value(json_object_get(e, "name")));
		if (hash_file(file, hex, &bytes) != 0 ||
		    strcmp(hex,
			   json_string_value(json_object_get(e, "sha256")))) {
			snprintf(err, errlen, "%s does not match its SHA-256",
				 file);
			json_decref(m);
			return NULL;
		}
	}
	json_array_foreach(json_object_get(m, "files"), i, e)
	{
		int64_t bytes;
		const char *want =
		    json_string_value(json_object_get(e, "sha256"));
		snprintf(file, sizeof(file), "%.3000s/%.1000s", store,
			 want ? want : "");
		if (!want || strchr(want, '/') ||
		    hash_file(file, hex, &bytes) != 0 || strcmp(hex, want)) {
			snprintf(err, errlen, "%s (%s) is missing or changed",
				 file,
				 json_string_value(json_object_get(e, "path")));
			json_decref(m);
			return NULL;
		}
	}
	return m;
}

/* Verifies the staged copy of the main database at path against the
 * manifest m: integrity, the audit chain, its head. Returns 0 or -1 with
 * err. */
static int verify_copy(const char *path, json_t *m, char *err, size_t errlen)
{
	db c;
	if (db_open_readonly(&c, path, err, errlen) != 0)
		return -1;
	int rc = -1;
	int64_t rows, bad;
	char why[200];
	sqlite3_stmt *st = db_query(&c, STMT_BACKUP_INTEGRITY);
	const char *ok = st && sqlite3_step(st) == SQLITE_ROW ? db_text(st, 0)
							      : "unreadable";
	if (strcmp(ok, "ok"))
		snprintf(err, errlen, "the copy fails its integrity check: %s",
			 ok);
	if (st)
		sqlite3_reset(st);
	json_t *audit = json_object_get(m, "audit");
	if (!strcmp(ok, "ok")) {
		int v = audit_verify(&c, &rows, &bad, why, sizeof(why));
		json_t *head = json_object();
		if (v != 0)
			snprintf(
			    err, errlen,
			    "the copy's audit chain is broken at row %lld: %s",
			    (long long)bad, v < 0 ? db_errmsg(&c) : why);
		else if (describe(path, head, err, errlen) != 0)
			;
		else if (!json_equal(json_object_get(head, "audit"), audit))
			snprintf(err, errlen,
				 "the copy's audit chain ends elsewhere than "
				 "its manifest says");
		else
			rc = 0;
		json_decref(head);
	}
	db_close(&c);
	return rc;
}

/* Whether a program of data_dir's instance runs (its worker holds the
 * lock). */
static int running(const char *data_dir)
{
	char path[PATHLEN];
	snprintf(path, sizeof(path), "%.4000s/worker.lock", data_dir);
	int fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return 0;
	int held = flock(fd, LOCK_EX | LOCK_NB) != 0;
	close(fd);
	return held;
}

/* The names a restore puts into a data folder (and moves aside). */
static const char *const restored[] = {"secura.db", "events.db", "evidence",
				       "reports", "models"};

int backup_restore(const char *path, const char *data_dir, int replace,
		   char *err, size_t errlen)
{
	json_t *m = backup_check(path, err, errlen);
	if (!m)
		return -1;
	char stage[PATHLEN], from[PATHLEN], to[PATHLEN], store[PATHLEN];
	time_t now = (time_t)clock_now();
	char stamp[32];
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", gmtime(&now));
	snprintf(to, sizeof(to), "%.4000s/secura.db", data_dir);
	int rc = -1;
	if (!replace && access(to, F_OK) == 0) {
		snprintf(err, errlen,
			 "%s already holds a database: restore into an empty "
			 "data folder, or give --replace",
			 data_dir);
		goto out;
	}
	if (running(data_dir)) {
		snprintf(err, errlen,
			 "Secura is running on %s (its worker holds the lock): "
			 "stop it first",
			 data_dir);
		goto out;
	}
	snprintf(stage, sizeof(stage), "%.4000s/.restore-%.30s", data_dir,
		 stamp);
	if (mkdir_one(data_dir) != 0 || mkdir(stage, 0750) != 0) {
		snprintf(err, errlen, "cannot make %s: %s", stage,
			 strerror(errno));
		goto out;
	}
	size_t i;
	json_t *e;
	json_array_foreach(json_object_get(m, "databases"), i, e)
	{
		const char *name =
		    json_string_value(json_object_get(e, "name"));
		snprintf(from, sizeof(from), "%.3000s/%.1000s", path, name);
		snprintf(to, sizeof(to), "%.3000s/%.1000s", stage, name);
		if (copy_file(from, to) != 0) {
			snprintf(err, errlen, "cannot copy %s: %s", from,
				 strerror(errno));
			goto unstage;
		}
	}
	snprintf(to, sizeof(to), "%.4000s/secura.db", stage);
	if (verify_copy(to, m, err, errlen) != 0)
		goto unstage;
	snprintf(store, sizeof(store), "%.4000s/../files", path);
	json_array_foreach(json_object_get(m, "files"), i, e)
	{
		const char *rel = json_string_value(json_object_get(e, "path"));
		if (!rel || strstr(rel, "..") || rel[0] == '/') {
			snprintf(err, errlen, "the manifest names a bad path");
			goto unstage;
		}
		snprintf(to, sizeof(to), "%.3000s/%.1000s", stage, rel);
		/* the folders on the way (two levels at most) */
		for (char *p = to + strlen(stage) + 1; (p = strchr(p, '/'));
		     p++) {
			*p = '\0';
			int bad = mkdir_one(to);
			*p = '/';
			if (bad)
				break;
		}
		snprintf(from, sizeof(from), "%.3000s/%.1000s", store,
			 json_string_value(json_object_get(e, "sha256")));
		if (copy_file(from, to) != 0) {
			snprintf(err, errlen, "cannot copy %s: %s", from,
				 strerror(errno));
			goto unstage;
		}
	}
	/* what the folder held goes aside, then the staged copy in */
	char aside[PATHLEN];
	snprintf(aside, sizeof(aside), "%.4000s/before-restore-%.30s", data_dir,
		 stamp);
	for (i = 0; i < sizeof(restored) / sizeof(*restored); i++) {
		static const char *const ext[] = {"", "-wal", "-shm"};
		for (int k = 0; k < (i < 2 ? 3 : 1); k++) {
			snprintf(from, sizeof(from), "%.3000s/%.500s%.8s",
				 data_dir, restored[i], ext[k]);
			if (access(from, F_OK) != 0)
				continue;
			snprintf(to, sizeof(to), "%.3000s/%.500s%.8s", aside,
				 restored[i], ext[k]);
			if (mkdir_one(aside) != 0 || rename(from, to) != 0) {
				snprintf(err, errlen,
					 "cannot move %s aside: %s", from,
					 strerror(errno));
				goto unstage;
			}
		}
		snprintf(from, sizeof(from), "%.3000s/%.1000s", stage,
			 restored[i]);
		snprintf(to, sizeof(to), "%.3000s/%.1000s", data_dir,
			 restored[i]);
		if (access(from, F_OK) == 0 && rename(from, to) != 0) {
			snprintf(err, errlen, "cannot move %s in: %s", from,
				 strerror(errno));
			goto unstage;
		}
	}
	rc = 0;
unstage:
	remove_tree(stage);
out:
	json_decref(m);
	return rc;
}

/* The names of dir's backups (secura-*), newest first, as a new array. */
static json_t *backups_of(const char *dir)
{
	json_t *names = json_array();
	DIR *d = opendir(dir);
	struct dirent *e;
	while (d && (e = readdir(d)))
		if (!strncmp(e->d_name, "secura-", 7))
			json_array_append_new(names, json_string(e->d_name));
	if (d)
		closedir(d);
	/* stamps sort as text: a simple insertion sort, newest first */
	size_t n = json_array_size(names);
	for (size_t i = 1; i < n; i++)
		for (size_t j = i;
		     j > 0 &&
		     strcmp(json_string_value(json_array_get(names, j - 1)),
			    json_string_value(json_array_get(names, j))) < 0;
		     j--) {
			json_t *a = json_incref(json_array_get(names, j - 1));
			json_array_set(names, j - 1, json_array_get(names, j));
			json_array_set_new(names, j, a);
		}
	return names;
}

int backup_prune(const char *dir, int keep, char *err, size_t errlen)
{
	json_t *names = backups_of(dir), *used = json_object();
	char path[PATHLEN];
	int removed = 0, rc = 0;
	size_t i;
	json_t *name;
	json_array_foreach(names, i, name)
	{
		snprintf(path, sizeof(path), "%.3000s/%.1000s", dir,
			 json_string_value(name));
		if ((int)i >= keep) {
			if (remove_tree(path) != 0) {
				snprintf(err, errlen, "cannot remove %s: %s",
					 path, strerror(errno));
				rc = -1;
			}
			removed++;
			continue;
		}
		char file[PATHLEN];
		snprintf(file, sizeof(file), "%.4000s/manifest.json", path);
		json_t *m = json_load_file(file, 0, NULL), *f;
		size_t k;
		json_array_foreach(json_object_get(m, "files"), k, f)
		    json_object_set(
			used, json_string_value(json_object_get(f, "sha256")),
			json_true());
		json_decref(m);
	}
	/* the content no kept backup names */
	snprintf(path, sizeof(path), "%.4000s/files", dir);
	DIR *d = opendir(path);
	struct dirent *e;
	while (rc == 0 && d && (e = readdir(d))) {
		if (e->d_name[0] == '.' || json_object_get(used, e->d_name))
			continue;
		char file[PATHLEN];
		snprintf(file, sizeof(file), "%.3000s/%.1000s", path,
			 e->d_name);
		unlink(file);
	}
	if (d)
		closedir(d);
	json_decref(names);
	json_decref(used);
	return rc ? -1 : removed;
}

int64_t backup_newest(const char *dir)
{
	json_t *names = backups_of(dir);
	const char *n = json_string_value(json_array_get(names, 0));
	struct tm tm = {0};
	int64_t t = n && strptime(n + 7, "%Y%m%dT%H%M%SZ", &tm)
			? (int64_t)timegm(&tm)
			: 0;
	json_decref(names);
	return t;
}
