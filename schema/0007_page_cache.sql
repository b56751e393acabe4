-- 0007: a change counter for the shared page cache (src/core/pagecache.c).
-- Whatever an incident list page shows comes from these four tables (the
-- full-text index and the status totals change with them), so any row
-- written there bumps "lists" and every cached list page is stale at once.
CREATE TABLE data_versions (
	name TEXT PRIMARY KEY,
	v INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO data_versions(name, v) VALUES ('lists', 0);
CREATE TRIGGER lists_incidents_i AFTER INSERT ON incidents BEGIN
	UPDATE data_versions SET v = v + 1 WHERE name = 'lists';
END;
CREATE TRIGGER lists_incidents_u AFTER UPDATE ON incidents BEGIN
	UPDATE data_versions SET v = v + 1 WHERE name = 'lists';
END;
CREATE TRIGGER lists_incidents_d AFTER DELETE ON incidents BEGIN
	UPDATE data_versions SET v = v + 1 WHERE name = 'lists';
END;
CREATE TRIGGER lists_comments_i AFTER INSERT ON comments BEGIN
	UPDATE data_versions SET v = v + 1 WHERE name = 'lists';
END;
CREATE TRIGGER lists_comments_u AFTER UPDATE ON comments BEGIN
	UPDATE data_versions SET v = v + 1 WHERE name = 'lists';
END;
CREATE TRIGGER lists_comments_d AFTER DELETE ON comments BEGIN
	UPDATE data_versions SET v = v + 1 WHERE name = 'lists';
END;
CREATE TRIGGER lists_users_i AFTER INSERT ON users BEGIN
	UPDATE data_versions SET v = v + 1 WHERE name = 'lists';
END;
CREATE TRIGGER lists_users_u AFTER UPDATE ON users BEGIN
	UPDATE data_versions SET v = v + 1 WHERE name = 'lists';
END;
CREATE TRIGGER lists_users_d AFTER DELETE ON users BEGIN
	UPDATE data_versions SET v = v + 1 WHERE name = 'lists';
END;
CREATE TRIGGER lists_categories_i AFTER INSERT ON categories BEGIN
	UPDATE data_versions SET v = v + 1 WHERE name = 'lists';
END;
CREATE TRIGGER lists_categories_u AFTER UPDATE ON categories BEGIN
	UPDATE data_versions SET v = v + 1 WHERE name = 'lists';
END;
CREATE TRIGGER lists_categories_d AFTER DELETE ON categories BEGIN
	UPDATE data_versions SET v = v + 1 WHERE name = 'lists';
END;
