/* md.h - markdown to HTML with cmark in safe mode. */
#ifndef SECURA_MD_H
#define SECURA_MD_H

char *md_html(const char *markdown);

#endif
