/* report_pdf.c - lays out each compliance report's data (report_data.c)
 * as a PDF with core/pdf.c: a title page, the report's sections and
 * tables, the SHA-256 of its data on every page. Used by the reports
 * program for a request and by the worker for a background job. */
#include "report_pdf.h"

#include "../core/clock.h"
#include "../core/pdf.h"
#include "compliance.h"
#include "report_data.h"
#include "settings.h"

#include <stdio.h>
#include <string.h>

/* Returns a string member of o ("" when missing). */
static const char *str(json_t *o, const char *key)
{
	const char *v = json_string_value(json_object_get(o, key));
	return v ? v : "";
}

/* Returns a member as text: strings as they are, numbers in decimal,
 * null as "unknown". Arena string. */
static const char *text(arena *a, json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_integer(v))
		return arena_printf(a, "%lld",
				    (long long)json_integer_value(v));
	if (json_is_true(v))
		return "yes";
	if (json_is_false(v))
		return "no";
	return "unknown";
}

/* Returns an ISO time as "YYYY-MM-DD HH:MM" (so a narrow table column
 * breaks it between date and time); other text as it is. */
static const char *when(arena *a, const char *v)
{
	if (strlen(v) == 20 && v[10] == 'T' && v[19] == 'Z')
		return arena_printf(a, "%.10s %.5s", v, v + 11);
	return v;
}

/* Returns the strings of arr joined by ", ", or "not recorded". Arena
 * string. */
static const char *joined(arena *a, json_t *arr)
{
	buf b = BUF_INIT;
	size_t i;
	json_t *t;
	json_array_foreach(arr, i, t)
	    buf_printf(&b, "%s%s", i ? ", " : "", json_string_value(t));
	const char *out =
	    b.len ? arena_strdup(a, buf_cstr(&b)) : "not recorded";
	buf_free(&b);
	return out;
}

/* Lays out the organisation block of the GDPR notification. */
static void org_block(pdf *p, json_t *s)
{
	pdf_heading(p, "1. Controller and contact point");
	pdf_kv(p, "Organisation", str(s, "org_name"));
	pdf_kv(p, "Data controller", str(s, "controller"));
	pdf_kv(p, "Controller contact", str(s, "controller_contact"));
	pdf_kv(p, "Data protection officer", str(s, "dpo_name"));
	pdf_kv(p, "DPO contact", str(s, "dpo_contact"));
	pdf_kv(p, "Supervisory authority", str(s, "authority"));
}

/* Lays out the history of an incident as the follow-up log. */
static void history_table(pdf *p, arena *a, json_t *history)
{
	size_t n = json_array_size(history), i;
	const char **cells = arena_calloc(a, n * 4 + 1, sizeof(*cells));
	json_t *e;
	json_array_foreach(history, i, e)
	{
		const char *field = str(e, "field"), *kind = str(e, "kind");
		cells[i * 4] = when(a, str(e, "at"));
		cells[i * 4 + 1] = str(json_object_get(e, "actor"), "email");
		cells[i * 4 + 2] =
		    *field ? arena_printf(a, "%s: %s", kind, field) : kind;
		const char *old = str(e, "old"), *nw = str(e, "new");
		cells[i * 4 + 3] =
		    *old ? arena_printf(a, "%s → %s", old, nw) : nw;
	}
	static const char *const head[] = {"Time (UTC)", "By", "Change",
					   "Value"};
	static const double w[] = {0.2, 0.24, 0.2, 0.36};
	pdf_table(p, 4, head, w, cells, (int)n);
}

/* Lays out the notifications made of the given kinds (prefix match). */
static void notices_table(pdf *p, arena *a, json_t *notices, const char *prefix)
{
	size_t i, n = 0;
	json_t *e;
	const char **cells =
	    arena_calloc(a, json_array_size(notices) * 5 + 1, sizeof(*cells));
	json_array_foreach(notices, i, e)
	{
		if (strncmp(str(e, "kind"), prefix, strlen(prefix)))
			continue;
		cells[n * 5] = str(e, "label");
		cells[n * 5 + 1] = when(a, str(e, "made_at"));
		cells[n * 5 + 2] = arena_printf(
		    a, "%s%s%s", str(e, "channel"),
		    *str(e, "reference") ? ", ref. " : "", str(e, "reference"));
		cells[n * 5 + 3] =
		    *str(e, "deadline") ? str(e, "deadline") : "none";
		cells[n * 5 + 4] =
		    json_is_true(json_object_get(e, "late"))
			? arena_printf(a, "late: %s", str(e, "late_reason"))
			: "on time";
		n++;
	}
	if (!n) {
		pdf_para(p, "No notification recorded.");
		return;
	}
	static const char *const head[] = {"Notified", "When (UTC)", "How",
					   "Deadline (UTC)", "Timeliness"};
	static const double w[] = {0.24, 0.18, 0.22, 0.18, 0.18};
	pdf_table(p, 5, head, w, cells, (int)n);
}

/* Returns the first notification of a kind, or NULL. */
static json_t *first_notice(json_t *notices, const char *kind)
{
	size_t i;
	json_t *e;
	json_array_foreach(notices, i,
			   e) if (!strcmp(str(e, "kind"), kind)) return e;
	return NULL;
}

/* GDPR Art. 33 notification for one incident. */
static void render_gdpr_art33(pdf *p, arena *a, json_t *d)
{
	json_t *in = json_object_get(d, "incident"),
	       *co = json_object_get(d, "compliance"),
	       *notices = json_object_get(d, "notices");
	org_block(p, json_object_get(d, "settings"));
	pdf_heading(p, "2. Nature of the personal data breach");
	pdf_kv(p, "Incident reference", str(in, "ref"));
	pdf_kv(p, "Title", str(in, "title"));
	pdf_kv(p, "Category",
	       arena_printf(a, "%s (ENISA: %s)",
			    str(json_object_get(in, "category"), "name"),
			    str(in, "enisa_class")));
	pdf_kv(p, "Status", str(in, "status"));
	pdf_kv(p, "Severity", text(a, in, "severity"));
	pdf_kv(p, "When it happened", str(in, "occurred_at"));
	pdf_kv(p, "Organisation became aware", str(d, "aware"));
	pdf_kv(p, "Reported in Secura", str(in, "created_at"));
	pdf_kv(p, "Location / department", str(in, "location"));
	pdf_kv(p, "Affected systems", str(in, "assets"));
	pdf_subheading(p, "Description");
	pdf_para(p, str(in, "description"));
	pdf_heading(p, "3. Data subjects and personal data records");
	pdf_kv(p, "Categories of personal data",
	       joined(a, json_object_get(in, "data_types")));
	pdf_kv(p, "Approximate number of data subjects",
	       text(a, in, "people_affected"));
	pdf_kv(p, "Approximate number of records",
	       text(a, in, "records_affected"));
	pdf_heading(p, "4. Likely consequences");
	pdf_para(p, *str(co, "consequences") ? str(co, "consequences")
					     : "Not recorded.");
	pdf_heading(p, "5. Measures taken and proposed");
	pdf_para(p,
		 *str(co, "measures") ? str(co, "measures") : "Not recorded.");
	pdf_kv(p, "Root cause", str(in, "root_cause"));
	pdf_kv(p, "Resolution", str(in, "resolution"));
	pdf_heading(p, "6. Notification of the supervisory authority");
	const char *deadline =
	    str(json_object_get(co, "deadlines"), "gdpr_authority");
	pdf_kv(p, "Deadline (72 hours after awareness)", deadline);
	json_t *n = first_notice(notices, "gdpr_authority");
	pdf_kv(p, "Authority notified", n ? str(n, "made_at") : "not notified");
	if (n && json_is_true(json_object_get(n, "late")))
		pdf_kv(p, "Reason for the delay", str(n, "late_reason"));
	else if (n)
		pdf_kv(p, "Timeliness", "within 72 hours");
	notices_table(p, a, notices, "gdpr_");
	pdf_heading(p, "7. Communication to data subjects (Art. 34)");
	pdf_kv(p, "Decision",
	       *str(co, "art34_decision")
		   ? str(json_object_get(co, "labels"), "art34_decision")
		   : "not decided");
	pdf_kv(p, "Reasoning", str(co, "art34_reason"));
	pdf_heading(p, "8. Follow-up log");
	history_table(p, a, json_object_get(d, "history"));
}

/* HIPAA breach report for one incident. */
static void render_hipaa(pdf *p, arena *a, json_t *d)
{
	json_t *in = json_object_get(d, "incident"),
	       *co = json_object_get(d, "compliance"),
	       *dl = json_object_get(co, "deadlines");
	pdf_heading(p, "1. The breach");
	pdf_kv(p, "Covered entity",
	       str(json_object_get(d, "settings"), "org_name"));
	pdf_kv(p, "Incident reference", str(in, "ref"));
	pdf_kv(p, "Title", str(in, "title"));
	pdf_kv(p, "Date of discovery", str(d, "aware"));
	pdf_kv(p, "When it happened", str(in, "occurred_at"));
	pdf_kv(p, "Individuals affected", text(a, in, "people_affected"));
	pdf_kv(p, "Individuals per state", str(co, "hipaa_states"));
	pdf_kv(p, "Types of information",
	       joined(a, json_object_get(in, "data_types")));
	pdf_subheading(p, "Description");
	pdf_para(p, str(in, "description"));
	pdf_heading(p, "2. Four-factor risk assessment (45 CFR 164.402)");
	pdf_kv(p, "1. Nature and extent of the PHI", str(co, "hipaa_nature"));
	pdf_kv(p, "2. Unauthorized person", str(co, "hipaa_recipient"));
	pdf_kv(p, "3. Acquired or viewed", str(co, "hipaa_acquired"));
	pdf_kv(p, "4. Extent of mitigation", str(co, "hipaa_mitigation"));
	pdf_kv(p, "Conclusion",
	       *str(co, "hipaa_conclusion")
		   ? str(json_object_get(co, "labels"), "hipaa_conclusion")
		   : "not concluded");
	pdf_heading(p, "3. Notifications (60-day limit)");
	pdf_kv(p, "Individuals due by", str(dl, "hipaa_individuals"));
	pdf_kv(p, "HHS due by", str(dl, "hipaa_hhs"));
	pdf_kv(p, "Media due by",
	       *str(dl, "hipaa_media") ? str(dl, "hipaa_media")
				       : "not required (fewer than 500)");
	notices_table(p, a, json_object_get(d, "notices"), "hipaa_");
	pdf_heading(p, "4. Follow-up log");
	history_table(p, a, json_object_get(d, "history"));
}

/* The rows of a period register as cells, using cols (member names,
 * joined with " · " after '+' and on a new line after '|'). */
static void rows_table(pdf *p, arena *a, json_t *rows, int ncols,
		       const char *const *head, const double *w,
		       const char *const *cols)
{
	size_t n = json_array_size(rows), i;
	const char **cells =
	    arena_calloc(a, n * (size_t)ncols + 1, sizeof(*cells));
	json_t *r;
	json_array_foreach(rows, i, r) for (int c = 0; c < ncols; c++)
	{
		buf b = BUF_INIT;
		for (const char *k = cols[c]; *k;) {
			size_t kl = strcspn(k, "+|");
			const char *key = arena_strndup(a, k, kl);
			const char *v = compliance_value_label(
			    key, when(a, text(a, r, key)));
			if (*v && strcmp(v, "unknown"))
				buf_printf(&b, "%s%s",
					   !b.len	  ? ""
					   : k[-1] == '|' ? "\n"
							  : " · ",
					   v);
			k += kl + (k[kl] != '\0');
		}
		cells[i * (size_t)ncols + (size_t)c] =
		    arena_strdup(a, buf_cstr(&b));
		buf_free(&b);
	}
	pdf_table(p, ncols, head, w, cells, (int)n);
}

/* GDPR breach register (Art. 33(5)) for a period. */
static void render_gdpr_register(pdf *p, arena *a, json_t *d)
{
	json_t *rows = json_object_get(d, "rows"), *r;
	size_t i;
	int notified = 0, late = 0;
	json_array_foreach(rows, i, r)
	{
		notified += *str(r, "notified_at") != '\0';
		late += json_is_true(json_object_get(r, "late"));
	}
	pdf_heading(p, "Summary");
	pdf_para(p,
		 "Every incident involving personal data reported in the "
		 "period, whether or not it was notified to the supervisory "
		 "authority, with its facts, effects and the remedial action "
		 "taken (GDPR Art. 33(5)).");
	pdf_kv(p, "Breaches", arena_printf(a, "%zu", json_array_size(rows)));
	pdf_kv(p, "Notified to the authority", arena_printf(a, "%d", notified));
	pdf_kv(p, "Notified late", arena_printf(a, "%d", late));
	pdf_heading(p, "Register");
	static const char *const head[] = {
	    "Reference / aware", "Facts",	    "Data subjects",
	    "Effects",		 "Remedial action", "Authority notified"};
	static const double w[] = {0.16, 0.25, 0.1, 0.16, 0.18, 0.15};
	static const char *const cols[] = {
	    "ref|aware",	   "title+category+data_types+summary",
	    "people+records",	   "consequences",
	    "measures+resolution", "notified_at+art34_decision"};
	rows_table(p, a, rows, 6, head, w, cols);
}

/* HIPAA annual log of breaches under 500 people. */
static void render_hipaa_log(pdf *p, arena *a, json_t *d)
{
	pdf_heading(p, "Breaches affecting fewer than 500 individuals");
	pdf_para(p, "Kept for the annual submission to the HHS Secretary, due "
		    "within 60 days of the end of the calendar year "
		    "(45 CFR 164.408(c)).");
	static const char *const head[] = {
	    "Reference",   "Discovered", "Individuals",
	    "Description", "Assessment", "Individuals notified"};
	static const double w[] = {0.16, 0.14, 0.1, 0.3, 0.14, 0.16};
	static const char *const cols[] = {"ref",
					   "aware",
					   "people",
					   "title+summary",
					   "hipaa_conclusion",
					   "notified_at"};
	rows_table(p, a, json_object_get(d, "rows"), 6, head, w, cols);
}

/* SOX IT-control incident report for a period. */
static void render_sox(pdf *p, arena *a, json_t *d)
{
	json_t *rows = json_object_get(d, "rows"), *r;
	size_t i;
	int cls[4] = {0};
	json_array_foreach(rows, i, r)
	{
		const char *c = str(r, "sox_classification");
		cls[!strcmp(c, "deficiency")		   ? 0
		    : !strcmp(c, "significant_deficiency") ? 1
		    : !strcmp(c, "material_weakness")	   ? 2
							   : 3]++;
	}
	pdf_heading(p, "Summary");
	pdf_para(p, arena_printf(
			a,
			"Incidents flagged as touching in-scope "
			"financial systems, for %s.",
			str(json_object_get(d, "settings"), "sox_committee")));
	pdf_kv(p, "Incidents", arena_printf(a, "%zu", json_array_size(rows)));
	pdf_kv(p, "Control deficiencies", arena_printf(a, "%d", cls[0]));
	pdf_kv(p, "Significant deficiencies", arena_printf(a, "%d", cls[1]));
	pdf_kv(p, "Material weaknesses", arena_printf(a, "%d", cls[2]));
	pdf_kv(p, "Not yet classified", arena_printf(a, "%d", cls[3]));
	pdf_heading(p, "Incidents");
	static const char *const head[] = {"Reference",
					   "Incident",
					   "Control area",
					   "Classification",
					   "Remediation owner / due",
					   "Committee told"};
	static const double w[] = {0.16, 0.24, 0.13, 0.15, 0.17, 0.15};
	static const char *const cols[] = {"ref+status",
					   "title+category",
					   "sox_control_area",
					   "sox_classification",
					   "sox_owner+sox_remediation_due",
					   "sox_committee_at"};
	rows_table(p, a, rows, 6, head, w, cols);
}

/* Executive summary: the dashboard's figures and charts. */
static void render_executive(pdf *p, arena *a, json_t *d)
{
	json_t *tot = json_object_get(d, "totals");
	pdf_heading(p, "Key figures");
	pdf_kv(p, "Incidents", text(a, tot, "incidents"));
	pdf_kv(p, "Previous period", text(a, tot, "previous"));
	pdf_kv(p, "Change", text(a, tot, "change"));
	pdf_kv(p, "False-positive rate", text(a, tot, "false_positive_rate"));
	pdf_kv(p, "Previous false-positive rate",
	       text(a, tot, "previous_false_positive_rate"));
	pdf_heading(p, "Response times");
	json_t *times = json_object_get(d, "times"), *t;
	size_t i, n = json_array_size(times);
	const char **cells = arena_calloc(a, n * 6 + 1, sizeof(*cells));
	json_array_foreach(times, i, t)
	{
		const char *keys[] = {"name",	"n",   "mean",
				      "median", "p90", "change_median"};
		for (int k = 0; k < 6; k++)
			cells[i * 6 + (size_t)k] = text(a, t, keys[k]);
	}
	static const char *const head[] = {
	    "Measure", "Incidents",	  "Mean",
	    "Median",  "90th percentile", "Median vs previous"};
	static const double w[] = {0.2, 0.12, 0.16, 0.16, 0.18, 0.18};
	pdf_table(p, 6, head, w, cells, (int)n);
	pdf_heading(p, "Incidents over time");
	pdf_bars(p, "Incidents per week (week starting)",
		 json_object_get(d, "weekly"), "week");
	pdf_heading(p, "Breakdown");
	pdf_bars(p, "By category", json_object_get(d, "by_category"), "name");
	pdf_bars(p, "By severity", json_object_get(d, "by_severity"), "name");
	pdf_bars(p, "By department", json_object_get(d, "by_department"),
		 "name");
	json_t *al = json_object_get(d, "alerts");
	pdf_heading(p, "Alerts from monitoring");
	pdf_kv(p, "Alerts raised", text(a, al, "total"));
	pdf_kv(p, "Mean time to acknowledge (min)",
	       text(a, al, "mean_ack_minutes"));
	pdf_kv(p, "Mean time to close (min)",
	       text(a, al, "mean_close_minutes"));
	int64_t closed = 0, fps = 0;
	json_t *det, *x;
	size_t j;
	json_array_foreach(json_object_get(al, "detectors"), j, det)
	{
		closed += json_integer_value(json_object_get(det, "closed"));
		fps +=
		    json_integer_value(json_object_get(det, "false_positives"));
	}
	pdf_kv(p, "Closed as false positives",
	       arena_printf(a, "%lld of %lld closed", (long long)fps,
			    (long long)closed));
	pdf_bars(p, "Alerts by severity", json_object_get(al, "by_severity"),
		 "name");
	json_array_foreach(json_object_get(al, "techniques"), j, x)
	    pdf_para(p, arena_printf(a, "%s %s (%s): %s alerts", str(x, "id"),
				     str(x, "name"), str(x, "tactics"),
				     text(a, x, "n")));
	pdf_heading(p, "Anomalies");
	json_t *an = json_object_get(d, "anomalies");
	if (!json_array_size(an))
		pdf_para(p, "No category had an anomalously busy last week.");
	json_array_foreach(an, i, x) pdf_para(
	    p, arena_printf(a, "%s: %s incidents last week against about %s.",
			    str(x, "name"), text(a, x, "last_week"),
			    text(a, x, "expected")));
}

typedef void (*render_fn)(pdf *p, arena *a, json_t *data);

static const struct {
	const char *kind;
	render_fn render;
} renderers[] = {{"gdpr-art33", render_gdpr_art33},
		 {"gdpr-register", render_gdpr_register},
		 {"hipaa", render_hipaa},
		 {"hipaa-log", render_hipaa_log},
		 {"sox", render_sox},
		 {"executive", render_executive}};

/* Draws report kind from its data into out as a PDF (subject and who
 * asked on the title page); *pages gets the page count. Returns 0, or -1
 * with a reason in err. */
int report_pdf_draw(arena *a, const char *kind, json_t *data,
		    const char *subject, const char *by, const char *data_sha,
		    buf *out, int *pages, char *err, size_t errlen)
{
	char now[21];
	clock_iso(clock_now(), now);
	struct pdf_meta m = {
	    report_kind(kind)->title,
	    subject,
	    settings_str(json_object_get(data, "settings"), "org_name"),
	    by,
	    now,
	    data_sha};
	pdf *p = pdf_new(&m, err, errlen);
	if (!p)
		return -1;
	for (size_t i = 0; i < sizeof(renderers) / sizeof(*renderers); i++)
		if (!strcmp(renderers[i].kind, kind))
			renderers[i].render(p, a, data);
	int rc = pdf_finish(p, out, pages, err, errlen);
	pdf_free(p);
	return rc;
}
