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

-- What counts (FORMATS.md §4.1): an event's reasons not to count, bit 1
-- rejected, bit 2 merged into another (bh_excluded, model/sqlfn.c), written
-- with each write of the event (COMPUTED in events.def) and by merges; the
-- third reason is the column deleted. The rule of what counts (COUNTED in
-- events.def, applied by model/filter.c) reads these two small stored
-- columns, which the events' indexes carry, so a count reads an index only,
-- as before (a generated column's value is not read from an index).
ALTER TABLE events ADD COLUMN "_excluded" INTEGER DEFAULT 0;

DROP INDEX events_date;
DROP INDEX events_admin1;
DROP INDEX events_cell;
DROP INDEX events_place;
CREATE INDEX events_date ON events("event_date", "_excluded", "deleted");
CREATE INDEX events_admin1 ON events("admin1", "event_type", "event_date", "_excluded", "deleted");
CREATE INDEX events_cell ON events("_cell", "latitude", "longitude", "_excluded", "deleted");
CREATE INDEX events_place ON events("place_id", "event_date", "_excluded", "deleted") WHERE "place_id" IS NOT NULL;

-- The records merged into one (show, the merge rules).
CREATE INDEX events_duplicate_of ON events("duplicate_of") WHERE "duplicate_of" IS NOT NULL;

-- ACLED's deletions: the ids it withdrew and when (Unix seconds). An id not
-- (yet) in the database is remembered, so a later import does not bring the
-- event in; a row whose timestamp is later than the deletion is imported and
-- removes the deletion. events.deleted follows this table: model/event.c
-- sets it when a deletion is recorded or forgotten and when an event is
-- written whose id it names (triggers would cost an import a statement
-- journal per row).
CREATE TABLE _deletions (
  "event_id_cnty" TEXT NOT NULL PRIMARY KEY,
  "deleted_timestamp" INTEGER NOT NULL
) WITHOUT ROWID;
