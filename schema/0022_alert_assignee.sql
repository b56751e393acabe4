-- 0022: an alert's assignee (a member of the security team; NULL: no
-- one). Comments on an alert are rows of its history (action
-- 'comment', the text in note), beside its status changes and runs.
ALTER TABLE alerts ADD COLUMN assignee_id INTEGER REFERENCES users(id);
CREATE INDEX alerts_assignee ON alerts(assignee_id, last_seen)
	WHERE assignee_id IS NOT NULL;
