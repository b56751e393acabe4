/* compliance.h - what GDPR, HIPAA and SOX reports need about an incident
 * beyond the incident itself (incident_compliance), the notifications
 * actually made (incident_notices); their legal deadlines are in
 * deadlines.h. */
#ifndef SECURA_COMPLIANCE_H
#define SECURA_COMPLIANCE_H

#include "../core/arena.h"
#include "../core/db.h"
#include "../core/valid.h"
#include "incidents.h"

#include <jansson.h>

#define COMPLIANCE_NFIELDS 16

/* The editable facts, in the column order of STMT_COMPLIANCE_GET/PUT. */
extern const struct field compliance_fields[COMPLIANCE_NFIELDS + 1];
extern const char *const compliance_notice_kinds[];
extern const char *const compliance_art34_decisions[];

int compliance_get(db *d, arena *a, int64_t incident,
		   const char *vals[COMPLIANCE_NFIELDS]);
int compliance_put(db *d, int64_t incident, int64_t actor,
		   const char *const old[COMPLIANCE_NFIELDS],
		   const char *const nw[COMPLIANCE_NFIELDS]);
int compliance_index(const char *name);
int64_t compliance_notice_add(db *d, const struct incident *in,
			      const char *kind, int64_t made_at,
			      const char *channel, const char *reference,
			      const char *late_reason, int64_t actor);
json_t *compliance_notices(db *d, const struct incident *in);
json_t *compliance_json(const struct incident *in,
			const char *const vals[COMPLIANCE_NFIELDS]);
const char *compliance_value_label(const char *field, const char *v);

#endif
