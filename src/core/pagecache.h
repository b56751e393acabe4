/* pagecache.h - the shared page cache: the rendered "content" block of a
 * page (e.g. the incident list), shared by everyone who would see the
 * same thing, valid while the data it shows is unchanged. */
#ifndef SECURA_PAGECACHE_H
#define SECURA_PAGECACHE_H

#include "buf.h"
#include "http.h"

int pagecache_lookup(struct ctx *c, const char *version_name,
		     const char *scope);
void pagecache_store(struct ctx *c, const buf *html);

#endif
