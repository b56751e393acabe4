/* filecheck.c - what an uploaded file is: its type from its first bytes
 * against an allow-list, then its whole structure where the format makes
 * that cheap to walk (PNG chunks and their CRCs, the JPEG, GIF and PDF
 * end markers, the RIFF size of WebP, the ZIP end-of-directory record,
 * the gzip header, pcap records and pcapng blocks, text as UTF-8 without
 * NUL), so a file that only starts like an allowed one (a PDF header on
 * an executable) is refused. The check that passed is kept with the
 * evidence. */
#include "filecheck.h"

#include "../core/utf8.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <zlib.h>

/* Reads a big-endian (be) or little-endian 32-bit number at p. */
static uint32_t u32(const unsigned char *p, int be)
{
	return be ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
			(uint32_t)p[2] << 8 | p[3]
		  : (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
			(uint32_t)p[1] << 8 | p[0];
}

/* Returns 1 when needle occurs in the last tail bytes of p[0..n). */
static int in_tail(const unsigned char *p, size_t n, size_t tail,
		   const char *needle)
{
	size_t k = strlen(needle), from = n > tail ? n - tail : 0;
	for (size_t i = from; i + k <= n; i++)
		if (!memcmp(p + i, needle, k))
			return 1;
	return 0;
}

/* PNG: every chunk's length in bounds and CRC right, up to IEND, which
 * ends the file. */
static const char *check_png(const unsigned char *p, size_t n)
{
	size_t i = 8;
	while (i + 12 <= n) {
		uint32_t len = u32(p + i, 1);
		if (len > n - i - 12)
			return NULL;
		uint32_t crc = (uint32_t)crc32(0, p + i + 4, (uInt)len + 4);
		if (crc != u32(p + i + 8 + len, 1))
			return NULL;
		int end = !memcmp(p + i + 4, "IEND", 4);
		i += 12 + len;
		if (end)
			return i == n
				   ? "PNG: every chunk's CRC checked, ends at "
				     "IEND"
				   : NULL;
	}
	return NULL;
}

/* Returns the structure check of a file of type mime: NULL when it
 * fails, else what was checked. */
static const char *check(const char *mime, const unsigned char *p, size_t n)
{
	if (!strcmp(mime, "image/png"))
		return check_png(p, n);
	if (!strcmp(mime, "image/jpeg"))
		return n >= 4 && p[n - 2] == 0xff && p[n - 1] == 0xd9
			   ? "JPEG: starts and ends with its markers"
			   : NULL;
	if (!strcmp(mime, "image/gif"))
		return n >= 14 && p[n - 1] == 0x3b
			   ? "GIF: ends with its trailer"
			   : NULL;
	if (!strcmp(mime, "image/webp"))
		return n >= 12 && u32(p + 4, 0) == n - 8
			   ? "WebP: the RIFF size is the file's"
			   : NULL;
	if (!strcmp(mime, "application/pdf"))
		return in_tail(p, n, 1024, "%%EOF") &&
			       in_tail(p, n, 1024 + 64, "startxref")
			   ? "PDF: cross-reference and end-of-file markers "
			     "present"
			   : NULL;
	if (!strcmp(mime, "application/zip")) {
		/* the end-of-central-directory record, and the directory
		   it names ends where it starts */
		size_t from = n > 65557 ? n - 65557 : 0;
		for (size_t i = n >= 22 ? n - 22 : 0; i + 1 > from && n >= 22;
		     i--) {
			if (!memcmp(p + i, "PK\x05\x06", 4)) {
				uint32_t size = u32(p + i + 12, 0),
					 off = u32(p + i + 16, 0);
				return (uint64_t)off + size == i
					   ? "ZIP: the central directory is "
					     "where its end record says"
					   : NULL;
			}
			if (i == 0)
				break;
		}
		return NULL;
	}
	if (!strcmp(mime, "application/gzip"))
		return n >= 18 && p[2] == 8 && (p[3] & 0xe0) == 0
			   ? "gzip: a deflate stream with a valid header"
			   : NULL;
	if (!strcmp(mime, "application/vnd.tcpdump.pcap")) {
		if (!memcmp(p, "\x0a\x0d\x0d\x0a", 4)) {
			/* pcapng: blocks whose lengths agree at both ends */
			int be =
			    n >= 12 && !memcmp(p + 8, "\x1a\x2b\x3c\x4d", 4);
			size_t i = 0;
			while (i + 12 <= n) {
				uint32_t len = u32(p + i + 4, be);
				if (len < 12 || len % 4 || len > n - i ||
				    u32(p + i + len - 4, be) != len)
					return NULL;
				i += len;
			}
			return i == n ? "pcapng: every block's length agrees"
				      : NULL;
		}
		int be = !memcmp(p, "\xa1\xb2\xc3\xd4", 4);
		size_t i = 24;
		if (n < 24)
			return NULL;
		while (i + 16 <= n) {
			uint32_t incl = u32(p + i + 8, be);
			if (incl > n - i - 16)
				return NULL;
			i += 16 + incl;
		}
		return i == n ? "pcap: every record fits" : NULL;
	}
	if (!strcmp(mime, "text/plain"))
		return "text: valid UTF-8 without NUL";
	return NULL;
}

/* Returns the MIME type of an allowed file from its first bytes, or NULL
 * for anything else (executables, unknown binaries, empty files). Sets
 * *checked (may be NULL) to what the structure check found: what passed,
 * or why the file was refused (this thread's buffer, valid until its
 * next call). */
const char *filecheck_type(const unsigned char *p, size_t n,
			   const char **checked)
{
	static const struct {
		const char *magic;
		size_t len, at;
		const char *mime, *name;
	} kinds[] = {
	    {"\x89PNG\r\n\x1a\n", 8, 0, "image/png", "a PNG image"},
	    {"\xff\xd8\xff", 3, 0, "image/jpeg", "a JPEG image"},
	    {"GIF87a", 6, 0, "image/gif", "a GIF image"},
	    {"GIF89a", 6, 0, "image/gif", "a GIF image"},
	    {"WEBP", 4, 8, "image/webp", "a WebP image"},
	    {"%PDF-", 5, 0, "application/pdf", "a PDF"},
	    {"PK\x03\x04", 4, 0, "application/zip", "a ZIP archive"},
	    {"\x1f\x8b", 2, 0, "application/gzip", "a gzip file"},
	    {"\xd4\xc3\xb2\xa1", 4, 0, "application/vnd.tcpdump.pcap",
	     "a packet capture"},
	    {"\xa1\xb2\xc3\xd4", 4, 0, "application/vnd.tcpdump.pcap",
	     "a packet capture"},
	    {"\x0a\x0d\x0d\x0a", 4, 0, "application/vnd.tcpdump.pcap",
	     "a packet capture"},
	};
	static __thread char why[96];
	const char *ok = NULL;
	if (checked)
		*checked = "empty, or not a type Secura accepts";
	if (n == 0)
		return NULL;
	for (size_t i = 0; i < sizeof(kinds) / sizeof(*kinds); i++)
		if (n >= kinds[i].at + kinds[i].len &&
		    memcmp(p + kinds[i].at, kinds[i].magic, kinds[i].len) ==
			0 &&
		    (kinds[i].at == 0 || memcmp(p, "RIFF", 4) == 0)) {
			ok = check(kinds[i].mime, p, n);
			snprintf(
			    why, sizeof(why),
			    "it starts like %s but its structure is broken",
			    kinds[i].name);
			if (checked)
				*checked = ok ? ok : why;
			return ok ? kinds[i].mime : NULL;
		}
	/* Text (logs, mail sources, CSV, JSON): valid UTF-8, no NUL. */
	if (!utf8_valid((const char *)p, n))
		return NULL;
	if (checked)
		*checked = check("text/plain", p, n);
	return "text/plain";
}
