-- 0002: incidents, their categories, history, comments, evidence and the
-- full-text index. Times are Unix seconds (UTC).

-- Admin-editable categories, each mapped to its class in the ENISA
-- Reference Incident Classification Taxonomy (for export).
CREATE TABLE categories (
	id INTEGER PRIMARY KEY,
	slug TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL,
	enisa_class TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT '',
	active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
	position INTEGER NOT NULL DEFAULT 0
);
INSERT INTO categories(slug, name, enisa_class, description, position) VALUES
	('malware', 'Malware', 'malicious-code', 'Viruses, ransomware, trojans, suspicious programs', 1),
	('phishing', 'Phishing and social engineering', 'fraud', 'Suspicious email, calls or messages asking for credentials, money or data', 2),
	('unauthorized-access', 'Unauthorized access', 'intrusions', 'Accounts or systems used by someone who should not', 3),
	('data-disclosure', 'Data disclosure', 'information-content-security', 'Information sent, shown or published to the wrong people', 4),
	('lost-device', 'Lost or stolen device', 'information-content-security', 'Laptops, phones, USB drives or papers gone missing', 5),
	('physical', 'Physical security', 'other', 'Tailgating, broken locks, unknown visitors', 6),
	('insider-misuse', 'Insider misuse', 'intrusions', 'Staff abusing their access', 7),
	('dos', 'Denial of service', 'availability', 'Systems made unavailable on purpose', 8),
	('payment-fraud', 'Payment card fraud', 'fraud', 'Card data stolen or misused', 9),
	('vulnerability', 'Vulnerability or misconfiguration', 'vulnerable', 'Weaknesses found before anyone used them', 10),
	('other', 'Other', 'other', 'Anything else that worries you', 11);

-- The last reference number handed out per year (INC-2026-0042).
CREATE TABLE incident_counters (
	year INTEGER PRIMARY KEY,
	last INTEGER NOT NULL
);

CREATE TABLE incidents (
	id INTEGER PRIMARY KEY,
	ref TEXT NOT NULL UNIQUE,
	title TEXT NOT NULL,
	description TEXT NOT NULL,              -- markdown
	category_id INTEGER NOT NULL REFERENCES categories(id),
	status TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'triage',
		'investigating', 'containment', 'eradication', 'recovery',
		'resolved', 'closed', 'rejected')),
	severity TEXT CHECK (severity IN ('low', 'medium', 'high', 'critical')),
	tlp TEXT NOT NULL DEFAULT 'amber' CHECK (tlp IN ('clear', 'green',
		'amber', 'amber+strict', 'red')),
	reporter_id INTEGER NOT NULL REFERENCES users(id),
	assignee_id INTEGER REFERENCES users(id),
	occurred_at INTEGER,
	noticed_at INTEGER,
	assets TEXT NOT NULL DEFAULT '',
	location TEXT NOT NULL DEFAULT '',
	personal_data INTEGER NOT NULL DEFAULT 0 CHECK (personal_data IN (0, 1)),
	people_affected INTEGER,
	records_affected INTEGER,
	data_types TEXT NOT NULL DEFAULT '',    -- comma-separated, fixed set
	root_cause TEXT NOT NULL DEFAULT '',
	resolution TEXT NOT NULL DEFAULT '',
	contained_at INTEGER,
	resolved_at INTEGER,
	closed_at INTEGER,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
);
-- Lists scan newest-first and filter on any combination of these columns;
-- having them all in one index ordered by time means neither the scan nor
-- a filtered count ever reads the (large) table rows.
CREATE INDEX incidents_recent ON incidents(created_at, status, severity,
	category_id, assignee_id, reporter_id, updated_at);
CREATE INDEX incidents_reporter ON incidents(reporter_id, created_at);
-- The other list orders, so they too stop after one page instead of
-- sorting every match (the expression matches SEVERITY_RANK in stmts.def).
CREATE INDEX incidents_updated ON incidents(updated_at, status, severity,
	category_id, assignee_id, reporter_id, created_at);
CREATE INDEX incidents_by_severity ON incidents((CASE severity
	WHEN 'critical' THEN 4 WHEN 'high' THEN 3 WHEN 'medium' THEN 2
	WHEN 'low' THEN 1 ELSE 0 END), created_at, status, severity,
	category_id, assignee_id, reporter_id);

-- Incidents per status, kept exact by triggers in the writing transaction,
-- so the unfiltered counts on every list page cost one small read.
CREATE TABLE incident_status_totals (
	status TEXT PRIMARY KEY,
	n INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
INSERT INTO incident_status_totals(status) VALUES ('new'), ('triage'),
	('investigating'), ('containment'), ('eradication'), ('recovery'),
	('resolved'), ('closed'), ('rejected');
CREATE TRIGGER incidents_total_insert AFTER INSERT ON incidents
BEGIN
	UPDATE incident_status_totals SET n = n + 1 WHERE status = NEW.status;
END;
CREATE TRIGGER incidents_total_update AFTER UPDATE OF status ON incidents
WHEN OLD.status <> NEW.status
BEGIN
	UPDATE incident_status_totals SET n = n - 1 WHERE status = OLD.status;
	UPDATE incident_status_totals SET n = n + 1 WHERE status = NEW.status;
END;
CREATE TRIGGER incidents_total_delete AFTER DELETE ON incidents
BEGIN
	UPDATE incident_status_totals SET n = n - 1 WHERE status = OLD.status;
END;

-- Every change, with who, when, the old and the new value. Metrics
-- (time to triage, contain, resolve) are computed from these rows.
CREATE TABLE incident_events (
	id INTEGER PRIMARY KEY,
	incident_id INTEGER NOT NULL REFERENCES incidents(id),
	at INTEGER NOT NULL,
	actor_id INTEGER REFERENCES users(id),
	kind TEXT NOT NULL CHECK (kind IN ('created', 'field', 'status',
		'assignee', 'comment', 'evidence')),
	field TEXT NOT NULL DEFAULT '',
	old_value TEXT,
	new_value TEXT,
	internal INTEGER NOT NULL DEFAULT 0 CHECK (internal IN (0, 1))
);
CREATE INDEX incident_events_incident ON incident_events(incident_id, id);
CREATE INDEX incident_events_kind ON incident_events(kind, at);

CREATE TABLE comments (
	id INTEGER PRIMARY KEY,
	incident_id INTEGER NOT NULL REFERENCES incidents(id),
	author_id INTEGER NOT NULL REFERENCES users(id),
	body TEXT NOT NULL,                     -- markdown
	internal INTEGER NOT NULL DEFAULT 0 CHECK (internal IN (0, 1)),
	created_at INTEGER NOT NULL
);
CREATE INDEX comments_incident ON comments(incident_id, id);

-- Files live outside the web root under their SHA-256.
CREATE TABLE evidence (
	id INTEGER PRIMARY KEY,
	incident_id INTEGER NOT NULL REFERENCES incidents(id),
	uploader_id INTEGER NOT NULL REFERENCES users(id),
	filename TEXT NOT NULL,
	size INTEGER NOT NULL,
	mime TEXT NOT NULL,
	sha256 TEXT NOT NULL,
	created_at INTEGER NOT NULL
);
CREATE INDEX evidence_incident ON evidence(incident_id, id);

-- Full-text search, one row per incident (rowid = incidents.id). Public
-- text and internal comments are separate columns so that a reporter's
-- search can be limited to what the reporter may see.
CREATE VIRTUAL TABLE incident_search USING fts5(title, body, internal,
	tokenize = 'unicode61 remove_diacritics 2');
