/* reports.c - the reports program: compliance PDFs and their data, in a
 * process of its own so that a large report never holds up the pages
 * (nginx sends /reports and /api/v1/reports here). */
#include "../src/web/ui.h"

static const struct route routes[] = {
    /* method, path, handler, permission, template, fields, form, flags */
    {"GET", "/reports", ui_reports_index, PERM_REPORT, "reports", NULL, NULL,
     0},
    {"GET", "/reports/gdpr-art33", ui_reports_gdpr_art33, PERM_REPORT,
     "reports", ui_reports_incident_fields, NULL, 0},
    {"GET", "/reports/hipaa", ui_reports_hipaa, PERM_REPORT, "reports",
     ui_reports_incident_fields, NULL, 0},
    {"GET", "/reports/gdpr-register", ui_reports_gdpr_register, PERM_REPORT,
     "reports", ui_reports_period_fields, NULL, 0},
    {"GET", "/reports/hipaa-log", ui_reports_hipaa_log, PERM_REPORT, "reports",
     ui_reports_year_fields, NULL, 0},
    {"GET", "/reports/sox", ui_reports_sox, PERM_REPORT, "reports",
     ui_reports_period_fields, NULL, 0},
    {"GET", "/reports/executive", ui_reports_executive, PERM_REPORT, "reports",
     ui_reports_period_fields, NULL, 0},
    {"GET", "/reports/jobs/{id}", ui_reports_job, PERM_REPORT, "report_job",
     NULL, NULL, 0},
    {"GET", "/reports/jobs/{id}/file", ui_reports_job_file, PERM_REPORT, NULL,
     NULL, NULL, 0},
};

int main(int argc, char **argv)
{
	return server_main(argc, argv, "reports", routes,
			   sizeof(routes) / sizeof(*routes));
}
