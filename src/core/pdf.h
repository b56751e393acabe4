/* pdf.h - a small document builder over libharu for Secura's reports: a
 * title page, a table of contents, headings, wrapped paragraphs,
 * key/value rows, tables whose header repeats on each page, vector bar
 * charts, and on every page a footer with the page number and the
 * SHA-256 of the report's data. Text is UTF-8 in an embedded TrueType
 * font (DejaVu Sans from fonts-dejavu-core, or SECURA_FONT_DIR). */
#ifndef SECURA_PDF_H
#define SECURA_PDF_H

#include "buf.h"

#include <jansson.h>
#include <stdint.h>

typedef struct pdf pdf;

struct pdf_meta {
	const char *title;	 /* "GDPR breach register" */
	const char *subject;	 /* "1 January 2026 - 31 March 2026" */
	const char *org;	 /* organisation name */
	const char *author;	 /* who generated it */
	const char *generated;	 /* ISO time */
	const char *data_sha256; /* hex, printed in every footer */
};

pdf *pdf_new(const struct pdf_meta *m, char *err, size_t errlen);
void pdf_heading(pdf *p, const char *text);
void pdf_subheading(pdf *p, const char *text);
void pdf_para(pdf *p, const char *text);
void pdf_kv(pdf *p, const char *key, const char *value);
void pdf_table(pdf *p, int ncols, const char *const *head, const double *widths,
	       const char *const *cells, int nrows);
void pdf_bars(pdf *p, const char *title, json_t *items, const char *label_key);
int pdf_finish(pdf *p, buf *out, int *pages, char *err, size_t errlen);
void pdf_free(pdf *p);

#endif
