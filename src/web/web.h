/* web.h - page and API handlers. Each serves one route of the table in
 * cgi-bin/app.c for both views (HTML and JSON). */
#ifndef SECURA_WEB_H
#define SECURA_WEB_H

#include "../core/http.h"

/* account.c */
int account_home(struct ctx *c);
int account_register_form(struct ctx *c);
int account_register(struct ctx *c);
int account_login_form(struct ctx *c);
int account_login(struct ctx *c);
int account_logout(struct ctx *c);
int account_profile(struct ctx *c);
int account_profile_save(struct ctx *c);
int account_password(struct ctx *c);
extern const struct field account_register_fields[];
extern const struct field account_login_fields[];
extern const struct field account_profile_fields[];
extern const struct field account_password_fields[];

/* tokens.c */
int tokens_list(struct ctx *c);
int tokens_create(struct ctx *c);
int tokens_revoke(struct ctx *c);
extern const struct field tokens_create_fields[];

/* admin.c */
int admin_users(struct ctx *c);
int admin_user(struct ctx *c);
int admin_user_create(struct ctx *c);
int admin_user_role(struct ctx *c);
int admin_user_deactivate(struct ctx *c);
int admin_user_reactivate(struct ctx *c);
int admin_audit(struct ctx *c);
int admin_audit_verify(struct ctx *c);
extern const struct field admin_users_fields[];
extern const struct field admin_user_create_fields[];
extern const struct field admin_role_fields[];
extern const struct field admin_audit_fields[];

/* incidents.c */
int incidents_new_form(struct ctx *c);
int incidents_report(struct ctx *c);
int incidents_submitted(struct ctx *c);
int incidents_index(struct ctx *c);
int incidents_show(struct ctx *c);
int incidents_export(struct ctx *c);
int incidents_export_json(struct ctx *c);
struct incident;
struct incident_filter;
int incidents_read_filter(struct ctx *c, struct incident_filter *f);
int incidents_audit_export(struct ctx *c, const struct incident_filter *f,
			   const char *format);
#define INCIDENT_COLUMNS 25
extern const char *const incidents_export_columns[INCIDENT_COLUMNS];
void incidents_export_row(arena *a, const struct incident *in,
			  const char *cells[INCIDENT_COLUMNS], int64_t times[7],
			  int64_t counts[2]);

/* xlsx.c */
int xlsx_incidents(struct ctx *c);
extern const struct field incidents_report_fields[];
extern const struct field incidents_list_fields[];
/* shared with incident_actions.c */
struct incident;
int incidents_staff(struct ctx *c);
int incidents_load(struct ctx *c, struct incident *in);
int64_t incidents_category(struct ctx *c, const char *field, int active_only);
int64_t incidents_time_field(struct ctx *c, const char *name);
int incidents_check_times(struct ctx *c, int64_t occurred, int64_t noticed);
int incidents_check_files(struct ctx *c, const char **mimes);
int incidents_store_files(struct ctx *c, const char **mimes, char **shas);
int incidents_record_files(struct ctx *c, int64_t id, const char **mimes,
			   char **shas);
json_t *incidents_data_type_options(const char *csv);
json_t *incidents_staff_options(struct ctx *c, int64_t selected,
				json_t *online);

/* incident_actions.c */
int incidents_move(struct ctx *c);
int incidents_edit(struct ctx *c);
int incidents_assign(struct ctx *c);
int incidents_comment(struct ctx *c);
int incidents_upload(struct ctx *c);
int incidents_download(struct ctx *c);
extern const struct field incidents_status_fields[];
extern const struct field incidents_edit_fields[];
extern const struct field incidents_assign_fields[];
extern const struct field incidents_comment_fields[];

/* categories.c */
int categories_list(struct ctx *c);
int categories_add(struct ctx *c);
int categories_edit(struct ctx *c);
extern const struct field categories_add_fields[];
extern const struct field categories_edit_fields[];

/* health.c */
int health_check(struct ctx *c);
int health_openapi(struct ctx *c);

/* The inputs ctx_page_args reads, for a route's field table. */
#define PAGE_FIELDS                                                            \
	{"page", V_INT, 0, 1, 1000000, NULL, "Page"},                          \
	{                                                                      \
		"limit", V_INT, 0, 1, 200, NULL, "Limit"                       \
	}

/* period.c: the period of dashboards and reports */
extern const char *const period_choices[];
/* The period's declared fields, for a route's field list. */
#define PERIOD_FIELDS                                                          \
	{"period", V_ENUM, 0, 0, 0, period_choices, "Period"},                 \
	    {"from", V_DATE, 0, 0, 0, NULL, "From"},                           \
	{                                                                      \
		"to", V_DATE, 0, 0, 0, NULL, "To"                              \
	}
extern const struct field period_fields[];
json_t *period_read(struct ctx *c, int64_t *from, int64_t *to);

/* indicators.c */
int indicators_index(struct ctx *c);
int indicators_show(struct ctx *c);
int indicators_export_stix(struct ctx *c);
extern const struct field indicators_list_fields[];
extern const struct field indicators_page_fields[];

/* playbooks.c */
int playbooks_index(struct ctx *c);
int playbooks_show(struct ctx *c);
int playbooks_update(struct ctx *c);
int playbooks_checklist(struct ctx *c);
extern const struct field playbooks_edit_fields[];
extern const struct field playbooks_tick_fields[];

/* assistant.c */
int assistant_request(struct ctx *c);

/* model_admin.c */
int model_admin_show(struct ctx *c);
int model_admin_retrain(struct ctx *c);
extern const struct field model_admin_retrain_fields[];

/* dashboards.c */
int dashboards_operational(struct ctx *c);
int dashboards_executive(struct ctx *c);

/* organisation.c */
int organisation_show(struct ctx *c);
int organisation_save(struct ctx *c);
extern const struct field organisation_fields[];

/* regulatory.c */
int regulatory_save(struct ctx *c);
int regulatory_notice(struct ctx *c);
json_t *regulatory_view(struct ctx *c, const struct incident *in);
extern const struct field regulatory_notice_fields[];

/* reports.c (the reports program) */
int reports_index(struct ctx *c);
int reports_job(struct ctx *c);
int reports_job_file(struct ctx *c);
int reports_run_next(db *d, const char *dir);
int reports_recover(db *d);
int reports_gdpr_art33(struct ctx *c);
int reports_gdpr_register(struct ctx *c);
int reports_hipaa(struct ctx *c);
int reports_hipaa_log(struct ctx *c);
int reports_sox(struct ctx *c);
int reports_executive(struct ctx *c);
extern const struct field reports_period_fields[];
extern const struct field reports_incident_fields[];
extern const struct field reports_year_fields[];

/* notifications.c */
int notifications_list(struct ctx *c);
int notifications_count(struct ctx *c);
int notifications_read(struct ctx *c);
int notifications_read_all(struct ctx *c);
int notifications_prefs(struct ctx *c);
int notifications_prefs_save(struct ctx *c);
int notifications_team(struct ctx *c);
json_t *notifications_presence(struct ctx *c);
extern const struct field notifications_list_fields[];
extern const struct field notifications_prefs_fields[];

/* deliveries.c */
int webhooks_index(struct ctx *c);
int webhooks_create(struct ctx *c);
int webhooks_remove(struct ctx *c);
int deliveries_index(struct ctx *c);
int deliveries_retry(struct ctx *c);
extern const struct field webhooks_add_fields[];
extern const struct field deliveries_list_fields[];

/* events.c (the events program) */
int events_stream(struct ctx *c);
int events_start(void);
extern const struct field events_fields[];

/* tx.c */
int web_abort(struct ctx *c);

#endif
