-- 001_init.sql: the first schema. Every kind of src/model/kinds/*.def is a
-- table whose columns are the kind's columns in order (checked by the unit
-- test kinds_match_schema); columns starting with '_' are internal.
-- Reference columns are foreign keys checked at commit, so an import may
-- name a record that comes later in the same import.

CREATE TABLE places (
  "place_id" TEXT NOT NULL PRIMARY KEY,
  "name" TEXT NOT NULL,
  "alt_names" TEXT,
  "kind" TEXT,
  "admin1" TEXT,
  "admin2" TEXT,
  "latitude" REAL NOT NULL,
  "longitude" REAL NOT NULL,
  "sector" TEXT,
  "parent_place" TEXT REFERENCES places("place_id") DEFERRABLE INITIALLY DEFERRED,
  "population" INTEGER,
  "_gazetteer" INTEGER
);

CREATE TABLE sector_areas (
  "admin1" TEXT NOT NULL PRIMARY KEY,
  "sector" TEXT NOT NULL
);

CREATE TABLE units (
  "unit_id" TEXT NOT NULL PRIMARY KEY,
  "name" TEXT NOT NULL,
  "component" TEXT NOT NULL,
  "unit_type" TEXT NOT NULL,
  "contributor" TEXT,
  "parent_unit" TEXT REFERENCES units("unit_id") DEFERRABLE INITIALLY DEFERRED,
  "sector" TEXT,
  "location" TEXT REFERENCES places("place_id") DEFERRABLE INITIALLY DEFERRED,
  "authorized_strength" INTEGER,
  "deployed_strength" INTEGER,
  "status" TEXT,
  "status_since" TEXT,
  "note" TEXT
);

CREATE TABLE operations (
  "operation_id" TEXT NOT NULL PRIMARY KEY,
  "name" TEXT NOT NULL,
  "kind" TEXT,
  "sector" TEXT,
  "admin1" TEXT,
  "start" TEXT NOT NULL,
  "end" TEXT,
  "lead_component" TEXT,
  "objective" TEXT,
  "places" TEXT,
  "units" TEXT,
  "note" TEXT
);

CREATE TABLE events (
  "event_id_cnty" TEXT NOT NULL PRIMARY KEY,
  "event_date" TEXT NOT NULL,
  "year" INTEGER,
  "time_precision" INTEGER,
  "disorder_type" TEXT,
  "event_type" TEXT NOT NULL,
  "sub_event_type" TEXT NOT NULL,
  "actor1" TEXT,
  "assoc_actor_1" TEXT,
  "inter1" INTEGER,
  "actor2" TEXT,
  "assoc_actor_2" TEXT,
  "inter2" INTEGER,
  "interaction" INTEGER,
  "civilian_targeting" TEXT,
  "iso" INTEGER,
  "region" TEXT,
  "country" TEXT,
  "admin1" TEXT,
  "admin2" TEXT,
  "admin3" TEXT,
  "location" TEXT,
  "latitude" REAL,
  "longitude" REAL,
  "geo_precision" INTEGER,
  "source" TEXT,
  "source_scale" TEXT,
  "notes" TEXT,
  "fatalities" INTEGER,
  "tags" TEXT,
  "timestamp" INTEGER,
  "place_id" TEXT REFERENCES places("place_id") DEFERRABLE INITIALLY DEFERRED,
  "site" TEXT,
  "weapon" TEXT,
  "ied_outcome" TEXT,
  "target" TEXT,
  "civilians_killed" INTEGER,
  "civilians_injured" INTEGER,
  "peacekeepers_killed" INTEGER,
  "peacekeepers_injured" INTEGER,
  "forces_killed" INTEGER,
  "forces_injured" INTEGER,
  "attackers" INTEGER,
  "_poc" INTEGER,
  "operation_id" TEXT REFERENCES operations("operation_id") DEFERRABLE INITIALLY DEFERRED,
  "_classification" TEXT,
  "poc" INTEGER GENERATED ALWAYS AS (COALESCE("_poc", CASE WHEN "civilian_targeting" IS NOT NULL OR "event_type" = 'Violence against civilians' THEN 1 ELSE 0 END)) VIRTUAL,
  "classification" TEXT GENERATED ALWAYS AS (COALESCE("_classification", 'restricted')) VIRTUAL,
  "explosive" INTEGER GENERATED ALWAYS AS (CASE WHEN "weapon" = 'ied' OR "weapon" = 'vbied' OR "weapon" = 'mine' OR "weapon" = 'suicide' OR "event_type" = 'Explosions/Remote violence' THEN 1 ELSE 0 END) VIRTUAL,
  "sector" TEXT,
  "_cell" INTEGER GENERATED ALWAYS AS (CASE WHEN "latitude" IS NULL OR "longitude" IS NULL THEN NULL ELSE MIN(719, CAST(("latitude" + 90) / 0.25 AS INTEGER)) * 1440 + MIN(1439, CAST(("longitude" + 180) / 0.25 AS INTEGER)) END) VIRTUAL
);

CREATE TABLE equipment (
  "equipment_id" TEXT NOT NULL PRIMARY KEY,
  "unit_id" TEXT NOT NULL REFERENCES units("unit_id") DEFERRABLE INITIALLY DEFERRED,
  "category" TEXT NOT NULL,
  "model" TEXT,
  "registration" TEXT,
  "note" TEXT
);

CREATE TABLE equipment_status (
  "equipment_id" TEXT NOT NULL REFERENCES equipment("equipment_id") DEFERRABLE INITIALLY DEFERRED,
  "date" TEXT NOT NULL,
  "status" TEXT NOT NULL,
  "cause" TEXT,
  "event_id" TEXT REFERENCES events("event_id_cnty") DEFERRABLE INITIALLY DEFERRED,
  "note" TEXT,
  UNIQUE("equipment_id", "date")
);

CREATE TABLE evaluations (
  "evaluation_id" TEXT NOT NULL PRIMARY KEY,
  "unit_id" TEXT NOT NULL REFERENCES units("unit_id") DEFERRABLE INITIALLY DEFERRED,
  "date" TEXT NOT NULL,
  "kind" TEXT NOT NULL,
  "strength" INTEGER,
  "result" TEXT NOT NULL,
  "mitigation" TEXT,
  "note" TEXT
);

CREATE TABLE findings (
  "finding_id" TEXT NOT NULL PRIMARY KEY,
  "evaluation_id" TEXT NOT NULL REFERENCES evaluations("evaluation_id") DEFERRABLE INITIALLY DEFERRED,
  "sub_unit" TEXT,
  "area" TEXT NOT NULL,
  "rating" TEXT NOT NULL,
  "note" TEXT
);

CREATE TABLE caveats (
  "caveat_id" TEXT NOT NULL PRIMARY KEY,
  "unit_id" TEXT REFERENCES units("unit_id") DEFERRABLE INITIALLY DEFERRED,
  "contributor" TEXT,
  "kind" TEXT NOT NULL,
  "description" TEXT NOT NULL,
  "declared_on" TEXT,
  "reported_on" TEXT,
  "lifted_on" TEXT,
  "impact" TEXT
);

CREATE TABLE rotations (
  "rotation_id" TEXT NOT NULL PRIMARY KEY,
  "unit_id" TEXT NOT NULL REFERENCES units("unit_id") DEFERRABLE INITIALLY DEFERRED,
  "planned_start" TEXT NOT NULL,
  "planned_end" TEXT NOT NULL,
  "actual_start" TEXT,
  "actual_end" TEXT,
  "note" TEXT
);

CREATE TABLE windows (
  "window_id" TEXT NOT NULL PRIMARY KEY,
  "name" TEXT NOT NULL,
  "start" TEXT NOT NULL,
  "end" TEXT NOT NULL,
  "tempo" TEXT NOT NULL,
  "sector" TEXT
);

CREATE TABLE activities (
  "activity_id" TEXT NOT NULL PRIMARY KEY,
  "operation_id" TEXT REFERENCES operations("operation_id") DEFERRABLE INITIALLY DEFERRED,
  "kind" TEXT NOT NULL,
  "start" TEXT NOT NULL,
  "end" TEXT,
  "origin" TEXT REFERENCES places("place_id") DEFERRABLE INITIALLY DEFERRED,
  "destination" TEXT REFERENCES places("place_id") DEFERRABLE INITIALLY DEFERRED,
  "places" TEXT,
  "units" TEXT,
  "note" TEXT
);

CREATE TABLE restrictions (
  "restriction_id" TEXT NOT NULL PRIMARY KEY,
  "kind" TEXT NOT NULL,
  "place" TEXT NOT NULL REFERENCES places("place_id") DEFERRABLE INITIALLY DEFERRED,
  "start" TEXT NOT NULL,
  "end" TEXT,
  "actor" TEXT,
  "response" TEXT,
  "note" TEXT
);

CREATE TABLE convoy_notifications (
  "notification_id" TEXT NOT NULL PRIMARY KEY,
  "date" TEXT NOT NULL,
  "movement" TEXT NOT NULL,
  "vehicles" INTEGER NOT NULL,
  "heavy_weapons" INTEGER,
  "origin" TEXT REFERENCES places("place_id") DEFERRABLE INITIALLY DEFERRED,
  "destination" TEXT REFERENCES places("place_id") DEFERRABLE INITIALLY DEFERRED,
  "note" TEXT
);

CREATE TABLE convoy_sightings (
  "sighting_id" TEXT NOT NULL PRIMARY KEY,
  "date" TEXT NOT NULL,
  "movement" TEXT,
  "vehicles" INTEGER NOT NULL,
  "heavy_weapons" INTEGER,
  "place" TEXT REFERENCES places("place_id") DEFERRABLE INITIALLY DEFERRED,
  "notification_id" TEXT REFERENCES convoy_notifications("notification_id") DEFERRABLE INITIALLY DEFERRED,
  "source" TEXT
);

CREATE TABLE capabilities (
  "capability_id" TEXT NOT NULL PRIMARY KEY,
  "capability" TEXT NOT NULL,
  "sector" TEXT,
  "quantity" INTEGER,
  "status" TEXT NOT NULL,
  "source" TEXT,
  "needed_by" TEXT,
  "note" TEXT
);

CREATE TABLE infrastructure (
  "project_id" TEXT NOT NULL PRIMARY KEY,
  "name" TEXT NOT NULL,
  "place" TEXT REFERENCES places("place_id") DEFERRABLE INITIALLY DEFERRED,
  "area_ha" REAL,
  "purpose" TEXT,
  "planned_start" TEXT,
  "planned_end" TEXT,
  "progress_pct" REAL,
  "status" TEXT,
  "note" TEXT
);

CREATE TABLE benchmarks (
  "benchmark_id" TEXT NOT NULL PRIMARY KEY,
  "phase" TEXT NOT NULL,
  "title" TEXT NOT NULL,
  "condition" TEXT,
  "status" TEXT NOT NULL,
  "due" TEXT,
  "evidence" TEXT
);

CREATE TABLE programmes (
  "programme_id" TEXT NOT NULL PRIMARY KEY,
  "name" TEXT NOT NULL,
  "partners" TEXT,
  "places" TEXT,
  "start" TEXT,
  "end" TEXT,
  "domain" TEXT,
  "status" TEXT,
  "note" TEXT
);

CREATE TABLE meetings (
  "meeting_id" TEXT NOT NULL PRIMARY KEY,
  "forum" TEXT NOT NULL,
  "date" TEXT NOT NULL,
  "participants" TEXT,
  "topics" TEXT,
  "decisions" TEXT
);

-- Folded names and alternate names of places, for name lookups.
CREATE TABLE _place_names (
  "key" TEXT NOT NULL,
  "place_id" TEXT NOT NULL REFERENCES places("place_id") ON DELETE CASCADE,
  PRIMARY KEY ("key", "place_id")
) WITHOUT ROWID;

CREATE INDEX place_names_place ON _place_names("place_id");
CREATE INDEX places_parent ON places("parent_place") WHERE "parent_place" IS NOT NULL;
CREATE INDEX units_parent ON units("parent_unit") WHERE "parent_unit" IS NOT NULL;
CREATE INDEX events_date ON events("event_date");
CREATE INDEX events_admin1 ON events("admin1", "event_type", "event_date");
-- The grid cell with the coordinates: near= reads only this index (the
-- exact distance needs latitude and longitude, not the table's rows).
CREATE INDEX events_cell ON events("_cell", "latitude", "longitude");
-- By place and date: the place filters of rate, change and operation-effect
-- read only the period's events at the place.
CREATE INDEX events_place ON events("place_id", "event_date") WHERE "place_id" IS NOT NULL;
CREATE INDEX events_operation ON events("operation_id") WHERE "operation_id" IS NOT NULL;
CREATE INDEX equipment_unit ON equipment("unit_id");
CREATE INDEX equipment_status_event ON equipment_status("event_id") WHERE "event_id" IS NOT NULL;
CREATE INDEX evaluations_unit ON evaluations("unit_id");
CREATE INDEX findings_evaluation ON findings("evaluation_id");
CREATE INDEX rotations_unit ON rotations("unit_id");
CREATE INDEX caveats_unit ON caveats("unit_id");
CREATE INDEX activities_operation ON activities("operation_id");
CREATE INDEX sightings_notification ON convoy_sightings("notification_id");
