-- 0022: an alert's assignee (a member of the security team; NULL: no
-- one). Comments on an alert are rows of its history (action
-- 'comment', the text in note), beside its status changes and runs.
ALTER TABLE alerts ADD COLUMN assignee_id INTEGER REFERENCES users(id);
CREATE INDEX alerts_assignee ON alerts(assignee_id, last_seen)
	WHERE assignee_id IS NOT NULL;
-- an alert's page lists the others about the same host, user or
-- address; the list filters by them
CREATE INDEX alerts_host ON alerts(host, last_seen) WHERE host <> '';
CREATE INDEX alerts_user ON alerts(user_name, last_seen) WHERE user_name <> '';
CREATE INDEX alerts_ip ON alerts(ip, last_seen) WHERE ip <> '';
