-- 004_counting.sql: counting what is true (FORMATS.md §4.1, issue 10).
--
-- Events gain: weapon, target and civilians_killed as defaulted columns (the
-- value given is stored as _weapon, _target, _civilians_killed; the column
-- reads it, else the rule); the explosive-incident rule on the weapon only;
-- verification (default reported), reliability (A-F) and credibility (1-6);
-- duplicate_of (merged into another event); and deleted (yes when ACLED
-- withdrew the event: a row of _deletions names it).
--
-- An event targets civilians when civilian_targeting is 'Civilian
-- targeting', or event_type is 'Violence against civilians', or inter2 is 7.
-- Such an event's target defaults to civilians and, when none of the six
-- casualty columns has a value, its civilians_killed to its fatalities.
--
-- Columns are renamed, dropped (virtual ones only: nothing is rewritten) and
-- added, so the migration costs no copy of the table.

ALTER TABLE events RENAME COLUMN "weapon" TO "_weapon";
ALTER TABLE events RENAME COLUMN "target" TO "_target";
ALTER TABLE events RENAME COLUMN "civilians_killed" TO "_civilians_killed";
ALTER TABLE events DROP COLUMN "explosive";

ALTER TABLE events ADD COLUMN "weapon" TEXT GENERATED ALWAYS AS (COALESCE("_weapon",
  CASE "sub_event_type"
    WHEN 'Remote explosive/landmine/IED' THEN 'ied'
    WHEN 'Suicide bomb' THEN 'suicide'
    WHEN 'Shelling/artillery/missile attack' THEN 'indirect_fire'
    WHEN 'Air/drone strike' THEN 'air_strike'
    WHEN 'Grenade' THEN 'grenade'
  END)) VIRTUAL;

-- Whether the event targets civilians: the one place this rule is written.
ALTER TABLE events ADD COLUMN "_civilian_target" INTEGER GENERATED ALWAYS AS (CASE
  WHEN "civilian_targeting" = 'Civilian targeting' OR "event_type" = 'Violence against civilians'
    OR "inter2" = 7 THEN 1 ELSE 0 END) VIRTUAL;

ALTER TABLE events ADD COLUMN "target" TEXT GENERATED ALWAYS AS (COALESCE("_target",
  CASE WHEN "_civilian_target" = 1 THEN 'civilians' END)) VIRTUAL;

ALTER TABLE events ADD COLUMN "civilians_killed" INTEGER GENERATED ALWAYS AS (COALESCE("_civilians_killed",
  CASE WHEN "_civilian_target" = 1 AND "civilians_injured" IS NULL AND "peacekeepers_killed" IS NULL
        AND "peacekeepers_injured" IS NULL AND "forces_killed" IS NULL AND "forces_injured" IS NULL
       THEN "fatalities" END)) VIRTUAL;

-- Each weapon tested with = (an IN list builds a temporary tree per row).
ALTER TABLE events ADD COLUMN "explosive" INTEGER GENERATED ALWAYS AS (CASE WHEN "weapon" = 'ied'
  OR "weapon" = 'vbied' OR "weapon" = 'mine' OR "weapon" = 'suicide' OR "weapon" = 'erw'
  THEN 1 ELSE 0 END) VIRTUAL;

ALTER TABLE events ADD COLUMN "_verification" TEXT;
ALTER TABLE events ADD COLUMN "verification" TEXT GENERATED ALWAYS AS (COALESCE("_verification", 'reported')) VIRTUAL;
ALTER TABLE events ADD COLUMN "reliability" TEXT;
ALTER TABLE events ADD COLUMN "credibility" TEXT;
ALTER TABLE events ADD COLUMN "duplicate_of" TEXT REFERENCES events("event_id_cnty") DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE events ADD COLUMN "deleted" INTEGER DEFAULT 0;

-- The records merged into one (show, the merge rules).
CREATE INDEX events_duplicate_of ON events("duplicate_of") WHERE "duplicate_of" IS NOT NULL;

-- ACLED's deletions: the ids it withdrew and when (Unix seconds). An id not
-- (yet) in the database is remembered, so a later import does not bring the
-- event in; a row whose timestamp is later than the deletion is imported and
-- removes the deletion.
CREATE TABLE _deletions (
  "event_id_cnty" TEXT NOT NULL PRIMARY KEY,
  "deleted_timestamp" INTEGER NOT NULL
) WITHOUT ROWID;

-- events.deleted follows _deletions, whichever way a row arrives.
CREATE TRIGGER _deletions_insert AFTER INSERT ON _deletions
BEGIN UPDATE events SET "deleted" = 1 WHERE "event_id_cnty" = NEW."event_id_cnty"; END;
CREATE TRIGGER _deletions_delete AFTER DELETE ON _deletions
BEGIN UPDATE events SET "deleted" = 0 WHERE "event_id_cnty" = OLD."event_id_cnty"; END;
CREATE TRIGGER _events_deleted AFTER INSERT ON events
WHEN EXISTS (SELECT 1 FROM _deletions WHERE "event_id_cnty" = NEW."event_id_cnty")
BEGIN UPDATE events SET "deleted" = 1 WHERE "event_id_cnty" = NEW."event_id_cnty"; END;
