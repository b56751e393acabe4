/* pagecache.c - the shared page cache.
 *
 * A handler whose HTML content depends only on the query, the data and a
 * scope it names (the caller's role and what they may see) asks
 * pagecache_lookup first. The entry's key is the template, the scope and
 * the query string; it is valid for one value of a change counter in
 * data_versions that triggers bump whenever a table the page reads is
 * written (schema/0007), read before the handler's own queries, so an
 * entry is never newer than its counter says. On a hit the handler stops
 * and the page is the layout (rendered for this caller: name, form
 * token, unread count, flash) around the cached block; on a miss
 * view.c renders the block once with a page object holding only the
 * scope's role and permissions, stores it and puts it in the layout.
 * So nothing personal is ever in an entry. A forced reload
 * (Cache-Control: no-cache) skips the lookup and refreshes the entry;
 * SECURA_PAGE_CACHE=0 turns the cache off. */
#include "pagecache.h"

#include "config.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS	  64
#define MAX_ENTRY (512 << 10) /* bytes of HTML */

struct entry {
	char *key;
	int64_t version;
	char *html;
	size_t len;
	uint64_t used; /* LRU tick */
};

static struct entry slots[SLOTS];
static uint64_t tick;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

/* Looks up the page of c (template c->tmpl or its route's) for scope
 * (an arena or static string: role, visibility, resolved "me" filters)
 * against the counter version_name. Returns 1 with c->cached_html set
 * (arena copy), else 0, having set c->cache_key and c->cache_version
 * when the page may be stored; 0 also when the cache does not apply
 * (JSON, off, not signed in, counter unreadable). */
int pagecache_lookup(struct ctx *c, const char *version_name, const char *scope)
{
	const char *tmpl = c->tmpl ? c->tmpl : c->route ? c->route->tmpl : NULL;
	if (c->api || !config_get()->page_cache || !c->me.user_id || !tmpl)
		return 0;
	int64_t version = db_scalar(c->db, STMT_CHANGE_COUNTER, version_name);
	if (version < 0)
		return 0;
	c->cache_key =
	    arena_printf(c->a, "%s\n%s\n%s\n%s", tmpl, version_name, scope,
			 c->query_string ? c->query_string : "");
	c->cache_version = version;
	if (c->cache_control && strstr(c->cache_control, "no-cache"))
		return 0;
	pthread_mutex_lock(&mu);
	for (int i = 0; i < SLOTS; i++) {
		struct entry *e = &slots[i];
		if (e->key && e->version == version &&
		    !strcmp(e->key, c->cache_key)) {
			e->used = ++tick;
			char *html = arena_alloc(c->a, e->len + 1);
			memcpy(html, e->html, e->len + 1);
			c->cached_html = html;
			break;
		}
	}
	pthread_mutex_unlock(&mu);
	return c->cached_html != NULL;
}

/* Stores html as the content of c's page (c->cache_key at
 * c->cache_version), replacing the same key's entry or the least
 * recently used one. Silently skips oversized pages and failures. */
void pagecache_store(struct ctx *c, const buf *html)
{
	if (!c->cache_key || !html->len || html->len > MAX_ENTRY)
		return;
	char *key = strdup(c->cache_key), *copy = malloc(html->len + 1);
	if (!key || !copy) {
		free(key);
		free(copy);
		return;
	}
	memcpy(copy, html->data, html->len);
	copy[html->len] = '\0';
	pthread_mutex_lock(&mu);
	int slot = 0;
	for (int i = 0; i < SLOTS; i++) {
		if (slots[i].key && !strcmp(slots[i].key, key)) {
			slot = i;
			break;
		}
		if (slots[i].used < slots[slot].used)
			slot = i;
	}
	struct entry *e = &slots[slot];
	if (e->key && e->version > c->cache_version && !strcmp(e->key, key)) {
		/* a newer rendering got here first */
		pthread_mutex_unlock(&mu);
		free(key);
		free(copy);
		return;
	}
	free(e->key);
	free(e->html);
	*e = (struct entry){key, c->cache_version, copy, html->len, ++tick};
	pthread_mutex_unlock(&mu);
}
