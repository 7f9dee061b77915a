-- 002_duplicates.sql: analysts' decisions on likely duplicate events
-- (`bluehelm duplicates decide ID1 ID2 merge|dismiss`), kept apart from the
-- events and without foreign keys, so a decision survives re-imports (an
-- upsert keeps an event's id) and even an event deleted and imported again.
-- A pair is stored once, its ids in order (event_a < event_b).
CREATE TABLE _duplicate_decisions (
  "event_a" TEXT NOT NULL,
  "event_b" TEXT NOT NULL,
  "decision" TEXT NOT NULL CHECK ("decision" IN ('merge', 'dismiss')),
  "decided_on" TEXT NOT NULL,
  "note" TEXT,
  PRIMARY KEY ("event_a", "event_b"),
  CHECK ("event_a" < "event_b")
) WITHOUT ROWID;

CREATE INDEX duplicate_decisions_b ON _duplicate_decisions("event_b");
