/* ied.c: the `ied` indicator: IED events (weapon ied or vbied, given or
 * defaulted from ACLED's sub-event type) of a period, those against the
 * mission, how those ended (neutralized or detonated), and the casualties of
 * all of them by category, with the fatalities no category accounts for
 * (FORMATS.md §4.1). Like every indicator, it counts only the events that
 * count (not rejected, merged or deleted: filter.h). */
#include <stdio.h>
#include <string.h>

#include "analysis/indicator.h"
#include "core/date.h"
#include "model/query.h"

static const char *const casualty_fields[] = {
    "civilians_killed",  "civilians_injured", "peacekeepers_killed",
    "peacekeepers_injured", "forces_killed", "forces_injured"};
#define NCAS (int)(sizeof casualty_fields / sizeof casualty_fields[0])

int ind_ied(ind_ctx *c) {
  int from, to, rc;
  if ((rc = ind_from_to(c, &from, &to))) return rc;
  filter_set fs;
  if ((rc = ind_filters(c, kind_find("events"), &fs))) goto done;
  if ((rc = ind_period_filter(c, &fs, "event_date", from, to))) goto done;
  filter_add_sql(&fs, "\"weapon\" IN ('ied', 'vbied')");
  /* Implied by the weapon (an IED is an explosive incident): lets the
   * database read the explosive incidents' index only. */
  filter_add_sql(&fs, "\"explosive\" = 1");
  stmt *st;
  rc = query_select(c->s, &fs,
                    "event_id_cnty, target, ied_outcome, civilians_killed, civilians_injured, "
                    "peacekeepers_killed, peacekeepers_injured, forces_killed, forces_injured, "
                    "fatalities, _civilian_target",
                    "event_id_cnty", &st, c->e);
  if (rc) goto done;
  long used = 0, against = 0, neutralized = 0, detonated = 0;
  long long cas[NCAS] = {0}, unattributed = 0;
  ind_prov_figure(c, "used");
  ind_prov_figure(c, "against_mission");
  ind_prov_figure(c, "neutralized");
  ind_prov_figure(c, "detonated");
  char fig[64];
  for (int i = 0; i < NCAS; i++) {
    snprintf(fig, sizeof fig, "casualties.%s", casualty_fields[i]);
    ind_prov_figure(c, fig);
  }
  ind_prov_figure(c, "casualties.fatalities_unattributed");
  int step;
  while ((step = stmt_step(st, c->e)) == STMT_ROW) {
    const char *id = stmt_text(st, 0);
    const char *target = stmt_text(st, 1);
    const char *outcome = stmt_text(st, 2);
    used++;
    ind_prov(c, "used", id);
    if (target && !strcmp(target, "mission")) {
      against++;
      ind_prov(c, "against_mission", id);
      if (outcome && !strcmp(outcome, "neutralized")) {
        neutralized++;
        ind_prov(c, "neutralized", id);
      } else if (outcome && !strcmp(outcome, "detonated")) {
        detonated++;
        ind_prov(c, "detonated", id);
      }
    }
    int any = 0;
    for (int i = 0; i < NCAS; i++) {
      any |= !stmt_is_null(st, 3 + i);
      long long v = stmt_int(st, 3 + i);
      if (v <= 0) continue;
      cas[i] += v;
      snprintf(fig, sizeof fig, "casualties.%s", casualty_fields[i]);
      ind_prov(c, fig, id);
    }
    /* Deaths no casualty column accounts for (an event that targets
     * civilians has its fatalities as civilians_killed by default). */
    long long fat = stmt_int(st, 3 + NCAS);
    if (!any && !stmt_int(st, 4 + NCAS) && fat > 0) {
      unattributed += fat;
      ind_prov(c, "casualties.fatalities_unattributed", id);
    }
  }
  stmt_finalize(st);
  if (step < 0) {
    rc = step;
    goto done;
  }
  jw_key(c->w, "from");
  ind_date_json(c, from);
  jw_key(c->w, "to");
  ind_date_json(c, to);
  jw_kint(c->w, "used", used);
  jw_kint(c->w, "against_mission", against);
  jw_kint(c->w, "neutralized", neutralized);
  jw_kint(c->w, "detonated", detonated);
  jw_key(c->w, "casualties");
  jw_obj(c->w);
  for (int i = 0; i < NCAS; i++) {
    jw_key(c->w, casualty_fields[i]);
    jw_int(c->w, cas[i]);
  }
  jw_kint(c->w, "fatalities_unattributed", unattributed);
  jw_obj_end(c->w);
done:
  filter_free(&fs);
  return rc;
}
