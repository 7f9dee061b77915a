/* casevac.c: the `casevac` indicator: casualty evacuations against the
 * UN's 10-1-2 standard (FORMATS.md §4.3). Of the evacuations whose injured_at
 * falls in from..to (and match the FILTERs):
 *   evacuations, patients (the sum of casualties);
 *   within_1h: resuscitation_at at most 60 minutes after injured_at, and
 *     within_1h_pct over the evacuations that have a resuscitation_at;
 *   within_2h: surgery_at at most 120 minutes after injured_at, and
 *     within_2h_pct over those that have a surgery_at (an evacuation without
 *     the time is in neither count nor denominator);
 *   median_request_to_airborne_min: the median of airborne_at - requested_at
 *     over the evacuations with both, in whole minutes, the lower middle of an
 *     even count (null when none);
 *   by_sector: evacuations, within_1h, within_2h by sector: the place's
 *     sector, else the sector of the unit as it stood on the day of injured_at
 *     (unit.h), else "unspecified".
 * Times are the mission's local time, so minutes between two datetimes are
 * plain differences (no daylight-saving shifts in the mission area). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/breakdown.h"
#include "analysis/indicator.h"
#include "core/date.h"
#include "model/kind.h"
#include "model/query.h"
#include "model/sector.h"
#include "model/unit.h"

#define CASEVAC_SECTORS_MAX 256

/* Minutes since 1970-01-01T00:00 of column col, or LONG_MIN without a
 * (valid) datetime. */
static long minutes_of(stmt *st, int col) {
  const char *t = stmt_text(st, col);
  int d, m;
  if (!t || date_parse_datetime(t, &d, &m)) return LONG_MIN;
  return (long)d * 1440 + m;
}

static int cmp_long(const void *a, const void *b) {
  long x = *(const long *)a, y = *(const long *)b;
  return (x > y) - (x < y);
}

/* The evacuation's sector (see the header) into out; "unspecified" when none. */
static int casevac_sector(ind_ctx *c, stmt *st, char *out, size_t cap) {
  const char *place = stmt_text(st, 7);
  const char *unit = stmt_text(st, 8);
  const char *injured = stmt_text(st, 2);
  int rc = 0, day;
  if (place) rc = sector_of(c->s, place, NULL, out, cap);
  if (!rc && unit && injured && !date_parse_day(injured, &day)) rc = unit_sector_at(c->s, unit, day, out, cap);
  if (rc < 0) return err_set(c->e, rc, "could not find the sector of an evacuation");
  if (!rc || !out[0]) snprintf(out, cap, "unspecified");
  return 0;
}

static void write_pct(ind_ctx *c, const char *key, long n, long denom) {
  jw_key(c->w, key);
  if (denom) ind_json_1dp(c, 100.0 * (double)n / (double)denom);
  else jw_null(c->w);
}

int ind_casevac(ind_ctx *c) {
  int from, to, rc;
  if ((rc = ind_from_to(c, &from, &to))) return rc;
  filter_set fs;
  stmt *st = NULL;
  long *delays = NULL;
  long ndelays = 0, capdelays = 0;
  static const char *const sector_figures[] = {"evacuations", "within_1h", "within_2h"};
  breakdown by_sector;
  breakdown_init(c, &by_sector, "by_sector", sector_figures, 3, CASEVAC_SECTORS_MAX, "sectors");
  if ((rc = ind_filters(c, kind_find("casevac"), &fs))) goto done;
  if ((rc = ind_period_filter(c, &fs, "injured_at", from, to))) goto done;
  rc = query_select(c->s, &fs,
                    "casevac_id, casualties, injured_at, requested_at, airborne_at, resuscitation_at, "
                    "surgery_at, place, unit_id",
                    "injured_at, casevac_id", &st, c->e);
  if (rc) goto done;
  static const char *const figures[] = {"evacuations", "patients", "within_1h", "within_1h_pct",
                                        "within_2h", "within_2h_pct", "median_request_to_airborne_min"};
  for (size_t i = 0; i < sizeof figures / sizeof figures[0]; i++) ind_prov_figure(c, figures[i]);
  long evacuations = 0, with_resus = 0, within_1h = 0, with_surgery = 0, within_2h = 0;
  long long patients = 0;
  char sector[128];
  int step = STMT_DONE;
  while (!rc && (step = stmt_step(st, c->e)) == STMT_ROW) {
    const char *id = stmt_text(st, 0);
    long injured = minutes_of(st, 2), requested = minutes_of(st, 3), airborne = minutes_of(st, 4);
    long resus = minutes_of(st, 5), surgery = minutes_of(st, 6);
    evacuations++;
    ind_prov(c, "evacuations", id);
    if (!stmt_is_null(st, 1)) {
      patients += stmt_int(st, 1);
      ind_prov(c, "patients", id);
    }
    int in1 = 0, in2 = 0;
    if (resus != LONG_MIN && injured != LONG_MIN) {
      with_resus++;
      ind_prov(c, "within_1h_pct", id);
      if (resus - injured <= 60) {
        in1 = 1;
        within_1h++;
        ind_prov(c, "within_1h", id);
      }
    }
    if (surgery != LONG_MIN && injured != LONG_MIN) {
      with_surgery++;
      ind_prov(c, "within_2h_pct", id);
      if (surgery - injured <= 120) {
        in2 = 1;
        within_2h++;
        ind_prov(c, "within_2h", id);
      }
    }
    if (requested != LONG_MIN && airborne != LONG_MIN) {
      if (ndelays == capdelays) {
        capdelays = capdelays ? capdelays * 2 : 64;
        delays = xrealloc(delays, (size_t)capdelays * sizeof *delays);
      }
      delays[ndelays++] = airborne - requested;
      ind_prov(c, "median_request_to_airborne_min", id);
    }
    if ((rc = casevac_sector(c, st, sector, sizeof sector)) ||
        (rc = breakdown_add(c, &by_sector, sector, "evacuations", 1, id)) ||
        (in1 && (rc = breakdown_add(c, &by_sector, sector, "within_1h", 1, id))) ||
        (in2 && (rc = breakdown_add(c, &by_sector, sector, "within_2h", 1, id))))
      break;
  }
  if (!rc && step < 0) rc = step;
  if (rc) goto done;
  jw_kint(c->w, "evacuations", evacuations);
  jw_kint(c->w, "patients", patients);
  jw_kint(c->w, "within_1h", within_1h);
  write_pct(c, "within_1h_pct", within_1h, with_resus);
  jw_kint(c->w, "within_2h", within_2h);
  write_pct(c, "within_2h_pct", within_2h, with_surgery);
  jw_key(c->w, "median_request_to_airborne_min");
  if (ndelays) {
    qsort(delays, (size_t)ndelays, sizeof *delays, cmp_long);
    jw_int(c->w, delays[(ndelays - 1) / 2]); /* the lower middle of an even count */
  } else {
    jw_null(c->w);
  }
  breakdown_write(c, &by_sector);
done:
  stmt_finalize(st);
  free(delays);
  filter_free(&fs);
  return rc;
}
