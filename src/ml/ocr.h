/* ocr.h - the text in an image (PNG or JPEG) with Tesseract's English
 * model. Pure: bytes in, text out. */
#ifndef SECURA_OCR_H
#define SECURA_OCR_H

#include <stddef.h>

/* the largest image read: 25 megapixels, and 10,000 pixels a side */
#define OCR_MAX_PIXELS (25L * 1000 * 1000)
#define OCR_MAX_SIDE   10000

int ocr_image(const unsigned char *p, size_t n, char **text, char *err,
	      size_t errlen);

#endif
