-- 0007: change counters for the caches. Triggers bump a counter whenever a
-- table its cache reads is written, so a cached result is valid exactly
-- while its counter is unchanged (read before computing it):
--   lists:   what an incident list page shows (src/core/pagecache.c):
--            incidents, comments, people, categories (the full-text index
--            and the status totals change with them);
--   metrics: what the executive figures are computed from
--            (src/domain/metrics.c): history rows, people, indicator
--            links, categories.
-- People count only for what pages show of them (not logins or
-- passwords).
CREATE TABLE data_versions (
	name TEXT PRIMARY KEY,
	v INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO data_versions(name, v) VALUES ('lists', 0), ('metrics', 0);
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
CREATE TRIGGER lists_users_u AFTER UPDATE OF email, name, department, role, active ON users BEGIN
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
CREATE TRIGGER metrics_incident_events_i AFTER INSERT ON incident_events BEGIN
	UPDATE data_versions SET v = v + 1 WHERE name = 'metrics';
END;
CREATE TRIGGER metrics_incident_events_u AFTER UPDATE ON incident_events BEGIN
	UPDATE data_versions SET v = v + 1 WHERE name = 'metrics';
END;
CREATE TRIGGER metrics_incident_events_d AFTER DELETE ON incident_events BEGIN
	UPDATE data_versions SET v = v + 1 WHERE name = 'metrics';
END;
CREATE TRIGGER metrics_users_i AFTER INSERT ON users BEGIN
	UPDATE data_versions SET v = v + 1 WHERE name = 'metrics';
END;
CREATE TRIGGER metrics_users_u AFTER UPDATE OF email, name, department, role, active ON users BEGIN
	UPDATE data_versions SET v = v + 1 WHERE name = 'metrics';
END;
CREATE TRIGGER metrics_users_d AFTER DELETE ON users BEGIN
	UPDATE data_versions SET v = v + 1 WHERE name = 'metrics';
END;
CREATE TRIGGER metrics_incident_indicators_i AFTER INSERT ON incident_indicators BEGIN
	UPDATE data_versions SET v = v + 1 WHERE name = 'metrics';
END;
CREATE TRIGGER metrics_incident_indicators_u AFTER UPDATE ON incident_indicators BEGIN
	UPDATE data_versions SET v = v + 1 WHERE name = 'metrics';
END;
CREATE TRIGGER metrics_incident_indicators_d AFTER DELETE ON incident_indicators BEGIN
	UPDATE data_versions SET v = v + 1 WHERE name = 'metrics';
END;
CREATE TRIGGER metrics_categories_i AFTER INSERT ON categories BEGIN
	UPDATE data_versions SET v = v + 1 WHERE name = 'metrics';
END;
CREATE TRIGGER metrics_categories_u AFTER UPDATE ON categories BEGIN
	UPDATE data_versions SET v = v + 1 WHERE name = 'metrics';
END;
CREATE TRIGGER metrics_categories_d AFTER DELETE ON categories BEGIN
	UPDATE data_versions SET v = v + 1 WHERE name = 'metrics';
END;
