-- 002_duplicates.sql: analysts' decisions on likely duplicate events
-- (`bluehelm duplicates decide ID1 ID2 merge|dismiss`), kept apart from the
-- events and without foreign keys, so a decision survives re-imports (an
-- upsert keeps an event's id) and even an event deleted and imported again.
-- A pair is stored once, its ids in order (event_a < event_b). At the end,
-- an index of events by place and date for issue 4's indicators.
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

-- Events by place and date: the indicators of issue 4 (rate, change,
-- operation-effect, the report's POC rates) filter on a place (and the places
-- inside it) and a period. With only events_place, every event ever recorded
-- at the place is read from the table to test its date (17,000 rows for a
-- town of a 1,000,000-event table, about 0.4 s); with this index, only the
-- period's (a few hundred, a few ms).
CREATE INDEX events_place_date ON events("place_id", "event_date") WHERE "place_id" IS NOT NULL;
