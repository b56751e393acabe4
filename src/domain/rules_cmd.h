/* rules_cmd.h - `secura rules`: check Sigma rule files against Secura's
 * subset, and run rules over recorded events (JSON lines). */
#ifndef SECURA_RULES_CMD_H
#define SECURA_RULES_CMD_H

#include <stdio.h>

int rules_command(int argc, char **argv, FILE *out);

#endif
