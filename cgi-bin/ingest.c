/* ingest.c - the event intake program: scripts, log shippers and sensors
 * send security events here, with their source's token. Its own program,
 * thread pool and nginx location, and its own database file
 * ($SECURA_DATA/events.db), so a flood of events never slows an
 * employee's form or empties the page caches behind the incident
 * pages. */
#include "../src/web/ui.h"

static const struct route routes[] = {
    {"POST", "/ingest", ui_ingest_native, PERM_PUBLIC, NULL, NULL, NULL,
     ROUTE_MACHINE},
    /* the Splunk HTTP Event Collector's doors */
    {"POST", "/services/collector", ui_ingest_hec_event, PERM_PUBLIC, NULL,
     NULL, NULL, ROUTE_MACHINE},
    {"POST", "/services/collector/event", ui_ingest_hec_event, PERM_PUBLIC,
     NULL, NULL, NULL, ROUTE_MACHINE},
    {"POST", "/services/collector/raw", ui_ingest_hec_raw, PERM_PUBLIC, NULL,
     NULL, NULL, ROUTE_MACHINE},
};

int main(int argc, char **argv)
{
	server_use_events_db();
	return server_main_with(argc, argv, "ingest", routes,
				sizeof(routes) / sizeof(*routes),
				ui_ingest_start);
}
