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

-- Mitigation playbooks, one per category, in markdown; lines "- [ ] ..."
-- are the checklist steps. Written for Secura; leads edit them.
CREATE TABLE playbooks (
	category_id INTEGER PRIMARY KEY REFERENCES categories(id),
	body TEXT NOT NULL,
	updated_at INTEGER NOT NULL,
	updated_by INTEGER REFERENCES users(id)
);

-- The steps ticked on an incident, by the step's text (a reworded step
-- starts unticked); each tick and untick is also a history row.
CREATE TABLE playbook_ticks (
	incident_id INTEGER NOT NULL REFERENCES incidents(id),
	step TEXT NOT NULL,
	user_id INTEGER NOT NULL REFERENCES users(id),
	at INTEGER NOT NULL,
	PRIMARY KEY (incident_id, step)
) WITHOUT ROWID;

INSERT INTO playbooks(category_id, body, updated_at)
SELECT id, CASE slug
WHEN 'malware' THEN '## Contain the infection

Act fast: malware spreads and ransomware encrypts shares while you read.

- [ ] Isolate the affected machines from the network (EDR isolation or pull the cable); do not switch them off, memory holds evidence
- [ ] Identify the sample: file name, hash, where it came from (mail, download, USB)
- [ ] Search every endpoint and the mail gateway for the same hash, sender and domains
- [ ] Block the hashes, domains and addresses found at the proxy, firewall and EDR
- [ ] Reset the passwords of accounts used on the infected machines
- [ ] Reimage or clean the machines; restore data from backups taken before the infection
- [ ] Check backups are intact and offline before restoring ransomware victims
- [ ] Record the root cause and what would have stopped it'
WHEN 'phishing' THEN '## Stop the lure and find who bit

- [ ] Get the original message with full headers (forward as attachment)
- [ ] Block the sender, the reply-to address and the linked domains at the mail gateway and proxy
- [ ] Pull copies of the message from every mailbox that received it
- [ ] Find who clicked or replied (proxy and mail logs)
- [ ] Reset the password and revoke sessions and tokens of everyone who entered credentials; check MFA devices added recently
- [ ] Look for mailbox rules, forwarding and consent grants created after the click
- [ ] Tell staff what to look out for if the campaign is wide
- [ ] Report the phishing site to its host or registrar'
WHEN 'unauthorized-access' THEN '## Take back control of the account or system

- [ ] Confirm the access: logins from unusual places, times or devices, and what was touched
- [ ] Disable or lock the account, revoke its sessions, tokens and keys
- [ ] Preserve logs (identity provider, VPN, servers) before they rotate
- [ ] Find how they got in: reused password, phishing, exposed key, vulnerability
- [ ] Check for persistence: new accounts, keys, scheduled tasks, mailbox rules
- [ ] Decide whether personal data was accessed (GDPR 72 h clock)
- [ ] Restore access with a new credential and MFA
- [ ] Fix the way in and record it as the root cause'
WHEN 'data-disclosure' THEN '## Limit the disclosure and assess the harm

- [ ] Find what was disclosed, to whom, when and how many people and records it concerns
- [ ] Ask the recipient to delete it and confirm in writing; recall the message if possible
- [ ] Remove public copies (shares, links, websites) and revoke shared links
- [ ] Record the categories of data: special category, health, financial, credentials
- [ ] Assess the risk to the people concerned and decide on the GDPR Art. 33 notice within 72 h
- [ ] Decide on telling the people concerned (Art. 34) and record the reasoning
- [ ] Fix the process or setting that allowed it'
WHEN 'lost-device' THEN '## Protect the data on the missing device

- [ ] Record the device, its owner, when and where it was last seen
- [ ] Check whether the disk was encrypted and the device locked (this decides the risk)
- [ ] Lock or wipe it remotely through device management
- [ ] Revoke the certificates, VPN profiles and sessions the device held; reset the owner''s password
- [ ] List the data it held or could reach (mail, files, saved passwords)
- [ ] Report a theft to the police and keep the reference
- [ ] Decide on GDPR/HIPAA notification if unencrypted personal data was on it'
WHEN 'physical' THEN '## Secure the site

- [ ] Make the area safe and secure; call security or the police if someone is still there
- [ ] Preserve CCTV footage and badge logs for the time window
- [ ] Find what was accessed: rooms, racks, screens, papers, devices
- [ ] Check for planted devices (USB sticks, network implants, keyloggers)
- [ ] Repair locks and doors; revoke lost badges
- [ ] Remind staff about tailgating and visitor rules'
WHEN 'insider-misuse' THEN '## Handle with care: people and evidence

- [ ] Involve HR and legal before contacting the person; keep the circle small
- [ ] Preserve evidence: logs, mailbox, files, device, with a chain of custody
- [ ] Limit the person''s access to what their work needs, without tipping them off if advised
- [ ] Establish what data was taken or changed and where it went
- [ ] Decide on regulatory notification if personal data left the organisation
- [ ] Review the access rights that made it possible'
WHEN 'dos' THEN '## Keep the service up

- [ ] Confirm the attack: traffic source, volume, protocol, targeted service
- [ ] Contact the hosting or network provider and switch on their DDoS protection
- [ ] Apply rate limits, geo or ASN blocks and caching for the targeted endpoints
- [ ] Watch for a second attack hidden behind the noise (intrusion, extortion mail)
- [ ] Tell users about the outage and the expected recovery
- [ ] Record the peak traffic, duration and downtime for the post-incident review'
WHEN 'payment-fraud' THEN '## Protect cardholders and meet PCI DSS duties

- [ ] Identify the affected cards, merchants and the time window
- [ ] Contain the source: skimmer, compromised checkout script, point-of-sale malware
- [ ] Inform the acquiring bank and the card brands as your contract requires
- [ ] Preserve evidence for a PCI forensic investigator; do not wipe systems
- [ ] Check for changed payment page scripts and third-party code
- [ ] Decide on notifying cardholders and the regulator'
WHEN 'vulnerability' THEN '## Close the weakness before it is used

- [ ] Confirm the finding and its reach: which systems and versions, reachable from where
- [ ] Look up the CVE, its CVSS score and whether it is exploited in the wild
- [ ] Check logs for signs it was already used
- [ ] Patch, upgrade or apply the vendor''s workaround; otherwise restrict access to the service
- [ ] Verify the fix (rescan or retest)
- [ ] Thank the reporter and agree on disclosure if they are outside the organisation'
ELSE '## First steps

- [ ] Talk to the reporter and write down what they saw, when and on which systems
- [ ] Decide whether this is a security incident; reject it as a false positive if not
- [ ] Pick the category that fits and follow its playbook
- [ ] Preserve evidence before anything is changed'
END, strftime('%s', 'now')
FROM categories;

-- Retraining from the organisation's own labels: queued from the model
-- page or `secura ml train --from-db`, run by the worker. A new model is
-- adopted only when its macro-F1 on the held-out 20% of the labels is not
-- below the current model's on the same rows.
CREATE TABLE ml_trainings (
	id INTEGER PRIMARY KEY,
	kind TEXT NOT NULL CHECK (kind IN ('category', 'severity')),
	status TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued',
		'running', 'adopted', 'rejected', 'failed')),
	requested_by INTEGER REFERENCES users(id),
	requested_at INTEGER NOT NULL,
	started_at INTEGER,
	finished_at INTEGER,
	rows INTEGER NOT NULL DEFAULT 0,
	metrics TEXT NOT NULL DEFAULT '{}',    -- {"new": {...}, "current": {...}}
	path TEXT NOT NULL DEFAULT '',         -- the adopted model file
	message TEXT NOT NULL DEFAULT ''
);
CREATE INDEX ml_trainings_kind ON ml_trainings(kind, status, id);

-- Questions to the optional language model about an incident, answered
-- by the worker; prompt and answer are kept and shown as machine-written.
CREATE TABLE assistant_requests (
	id INTEGER PRIMARY KEY,
	incident_id INTEGER NOT NULL REFERENCES incidents(id),
	user_id INTEGER NOT NULL REFERENCES users(id),
	status TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued',
		'running', 'done', 'failed')),
	model TEXT NOT NULL,
	prompt TEXT NOT NULL,
	answer TEXT NOT NULL DEFAULT '',
	error TEXT NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL,
	finished_at INTEGER
);
CREATE INDEX assistant_requests_incident ON assistant_requests(incident_id, id);
CREATE INDEX assistant_requests_status ON assistant_requests(status, id);

-- Each incident's TF-IDF vector in the category model's vocabulary
-- (packed (index, value) pairs), so similarity needs no re-reading of
-- texts; model names the vocabulary (a retrained model makes them stale).
CREATE TABLE incident_vectors (
	incident_id INTEGER PRIMARY KEY REFERENCES incidents(id),
	model TEXT NOT NULL,
	vec BLOB NOT NULL
);
