/* test_filecheck.c - uploads are typed by their first bytes and then
 * checked whole: each format's well-formed file passes, and the same
 * file damaged or with something appended is refused. */
#include "../../src/domain/filecheck.h"
#include "../testhelp.h"

#include <stdint.h>
#include <string.h>
#include <zlib.h>

/* Appends a PNG chunk of kind and data at p; returns its length. */
static size_t chunk(unsigned char *p, const char *kind,
		    const unsigned char *data, uint32_t n)
{
	unsigned char *o = p;
	*o++ = (unsigned char)(n >> 24), *o++ = (unsigned char)(n >> 16);
	*o++ = (unsigned char)(n >> 8), *o++ = (unsigned char)n;
	memcpy(o, kind, 4);
	if (n)
		memcpy(o + 4, data, n);
	uLong crc = crc32(0, o, n + 4);
	o += 4 + n;
	*o++ = (unsigned char)(crc >> 24), *o++ = (unsigned char)(crc >> 16);
	*o++ = (unsigned char)(crc >> 8), *o++ = (unsigned char)crc;
	return (size_t)(o - p);
}

/* Checks that p[0..n) is accepted as want (NULL: refused). */
static int is(const void *p, size_t n, const char *want)
{
	const char *why = NULL, *got = filecheck_type(p, n, &why);
	int ok = want ? got && !strcmp(got, want) : got == NULL;
	if (!ok)
		printf("#   got %s (%s)\n", got ? got : "refused",
		       why ? why : "");
	return ok;
}

int main(void)
{
	unsigned char png[256];
	static const unsigned char ihdr[13] = {0, 0, 0, 1, 0, 0, 0, 1, 8};
	size_t n = 8;
	memcpy(png, "\x89PNG\r\n\x1a\n", 8);
	n += chunk(png + n, "IHDR", ihdr, 13);
	n += chunk(png + n, "IEND", NULL, 0);
	test_cond("a well-formed PNG is an image", is(png, n, "image/png"));
	png[n - 1] ^= 1;
	test_cond("a PNG with a wrong CRC is refused", is(png, n, NULL));
	png[n - 1] ^= 1;
	memcpy(png + n, "#!/bin/sh\n", 10);
	test_cond("a PNG followed by a script is refused",
		  is(png, n + 10, NULL));

	static const char pdf[] = "%PDF-1.4\n1 0 obj <<>> endobj\nxref\n0 1\n"
				  "trailer <<>>\nstartxref\n30\n%%EOF\n";
	test_cond("a PDF with its end markers is a PDF",
		  is(pdf, sizeof(pdf) - 1, "application/pdf"));
	static const char elf[] = "%PDF-1.4\n\x7f"
				  "ELF\x02\x01\x01\0\0\0\0\0\0\0\0";
	test_cond("a PDF header on an ELF binary is refused",
		  is(elf, sizeof(elf) - 1, NULL));

	static const unsigned char jpeg[] = {
	    0xff, 0xd8, 0xff, 0xe0, 0, 16, 'J', 'F', 'I', 'F', 0, 0xff, 0xd9};
	test_cond("a JPEG that ends with its marker is an image",
		  is(jpeg, sizeof(jpeg), "image/jpeg"));
	test_cond("a truncated JPEG is refused",
		  is(jpeg, sizeof(jpeg) - 2, NULL));
	static const char gif[] = "GIF89a\1\0\1\0\0\0\0;";
	test_cond("a GIF that ends with its trailer is an image",
		  is(gif, sizeof(gif) - 1, "image/gif"));

	unsigned char pcap[24 + 16 + 4] = {0xd4, 0xc3, 0xb2, 0xa1};
	pcap[24 + 8] = 4; /* one record of 4 bytes, little-endian */
	test_cond("a pcap whose records fit is a capture",
		  is(pcap, sizeof(pcap), "application/vnd.tcpdump.pcap"));
	pcap[24 + 8] = 40;
	test_cond("a pcap whose record runs past the end is refused",
		  is(pcap, sizeof(pcap), NULL));

	test_cond("UTF-8 text is text",
		  is("Subject: Invoice\n", 17, "text/plain"));
	test_cond("text with a NUL is refused", is("a\0b", 3, NULL));
	test_cond("an empty file is refused", is("", 0, NULL));
	test_cond("a Windows executable is refused",
		  is("MZ\x90\0\3\0\0\0", 8, NULL));
	return test_report();
}
