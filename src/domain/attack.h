/* attack.h - MITRE ATT&CK techniques by id (data/attack/techniques.tsv,
 * generated from MITRE's STIX data by tools/attack_table.py): names and
 * tactics for the alerts' and rules' technique ids. */
#ifndef SECURA_ATTACK_H
#define SECURA_ATTACK_H

#include <jansson.h>

json_t *attack_describe(json_t *ids);
json_t *attack_ids_of_tags(json_t *tags);
size_t attack_count(void);

#endif
