-- pg/008_performance.sql: SQLite's 008_performance.sql for PostgreSQL.
--
-- The explosive-incident rule reads the weapon once (CASE x WHEN), the
-- weapon rule of pg/004_counting.sql written out (a generated column cannot
-- read another). The same indexes as on SQLite.
--
-- Not here: _event_cells and its triggers. On PostgreSQL near= reads every
-- event of the cells its circle touches and measures each (query_count
-- uses the counts per cell on SQLite only), so the figures are the same
-- without them; `bluehelm copy` leaves such a table out (a SQLite target
-- keeps its own by its triggers). The planner's statistics are
-- PostgreSQL's autovacuum's.

ALTER TABLE events DROP COLUMN "explosive";
ALTER TABLE events ADD COLUMN "explosive" bigint GENERATED ALWAYS AS (CASE COALESCE("_weapon",
  CASE "sub_event_type"
    WHEN 'Remote explosive/landmine/IED' THEN 'ied'
    WHEN 'Suicide bomb' THEN 'suicide'
  END) WHEN 'ied' THEN 1 WHEN 'vbied' THEN 1 WHEN 'mine' THEN 1 WHEN 'suicide' THEN 1 WHEN 'erw' THEN 1
  ELSE 0 END) STORED;

DROP INDEX events_cell;
CREATE INDEX events_cell ON events("_cell", "_excluded", "deleted", "latitude", "longitude");

CREATE INDEX events_explosive ON events("event_date", "_excluded", "deleted") WHERE "explosive" = 1;
