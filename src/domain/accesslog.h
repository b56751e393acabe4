/* accesslog.h - web server access log lines (nginx's and Apache's
 * "combined" format, and "common" without the last two fields) read into
 * ECS events of kind http-access. */
#ifndef SECURA_ACCESSLOG_H
#define SECURA_ACCESSLOG_H

#include <jansson.h>
#include <stddef.h>

json_t *accesslog_parse(const char *line, size_t n, const char **why);

#endif
