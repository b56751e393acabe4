/* evidence.h - evidence files: type by magic bytes, stored outside the
 * web root under their SHA-256, listed and read back. */
#ifndef SECURA_EVIDENCE_H
#define SECURA_EVIDENCE_H

#include "../core/arena.h"
#include "../core/buf.h"
#include "../core/db.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#define EVIDENCE_MAX_FILES 10

struct evidence {
	int64_t id, size, created_at;
	const char *filename, *mime, *sha256, *uploader_email, *checked;
	const char *ocr_text, *ocr_state; /* the text read from an image */
};

int evidence_store(const char *data_dir, const unsigned char *p, size_t n,
		   char sha[65]);
int evidence_read(const char *data_dir, const char *sha, buf *out);
int64_t evidence_add(db *d, int64_t incident, int64_t uploader,
		     const char *filename, size_t size, const char *mime,
		     const char *sha, const char *checked);
json_t *evidence_list(db *d, int64_t incident);
int evidence_get(db *d, arena *a, int64_t incident, int64_t id,
		 struct evidence *e);
const char *evidence_clean_name(arena *a, const char *name);
struct job;
int evidence_ocr_run(db *d, const struct job *j, char *err, size_t errlen);

#endif
