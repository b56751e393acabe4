/* traffic.c - see traffic.h. The office: 40 people, each with a
 * workstation (10.0.1.x), a domain controller, a file server, an
 * internal web application and a database server (10.0.0.x), and the
 * internet beyond. Background events are what such an office does all
 * day; each attack is a sequence of events from one place, told step by
 * step (its state in t->step), so a scenario reads like the real thing:
 * failures then a success, one host trying every port, one account
 * walking from workstation to workstation. */
#include "traffic.h"

#include "../core/jsonmem.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define PEOPLE 40

static const char *const names[] = {"scenario", "normal",   "bruteforce",
				    "spray",	"portscan", "exfiltration",
				    "sqli",	"lateral",  "mix"};

/* Sets *s from a scenario's name. Returns 0, or -1 when unknown. */
int traffic_scenario_parse(const char *name, enum traffic_scenario *s)
{
	for (int i = TRAFFIC_NORMAL; i <= TRAFFIC_MIX; i++)
		if (!strcmp(names[i + 1], name)) {
			*s = (enum traffic_scenario)i;
			return 0;
		}
	return -1;
}

/* Starts a generator of scenario s from seed, limited to kind's events
 * (NULL: every kind). */
void traffic_init(struct traffic *t, enum traffic_scenario s, uint64_t seed,
		  const char *kind)
{
	memset(t, 0, sizeof(*t));
	t->rng = seed * 0x9E3779B97F4A7C15ULL + 1;
	t->scenario = s;
	t->kind = kind;
	t->attack_share = s == TRAFFIC_NORMAL ? 0
			  : s == TRAFFIC_MIX  ? 0.02
					      : 0.1;
}

/* xorshift64*: the next 64 random bits. */
static uint64_t next64(struct traffic *t)
{
	t->rng ^= t->rng >> 12;
	t->rng ^= t->rng << 25;
	t->rng ^= t->rng >> 27;
	return t->rng * 2685821657736338717ULL;
}

/* A uniform number in [0, 1). */
static double uniform(struct traffic *t)
{
	return (double)(next64(t) >> 11) / 9007199254740992.0;
}

/* A whole number in [0, n). */
static int below(struct traffic *t, int n)
{
	return (int)(uniform(t) * n);
}

/* A log-normal amount around median m with spread s (a log's sd). */
static double lognormal(struct traffic *t, double m, double s)
{
	double u = uniform(t) + 1e-12, v = uniform(t);
	return m * exp(s * sqrt(-2 * log(u)) * cos(2 * M_PI * v));
}

/* How busy the office is at ts_ms (0.05 at night to 1 at 10h and 15h on
 * weekdays; weekends 0.1), the rhythm of a demo's days. */
double traffic_rhythm(int64_t ts_ms)
{
	time_t s = (time_t)(ts_ms / 1000);
	struct tm tm;
	gmtime_r(&s, &tm);
	double h = tm.tm_hour + tm.tm_min / 60.0;
	double day =
	    exp(-pow((h - 10) / 2.2, 2)) + exp(-pow((h - 15) / 2.2, 2));
	double r = 0.05 + (day > 1 ? 1 : day) * 0.95;
	return tm.tm_wday == 0 || tm.tm_wday == 6 ? r * 0.1 : r;
}

/* The people's names and their workstations. */
static const char *const first[] = {
    "alice",  "bob",   "carol", "dave",	   "erin",   "frank",  "grace",
    "heidi",  "ivan",  "judy",	"mallory", "niaj",   "olivia", "peggy",
    "rupert", "sybil", "trent", "uma",	   "victor", "walter"};

/* Writes person i's user name into out. */
static void person(int i, char out[32])
{
	snprintf(out, 32, "%s.%s", first[i % 20], i < 20 ? "king" : "lee");
}

/* Appends doc as one NDJSON line to out (and frees it). Returns 0, or -1
 * out of memory. */
static int emit(json_t *doc, buf *out)
{
	char *s = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
	json_decref(doc);
	if (!s)
		return -1;
	buf_puts(out, s);
	buf_putc(out, '\n');
	jsonmem_free(s);
	return 0;
}

/* The common fields of an event: time, id, category, action, outcome,
 * scenario. A new object. */
static json_t *base(struct traffic *t, int64_t ts, const char *category,
		    const char *action, const char *outcome,
		    const char *scenario)
{
	char id[40];
	snprintf(id, sizeof(id), "gen-%016llx-%ld",
		 (unsigned long long)(t->rng >> 8), t->seq++);
	time_t s = (time_t)(ts / 1000);
	char iso[32], stamp[40];
	strftime(iso, sizeof(iso), "%Y-%m-%dT%H:%M:%S", gmtime(&s));
	snprintf(stamp, sizeof(stamp), "%s.%03dZ", iso, (int)(ts % 1000));
	return json_pack("{ss s{ss ss ss ss} s{ss}}", "@timestamp", stamp,
			 "event", "id", id, "category", category, "action",
			 action, "outcome", outcome, "labels", "scenario",
			 scenario);
}

/* A sign-in: user on host from address (logon type in labels). */
static json_t *signin(struct traffic *t, int64_t ts, const char *user,
		      const char *host, const char *src, int ok,
		      const char *scenario)
{
	json_t *e = base(t, ts, "authentication", ok ? "logon" : "logon-failed",
			 ok ? "success" : "failure", scenario);
	json_object_set_new(e, "user", json_pack("{ss}", "name", user));
	json_object_set_new(e, "host", json_pack("{ss}", "name", host));
	json_object_set_new(e, "source", json_pack("{ss}", "ip", src));
	char msg[200];
	snprintf(msg, sizeof(msg), "%s sign-in for %s on %s from %s",
		 ok ? "Accepted" : "Failed", user, host, src);
	json_object_set_new(e, "message", json_string(msg));
	return e;
}

/* A network flow from src to dst:port with the bytes and packets each
 * way and a duration in ms. */
static json_t *flow(struct traffic *t, int64_t ts, const char *src,
		    const char *dst, int port, const char *transport,
		    double out, double in, double ms, int ok,
		    const char *scenario)
{
	json_t *e = base(t, ts, "network", "flow", ok ? "success" : "failure",
			 scenario);
	json_object_set_new(e, "source",
			    json_pack("{ss sI sI}", "ip", src, "bytes",
				      (json_int_t)out, "packets",
				      (json_int_t)(out / 900 + 1)));
	json_object_set_new(e, "destination",
			    json_pack("{ss si sI sI}", "ip", dst, "port", port,
				      "bytes", (json_int_t)in, "packets",
				      (json_int_t)(in / 900 + 1)));
	json_object_set_new(e, "network",
			    json_pack("{ss}", "transport", transport));
	json_object_set_new(json_object_get(e, "event"), "duration",
			    json_integer((json_int_t)(ms * 1e6)));
	return e;
}

/* A web request to the internal application from src. */
static json_t *request(struct traffic *t, int64_t ts, const char *src,
		       const char *method, const char *path, const char *query,
		       int status, const char *scenario)
{
	json_t *e = base(t, ts, "web", "request",
			 status < 400 ? "success" : "failure", scenario);
	json_object_set_new(e, "source", json_pack("{ss}", "ip", src));
	json_object_set_new(e, "url",
			    json_pack("{ss ss}", "path", path, "query", query));
	json_object_set_new(e, "http",
			    json_pack("{s{ss} s{si sI}}", "request", "method",
				      method, "response", "status_code", status,
				      "bytes",
				      (json_int_t)lognormal(t, 3000, 1)));
	json_object_set_new(e, "user_agent",
			    json_pack("{ss}", "original",
				      "Mozilla/5.0 (Windows NT 10.0; Win64; "
				      "x64) Chrome/126.0"));
	json_object_set_new(e, "host",
			    json_pack("{ss}", "name", "intranet.example"));
	return e;
}

/* One event of the office's ordinary day, of kind k (0 auth, 1 flow, 2
 * web, 3 endpoint). */
static json_t *ordinary(struct traffic *t, int64_t ts, int k)
{
	int p = below(t, PEOPLE);
	char user[32], ws[24], ip[24];
	person(p, user);
	snprintf(ws, sizeof(ws), "WS-%02d", p + 1);
	snprintf(ip, sizeof(ip), "10.0.1.%d", p + 10);
	if (k == 0) {
		int away = uniform(t) < 0.15;
		return signin(t, ts, user, away ? "FILES01" : ws, ip,
			      uniform(t) > 0.03, "normal");
	}
	if (k == 1) {
		static const int ports[] = {443, 445, 389, 53, 443, 88, 3389};
		static const char *const dst[] = {
		    "10.0.0.20", "10.0.0.20", "10.0.0.10", "10.0.0.10",
		    "10.0.0.30", "10.0.0.10", "10.0.0.40"};
		int d = below(t, 7);
		if (uniform(t) < 0.4) {
			char ext[32];
			snprintf(ext, sizeof(ext), "93.184.%d.%d",
				 below(t, 4) + 216, below(t, 250) + 1);
			return flow(t, ts, ip, ext, 443, "tcp",
				    lognormal(t, 2000, 1),
				    lognormal(t, 40000, 1.5),
				    lognormal(t, 800, 1), 1, "normal");
		}
		return flow(t, ts, ip, dst[d], ports[d],
			    ports[d] == 53 ? "udp" : "tcp",
			    lognormal(t, 1200, 1), lognormal(t, 9000, 1.3),
			    lognormal(t, 300, 1), 1, "normal");
	}
	if (k == 2) {
		static const char *const paths[] = {
		    "/api/v1/orders",  "/api/v1/customers", "/dashboard",
		    "/static/app.css", "/api/v1/invoices",  "/search"};
		static const char *const words[] = {"invoice march", "acme ltd",
						    "order 5521", "refund",
						    "quarterly report"};
		int i = below(t, 6);
		char path[64], query[96];
		snprintf(path, sizeof(path), "%s%s", paths[i],
			 i == 0 || i == 4 ? "/1234" : "");
		if (i == 5)
			snprintf(query, sizeof(query), "q=%s&page=%d",
				 words[below(t, 5)], below(t, 5) + 1);
		else if (i == 1)
			snprintf(query, sizeof(query),
				 "page=%d&sort=name&limit=50", below(t, 9) + 1);
		else
			query[0] = '\0';
		return request(t, ts, ip, uniform(t) < 0.85 ? "GET" : "POST",
			       path, query, uniform(t) < 0.97 ? 200 : 404,
			       "normal");
	}
	static const char *const procs[] = {"outlook.exe", "chrome.exe",
					    "teams.exe", "excel.exe",
					    "svchost.exe"};
	json_t *e = base(t, ts, "process", "start", "success", "normal");
	/* an endpoint agent names its address: the graphs learn which
	 * host an address is */
	json_object_set_new(e, "host",
			    json_pack("{ss ss}", "name", ws, "ip", ip));
	json_object_set_new(e, "user", json_pack("{ss}", "name", user));
	json_object_set_new(e, "process",
			    json_pack("{ss}", "name", procs[below(t, 5)]));
	return e;
}

/* The next step of attack a at ts: a new event (NULL when the attack
 * has no event of the generator's kind). */
static json_t *attack(struct traffic *t, int64_t ts, enum traffic_scenario a)
{
	int n = t->step[a]++;
	const char *sc = names[a + 1];
	char user[32], ip[24];
	switch (a) {
	case TRAFFIC_BRUTEFORCE: /* one account, many failures, then in */
		return signin(t, ts, "administrator", "VPN-GW", "203.0.113.7",
			      n % 60 == 59, sc);
	case TRAFFIC_SPRAY: /* one password against every account */
		person(n % PEOPLE, user);
		return signin(t, ts, user, "VPN-GW", "198.51.100.23",
			      n % PEOPLE == 37, sc);
	case TRAFFIC_PORTSCAN: /* one host tries every port of another */
		return flow(t, ts, "10.0.1.33", "10.0.0.40", 1 + n % 1024,
			    "tcp", 60, n % 97 ? 0 : 60, 1, n % 97 == 0, sc);
	case TRAFFIC_EXFILTRATION: /* a burst out to an unknown address */
		return flow(t, ts, "10.0.1.21", "185.220.101.4", 443, "tcp",
			    lognormal(t, 4e8, 0.5), lognormal(t, 2e4, 0.5),
			    lognormal(t, 60000, 0.5), 1, sc);
	case TRAFFIC_SQLI: { /* probes of the application's parameters */
		static const char *const probes[] = {
		    "id=1' OR '1'='1",
		    "q=<script>alert(document.cookie)</script>",
		    "id=1 UNION SELECT username,password FROM users--",
		    "file=../../../../etc/passwd",
		    "q=\"><img src=x onerror=alert(1)>",
		    "id=1;DROP TABLE orders",
		    "cmd=|cat /etc/shadow"};
		return request(t, ts, "45.155.205.99", "GET", "/api/v1/orders",
			       probes[n % 7], n % 3 ? 500 : 200, sc);
	}
	case TRAFFIC_LATERAL: { /* one account walks across workstations */
		snprintf(user, sizeof(user), "svc-backup");
		char host[24];
		snprintf(host, sizeof(host), "WS-%02d", 2 + (n / 3) % 38);
		snprintf(ip, sizeof(ip), "10.0.1.%d", 10 + (n / 3) % 38);
		return signin(t, ts, user, n % 3 == 2 ? "DC01" : host,
			      n ? ip : "10.0.1.14", 1, sc);
	}
	default:
		return NULL;
	}
}

/* The kind (0 auth, 1 flow, 2 web, 3 endpoint) of an attack's events. */
static int attack_kind(enum traffic_scenario a)
{
	return a == TRAFFIC_PORTSCAN || a == TRAFFIC_EXFILTRATION ? 1
	       : a == TRAFFIC_SQLI				  ? 2
								  : 0;
}

/* Returns the index of the generator's kind (0-3), or -1 for all. */
static int only(const struct traffic *t)
{
	static const char *const kinds[] = {"auth", "network-flow",
					    "http-access", "endpoint"};
	for (int k = 0; t->kind && k < 4; k++)
		if (!strcmp(t->kind, kinds[k]))
			return k;
	return -1;
}

/* Appends the next event at ts_ms to out as one NDJSON line, else
 * ordinary office traffic (45% web, 35% flows, 15% sign-ins, 5%
 * endpoint). Attacks come in bursts of TRAFFIC_BURST events, three in
 * four events of a burst the attack's, so that their share of all events
 * is the scenario's; t->burst_left tells the caller a burst is on (a
 * file's events then come close together). Returns 0, or -1 out of
 * memory. */
int traffic_next(struct traffic *t, int64_t ts_ms, buf *out)
{
	int k = only(t);
	if (!t->burst_left && t->attack_share > 0 &&
	    uniform(t) < t->attack_share / TRAFFIC_BURST) {
		t->burst = t->scenario == TRAFFIC_MIX
			       ? (enum traffic_scenario)(TRAFFIC_BRUTEFORCE +
							 below(t, 6))
			       : t->scenario;
		if (k < 0 || attack_kind(t->burst) == k)
			t->burst_left = TRAFFIC_BURST;
	}
	if (t->burst_left && uniform(t) < 0.75) {
		t->burst_left--;
		return emit(attack(t, ts_ms, t->burst), out);
	}
	if (k < 0) {
		double u = uniform(t);
		k = u < 0.45 ? 2 : u < 0.80 ? 1 : u < 0.95 ? 0 : 3;
	}
	return emit(ordinary(t, ts_ms, k), out);
}

/* Generates count events of t from start_ms to end_ms, paced by the
 * office's rhythm (a burst's events 0.4 s apart), and hands them to sink
 * in NDJSON batches of at most batch events. Returns how many were
 * generated, or -1 when sink failed (it returns non-zero) or out of
 * memory. */
long traffic_fill(struct traffic *t, int64_t start_ms, int64_t end_ms,
		  long count, long batch,
		  int (*sink)(void *ud, const buf *ndjson), void *ud)
{
	/* the rhythm's mean over the span sets the pace, so count holds */
	double mean = 0;
	int64_t minutes = (end_ms - start_ms) / 60000;
	for (int64_t s = start_ms; s < end_ms; s += 60000)
		mean += traffic_rhythm(s);
	mean /= (double)(minutes > 0 ? minutes : 1);
	double step = (double)(end_ms - start_ms) / (double)count * mean;
	buf b = BUF_INIT;
	double at = (double)start_ms;
	long n = 0, in = 0;
	int rc = 0;
	while (rc == 0 && n < count && at < (double)end_ms) {
		double r = traffic_rhythm((int64_t)at);
		at += t->burst_left ? 400 : step / (r > 0.01 ? r : 0.01);
		if (traffic_next(t, (int64_t)at, &b) != 0) {
			rc = -1;
			break;
		}
		n++;
		if (++in == batch) {
			rc = sink(ud, &b);
			buf_reset(&b);
			in = 0;
		}
	}
	if (rc == 0 && in)
		rc = sink(ud, &b);
	buf_free(&b);
	return rc ? -1 : n;
}

/* traffic_fill sink: appends a batch to the file ud. */
static int to_file(void *ud, const buf *ndjson)
{
	return fwrite(ndjson->data, 1, ndjson->len, ud) == ndjson->len ? 0 : -1;
}

/* Writes count events of scenario s (seed, limited to kind; NULL: all)
 * from start_ms to end_ms to the NDJSON file path (see traffic_fill).
 * Returns how many, or -1 when the file cannot be written. */
long traffic_write(const char *path, enum traffic_scenario s, uint64_t seed,
		   const char *kind, int64_t start_ms, int64_t end_ms,
		   long count)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	struct traffic t;
	traffic_init(&t, s, seed, kind);
	long n = traffic_fill(&t, start_ms, end_ms, count, 1000, to_file, f);
	return fclose(f) == 0 ? n : -1;
}
