/* ui.h - the page layer: page and API handlers. Each serves one route of the
 * table in cgi-bin/app.c for both views (HTML and JSON). */
#ifndef SECURA_WEB_H
#define SECURA_WEB_H

#include "../core/http.h"
#include "../core/view.h"
#include "../domain/scorer.h"

/* ui_account.c */
int ui_account_home(struct ctx *c);
int ui_account_register_form(struct ctx *c);
int ui_account_register(struct ctx *c);
int ui_account_login_form(struct ctx *c);
int ui_account_login(struct ctx *c);
int ui_account_logout(struct ctx *c);
int ui_account_profile(struct ctx *c);
int ui_account_profile_save(struct ctx *c);
int ui_account_password(struct ctx *c);
int ui_account_theme(struct ctx *c);
struct user;
int ui_account_recheck(struct ctx *c, struct user *u, const char *field);
extern const struct field ui_account_register_fields[];
extern const struct field ui_account_login_fields[];
extern const struct field ui_account_profile_fields[];
extern const struct field ui_account_password_fields[];
extern const struct field ui_account_theme_fields[];

/* ui_applications.c */
int ui_applications_mine(struct ctx *c);
int ui_applications_apply(struct ctx *c);
int ui_applications_answer(struct ctx *c);
int ui_applications_withdraw(struct ctx *c);
int ui_applications_index(struct ctx *c);
int ui_applications_show(struct ctx *c);
int ui_applications_approve(struct ctx *c);
int ui_applications_reject(struct ctx *c);
int ui_applications_ask(struct ctx *c);
int ui_applications_recommend(struct ctx *c);
int ui_applications_document(struct ctx *c);
extern const struct field ui_applications_apply_fields[];
extern const struct field ui_applications_answer_fields[];
extern const struct field ui_applications_list_fields[];
extern const struct field ui_applications_reject_fields[];
extern const struct field ui_applications_ask_fields[];
extern const struct field ui_applications_recommend_fields[];

/* ui_answers.c */
int ui_answers_form(struct ctx *c);
int ui_answers_ask(struct ctx *c);
int ui_answers_show(struct ctx *c);
int ui_answers_help(struct ctx *c);
int ui_answers_article(struct ctx *c);
extern const struct field ui_answers_ask_fields[];

/* ui_chat.c */
int ui_chat_index(struct ctx *c);
int ui_chat_room(struct ctx *c);
int ui_chat_room_create(struct ctx *c);
int ui_chat_post(struct ctx *c);
int ui_chat_direct(struct ctx *c);
int ui_chat_direct_post(struct ctx *c);
int ui_chat_member_add(struct ctx *c);
int ui_chat_member_remove(struct ctx *c);
int ui_chat_edit(struct ctx *c);
int ui_chat_delete(struct ctx *c);
int ui_chat_search(struct ctx *c);
int ui_chat_incident_room(struct ctx *c);
extern const struct field ui_chat_room_fields[];
extern const struct field ui_chat_message_fields[];
extern const struct field ui_chat_member_fields[];
extern const struct field ui_chat_history_fields[];
extern const struct field ui_chat_search_fields[];

/* ui_sessions.c */
int ui_sessions_list(struct ctx *c);
int ui_sessions_end(struct ctx *c);
int ui_sessions_end_person(struct ctx *c);
int ui_sessions_end_everyone(struct ctx *c);
extern const struct field ui_sessions_end_fields[];

/* ui_tokens.c */
int ui_tokens_list(struct ctx *c);
int ui_tokens_create(struct ctx *c);
int ui_tokens_revoke(struct ctx *c);
extern const struct field ui_tokens_create_fields[];

/* ui_admin.c */
int ui_admin_users(struct ctx *c);
int ui_admin_user(struct ctx *c);
int ui_admin_user_create(struct ctx *c);
int ui_admin_user_role(struct ctx *c);
int ui_admin_user_deactivate(struct ctx *c);
int ui_admin_user_reactivate(struct ctx *c);
int ui_admin_user_password(struct ctx *c);
int ui_admin_audit(struct ctx *c);
int ui_admin_audit_verify(struct ctx *c);
extern const struct field ui_admin_users_fields[];
extern const struct field ui_admin_user_create_fields[];
extern const struct field ui_admin_role_fields[];
extern const struct field ui_admin_audit_fields[];

/* ui_incidents.c */
int ui_incidents_new_form(struct ctx *c);
int ui_incidents_report(struct ctx *c);
int ui_incidents_submitted(struct ctx *c);
int ui_incidents_index(struct ctx *c);
int ui_incidents_show(struct ctx *c);
int ui_incidents_export(struct ctx *c);
int ui_incidents_export_json(struct ctx *c);
struct incident;
struct incident_filter;
int ui_incidents_read_filter(struct ctx *c, struct incident_filter *f);
int ui_incidents_audit_export(struct ctx *c, const struct incident_filter *f,
			      const char *format);
#define INCIDENT_COLUMNS 25
extern const char *const ui_incidents_export_columns[INCIDENT_COLUMNS];
void ui_incidents_export_row(arena *a, const struct incident *in,
			     const char *cells[INCIDENT_COLUMNS],
			     int64_t times[7], int64_t counts[2]);

/* ui_xlsx.c */
int ui_xlsx_incidents(struct ctx *c);
extern const struct field ui_incidents_report_fields[];
extern const struct field ui_incidents_list_fields[];
/* ui_incident_actions.c */
int ui_incidents_move(struct ctx *c);
int ui_incidents_edit(struct ctx *c);
int ui_incidents_assign(struct ctx *c);
int ui_incidents_comment(struct ctx *c);
int ui_incidents_upload(struct ctx *c);
int ui_incidents_download(struct ctx *c);
extern const struct field ui_incidents_status_fields[];
extern const struct field ui_incidents_edit_fields[];
extern const struct field ui_incidents_assign_fields[];
extern const struct field ui_incidents_comment_fields[];

/* ui_categories.c */
int ui_categories_list(struct ctx *c);
int ui_categories_add(struct ctx *c);
int ui_categories_edit(struct ctx *c);
extern const struct field ui_categories_add_fields[];
extern const struct field ui_categories_edit_fields[];

/* ui_health.c */
int ui_health_check(struct ctx *c);
int ui_health_openapi(struct ctx *c);
int ui_health_prometheus(struct ctx *c);

/* The inputs ctx_page_args reads, for a route's field table. */
#define PAGE_FIELDS                                                            \
	{"page", V_INT, 0, 1, 1000000, NULL, "Page"},                          \
	{                                                                      \
		"limit", V_INT, 0, 1, 200, NULL, "Limit"                       \
	}

/* ui_period.c: the period of dashboards and reports */
extern const char *const ui_period_choices[];
/* The period's declared fields, for a route's field list. */
#define PERIOD_FIELDS                                                          \
	{"period", V_ENUM, 0, 0, 0, ui_period_choices, "Period"},              \
	    {"from", V_DATE, 0, 0, 0, NULL, "From"},                           \
	{                                                                      \
		"to", V_DATE, 0, 0, 0, NULL, "To"                              \
	}
extern const struct field ui_period_fields[];
json_t *ui_period_read(struct ctx *c, int64_t *from, int64_t *to);

/* ui_indicators.c */
int ui_indicators_index(struct ctx *c);
int ui_indicators_show(struct ctx *c);
int ui_indicators_export_stix(struct ctx *c);
extern const struct field ui_indicators_list_fields[];
extern const struct field ui_indicators_page_fields[];

/* ui_playbooks.c */
int ui_playbooks_index(struct ctx *c);
int ui_playbooks_show(struct ctx *c);
int ui_playbooks_update(struct ctx *c);
int ui_playbooks_checklist(struct ctx *c);
extern const struct field ui_playbooks_edit_fields[];
extern const struct field ui_playbooks_tick_fields[];

/* ui_assistant.c */
int ui_assistant_request(struct ctx *c);

/* ui_model_admin.c */
int ui_model_admin_show(struct ctx *c);
int ui_model_admin_retrain(struct ctx *c);
int ui_model_admin_anomaly_retrain(struct ctx *c);
extern const struct field ui_model_admin_anomaly_fields[];
extern const struct field ui_model_admin_retrain_fields[];

/* ui_dashboards.c */
int ui_dashboards_operational(struct ctx *c);
int ui_dashboards_executive(struct ctx *c);

/* ui_organisation.c */
int ui_organisation_show(struct ctx *c);
int ui_organisation_save(struct ctx *c);
extern const struct field ui_organisation_fields[];

/* ui_regulatory.c; the compliance facts a route declares are the
 * domain's (compliance.h) */
#define ui_regulatory_fields compliance_fields
extern const struct field compliance_fields[];
int ui_regulatory_save(struct ctx *c);
int ui_regulatory_notice(struct ctx *c);
json_t *ui_regulatory_view(struct ctx *c, const struct incident *in);
extern const struct field ui_regulatory_notice_fields[];

/* ui_reports.c (the reports program) */
int ui_reports_index(struct ctx *c);
int ui_reports_job(struct ctx *c);
int ui_reports_job_file(struct ctx *c);
int ui_reports_gdpr_art33(struct ctx *c);
int ui_reports_gdpr_register(struct ctx *c);
int ui_reports_hipaa(struct ctx *c);
int ui_reports_hipaa_log(struct ctx *c);
int ui_reports_sox(struct ctx *c);
int ui_reports_executive(struct ctx *c);
extern const struct field ui_reports_period_fields[];
extern const struct field ui_reports_incident_fields[];
extern const struct field ui_reports_year_fields[];

/* ui_notifications.c */
int ui_notifications_list(struct ctx *c);
int ui_notifications_count(struct ctx *c);
int ui_notifications_read(struct ctx *c);
int ui_notifications_read_all(struct ctx *c);
int ui_notifications_prefs(struct ctx *c);
int ui_notifications_prefs_save(struct ctx *c);
int ui_notifications_team(struct ctx *c);
extern const struct field ui_notifications_list_fields[];
extern const struct field ui_notifications_prefs_fields[];

/* ui_deliveries.c */
int ui_webhooks_index(struct ctx *c);
int ui_webhooks_create(struct ctx *c);
int ui_webhooks_remove(struct ctx *c);
int ui_deliveries_index(struct ctx *c);
int ui_deliveries_retry(struct ctx *c);
extern const struct field ui_webhooks_add_fields[];
extern const struct field ui_deliveries_list_fields[];

/* ui_sources.c */
int ui_sources_index(struct ctx *c);
int ui_sources_create(struct ctx *c);
int ui_sources_disable(struct ctx *c);
int ui_sources_enable(struct ctx *c);
int ui_sources_demo(struct ctx *c);
extern const struct field ui_sources_add_fields[];

/* ui_alerts.c */
int ui_alerts_index(struct ctx *c);
int ui_alerts_show(struct ctx *c);
int ui_alerts_status(struct ctx *c);
int ui_alerts_promote(struct ctx *c);
int ui_alerts_suppress(struct ctx *c);
int ui_alerts_bulk(struct ctx *c);
extern const struct field ui_alerts_bulk_fields[];
int ui_alerts_suppressions(struct ctx *c);
extern const struct field ui_alerts_assign_fields[], ui_alerts_comment_fields[];
int ui_alerts_assign(struct ctx *c);
extern const struct field ui_alerts_promote_fields[],
    ui_alerts_promote_many_fields[];
int ui_alerts_promote_many(struct ctx *c);
int ui_alerts_comment(struct ctx *c);
extern const struct field ui_rules_upload_fields[], ui_rules_enable_fields[];
int ui_rules_index(struct ctx *c);
extern const struct field ui_model_admin_threshold_fields[];
int ui_model_admin_threshold(struct ctx *c);
extern const struct field ui_monitoring_fields[];
int ui_monitoring_index(struct ctx *c);
int ui_monitoring_attack(struct ctx *c);
extern const struct field ui_actions_add_fields[], ui_actions_enable_fields[];
int ui_actions_index(struct ctx *c);
int ui_actions_create(struct ctx *c);
int ui_actions_enable(struct ctx *c);
int ui_actions_confirm(struct ctx *c);
int ui_actions_run(struct ctx *c);
/* ui_graphs.c */
extern const struct field ui_graphs_paths_fields[], ui_graphs_period_fields[];
int ui_graphs_paths(struct ctx *c);
int ui_graphs_topology(struct ctx *c);
int ui_graphs_threat_map(struct ctx *c);
/* ui_behaviour.c */
extern const struct field ui_behaviour_list_fields[],
    ui_behaviour_alias_fields[];
int ui_behaviour_list(struct ctx *c);
int ui_behaviour_show(struct ctx *c);
int ui_behaviour_alias(struct ctx *c);
/* ui_assets.c */
extern const struct field ui_assets_put_fields[];
int ui_assets_index(struct ctx *c);
int ui_assets_put(struct ctx *c);
int ui_assets_remove(struct ctx *c);
int ui_rules_show(struct ctx *c);
int ui_rules_upload(struct ctx *c);
int ui_rules_enable(struct ctx *c);
int ui_alerts_suppression_end(struct ctx *c);
extern const struct field ui_alerts_suppress_fields[];
extern const struct field ui_alerts_list_fields[];
extern const struct field ui_alerts_status_fields[];

/* ui_monitor.c */
int ui_monitor_events(struct ctx *c);
int ui_monitor_event(struct ctx *c);
int ui_monitor_predict(struct ctx *c);
const char *ui_val(struct ctx *c, const char *name);
/* the anomaly models the app program loads at start (ui.c) */
extern struct scorer ui_scorer;
extern const struct field ui_monitor_list_fields[];

/* ui_ingest.c (the ingest program) */
int ui_ingest_native(struct ctx *c);
int ui_ingest_start(void);
int ui_ingest_hec_event(struct ctx *c);
int ui_ingest_hec_raw(struct ctx *c);

/* ui_events.c (the events program) */
int ui_events_stream(struct ctx *c);
int ui_events_start(void);
extern const struct field ui_events_fields[];

/* ui_mfa.c */
int ui_mfa_form(struct ctx *c);
int ui_mfa_verify(struct ctx *c);
int ui_mfa_account(struct ctx *c);
int ui_mfa_setup(struct ctx *c);
int ui_mfa_confirm(struct ctx *c);
int ui_mfa_recovery(struct ctx *c);
int ui_mfa_disable(struct ctx *c);
int ui_mfa_admin(struct ctx *c);
int ui_mfa_admin_save(struct ctx *c);
int ui_mfa_admin_reset(struct ctx *c);
extern const struct field ui_mfa_code_fields[];
extern const struct field ui_mfa_roles_fields[];

/* ui.c */
int ui_app_start(void);
int ui_commit(struct ctx *c, const char *action, const char *object_type,
	      int64_t object_id, json_t *detail);
int ui_audit(struct ctx *c, const char *action, const char *object_type,
	     int64_t object_id, json_t *detail);
struct incident;
int ui_staff(struct ctx *c);
const char *ui_local_path(const char *next);
int ui_load_incident(struct ctx *c, struct incident *in);
int64_t ui_category(struct ctx *c, const char *field, int active_only);
int ui_check_times(struct ctx *c, int64_t occurred, int64_t noticed);
/* An uploaded evidence file: its type, the structure check it passed
 * and, once stored, its SHA-256. */
struct ui_file {
	const char *mime, *checked;
	char *sha;
};
/* What a form's file field takes: at most max files of types (NULL: any
 * filecheck.c accepts), described as accepted ("PDF and images are"). */
struct ui_upload_rule {
	const char *field;
	int max;
	const char *const *types;
	const char *accepted;
};
extern const struct ui_upload_rule ui_evidence_rule;
struct ui_file *ui_check_files(struct ctx *c, const struct ui_upload_rule *r);
int ui_store_files(struct ctx *c, struct ui_file *files);
int ui_record_files(struct ctx *c, int64_t id, const struct ui_file *files);
json_t *ui_data_type_options(const char *csv);
json_t *ui_staff_options(struct ctx *c, int64_t selected, json_t *online);

#endif
