/* assistant.h - the optional language model: an analyst asks for a
 * summary and mitigation suggestions for an incident; the question
 * (built from the incident record) is queued, the worker sends it to an
 * OpenAI-compatible chat-completions endpoint (SECURA_LLM_URL) and keeps
 * the answer, which is always shown as machine-generated. Off unless
 * configured; TLP:RED incidents are never sent. */
#ifndef SECURA_ASSISTANT_H
#define SECURA_ASSISTANT_H

#include "../core/arena.h"
#include "../core/db.h"
#include "incidents.h"
#include "jobs.h"

#include <jansson.h>
#include <stdint.h>

int assistant_enabled(void);
int64_t assistant_ask(db *d, arena *a, const struct incident *in, int64_t user);
int assistant_run(db *d, const struct job *j, char *err, size_t errlen);
json_t *assistant_list(db *d, int64_t incident);

#endif
