/* report_pdf.h - a compliance report's data drawn as a PDF. */
#ifndef SECURA_REPORT_PDF_H
#define SECURA_REPORT_PDF_H

#include "../core/arena.h"
#include "../core/buf.h"

#include <jansson.h>
#include <stddef.h>

int report_pdf_draw(arena *a, const char *kind, json_t *data,
		    const char *subject, const char *by, const char *data_sha,
		    buf *out, int *pages, char *err, size_t errlen);

#endif
