/* ui_period.c - the reporting period of dashboards and reports: the last 7,
 * 30, 90 or 365 days, or a custom range of whole UTC days. */
#include "ui.h"

#include "../core/clock.h"

#include <string.h>

const char *const ui_period_choices[] = {"7",	"30",	  "90",
					 "365", "custom", NULL};

const struct field ui_period_fields[] = {PERIOD_FIELDS,
					 {NULL, 0, 0, 0, 0, NULL, NULL}};

/* Reads the period of the request (default: the last 30 days, to the end
 * of the current hour)
 * into [*from, *to) and returns its JSON description for the view (new
 * reference), or NULL after recording field errors (422). */
json_t *ui_period_read(struct ctx *c, int64_t *from, int64_t *to)
{
	const char *p = ctx_val(c, "period");
	int64_t now = clock_now();
	if (!p)
		p = ctx_has(c, "from") || ctx_has(c, "to") ? "custom" : "30";
	if (strcmp(p, "custom") != 0) {
		int64_t days = 0;
		valid_int(p, 1, 365, &days);
		/* up to the end of the current hour: the same period for
		   an hour, so its figures can be cached */
		*to = (now / 3600 + 1) * 3600;
		*from = *to - days * 86400;
	} else {
		*from = ctx_time(c, "from");
		*to = ctx_time(c, "to");
		if (!*from)
			ctx_field_error(c, "from", "Choose the first day");
		if (!*to)
			ctx_field_error(c, "to", "Choose the last day");
		if (!*from || !*to)
			return NULL;
		*to += 86400; /* through the whole last day */
		if (*to <= *from) {
			ctx_field_error(c, "to",
					"The last day must not be before the "
					"first");
			return NULL;
		}
		if (*to - *from > 5 * 366 * 86400LL) {
			ctx_field_error(c, "from",
					"A period can be at most five years");
			return NULL;
		}
	}
	char f[21], t[21], last[21];
	clock_iso(*from, f);
	clock_iso(*to, t);
	clock_iso(*to - 1, last);
	json_t *choices = view_choices(ui_period_choices, p);
	return json_pack("{ss ss# ss# ss ss so}", "period", p, "from", f, 10,
			 "to", last, 10, "from_time", f, "to_time", t,
			 "choices", choices);
}
