-- 0003: what dashboards and compliance reports need: organisation
-- settings, the regulatory facts of an incident, the notifications made,
-- milestone times derived from the history, and a register of generated
-- reports (so a PDF copy can be verified).

-- Organisation settings shown on reports (admin-editable).
CREATE TABLE settings (
	key TEXT PRIMARY KEY,
	value TEXT NOT NULL
) WITHOUT ROWID;
INSERT INTO settings(key, value) VALUES
	('org_name', ''),  -- empty: SECURA_ORG_NAME
	('controller', ''),
	('controller_contact', ''),
	('dpo_name', ''),
	('dpo_contact', ''),
	('authority', 'the lead supervisory authority'),
	('sox_committee', 'the audit committee');

-- Regulatory facts of one incident, filled in by analysts when relevant
-- (personal data: GDPR; health data: HIPAA; financial systems: SOX).
CREATE TABLE incident_compliance (
	incident_id INTEGER PRIMARY KEY REFERENCES incidents(id),
	consequences TEXT NOT NULL DEFAULT '',  -- likely consequences
	measures TEXT NOT NULL DEFAULT '',      -- measures taken and proposed
	art34_decision TEXT NOT NULL DEFAULT '' CHECK (art34_decision IN ('',
		'notified', 'exempt_protected', 'exempt_measures',
		'exempt_effort', 'not_high_risk')),
	art34_reason TEXT NOT NULL DEFAULT '',
	hipaa_states TEXT NOT NULL DEFAULT '',  -- "CA: 120, NY: 30"
	hipaa_nature TEXT NOT NULL DEFAULT '',  -- factor 1: PHI involved
	hipaa_recipient TEXT NOT NULL DEFAULT '', -- factor 2: who got it
	hipaa_acquired TEXT NOT NULL DEFAULT '',  -- factor 3: viewed/acquired
	hipaa_mitigation TEXT NOT NULL DEFAULT '', -- factor 4: mitigation
	hipaa_conclusion TEXT NOT NULL DEFAULT '' CHECK (hipaa_conclusion IN
		('', 'low_probability', 'breach')),
	financial_systems INTEGER NOT NULL DEFAULT 0
		CHECK (financial_systems IN (0, 1)),
	sox_control_area TEXT NOT NULL DEFAULT '' CHECK (sox_control_area IN
		('', 'access', 'change', 'operations', 'development',
		'data_integrity')),
	sox_classification TEXT NOT NULL DEFAULT '' CHECK (sox_classification
		IN ('', 'deficiency', 'significant_deficiency',
		'material_weakness')),
	sox_owner TEXT NOT NULL DEFAULT '',
	sox_remediation_due INTEGER,
	sox_committee_at INTEGER
);
CREATE INDEX incident_compliance_sox ON incident_compliance(
	financial_systems, incident_id);

-- Notifications actually made (to an authority, the people affected,
-- HHS, the media, an audit committee): when, how, their reference, and
-- why when late.
CREATE TABLE incident_notices (
	id INTEGER PRIMARY KEY,
	incident_id INTEGER NOT NULL REFERENCES incidents(id),
	kind TEXT NOT NULL CHECK (kind IN ('gdpr_authority', 'gdpr_subjects',
		'hipaa_individuals', 'hipaa_hhs', 'hipaa_media',
		'sox_committee')),
	made_at INTEGER NOT NULL,
	channel TEXT NOT NULL,
	reference TEXT NOT NULL DEFAULT '',
	late_reason TEXT NOT NULL DEFAULT '',
	recorded_by INTEGER NOT NULL REFERENCES users(id),
	recorded_at INTEGER NOT NULL
);
CREATE INDEX incident_notices_incident ON incident_notices(incident_id, id);

-- First time each incident was triaged (left "new"), reached containment
-- or a later phase, and was resolved: kept by a trigger on the history
-- rows, so metrics read one row per incident instead of its events.
CREATE TABLE incident_milestones (
	incident_id INTEGER PRIMARY KEY REFERENCES incidents(id),
	triaged_at INTEGER,
	contained_at INTEGER,
	resolved_at INTEGER
);
INSERT INTO incident_milestones(incident_id, triaged_at, contained_at,
	resolved_at)
SELECT incident_id, min(at),
	min(CASE WHEN new_value IN ('containment', 'eradication', 'recovery',
		'resolved', 'closed') THEN at END),
	min(CASE WHEN new_value IN ('resolved', 'closed') THEN at END)
FROM incident_events WHERE kind = 'status' GROUP BY incident_id;
CREATE TRIGGER incident_milestones_status AFTER INSERT ON incident_events
WHEN NEW.kind = 'status'
BEGIN
	INSERT OR IGNORE INTO incident_milestones(incident_id)
		VALUES (NEW.incident_id);
	UPDATE incident_milestones SET
		triaged_at = coalesce(triaged_at, NEW.at),
		contained_at = coalesce(contained_at, CASE WHEN NEW.new_value IN
			('containment', 'eradication', 'recovery', 'resolved',
			'closed') THEN NEW.at END),
		resolved_at = coalesce(resolved_at, CASE WHEN NEW.new_value IN
			('resolved', 'closed') THEN NEW.at END)
	WHERE incident_id = NEW.incident_id;
END;

-- Every generated report: what, for whom, the SHA-256 of its data and of
-- the PDF, so `secura report verify` can check a copy.
CREATE TABLE reports (
	id INTEGER PRIMARY KEY,
	kind TEXT NOT NULL,
	params TEXT NOT NULL DEFAULT '{}',
	data_sha256 TEXT NOT NULL,
	pdf_sha256 TEXT NOT NULL,
	pages INTEGER NOT NULL,
	generated_by INTEGER NOT NULL REFERENCES users(id),
	generated_at INTEGER NOT NULL
);
CREATE INDEX reports_data ON reports(data_sha256);

-- The operational dashboard reads the open incidents only.
CREATE INDEX incidents_open ON incidents(status, created_at);
