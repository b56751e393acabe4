/* config.h - settings from the environment, read once at start. */
#ifndef SECURA_CONFIG_H
#define SECURA_CONFIG_H

#include <stddef.h>
#include <stdint.h>

struct config {
	const char *data_dir;	/* SECURA_DATA, default ./var */
	const char *db_path;	/* SECURA_DB, default $SECURA_DATA/secura.db */
	const char *events_db;	/* SECURA_EVENTS_DB: ingested events, default
				   $SECURA_DATA/events.db */
	size_t ingest_max_body; /* SECURA_INGEST_MAX_BODY bytes, 5 MiB */
	int64_t events_days;	/* SECURA_EVENTS_DAYS events are kept, 30 */
	int64_t events_max_mb;	/* SECURA_EVENTS_MAX_MB of events kept, 2048 */
	int64_t ingest_max_wait_ms; /* SECURA_INGEST_MAX_WAIT_MS: a batch that
				       would wait longer for the writer gets
				       429, 2000 */
	const char *templates_dir;  /* SECURA_TEMPLATES, default ./templates */
	const char *models_dir;	    /* SECURA_MODELS: category.model and
				       severity.model, default ./data/models */
	const char *help_dir;	    /* SECURA_HELP: the help articles */
	const char *rules_dir;	    /* SECURA_RULES: the shipped detection
				       rules, default ./data/rules */
	const char *attack_table;   /* SECURA_ATTACK: the ATT&CK table,
				       ./data/attack/techniques.tsv */
	const char *world_map;	    /* SECURA_WORLD_MAP: the countries'
				       outlines, ./data/world/countries.tsv */
	const char *backup_dir;	    /* SECURA_BACKUP_DIR: where the worker backs
				       up (NULL: it does not) */
	int64_t backup_hours;	   /* SECURA_BACKUP_HOURS between backups, 24 */
	int64_t backup_keep;	   /* SECURA_BACKUP_KEEP backups kept, 7 */
	int64_t rate_window;	   /* SECURA_RATE_WINDOW seconds a limit counts
				      over, 60 */
	int64_t rate_role[5];	   /* requests a window per person or token, by
				      role: SECURA_RATE_LIMIT_<ROLE>, else
				      SECURA_RATE_LIMIT, 600 (0: none) */
	int64_t rate_anon;	   /* SECURA_RATE_ANON: a window per address
				      without a session, 300 */
	int64_t rate_ingest;	   /* SECURA_RATE_INGEST: requests a window per
				      event source, 6000 */
	const char *metrics_token; /* SECURA_METRICS_TOKEN: the bearer secret
				      that opens /metrics/prometheus */
	int metrics_loopback;	   /* SECURA_METRICS_LOOPBACK=0: loopback
				      needs the token too; 1 by default */
	int graphs;		   /* SECURA_GRAPHS=0: the intake keeps no
				      graphs (edges, addresses, people's
				      days); 1 by default */
	const char *geoip_dir;	   /* SECURA_GEOIP: GeoIP.dat and
				      GeoIPv6.dat, /usr/share/GeoIP */
	const char *org_name;	   /* SECURA_ORG_NAME */
	const char *font_dir; /* SECURA_FONT_DIR: DejaVuSans.ttf for PDFs */
	const char *origin;   /* SECURA_ORIGIN, e.g. https://x.org; NULL:
				 derived from each request */
	int threads;	      /* SECURA_THREADS, default 8 */
	int page_cache;	      /* SECURA_PAGE_CACHE=0: no shared page cache */
	int64_t session_idle; /* SECURA_SESSION_IDLE seconds, 1 h */
	int64_t session_max;  /* SECURA_SESSION_MAX seconds, 12 h */
	size_t max_body;      /* SECURA_MAX_BODY bytes, 1 MiB */
	size_t max_upload;    /* SECURA_MAX_UPLOAD bytes per file, 10 MiB */
	size_t max_request; /* SECURA_MAX_REQUEST bytes per upload (all files),
			       50 MiB */
	int login_max_account; /* failures per account per window: 5 */
	int login_max_address; /* failures per address per window: 20 */
	int64_t login_window;  /* SECURA_LOGIN_WINDOW seconds, 900 */
	/* outbound delivery (the worker) */
	const char *smtp_url;  /* SECURA_SMTP_URL smtp[s]://host:port; NULL:
				  no email */
	const char *smtp_from; /* SECURA_SMTP_FROM, default secura@localhost */
	const char *smtp_user, *smtp_password; /* SECURA_SMTP_USER/_PASSWORD */
	const char *base_url;  /* SECURA_BASE_URL for links in email, default
				  http://localhost:8080 */
	int allow_private;     /* SECURA_WEBHOOK_ALLOW_PRIVATE=1: webhooks may
				  reach loopback/private addresses */
	int delivery_attempts; /* SECURA_DELIVERY_ATTEMPTS before dead, 8 */
	int64_t delivery_backoff; /* SECURA_DELIVERY_BACKOFF first retry
				     delay in seconds, 30 (doubles) */
	/* the optional language model (OpenAI-compatible chat completions) */
	const char *llm_url;   /* SECURA_LLM_URL; NULL: the assistant is off */
	const char *llm_model; /* SECURA_LLM_MODEL */
	const char *llm_key;   /* SECURA_LLM_KEY, sent as a bearer token */
	int llm_allow_private; /* SECURA_LLM_ALLOW_PRIVATE=1: a model on
				  loopback or the private network */
	int64_t llm_timeout;   /* SECURA_LLM_TIMEOUT seconds, 60 */
};

const struct config *config_get(void);
int config_load(char *err, size_t errlen);

#endif
