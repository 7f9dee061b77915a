-- 008_performance.sql: issue 12 (performance).
--
-- How many events each grid cell holds, for each state of the two columns
-- the rule of what counts reads (FORMATS.md §4.1: _excluded, deleted), kept
-- exactly by the triggers below at every insert, change and deletion of an
-- event. near= counts the cells that lie wholly inside its circle from this
-- table and reads only the events of the cells its edge crosses
-- (query_count). An event without coordinates has no cell and no row here;
-- nor has one whose _excluded or deleted is NULL (bluehelm always writes
-- them; such an event could not count: NULL fails every part of the rule).
-- A large import drops the triggers, builds the table once at its end from
-- the view _event_cells_rebuild, and puts the triggers back (store_bulk_*,
-- backend_sqlite.c: a trigger "_X_..." keeps _X, rebuilt from _X_rebuild).

-- The explosive-incident rule reads "weapon" once (CASE x WHEN): written as
-- five comparisons, each computed "weapon" again from the sub-event type,
-- for every row an INSERT writes or a query tests.
ALTER TABLE events DROP COLUMN "explosive";
ALTER TABLE events ADD COLUMN "explosive" INTEGER GENERATED ALWAYS AS (CASE "weapon"
  WHEN 'ied' THEN 1 WHEN 'vbied' THEN 1 WHEN 'mine' THEN 1 WHEN 'suicide' THEN 1 WHEN 'erw' THEN 1
  ELSE 0 END) VIRTUAL;

-- The grid cell's index keeps the rule's two columns next to the cell, so
-- that the counts per cell and rule state are read from it in order (the
-- rebuild of _event_cells after a bulk import needs no sort); near= still
-- reads the coordinates from it.
DROP INDEX events_cell;
CREATE INDEX events_cell ON events("_cell", "_excluded", "deleted", "latitude", "longitude");

-- The explosive incidents by date (a tenth of the events): the `change` of
-- their casualties and the `ied` indicator read them, not every event of
-- their periods.
CREATE INDEX events_explosive ON events("event_date", "_excluded", "deleted") WHERE "explosive" = 1;

CREATE TABLE _event_cells (
  "_cell" INTEGER NOT NULL,
  "_excluded" INTEGER NOT NULL,
  "deleted" INTEGER NOT NULL,
  "n" INTEGER NOT NULL,
  PRIMARY KEY ("_cell", "_excluded", "deleted")
) WITHOUT ROWID;

-- What _event_cells holds, from the events (its columns in its order).
CREATE VIEW _event_cells_rebuild AS
  SELECT "_cell", "_excluded", "deleted", count(*) AS "n" FROM events
  WHERE "_cell" IS NOT NULL AND "_excluded" IS NOT NULL AND "deleted" IS NOT NULL
  GROUP BY "_cell", "_excluded", "deleted";

INSERT INTO _event_cells ("_cell", "_excluded", "deleted", "n") SELECT * FROM _event_cells_rebuild;

CREATE TRIGGER _event_cells_insert AFTER INSERT ON events
  WHEN NEW."_cell" IS NOT NULL AND NEW."_excluded" IS NOT NULL AND NEW."deleted" IS NOT NULL
BEGIN
  INSERT INTO _event_cells ("_cell", "_excluded", "deleted", "n")
    VALUES (NEW."_cell", NEW."_excluded", NEW."deleted", 1)
    ON CONFLICT ("_cell", "_excluded", "deleted") DO UPDATE SET "n" = "n" + 1;
END;

CREATE TRIGGER _event_cells_delete AFTER DELETE ON events
  WHEN OLD."_cell" IS NOT NULL AND OLD."_excluded" IS NOT NULL AND OLD."deleted" IS NOT NULL
BEGIN
  UPDATE _event_cells SET "n" = "n" - 1
    WHERE "_cell" = OLD."_cell" AND "_excluded" = OLD."_excluded" AND "deleted" = OLD."deleted";
END;

CREATE TRIGGER _event_cells_update AFTER UPDATE OF "latitude", "longitude", "_excluded", "deleted" ON events
  WHEN OLD."_cell" IS NOT NEW."_cell" OR OLD."_excluded" IS NOT NEW."_excluded" OR OLD."deleted" IS NOT NEW."deleted"
BEGIN
  UPDATE _event_cells SET "n" = "n" - 1
    WHERE "_cell" = OLD."_cell" AND "_excluded" = OLD."_excluded" AND "deleted" = OLD."deleted";
  INSERT INTO _event_cells ("_cell", "_excluded", "deleted", "n")
    SELECT NEW."_cell", NEW."_excluded", NEW."deleted", 1
    WHERE NEW."_cell" IS NOT NULL AND NEW."_excluded" IS NOT NULL AND NEW."deleted" IS NOT NULL
    ON CONFLICT ("_cell", "_excluded", "deleted") DO UPDATE SET "n" = "n" + 1;
END;

-- The planner's statistics (sqlite_stat1) from a sample of each index:
-- without them SQLite takes any value of admin1 for a rare one and reads a
-- third of the events for a month's indicator of one region. A large
-- import refreshes them (store_bulk_end).
PRAGMA analysis_limit = 1000;
ANALYZE;
