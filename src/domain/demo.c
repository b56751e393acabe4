/* demo.c - fills a database with a year of plausible incidents: people
 * in departments, a security team, incidents per category with
 * severities, status timelines (triage within minutes for critical ones,
 * hours for low ones), assignments, comments (some internal) and a few
 * evidence files, all written as the same rows the product writes, with
 * exact history. Deterministic for a given seed. */
#include "demo.h"

#include "../core/clock.h"
#include "../core/perm.h"
#include "evidence.h"
#include "incidents.h"
#include "indicators.h"
#include "intel.h"
#include "similar.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static uint64_t rng_state;

/* xorshift64*: returns the next pseudo-random number. */
static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ULL;
}

/* Returns an integer in [0, n). */
static int64_t below(int64_t n)
{
	return n > 0 ? (int64_t)(rnd() % (uint64_t)n) : 0;
}

/* Returns an exponentially distributed duration with the given mean. */
static int64_t expo(double mean)
{
	double u = ((double)(rnd() >> 11) + 1.0) / 9007199254740993.0;
	return (int64_t)(-log(u) * mean) + 1;
}

#define PICK(arr) (arr)[below(sizeof(arr) / sizeof(*(arr)))]

static const char *const first[] = {
    "Zoë",   "Amélie", "Lukas", "Sofia", "Mateo", "Ingrid", "Hamid",
    "Chloé", "Jonas",  "Aisha", "Pedro", "Mei",	  "Oskar",  "Leila",
    "Tomás", "Nina",   "Émile", "Freya", "Yusuf", "Clara"};
static const char *const last[] = {
    "Müller", "Dubois", "Novak",   "García", "Kowalski", "Rossi",  "Jensen",
    "Okafor", "Tanaka", "Lefèvre", "Costa",  "Nyström",	 "Haddad", "Brennan"};
static const char *const departments[] = {
    "Finance", "Sales",	     "Engineering",	 "Human Resources",
    "Legal",   "Operations", "Customer Support", "Marketing"};
static const char *const sites[] = {"Lyon office", "Berlin office",
				    "Lisbon office", "Remote", "Warehouse"};

/* Indicators that recur across demo incidents (documentation ranges and
 * made-up lookalike domains), so similar incidents and top indicators
 * have something to show. */
static const char *const lures[] = {"hxxps://login-micros0ft[.]com/verify",
				    "hxxps://paypa1-secure[.]net/account",
				    "hxxp://invoice-docs[.]xyz/view",
				    "hxxps://hr-benefits-portal[.]info/sso"};
static const char *const samples[] = {"44d88612fea8a8f36de82e1278abb02f",
				      "e99a18c428cb38d5f260853678922e03",
				      "5d41402abc4b2a76b9719d911017c592"};

struct cat_text {
	const char *slug;
	const char *titles[4];
	const char *detail;
	const char *assets;
};

static const struct cat_text texts[] = {
    {"malware",
     {"Antivirus alert on laptop", "Ransom note on shared drive",
      "Unknown process using all CPU", "USB stick triggered a warning"},
     "Endpoint protection raised an alert and the machine behaves oddly. "
     "I disconnected it from the network.",
     "laptop"},
    {"phishing",
     {"Email asking me to confirm my password",
      "Fake invoice with a macro attachment", "Call from 'IT support'",
      "CEO asking for gift cards"},
     "The message looked urgent and came from an address similar to ours. "
     "I clicked the link before noticing the domain was wrong.",
     "mailbox"},
    {"unauthorized-access",
     {"Login alert from another country", "Colleague's account used at night",
      "MFA prompt I did not request", "Unknown SSH key on server"},
     "There was a sign-in I did not make. I changed my password "
     "afterwards.",
     "SSO account"},
    {"data-disclosure",
     {"Customer list sent to wrong recipient", "Public link to HR folder",
      "Payroll file attached by mistake", "Bucket with backups was public"},
     "A document with personal data reached people outside the intended "
     "group. The recipient confirmed deletion.",
     "file share"},
    {"lost-device",
     {"Laptop stolen from car", "Phone lost on the train",
      "USB drive missing after conference", "Tablet left in taxi"},
     "The device was encrypted as far as I know. I noticed it missing the "
     "next morning.",
     "laptop"},
    {"physical",
     {"Visitor without badge in server room", "Door to archive left open",
      "Tailgating at main entrance", "Broken lock on cabinet"},
     "Someone got into an area they should not be in. Reception was told.",
     "building"},
    {"insider-misuse",
     {"Employee exporting customer data",
      "Admin rights used for personal "
      "project",
      "Shared password for finance system",
      "Bulk download before "
      "resignation"},
     "Unusual volume of data accessed by one account, outside their usual "
     "work.",
     "CRM"},
    {"dos",
     {"Website unreachable for an hour", "API flooded with requests",
      "Mail server overloaded", "VPN concentrator down under load"},
     "Service degraded heavily; monitoring shows traffic from many "
     "addresses.",
     "public website"},
    {"payment-fraud",
     {"Card skimmer found at shop terminal", "Chargebacks spike on webshop",
      "Card numbers in a log file", "Suspicious refunds"},
     "Payment card data may have been exposed or misused.",
     "POS terminal"},
    {"vulnerability",
     {"Outdated CMS plugin on website", "Open port on firewall",
      "Default password on printer", "Expired TLS certificate"},
     "A weakness was found before anyone used it, as far as we know.",
     "server"},
    {"other",
     {"Strange pop-up on shared PC", "Suspicious QR code poster",
      "Unknown Wi-Fi network in office", "Odd message from supplier"},
     "Not sure what this is, reporting to be safe.",
     "workstation"},
};

struct people {
	int64_t *reporters, *analysts;
	int nrep, nana;
	const char **analyst_email;
};

/* Creates a user unless the email exists; returns the id (or -1). */
static int64_t ensure_user(db *d, const char *email, const char *name,
			   const char *dept, int role, const char *hash)
{
	int64_t id = db_scalar(d, STMT_USER_BY_EMAIL, email);
	if (id > 0)
		return id;
	if (db_exec(d, STMT_USER_INSERT, email, name, dept,
		    perm_role_name(role), hash, clock_now() - 400 * 86400) != 0)
		return -1;
	return sqlite3_last_insert_rowid(d->h);
}

/* Makes the demo people: 40 employees, 6 analysts, 2 leads, 2 managers. */
static int make_people(db *d, const char *hash, struct people *p)
{
	static int64_t rep[40], ana[6];
	static const char *aemail[6];
	static char emails[50][96], names[50][64];
	int k = 0;
	for (int i = 0; i < 50; i++, k++) {
		const char *f = first[i % 20], *l = last[(i * 7) % 14];
		snprintf(names[k], sizeof(names[k]), "%s %s", f, l);
		snprintf(emails[k], sizeof(emails[k]), "demo%02d@demo.example",
			 i);
		int role = i < 40   ? ROLE_EMPLOYEE
			   : i < 46 ? ROLE_ANALYST
			   : i < 48 ? ROLE_LEAD
				    : ROLE_MANAGER;
		int64_t id = ensure_user(
		    d, emails[k], names[k],
		    role == ROLE_EMPLOYEE ? departments[i % 8] : "Security",
		    role, hash);
		if (id < 0)
			return -1;
		if (i < 40) {
			rep[i] = id;
		} else if (i < 46) {
			ana[i - 40] = id;
			aemail[i - 40] = emails[k];
		}
	}
	*p = (struct people){rep, ana, 40, 6, aemail};
	return 0;
}

/* One history row to write; comments carry their text. */
struct demo_event {
	int64_t at, actor;
	const char *kind, *field, *old, *nw, *comment;
	int internal, seq;
};

/* qsort order: by time, then by the order they were planned. */
static int by_time(const void *a, const void *b)
{
	const struct demo_event *x = a, *y = b;
	if (x->at != y->at)
		return x->at < y->at ? -1 : 1;
	return x->seq - y->seq;
}

/* Writes the planned events of incident inc in time order (comments also
 * into the comment table). Returns 0 or -1. */
static int write_events(db *d, int64_t inc, struct demo_event *ev, int n)
{
	qsort(ev, (size_t)n, sizeof(*ev), by_time);
	for (int k = 0; k < n; k++) {
		if (ev[k].comment &&
		    db_exec(d, STMT_COMMENT_INSERT, inc, ev[k].actor,
			    ev[k].comment, ev[k].internal, ev[k].at) != 0)
			return -1;
		if (db_exec(d, STMT_INCIDENT_EVENT_INSERT, inc, ev[k].at,
			    ev[k].actor, ev[k].kind, ev[k].field, ev[k].old,
			    ev[k].nw, ev[k].internal) != 0)
			return -1;
	}
	return 0;
}

/* Does for demo incident id what reporting one does (intel_prepare and
 * intel_store): the indicators in its title and description, the
 * models' suggested category and severity, and its text vector for
 * similar incidents (the last two when the models are loaded). Returns 0
 * or -1. */
static int classify(db *d, int64_t id, const char *title, const char *desc,
		    int64_t created)
{
	arena a;
	arena_init(&a);
	struct intel_prep prep;
	intel_prepare(d, &a, title, desc, &prep);
	int rc = intel_store(d, id, &prep, created);
	arena_free(&a);
	return rc;
}

/* Creates one incident with its whole timeline. Returns 0 or -1. */
static int one_incident(db *d, const char *data_dir, const struct people *p,
			const int64_t *cat_ids, int64_t now)
{
	static const char *const sev[] = {"low",    "low",    "low",
					  "medium", "medium", "medium",
					  "high",   "high",   "critical"};
	static const char *const flow[] = {
	    "triage",	"investigating", "containment", "eradication",
	    "recovery", "resolved",	 "closed"};
	size_t ci = (size_t)below(sizeof(texts) / sizeof(*texts));
	if (below(3) == 0)
		ci = 1; /* phishing is the most common */
	const struct cat_text *t = &texts[ci];
	const char *severity = PICK(sev);
	double triage_mean = !strcmp(severity, "critical") ? 600
			     : !strcmp(severity, "high")   ? 2400
			     : !strcmp(severity, "medium") ? 4 * 3600
							   : 12 * 3600;
	/* Reports cluster in working hours on weekdays. */
	int64_t created = now - below(365 * 86400);
	struct tm tm;
	time_t tt = (time_t)created;
	gmtime_r(&tt, &tm);
	if (tm.tm_wday == 0 || tm.tm_wday == 6)
		created -= (tm.tm_wday == 0 ? 2 : 1) * 86400 * (below(3) != 0);
	if (tm.tm_hour < 7 || tm.tm_hour > 19)
		created += (9 + below(8) - tm.tm_hour) * 3600;
	if (created > now - 60)
		created = now - 60 - below(3600);
	int64_t age = now - created, ri = below(p->nrep);
	int64_t reporter = p->reporters[ri], ai = below(p->nana);
	int64_t analyst = p->analysts[ai];
	/* How far along the workflow it got, by age. */
	int steps = age < 2 * 86400    ? (int)below(3)
		    : age < 30 * 86400 ? 1 + (int)below(7)
		    : below(10) < 8    ? 7
				       : 6;
	int rejected = steps >= 1 && below(12) == 0;
	if (rejected)
		steps = 1;
	int personal = !strcmp(t->slug, "data-disclosure") ||
		       !strcmp(t->slug, "lost-device") || below(5) == 0;
	int64_t people_n = personal ? 1 + expo(200) : -1;
	int64_t ts = created + expo(triage_mean), contained = 0, resolved = 0,
		closed = 0;
	const char *status = rejected ? "rejected"
			     : steps  ? flow[steps - 1]
				      : "new";
	char desc[512], res[160] = "", cause[160] = "";
	snprintf(desc, sizeof(desc), "%s\n\nReported from %s.%s%s", t->detail,
		 PICK(sites),
		 !strcmp(t->slug, "phishing")  ? "\n\nThe link went to "
		 : !strcmp(t->slug, "malware") ? "\n\nThe file's MD5 is "
					       : "",
		 !strcmp(t->slug, "phishing")  ? PICK(lures)
		 : !strcmp(t->slug, "malware") ? PICK(samples)
					       : "");
	/* Times for each step reached: none in the future, none before the
	   step before it (a step that would be is moved to a few minutes
	   ago, but never before its predecessor). */
	int64_t at[8];
	at[0] = ts < now ? ts : now;
	for (int s = 1; s < steps; s++) {
		double mean = s == 1 ? 3 * 3600 : 8 * 3600;
		at[s] = at[s - 1] + expo(mean);
		if (at[s] > now) {
			int64_t late = now - below(600);
			at[s] = late > at[s - 1] ? late : at[s - 1];
		}
		if (!strcmp(flow[s], "containment"))
			contained = at[s];
		if (!strcmp(flow[s], "resolved"))
			resolved = at[s];
		if (!strcmp(flow[s], "closed"))
			closed = at[s];
	}
	if (resolved) {
		snprintf(res, sizeof(res),
			 "%s handled; affected accounts "
			 "reset and controls reviewed.",
			 t->titles[0]);
		snprintf(cause, sizeof(cause), "%s",
			 below(2) ? "Human error"
				  : "Missing technical control");
	}
	time_t yt = (time_t)created;
	gmtime_r(&yt, &tm);
	int64_t num = db_scalar(d, STMT_INCIDENT_NEXT_REF, tm.tm_year + 1900);
	char ref[32], title[160];
	snprintf(ref, sizeof(ref), "INC-%d-%04lld", tm.tm_year + 1900,
		 (long long)num);
	snprintf(title, sizeof(title), "%s", PICK(t->titles));
	int64_t updated = steps ? at[steps - 1] : created;
	if (db_exec(d, STMT_DEMO_INCIDENT_INSERT, ref, title, desc, cat_ids[ci],
		    status, steps && !rejected ? severity : NULL,
		    !strcmp(severity, "critical") ? "red" : "amber", reporter,
		    steps >= 2 ? analyst : 0, created - expo(7200), created,
		    t->assets, departments[ri % 8], personal, people_n,
		    personal ? people_n * (1 + below(4)) : -1,
		    personal ? "personal" : "", cause, res, contained, resolved,
		    closed, created, updated) != 0)
		return -1;
	int64_t id = sqlite3_last_insert_rowid(d->h);
	struct demo_event ev[24];
	int n = 0, ok = 1;
#define EV(...) ev[n] = (struct demo_event){__VA_ARGS__, n}, n++
	EV(created, reporter, "created", "status", NULL, "new", NULL, 0);
	const char *prev = "new";
	for (int s = 0; s < steps; s++) {
		const char *to = rejected ? "rejected" : flow[s];
		if (s == 1)
			EV(at[s] - 1, analyst, "assignee", "assignee", NULL,
			   p->analyst_email[ai], NULL, 0);
		if (s == 0 && !rejected)
			EV(at[0], analyst, "field", "severity", NULL, severity,
			   NULL, 0);
		EV(at[s], analyst, "status", "status", prev, to, NULL, 0);
		prev = to;
	}
	int comments = steps ? (int)below(4) : 0;
	for (int k = 0; k < comments; k++) {
		int internal = below(2);
		int64_t when =
		    created + (updated - created) * (k + 1) / (comments + 1);
		EV(when, internal ? analyst : reporter, "comment",
		   internal ? "internal" : "public", NULL, "",
		   internal ? "Checked the logs: no lateral movement seen so "
			      "far."
			    : "Any news? I can send more details if needed.",
		   internal);
	}
	if (below(20) == 0) {
		char log[256], sha[65];
		int len = snprintf(log, sizeof(log),
				   "%s demo evidence for %s\nsrc=203.0.113.%d "
				   "action=blocked\n",
				   ref, title, (int)below(250));
		ok = evidence_store(data_dir, (const unsigned char *)log,
				    (size_t)len, sha) == 0 &&
		     db_exec(d, STMT_EVIDENCE_INSERT, id, reporter,
			     "firewall.log", (int64_t)len, "text/plain", sha,
			     created + 60,
			     "text: valid UTF-8 without NUL") == 0 &&
		     indicators_record(d, id, "evidence", log, (size_t)len,
				       created + 60) >= 0;
		EV(created + 60, reporter, "evidence", "", NULL, "firewall.log",
		   NULL, 0);
	}
#undef EV
	ok = ok && write_events(d, id, ev, n) == 0 &&
	     classify(d, id, title, desc, created) == 0;
	return ok && incidents_reindex(d, id) == 0 ? 0 : -1;
}

/* Adds count incidents (and the demo people if missing, all with
 * password_hash) in transactions of 2,000, then merges the full-text index
 * and computes every queued list of similar incidents. Progress lines go to
 * progress (may be NULL). Returns 0, or -1 after rolling back the current
 * batch. */
int demo_fill(db *d, const char *data_dir, int64_t count, uint64_t seed,
	      const char *password_hash, FILE *progress)
{
	struct people p;
	int64_t cat_ids[sizeof(texts) / sizeof(*texts)] = {0};
	rng_state = seed ? seed : 42;
	if (db_begin(d) != 0)
		return -1;
	if (make_people(d, password_hash, &p) != 0)
		goto fail;
	sqlite3_stmt *st = db_query(d, STMT_DEMO_CATEGORY_IDS);
	while (st && sqlite3_step(st) == SQLITE_ROW)
		for (size_t i = 0; i < sizeof(texts) / sizeof(*texts); i++)
			if (!strcmp(texts[i].slug, db_text(st, 1)))
				cat_ids[i] = db_int(st, 0);
	if (st)
		sqlite3_reset(st);
	for (size_t i = 0; i < sizeof(texts) / sizeof(*texts); i++)
		if (!cat_ids[i])
			goto fail; /* a seeded category was deactivated */
	int64_t now = clock_now();
	for (int64_t i = 0; i < count; i++) {
		if (one_incident(d, data_dir, &p, cat_ids, now) != 0)
			goto fail;
		if ((i + 1) % 2000 == 0) {
			if (db_commit(d) != 0 || db_begin(d) != 0)
				return -1;
			if (progress)
				fprintf(progress, "\r%lld / %lld incidents",
					(long long)(i + 1), (long long)count);
		}
	}
	if (db_commit(d) != 0)
		return -1;
	if (progress)
		fprintf(progress, "\r%lld / %lld incidents\n", (long long)count,
			(long long)count);
	/* a bulk load leaves the full-text index in many segments: merge
	 * them (2x faster queries), then do what the worker would do next:
	 * each incident's similar incidents */
	if (db_exec_tx(d, STMT_SEARCH_OPTIMIZE) != 0)
		return -1;
	int64_t queued = db_scalar(d, STMT_SIMILAR_DUE_COUNT), done = 0;
	int n;
	while ((n = similar_next(d, 500)) > 0) {
		done += n;
		if (progress)
			fprintf(progress, "\r%lld / %lld similar lists",
				(long long)done, (long long)queued);
	}
	if (progress && done)
		fputc('\n', progress);
	return n < 0 ? -1 : 0;
fail:
	db_rollback(d);
	return -1;
}
