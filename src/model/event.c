/* event.c: the events kind's hook and the sector rule (SQL function bh_sector). */
#include "model/event.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/geo.h"
#include "core/str.h"
#include "core/utf8.h"
#include "model/place.h"
#include "model/record.h"

#define PARENT_DEPTH_MAX 32

static int set_place_fields(record *r, const place_match *m, arena *a) {
  (void)a;
  const kind *k = r->k;
  int ilat = kind_field_index(k, "latitude"), ilon = kind_field_index(k, "longitude");
  r->v[ilat] = (fval){.set = 1, .d = m->latitude};
  r->v[ilon] = (fval){.set = 1, .d = m->longitude};
  r->present[ilat] = r->present[ilon] = 1;
  const char *names[2] = {"admin1", "admin2"};
  const char *vals[2] = {m->admin1, m->admin2};
  for (int i = 0; i < 2; i++) {
    int fi = kind_field_index(k, names[i]);
    if (vals[i] && !r->v[fi].set) {
      r->v[fi] = (fval){.set = 1, .s = vals[i]};
      r->present[fi] = 1;
    }
  }
  return 0;
}

int event_prepare(store *s, record *r, err *e) {
  static arena scratch; /* holds looked-up place strings until the next call */
  arena_free(&scratch);
  const kind *k = r->k;
  int ilat = kind_field_index(k, "latitude"), ilon = kind_field_index(k, "longitude");
  int ipid = kind_field_index(k, "place_id"), iloc = kind_field_index(k, "location");
  int has_lat = r->v[ilat].set, has_lon = r->v[ilon].set;
  if (has_lat != has_lon) {
    err_set(e, ERR_VALIDATION, "latitude and longitude must be given together");
    return err_at(e, NULL, 0, has_lat ? "longitude" : "latitude");
  }
  if (has_lat) return 0;
  place_match m;
  if (r->v[ipid].set) {
    int found = place_resolve(s, r->v[ipid].s, &m, &scratch, e);
    if (found < 0) return found;
    if (found) return set_place_fields(r, &m, &scratch);
    return 0; /* an unknown place_id is reported by the reference check */
  }
  if (r->v[iloc].set) {
    int found = place_resolve(s, r->v[iloc].s, &m, &scratch, e);
    if (found < 0) return found;
    if (found) return set_place_fields(r, &m, &scratch);
    err_set(e, ERR_VALIDATION,
            "'%.80s' is not in the gazetteer: give latitude and longitude or a place_id",
            r->v[iloc].s);
    return err_at(e, NULL, 0, "location");
  }
  if (r->present[ilat] || r->present[ipid] || r->present[iloc] ||
      record_exists(s, k, r->v[k->key[0]].s) != 1) {
    err_set(e, ERR_VALIDATION,
            "an event needs latitude and longitude, a place_id, or a location the gazetteer knows");
    return err_at(e, NULL, 0, "-");
  }
  return 0;
}

int sector_after_write(store *s, const record *r, err *e) {
  (void)r;
  (void)e;
  store_touch(s);
  return 0;
}

/* sector_areas folded into memory, refreshed when the store's generation moves. */
typedef struct sector_cache {
  store *s;
  unsigned long generation;
  int loaded;
  int n;
  struct {
    char key[128];
    char sector[64];
  } rows[256];
} sector_cache;

static sector_cache *cache_for(store *s) {
  sector_cache *c = store_aux(s);
  if (!c) {
    c = xcalloc(1, sizeof *c);
    c->s = s;
    store_set_aux(s, c, free);
  }
  return c;
}

static int area_sector(store *s, const char *admin1, char *out, size_t cap) {
  sector_cache *c = cache_for(s);
  if (!c) return 0;
  if (!c->loaded || c->generation != store_generation(s)) {
    c->n = 0;
    sqlite3_stmt *st = store_cached(s, "SELECT admin1, sector FROM sector_areas", NULL);
    if (!st) return ERR_DB;
    while (sqlite3_step(st) == SQLITE_ROW && c->n < 256) {
      place_fold_key((const char *)sqlite3_column_text(st, 0), c->rows[c->n].key,
                     sizeof c->rows[c->n].key);
      str_copy(c->rows[c->n].sector, sizeof c->rows[c->n].sector,
               (const char *)sqlite3_column_text(st, 1));
      c->n++;
    }
    sqlite3_reset(st);
    c->loaded = 1;
    c->generation = store_generation(s);
  }
  char key[128];
  place_fold_key(admin1, key, sizeof key);
  for (int i = 0; i < c->n; i++)
    if (strcmp(c->rows[i].key, key) == 0) {
      str_copy(out, cap, c->rows[i].sector);
      return 1;
    }
  return 0;
}

int sector_of(store *s, const char *place_id, const char *admin1, char *out, size_t cap) {
  char place_admin1[128] = "";
  if (place_id) {
    sqlite3_stmt *st = store_cached(
        s, "SELECT sector, parent_place, admin1 FROM places WHERE place_id = ?", NULL);
    if (!st) return ERR_DB;
    char cur[256];
    str_copy(cur, sizeof cur, place_id);
    for (int depth = 0; depth < PARENT_DEPTH_MAX; depth++) {
      sqlite3_reset(st);
      sqlite3_bind_text(st, 1, cur, -1, SQLITE_TRANSIENT);
      if (sqlite3_step(st) != SQLITE_ROW) break;
      const char *sec = (const char *)sqlite3_column_text(st, 0);
      if (sec && *sec) {
        str_copy(out, cap, sec);
        sqlite3_reset(st);
        return 1;
      }
      const char *a1 = (const char *)sqlite3_column_text(st, 2);
      if (!place_admin1[0] && a1) str_copy(place_admin1, sizeof place_admin1, a1);
      const char *parent = (const char *)sqlite3_column_text(st, 1);
      if (!parent) break;
      str_copy(cur, sizeof cur, parent);
    }
    sqlite3_reset(st);
  }
  if (place_admin1[0]) {
    int rc = area_sector(s, place_admin1, out, cap);
    if (rc) return rc;
  }
  if (admin1 && *admin1) return area_sector(s, admin1, out, cap);
  return 0;
}

static void fn_sector(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  store *s = sqlite3_user_data(ctx);
  const char *pid = (const char *)sqlite3_value_text(argv[0]);
  const char *a1 = (const char *)sqlite3_value_text(argv[1]);
  char out[64];
  int rc = sector_of(s, pid, a1, out, sizeof out);
  if (rc < 0) sqlite3_result_error(ctx, "sector lookup failed", -1);
  else if (rc == 0) sqlite3_result_null(ctx);
  else sqlite3_result_text(ctx, out, -1, SQLITE_TRANSIENT);
}

static void fn_fold(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  const char *t = (const char *)sqlite3_value_text(argv[0]);
  if (!t) {
    sqlite3_result_null(ctx);
    return;
  }
  char out[1024];
  utf8_fold(t, out, sizeof out);
  sqlite3_result_text(ctx, out, -1, SQLITE_TRANSIENT);
}

static void fn_distance(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  for (int i = 0; i < 4; i++)
    if (sqlite3_value_type(argv[i]) == SQLITE_NULL) {
      sqlite3_result_null(ctx);
      return;
    }
  sqlite3_result_double(ctx, geo_distance_km(sqlite3_value_double(argv[0]),
                                             sqlite3_value_double(argv[1]),
                                             sqlite3_value_double(argv[2]),
                                             sqlite3_value_double(argv[3])));
}

int model_attach(store *s, err *e) {
  sqlite3 *db = store_db(s);
  int det = SQLITE_UTF8 | SQLITE_DETERMINISTIC;
  if (sqlite3_create_function(db, "bh_sector", 2, SQLITE_UTF8, s, fn_sector, NULL, NULL) ||
      sqlite3_create_function(db, "bh_fold", 1, det, NULL, fn_fold, NULL, NULL) ||
      sqlite3_create_function(db, "bh_distance", 4, det, NULL, fn_distance, NULL, NULL))
    return store_error(s, e, "registering functions");
  return 0;
}

int event_refresh_sectors(store *s, err *e) {
  return store_exec(s,
                    "UPDATE events SET sector = bh_sector(place_id, admin1) "
                    "WHERE sector IS NOT bh_sector(place_id, admin1)",
                    e);
}
