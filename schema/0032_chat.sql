-- 0032: the security team's chat. Rooms a lead makes (name, topic), one
-- room per incident at most, and direct conversations between two people
-- (pair: "<lower user id>:<higher user id>"). Only members read a room;
-- managers are members read-only. Messages are markdown; an edit or a
-- deletion keeps what the message said before in chat_message_edits.
CREATE TABLE chat_rooms (
	id INTEGER PRIMARY KEY,
	kind TEXT NOT NULL CHECK (kind IN ('room', 'direct', 'incident')),
	name TEXT NOT NULL DEFAULT '',
	topic TEXT NOT NULL DEFAULT '',
	incident_id INTEGER UNIQUE REFERENCES incidents(id),
	pair TEXT UNIQUE,
	created_by INTEGER REFERENCES users(id),
	created_at INTEGER NOT NULL
);
CREATE TABLE chat_members (
	room_id INTEGER NOT NULL REFERENCES chat_rooms(id) ON DELETE CASCADE,
	user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	read_only INTEGER NOT NULL DEFAULT 0 CHECK (read_only IN (0, 1)),
	last_read_id INTEGER NOT NULL DEFAULT 0,
	added_at INTEGER NOT NULL,
	PRIMARY KEY (room_id, user_id)
) WITHOUT ROWID;
CREATE INDEX chat_members_user ON chat_members(user_id, room_id);
CREATE TABLE chat_messages (
	id INTEGER PRIMARY KEY,
	room_id INTEGER NOT NULL REFERENCES chat_rooms(id) ON DELETE CASCADE,
	author_id INTEGER NOT NULL REFERENCES users(id),
	body TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	edited_at INTEGER,
	deleted_at INTEGER
);
CREATE INDEX chat_messages_room ON chat_messages(room_id, id);
CREATE TABLE chat_message_edits (
	id INTEGER PRIMARY KEY,
	message_id INTEGER NOT NULL REFERENCES chat_messages(id)
		ON DELETE CASCADE,
	kind TEXT NOT NULL CHECK (kind IN ('edit', 'delete')),
	body TEXT NOT NULL,         -- what the message said before
	changed_at INTEGER NOT NULL
);
-- Full-text search over the messages that are not deleted: an external
-- content table that src/domain/chat.c keeps in the same transaction as
-- each message (no trigger: SQLite's defensive mode does not let a
-- trigger write a virtual table).
CREATE VIRTUAL TABLE chat_search USING fts5(body, content = 'chat_messages',
	content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2');
