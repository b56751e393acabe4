-- A password an admin or the console generated for someone (a new
-- account, or a reset) is for their first sign-in only: until they choose
-- their own, password_expires_at says until when it works, and every
-- session it opens is held at the password form (route.c). NULL: the
-- person chose the password.
ALTER TABLE users ADD COLUMN password_expires_at INTEGER;
