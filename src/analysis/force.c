/* force.c: the current state of the force: the `capability-gaps` indicator
 * (capabilities still missing, pledged or on their way) and the `deployment`
 * indicator (every unit's deployment status and strength, and the units held
 * at advance-team strength). Neither takes a date: they read the records as
 * they stand. Keys other than their own are FILTERs on capabilities and on
 * units respectively. */
#include <stdlib.h>
#include <string.h>

#include "analysis/indicator.h"
#include "analysis/tally.h"
#include "model/kind.h"
#include "model/query.h"

#define UNIT_STATUSES "pledged|advance_team|deploying|deployed|rotating|repatriated"

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

int ind_deployment(ind_ctx *c) {
  filter_set fs;
  stmt *st = NULL;
  advance_row *adv = NULL;
  long nadv = 0, cap = 0;
  int rc = ind_filters(c, kind_find("units"), &fs);
  if (rc) goto done;
  rc = query_select(c->s, &fs,
                    "unit_id, status, deployed_strength, authorized_strength, status_since",
                    "unit_id", &st, c->e);
  if (rc) goto done;
  tally by_status;
  tally_init(&by_status, "by_status");
  long long deployed = 0, authorized = 0;
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
done:
  free(adv);
  stmt_finalize(st);
  filter_free(&fs);
  return rc;
}
