/* sqlfn.c: the SQL functions bluehelm gives every connection:
 * bh_sector(place_id, admin1), bh_fold(text), bh_distance(lat1, lon1, lat2, lon2),
 * bh_excluded(verification, duplicate_of).
 * On PostgreSQL the schema defines the same functions in SQL. */
#include "model/sqlfn.h"

#include <string.h>

#include "core/geo.h"
#include "core/utf8.h"
#include "model/sector.h"

static int fn_sector(void *ud, int argc, const store_value *argv, store_value *out, char *tmp,
                     size_t cap) {
  (void)argc;
  const char *pid = argv[0].type == STORE_NULL ? NULL : argv[0].s;
  const char *a1 = argv[1].type == STORE_NULL ? NULL : argv[1].s;
  int rc = sector_of(ud, pid, a1, tmp, cap);
  if (rc < 0) return rc;
  if (rc > 0) *out = (store_value){.type = STORE_TEXT, .s = tmp};
  return 0;
}

static int fn_fold(void *ud, int argc, const store_value *argv, store_value *out, char *tmp,
                   size_t cap) {
  (void)ud;
  (void)argc;
  if (argv[0].type != STORE_TEXT) return 0;
  utf8_fold(argv[0].s, tmp, cap);
  *out = (store_value){.type = STORE_TEXT, .s = tmp};
  return 0;
}

static int fn_distance(void *ud, int argc, const store_value *argv, store_value *out, char *tmp,
                       size_t cap) {
  (void)ud;
  (void)tmp;
  (void)cap;
  for (int i = 0; i < argc; i++)
    if (argv[i].type == STORE_NULL) return 0;
  *out = (store_value){.type = STORE_REAL,
                       .d = geo_distance_km(argv[0].d, argv[1].d, argv[2].d, argv[3].d)};
  return 0;
}

/* An event's reasons not to count (FORMATS.md §4.1), stored in
 * events._excluded: bit 1 rejected, bit 2 merged into another (the third
 * reason, ACLED's deletion, is the column deleted). */
static int fn_excluded(void *ud, int argc, const store_value *argv, store_value *out, char *tmp,
                       size_t cap) {
  (void)ud;
  (void)argc;
  (void)tmp;
  (void)cap;
  int bits = argv[0].type == STORE_TEXT && !strcmp(argv[0].s, "rejected") ? 1 : 0;
  if (argv[1].type != STORE_NULL) bits |= 2;
  *out = (store_value){.type = STORE_INT, .i = bits};
  return 0;
}

int sqlfn_call(store *s, const char *name, int argc, const store_value *argv, store_value *out, char *tmp,
               size_t cap) {
  *out = (store_value){.type = STORE_NULL};
  if (!strcmp(name, "bh_sector") && argc == 2) return fn_sector(s, argc, argv, out, tmp, cap);
  if (!strcmp(name, "bh_fold") && argc == 1) return fn_fold(NULL, argc, argv, out, tmp, cap);
  if (!strcmp(name, "bh_distance") && argc == 4) return fn_distance(NULL, argc, argv, out, tmp, cap);
  if (!strcmp(name, "bh_excluded") && argc == 2) return fn_excluded(NULL, argc, argv, out, tmp, cap);
  return ERR_INTERNAL;
}

int sqlfn_attach(store *s, err *e) {
  if (store_function(s, "bh_sector", 2, 0, fn_sector, s, e) ||
      store_function(s, "bh_excluded", 2, 1, fn_excluded, NULL, e) ||
      store_function(s, "bh_fold", 1, 1, fn_fold, NULL, e) ||
      store_function(s, "bh_distance", 4, 1, fn_distance, NULL, e))
    return e ? e->code : ERR_DB;
  return 0;
}
