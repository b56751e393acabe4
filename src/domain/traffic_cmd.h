/* traffic_cmd.h - `secura traffic`: posts generated events to Secura's
 * intake doors at a rate, or writes them to a file. */
#ifndef SECURA_TRAFFIC_CMD_H
#define SECURA_TRAFFIC_CMD_H

#include <stdio.h>

int traffic_command(int argc, char **argv, FILE *out);

#endif
