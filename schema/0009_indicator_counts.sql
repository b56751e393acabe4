-- 0009: each indicator's number of incidents, kept by triggers, so a page
-- showing "seen in N other incidents" reads one row instead of counting
-- every link (10,000 for a common indicator of `secura demo`).
ALTER TABLE indicators ADD COLUMN incidents INTEGER NOT NULL DEFAULT 0;
UPDATE indicators SET incidents = (SELECT count(*) FROM incident_indicators
	WHERE indicator_id = indicators.id);
CREATE TRIGGER indicator_linked AFTER INSERT ON incident_indicators BEGIN
	UPDATE indicators SET incidents = incidents + 1
	WHERE id = NEW.indicator_id;
END;
CREATE TRIGGER indicator_unlinked AFTER DELETE ON incident_indicators BEGIN
	UPDATE indicators SET incidents = incidents - 1
	WHERE id = OLD.indicator_id;
END;
