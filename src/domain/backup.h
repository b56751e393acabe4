/* backup.h - backups that can be restored. A backup is a folder
 * DIR/secura-YYYYMMDDTHHMMSSZ holding a consistent copy of both
 * databases (VACUUM INTO: one read transaction each, while Secura
 * serves) and manifest.json (time, schema versions, row counts, the audit
 * chain's head, the SHA-256 of every file); the evidence, generated
 * reports and retrained models are copied by content into DIR/files/
 * <sha256>, shared between the backups of DIR. A restore verifies every
 * hash, the copy's integrity and its audit chain before anything of the
 * target changes. */
#ifndef SECURA_BACKUP_H
#define SECURA_BACKUP_H

#include "../core/db.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/* Backs up the instance of data_dir (main its open database, ev its
 * events database, NULL when there is none) into a new folder of dir,
 * whose path goes into out. Returns 0, or -1 with err (the partial
 * folder removed). */
int backup_make(db *main, db *ev, const char *data_dir, const char *dir,
		char *out, size_t outlen, char *err, size_t errlen);

/* Checks the backup folder path: the manifest, every database's and
 * file's SHA-256. Returns its manifest (new), or NULL with err. */
json_t *backup_check(const char *path, char *err, size_t errlen);

/* Restores the backup folder path into data_dir, which must hold no
 * database (or, with replace, one no worker holds: the old files are
 * moved to data_dir/before-restore-<time>). The copy's integrity and
 * audit chain are verified in a staging folder first. Returns 0, or -1
 * with err and data_dir unchanged. */
int backup_restore(const char *path, const char *data_dir, int replace,
		   char *err, size_t errlen);

/* Removes all but the keep newest backups of dir and the files no kept
 * manifest names. Returns the backups removed, or -1 with err. */
int backup_prune(const char *dir, int keep, char *err, size_t errlen);

/* The time (Unix seconds) of the newest backup in dir, 0 when none. */
int64_t backup_newest(const char *dir);

#endif
