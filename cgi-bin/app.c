/* app.c - the Secura application program: pages and JSON API for every
 * role. One table: each route's method, path, handler, permission,
 * template, declared fields and the form to show again after an error.
 * Every route is also served as JSON under /api/v1 (one handler, two
 * views) unless marked ROUTE_HTML_ONLY. */
#include "../src/core/config.h"
#include "../src/core/log.h"
#include "../src/domain/compliance.h"
#include "../src/domain/models.h"
#include "../src/web/web.h"

static const struct field next_fields[] = {
    {"next", V_LINE, 0, 0, 500, NULL, "Next page"},
    {NULL, 0, 0, 0, 0, NULL, NULL}};

static const struct route routes[] = {
    /* method, path, handler, permission, template, fields, form, flags */
    {"GET", "/health", health_check, PERM_PUBLIC, NULL, NULL, NULL,
     ROUTE_JSON_ONLY},
    {"GET", "/openapi.json", health_openapi, PERM_PUBLIC, NULL, NULL, NULL,
     ROUTE_JSON_ONLY},
    {"GET", "/", account_home, PERM_LOGIN, "home", NULL, NULL, 0},

    {"GET", "/register", account_register_form, PERM_PUBLIC, "register", NULL,
     NULL, ROUTE_HTML_ONLY},
    {"POST", "/register", account_register, PERM_PUBLIC, "register",
     account_register_fields, account_register_form, 0},
    {"GET", "/login", account_login_form, PERM_PUBLIC, "login", next_fields,
     NULL, ROUTE_HTML_ONLY},
    {"POST", "/login", account_login, PERM_PUBLIC, "login",
     account_login_fields, account_login_form, 0},
    {"POST", "/logout", account_logout, PERM_LOGIN, NULL, NULL, NULL, 0},

    {"GET", "/me", account_profile, PERM_LOGIN, "profile", NULL, NULL, 0},
    {"GET", "/profile", account_profile, PERM_LOGIN, "profile", NULL, NULL, 0},
    {"POST", "/profile", account_profile_save, PERM_LOGIN, "profile",
     account_profile_fields, account_profile, 0},
    {"POST", "/profile/password", account_password, PERM_LOGIN, "profile",
     account_password_fields, account_profile, 0},

    {"GET", "/incidents/new", incidents_new_form, PERM_INCIDENT_REPORT,
     "incident_new", NULL, NULL, ROUTE_HTML_ONLY},
    {"POST", "/incidents", incidents_report, PERM_INCIDENT_REPORT,
     "incident_new", incidents_report_fields, incidents_new_form, 0},
    {"GET", "/incidents", incidents_index, PERM_INCIDENT_REPORT, "incidents",
     incidents_list_fields, NULL, 0},
    {"GET", "/incidents.csv", incidents_export, PERM_INCIDENT_READ_ALL, NULL,
     incidents_list_fields, NULL, 0},
    {"GET", "/incidents.xlsx", xlsx_incidents, PERM_INCIDENT_READ_ALL, NULL,
     incidents_list_fields, NULL, 0},
    {"GET", "/incidents.json", incidents_export_json, PERM_INCIDENT_READ_ALL,
     NULL, incidents_list_fields, NULL, 0},
    {"GET", "/incidents/{id}", incidents_show, PERM_INCIDENT_REPORT, "incident",
     NULL, NULL, 0},
    {"GET", "/incidents/{id}/submitted", incidents_submitted,
     PERM_INCIDENT_REPORT, "incident_submitted", NULL, NULL, ROUTE_HTML_ONLY},
    {"POST", "/incidents/{id}/status", incidents_move, PERM_INCIDENT_WRITE,
     "incident", incidents_status_fields, incidents_show, 0},
    {"POST", "/incidents/{id}/fields", incidents_edit, PERM_INCIDENT_WRITE,
     "incident", incidents_edit_fields, incidents_show, 0},
    {"POST", "/incidents/{id}/assign", incidents_assign, PERM_INCIDENT_WRITE,
     "incident", incidents_assign_fields, incidents_show, 0},
    {"POST", "/incidents/{id}/compliance", regulatory_save, PERM_INCIDENT_WRITE,
     "incident", compliance_fields, incidents_show, 0},
    {"POST", "/incidents/{id}/notices", regulatory_notice, PERM_INCIDENT_WRITE,
     "incident", regulatory_notice_fields, incidents_show, 0},
    {"POST", "/incidents/{id}/comments", incidents_comment,
     PERM_INCIDENT_REPORT, "incident", incidents_comment_fields, incidents_show,
     0},
    {"POST", "/incidents/{id}/evidence", incidents_upload, PERM_INCIDENT_REPORT,
     "incident", NULL, incidents_show, 0},
    {"GET", "/incidents/{id}/evidence/{sub}", incidents_download,
     PERM_INCIDENT_REPORT, NULL, NULL, NULL, 0},
    {"GET", "/incidents/{id}/stix", indicators_export_stix,
     PERM_INCIDENT_READ_ALL, NULL, NULL, NULL, ROUTE_JSON_ONLY},
    {"POST", "/incidents/{id}/checklist", playbooks_checklist,
     PERM_INCIDENT_WRITE, "incident", playbooks_tick_fields, incidents_show, 0},
    {"GET", "/playbooks", playbooks_index, PERM_INCIDENT_READ_ALL, "playbooks",
     NULL, NULL, 0},
    {"GET", "/playbooks/{id}", playbooks_show, PERM_INCIDENT_READ_ALL,
     "playbook", NULL, NULL, 0},
    {"POST", "/playbooks/{id}", playbooks_update, PERM_PLAYBOOK_EDIT,
     "playbook", playbooks_edit_fields, playbooks_show, 0},
    {"POST", "/incidents/{id}/assistant", assistant_request,
     PERM_INCIDENT_WRITE, "incident", NULL, incidents_show, 0},
    {"GET", "/indicators", indicators_index, PERM_INCIDENT_READ_ALL,
     "indicators", indicators_list_fields, NULL, 0},
    {"GET", "/indicators/{id}", indicators_show, PERM_INCIDENT_READ_ALL,
     "indicator", indicators_page_fields, NULL, 0},
    {"GET", "/incidents/{ref}", incidents_show, PERM_INCIDENT_REPORT,
     "incident", NULL, NULL, 0},

    {"GET", "/metrics", dashboards_operational, PERM_DASHBOARD, "dashboard",
     NULL, NULL, 0},
    {"GET", "/metrics/executive", dashboards_executive, PERM_DASHBOARD,
     "dashboard_executive", period_fields, NULL, 0},

    {"GET", "/tokens", tokens_list, PERM_LOGIN, "tokens", NULL, NULL, 0},
    {"POST", "/tokens", tokens_create, PERM_LOGIN, "tokens",
     tokens_create_fields, tokens_list, 0},
    {"POST", "/tokens/{id}/revoke", tokens_revoke, PERM_LOGIN, "tokens", NULL,
     tokens_list, 0},
    {"DELETE", "/tokens/{id}", tokens_revoke, PERM_LOGIN, "tokens", NULL, NULL,
     0},

    {"GET", "/admin/users", admin_users, PERM_USER_ADMIN, "admin_users",
     admin_users_fields, NULL, 0},
    {"POST", "/admin/users", admin_user_create, PERM_USER_ADMIN, "admin_users",
     admin_user_create_fields, admin_users, 0},
    {"GET", "/admin/users/{id}", admin_user, PERM_USER_ADMIN, "admin_user",
     NULL, NULL, 0},
    {"POST", "/admin/users/{id}/role", admin_user_role, PERM_USER_ADMIN,
     "admin_user", admin_role_fields, admin_user, 0},
    {"POST", "/admin/users/{id}/deactivate", admin_user_deactivate,
     PERM_USER_ADMIN, "admin_user", NULL, admin_user, 0},
    {"POST", "/admin/users/{id}/reactivate", admin_user_reactivate,
     PERM_USER_ADMIN, "admin_user", NULL, admin_user, 0},
    {"GET", "/admin/categories", categories_list, PERM_SETTINGS,
     "admin_categories", NULL, NULL, 0},
    {"POST", "/admin/categories", categories_add, PERM_SETTINGS,
     "admin_categories", categories_add_fields, categories_list, 0},
    {"POST", "/admin/categories/{id}", categories_edit, PERM_SETTINGS,
     "admin_categories", categories_edit_fields, categories_list, 0},
    {"GET", "/admin/settings", organisation_show, PERM_SETTINGS,
     "admin_settings", NULL, NULL, 0},
    {"POST", "/admin/settings", organisation_save, PERM_SETTINGS,
     "admin_settings", organisation_fields, organisation_show, 0},
    {"GET", "/admin/model", model_admin_show, PERM_SETTINGS, "admin_model",
     NULL, NULL, 0},
    {"POST", "/admin/model/retrain", model_admin_retrain, PERM_SETTINGS,
     "admin_model", model_admin_retrain_fields, model_admin_show, 0},
    {"GET", "/admin/webhooks", webhooks_index, PERM_SETTINGS, "admin_webhooks",
     NULL, NULL, 0},
    {"POST", "/admin/webhooks", webhooks_create, PERM_SETTINGS,
     "admin_webhooks", webhooks_add_fields, webhooks_index, 0},
    {"POST", "/admin/webhooks/{id}/disable", webhooks_remove, PERM_SETTINGS,
     "admin_webhooks", NULL, webhooks_index, 0},
    {"GET", "/admin/deliveries", deliveries_index, PERM_SETTINGS,
     "admin_deliveries", deliveries_list_fields, NULL, 0},
    {"POST", "/admin/deliveries/{id}/retry", deliveries_retry, PERM_SETTINGS,
     "admin_deliveries", NULL, deliveries_index, 0},
    {"GET", "/notifications", notifications_list, PERM_LOGIN, "notifications",
     notifications_list_fields, NULL, 0},
    {"GET", "/notifications/count", notifications_count, PERM_LOGIN, NULL, NULL,
     NULL, ROUTE_JSON_ONLY},
    {"POST", "/notifications/read-all", notifications_read_all, PERM_LOGIN,
     "notifications", NULL, notifications_list, 0},
    {"POST", "/notifications/{id}/read", notifications_read, PERM_LOGIN,
     "notifications", NULL, notifications_list, 0},
    {"GET", "/notifications/settings", notifications_prefs, PERM_LOGIN,
     "notification_settings", NULL, NULL, 0},
    {"POST", "/notifications/settings", notifications_prefs_save, PERM_LOGIN,
     "notification_settings", notifications_prefs_fields, notifications_prefs,
     0},
    {"GET", "/team", notifications_team, PERM_INCIDENT_READ_ALL, "team", NULL,
     NULL, 0},
    {"GET", "/admin/audit", admin_audit, PERM_AUDIT_READ, "admin_audit",
     admin_audit_fields, NULL, 0},
    {"GET", "/admin/audit/verify", admin_audit_verify, PERM_AUDIT_READ,
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
