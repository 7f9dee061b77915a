-- pg/006_force_history.sql: SQLite's 006_force_history.sql for PostgreSQL
-- (text COLLATE "C", bigint, double precision): the force over time and casualty evacuation
-- (FORMATS.md §4.3): the dated history of each unit (unit_changes), the
-- view that answers "where was the unit, in which sector, with what status
-- and strength on day D" (unit_states), and casualty evacuations (casevac).

CREATE TABLE unit_changes (
  "unit_id" text COLLATE "C" NOT NULL REFERENCES units("unit_id") DEFERRABLE INITIALLY DEFERRED,
  "date" text COLLATE "C" NOT NULL,
  "location" text COLLATE "C" REFERENCES places("place_id") DEFERRABLE INITIALLY DEFERRED,
  "sector" text COLLATE "C",
  "status" text COLLATE "C",
  "deployed_strength" bigint,
  "note" text COLLATE "C",
  UNIQUE("unit_id", "date")
);

-- The one as-of rule, in one place. A unit's location, sector, status and
-- deployed_strength on a day are those of its latest change on or before
-- that day that gives a value, else the units row's. The view holds one row
-- per unit and period [valid_from, valid_to): the units row's values from
-- the beginning ('') to the first change, then one period from each change
-- to the next ('9999-12-31': still in force). The state on day D is the row
-- with valid_from <= D AND D < valid_to: exactly one per unit.
-- status_since is the date of the change that gave the status in force,
-- else units.status_since. Every other column is the units row's.
CREATE VIEW unit_states AS
SELECT u."unit_id", p."valid_from", p."valid_to",
  u."name", u."component", u."unit_type", u."contributor", u."parent_unit",
  COALESCE((SELECT c."sector" FROM unit_changes c WHERE c."unit_id" = u."unit_id"
            AND c."date" <= p."valid_from" AND c."sector" IS NOT NULL
            ORDER BY c."date" DESC LIMIT 1), u."sector") AS "sector",
  COALESCE((SELECT c."location" FROM unit_changes c WHERE c."unit_id" = u."unit_id"
            AND c."date" <= p."valid_from" AND c."location" IS NOT NULL
            ORDER BY c."date" DESC LIMIT 1), u."location") AS "location",
  u."authorized_strength",
  COALESCE((SELECT c."deployed_strength" FROM unit_changes c WHERE c."unit_id" = u."unit_id"
            AND c."date" <= p."valid_from" AND c."deployed_strength" IS NOT NULL
            ORDER BY c."date" DESC LIMIT 1), u."deployed_strength") AS "deployed_strength",
  COALESCE((SELECT c."status" FROM unit_changes c WHERE c."unit_id" = u."unit_id"
            AND c."date" <= p."valid_from" AND c."status" IS NOT NULL
            ORDER BY c."date" DESC LIMIT 1), u."status") AS "status",
  COALESCE((SELECT c."date" FROM unit_changes c WHERE c."unit_id" = u."unit_id"
            AND c."date" <= p."valid_from" AND c."status" IS NOT NULL
            ORDER BY c."date" DESC LIMIT 1), u."status_since") AS "status_since",
  u."note"
FROM units u JOIN (
  SELECT b."unit_id", '' AS "valid_from",
    COALESCE((SELECT min(c."date") FROM unit_changes c WHERE c."unit_id" = b."unit_id"),
             '9999-12-31') AS "valid_to"
  FROM units b
  UNION ALL
  SELECT c."unit_id", c."date",
    COALESCE((SELECT min(n."date") FROM unit_changes n WHERE n."unit_id" = c."unit_id"
              AND n."date" > c."date"), '9999-12-31')
  FROM unit_changes c
) p ON p."unit_id" = u."unit_id";

CREATE TABLE casevac (
  "casevac_id" text COLLATE "C" NOT NULL PRIMARY KEY,
  "event_id" text COLLATE "C" REFERENCES events("event_id_cnty") DEFERRABLE INITIALLY DEFERRED,
  "place" text COLLATE "C" REFERENCES places("place_id") DEFERRABLE INITIALLY DEFERRED,
  "unit_id" text COLLATE "C" REFERENCES units("unit_id") DEFERRABLE INITIALLY DEFERRED,
  "casualties" bigint NOT NULL,
  "priority" text COLLATE "C",
  "injured_at" text COLLATE "C" NOT NULL,
  "requested_at" text COLLATE "C",
  "airborne_at" text COLLATE "C",
  "resuscitation_at" text COLLATE "C",
  "surgery_at" text COLLATE "C",
  "asset" text COLLATE "C",
  "provider" text COLLATE "C" REFERENCES units("unit_id") DEFERRABLE INITIALLY DEFERRED,
  "note" text COLLATE "C"
);

CREATE INDEX casevac_injured ON casevac("injured_at");
CREATE INDEX casevac_unit ON casevac("unit_id") WHERE "unit_id" IS NOT NULL;
CREATE INDEX casevac_event ON casevac("event_id") WHERE "event_id" IS NOT NULL;
-- A unit change's sector must be one that some place or sector area uses.
CREATE INDEX places_sector ON places("sector") WHERE "sector" IS NOT NULL;
