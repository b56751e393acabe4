/* graph_cmd.h - `secura graph`: the attack-path scores of every sign-in
 * edge (for measurements such as the OTRF one), and one look for new
 * paths and unusual sign-ins, as the worker makes. */
#ifndef SECURA_GRAPH_CMD_H
#define SECURA_GRAPH_CMD_H

#include "../core/db.h"

#include <stdio.h>

int graph_command(db *main, int argc, char **argv, FILE *out);

#endif
