/* sigma_map.c - the declared mapping from Sigma's log sources and field
 * taxonomy (../shared/sigma/specification/sigma-appendix-taxonomy.md) to
 * Secura's kinds and Elastic Common Schema fields: one table per log
 * source, so a rule written for web servers or Windows Security reads
 * the events Secura stores as they are. */
#include "sigma.h"

#include <string.h>

/* Web servers (W3C extended log names) and proxies. */
static const char *const web_fields[][2] = {
    {"c-ip", "source.ip"},
    {"s-ip", "destination.ip"},
    {"cs-method", "http.request.method"},
    {"cs-uri", "url.original"},
    {"cs-uri-stem", "url.path"},
    {"cs-uri-query", "url.query"},
    {"cs-host", "url.domain"},
    {"cs-referer", "http.request.referrer"},
    {"cs-referrer", "http.request.referrer"},
    {"cs-username", "user.name"},
    {"cs-version", "http.version"},
    {"cs-bytes", "http.request.bytes"},
    {"sc-bytes", "http.response.bytes"},
    {"sc-status", "http.response.status_code"},
    {"c-useragent", "user_agent.original"},
    {"c-uri", "url.original"},
    {"c-uri-stem", "url.path"},
    {"c-uri-query", "url.query"},
    {"c-uri-extension", "url.extension"},
    {"r-dns", "destination.domain"},
    {"dst_ip", "destination.ip"},
    {"src_ip", "source.ip"},
    {NULL, NULL}};
static const char *const web_keywords[] = {
    "event.original", "url.original", "url.path", "url.query", "message", NULL};

/* Windows event logs as Winlogbeat stores them: the event's own data
 * under winlog.event_data, its id as event.code. */
static const char *const windows_fields[][2] = {
    {"EventID", "event.code"},
    {"Channel", "winlog.channel"},
    {"Computer", "host.name"},
    {"Provider_Name", "winlog.provider_name"},
    {NULL, NULL}};
static const char *const text_keywords[] = {"message", "event.original", NULL};

/* Zeek's SMB file log. */
static const char *const zeek_smb_fields[][2] = {
    {"name", "file.name"},
    {"path", "file.directory"},
    {"id.orig_h", "source.ip"},
    {"id.resp_h", "destination.ip"},
    {NULL, NULL}};

/* Secura's own events: rules name ECS fields directly. */
static const char *const no_fields[][2] = {{NULL, NULL}};

const struct sigma_logsource sigma_logsources[] = {
    {"webserver", NULL, NULL, "http-access", NULL, NULL, web_fields, "",
     web_keywords},
    {"proxy", NULL, NULL, "http-access", NULL, NULL, web_fields, "",
     web_keywords},
    {NULL, "windows", "security", NULL, "winlog.channel", "Security",
     windows_fields, "winlog.event_data.", text_keywords},
    {NULL, "linux", "sshd", NULL, "process.name", "sshd", no_fields, "",
     text_keywords},
    {NULL, "linux", "auth", "auth", NULL, NULL, no_fields, "", text_keywords},
    {NULL, "zeek", "smb_files", NULL, "event.dataset", "zeek.smb_files",
     zeek_smb_fields, "zeek.smb_files.", text_keywords},
    {NULL, "secura", "auth", "auth", NULL, NULL, no_fields, "", text_keywords},
    {NULL, "secura", "network-flow", "network-flow", NULL, NULL, no_fields, "",
     text_keywords},
    {NULL, "secura", "http-access", "http-access", NULL, NULL, no_fields, "",
     web_keywords},
    {NULL, "secura", "endpoint", "endpoint", NULL, NULL, no_fields, "",
     text_keywords},
    {NULL, "secura", NULL, NULL, NULL, NULL, no_fields, "", text_keywords},
    {NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL}};

/* Returns whether the table's attribute want (NULL: any) admits a
 * rule's have. */
static int admits(const char *want, const char *have)
{
	return !want || (have && !strcmp(want, have));
}

/* Returns the first log source that admits a rule's category, product
 * and service (each NULL when the rule has none), or NULL when Secura
 * maps none. Static. */
const struct sigma_logsource *sigma_logsource_find(const char *category,
						   const char *product,
						   const char *service)
{
	for (const struct sigma_logsource *l = sigma_logsources; l->fields; l++)
		if (admits(l->category, category) &&
		    admits(l->product, product) && admits(l->service, service))
			return l;
	return NULL;
}

/* Returns the ECS path a rule's field name reads under ls: the
 * taxonomy's name mapped, else the name under the source's prefix. The
 * result is static or in a. */
const char *sigma_field(const struct sigma_logsource *ls, arena *a,
			const char *name)
{
	for (size_t i = 0; ls->fields[i][0]; i++)
		if (!strcmp(ls->fields[i][0], name))
			return ls->fields[i][1];
	if (!*ls->prefix)
		return arena_strdup(a, name);
	return arena_printf(a, "%s%s", ls->prefix, name);
}
