-- 0031: the kinds of notification are the program's list (notify_kinds in
-- src/domain/notify.c, which refuses any other): the table no longer
-- repeats it in a CHECK, so a new kind (applications to join the team)
-- needs no rebuild. SQLite cannot drop a CHECK, so the table is rebuilt
-- once more with its indexes.
CREATE TABLE notifications_new (
	id INTEGER PRIMARY KEY,
	user_id INTEGER NOT NULL REFERENCES users(id),
	kind TEXT NOT NULL,
	incident_id INTEGER REFERENCES incidents(id),
	actor_id INTEGER REFERENCES users(id),
	title TEXT NOT NULL,
	body TEXT NOT NULL DEFAULT '',
	url TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	read_at INTEGER
);
INSERT INTO notifications_new SELECT id, user_id, kind, incident_id,
	actor_id, title, body, url, created_at, read_at FROM notifications;
DROP TABLE notifications;
ALTER TABLE notifications_new RENAME TO notifications;
CREATE INDEX notifications_user ON notifications(user_id, id);
CREATE INDEX notifications_unread ON notifications(user_id, id)
	WHERE read_at IS NULL;
