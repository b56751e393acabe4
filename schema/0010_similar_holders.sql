-- 0010: a changed incident also queues the incidents whose stored lists
-- hold it. Its new title or indicators change its score in their lists,
-- and when it is no longer similar to one of them, its own new list no
-- longer names that one, so nothing else would take it out of theirs.
-- A new title also drops the incident's stored text vector (it was kept
-- from the old text): similar.c computes it from the text until the
-- worker stores the new one with the incident's list.
CREATE INDEX similar_entries_other ON similar_entries(other_id);

DROP TRIGGER similar_due_text;
CREATE TRIGGER similar_due_text AFTER UPDATE OF title, description
ON incidents BEGIN
	DELETE FROM incident_vectors WHERE incident_id = NEW.id;
	INSERT INTO similar_due(incident_id) VALUES (NEW.id)
	ON CONFLICT DO UPDATE SET v = v + 1;
	INSERT INTO similar_due(incident_id) SELECT incident_id
	FROM similar_entries WHERE other_id = NEW.id
	ON CONFLICT DO UPDATE SET v = v + 1;
END;
DROP TRIGGER similar_due_link;
CREATE TRIGGER similar_due_link AFTER INSERT ON incident_indicators BEGIN
	INSERT INTO similar_due(incident_id) VALUES (NEW.incident_id)
	ON CONFLICT DO UPDATE SET v = v + 1;
	INSERT INTO similar_due(incident_id) SELECT incident_id
	FROM similar_entries WHERE other_id = NEW.incident_id
	ON CONFLICT DO UPDATE SET v = v + 1;
END;
DROP TRIGGER similar_due_unlink;
CREATE TRIGGER similar_due_unlink AFTER DELETE ON incident_indicators BEGIN
	INSERT INTO similar_due(incident_id) VALUES (OLD.incident_id)
	ON CONFLICT DO UPDATE SET v = v + 1;
	INSERT INTO similar_due(incident_id) SELECT incident_id
	FROM similar_entries WHERE other_id = OLD.incident_id
	ON CONFLICT DO UPDATE SET v = v + 1;
END;

-- Incidents retitled before this version: their vectors are of the old
-- title. Drop them and queue the incidents and the lists holding them.
DELETE FROM incident_vectors WHERE incident_id IN (SELECT incident_id
	FROM incident_events WHERE kind = 'field' AND field = 'title');
INSERT INTO similar_due(incident_id) SELECT incident_id FROM incident_events
	WHERE kind = 'field' AND field = 'title'
UNION SELECT e.incident_id FROM similar_entries e JOIN incident_events h
	ON h.incident_id = e.other_id WHERE h.kind = 'field' AND h.field = 'title'
ON CONFLICT DO UPDATE SET v = v + 1;
