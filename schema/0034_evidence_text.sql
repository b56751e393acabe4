-- 0034: the text the worker reads from image evidence (PNG, JPEG) with
-- Tesseract: shown with the file, searched with the incident, and
-- scanned for indicators. ocr_state: '' (not an image), 'queued', 'done',
-- or why it could not be read.
ALTER TABLE evidence ADD COLUMN ocr_text TEXT;
ALTER TABLE evidence ADD COLUMN ocr_state TEXT NOT NULL DEFAULT '';
