/* secura.c - the admin command line. Works on the database directly
 * (same code and statements as the web programs) and writes an audit row
 * for every change, with the Unix user as the actor.
 *
 *   secura init
 *   secura user add --email E --role R [--name N] [--department D]
 *                   [--password-stdin]
 *   secura user role --email E --role R
 *   secura user disable|enable --email E
 *   secura user list
 *   secura token create --email E --name N [--scope read|write] [--days N]
 *   secura audit verify
 *   secura report verify FILE.pdf
 *   secura demo [--count N] [--seed S]
 *   secura ml train|eval ...  (usage() lists every option)
 *   secura ml train --from-db [--field category|severity]
 *   secura ml anomaly train|eval ...  (anomaly models; see anomaly_cmd.c)
 */
#include "../src/core/buf.h"
#include "../src/core/clock.h"
#include "../src/core/config.h"
#include "../src/core/log.h"
#include "../src/core/password.h"
#include "../src/core/perm.h"
#include "../src/core/session.h"
#include "../src/core/sha256.h"
#include "../src/core/valid.h"
#include "../src/ml/ocr.h"
#include "../src/domain/answers.h"
#include "../src/domain/audit.h"
#include "../src/domain/demo.h"
#include "../src/domain/demo_events.h"
#include "../src/domain/jobs.h"
#include "../src/domain/models.h"
#include "../src/domain/report_data.h"
#include "../src/domain/retrain.h"
#include "../src/domain/sources.h"
#include "../src/domain/backup.h"
#include "../src/domain/graph_cmd.h"
#include "../src/domain/rules_cmd.h"
#include "../src/domain/traffic_cmd.h"
#include "../src/domain/users.h"
#include "../src/domain/watchlog.h"
#include "../src/ml/anomaly_cmd.h"
#include "../src/ml/trainer.h"

#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct opts {
	const char *email, *role, *name, *department, *scope, *days;
	const char *count, *seed, *events;
	const char *data, *label_field, *text_field, *split, *year_split;
	const char *out, *model, *cost, *test_fraction, *solver, *manifest;
	const char *datasets, *field, *chars, *write_split, *test;
	int password_stdin, unbalanced, from_db;
};

static db d;
static char actor[128];

/* Prints usage and returns the exit code 2. */
static int usage(void)
{
	fprintf(stderr,
		"usage: secura init\n"
		"       secura user add --email E --role R [--name N] "
		"[--department D] [--password-stdin]\n"
		"       secura user role --email E --role R\n"
		"       secura user disable|enable --email E\n"
		"       secura user list\n"
		"       secura token create --email E --name N "
		"[--scope read|write] [--days N]\n"
		"       secura audit verify\n"
		"       secura report verify FILE.pdf\n"
		"       secura demo [--count N] [--events N] [--seed S]\n"
		"       secura ml train --data F.jsonl [--label-field L] "
		"[--text-field T] [--test T.jsonl | --split S.json | "
		"--year-split Y | --test-fraction F [--seed S]] [--solver "
		"svm|lr] [--c C] "
		"[--unbalanced] [--char-ngrams 3-6] [--write-split S.json] "
		"--out MODEL\n"
		"       secura ml train --manifest M.json [--datasets DIR] "
		"--out MODEL\n"
		"       secura ml train --from-db [--field category|severity]\n"
		"       secura ml anomaly train|eval ... (secura ml anomaly "
		"for its options)\n"
		"       secura watch-log FILE --source NAME [--from-start] "
		"[--once]\n"
		"       secura graph scores [--threshold T] | graph watch\n"
		"       secura assistant eval QUESTIONS.tsv\n"
		"       secura ocr IMAGE\n"
		"       secura backup DIR | backup check BACKUP\n"
		"       secura restore BACKUP [--replace]\n"
		"       secura traffic --url URL --token T [--rate N] "
		"[--seconds S] [--scenario S] [--door native|hec] (secura "
		"traffic for its options)\n"
		"       secura ml eval --model MODEL --data F.jsonl "
		"[--label-field L] [--text-field T] [--split S.json | "
		"--year-split Y]\n"
		"roles: employee analyst lead manager admin\n");
	return 2;
}

/* Parses --flag value pairs from argv[from..]. Returns 0 or -1. */
static int parse_opts(int argc, char **argv, int from, struct opts *o)
{
	static const struct {
		const char *flag;
		size_t off;
	} flags[] = {
	    {"--email", offsetof(struct opts, email)},
	    {"--role", offsetof(struct opts, role)},
	    {"--name", offsetof(struct opts, name)},
	    {"--department", offsetof(struct opts, department)},
	    {"--scope", offsetof(struct opts, scope)},
	    {"--days", offsetof(struct opts, days)},
	    {"--count", offsetof(struct opts, count)},
	    {"--events", offsetof(struct opts, events)},
	    {"--seed", offsetof(struct opts, seed)},
	    {"--data", offsetof(struct opts, data)},
	    {"--label-field", offsetof(struct opts, label_field)},
	    {"--text-field", offsetof(struct opts, text_field)},
	    {"--split", offsetof(struct opts, split)},
	    {"--year-split", offsetof(struct opts, year_split)},
	    {"--out", offsetof(struct opts, out)},
	    {"--model", offsetof(struct opts, model)},
	    {"--c", offsetof(struct opts, cost)},
	    {"--test-fraction", offsetof(struct opts, test_fraction)},
	    {"--solver", offsetof(struct opts, solver)},
	    {"--manifest", offsetof(struct opts, manifest)},
	    {"--datasets", offsetof(struct opts, datasets)},
	    {"--field", offsetof(struct opts, field)},
	    {"--char-ngrams", offsetof(struct opts, chars)},
	    {"--write-split", offsetof(struct opts, write_split)},
	    {"--test", offsetof(struct opts, test)},
	};
	memset(o, 0, sizeof(*o));
	for (int i = from; i < argc; i++) {
		if (!strcmp(argv[i], "--password-stdin")) {
			o->password_stdin = 1;
			continue;
		}
		if (!strcmp(argv[i], "--unbalanced")) {
			o->unbalanced = 1;
			continue;
		}
		if (!strcmp(argv[i], "--from-db")) {
			o->from_db = 1;
			continue;
		}
		size_t k = 0;
		while (k < sizeof(flags) / sizeof(*flags) &&
		       strcmp(argv[i], flags[k].flag) != 0)
			k++;
		if (k == sizeof(flags) / sizeof(*flags) || i + 1 >= argc)
			return -1;
		*(const char **)((char *)o + flags[k].off) = argv[++i];
	}
	return 0;
}

/* Appends an audit row for a CLI action inside the open transaction. */
static int cli_audit(const char *action, int64_t uid, json_t *detail)
{
	char id[24];
	snprintf(id, sizeof(id), "%lld", (long long)uid);
	struct audit_entry e = {0, actor, "cli", action, "user", id, detail};
	int rc = audit_append(&d, &e);
	json_decref(detail);
	return rc;
}

/* Loads a user by --email or explains why not. Returns 0 or -1. */
static int need_user(arena *a, const char *email, struct user *u)
{
	if (!email) {
		fprintf(stderr, "secura: --email is required\n");
		return -1;
	}
	if (users_find_email(&d, a, email, u) != 1) {
		fprintf(stderr, "secura: no user with email %s\n", email);
		return -1;
	}
	return 0;
}

/* Creates a user; prints the generated first password when not given
 * one. Returns the new id, or -1 with a message. */
static int64_t add_user(const char *email_in, const char *role_s,
			const char *name, const char *dept, int from_stdin)
{
	arena a;
	arena_init(&a);
	const char *email = NULL, *msg;
	struct field ef = {"email", V_EMAIL, F_REQUIRED, 3, 254, NULL, NULL};
	int role = perm_role_parse(role_s);
	char pw[PASSWORD_MAX * 4 + 2] = "", hash[PASSWORD_MCF_LEN];
	int64_t id = -1;
	if ((msg = valid_check(&a, &ef, email_in, &email))) {
		fprintf(stderr, "secura: email %s\n", msg);
		goto done;
	}
	if (role == ROLE_NONE) {
		fprintf(stderr, "secura: unknown role '%s'\n",
			role_s ? role_s : "");
		goto done;
	}
	if (from_stdin) {
		if (!fgets(pw, sizeof(pw), stdin)) {
			fprintf(stderr, "secura: no password on stdin\n");
			goto done;
		}
		pw[strcspn(pw, "\r\n")] = '\0';
		if ((msg = password_policy(pw, email))) {
			fprintf(stderr, "secura: password %s\n", msg);
			goto done;
		}
	}
	/* without one given, a generated first password ("!" until it is
	 * set) that works only to choose one's own */
	if ((from_stdin && password_hash(pw, hash) != 0) || db_begin(&d) != 0)
		goto done;
	id = users_add(&d, email, name ? name : "", dept ? dept : "", role,
		       from_stdin ? hash : "!");
	if (id <= 0 ||
	    (!from_stdin && users_first_password(&d, id, pw, 21) != 0) ||
	    cli_audit("user.create", id,
		      json_pack("{ss ss}", "email", email, "role",
				perm_role_name(role))) != 0 ||
	    db_commit(&d) != 0) {
		db_rollback(&d);
		fprintf(stderr, "secura: %s\n",
			id == 0 ? "that email is already registered"
				: db_errmsg(&d));
		id = -1;
		goto done;
	}
	printf("created %s %s (id %lld)\n", perm_role_name(role), email,
	       (long long)id);
	if (!from_stdin)
		printf("password: %s\n(shown once; a first password: it works "
		       "for three days, to choose your own at sign-in)\n",
		       pw);
done:
	arena_free(&a);
	return id;
}

/* secura init: creates or migrates the database and makes sure an admin
 * exists. */
static int cmd_init(void)
{
	char err[512];
	int n = db_migrate(&d, err, sizeof(err));
	if (n < 0) {
		fprintf(stderr, "secura: %s\n", err);
		return 1;
	}
	printf("database %s at schema version %d (%d migration%s applied)\n",
	       config_get()->db_path, db_schema_version(), n,
	       n == 1 ? "" : "s");
	/* the events database (the ingest program's) has migrations of its
	   own */
	db ev;
	if (db_open(&ev, config_get()->events_db, err, sizeof(err)) != 0 ||
	    db_migrate_set(&ev, "schema/events/", err, sizeof(err)) < 0) {
		fprintf(stderr, "secura: %s\n", err);
		return 1;
	}
	db_close(&ev);
	if (users_active_admins(&d) > 0)
		return 0;
	const char *email = getenv("SECURA_ADMIN_EMAIL");
	printf("no admin yet: creating one\n");
	return add_user(email && *email ? email : "admin@secura.local", "admin",
			"Administrator", "", 0) > 0
		   ? 0
		   : 1;
}

/* secura user role|disable|enable: one change with its audit row. */
static int cmd_user_change(const char *what, const struct opts *o)
{
	arena a;
	struct user u;
	int rc = 1, role = -1;
	arena_init(&a);
	if (need_user(&a, o->email, &u) != 0)
		goto done;
	if (!strcmp(what, "role") &&
	    (role = perm_role_parse(o->role)) == ROLE_NONE) {
		fprintf(stderr, "secura: unknown role '%s'\n",
			o->role ? o->role : "");
		goto done;
	}
	int disable = !strcmp(what, "disable");
	if (u.role == ROLE_ADMIN && u.active &&
	    (disable || (role >= 0 && role != ROLE_ADMIN)) &&
	    users_active_admins(&d) <= 1) {
		fprintf(stderr, "secura: %s is the last active admin\n",
			u.email);
		goto done;
	}
	if (db_begin(&d) != 0)
		goto done;
	int ok =
	    role >= 0
		? users_set_role(&d, u.id, role) == 0 &&
		      cli_audit("user.role", u.id,
				json_pack("{ss ss ss}", "email", u.email,
					  "from", perm_role_name(u.role), "to",
					  perm_role_name(role))) == 0
		: users_set_active(&d, u.id, !disable) == 0 &&
		      cli_audit(disable ? "user.deactivate" : "user.reactivate",
				u.id, json_pack("{ss}", "email", u.email)) == 0;
	if (!ok || db_commit(&d) != 0) {
		db_rollback(&d);
		fprintf(stderr, "secura: %s\n", db_errmsg(&d));
		goto done;
	}
	printf("%s: %s\n", u.email,
	       role >= 0 ? perm_role_name(role)
	       : disable ? "disabled"
			 : "enabled");
	rc = 0;
done:
	arena_free(&a);
	return rc;
}

/* secura user list: every user, one line each. */
static int cmd_user_list(void)
{
	arena a;
	int64_t total;
	arena_init(&a);
	json_t *users = users_search(&d, &a, "", "", -1, 100000, 0, &total);
	size_t i;
	json_t *u;
	json_array_foreach(users, i, u)
	{
		printf("%5lld  %-8s  %-8s  %s  %s\n",
		       (long long)json_integer_value(json_object_get(u, "id")),
		       json_string_value(json_object_get(u, "role")),
		       json_is_true(json_object_get(u, "active")) ? "active"
								  : "disabled",
		       json_string_value(json_object_get(u, "email")),
		       json_string_value(json_object_get(u, "name")));
	}
	json_decref(users);
	arena_free(&a);
	return users ? 0 : 1;
}

/* secura token create: prints a new API token once. */
static int cmd_token_create(const struct opts *o)
{
	arena a;
	struct user u;
	int64_t days = 0, id;
	char token[TOKEN_LEN];
	int rc = 1;
	arena_init(&a);
	if (need_user(&a, o->email, &u) != 0)
		goto done;
	if (!o->name || !*o->name || strlen(o->name) > 100) {
		fprintf(stderr, "secura: --name of 1 to 100 characters is "
				"required\n");
		goto done;
	}
	if (o->days && valid_int(o->days, 1, 3650, &days) != 0) {
		fprintf(stderr, "secura: --days must be 1 to 3650\n");
		goto done;
	}
	const char *scope = o->scope ? o->scope : "read";
	int known = 0;
	for (int i = 0; token_scopes[i]; i++)
		known |= !strcmp(scope, token_scopes[i]);
	if (!known) {
		fprintf(stderr,
			"secura: --scope must be read, write or metrics\n");
		goto done;
	}
	if (!strcmp(scope, "metrics") && u.role != ROLE_ADMIN) {
		fprintf(stderr, "secura: only admins have metrics tokens\n");
		goto done;
	}
	if (db_begin(&d) != 0)
		goto done;
	if (token_create(&d, u.id, o->name, scope,
			 days ? clock_now() + days * 86400 : 0, token,
			 &id) != 0 ||
	    cli_audit("token.create", u.id,
		      json_pack("{ss sI}", "name", o->name, "token_id",
				(json_int_t)id)) != 0 ||
	    db_commit(&d) != 0) {
		db_rollback(&d);
		fprintf(stderr, "secura: %s\n", db_errmsg(&d));
		goto done;
	}
	printf("%s\n", token);
	rc = 0;
done:
	arena_free(&a);
	return rc;
}

/* secura demo: adds demo people and incidents; prints the people's
 * shared password once. */
static int cmd_demo(const struct opts *o)
{
	int64_t count = 300, seed = 42, events = 20000;
	char pw[21], hash[PASSWORD_MCF_LEN];
	if ((o->count && valid_int(o->count, 1, 10000000, &count) != 0) ||
	    (o->events && valid_int(o->events, 0, 10000000, &events) != 0) ||
	    (o->seed && valid_int(o->seed, 1, INT64_MAX, &seed) != 0)) {
		fprintf(stderr, "secura: --count 1..10000000, --events "
				"0..10000000, --seed > 0\n");
		return 2;
	}
	if (password_generate(pw, sizeof(pw)) != 0 ||
	    password_hash(pw, hash) != 0)
		return 1;
	char err[512];
	if (models_init(config_get()->models_dir, err, sizeof(err)) != 0)
		fprintf(stderr,
			"secura: no text vectors for similar incidents: "
			"%s\n",
			err);
	double t0 = clock_mono_ms();
	if (demo_fill(&d, config_get()->data_dir, count, (uint64_t)seed, hash,
		      isatty(2) ? stderr : NULL) != 0 ||
	    db_begin(&d) != 0 ||
	    cli_audit("demo.fill", 0,
		      json_pack("{sI sI}", "count", (json_int_t)count, "seed",
				(json_int_t)seed)) != 0 ||
	    db_commit(&d) != 0) {
		db_rollback(&d);
		fprintf(stderr, "secura: demo failed: %s\n", db_errmsg(&d));
		return 1;
	}
	printf("added %lld demo incidents in %.1f s\n", (long long)count,
	       (clock_mono_ms() - t0) / 1000);
	if (events > 0) {
		db ev;
		t0 = clock_mono_ms();
		long n = -1;
		if (db_open(&ev, config_get()->events_db, err, sizeof(err)) ==
			0 &&
		    db_migrate_set(&ev, "schema/events/", err, sizeof(err)) >=
			0)
			n = demo_events_fill(&d, &ev, 3, (long)events,
					     (uint64_t)seed,
					     isatty(2) ? stderr : NULL);
		db_close(&ev);
		if (n < 0) {
			fprintf(stderr, "secura: demo events failed: %s\n",
				err);
			return 1;
		}
		printf("added %ld demo security events of three days (source "
		       "\"%s\") in %.1f s\n",
		       n, DEMO_EVENTS_SOURCE, (clock_mono_ms() - t0) / 1000);
	}
	printf("demo people demo00..demo49@demo.example (demo40-45 analysts, "
	       "46-47 leads, 48-49 managers) sign in with: %s\n",
	       pw);
	return 0;
}

/* secura backup DIR: a backup of this instance into a new folder of
 * DIR, while it serves; prints the folder. Exit 0, or 1 (nothing kept). */
static int cmd_backup(const char *dir)
{
	char err[512], out[4200];
	db ev;
	int have_ev =
	    db_open(&ev, config_get()->events_db, err, sizeof(err)) == 0;
	int rc = backup_make(&d, have_ev ? &ev : NULL, config_get()->data_dir,
			     dir, out, sizeof(out), err, sizeof(err));
	if (have_ev)
		db_close(&ev);
	if (rc != 0) {
		fprintf(stderr, "secura: backup: %s\n", err);
		return 1;
	}
	printf("backup written: %s\n", out);
	return 0;
}

/* secura backup check BACKUP, secura restore BACKUP [--replace]: checks
 * a backup's hashes; restores it into $SECURA_DATA (stopped). Exit 0,
 * 1 refused (nothing changed), 2 bad usage. */
static int cmd_restore(int argc, char **argv)
{
	char err[600];
	if (!strcmp(argv[1], "backup")) {
		json_t *m = backup_check(argv[3], err, sizeof(err));
		if (!m) {
			fprintf(stderr, "secura: %s\n", err);
			return 1;
		}
		printf("backup intact: %s, %zu files\n",
		       json_string_value(json_object_get(m, "created")),
		       json_array_size(json_object_get(m, "files")));
		json_decref(m);
		return 0;
	}
	int replace = argc == 4 && !strcmp(argv[3], "--replace");
	if (argc != 3 && !replace)
		return usage();
	if (config_load(err, sizeof(err)) != 0) {
		fprintf(stderr, "secura: %s\n", err);
		return 1;
	}
	if (backup_restore(argv[2], config_get()->data_dir, replace, err,
			   sizeof(err)) != 0) {
		fprintf(stderr, "secura: restore refused: %s\n", err);
		return 1;
	}
	printf("restored %s into %s\n", argv[2], config_get()->data_dir);
	return 0;
}

/* secura audit verify: walks the chain; exit 0 intact, 1 broken. */
static int cmd_audit_verify(void)
{
	int64_t rows, bad;
	char why[200];
	int rc = audit_verify(&d, &rows, &bad, why, sizeof(why));
	if (rc < 0) {
		fprintf(stderr, "secura: %s\n", db_errmsg(&d));
		return 2;
	}
	if (rc == 1) {
		printf("audit chain BROKEN at row %lld: %s\n", (long long)bad,
		       why);
		return 1;
	}
	printf("audit chain intact: %lld rows\n", (long long)rows);
	return 0;
}

/* secura report verify FILE.pdf: finds the data SHA-256 a Secura report
 * carries, checks that this very file was generated from that data (its
 * own SHA-256 is in the reports register), and says whether the data is
 * still the same today. Exit 0 authentic, 1 unknown or modified, 2 not
 * a Secura report or an error. */
static int cmd_report_verify(const char *path)
{
	static const char tag[] = "secura-data-sha256:";
	buf b = BUF_INIT;
	int rc = 2;
	if (buf_read_file(&b, path) != 0) {
		fprintf(stderr, "secura: cannot read %s\n", path);
		goto done;
	}
	const char *at =
	    b.len ? memmem(b.data, b.len, tag, sizeof(tag) - 1) : NULL;
	char data_sha[65] = "", file_sha[65];
	if (at && (size_t)(at - b.data) + sizeof(tag) - 1 + 64 <= b.len)
		memcpy(data_sha, at + sizeof(tag) - 1, 64);
	if (strspn(data_sha, "0123456789abcdef") != 64) {
		printf("%s: not a Secura report (no data SHA-256 found)\n",
		       path);
		goto done;
	}
	sha256_hex(b.data, b.len, file_sha);
	sqlite3_stmt *st = db_query(&d, STMT_REPORT_BY_DATA, data_sha);
	if (!st)
		goto done;
	int known = 0, same = 0;
	char kind[64] = "", params[512] = "", who[256] = "", when[21] = "";
	int64_t id = 0, pages = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		known = 1;
		if (strcmp(db_text(st, 3), file_sha))
			continue;
		same = 1;
		id = db_int(st, 0);
		snprintf(kind, sizeof(kind), "%s", db_text(st, 1));
		snprintf(params, sizeof(params), "%s", db_text(st, 2));
		pages = db_int(st, 4);
		snprintf(who, sizeof(who), "%s", db_text(st, 5));
		clock_iso(db_int(st, 6), when);
	}
	sqlite3_reset(st);
	printf("data SHA-256: %s\nfile SHA-256: %s\n", data_sha, file_sha);
	if (!same) {
		printf(known ? "MODIFIED: reports with this data were "
			       "generated, but none is this file\n"
			     : "UNKNOWN: no report with this data was "
			       "generated by this Secura\n");
		rc = 1;
		goto done;
	}
	printf("AUTHENTIC: report #%lld (%s %s), %lld pages, generated by %s "
	       "at %s\n",
	       (long long)id, kind, params, (long long)pages, who, when);
	/* and is the data still what it was? */
	char err[160], now_sha[65];
	arena a;
	arena_init(&a);
	json_t *p = json_loads(params, 0, NULL);
	json_t *data =
	    p ? report_data(&d, &a, kind, p, err, sizeof(err)) : NULL;
	if (data) {
		report_hash(data, now_sha);
		printf(strcmp(now_sha, data_sha)
			   ? "The data has changed since (now %s).\n"
			   : "The data is unchanged since.%s\n",
		       strcmp(now_sha, data_sha) ? now_sha : "");
	}
	json_decref(data);
	json_decref(p);
	arena_free(&a);
	rc = 0;
done:
	buf_free(&b);
	return rc;
}

/* secura ml train|eval: no database involved. */
static int cmd_ml(int argc, char **argv)
{
	struct opts o;
	int64_t year = 0, seed = 42, chars = 0;
	char *end = NULL;
	const char *sub = argc > 2 ? argv[2] : "";
	int train = !strcmp(sub, "train");
	if ((!train && strcmp(sub, "eval")) || parse_opts(argc, argv, 3, &o) ||
	    !(o.data || (train && o.manifest)) || (train ? !o.out : !o.model) ||
	    (o.solver && strcmp(o.solver, "lr") && strcmp(o.solver, "svm")) ||
	    (o.year_split && valid_int(o.year_split, 1900, 9999, &year)) ||
	    (o.seed && valid_int(o.seed, 1, INT64_MAX, &seed)) ||
	    (o.chars && valid_int(o.chars, 3, 6, &chars)))
		return usage();
	struct trainer_opts t = {
	    .data = o.data,
	    .text_field = o.text_field ? o.text_field : "text",
	    .label_field = o.label_field ? o.label_field : "label",
	    .split = o.split,
	    .year_split = (int)year,
	    .seed = (unsigned long)seed,
	    .model = train ? o.out : o.model,
	    .C = o.cost ? strtod(o.cost, &end) : 1.0,
	    .unbalanced = o.unbalanced,
	    .lr = o.solver && !strcmp(o.solver, "lr"),
	    .chars = (int)chars,
	    .write_split = o.write_split,
	    .test = o.test,
	    .manifest = o.manifest,
	    .datasets = o.datasets ? o.datasets : "../shared/datasets",
	};
	if (o.cost && (*end || t.C <= 0 || t.C > 1e6))
		return usage();
	if (o.test_fraction) {
		t.test_fraction = strtod(o.test_fraction, &end);
		if (*end || t.test_fraction <= 0 || t.test_fraction >= 1)
			return usage();
	}
	return train ? trainer_train(&t, stdout) : trainer_eval(&t, stdout);
}

/* secura ml train --from-db [--field F]: queues a training of F
 * (category by default) from the labelled incidents and runs the queue
 * now; the new model is adopted only if not worse on held-out labels. */
static int cmd_ml_from_db(const struct opts *o)
{
	const char *kind = o->field ? o->field : "category";
	char err[512];
	if (models_kind(kind) < 0)
		return usage();
	if (models_init(config_get()->models_dir, err, sizeof(err)) != 0)
		fprintf(stderr, "secura: current model: %s\n", err);
	if (db_begin(&d) != 0)
		return 1;
	int64_t id = retrain_queue(&d, kind, 0);
	if (id <= 0 || db_commit(&d) != 0) {
		db_rollback(&d);
		fprintf(stderr, "secura: %s\n",
			id == 0 ? "a training of that kind is already queued "
				  "or running"
				: db_errmsg(&d));
		return 1;
	}
	int rc;
	static const struct job_kind retrain = {"retrain", retrain_run, 0};
	int64_t after = 0;
	while ((rc = jobs_run_next(&d, &retrain, 1, &after)) == 1)
		;
	json_t *list = retrain_list(&d);
	size_t i;
	json_t *t;
	const char *status = "failed";
	json_array_foreach(
	    list, i, t) if (json_integer_value(json_object_get(t, "id")) == id)
	    status = json_string_value(json_object_get(t, "status"));
	int failed = rc < 0 || !strcmp(status, "failed");
	json_decref(list);
	models_free();
	return failed;
}

/* Returns the id of the event source called name, creating it as an
 * http-access source (audited) when there is none. -1 on error. */
static int64_t watched_source(const char *name)
{
	int64_t id = sources_find_name(&d, name);
	if (id != 0)
		return id;
	char token[SOURCE_TOKEN_LEN], sid[24];
	if (db_begin(&d) != 0)
		return -1;
	id = sources_create(&d, name, "http-access", 0, token);
	snprintf(sid, sizeof(sid), "%lld", (long long)id);
	json_t *detail =
	    json_pack("{ss ss}", "name", name, "kind", "http-access");
	struct audit_entry e = {
	    0, actor, "cli", "source.create", "event_source", sid, detail};
	int rc = id <= 0 || audit_append(&d, &e) != 0 || db_commit(&d) != 0;
	json_decref(detail);
	if (rc) {
		db_rollback(&d);
		return -1;
	}
	printf("watch-log: created the http-access source \"%s\"\n", name);
	return id;
}

/* SIGINT/SIGTERM: watch-log ends after its current batch. */
static void on_stop(int sig)
{
	(void)sig;
	watchlog_stop();
}

/* secura watch-log FILE --source NAME [--from-start] [--once]: follows a
 * web server's access log into the events database as the source's
 * events (created when missing). Returns the exit status. */
static int cmd_watch_log(int argc, char **argv)
{
	struct watchlog w = {.main = &d};
	const char *name = NULL;
	for (int i = 3; i < argc; i++) {
		if (!strcmp(argv[i], "--source") && i + 1 < argc)
			name = argv[++i];
		else if (!strcmp(argv[i], "--from-start"))
			w.from_start = 1;
		else if (!strcmp(argv[i], "--once"))
			w.once = 1;
		else
			return usage();
	}
	w.path = argc > 2 ? argv[2] : NULL;
	if (!w.path || !name)
		return usage();
	db events;
	struct scorer sc;
	char err[512];
	if (db_open(&events, config_get()->events_db, err, sizeof(err)) != 0 ||
	    db_migrate_set(&events, "schema/events/", err, sizeof(err)) < 0) {
		fprintf(stderr, "secura: %s\n", err);
		return 1;
	}
	w.events = &events;
	w.source_id = watched_source(name);
	int rc = 1;
	if (w.source_id <= 0) {
		fprintf(stderr, "secura: cannot find or create source %s\n",
			name);
	} else if (scorer_open(&sc, config_get()->models_dir, &events) == 0) {
		w.sc = &sc;
		struct rules_cache rules;
		rules_cache_init(&rules);
		w.rules = &rules;
		w.rules_dir = config_get()->rules_dir;
		struct sigaction sa = {.sa_handler = on_stop};
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
		rc = watchlog_run(&w, stdout);
		rules_cache_close(&rules);
		scorer_close(&sc);
	}
	db_close(&events);
	return rc;
}

/* secura ocr FILE: prints the text Tesseract reads in an image, as the
 * worker reads image evidence (for make eval). */
static int cmd_ocr(const char *path)
{
	buf img = BUF_INIT;
	char err[256] = "", *text = NULL;
	if (buf_read_file(&img, path) != 0) {
		fprintf(stderr, "secura: cannot read %s\n", path);
		buf_free(&img);
		return 1;
	}
	int rc = ocr_image((const unsigned char *)img.data, img.len, &text, err,
			   sizeof(err));
	buf_free(&img);
	if (rc != 0) {
		fprintf(stderr, "secura: %s: %s\n", path, err);
		return 1;
	}
	fputs(text, stdout);
	free(text);
	return 0;
}

int main(int argc, char **argv)
{
	char err[512];
	struct opts o;
	const char *who = getenv("USER");
	snprintf(actor, sizeof(actor), "cli:%s", who ? who : "unknown");
	if (argc < 2)
		return usage();
	int from_db = 0;
	for (int i = 2; i < argc; i++)
		from_db |= !strcmp(argv[i], "--from-db");
	if (!strcmp(argv[1], "ml") && argc > 2 && !strcmp(argv[2], "anomaly"))
		return anomaly_command(argc - 3, argv + 3, stdout);
	if (!strcmp(argv[1], "ocr"))
		return argc == 3 ? cmd_ocr(argv[2]) : usage();
	if (!strcmp(argv[1], "traffic"))
		return traffic_command(argc - 2, argv + 2, stdout);
	if (!strcmp(argv[1], "rules"))
		return rules_command(argc - 2, argv + 2, stdout);
	if (!strcmp(argv[1], "restore") ||
	    (!strcmp(argv[1], "backup") && argc == 4 &&
	     !strcmp(argv[2], "check")))
		return cmd_restore(argc, argv);
	if (!strcmp(argv[1], "ml") && !from_db)
		return cmd_ml(argc, argv);
	if (config_load(err, sizeof(err)) != 0 ||
	    db_open(&d, config_get()->db_path, err, sizeof(err)) != 0) {
		fprintf(stderr, "secura: %s\n", err);
		return 1;
	}
	int rc;
	const char *cmd = argv[1], *sub = argc > 2 ? argv[2] : "";
	if (!strcmp(cmd, "init")) {
		rc = cmd_init();
	} else if (db_migrate(&d, err, sizeof(err)) < 0) {
		fprintf(stderr, "secura: %s\n", err);
		rc = 1;
	} else if (!strcmp(cmd, "backup")) {
		rc = argc == 3 ? cmd_backup(argv[2]) : usage();
	} else if (!strcmp(cmd, "graph")) {
		rc = graph_command(&d, argc - 2, argv + 2, stdout);
	} else if (!strcmp(cmd, "assistant") && !strcmp(sub, "eval")) {
		rc =
		    argc == 4 && answers_eval(&d, argv[3], stdout) == 0 ? 0 : 1;
	} else if (!strcmp(cmd, "watch-log")) {
		rc = cmd_watch_log(argc, argv);
	} else if (!strcmp(cmd, "report") && !strcmp(sub, "verify")) {
		rc = argc == 4 ? cmd_report_verify(argv[3]) : usage();
	} else if (!strcmp(cmd, "ml")) {
		rc = !strcmp(sub, "train") && parse_opts(argc, argv, 3, &o) == 0
			 ? cmd_ml_from_db(&o)
			 : usage();
	} else if (!strcmp(cmd, "demo")) {
		rc =
		    parse_opts(argc, argv, 2, &o) == 0 ? cmd_demo(&o) : usage();
	} else if (parse_opts(argc, argv, 3, &o) != 0) {
		rc = usage();
	} else if (!strcmp(cmd, "user") && !strcmp(sub, "add")) {
		rc = add_user(o.email, o.role, o.name, o.department,
			      o.password_stdin) > 0
			 ? 0
			 : 1;
	} else if (!strcmp(cmd, "user") &&
		   (!strcmp(sub, "role") || !strcmp(sub, "disable") ||
		    !strcmp(sub, "enable"))) {
		rc = cmd_user_change(sub, &o);
	} else if (!strcmp(cmd, "user") && !strcmp(sub, "list")) {
		rc = cmd_user_list();
	} else if (!strcmp(cmd, "token") && !strcmp(sub, "create")) {
		rc = cmd_token_create(&o);
	} else if (!strcmp(cmd, "audit") && !strcmp(sub, "verify")) {
		rc = cmd_audit_verify();

	} else {
		rc = usage();
	}
	db_close(&d);
	return rc;
}
