/* sqlfn.c: the SQL functions bluehelm registers on every connection:
 * bh_sector(place_id, admin1), bh_fold(text), bh_distance(lat1, lon1, lat2, lon2). */
#include "model/sqlfn.h"

#include "core/geo.h"
#include "core/utf8.h"
#include "model/sector.h"

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

int sqlfn_attach(store *s, err *e) {
  sqlite3 *db = store_db(s);
  int det = SQLITE_UTF8 | SQLITE_DETERMINISTIC;
  if (sqlite3_create_function(db, "bh_sector", 2, SQLITE_UTF8, s, fn_sector, NULL, NULL) ||
      sqlite3_create_function(db, "bh_fold", 1, det, NULL, fn_fold, NULL, NULL) ||
      sqlite3_create_function(db, "bh_distance", 4, det, NULL, fn_distance, NULL, NULL))
    return store_error(s, e, "registering functions");
  return 0;
}

