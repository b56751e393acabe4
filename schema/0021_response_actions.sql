-- 0021: response actions. Admins declare what a lead may set off from an
-- alert: built-in ones that act inside Secura (deactivate the Secura
-- account the alert names, ending its sessions; disable the event source
-- the alert's events came from) and outbound ones, a signed webhook to
-- an endpoint the admin configures (its own `webhooks` row, subscribed
-- to no event, so the outbox signs and retries it like any delivery).
-- Every run is a row here and an audit entry; a webhook run's delivery
-- state is the outbox row's.
CREATE TABLE response_actions (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL UNIQUE,
	kind TEXT NOT NULL CHECK (kind IN ('deactivate_account',
		'disable_source', 'webhook')),
	webhook_id INTEGER REFERENCES webhooks(id),
	description TEXT NOT NULL DEFAULT '',
	enabled INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
	created_by INTEGER REFERENCES users(id),
	created_at INTEGER NOT NULL
);
CREATE TABLE action_runs (
	id INTEGER PRIMARY KEY,
	action_id INTEGER NOT NULL REFERENCES response_actions(id),
	alert_id INTEGER NOT NULL REFERENCES alerts(id),
	user_id INTEGER NOT NULL REFERENCES users(id),
	at INTEGER NOT NULL,                  -- Unix seconds
	target TEXT NOT NULL,                 -- what it acted on
	state TEXT NOT NULL CHECK (state IN ('done', 'refused', 'queued')),
	detail TEXT NOT NULL DEFAULT '',
	delivery_key TEXT                     -- the outbox row of a webhook
);
CREATE INDEX action_runs_alert ON action_runs(alert_id, id);
