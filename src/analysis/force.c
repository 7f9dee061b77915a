/* force.c: the state of the force: the `capability-gaps` indicator
 * (capabilities still missing, pledged or on their way; the records as they
 * stand) and the `deployment` indicator (every unit's deployment status,
 * strength, location and sector as of a day, the units held at advance-team
 * strength, and with group_by=contributor the units present that day by
 * contributor); and the `unit-positions` indicator (where each unit was on a
 * day, with its place's coordinates, for the map). Keys other than their own
 * are FILTERs on capabilities and on units (their values as of the day). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/breakdown.h"
#include "analysis/indicator.h"
#include "analysis/tally.h"
#include "core/date.h"
#include "model/kind.h"
#include "model/kinds/vocab.h"
#include "model/query.h"
#include "model/unit.h"


static const char *const cap_lists[][2] = {
    {"gap", "gaps"}, {"pledged", "pledged"}, {"deploying", "deploying"}, {"deployed", "deployed"}};
#define NCAP_LISTS (int)(sizeof cap_lists / sizeof cap_lists[0])

/* Writes column col of st as a JSON integer, or null when it has no value. */
static void json_int_or_null(jw *w, stmt *st, int col) {
  if (stmt_is_null(st, col)) jw_null(w);
  else jw_int(w, stmt_int(st, col));
}

int ind_capability_gaps(ind_ctx *c) {
  filter_set fs;
  stmt *st = NULL;
  int rc = ind_filters(c, kind_find("capabilities"), &fs);
  if (rc) goto done;
  /* One pass, the rows grouped by list in the order of cap_lists. */
  rc = query_select(c->s, &fs, "capability_id, capability, sector, quantity, source, status",
                    "CASE status WHEN 'gap' THEN 0 WHEN 'pledged' THEN 1 WHEN 'deploying' THEN 2 "
                    "WHEN 'deployed' THEN 3 ELSE 4 END, capability_id",
                    &st, c->e);
  if (rc) goto done;
  for (int i = 0; i < NCAP_LISTS; i++) ind_prov_figure(c, cap_lists[i][1]);
  int list = -1; /* the list open in the JSON, or -1 */
  int step;
  while ((step = stmt_step(st, c->e)) == STMT_ROW) {
    const char *status = stmt_text(st, 5);
    int want = 0;
    while (want < NCAP_LISTS && strcmp(cap_lists[want][0], status ? status : "") != 0) want++;
    if (want == NCAP_LISTS) continue;
    while (list < want) {
      if (list >= 0) jw_arr_end(c->w);
      list++;
      jw_key(c->w, cap_lists[list][1]);
      jw_arr(c->w);
    }
    const char *id = stmt_text(st, 0);
    ind_prov(c, cap_lists[list][1], id);
    jw_obj(c->w);
    jw_kstr(c->w, "capability_id", id);
    jw_kstr(c->w, "capability", stmt_text(st, 1));
    jw_kstr(c->w, "sector", stmt_text(st, 2));
    jw_key(c->w, "quantity");
    json_int_or_null(c->w, st, 3);
    jw_kstr(c->w, "source", stmt_text(st, 4));
    jw_obj_end(c->w);
  }
  if (step < 0) rc = step;
  /* Close the open list and write the empty ones after it. */
  while (list < NCAP_LISTS) {
    if (list >= 0) jw_arr_end(c->w);
    if (++list == NCAP_LISTS) break;
    jw_key(c->w, cap_lists[list][1]);
    jw_arr(c->w);
  }
done:
  stmt_finalize(st);
  filter_free(&fs);
  return rc;
}

typedef struct advance_row {
  char *unit_id, *since;
  long long strength;
  int has_strength;
} advance_row;

#define CONTRIBUTORS_MAX 512
#define PRESENT_STATUSES "advance_team|deploying|deployed|rotating"

/* Counts a unit present on the day into its contributor's line (column 5;
 * "unspecified" for units without one). */
static int count_contributor(ind_ctx *c, breakdown *b, stmt *st, const char *id) {
  const char *code = stmt_text(st, 5);
  int rc = breakdown_add(c, b, code, "units", 1, id);
  if (!rc && !stmt_is_null(st, 3)) rc = breakdown_add(c, b, code, "authorized_strength", stmt_int(st, 3), id);
  if (!rc && !stmt_is_null(st, 2)) rc = breakdown_add(c, b, code, "deployed_strength", stmt_int(st, 2), id);
  return rc;
}

/* Prepares into *st the SELECT of columns (of the view unit_states) for
 * every unit as it stood on day as_of (unit.h) that matches fs, whose
 * FILTERs read those values too; in unit_id order. Returns 0 or ERR_DB. */
static int units_as_of(ind_ctx *c, int as_of, filter_set *fs, const char *columns, stmt **st) {
  buf sql;
  buf_init(&sql, 0);
  buf_printf(&sql,
             "SELECT %s FROM (SELECT * FROM unit_states u WHERE " UNIT_STATE_ON("u", "?") ") AS units "
             "WHERE %s ORDER BY unit_id",
             columns, filter_where(fs));
  int rc = store_prepare(c->s, buf_cstr(&sql), st, c->e);
  buf_free(&sql);
  if (rc) return rc;
  char day[11];
  date_format(as_of, day);
  stmt_bind_text(*st, 1, day);
  stmt_bind_text(*st, 2, day);
  filter_bind_all(fs, *st, 3);
  return 0;
}

int ind_unit_positions(ind_ctx *c) {
  int as_of;
  int rc = ind_date(c, "as_of", date_today(), &as_of);
  if (rc < 0) return rc;
  filter_set fs;
  stmt *st = NULL;
  if ((rc = ind_filters(c, kind_find("units"), &fs))) goto done;
  rc = units_as_of(c, as_of, &fs,
                   "unit_id, name, unit_type, contributor, status, status_since, deployed_strength, location, "
                   "sector, (SELECT latitude FROM places p WHERE p.place_id = units.location), "
                   "(SELECT longitude FROM places p WHERE p.place_id = units.location)",
                   &st);
  if (rc) goto done;
  jw_key(c->w, "as_of");
  ind_date_json(c, as_of);
  ind_prov_figure(c, "units");
  jw_key(c->w, "units");
  jw_arr(c->w);
  static const char *const text_cols[] = {"unit_id", "name", "unit_type", "contributor", "status", "since"};
  int step;
  while ((step = stmt_step(st, c->e)) == STMT_ROW) {
    ind_prov(c, "units", stmt_text(st, 0));
    jw_obj(c->w);
    for (int i = 0; i < 6; i++) jw_kstr(c->w, text_cols[i], stmt_text(st, i));
    jw_key(c->w, "deployed_strength");
    json_int_or_null(c->w, st, 6);
    jw_kstr(c->w, "location", stmt_text(st, 7));
    jw_kstr(c->w, "sector", stmt_text(st, 8));
    for (int i = 0; i < 2; i++) {
      jw_key(c->w, i ? "longitude" : "latitude");
      if (stmt_is_null(st, 9 + i)) jw_null(c->w);
      else jw_real(c->w, stmt_double(st, 9 + i));
    }
    jw_obj_end(c->w);
  }
  jw_arr_end(c->w);
  if (step < 0) rc = step;
done:
  stmt_finalize(st);
  filter_free(&fs);
  return rc;
}

int ind_deployment(ind_ctx *c) {
  filter_set fs;
  stmt *st = NULL;
  advance_row *adv = NULL;
  static const char *const contrib_figures[] = {"units", "authorized_strength", "deployed_strength"};
  breakdown by_contrib;
  long nadv = 0, cap = 0;
  int as_of;
  int rc = ind_date(c, "as_of", date_today(), &as_of);
  if (rc < 0) return rc;
  const char *group_by = ind_get(c, "group_by");
  if (group_by && strcmp(group_by, "contributor"))
    return err_set(c->e, ERR_USAGE, "group_by=%.60s: deployment groups by contributor only", group_by);
  rc = ind_filters(c, kind_find("units"), &fs);
  if (rc) goto done;
  rc = units_as_of(c, as_of, &fs,
                   "unit_id, status, deployed_strength, authorized_strength, status_since, contributor", &st);
  if (rc) goto done;
  if (group_by) breakdown_init(c, &by_contrib, "by_contributor", contrib_figures, 3, CONTRIBUTORS_MAX, "contributors");
  tally by_status;
  tally_init(&by_status, "by_status");
  long long deployed = 0, authorized = 0;
  jw_key(c->w, "as_of");
  ind_date_json(c, as_of);
  ind_prov_figure(c, "units");
  ind_prov_figure(c, "advance_team");
  ind_prov_figure(c, "deployed_strength_total");
  ind_prov_figure(c, "authorized_strength_total");
  jw_key(c->w, "units");
  jw_arr(c->w);
  int step;
  while ((step = stmt_step(st, c->e)) == STMT_ROW) {
    const char *id = stmt_text(st, 0);
    const char *status = stmt_text(st, 1);
    const char *since = stmt_text(st, 4);
    ind_prov(c, "units", id);
    jw_obj(c->w);
    jw_kstr(c->w, "unit_id", id);
    jw_kstr(c->w, "status", status);
    jw_key(c->w, "deployed_strength");
    json_int_or_null(c->w, st, 2);
    jw_key(c->w, "authorized_strength");
    json_int_or_null(c->w, st, 3);
    jw_kstr(c->w, "since", since);
    jw_obj_end(c->w);
    if (!stmt_is_null(st, 2)) {
      deployed += stmt_int(st, 2);
      ind_prov(c, "deployed_strength_total", id);
    }
    if (!stmt_is_null(st, 3)) {
      authorized += stmt_int(st, 3);
      ind_prov(c, "authorized_strength_total", id);
    }
    if ((rc = tally_add(c, &by_status, status, id))) break;
    if (group_by && status && vocab_has(PRESENT_STATUSES, status, strlen(status)) &&
        (rc = count_contributor(c, &by_contrib, st, id)))
      break;
    if (status && !strcmp(status, "advance_team")) {
      if (nadv == cap) {
        cap = cap ? cap * 2 : 16;
        adv = xrealloc(adv, (size_t)cap * sizeof *adv);
      }
      advance_row *a = &adv[nadv++];
      a->unit_id = arena_strdup(c->a, id);
      a->since = arena_strdup(c->a, since);
      a->has_strength = !stmt_is_null(st, 2);
      a->strength = stmt_int(st, 2);
    }
  }
  jw_arr_end(c->w);
  if (!rc && step < 0) rc = step;
  if (rc) goto done;
  jw_key(c->w, "advance_team");
  jw_arr(c->w);
  for (long i = 0; i < nadv; i++) {
    ind_prov(c, "advance_team", adv[i].unit_id);
    jw_obj(c->w);
    jw_kstr(c->w, "unit_id", adv[i].unit_id);
    jw_key(c->w, "deployed_strength");
    if (adv[i].has_strength) jw_int(c->w, adv[i].strength);
    else jw_null(c->w);
    jw_kstr(c->w, "since", adv[i].since);
    jw_obj_end(c->w);
  }
  jw_arr_end(c->w);
  tally_write(c, &by_status, UNIT_STATUSES);
  jw_kint(c->w, "deployed_strength_total", deployed);
  jw_kint(c->w, "authorized_strength_total", authorized);
  if (group_by) breakdown_write(c, &by_contrib);
done:
  free(adv);
  stmt_finalize(st);
  filter_free(&fs);
  return rc;
}
