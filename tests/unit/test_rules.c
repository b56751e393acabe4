/* test_rules.c - the domain's pure rules, table by table: the workflow's
 * moves, the legal deadlines, the clocks' warning stages and how a
 * search box becomes an FTS5 expression. */
#include "../../src/core/arena.h"
#include "../../src/domain/deadlines.h"
#include "../../src/domain/incidents.h"
#include "../testhelp.h"

#include <stdio.h>
#include <time.h>

#define HOUR 3600
#define DAY  86400

/* 2026-03-10 12:00:00 UTC */
#define T0 1773144000

/* The workflow: every allowed move and a sample of refused ones. */
static void test_moves(void)
{
	static const struct {
		const char *from, *to;
		int ok;
	} cases[] = {
	    {"new", "triage", 1},
	    {"new", "rejected", 1},
	    {"triage", "investigating", 1},
	    {"triage", "rejected", 1},
	    {"investigating", "containment", 1},
	    {"containment", "eradication", 1},
	    {"eradication", "recovery", 1},
	    {"recovery", "resolved", 1},
	    {"investigating", "resolved", 1},
	    {"resolved", "closed", 1},
	    {"resolved", "investigating", 1},
	    {"closed", "investigating", 1},
	    {"new", "resolved", 0},
	    {"new", "closed", 0},
	    {"rejected", "new", 0},
	    {"rejected", "investigating", 0},
	    {"closed", "new", 0},
	    {"investigating", "rejected", 0},
	    {"triage", "new", 0},
	    {"new", "new", 0},
	    {"new", "nonsense", 0},
	};
	int bad = 0;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++)
		if (incidents_can_move(cases[i].from, cases[i].to) !=
		    cases[i].ok) {
			printf("#   %s -> %s: expected %s\n", cases[i].from,
			       cases[i].to,
			       cases[i].ok ? "allowed" : "refused");
			bad++;
		}
	test_cond("the workflow allows exactly its moves", bad == 0);
}

/* Returns Unix time of a UTC date. */
static int64_t utc(int y, int m, int d)
{
	struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d};
	return (int64_t)timegm(&tm);
}

/* The legal deadlines, counted from awareness (noticed, else reported). */
static void test_deadlines(void)
{
	struct incident noticed = {.noticed_at = T0,
				   .created_at = T0 + DAY,
				   .people_affected = 10,
				   .data_types = "personal,health"};
	struct incident reported = {.created_at = T0, .people_affected = 600};
	struct incident unknown = {.created_at = T0, .people_affected = -1};
	static const char *const none = "personal";
	struct incident no_health = {.created_at = T0, .data_types = none};
	const struct {
		const char *what;
		const struct incident *in;
		const char *kind;
		int64_t want;
	} cases[] = {
	    {"GDPR: 72 h after noticed", &noticed, "gdpr_authority",
	     T0 + 72 * HOUR},
	    {"GDPR: 72 h after reported when never noticed", &reported,
	     "gdpr_authority", T0 + 72 * HOUR},
	    {"HIPAA individuals: 60 days", &noticed, "hipaa_individuals",
	     T0 + 60 * DAY},
	    {"HIPAA media: none under 500 people", &noticed, "hipaa_media", 0},
	    {"HIPAA media: 60 days from 500 people", &reported, "hipaa_media",
	     T0 + 60 * DAY},
	    {"HIPAA HHS: 60 days from 500 people", &reported, "hipaa_hhs",
	     T0 + 60 * DAY},
	    {"HIPAA HHS: 60 days after the year's end under 500", &noticed,
	     "hipaa_hhs", utc(2027, 1, 1) + 60 * DAY},
	    {"HIPAA HHS: an unknown count is under 500", &unknown, "hipaa_hhs",
	     utc(2027, 1, 1) + 60 * DAY},
	    {"no deadline for a kind the law does not time", &noticed,
	     "sox_committee", 0},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		int64_t got = deadlines_notice(cases[i].in, cases[i].kind);
		test_cond(cases[i].what, got == cases[i].want);
		if (got != cases[i].want)
			printf("#   got %lld, want %lld\n", (long long)got,
			       (long long)cases[i].want);
	}
	test_cond("HIPAA applies to health data only",
		  deadlines_hipaa(&noticed) && !deadlines_hipaa(&no_health));
}

/* The clocks' stages: SLA warns at 75%, GDPR 24 h and 6 h before, HIPAA
 * 7 days and 1 day before; due at the deadline. */
static void test_stages(void)
{
	const int W = DEADLINE_WARN, A = DEADLINE_WARN_AGAIN, D = DEADLINE_DUE;
	const int64_t due = T0 + 100 * HOUR;
	const struct {
		int clock;
		int64_t now;
		int want;
	} cases[] = {
	    {CLOCK_SLA_TRIAGE, T0, 0},
	    {CLOCK_SLA_TRIAGE, T0 + 75 * HOUR - 1, 0},
	    {CLOCK_SLA_TRIAGE, T0 + 75 * HOUR, W},
	    {CLOCK_SLA_RESOLVE, due - 1, W},
	    {CLOCK_SLA_RESOLVE, due, W | D},
	    {CLOCK_GDPR_AUTHORITY, due - 24 * HOUR - 1, 0},
	    {CLOCK_GDPR_AUTHORITY, due - 24 * HOUR, W},
	    {CLOCK_GDPR_AUTHORITY, due - 6 * HOUR, W | A},
	    {CLOCK_GDPR_AUTHORITY, due + DAY, W | A | D},
	    {CLOCK_HIPAA_INDIVIDUALS, due - 7 * DAY - 1, 0},
	    {CLOCK_HIPAA_HHS, due - 7 * DAY, W},
	    {CLOCK_HIPAA_MEDIA, due - DAY, W | A},
	    {CLOCK_HIPAA_MEDIA, due, W | A | D},
	};
	int bad = 0;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		int got =
		    deadlines_stages(cases[i].clock, T0, due, cases[i].now);
		if (got != cases[i].want) {
			printf("#   case %zu: clock %d at %+lld s: got %d, "
			       "want %d\n",
			       i, cases[i].clock,
			       (long long)(cases[i].now - due), got,
			       cases[i].want);
			bad++;
		}
	}
	test_cond("each clock warns and falls due at its stages", bad == 0);
}

/* A search box: words become quoted phrases, operators stay words. */
static void test_fts_query(void)
{
	static const struct {
		const char *q;
		int staff;
		const char *want;
	} cases[] = {
	    {"phishing", 1, "\"phishing\""},
	    {"  two   words ", 1, "\"two\" \"words\""},
	    {"a OR b", 1, "\"a\" \"OR\" \"b\""},
	    {"say \"hi\"", 1, "\"say\" \"\"\"hi\"\"\""},
	    {"title:x*", 1, "\"title:x*\""},
	    {"NEAR(a b)", 1, "\"NEAR(a\" \"b)\""},
	    {"laptop", 0, "{title body} : (\"laptop\")"},
	    {"", 1, ""},
	    {" \t ", 0, ""},
	};
	arena a;
	arena_init(&a);
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		char what[96];
		snprintf(what, sizeof(what), "search for [%s]%s", cases[i].q,
			 cases[i].staff ? "" : " by a reporter");
		test_streq(what,
			   incidents_fts_query(&a, cases[i].q, cases[i].staff),
			   cases[i].want);
	}
	arena_free(&a);
}

int main(void)
{
	test_moves();
	test_deadlines();
	test_stages();
	test_fts_query();
	return test_report();
}
