-- 0004: notifications (the source of truth for the notification centre
-- and the live stream), each person's choices, outbound deliveries (email
-- and webhooks) written with the change that causes them, the SLA and
-- regulatory clocks of every incident, and the SLA targets.

-- One row per recipient per event.
CREATE TABLE notifications (
	id INTEGER PRIMARY KEY,
	user_id INTEGER NOT NULL REFERENCES users(id),
	kind TEXT NOT NULL CHECK (kind IN ('incident_new', 'assigned',
		'status', 'comment', 'change', 'mention', 'deadline', 'sla')),
	incident_id INTEGER REFERENCES incidents(id),
	actor_id INTEGER REFERENCES users(id),
	title TEXT NOT NULL,
	body TEXT NOT NULL DEFAULT '',
	url TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	read_at INTEGER
);
CREATE INDEX notifications_user ON notifications(user_id, id);
CREATE INDEX notifications_unread ON notifications(user_id, id)
	WHERE read_at IS NULL;

-- What each person wants per kind; no row means the kind's default.
CREATE TABLE notification_prefs (
	user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	kind TEXT NOT NULL,
	channel TEXT NOT NULL CHECK (channel IN ('app', 'email', 'off')),
	PRIMARY KEY (user_id, kind)
) WITHOUT ROWID;

-- Admin-registered receivers of signed JSON events.
CREATE TABLE webhooks (
	id INTEGER PRIMARY KEY,
	url TEXT NOT NULL,
	secret TEXT NOT NULL,
	kinds TEXT NOT NULL,                    -- comma-separated event kinds
	active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
	created_by INTEGER REFERENCES users(id),
	created_at INTEGER NOT NULL
);

-- Deliveries, written in the transaction of the change that causes them
-- and sent by `secura worker`: pending -> sending -> sent, or back to
-- pending with a later next_at, or dead after the last attempt. A worker
-- that starts puts rows left "sending" by a killed one back to pending,
-- so every message goes out at least once; its key travels with it
-- (Message-ID, X-Secura-Delivery) so receivers can drop duplicates.
CREATE TABLE outbox (
	id INTEGER PRIMARY KEY,
	channel TEXT NOT NULL CHECK (channel IN ('email', 'webhook')),
	key TEXT NOT NULL UNIQUE,
	recipient TEXT NOT NULL,                -- address, or the webhook URL
	webhook_id INTEGER REFERENCES webhooks(id),
	subject TEXT NOT NULL DEFAULT '',
	payload TEXT NOT NULL,                  -- JSON
	state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending',
		'sending', 'sent', 'dead')),
	attempts INTEGER NOT NULL DEFAULT 0,
	next_at INTEGER NOT NULL,
	last_error TEXT NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL,
	sent_at INTEGER
);
CREATE INDEX outbox_due ON outbox(state, next_at);

-- The clocks of each incident (SLA triage and resolution, regulatory
-- notification deadlines): recomputed with every change of the incident,
-- read by the scheduler and the list's deadline filters. warned holds the
-- alert stages already sent (1: first warning, 2: second, 4: breach).
CREATE TABLE incident_clocks (
	incident_id INTEGER NOT NULL REFERENCES incidents(id),
	clock TEXT NOT NULL CHECK (clock IN ('sla_triage', 'sla_resolve',
		'gdpr_authority', 'hipaa_individuals', 'hipaa_hhs',
		'hipaa_media')),
	started_at INTEGER NOT NULL,
	due_at INTEGER NOT NULL,
	met_at INTEGER,
	warned INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (incident_id, clock)
) WITHOUT ROWID;
CREATE INDEX incident_clocks_running ON incident_clocks(due_at, incident_id)
	WHERE met_at IS NULL;

-- When each person was last seen by the events program (an open live
-- stream); page loads are in sessions.last_seen_at. Together: presence.
CREATE TABLE presence (
	user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
	seen_at INTEGER NOT NULL
);

-- SLA targets in minutes per severity (admin-editable).
INSERT INTO settings(key, value) VALUES
	('sla_critical_triage', '15'), ('sla_critical_resolve', '1440'),
	('sla_high_triage', '60'), ('sla_high_resolve', '4320'),
	('sla_medium_triage', '480'), ('sla_medium_resolve', '20160'),
	('sla_low_triage', '1440'), ('sla_low_resolve', '43200');
