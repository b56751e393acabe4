-- 0030: employees apply to join the security team; admins decide, leads
-- recommend. One open application (pending or waiting for the applicant's
-- answer) per person; every step is a row of its own.
CREATE TABLE team_applications (
	id INTEGER PRIMARY KEY,
	user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	motivation TEXT NOT NULL,
	experience TEXT NOT NULL DEFAULT '',
	certifications TEXT NOT NULL DEFAULT '',
	areas TEXT NOT NULL DEFAULT '',      -- comma-separated, from a list
	status TEXT NOT NULL DEFAULT 'pending'
		CHECK (status IN ('pending', 'more_info', 'approved', 'rejected',
				  'withdrawn')),
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX team_applications_open ON team_applications(user_id)
	WHERE status IN ('pending', 'more_info');
CREATE INDEX team_applications_status ON team_applications(status, id);

-- kind: applied, question (an admin asks), answer, recommendation (a
-- lead's or admin's, read only by leads and admins), approved, rejected
-- (body: the reason shown to the applicant), withdrawn
CREATE TABLE team_application_steps (
	id INTEGER PRIMARY KEY,
	application_id INTEGER NOT NULL REFERENCES team_applications(id)
		ON DELETE CASCADE,
	actor INTEGER REFERENCES users(id),
	kind TEXT NOT NULL CHECK (kind IN ('applied', 'question', 'answer',
		'recommendation', 'approved', 'rejected', 'withdrawn')),
	body TEXT NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL
);
CREATE INDEX team_application_steps_app ON team_application_steps(
	application_id, id);

-- supporting documents, stored like evidence (content-addressed files)
CREATE TABLE team_application_files (
	id INTEGER PRIMARY KEY,
	application_id INTEGER NOT NULL REFERENCES team_applications(id)
		ON DELETE CASCADE,
	filename TEXT NOT NULL,
	size INTEGER NOT NULL,
	mime TEXT NOT NULL,
	sha256 TEXT NOT NULL,
	checked TEXT NOT NULL,
	created_at INTEGER NOT NULL
);
CREATE INDEX team_application_files_app ON team_application_files(
	application_id);
