-- pg/003_init.sql: the PostgreSQL schema, equal to SQLite's 001-003
-- (src/store/schema/001_init.sql, 002_duplicates.sql, 003_users_audit.sql):
-- the same tables, columns in the same order, NOT NULL, keys, references
-- and indexes (the unit test kinds_match_schema_pg holds the two together).
-- Text sorts as SQLite sorts it, by bytes: every text column is COLLATE "C".
-- Integers are bigint, reals double precision; the generated columns are
-- STORED (PostgreSQL has no virtual ones). The functions SQLite gets from C
-- (src/model/sqlfn.c) are defined here in SQL with the same results.

-- 001: the record kinds (one table per src/model/kinds/*.def) and their indexes.
CREATE TABLE places (
  "place_id" text COLLATE "C" NOT NULL PRIMARY KEY,
  "name" text COLLATE "C" NOT NULL,
  "alt_names" text COLLATE "C",
  "kind" text COLLATE "C",
  "admin1" text COLLATE "C",
  "admin2" text COLLATE "C",
  "latitude" double precision NOT NULL,
  "longitude" double precision NOT NULL,
  "sector" text COLLATE "C",
  "parent_place" text COLLATE "C" REFERENCES places("place_id") DEFERRABLE INITIALLY DEFERRED,
  "population" bigint,
  "_gazetteer" bigint
);

CREATE TABLE sector_areas (
  "admin1" text COLLATE "C" NOT NULL PRIMARY KEY,
  "sector" text COLLATE "C" NOT NULL
);

CREATE TABLE units (
  "unit_id" text COLLATE "C" NOT NULL PRIMARY KEY,
  "name" text COLLATE "C" NOT NULL,
  "component" text COLLATE "C" NOT NULL,
  "unit_type" text COLLATE "C" NOT NULL,
  "contributor" text COLLATE "C",
  "parent_unit" text COLLATE "C" REFERENCES units("unit_id") DEFERRABLE INITIALLY DEFERRED,
  "sector" text COLLATE "C",
  "location" text COLLATE "C" REFERENCES places("place_id") DEFERRABLE INITIALLY DEFERRED,
  "authorized_strength" bigint,
  "deployed_strength" bigint,
  "status" text COLLATE "C",
  "status_since" text COLLATE "C",
  "note" text COLLATE "C"
);

CREATE TABLE operations (
  "operation_id" text COLLATE "C" NOT NULL PRIMARY KEY,
  "name" text COLLATE "C" NOT NULL,
  "kind" text COLLATE "C",
  "sector" text COLLATE "C",
  "admin1" text COLLATE "C",
  "start" text COLLATE "C" NOT NULL,
  "end" text COLLATE "C",
  "lead_component" text COLLATE "C",
  "objective" text COLLATE "C",
  "places" text COLLATE "C",
  "units" text COLLATE "C",
  "note" text COLLATE "C"
);

CREATE TABLE events (
  "event_id_cnty" text COLLATE "C" NOT NULL PRIMARY KEY,
  "event_date" text COLLATE "C" NOT NULL,
  "year" bigint,
  "time_precision" bigint,
  "disorder_type" text COLLATE "C",
  "event_type" text COLLATE "C" NOT NULL,
  "sub_event_type" text COLLATE "C" NOT NULL,
  "actor1" text COLLATE "C",
  "assoc_actor_1" text COLLATE "C",
  "inter1" bigint,
  "actor2" text COLLATE "C",
  "assoc_actor_2" text COLLATE "C",
  "inter2" bigint,
  "interaction" bigint,
  "civilian_targeting" text COLLATE "C",
  "iso" bigint,
  "region" text COLLATE "C",
  "country" text COLLATE "C",
  "admin1" text COLLATE "C",
  "admin2" text COLLATE "C",
  "admin3" text COLLATE "C",
  "location" text COLLATE "C",
  "latitude" double precision,
  "longitude" double precision,
  "geo_precision" bigint,
  "source" text COLLATE "C",
  "source_scale" text COLLATE "C",
  "notes" text COLLATE "C",
  "fatalities" bigint,
  "tags" text COLLATE "C",
  "timestamp" bigint,
  "place_id" text COLLATE "C" REFERENCES places("place_id") DEFERRABLE INITIALLY DEFERRED,
  "site" text COLLATE "C",
  "weapon" text COLLATE "C",
  "ied_outcome" text COLLATE "C",
  "target" text COLLATE "C",
  "civilians_killed" bigint,
  "civilians_injured" bigint,
  "peacekeepers_killed" bigint,
  "peacekeepers_injured" bigint,
  "forces_killed" bigint,
  "forces_injured" bigint,
  "attackers" bigint,
  "_poc" bigint,
  "operation_id" text COLLATE "C" REFERENCES operations("operation_id") DEFERRABLE INITIALLY DEFERRED,
  "_classification" text COLLATE "C",
  "poc" bigint GENERATED ALWAYS AS (COALESCE("_poc", CASE WHEN "civilian_targeting" IS NOT NULL OR "event_type" = 'Violence against civilians' THEN 1 ELSE 0 END)) STORED,
  "classification" text COLLATE "C" GENERATED ALWAYS AS (COALESCE("_classification", 'restricted')) STORED,
  "explosive" bigint GENERATED ALWAYS AS (CASE WHEN "weapon" = 'ied' OR "weapon" = 'vbied' OR "weapon" = 'mine' OR "weapon" = 'suicide' OR "event_type" = 'Explosions/Remote violence' THEN 1 ELSE 0 END) STORED,
  "sector" text COLLATE "C",
  "_cell" bigint GENERATED ALWAYS AS (CASE WHEN "latitude" IS NULL OR "longitude" IS NULL THEN NULL ELSE LEAST(719, trunc(("latitude" + 90) / 0.25::double precision)::bigint) * 1440 + LEAST(1439, trunc(("longitude" + 180) / 0.25::double precision)::bigint) END) STORED
);

CREATE TABLE equipment (
  "equipment_id" text COLLATE "C" NOT NULL PRIMARY KEY,
  "unit_id" text COLLATE "C" NOT NULL REFERENCES units("unit_id") DEFERRABLE INITIALLY DEFERRED,
  "category" text COLLATE "C" NOT NULL,
  "model" text COLLATE "C",
  "registration" text COLLATE "C",
  "note" text COLLATE "C"
);

CREATE TABLE equipment_status (
  "equipment_id" text COLLATE "C" NOT NULL REFERENCES equipment("equipment_id") DEFERRABLE INITIALLY DEFERRED,
  "date" text COLLATE "C" NOT NULL,
  "status" text COLLATE "C" NOT NULL,
  "cause" text COLLATE "C",
  "event_id" text COLLATE "C" REFERENCES events("event_id_cnty") DEFERRABLE INITIALLY DEFERRED,
  "note" text COLLATE "C",
  UNIQUE("equipment_id", "date")
);

CREATE TABLE evaluations (
  "evaluation_id" text COLLATE "C" NOT NULL PRIMARY KEY,
  "unit_id" text COLLATE "C" NOT NULL REFERENCES units("unit_id") DEFERRABLE INITIALLY DEFERRED,
  "date" text COLLATE "C" NOT NULL,
  "kind" text COLLATE "C" NOT NULL,
  "strength" bigint,
  "result" text COLLATE "C" NOT NULL,
  "mitigation" text COLLATE "C",
  "note" text COLLATE "C"
);

CREATE TABLE findings (
  "finding_id" text COLLATE "C" NOT NULL PRIMARY KEY,
  "evaluation_id" text COLLATE "C" NOT NULL REFERENCES evaluations("evaluation_id") DEFERRABLE INITIALLY DEFERRED,
  "sub_unit" text COLLATE "C",
  "area" text COLLATE "C" NOT NULL,
  "rating" text COLLATE "C" NOT NULL,
  "note" text COLLATE "C"
);

CREATE TABLE caveats (
  "caveat_id" text COLLATE "C" NOT NULL PRIMARY KEY,
  "unit_id" text COLLATE "C" REFERENCES units("unit_id") DEFERRABLE INITIALLY DEFERRED,
  "contributor" text COLLATE "C",
  "kind" text COLLATE "C" NOT NULL,
  "description" text COLLATE "C" NOT NULL,
  "declared_on" text COLLATE "C",
  "reported_on" text COLLATE "C",
  "lifted_on" text COLLATE "C",
  "impact" text COLLATE "C"
);

CREATE TABLE rotations (
  "rotation_id" text COLLATE "C" NOT NULL PRIMARY KEY,
  "unit_id" text COLLATE "C" NOT NULL REFERENCES units("unit_id") DEFERRABLE INITIALLY DEFERRED,
  "planned_start" text COLLATE "C" NOT NULL,
  "planned_end" text COLLATE "C" NOT NULL,
  "actual_start" text COLLATE "C",
  "actual_end" text COLLATE "C",
  "note" text COLLATE "C"
);

CREATE TABLE windows (
  "window_id" text COLLATE "C" NOT NULL PRIMARY KEY,
  "name" text COLLATE "C" NOT NULL,
  "start" text COLLATE "C" NOT NULL,
  "end" text COLLATE "C" NOT NULL,
  "tempo" text COLLATE "C" NOT NULL,
  "sector" text COLLATE "C"
);

CREATE TABLE activities (
  "activity_id" text COLLATE "C" NOT NULL PRIMARY KEY,
  "operation_id" text COLLATE "C" REFERENCES operations("operation_id") DEFERRABLE INITIALLY DEFERRED,
  "kind" text COLLATE "C" NOT NULL,
  "start" text COLLATE "C" NOT NULL,
  "end" text COLLATE "C",
  "origin" text COLLATE "C" REFERENCES places("place_id") DEFERRABLE INITIALLY DEFERRED,
  "destination" text COLLATE "C" REFERENCES places("place_id") DEFERRABLE INITIALLY DEFERRED,
  "places" text COLLATE "C",
  "units" text COLLATE "C",
  "note" text COLLATE "C"
);

CREATE TABLE restrictions (
  "restriction_id" text COLLATE "C" NOT NULL PRIMARY KEY,
  "kind" text COLLATE "C" NOT NULL,
  "place" text COLLATE "C" NOT NULL REFERENCES places("place_id") DEFERRABLE INITIALLY DEFERRED,
  "start" text COLLATE "C" NOT NULL,
  "end" text COLLATE "C",
  "actor" text COLLATE "C",
  "response" text COLLATE "C",
  "note" text COLLATE "C"
);

CREATE TABLE convoy_notifications (
  "notification_id" text COLLATE "C" NOT NULL PRIMARY KEY,
  "date" text COLLATE "C" NOT NULL,
  "movement" text COLLATE "C" NOT NULL,
  "vehicles" bigint NOT NULL,
  "heavy_weapons" bigint,
  "origin" text COLLATE "C" REFERENCES places("place_id") DEFERRABLE INITIALLY DEFERRED,
  "destination" text COLLATE "C" REFERENCES places("place_id") DEFERRABLE INITIALLY DEFERRED,
  "note" text COLLATE "C"
);

CREATE TABLE convoy_sightings (
  "sighting_id" text COLLATE "C" NOT NULL PRIMARY KEY,
  "date" text COLLATE "C" NOT NULL,
  "movement" text COLLATE "C",
  "vehicles" bigint NOT NULL,
  "heavy_weapons" bigint,
  "place" text COLLATE "C" REFERENCES places("place_id") DEFERRABLE INITIALLY DEFERRED,
  "notification_id" text COLLATE "C" REFERENCES convoy_notifications("notification_id") DEFERRABLE INITIALLY DEFERRED,
  "source" text COLLATE "C"
);

CREATE TABLE capabilities (
  "capability_id" text COLLATE "C" NOT NULL PRIMARY KEY,
  "capability" text COLLATE "C" NOT NULL,
  "sector" text COLLATE "C",
  "quantity" bigint,
  "status" text COLLATE "C" NOT NULL,
  "source" text COLLATE "C",
  "needed_by" text COLLATE "C",
  "note" text COLLATE "C"
);

CREATE TABLE infrastructure (
  "project_id" text COLLATE "C" NOT NULL PRIMARY KEY,
  "name" text COLLATE "C" NOT NULL,
  "place" text COLLATE "C" REFERENCES places("place_id") DEFERRABLE INITIALLY DEFERRED,
  "area_ha" double precision,
  "purpose" text COLLATE "C",
  "planned_start" text COLLATE "C",
  "planned_end" text COLLATE "C",
  "progress_pct" double precision,
  "status" text COLLATE "C",
  "note" text COLLATE "C"
);

CREATE TABLE benchmarks (
  "benchmark_id" text COLLATE "C" NOT NULL PRIMARY KEY,
  "phase" text COLLATE "C" NOT NULL,
  "title" text COLLATE "C" NOT NULL,
  "condition" text COLLATE "C",
  "status" text COLLATE "C" NOT NULL,
  "due" text COLLATE "C",
  "evidence" text COLLATE "C"
);

CREATE TABLE programmes (
  "programme_id" text COLLATE "C" NOT NULL PRIMARY KEY,
  "name" text COLLATE "C" NOT NULL,
  "partners" text COLLATE "C",
  "places" text COLLATE "C",
  "start" text COLLATE "C",
  "end" text COLLATE "C",
  "domain" text COLLATE "C",
  "status" text COLLATE "C",
  "note" text COLLATE "C"
);

CREATE TABLE meetings (
  "meeting_id" text COLLATE "C" NOT NULL PRIMARY KEY,
  "forum" text COLLATE "C" NOT NULL,
  "date" text COLLATE "C" NOT NULL,
  "participants" text COLLATE "C",
  "topics" text COLLATE "C",
  "decisions" text COLLATE "C"
);

CREATE TABLE _place_names (
  "key" text COLLATE "C" NOT NULL,
  "place_id" text COLLATE "C" NOT NULL REFERENCES places("place_id") ON DELETE CASCADE,
  PRIMARY KEY ("key", "place_id")
);

CREATE INDEX place_names_place ON _place_names("place_id");
CREATE INDEX places_parent ON places("parent_place") WHERE "parent_place" IS NOT NULL;
CREATE INDEX units_parent ON units("parent_unit") WHERE "parent_unit" IS NOT NULL;
CREATE INDEX events_date ON events("event_date");
CREATE INDEX events_admin1 ON events("admin1", "event_type", "event_date");
CREATE INDEX events_cell ON events("_cell", "latitude", "longitude");
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


-- The functions SQL calls (after the tables they read).
-- bh_fold (src/core/utf8.c, utf8_fold): ASCII letters lowered and the
-- Latin letters U+00C0..U+017F taken to their base letter; anything else
-- is kept.
CREATE FUNCTION bh_fold(t text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT translate($1,
    'ABCDEFGHIJKLMNOPQRSTUVWXYZÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖØÙÚÛÜÝÞßàáâãäåæçèéêëìíîïðñòóôõöøùúûüýþÿĀāĂăĄąĆćĈĉĊċČčĎďĐđĒēĔĕĖėĘęĚěĜĝĞğĠġĢģĤĥĦħĨĩĪīĬĭĮįİıĲĳĴĵĶķĸĹĺĻļĽľĿŀŁłŃńŅņŇňŉŊŋŌōŎŏŐőŒœŔŕŖŗŘřŚśŜŝŞşŠšŢţŤťŦŧŨũŪūŬŭŮůŰűŲųŴŵŶŷŸŹźŻżŽžſ',
    'abcdefghijklmnopqrstuvwxyzaaaaaaaceeeeiiiidnoooooouuuuytsaaaaaaaceeeeiiiidnoooooouuuuytyaaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiiiiijjkkkllllllllllnnnnnnnnnoooooooorrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs') COLLATE "C"
$$;

-- place_fold_key (src/model/place.c): bh_fold of the text trimmed of C
-- white space.
CREATE FUNCTION bh_fold_key(t text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT bh_fold(btrim($1, E' \t\n\r\f\x0b'))
$$;

-- bh_sector (src/model/sector.c, sector_of): the sector of the place or of
-- its nearest ancestor that has one (32 levels at most); else the sector
-- area of the first admin1 met on the way up; else that of admin1.
CREATE FUNCTION bh_area_sector(a1 text) RETURNS text
LANGUAGE sql STABLE STRICT AS $$
  SELECT s."sector" FROM sector_areas s WHERE bh_fold_key(s."admin1") = bh_fold_key($1)
  ORDER BY s."admin1" LIMIT 1
$$;

CREATE FUNCTION bh_sector(pid text, a1 text) RETURNS text
LANGUAGE plpgsql STABLE AS $$
DECLARE
  cur text := pid;
  sec text;
  par text;
  pa1 text;
  place_a1 text := '';
  found_row boolean;
  r text;
BEGIN
  IF pid IS NOT NULL THEN
    FOR depth IN 1..32 LOOP
      SELECT p."sector", p."parent_place", p."admin1", true INTO sec, par, pa1, found_row
        FROM places p WHERE p."place_id" = cur;
      EXIT WHEN found_row IS NULL;
      found_row := NULL;
      IF sec IS NOT NULL AND sec <> '' THEN RETURN sec; END IF;
      IF place_a1 = '' AND pa1 IS NOT NULL THEN place_a1 := pa1; END IF;
      EXIT WHEN par IS NULL;
      cur := par;
    END LOOP;
  END IF;
  IF place_a1 <> '' THEN
    r := bh_area_sector(place_a1);
    IF r IS NOT NULL THEN RETURN r; END IF;
  END IF;
  IF a1 IS NOT NULL AND a1 <> '' THEN RETURN bh_area_sector(a1); END IF;
  RETURN NULL;
END
$$;

-- bh_distance (src/core/geo.c, geo_distance_km): the haversine distance in
-- km, with the same operations in the same order; NULL when any is NULL.
-- One expression and not STRICT (LEAST is not strict), so that PostgreSQL
-- inlines it into the query instead of calling it per row.
CREATE FUNCTION bh_distance(lat1 double precision, lon1 double precision,
                            lat2 double precision, lon2 double precision) RETURNS double precision
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN $1 IS NULL OR $2 IS NULL OR $3 IS NULL OR $4 IS NULL THEN NULL::double precision ELSE
    2::double precision * 6371.0088::double precision * asin(sqrt(LEAST(1::double precision,
    sin((($3 - $1) * (pi() / 180::double precision)) / 2) * sin((($3 - $1) * (pi() / 180::double precision)) / 2) +
    cos($1 * (pi() / 180::double precision)) * cos($3 * (pi() / 180::double precision)) *
    sin((($4 - $2) * (pi() / 180::double precision)) / 2) * sin((($4 - $2) * (pi() / 180::double precision)) / 2))))
  END
$$;

-- SQLite's instr(haystack, needle): the 1-based position, 0 when absent.
CREATE FUNCTION instr(text, text) RETURNS integer
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT strpos($1, $2) $$;

-- 002: analysts' decisions on likely duplicate events.
CREATE TABLE _duplicate_decisions (
  "event_a" text COLLATE "C" NOT NULL,
  "event_b" text COLLATE "C" NOT NULL,
  "decision" text COLLATE "C" NOT NULL CHECK ("decision" IN ('merge', 'dismiss')),
  "decided_on" text COLLATE "C" NOT NULL,
  "note" text COLLATE "C",
  PRIMARY KEY ("event_a", "event_b"),
  CHECK ("event_a" < "event_b")
);

CREATE INDEX duplicate_decisions_b ON _duplicate_decisions("event_b");

-- 003: users, their tokens and sessions, and the hash-chained audit trail.
CREATE TABLE _users (
  "name" text COLLATE "C" PRIMARY KEY,
  "role" text COLLATE "C" NOT NULL CHECK ("role" IN ('admin', 'editor', 'analyst', 'viewer')),
  "sector" text COLLATE "C",
  "password_hash" text COLLATE "C" NOT NULL,
  "disabled" bigint NOT NULL DEFAULT 0,
  "created_at" text COLLATE "C" NOT NULL
);

CREATE TABLE _tokens (
  "hash" text COLLATE "C" PRIMARY KEY,
  "user" text COLLATE "C" NOT NULL REFERENCES _users("name") ON DELETE CASCADE,
  "kind" text COLLATE "C" NOT NULL CHECK ("kind" IN ('api', 'session')),
  "csrf" text COLLATE "C",
  "created_at" text COLLATE "C" NOT NULL,
  "expires_at" text COLLATE "C",
  "revoked" bigint NOT NULL DEFAULT 0
);
CREATE INDEX _tokens_user ON _tokens("user");

CREATE TABLE _audit (
  "seq" bigint PRIMARY KEY,
  "at" text COLLATE "C" NOT NULL,
  "user" text COLLATE "C" NOT NULL,
  "action" text COLLATE "C" NOT NULL,
  "kind" text COLLATE "C",
  "record_id" text COLLATE "C",
  "before" text COLLATE "C",
  "after" text COLLATE "C",
  "prev_hash" text COLLATE "C" NOT NULL,
  "hash" text COLLATE "C" NOT NULL
);
CREATE FUNCTION _audit_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'the audit trail is append-only'; END $$;
CREATE TRIGGER _audit_no_update BEFORE UPDATE ON _audit
  FOR EACH ROW EXECUTE FUNCTION _audit_append_only();
CREATE TRIGGER _audit_no_delete BEFORE DELETE ON _audit
  FOR EACH ROW EXECUTE FUNCTION _audit_append_only();
CREATE TRIGGER _audit_no_truncate BEFORE TRUNCATE ON _audit
  FOR EACH STATEMENT EXECUTE FUNCTION _audit_append_only();
