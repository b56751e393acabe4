/* app.c - the Secura application program: pages and JSON API for every
 * role. One table: each route's method, path, handler, permission,
 * template, declared fields and the form to show again after an error.
 * Every route is also served as JSON under /api/v1 (one handler, two
 * views) unless marked ROUTE_HTML_ONLY. */
#include "../src/core/config.h"
#include "../src/core/log.h"
#include "../src/domain/compliance.h"
#include "../src/domain/models.h"
#include "../src/web/ui.h"

static const struct field next_fields[] = {
    {"next", V_LINE, 0, 0, 500, NULL, "Next page"},
    {NULL, 0, 0, 0, 0, NULL, NULL}};

static const struct route routes[] = {
    /* method, path, handler, permission, template, fields, form, flags */
    {"GET", "/health", ui_health_check, PERM_PUBLIC, NULL, NULL, NULL,
     ROUTE_JSON_ONLY},
    {"GET", "/openapi.json", ui_health_openapi, PERM_PUBLIC, NULL, NULL, NULL,
     ROUTE_JSON_ONLY},
    {"GET", "/", ui_account_home, PERM_LOGIN, "home", NULL, NULL, 0},

    {"GET", "/register", ui_account_register_form, PERM_PUBLIC, "register",
     NULL, NULL, ROUTE_HTML_ONLY},
    {"POST", "/register", ui_account_register, PERM_PUBLIC, "register",
     ui_account_register_fields, ui_account_register_form, 0},
    {"GET", "/login", ui_account_login_form, PERM_PUBLIC, "login", next_fields,
     NULL, ROUTE_HTML_ONLY},
    {"POST", "/login", ui_account_login, PERM_PUBLIC, "login",
     ui_account_login_fields, ui_account_login_form, 0},
    {"POST", "/logout", ui_account_logout, PERM_LOGIN, NULL, NULL, NULL, 0},

    {"GET", "/me", ui_account_profile, PERM_LOGIN, "profile", NULL, NULL, 0},
    {"GET", "/profile", ui_account_profile, PERM_LOGIN, "profile", NULL, NULL,
     0},
    {"POST", "/profile", ui_account_profile_save, PERM_LOGIN, "profile",
     ui_account_profile_fields, ui_account_profile, 0},
    {"POST", "/profile/password", ui_account_password, PERM_LOGIN, "profile",
     ui_account_password_fields, ui_account_profile, 0},

    {"GET", "/incidents/new", ui_incidents_new_form, PERM_INCIDENT_REPORT,
     "incident_new", NULL, NULL, ROUTE_HTML_ONLY},
    {"POST", "/incidents", ui_incidents_report, PERM_INCIDENT_REPORT,
     "incident_new", ui_incidents_report_fields, ui_incidents_new_form, 0},
    {"GET", "/incidents", ui_incidents_index, PERM_INCIDENT_REPORT, "incidents",
     ui_incidents_list_fields, NULL, 0},
    {"GET", "/incidents.csv", ui_incidents_export, PERM_INCIDENT_READ_ALL, NULL,
     ui_incidents_list_fields, NULL, 0},
    {"GET", "/incidents.xlsx", ui_xlsx_incidents, PERM_INCIDENT_READ_ALL, NULL,
     ui_incidents_list_fields, NULL, 0},
    {"GET", "/incidents.json", ui_incidents_export_json, PERM_INCIDENT_READ_ALL,
     NULL, ui_incidents_list_fields, NULL, 0},
    {"GET", "/incidents/{id}", ui_incidents_show, PERM_INCIDENT_REPORT,
     "incident", NULL, NULL, 0},
    {"GET", "/incidents/{id}/submitted", ui_incidents_submitted,
     PERM_INCIDENT_REPORT, "incident_submitted", NULL, NULL, ROUTE_HTML_ONLY},
    {"POST", "/incidents/{id}/status", ui_incidents_move, PERM_INCIDENT_WRITE,
     "incident", ui_incidents_status_fields, ui_incidents_show, 0},
    {"POST", "/incidents/{id}/fields", ui_incidents_edit, PERM_INCIDENT_WRITE,
     "incident", ui_incidents_edit_fields, ui_incidents_show, 0},
    {"POST", "/incidents/{id}/assign", ui_incidents_assign, PERM_INCIDENT_WRITE,
     "incident", ui_incidents_assign_fields, ui_incidents_show, 0},
    {"POST", "/incidents/{id}/compliance", ui_regulatory_save,
     PERM_INCIDENT_WRITE, "incident", compliance_fields, ui_incidents_show, 0},
    {"POST", "/incidents/{id}/notices", ui_regulatory_notice,
     PERM_INCIDENT_WRITE, "incident", ui_regulatory_notice_fields,
     ui_incidents_show, 0},
    {"POST", "/incidents/{id}/comments", ui_incidents_comment,
     PERM_INCIDENT_REPORT, "incident", ui_incidents_comment_fields,
     ui_incidents_show, 0},
    {"POST", "/incidents/{id}/evidence", ui_incidents_upload,
     PERM_INCIDENT_REPORT, "incident", NULL, ui_incidents_show, 0},
    {"GET", "/incidents/{id}/evidence/{sub}", ui_incidents_download,
     PERM_INCIDENT_REPORT, NULL, NULL, NULL, 0},
    {"GET", "/incidents/{id}/stix", ui_indicators_export_stix,
     PERM_INCIDENT_READ_ALL, NULL, NULL, NULL, ROUTE_JSON_ONLY},
    {"POST", "/incidents/{id}/checklist", ui_playbooks_checklist,
     PERM_INCIDENT_WRITE, "incident", ui_playbooks_tick_fields,
     ui_incidents_show, 0},
    {"GET", "/playbooks", ui_playbooks_index, PERM_INCIDENT_READ_ALL,
     "playbooks", NULL, NULL, 0},
    {"GET", "/playbooks/{id}", ui_playbooks_show, PERM_INCIDENT_READ_ALL,
     "playbook", NULL, NULL, 0},
    {"POST", "/playbooks/{id}", ui_playbooks_update, PERM_PLAYBOOK_EDIT,
     "playbook", ui_playbooks_edit_fields, ui_playbooks_show, 0},
    {"POST", "/incidents/{id}/assistant", ui_assistant_request,
     PERM_INCIDENT_WRITE, "incident", NULL, ui_incidents_show, 0},
    {"GET", "/indicators", ui_indicators_index, PERM_INCIDENT_READ_ALL,
     "indicators", ui_indicators_list_fields, NULL, 0},
    {"GET", "/indicators/{id}", ui_indicators_show, PERM_INCIDENT_READ_ALL,
     "indicator", ui_indicators_page_fields, NULL, 0},
    {"GET", "/incidents/{ref}", ui_incidents_show, PERM_INCIDENT_REPORT,
     "incident", NULL, NULL, 0},

    {"GET", "/metrics", ui_dashboards_operational, PERM_DASHBOARD, "dashboard",
     NULL, NULL, 0},
    {"GET", "/metrics/executive", ui_dashboards_executive, PERM_DASHBOARD,
     "dashboard_executive", ui_period_fields, NULL, 0},

    {"GET", "/tokens", ui_tokens_list, PERM_LOGIN, "tokens", NULL, NULL, 0},
    {"POST", "/tokens", ui_tokens_create, PERM_LOGIN, "tokens",
     ui_tokens_create_fields, ui_tokens_list, 0},
    {"POST", "/tokens/{id}/revoke", ui_tokens_revoke, PERM_LOGIN, "tokens",
     NULL, ui_tokens_list, 0},
    {"DELETE", "/tokens/{id}", ui_tokens_revoke, PERM_LOGIN, "tokens", NULL,
     NULL, 0},

    {"GET", "/admin/users", ui_admin_users, PERM_USER_ADMIN, "admin_users",
     ui_admin_users_fields, NULL, 0},
    {"POST", "/admin/users", ui_admin_user_create, PERM_USER_ADMIN,
     "admin_users", ui_admin_user_create_fields, ui_admin_users, 0},
    {"GET", "/admin/users/{id}", ui_admin_user, PERM_USER_ADMIN, "admin_user",
     NULL, NULL, 0},
    {"POST", "/admin/users/{id}/role", ui_admin_user_role, PERM_USER_ADMIN,
     "admin_user", ui_admin_role_fields, ui_admin_user, 0},
    {"POST", "/admin/users/{id}/deactivate", ui_admin_user_deactivate,
     PERM_USER_ADMIN, "admin_user", NULL, ui_admin_user, 0},
    {"POST", "/admin/users/{id}/reactivate", ui_admin_user_reactivate,
     PERM_USER_ADMIN, "admin_user", NULL, ui_admin_user, 0},
    {"GET", "/admin/categories", ui_categories_list, PERM_SETTINGS,
     "admin_categories", NULL, NULL, 0},
    {"POST", "/admin/categories", ui_categories_add, PERM_SETTINGS,
     "admin_categories", ui_categories_add_fields, ui_categories_list, 0},
    {"POST", "/admin/categories/{id}", ui_categories_edit, PERM_SETTINGS,
     "admin_categories", ui_categories_edit_fields, ui_categories_list, 0},
    {"GET", "/admin/settings", ui_organisation_show, PERM_SETTINGS,
     "admin_settings", NULL, NULL, 0},
    {"POST", "/admin/settings", ui_organisation_save, PERM_SETTINGS,
     "admin_settings", ui_organisation_fields, ui_organisation_show, 0},
    {"GET", "/admin/model", ui_model_admin_show, PERM_SETTINGS, "admin_model",
     NULL, NULL, 0},
    {"POST", "/admin/model/retrain", ui_model_admin_retrain, PERM_SETTINGS,
     "admin_model", ui_model_admin_retrain_fields, ui_model_admin_show, 0},
    {"GET", "/admin/webhooks", ui_webhooks_index, PERM_SETTINGS,
     "admin_webhooks", NULL, NULL, 0},
    {"POST", "/admin/webhooks", ui_webhooks_create, PERM_SETTINGS,
     "admin_webhooks", ui_webhooks_add_fields, ui_webhooks_index, 0},
    {"POST", "/admin/webhooks/{id}/disable", ui_webhooks_remove, PERM_SETTINGS,
     "admin_webhooks", NULL, ui_webhooks_index, 0},
    {"GET", "/admin/deliveries", ui_deliveries_index, PERM_SETTINGS,
     "admin_deliveries", ui_deliveries_list_fields, NULL, 0},
    {"POST", "/admin/deliveries/{id}/retry", ui_deliveries_retry, PERM_SETTINGS,
     "admin_deliveries", NULL, ui_deliveries_index, 0},
    {"GET", "/notifications", ui_notifications_list, PERM_LOGIN,
     "notifications", ui_notifications_list_fields, NULL, 0},
    {"GET", "/notifications/count", ui_notifications_count, PERM_LOGIN, NULL,
     NULL, NULL, ROUTE_JSON_ONLY},
    {"POST", "/notifications/read-all", ui_notifications_read_all, PERM_LOGIN,
     "notifications", NULL, ui_notifications_list, 0},
    {"POST", "/notifications/{id}/read", ui_notifications_read, PERM_LOGIN,
     "notifications", NULL, ui_notifications_list, 0},
    {"GET", "/notifications/settings", ui_notifications_prefs, PERM_LOGIN,
     "notification_settings", NULL, NULL, 0},
    {"POST", "/notifications/settings", ui_notifications_prefs_save, PERM_LOGIN,
     "notification_settings", ui_notifications_prefs_fields,
     ui_notifications_prefs, 0},
    {"GET", "/team", ui_notifications_team, PERM_INCIDENT_READ_ALL, "team",
     NULL, NULL, 0},
    {"GET", "/admin/audit", ui_admin_audit, PERM_AUDIT_READ, "admin_audit",
     ui_admin_audit_fields, NULL, 0},
    {"GET", "/admin/audit/verify", ui_admin_audit_verify, PERM_AUDIT_READ,
     "admin_audit_verify", NULL, NULL, 0},
};

/* Loads the suggestion models; without them the app runs and suggests
 * nothing (logged). */
static int app_start(void)
{
	char err[512];
	if (models_init(config_get()->models_dir, err, sizeof(err)) != 0)
		log_event("-", "-", "suggestions off: %s", err);
	return 0;
}

int main(int argc, char **argv)
{
	return server_main_with(argc, argv, "app", routes,
				sizeof(routes) / sizeof(*routes), app_start);
}
