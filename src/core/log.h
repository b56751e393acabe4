/* log.h - one line per event: UTC time, request id, user, message. */
#ifndef SECURA_LOG_H
#define SECURA_LOG_H

void log_init(const char *program);
void log_event(const char *rid, const char *user, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
