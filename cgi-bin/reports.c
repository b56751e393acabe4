/* reports.c - the reports program: compliance PDFs and their data, in a
 * process of its own so that a large report never holds up the pages
 * (nginx sends /reports and /api/v1/reports here). */
#include "../src/web/web.h"

static const struct route routes[] = {
    /* method, path, handler, permission, template, fields, form, flags */
    {"GET", "/reports", reports_index, PERM_REPORT, "reports", NULL, NULL, 0},
    {"GET", "/reports/gdpr-art33", reports_gdpr_art33, PERM_REPORT, "reports",
     reports_incident_fields, NULL, 0},
    {"GET", "/reports/hipaa", reports_hipaa, PERM_REPORT, "reports",
     reports_incident_fields, NULL, 0},
    {"GET", "/reports/gdpr-register", reports_gdpr_register, PERM_REPORT,
     "reports", reports_period_fields, NULL, 0},
    {"GET", "/reports/hipaa-log", reports_hipaa_log, PERM_REPORT, "reports",
     reports_year_fields, NULL, 0},
    {"GET", "/reports/sox", reports_sox, PERM_REPORT, "reports",
     reports_period_fields, NULL, 0},
    {"GET", "/reports/executive", reports_executive, PERM_REPORT, "reports",
     reports_period_fields, NULL, 0},
    {"GET", "/reports/jobs/{id}", reports_job, PERM_REPORT, "report_job", NULL,
     NULL, 0},
    {"GET", "/reports/jobs/{id}/file", reports_job_file, PERM_REPORT, NULL,
     NULL, NULL, 0},
};

int main(int argc, char **argv)
{
	return server_main(argc, argv, "reports", routes,
			   sizeof(routes) / sizeof(*routes));
}
