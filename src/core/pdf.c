/* pdf.c - see pdf.h. Content pages are laid out top to bottom as calls
 * arrive; pdf_finish then inserts the title page and the contents before
 * them (their page numbers are known by then) and writes every footer.
 * libharu reports errors through a handler that records the first one;
 * pdf_finish fails if any was recorded. */
#include "pdf.h"

#include "config.h"

#include <hpdf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAGE_W	     595.276
#define PAGE_H	     841.89
#define MARGIN	     56.0
#define BOTTOM	     64.0 /* lowest text line; the footer sits below */
#define BODY	     10.0
#define LEAD	     13.0
#define CELL_LINES   40 /* a table cell longer than this is cut */
#define TOC_PER_PAGE 40
#define PDF_WIDTHS   0x3000 /* code points whose widths are cached */

struct toc_entry {
	char *text;
	int page; /* index into content pages */
	int level;
};

struct pdf {
	HPDF_Doc doc;
	HPDF_Font font, bold;
	HPDF_Page page;
	double y;
	HPDF_Page *pages;
	int npages, pcap;
	struct toc_entry *toc;
	int ntoc, tcap;
	char *title, *subject, *org, *author, *generated, *sha;
	HPDF_STATUS error, detail;
	short *widths; /* glyph widths: regular, then bold (PDF_WIDTHS each) */
};

/* libharu's error callback: keeps the first error. */
static void on_error(HPDF_STATUS error, HPDF_STATUS detail, void *ud)
{
	struct pdf *p = ud;
	if (!p->error && error != HPDF_STREAM_EOF) {
		p->error = error;
		p->detail = detail;
	}
}

/* Returns a malloc'd copy of s ("" for NULL); NULL when out of memory. */
static char *dup(const char *s)
{
	return strdup(s ? s : "");
}

/* Starts a new content page. */
static void new_page(pdf *p)
{
	if (p->npages == p->pcap) {
		int cap = p->pcap ? p->pcap * 2 : 16;
		HPDF_Page *v = realloc(p->pages, (size_t)cap * sizeof(*v));
		if (!v) {
			p->error =
			    p->error ? p->error : HPDF_FAILD_TO_ALLOC_MEM;
			return;
		}
		p->pages = v;
		p->pcap = cap;
	}
	p->page = HPDF_AddPage(p->doc);
	HPDF_Page_SetSize(p->page, HPDF_PAGE_SIZE_A4, HPDF_PAGE_PORTRAIT);
	p->pages[p->npages++] = p->page;
	p->y = PAGE_H - MARGIN;
}

/* Makes room for h points on the current page, starting a new one when
 * it does not fit. */
static void ensure(pdf *p, double h)
{
	if (p->y - h < BOTTOM)
		new_page(p);
}

/* Returns the width of code point cp in font f (1/1000 em), from p's
 * cache for the first PDF_WIDTHS code points: libharu's own measuring
 * decodes the text through its encoder on every call and dominated the
 * time of large reports. */
static int glyph_width(pdf *p, HPDF_Font f, unsigned cp)
{
	if (cp >= PDF_WIDTHS || !p->widths)
		return (int)HPDF_Font_GetUnicodeWidth(f, (HPDF_UNICODE)cp);
	short *w = p->widths + (f == p->bold ? PDF_WIDTHS : 0) + cp;
	if (!*w) {
		int v = (int)HPDF_Font_GetUnicodeWidth(f, (HPDF_UNICODE)cp);
		*w = (short)(v > 0 ? v : -1);
	}
	return *w > 0 ? *w : 0;
}

/* Returns the width of the n bytes (UTF-8) at s in font f at size, in
 * points. */
static double width(pdf *p, HPDF_Font f, double size, const char *s, size_t n)
{
	long total = 0;
	const unsigned char *c = (const unsigned char *)s, *end = c + n;
	while (c < end) {
		unsigned cp = *c, len = 1;
		if (cp >= 0xf0 && c + 3 < end) {
			cp = (cp & 7u) << 18 | (c[1] & 63u) << 12 |
			     (c[2] & 63u) << 6 | (c[3] & 63u);
			len = 4;
		} else if (cp >= 0xe0 && c + 2 < end) {
			cp =
			    (cp & 15u) << 12 | (c[1] & 63u) << 6 | (c[2] & 63u);
			len = 3;
		} else if (cp >= 0xc0 && c + 1 < end) {
			cp = (cp & 31u) << 6 | (c[1] & 63u);
			len = 2;
		}
		total += glyph_width(p, f, cp);
		c += len;
	}
	return (double)total * size / 1000.0;
}

/* Writes text at (x, y) on page in font at size. */
static void put(HPDF_Page page, HPDF_Font f, double size, double x, double y,
		const char *text)
{
	if (!*text)
		return;
	HPDF_Page_BeginText(page);
	HPDF_Page_SetFontAndSize(page, f, (HPDF_REAL)size);
	HPDF_Page_TextOut(page, (HPDF_REAL)x, (HPDF_REAL)y, text);
	HPDF_Page_EndText(page);
}

/* Returns the length of the UTF-8 sequence starting with byte c. */
static size_t seq_len(unsigned char c)
{
	return c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
}

/* Lines produced by wrap(); each malloc'd. */
struct lines {
	char **v;
	int n, cap;
};

/* Appends the n bytes at s as a line. */
static void lines_add(struct lines *l, const char *s, size_t n)
{
	if (l->n == l->cap) {
		int cap = l->cap ? l->cap * 2 : 8;
		char **v = realloc(l->v, (size_t)cap * sizeof(*v));
		if (!v)
			return;
		l->v = v;
		l->cap = cap;
	}
	char *line = malloc(n + 1);
	if (!line)
		return;
	memcpy(line, s, n);
	line[n] = '\0';
	l->v[l->n++] = line;
}

/* Frees the lines. */
static void lines_free(struct lines *l)
{
	for (int i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	*l = (struct lines){0};
}

/* Breaks text into lines no wider than maxw (at most max lines; the last
 * one then ends with an ellipsis). Newlines start new lines; control
 * characters become spaces; a word wider than a line is cut. */
static struct lines wrap(pdf *p, HPDF_Font f, double size, const char *text,
			 double maxw, int max)
{
	struct lines l = {0};
	size_t len = strlen(text ? text : "");
	char *t = malloc(len + 1), *line = malloc(len + 1);
	if (!t || !line)
		goto done;
	for (size_t i = 0; i <= len; i++) {
		unsigned char ch = (unsigned char)text[i];
		t[i] = ch && ch < 0x20 && ch != '\n' ? ' ' : (char)ch;
	}
	double space = width(p, f, size, " ", 1);
	int cut = 0; /* stopped at max lines with text left */
	for (char *para = t; para && !cut;) {
		char *nl = strchr(para, '\n');
		if (nl)
			*nl = '\0';
		size_t ll = 0;
		double lw = 0;
		char *w = para;
		int any = 0;
		while (*w) {
			while (*w == ' ')
				w++;
			if (!*w)
				break;
			if (l.n >= max) {
				cut = 1;
				break;
			}
			size_t wl = strcspn(w, " ");
			double ww = width(p, f, size, w, wl);
			if (ll && lw + space + ww <= maxw) {
				line[ll++] = ' ';
				memcpy(line + ll, w, wl);
				ll += wl;
				lw += space + ww;
			} else if (!ll && ww <= maxw) {
				memcpy(line, w, wl);
				ll = wl;
				lw = ww;
			} else if (ll) {
				lines_add(&l, line, ll);
				ll = 0;
				lw = 0;
				any = 1;
				continue; /* the word starts the next line */
			} else { /* one word wider than a line: cut it */
				size_t k = 0;
				while (k < wl) {
					size_t s = seq_len((unsigned char)w[k]);
					if (k &&
					    width(p, f, size, w, k + s) > maxw)
						break;
					k += s;
				}
				lines_add(&l, w, k);
				any = 1;
				w += k;
				continue;
			}
			w += wl;
		}
		if (!cut && (ll || !any)) {
			if (l.n >= max)
				cut = 1;
			else
				lines_add(&l, line, ll);
		}
		para = nl ? nl + 1 : NULL;
		if (para && l.n >= max)
			cut = 1;
	}
	if (cut && l.n > 0) {
		char *last = l.v[l.n - 1];
		size_t n = strlen(last);
		char *e = realloc(last, n + 4);
		if (e) {
			memcpy(e + n, "\xe2\x80\xa6", 4); /* … */
			l.v[l.n - 1] = e;
		}
	}
done:
	free(t);
	free(line);
	return l;
}

/* Creates a document with the given metadata (copied). Returns NULL with
 * a message in err when libharu or the fonts cannot be loaded. Free with
 * pdf_free. */
pdf *pdf_new(const struct pdf_meta *m, char *err, size_t errlen)
{
	pdf *p = calloc(1, sizeof(*p));
	if (!p) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	p->title = dup(m->title);
	p->subject = dup(m->subject);
	p->org = dup(m->org);
	p->author = dup(m->author);
	p->generated = dup(m->generated);
	p->sha = dup(m->data_sha256);
	p->widths = calloc(2 * PDF_WIDTHS, sizeof(*p->widths));
	p->doc = HPDF_New(on_error, p);
	if (!p->doc || !p->title || !p->subject || !p->org || !p->author ||
	    !p->generated || !p->sha) {
		snprintf(err, errlen, "cannot create a PDF document");
		goto fail;
	}
	HPDF_SetCompressionMode(p->doc, HPDF_COMP_ALL);
	/* the data hash is ASCII in the info dictionary, written before the
	 * UTF-8 encoder is set so that it stays a plain literal string */
	char kw[96];
	snprintf(kw, sizeof(kw), "secura-data-sha256:%s", p->sha);
	HPDF_SetInfoAttr(p->doc, HPDF_INFO_KEYWORDS, kw);
	HPDF_SetInfoAttr(p->doc, HPDF_INFO_CREATOR, "Secura");
	HPDF_UseUTFEncodings(p->doc);
	HPDF_SetCurrentEncoder(p->doc, "UTF-8");
	const char *dir = config_get()->font_dir;
	char path[512];
	snprintf(path, sizeof(path), "%s/DejaVuSans.ttf", dir);
	const char *name = HPDF_LoadTTFontFromFile(p->doc, path, HPDF_TRUE);
	if (name)
		p->font = HPDF_GetFont(p->doc, name, "UTF-8");
	snprintf(path, sizeof(path), "%s/DejaVuSans-Bold.ttf", dir);
	name = name ? HPDF_LoadTTFontFromFile(p->doc, path, HPDF_TRUE) : NULL;
	if (name)
		p->bold = HPDF_GetFont(p->doc, name, "UTF-8");
	if (!p->font || !p->bold) {
		snprintf(err, errlen,
			 "cannot load the DejaVu Sans fonts from %s "
			 "(install fonts-dejavu-core or set SECURA_FONT_DIR)",
			 dir);
		goto fail;
	}
	new_page(p);
	return p;
fail:
	pdf_free(p);
	return NULL;
}

/* Frees p and everything it holds. */
void pdf_free(pdf *p)
{
	if (!p)
		return;
	if (p->doc)
		HPDF_Free(p->doc);
	for (int i = 0; i < p->ntoc; i++)
		free(p->toc[i].text);
	free(p->toc);
	free(p->pages);
	free(p->title);
	free(p->subject);
	free(p->org);
	free(p->author);
	free(p->generated);
	free(p->sha);
	free(p->widths);
	free(p);
}

/* Writes wrapped text from x with width w in font/size, moving down. */
static void flow(pdf *p, HPDF_Font f, double size, double lead, double x,
		 double w, const char *text)
{
	struct lines l = wrap(p, f, size, text, w, 100000);
	for (int i = 0; i < l.n; i++) {
		ensure(p, lead);
		put(p->page, f, size, x, p->y - size, l.v[i]);
		p->y -= lead;
	}
	lines_free(&l);
}

/* Records a contents entry for the current page. */
static void toc_add(pdf *p, const char *text, int level)
{
	if (p->ntoc == p->tcap) {
		int cap = p->tcap ? p->tcap * 2 : 16;
		struct toc_entry *v = realloc(p->toc, (size_t)cap * sizeof(*v));
		if (!v)
			return;
		p->toc = v;
		p->tcap = cap;
	}
	char *t = dup(text);
	if (t)
		p->toc[p->ntoc++] = (struct toc_entry){t, p->npages - 1, level};
}

/* Starts a section: a bold heading listed in the contents. */
void pdf_heading(pdf *p, const char *text)
{
	ensure(p, 60);
	if (p->y < PAGE_H - MARGIN - 1)
		p->y -= 10;
	toc_add(p, text, 0);
	flow(p, p->bold, 15, 19, MARGIN, PAGE_W - 2 * MARGIN, text);
	p->y -= 4;
}

/* A smaller heading, also in the contents (indented). */
void pdf_subheading(pdf *p, const char *text)
{
	ensure(p, 40);
	p->y -= 4;
	toc_add(p, text, 1);
	flow(p, p->bold, 11.5, 15, MARGIN, PAGE_W - 2 * MARGIN, text);
	p->y -= 2;
}

/* A paragraph of body text. */
void pdf_para(pdf *p, const char *text)
{
	flow(p, p->font, BODY, LEAD, MARGIN, PAGE_W - 2 * MARGIN, text);
	p->y -= 5;
}

/* One "key: value" row; the value wraps in the right column. */
void pdf_kv(pdf *p, const char *key, const char *value)
{
	const double kw = 170;
	struct lines k = wrap(p, p->bold, BODY, key, kw - 8, 4);
	struct lines v = wrap(p, p->font, BODY, value && *value ? value : "—",
			      PAGE_W - 2 * MARGIN - kw, 100000);
	ensure(p, LEAD * (k.n > 1 ? k.n : 1));
	double top = p->y;
	for (int i = 0; i < k.n; i++)
		put(p->page, p->bold, BODY, MARGIN, top - BODY - i * LEAD,
		    k.v[i]);
	for (int i = 0; i < v.n; i++) {
		if (i && p->y - LEAD < BOTTOM)
			new_page(p);
		put(p->page, p->font, BODY, MARGIN + kw, p->y - BODY, v.v[i]);
		p->y -= LEAD;
	}
	if (top - k.n * LEAD < p->y && k.n > v.n)
		p->y = top - k.n * LEAD;
	p->y -= 3;
	lines_free(&k);
	lines_free(&v);
}

/* Draws the header row of a table at the current position. */
static void table_head(pdf *p, int ncols, const char *const *head,
		       const double *x, const double *w)
{
	double h = 0;
	struct lines hl[16];
	for (int c = 0; c < ncols; c++) {
		hl[c] = wrap(p, p->bold, 8.5, head[c], w[c] - 6, 3);
		h = hl[c].n * 11 > h ? hl[c].n * 11 : h;
	}
	ensure(p, h + 6 + LEAD);
	HPDF_Page_SetRGBFill(p->page, 0.9f, 0.92f, 0.95f);
	HPDF_Page_Rectangle(
	    p->page, (HPDF_REAL)MARGIN, (HPDF_REAL)(p->y - h - 5),
	    (HPDF_REAL)(PAGE_W - 2 * MARGIN), (HPDF_REAL)(h + 5));
	HPDF_Page_Fill(p->page);
	HPDF_Page_SetRGBFill(p->page, 0, 0, 0);
	for (int c = 0; c < ncols; c++) {
		for (int i = 0; i < hl[c].n; i++)
			put(p->page, p->bold, 8.5, x[c] + 3, p->y - 10 - i * 11,
			    hl[c].v[i]);
		lines_free(&hl[c]);
	}
	p->y -= h + 7;
}

/* A table of nrows x ncols cells (row-major); widths are fractions of
 * the text width. The header is repeated on each new page; a cell is cut
 * after CELL_LINES lines. At most 16 columns. */
void pdf_table(pdf *p, int ncols, const char *const *head, const double *widths,
	       const char *const *cells, int nrows)
{
	double x[16], w[16], pos = MARGIN;
	if (ncols > 16)
		ncols = 16;
	for (int c = 0; c < ncols; c++) {
		x[c] = pos;
		w[c] = widths[c] * (PAGE_W - 2 * MARGIN);
		pos += w[c];
	}
	table_head(p, ncols, head, x, w);
	const double size = 8.5, lead = 10.5;
	for (int r = 0; r < nrows; r++) {
		struct lines cl[16];
		int n = 1;
		for (int c = 0; c < ncols; c++) {
			const char *s = cells[r * ncols + c];
			cl[c] = wrap(p, p->font, size, s ? s : "", w[c] - 6,
				     CELL_LINES);
			n = cl[c].n > n ? cl[c].n : n;
		}
		double h = n * lead + 4;
		if (p->y - h < BOTTOM) {
			new_page(p);
			table_head(p, ncols, head, x, w);
		}
		for (int c = 0; c < ncols; c++) {
			for (int i = 0; i < cl[c].n; i++)
				put(p->page, p->font, size, x[c] + 3,
				    p->y - size - i * lead, cl[c].v[i]);
			lines_free(&cl[c]);
		}
		p->y -= h;
		HPDF_Page_SetRGBStroke(p->page, 0.83f, 0.86f, 0.89f);
		HPDF_Page_SetLineWidth(p->page, 0.5f);
		HPDF_Page_MoveTo(p->page, (HPDF_REAL)MARGIN,
				 (HPDF_REAL)p->y + 1);
		HPDF_Page_LineTo(p->page, (HPDF_REAL)(PAGE_W - MARGIN),
				 (HPDF_REAL)p->y + 1);
		HPDF_Page_Stroke(p->page);
	}
	p->y -= 8;
}

/* A horizontal bar chart of items [{label_key, n}] drawn as vector
 * rectangles (Okabe-Ito blue), with its title, labels and values. */
void pdf_bars(pdf *p, const char *title, json_t *items, const char *label_key)
{
	int n = (int)json_array_size(items);
	const double row = 15, lw = 170;
	double max = 1, span = PAGE_W - 2 * MARGIN - lw - 50;
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it)
	{
		double v = json_number_value(json_object_get(it, "n"));
		max = v > max ? v : max;
	}
	ensure(p, 24 + (n < 12 ? n : 12) * row);
	put(p->page, p->bold, 10, MARGIN, p->y - 10, title);
	p->y -= 18;
	json_array_foreach(items, i, it)
	{
		double v = json_number_value(json_object_get(it, "n"));
		const char *label =
		    json_string_value(json_object_get(it, label_key));
		ensure(p, row);
		struct lines l =
		    wrap(p, p->font, 8.5, label ? label : "", lw - 8, 1);
		if (l.n)
			put(p->page, p->font, 8.5, MARGIN, p->y - 10, l.v[0]);
		lines_free(&l);
		double bw = v / max * span;
		HPDF_Page_SetRGBFill(p->page, 0.0f, 0.447f, 0.698f);
		HPDF_Page_Rectangle(p->page, (HPDF_REAL)(MARGIN + lw),
				    (HPDF_REAL)(p->y - 11),
				    (HPDF_REAL)(bw > 0.5 ? bw : 0.5), 10);
		HPDF_Page_Fill(p->page);
		HPDF_Page_SetRGBFill(p->page, 0, 0, 0);
		char num[32];
		snprintf(num, sizeof(num), "%.0f", v);
		put(p->page, p->font, 8.5, MARGIN + lw + bw + 4, p->y - 10,
		    num);
		p->y -= row;
	}
	p->y -= 8;
}

/* Draws the title page. */
static void title_page(pdf *p, HPDF_Page page)
{
	double y = PAGE_H - 140;
	put(page, p->bold, 12, MARGIN, y, "Secura");
	y -= 60;
	struct lines l = wrap(p, p->bold, 24, p->title, PAGE_W - 2 * MARGIN, 4);
	for (int i = 0; i < l.n; i++, y -= 30)
		put(page, p->bold, 24, MARGIN, y, l.v[i]);
	lines_free(&l);
	y -= 10;
	l = wrap(p, p->font, 14, p->subject, PAGE_W - 2 * MARGIN, 4);
	for (int i = 0; i < l.n; i++, y -= 19)
		put(page, p->font, 14, MARGIN, y, l.v[i]);
	lines_free(&l);
	y -= 30;
	const char *keys[] = {"Organisation", "Generated (UTC)", "Generated by",
			      "Data SHA-256"};
	const char *vals[] = {p->org, p->generated, p->author, p->sha};
	for (int k = 0; k < 4; k++, y -= 18) {
		put(page, p->bold, 10, MARGIN, y, keys[k]);
		put(page, p->font, k == 3 ? 7.5 : 10, MARGIN + 110, y, vals[k]);
	}
	y -= 20;
	l = wrap(p, p->font, 9,
		 "The SHA-256 above is computed over this report's data. Check "
		 "a copy of this file with: secura report verify FILE.pdf",
		 PAGE_W - 2 * MARGIN, 4);
	for (int i = 0; i < l.n; i++, y -= 12)
		put(page, p->font, 9, MARGIN, y, l.v[i]);
	lines_free(&l);
}

/* Draws one page of contents (entries [from, to)), linking each entry to
 * its page; first is the number of the first content page. */
static void toc_page(pdf *p, HPDF_Page page, int from, int to, int first)
{
	double y = PAGE_H - MARGIN - 20;
	if (from == 0) {
		put(page, p->bold, 15, MARGIN, y, "Contents");
		y -= 30;
	}
	for (int i = from; i < to; i++, y -= 17) {
		const struct toc_entry *e = &p->toc[i];
		double x = MARGIN + e->level * 16;
		struct lines l =
		    wrap(p, e->level ? p->font : p->bold, 10, e->text,
			 PAGE_W - 2 * MARGIN - 60 - e->level * 16, 1);
		if (l.n)
			put(page, e->level ? p->font : p->bold, 10, x, y,
			    l.v[0]);
		lines_free(&l);
		char num[16];
		snprintf(num, sizeof(num), "%d", first + e->page);
		put(page, p->font, 10,
		    PAGE_W - MARGIN - width(p, p->font, 10, num, strlen(num)),
		    y, num);
		HPDF_Destination dst =
		    HPDF_Page_CreateDestination(p->pages[e->page]);
		HPDF_Rect r = {(HPDF_REAL)x, (HPDF_REAL)(y - 3),
			       (HPDF_REAL)(PAGE_W - MARGIN),
			       (HPDF_REAL)(y + 11)};
		HPDF_Annotation a = HPDF_Page_CreateLinkAnnot(page, r, dst);
		HPDF_LinkAnnot_SetBorderStyle(a, 0, 0, 0);
	}
}

/* Writes the footer of one page. */
static void footer(pdf *p, HPDF_Page page, int num, int total)
{
	char left[512], right[64];
	snprintf(left, sizeof(left), "%s · %s", p->title, p->org);
	snprintf(right, sizeof(right), "Page %d of %d", num, total);
	HPDF_Page_SetRGBStroke(page, 0.6f, 0.6f, 0.6f);
	HPDF_Page_SetLineWidth(page, 0.5f);
	HPDF_Page_MoveTo(page, (HPDF_REAL)MARGIN, 48);
	HPDF_Page_LineTo(page, (HPDF_REAL)(PAGE_W - MARGIN), 48);
	HPDF_Page_Stroke(page);
	struct lines l =
	    wrap(p, p->font, 7.5, left, PAGE_W - 2 * MARGIN - 80, 1);
	if (l.n)
		put(page, p->font, 7.5, MARGIN, 38, l.v[0]);
	lines_free(&l);
	put(page, p->font, 7.5,
	    PAGE_W - MARGIN - width(p, p->font, 7.5, right, strlen(right)), 38,
	    right);
	char sha[96];
	snprintf(sha, sizeof(sha), "Data SHA-256: %s", p->sha);
	put(page, p->font, 6.5, MARGIN, 28, sha);
}

/* Completes the document: title page, contents (when the report has more
 * than one content page), footers; writes the PDF to out and its page
 * count to *pages. Returns 0, or -1 with a message in err. p is still
 * freed by the caller. */
int pdf_finish(pdf *p, buf *out, int *pages, char *err, size_t errlen)
{
	int ncontent = p->npages;
	int ntocpages = ncontent > 1 && p->ntoc > 0
			    ? (p->ntoc + TOC_PER_PAGE - 1) / TOC_PER_PAGE
			    : 0;
	int first = 2 + ntocpages; /* number of the first content page */
	HPDF_Page before = p->pages[0];
	for (int t = 0; t < ntocpages; t++) {
		/* inserted in order, each before the first content page */
		HPDF_Page tp = HPDF_InsertPage(p->doc, before);
		HPDF_Page_SetSize(tp, HPDF_PAGE_SIZE_A4, HPDF_PAGE_PORTRAIT);
		int from = t * TOC_PER_PAGE, to = from + TOC_PER_PAGE < p->ntoc
						      ? from + TOC_PER_PAGE
						      : p->ntoc;
		toc_page(p, tp, from, to, first);
		footer(p, tp, 2 + t, ncontent + 1 + ntocpages);
	}
	HPDF_Page tp = HPDF_InsertPage(
	    p->doc, ntocpages ? HPDF_GetPageByIndex(p->doc, 0) : before);
	HPDF_Page_SetSize(tp, HPDF_PAGE_SIZE_A4, HPDF_PAGE_PORTRAIT);
	title_page(p, tp);
	int total = ncontent + 1 + ntocpages;
	footer(p, tp, 1, total);
	for (int i = 0; i < ncontent; i++)
		footer(p, p->pages[i], first + i, total);
	HPDF_SetInfoAttr(p->doc, HPDF_INFO_TITLE, p->title);
	HPDF_SetInfoAttr(p->doc, HPDF_INFO_AUTHOR, p->author);
	HPDF_SetInfoAttr(p->doc, HPDF_INFO_SUBJECT, p->subject);
	if (!p->error && HPDF_SaveToStream(p->doc) == HPDF_OK) {
		HPDF_UINT32 size = HPDF_GetStreamSize(p->doc);
		HPDF_ResetStream(p->doc);
		unsigned char chunk[65536];
		while (size > 0) {
			HPDF_UINT32 n =
			    size < sizeof(chunk) ? size : sizeof(chunk);
			if (HPDF_ReadFromStream(p->doc, chunk, &n) != HPDF_OK &&
			    !n)
				break;
			buf_put(out, chunk, n);
			size -= n;
		}
	}
	if (p->error) {
		snprintf(err, errlen, "PDF error 0x%04X (detail %u)",
			 (unsigned)p->error, (unsigned)p->detail);
		return -1;
	}
	*pages = total;
	return 0;
}
