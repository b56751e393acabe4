/* events.c - the events program: live notification streams (Server-Sent
 * Events), held by one hub instead of a thread each, in a process of its
 * own (nginx sends /events here, unbuffered, with a long read timeout). */
#include "../src/web/ui.h"

static const struct route routes[] = {
    /* method, path, handler, permission, template, fields, form, flags */
    {"GET", "/events", ui_events_stream, PERM_LOGIN, NULL, ui_events_fields,
     NULL, ROUTE_JSON_ONLY},
};

int main(int argc, char **argv)
{
	return server_main_with(argc, argv, "events", routes,
				sizeof(routes) / sizeof(*routes),
				ui_events_start);
}
