-- 003_users_audit.sql: who may use the server, their tokens and sessions,
-- and the append-only, hash-chained audit trail of every write.

CREATE TABLE _users (
  "name" TEXT PRIMARY KEY,
  "role" TEXT NOT NULL CHECK ("role" IN ('admin', 'editor', 'analyst', 'viewer')),
  "sector" TEXT,
  "password_hash" TEXT NOT NULL,   -- argon2id (libsodium crypto_pwhash_str)
  "disabled" INTEGER NOT NULL DEFAULT 0,
  "created_at" TEXT NOT NULL
);

-- API tokens and browser sessions: only a SHA-256 of the secret is kept.
CREATE TABLE _tokens (
  "hash" TEXT PRIMARY KEY,         -- hex SHA-256 of the token
  "user" TEXT NOT NULL REFERENCES _users("name") ON DELETE CASCADE,
  "kind" TEXT NOT NULL CHECK ("kind" IN ('api', 'session')),
  "csrf" TEXT,                     -- sessions: the token state-changing requests must echo
  "created_at" TEXT NOT NULL,
  "expires_at" TEXT,               -- NULL: until revoked
  "revoked" INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX _tokens_user ON _tokens("user");

-- Each entry carries the hash of the previous one (hash chain); entries are
-- never updated or deleted (the triggers refuse it).
CREATE TABLE _audit (
  "seq" INTEGER PRIMARY KEY,
  "at" TEXT NOT NULL,
  "user" TEXT NOT NULL,
  "action" TEXT NOT NULL,
  "kind" TEXT,
  "record_id" TEXT,
  "before" TEXT,                   -- JSON of the record before, or NULL
  "after" TEXT,                    -- JSON of the record after, or NULL
  "prev_hash" TEXT NOT NULL,
  "hash" TEXT NOT NULL
);
CREATE TRIGGER _audit_no_update BEFORE UPDATE ON _audit
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER _audit_no_delete BEFORE DELETE ON _audit
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
