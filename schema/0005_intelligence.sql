-- 0005: incident intelligence: the indicators found in incidents, the
-- models' suggestions for each incident, the labels people give when they
-- accept or correct them, and what the threat score weighs.

-- Each distinct indicator once; incident_indicators links it to every
-- incident it was found in.
CREATE TABLE indicators (
	id INTEGER PRIMARY KEY,
	kind TEXT NOT NULL CHECK (kind IN ('ipv4', 'ipv6', 'domain', 'url',
		'email', 'md5', 'sha1', 'sha256', 'cve')),
	value TEXT NOT NULL,
	first_seen INTEGER NOT NULL,
	UNIQUE (kind, value)
);

CREATE TABLE incident_indicators (
	incident_id INTEGER NOT NULL REFERENCES incidents(id),
	indicator_id INTEGER NOT NULL REFERENCES indicators(id),
	source TEXT NOT NULL CHECK (source IN ('description', 'comment',
		'evidence')),
	created_at INTEGER NOT NULL,
	PRIMARY KEY (incident_id, indicator_id)
) WITHOUT ROWID;
CREATE INDEX incident_indicators_indicator
	ON incident_indicators(indicator_id, incident_id);
CREATE INDEX incident_indicators_time
	ON incident_indicators(created_at, indicator_id);

-- What the models said when the incident was reported. Probabilities and
-- explanations are JSON: {"low": 0.2, ...} and [{"term", "weight"}].
CREATE TABLE suggestions (
	incident_id INTEGER PRIMARY KEY REFERENCES incidents(id),
	category TEXT NOT NULL,                 -- a category slug
	category_confidence REAL NOT NULL,
	category_terms TEXT NOT NULL,
	severity TEXT NOT NULL,
	severity_confidence REAL NOT NULL,
	severity_probs TEXT NOT NULL,
	severity_terms TEXT NOT NULL,
	model TEXT NOT NULL,                    -- the models' training times
	created_at INTEGER NOT NULL
);

-- A person's decision on a suggested field: accepted (value = suggested)
-- or corrected. Training data for `secura ml train --from-db`.
CREATE TABLE labels (
	id INTEGER PRIMARY KEY,
	incident_id INTEGER NOT NULL REFERENCES incidents(id),
	field TEXT NOT NULL CHECK (field IN ('category', 'severity')),
	value TEXT NOT NULL,
	suggested TEXT NOT NULL,
	user_id INTEGER NOT NULL REFERENCES users(id),
	created_at INTEGER NOT NULL
);
CREATE INDEX labels_incident ON labels(incident_id, field, id);

-- How much a category weighs in the threat score, 0 to 1.
ALTER TABLE categories ADD COLUMN weight REAL NOT NULL DEFAULT 0.5
	CHECK (weight >= 0 AND weight <= 1);
UPDATE categories SET weight = CASE slug
	WHEN 'malware' THEN 0.8
	WHEN 'phishing' THEN 0.6
	WHEN 'unauthorized-access' THEN 0.9
	WHEN 'data-disclosure' THEN 0.8
	WHEN 'lost-device' THEN 0.5
	WHEN 'physical' THEN 0.4
	WHEN 'insider-misuse' THEN 0.8
	WHEN 'dos' THEN 0.6
	WHEN 'payment-fraud' THEN 0.9
	WHEN 'vulnerability' THEN 0.5
	ELSE 0.3 END;

-- Assets whose mention makes an incident critical (comma-separated,
-- matched case-blind within the incident's affected systems).
INSERT INTO settings(key, value) VALUES ('critical_assets', '');
