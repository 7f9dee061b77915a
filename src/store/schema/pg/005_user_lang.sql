-- pg/005_user_lang.sql: SQLite's 005_user_lang.sql for PostgreSQL: the
-- language each user chose for the web interface (PATCH /api/v1/me
-- {"lang": "fr"}); NULL until they choose, when the browser's
-- Accept-Language decides (FORMATS.md 4.2).
ALTER TABLE _users ADD COLUMN "lang" text COLLATE "C" CHECK ("lang" IN ('en', 'fr'));
