-- 0033: the language model also answers the help panel's questions: a
-- request without an incident is a person's question, kept with the
-- question as they asked it and the sources the prompt was built from
-- (only passages they may open, never TLP:RED). The table is rebuilt:
-- SQLite cannot drop a NOT NULL.
CREATE TABLE assistant_requests_new (
	id INTEGER PRIMARY KEY,
	incident_id INTEGER REFERENCES incidents(id),
	user_id INTEGER NOT NULL REFERENCES users(id),
	status TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued',
		'running', 'done', 'failed')),
	model TEXT NOT NULL,
	prompt TEXT NOT NULL,
	answer TEXT NOT NULL DEFAULT '',
	error TEXT NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL,
	finished_at INTEGER,
	question TEXT NOT NULL DEFAULT '',
	sources TEXT NOT NULL DEFAULT '[]'
);
INSERT INTO assistant_requests_new(id, incident_id, user_id, status, model,
	prompt, answer, error, created_at, finished_at)
	SELECT id, incident_id, user_id, status, model, prompt, answer, error,
	created_at, finished_at FROM assistant_requests;
DROP TABLE assistant_requests;
ALTER TABLE assistant_requests_new RENAME TO assistant_requests;
CREATE INDEX assistant_requests_incident ON assistant_requests(incident_id, id);
CREATE INDEX assistant_requests_status ON assistant_requests(status, id);
