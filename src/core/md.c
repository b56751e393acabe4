/* md.c - markdown rendering. cmark's default options are safe: raw HTML
 * is replaced by a comment and javascript:/data: links are dropped.
 * CMARK_OPT_UNSAFE is never used. */
#include "md.h"

#include "arena.h"

#include <cmark.h>
#include <string.h>

/* Renders markdown to HTML. Returns a heap string the caller frees;
 * aborts on out-of-memory like the rest of Secura. */
char *md_html(const char *markdown)
{
	char *html =
	    cmark_markdown_to_html(markdown, strlen(markdown),
				   CMARK_OPT_DEFAULT | CMARK_OPT_HARDBREAKS);
	return html ? html : xstrdup("");
}
