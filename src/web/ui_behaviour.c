/* ui_behaviour.c - people's sign-in habits: the most unusual people of
 * the last days at /users/behaviour, and one person's habits at
 * /users/{ref}/behaviour (ref: the account name as events write it):
 * the hour-of-week heatmap, usual hosts, where they come from, their
 * events a day and the sign-ins flagged. */
#include "ui.h"

#include "../core/clock.h"
#include "../core/config.h"
#include "../domain/behaviour.h"
#include "../domain/edges.h"
#include "ui_svg.h"

const struct field ui_behaviour_list_fields[] = {
    {"hours", V_INT, 0, 1, 720, NULL, "Hours"}, {NULL, 0, 0, 0, 0, NULL, NULL}};

const struct field ui_behaviour_alias_fields[] = {
    {"user", V_LINE, 0, 0, 255, NULL, "User"},
    {"hours", V_INT, 0, 1, 720, NULL, "Hours"},
    {NULL, 0, 0, 0, 0, NULL, NULL}};

/* GET /users/behaviour - the people with the most unusual sign-ins in the
 * last hours (default 168: a week). */
int ui_behaviour_list(struct ctx *c)
{
	int64_t hours = ctx_int(c, "hours", 168);
	db *ev = db_thread(config_get()->events_db);
	json_t *people =
	    ev ? behaviour_unusual(ev, (clock_now() - hours * 3600) * 1000, 50)
	       : NULL;
	if (!people)
		return -1;
	size_t i;
	json_t *p;
	json_array_foreach(people, i, p)
	{
		char at[21];
		clock_iso(json_integer_value(json_object_get(p, "last")) / 1000,
			  at);
		json_object_set_new(p, "last_iso", json_string(at));
	}
	c->view =
	    json_pack("{so sI}", "people", people, "hours", (json_int_t)hours);
	return 0;
}

/* GET /users/{ref}/behaviour - one person's habits over 30 days. */
int ui_behaviour_show(struct ctx *c)
{
	char user[256];
	if (edges_user(c->ref, user, sizeof(user)) != 0)
		return ctx_fail(c, 404, "not_found",
				"That is not a person's account name.");
	db *ev = db_thread(config_get()->events_db);
	json_t *p = ev ? behaviour_profile(ev, user, clock_now() * 1000) : NULL;
	if (!p)
		return -1;
	size_t i;
	json_t *f;
	json_array_foreach(json_object_get(p, "flags"), i, f)
	{
		char at[21];
		clock_iso(json_integer_value(json_object_get(f, "at")) / 1000,
			  at);
		json_object_set_new(f, "at_iso", json_string(at));
	}
	c->view = p;
	if (c->api)
		return 0;
	json_t *heat =
	    json_pack("{sO sO}", "rows", json_object_get(p, "heatmap"), "max",
		      json_object_get(p, "heat_max"));
	CHART(c, "heat_html",
	      ui_svg_heatmap(
		  &b_, "bh-h", "Sign-ins by hour of the week",
		  "Sign-ins in each hour of the week over 30 days, UTC", heat));
	json_decref(heat);
	CHART(c, "days_html",
	      ui_svg_columns(&b_, "bh-d", "Events a day",
			     "This person's events each day, every kind",
			     json_object_get(p, "days"), "label"));
	return 0;
}

/* GET /visualize/user-behavior?user=NAME - the seed's name: one
 * person's habits, or the most unusual people without a name. */
int ui_behaviour_alias(struct ctx *c)
{
	const char *user = ui_val(c, "user");
	if (!*user)
		return ui_behaviour_list(c);
	c->ref = arena_strdup(c->a, user);
	return ui_behaviour_show(c);
}
