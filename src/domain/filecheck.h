/* filecheck.h - the type and structure of an uploaded file. */
#ifndef SECURA_FILECHECK_H
#define SECURA_FILECHECK_H

#include <stddef.h>

const char *filecheck_type(const unsigned char *p, size_t n,
			   const char **checked);

#endif
