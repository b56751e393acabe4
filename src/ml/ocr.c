/* ocr.c - see ocr.h. The image's size is read from its header first, so
 * a hostile one (20,000 x 20,000 pixels in a few kilobytes) is refused
 * before anything is decoded; Leptonica decodes, Tesseract reads (page
 * segmentation "auto", the LSTM engine of the Debian model). */
#include "ocr.h"

#include <leptonica/allheaders.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tesseract/capi.h>

/* Reads the text of image p (n bytes). On success *text is a malloc'd
 * UTF-8 string the caller frees (maybe empty) and 0 is returned; -1 with
 * a reason in err when the image is refused (too large, undecodable) or
 * Tesseract cannot start. */
int ocr_image(const unsigned char *p, size_t n, char **text, char *err,
	      size_t errlen)
{
	l_int32 format, w, h, bps, spp, cmap;
	*text = NULL;
	if (pixReadHeaderMem(p, n, &format, &w, &h, &bps, &spp, &cmap) != 0) {
		snprintf(err, errlen, "not an image Secura can read");
		return -1;
	}
	if (w <= 0 || h <= 0 || w > OCR_MAX_SIDE || h > OCR_MAX_SIDE ||
	    (long)w * h > OCR_MAX_PIXELS) {
		snprintf(err, errlen,
			 "too large to read: %d x %d pixels (at most %ld "
			 "megapixels and %d a side)",
			 (int)w, (int)h, OCR_MAX_PIXELS / 1000000,
			 OCR_MAX_SIDE);
		return -1;
	}
	PIX *pix = pixReadMem(p, n);
	if (!pix) {
		snprintf(err, errlen, "the image does not decode");
		return -1;
	}
	int rc = -1;
	TessBaseAPI *api = TessBaseAPICreate();
	if (!api || TessBaseAPIInit3(api, NULL, "eng") != 0) {
		snprintf(err, errlen,
			 "Tesseract's English model is missing "
			 "(tesseract-ocr-eng)");
		goto done;
	}
	/* screenshots carry no resolution; and no chatter on stderr */
	TessBaseAPISetVariable(api, "user_defined_dpi", "96");
	TessBaseAPISetVariable(api, "debug_file", "/dev/null");
	TessBaseAPISetImage2(api, pix);
	char *got = TessBaseAPIGetUTF8Text(api);
	if (!got) {
		snprintf(err, errlen, "Tesseract read nothing");
		goto done;
	}
	*text = strdup(got);
	TessDeleteText(got);
	rc = *text ? 0 : -1;
done:
	if (api) {
		TessBaseAPIEnd(api);
		TessBaseAPIDelete(api);
	}
	pixDestroy(&pix);
	return rc;
}
