-- pg/004_counting.sql: SQLite's 004_counting.sql for PostgreSQL (text
-- COLLATE "C", bigint): counting what is true (FORMATS.md §4.1, issue 10).
-- The same columns in the same order, with the same rules.
--
-- PostgreSQL's generated columns cannot read other generated columns, and
-- are STORED (SQLite's are VIRTUAL): each default rule is written out on
-- the stored columns it reads. The civilian-target rule of SQLite's
-- _civilian_target (civilian_targeting is 'Civilian targeting', or
-- event_type is 'Violence against civilians', or inter2 is 7) is repeated
-- in target and civilians_killed; the weapon rule of weapon is repeated in
-- explosive (pg/008_performance.sql).

ALTER TABLE events RENAME COLUMN "weapon" TO "_weapon";
ALTER TABLE events RENAME COLUMN "target" TO "_target";
ALTER TABLE events RENAME COLUMN "civilians_killed" TO "_civilians_killed";
ALTER TABLE events DROP COLUMN "explosive";

ALTER TABLE events ADD COLUMN "weapon" text COLLATE "C" GENERATED ALWAYS AS (COALESCE("_weapon",
  CASE "sub_event_type"
    WHEN 'Remote explosive/landmine/IED' THEN 'ied'
    WHEN 'Suicide bomb' THEN 'suicide'
    WHEN 'Shelling/artillery/missile attack' THEN 'indirect_fire'
    WHEN 'Air/drone strike' THEN 'air_strike'
    WHEN 'Grenade' THEN 'grenade'
  END)) STORED;

ALTER TABLE events ADD COLUMN "_civilian_target" bigint GENERATED ALWAYS AS (CASE
  WHEN "civilian_targeting" = 'Civilian targeting' OR "event_type" = 'Violence against civilians'
    OR "inter2" = 7 THEN 1 ELSE 0 END) STORED;

ALTER TABLE events ADD COLUMN "target" text COLLATE "C" GENERATED ALWAYS AS (COALESCE("_target",
  CASE WHEN "civilian_targeting" = 'Civilian targeting' OR "event_type" = 'Violence against civilians'
    OR "inter2" = 7 THEN 'civilians' END)) STORED;

ALTER TABLE events ADD COLUMN "civilians_killed" bigint GENERATED ALWAYS AS (COALESCE("_civilians_killed",
  CASE WHEN ("civilian_targeting" = 'Civilian targeting' OR "event_type" = 'Violence against civilians'
        OR "inter2" = 7)
        AND "civilians_injured" IS NULL AND "peacekeepers_killed" IS NULL
        AND "peacekeepers_injured" IS NULL AND "forces_killed" IS NULL AND "forces_injured" IS NULL
       THEN "fatalities" END)) STORED;

-- (replaced by pg/008_performance.sql, as on SQLite)
ALTER TABLE events ADD COLUMN "explosive" bigint GENERATED ALWAYS AS (CASE COALESCE("_weapon",
  CASE "sub_event_type"
    WHEN 'Remote explosive/landmine/IED' THEN 'ied'
    WHEN 'Suicide bomb' THEN 'suicide'
  END) WHEN 'ied' THEN 1 WHEN 'vbied' THEN 1 WHEN 'mine' THEN 1 WHEN 'suicide' THEN 1 WHEN 'erw' THEN 1
  ELSE 0 END) STORED;

ALTER TABLE events ADD COLUMN "_verification" text COLLATE "C";
ALTER TABLE events ADD COLUMN "verification" text COLLATE "C" GENERATED ALWAYS AS (COALESCE("_verification", 'reported')) STORED;
ALTER TABLE events ADD COLUMN "reliability" text COLLATE "C";
ALTER TABLE events ADD COLUMN "credibility" text COLLATE "C";
ALTER TABLE events ADD COLUMN "duplicate_of" text COLLATE "C" REFERENCES events("event_id_cnty") DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE events ADD COLUMN "deleted" bigint DEFAULT 0;

-- What counts: bit 1 rejected, bit 2 merged (bh_excluded below, as
-- model/sqlfn.c's), written with each write of the event and by merges.
ALTER TABLE events ADD COLUMN "_excluded" bigint DEFAULT 0;

DROP INDEX events_date;
DROP INDEX events_admin1;
DROP INDEX events_cell;
DROP INDEX events_place;
CREATE INDEX events_date ON events("event_date", "_excluded", "deleted");
CREATE INDEX events_admin1 ON events("admin1", "event_type", "event_date", "_excluded", "deleted");
CREATE INDEX events_cell ON events("_cell", "latitude", "longitude", "_excluded", "deleted");
CREATE INDEX events_place ON events("place_id", "event_date", "_excluded", "deleted") WHERE "place_id" IS NOT NULL;
CREATE INDEX events_duplicate_of ON events("duplicate_of") WHERE "duplicate_of" IS NOT NULL;

-- ACLED's deletions (see 004_counting.sql).
CREATE TABLE _deletions (
  "event_id_cnty" text COLLATE "C" NOT NULL PRIMARY KEY,
  "deleted_timestamp" bigint NOT NULL
);

-- bh_excluded (src/model/sqlfn.c, fn_excluded): bit 1 when verification is
-- 'rejected', bit 2 when duplicate_of has a value. Not STRICT: NULLs give 0.
CREATE FUNCTION bh_excluded(v text, dup text) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT (CASE WHEN $1 = 'rejected' THEN 1 ELSE 0 END) + (CASE WHEN $2 IS NOT NULL THEN 2 ELSE 0 END)::bigint
$$;
