/* winevent.h - Windows event log records as shippers write them in JSON
 * (NXLog's flat fields, as in the OTRF recordings; or the XML's
 * Event/System/EventData shape) turned into the Elastic Common Schema
 * fields Winlogbeat writes, which the Windows rules read. */
#ifndef SECURA_WINEVENT_H
#define SECURA_WINEVENT_H

#include <jansson.h>

json_t *winevent_ecs(json_t *in);

#endif
