/* test_reports.c - the arithmetic behind dashboards (percentiles, Holt
 * forecasts, back-tests, the Poisson anomaly tail), SVG charts escaping
 * what they print, and the PDF builder producing a well-formed file with
 * a title page, contents and numbered pages. */
#include "../../src/core/config.h"
#include "../../src/core/pdf.h"
#include "../../src/domain/forecast.h"
#include "../../src/domain/metrics.h"
#include "../../src/web/ui_svg.h"
#include "../testhelp.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static void test_percentile(void)
{
	int64_t v[] = {3600, 7200, 10800};
	test_cond("median of three is the middle one",
		  metrics_percentile(v, 3, 50) == 7200);
	test_cond("p90 interpolates between closest ranks (numpy)",
		  fabs(metrics_percentile(v, 3, 90) - 10080) < 1e-9);
	int64_t w[] = {18000, 36000};
	test_cond("median of two is their mean",
		  metrics_percentile(w, 2, 50) == 27000);
	test_cond("no values: NAN", isnan(metrics_percentile(v, 0, 50)));
	char t[32];
	test_streq("durations read as days and hours",
		   metrics_duration_text(90000, t), "1 d 1 h");
	test_streq("or hours and minutes", metrics_duration_text(7260, t),
		   "2 h 1 min");
	test_streq("or minutes, rounded up", metrics_duration_text(61, t),
		   "2 min");
}

static void test_forecast(void)
{
	double flat[26], line[26], next[4];
	for (int i = 0; i < 26; i++) {
		flat[i] = 5;
		line[i] = 10 + 2 * i;
	}
	struct forecast_fit f;
	test_cond("too short a series is refused",
		  forecast_fit(flat, 2, &f) == -1);
	forecast_fit(flat, 26, &f);
	forecast_ahead(&f, 4, next);
	test_cond("a flat series forecasts itself",
		  fabs(next[0] - 5) < 1e-9 && fabs(next[3] - 5) < 1e-9);
	forecast_fit(line, 26, &f);
	forecast_ahead(&f, 4, next);
	test_cond("a rising series keeps rising, damped",
		  next[0] > 58 && next[3] > next[0] && next[3] < 70);
	double mae, naive;
	test_cond("back-test needs h + 4 values",
		  forecast_backtest(line, 7, 4, &mae, &naive) == -1);
	test_cond("back-test runs",
		  forecast_backtest(line, 26, 4, &mae, &naive) == 0);
	test_cond("on a trend Holt beats the 4-week mean", mae < naive);
	test_cond("Poisson tail P(X>=5 | 2) = 0.0527",
		  fabs(forecast_poisson_tail(2, 5) - 0.052653) < 1e-5);
	test_cond("P(X>=0) = 1", forecast_poisson_tail(3, 0) == 1.0);
	test_cond("large lambda uses the normal tail (median ~ 0.5)",
		  fabs(forecast_poisson_tail(1000, 1000) - 0.5) < 0.02);
}

static void test_svg(void)
{
	json_t *items =
	    json_pack("[{ss si} {ss si}]", "name", "<script>alert(1)</script>",
		      "n", 3, "name", "Müller & Co", "n", 0);
	buf b = BUF_INIT;
	ui_svg_hbars(&b, "c1", "Title \"x\"", "Desc <b>", items, "name");
	const char *s = buf_cstr(&b);
	test_cond("labels are escaped",
		  !strstr(s, "<script>") && strstr(s, "&lt;script&gt;"));
	test_cond("title and desc are there, escaped",
		  strstr(s, "<title id=\"c1-t\">Title &quot;x&quot;</title>") &&
		      strstr(s, "Desc &lt;b&gt;"));
	test_cond("accessible: role=img named by its title, described by desc",
		  strstr(s, "role=\"img\" aria-labelledby=\"c1-t\" "
			    "aria-describedby=\"c1-d\""));
	test_cond("UTF-8 labels kept", strstr(s, "Müller &amp; Co"));
	buf_reset(&b);
	ui_svg_donut(&b, "c2", "t", "d", items);
	test_cond("a donut of one non-zero share is a full ring",
		  strstr(buf_cstr(&b), "<circle"));
	buf_free(&b);
	json_decref(items);
}

static void test_pdf(void)
{
	char err[256];
	struct pdf_meta m = {"Test report",	     "A period",
			     "Société Générale",     "zoë@example.org",
			     "2026-01-01T00:00:00Z", "ab12"};
	pdf *p = pdf_new(&m, err, sizeof(err));
	test_cond("a document is created (fonts found)", p != NULL);
	if (!p)
		return;
	pdf_heading(p, "Première section");
	for (int i = 0; i < 120; i++)
		pdf_para(p, "Lorem ipsum dolor sit amet, façade naïve "
			    "coöperation, a paragraph long enough to wrap "
			    "onto a second line of the page at ten points.");
	pdf_heading(p, "Second");
	const char *cells[] = {"a",
			       "averyveryveryveryveryveryveryveryveryvery"
			       "longwordthatmustbecut",
			       "c", "d"};
	static const char *const head[] = {"One", "Two"};
	static const double w[] = {0.3, 0.7};
	pdf_table(p, 2, head, w, cells, 2);
	buf out = BUF_INIT;
	int pages = 0;
	int rc = pdf_finish(p, &out, &pages, err, sizeof(err));
	test_cond("finished without libharu errors", rc == 0);
	test_cond("it is a PDF",
		  out.len > 1000 && !memcmp(out.data, "%PDF-", 5));
	test_cond("title page + contents + several content pages", pages >= 5);
	test_cond("the data hash is in the info dictionary as plain text",
		  memmem(out.data, out.len, "secura-data-sha256:ab12", 23));
	buf_free(&out);
	pdf_free(p);
}

int main(void)
{
	char err[256];
	config_load(err, sizeof(err));
	test_percentile();
	test_forecast();
	test_svg();
	test_pdf();
	return test_report();
}
