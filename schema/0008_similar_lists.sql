-- 0008: similar incidents kept ahead of time (src/domain/similar.c).
-- Finding an incident's matches costs a full-text query over every
-- incident; the worker does it once per change instead of on every view
-- of the incident's page:
--   similar_due:     incidents whose list is missing or out of date, with
--                    a version the worker compares before storing (a
--                    change while it computed queues it again);
--   similar_lists:   which incidents have a list, and under which category
--                    model (its vocabulary gives the text similarity);
--   similar_entries: the n best matches of each, best first by score.
-- When an incident gets its list it also enters the lists of its matches
-- that it beats. A page whose list is missing or of another model
-- computes it live. Incidents are never deleted, so other_id needs no
-- index.
CREATE TABLE similar_due (
	incident_id INTEGER PRIMARY KEY REFERENCES incidents(id),
	v INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE similar_lists (
	incident_id INTEGER PRIMARY KEY REFERENCES incidents(id),
	model TEXT NOT NULL,
	computed_at INTEGER NOT NULL
);
CREATE TABLE similar_entries (
	incident_id INTEGER NOT NULL REFERENCES incidents(id),
	other_id INTEGER NOT NULL REFERENCES incidents(id),
	score REAL NOT NULL,      -- 0.75 x text + 0.25 x shared (0-1)
	text REAL NOT NULL,       -- cosine of the two text vectors
	shared INTEGER NOT NULL,  -- indicators in common
	PRIMARY KEY (incident_id, other_id)
) WITHOUT ROWID;

-- What queues an incident: being reported, a new title or description,
-- an indicator found or removed, a new category model.
CREATE TRIGGER similar_due_new AFTER INSERT ON incidents BEGIN
	INSERT INTO similar_due(incident_id) VALUES (NEW.id)
	ON CONFLICT DO UPDATE SET v = v + 1;
END;
CREATE TRIGGER similar_due_text AFTER UPDATE OF title, description
ON incidents BEGIN
	INSERT INTO similar_due(incident_id) VALUES (NEW.id)
	ON CONFLICT DO UPDATE SET v = v + 1;
END;
CREATE TRIGGER similar_due_link AFTER INSERT ON incident_indicators BEGIN
	INSERT INTO similar_due(incident_id) VALUES (NEW.incident_id)
	ON CONFLICT DO UPDATE SET v = v + 1;
END;
CREATE TRIGGER similar_due_unlink AFTER DELETE ON incident_indicators BEGIN
	INSERT INTO similar_due(incident_id) VALUES (OLD.incident_id)
	ON CONFLICT DO UPDATE SET v = v + 1;
END;
CREATE TRIGGER similar_due_model AFTER UPDATE OF status ON ml_trainings
WHEN NEW.status = 'adopted' AND NEW.kind = 'category' BEGIN
	INSERT INTO similar_due(incident_id) SELECT id FROM incidents WHERE 1
	ON CONFLICT DO UPDATE SET v = v + 1;
END;

-- Every existing incident starts queued.
INSERT INTO similar_due(incident_id) SELECT id FROM incidents;
