/* anomaly_cmd.h - the `secura ml anomaly` command. */
#ifndef SECURA_ANOMALY_CMD_H
#define SECURA_ANOMALY_CMD_H

#include <stdio.h>

int anomaly_command(int argc, char **argv, FILE *out);

#endif
