/* config.c - reads SECURA_* environment variables into one read-only
 * struct. Loaded before threads start; never changed afterwards. */
#include "config.h"

#include "valid.h"

#include <stdio.h>
#include <stdlib.h>

static struct config cfg;
static char db_default[4096], events_default[4096];

/* Reads an integer variable within [min, max]; def when unset.
 * Returns 0, or -1 with a message when set but invalid. */
static int env_int(const char *name, int64_t def, int64_t min, int64_t max,
		   int64_t *out, char *err, size_t errlen)
{
	const char *v = getenv(name);
	*out = def;
	if (!v || !*v)
		return 0;
	if (valid_int(v, min, max, out) != 0) {
		snprintf(err, errlen, "%s must be a number from %lld to %lld",
			 name, (long long)min, (long long)max);
		return -1;
	}
	return 0;
}

/* Returns a variable's value or def when unset or empty. */
static const char *env_str(const char *name, const char *def)
{
	const char *v = getenv(name);
	return v && *v ? v : def;
}

/* Reads the per-role request limits: SECURA_RATE_LIMIT_<ROLE> (upper
 * case), else SECURA_RATE_LIMIT, else 600. Returns 0, or -1 with err. */
static int rate_limits(char *err, size_t errlen)
{
	static const char *const roles[] = {"EMPLOYEE", "ANALYST", "LEAD",
					    "MANAGER", "ADMIN"};
	int64_t all;
	if (env_int("SECURA_RATE_LIMIT", 600, 0, 1 << 30, &all, err, errlen))
		return -1;
	for (int i = 0; i < 5; i++) {
		char name[40];
		snprintf(name, sizeof(name), "SECURA_RATE_LIMIT_%s", roles[i]);
		if (env_int(name, all, 0, 1 << 30, &cfg.rate_role[i], err,
			    errlen))
			return -1;
	}
	return 0;
}

/* Loads the configuration. Returns 0, or -1 with a message in err. */
int config_load(char *err, size_t errlen)
{
	int64_t threads, idle, max, body, upload, request, acct, addr, window,
	    ingest_body, ev_days, ev_mb, ingest_wait;
	int64_t priv, attempts, backoff, llm_priv, llm_timeout, page_cache,
	    graphs, loopback;
	if (env_int("SECURA_THREADS", 8, 1, 256, &threads, err, errlen) ||
	    env_int("SECURA_SESSION_IDLE", 3600, 60, 86400 * 30, &idle, err,
		    errlen) ||
	    env_int("SECURA_SESSION_MAX", 43200, 300, 86400 * 90, &max, err,
		    errlen) ||
	    env_int("SECURA_INGEST_MAX_BODY", 5 << 20, 4096, 1 << 30,
		    &ingest_body, err, errlen) ||
	    env_int("SECURA_EVENTS_DAYS", 30, 1, 36500, &ev_days, err,
		    errlen) ||
	    env_int("SECURA_EVENTS_MAX_MB", 2048, 1, 1 << 24, &ev_mb, err,
		    errlen) ||
	    env_int("SECURA_MAX_BODY", 1 << 20, 4096, 1 << 30, &body, err,
		    errlen) ||
	    env_int("SECURA_MAX_UPLOAD", 10 << 20, 1024, 1 << 30, &upload, err,
		    errlen) ||
	    env_int("SECURA_MAX_REQUEST", 50 << 20, 4096, 1 << 30, &request,
		    err, errlen) ||
	    env_int("SECURA_LOGIN_MAX_ACCOUNT", 5, 1, 1000, &acct, err,
		    errlen) ||
	    env_int("SECURA_LOGIN_MAX_ADDRESS", 20, 1, 100000, &addr, err,
		    errlen) ||
	    env_int("SECURA_LOGIN_WINDOW", 900, 10, 86400, &window, err,
		    errlen) ||
	    env_int("SECURA_WEBHOOK_ALLOW_PRIVATE", 0, 0, 1, &priv, err,
		    errlen) ||
	    env_int("SECURA_DELIVERY_ATTEMPTS", 8, 1, 100, &attempts, err,
		    errlen) ||
	    env_int("SECURA_DELIVERY_BACKOFF", 30, 0, 86400, &backoff, err,
		    errlen) ||
	    env_int("SECURA_LLM_ALLOW_PRIVATE", 0, 0, 1, &llm_priv, err,
		    errlen) ||
	    env_int("SECURA_LLM_TIMEOUT", 60, 1, 600, &llm_timeout, err,
		    errlen) ||
	    env_int("SECURA_INGEST_MAX_WAIT_MS", 2000, 0, 600000, &ingest_wait,
		    err, errlen) ||
	    env_int("SECURA_PAGE_CACHE", 1, 0, 1, &page_cache, err, errlen) ||
	    env_int("SECURA_GRAPHS", 1, 0, 1, &graphs, err, errlen) ||
	    env_int("SECURA_METRICS_LOOPBACK", 1, 0, 1, &loopback, err,
		    errlen) ||
	    env_int("SECURA_BACKUP_HOURS", 24, 1, 24 * 30, &cfg.backup_hours,
		    err, errlen) ||
	    env_int("SECURA_BACKUP_KEEP", 7, 1, 1000, &cfg.backup_keep, err,
		    errlen) ||
	    env_int("SECURA_RATE_WINDOW", 60, 1, 3600, &cfg.rate_window, err,
		    errlen) ||
	    env_int("SECURA_RATE_ANON", 300, 0, 1 << 30, &cfg.rate_anon, err,
		    errlen) ||
	    env_int("SECURA_RATE_INGEST", 6000, 0, 1 << 30, &cfg.rate_ingest,
		    err, errlen) ||
	    rate_limits(err, errlen))
		return -1;
	cfg.data_dir = env_str("SECURA_DATA", "./var");
	snprintf(db_default, sizeof(db_default), "%s/secura.db", cfg.data_dir);
	cfg.db_path = env_str("SECURA_DB", db_default);
	snprintf(events_default, sizeof(events_default), "%s/events.db",
		 cfg.data_dir);
	cfg.events_db = env_str("SECURA_EVENTS_DB", events_default);
	cfg.ingest_max_body = (size_t)ingest_body;
	cfg.events_days = ev_days;
	cfg.events_max_mb = ev_mb;
	cfg.ingest_max_wait_ms = ingest_wait;
	cfg.templates_dir = env_str("SECURA_TEMPLATES", "./templates");
	cfg.models_dir = env_str("SECURA_MODELS", "./data/models");
	cfg.rules_dir = env_str("SECURA_RULES", "./data/rules");
	cfg.help_dir = env_str("SECURA_HELP", "./data/help");
	cfg.attack_table =
	    env_str("SECURA_ATTACK", "./data/attack/techniques.tsv");
	cfg.world_map =
	    env_str("SECURA_WORLD_MAP", "./data/world/countries.tsv");
	cfg.geoip_dir = env_str("SECURA_GEOIP", "/usr/share/GeoIP");
	cfg.org_name = env_str("SECURA_ORG_NAME", "");
	cfg.font_dir =
	    env_str("SECURA_FONT_DIR", "/usr/share/fonts/truetype/dejavu");
	cfg.origin = env_str("SECURA_ORIGIN", NULL);
	cfg.threads = (int)threads;
	cfg.page_cache = (int)page_cache;
	cfg.graphs = (int)graphs;
	cfg.metrics_loopback = (int)loopback;
	cfg.metrics_token = env_str("SECURA_METRICS_TOKEN", NULL);
	cfg.backup_dir = env_str("SECURA_BACKUP_DIR", NULL);
	cfg.session_idle = idle;
	cfg.session_max = max;
	cfg.max_body = (size_t)body;
	cfg.max_upload = (size_t)upload;
	cfg.max_request = (size_t)request;
	cfg.login_max_account = (int)acct;
	cfg.login_max_address = (int)addr;
	cfg.login_window = window;
	cfg.smtp_url = env_str("SECURA_SMTP_URL", NULL);
	cfg.smtp_from = env_str("SECURA_SMTP_FROM", "secura@localhost");
	cfg.smtp_user = env_str("SECURA_SMTP_USER", NULL);
	cfg.smtp_password = env_str("SECURA_SMTP_PASSWORD", NULL);
	cfg.base_url = env_str("SECURA_BASE_URL", "http://localhost:8080");
	cfg.allow_private = (int)priv;
	cfg.delivery_attempts = (int)attempts;
	cfg.delivery_backoff = backoff;
	cfg.llm_url = env_str("SECURA_LLM_URL", NULL);
	cfg.llm_model = env_str("SECURA_LLM_MODEL", "");
	cfg.llm_key = env_str("SECURA_LLM_KEY", NULL);
	cfg.llm_allow_private = (int)llm_priv;
	cfg.llm_timeout = llm_timeout;
	if (cfg.llm_url && !*cfg.llm_url)
		cfg.llm_url = NULL;
	return 0;
}

/* Returns the loaded configuration (zeroed before config_load). */
const struct config *config_get(void)
{
	return &cfg;
}
