/* weekly.c: the `weekly` indicator: records of a kind per 7-day block of a
 * period (blocks start on `from`), split by the values of one column (by=,
 * default event_type for events), for trend charts. */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "analysis/indicator.h"
#include "core/date.h"
#include "model/query.h"

#define WEEKLY_WEEKS_MAX 520
#define WEEKLY_SERIES_MAX 64

int ind_weekly(ind_ctx *c) {
  const char *of = ind_get(c, "of");
  const kind *k = kind_find(of ? of : "events");
  if (!k || !k->date_field) return err_set(c->e, ERR_USAGE, "of=%.40s: not a kind with a main date", of ? of : "");
  int from, to, rc;
  if ((rc = ind_from_to(c, &from, &to))) return rc;
  if (from == INT_MIN || to == INT_MAX) return err_set(c->e, ERR_USAGE, "weekly needs from= and to=");
  int weeks = (to - from) / 7 + 1;
  if (weeks > WEEKLY_WEEKS_MAX) return err_set(c->e, ERR_USAGE, "at most %d weeks", WEEKLY_WEEKS_MAX);
  const char *by = ind_get(c, "by");
  if (!by && !strcmp(k->name, "events")) by = "event_type";
  const field *bf = by && *by ? kind_field(k, by) : NULL;
  if (by && *by && !bf) return err_set(c->e, ERR_USAGE, "by=%.40s: %s has no such column", by, k->name);
  filter_set fs;
  if ((rc = ind_filters(c, k, &fs)) || (rc = ind_period_filter(c, &fs, k->date_field, from, to))) {
    filter_free(&fs);
    return rc;
  }
  char cols[256];
  snprintf(cols, sizeof cols, "\"%s\", \"%s\", %s%s%s", kind_key_name(k), k->date_field, bf ? "\"" : "",
           bf ? bf->name : "NULL", bf ? "\"" : "");
  stmt *st;
  /* In date order, then id: the series appear, and the ids are listed, in
   * the same order on every backend. */
  char order[160];
  snprintf(order, sizeof order, "\"%s\", \"%s\"", k->date_field, kind_key_name(k));
  rc = query_select(c->s, &fs, cols, order, &st, c->e);
  filter_free(&fs);
  if (rc) return rc;
  static _Thread_local long counts[WEEKLY_SERIES_MAX][WEEKLY_WEEKS_MAX];
  char *names[WEEKLY_SERIES_MAX], *figs[WEEKLY_SERIES_MAX];
  int nseries = 0;
  long total[WEEKLY_WEEKS_MAX];
  memset(total, 0, sizeof total);
  char fig[200];
  int step;
  while ((step = stmt_step(st, c->e)) == STMT_ROW) {
    int day;
    const char *ds = stmt_text(st, 1);
    if (!ds || date_parse_day(ds, &day)) continue;
    int w = (day - from) / 7;
    if (w < 0 || w >= weeks) continue;
    const char *v = stmt_is_null(st, 2) ? "unspecified" : stmt_text(st, 2);
    int s = 0;
    while (s < nseries && strcmp(names[s], v)) s++;
    if (s == nseries) {
      if (nseries == WEEKLY_SERIES_MAX) {
        stmt_finalize(st);
        return err_set(c->e, ERR_TOO_LARGE, "by=%s has more than %d values", by, WEEKLY_SERIES_MAX);
      }
      names[s] = arena_strdup(c->a, v);
      snprintf(fig, sizeof fig, "series.%s", v);
      figs[s] = arena_strdup(c->a, fig);
      memset(counts[s], 0, sizeof counts[s]);
      nseries++;
    }
    counts[s][w]++;
    total[w]++;
    /* One copy of the id for both figures. */
    const char *id = arena_strdup(c->a, stmt_text(st, 0));
    ind_prov_ref(c, figs[s], id);
    ind_prov_ref(c, "total", id);
  }
  stmt_finalize(st);
  if (step < 0) return step;
  char d[11];
  jw_kstr(c->w, "of", k->name);
  jw_key(c->w, "from");
  ind_date_json(c, from);
  jw_key(c->w, "to");
  ind_date_json(c, to);
  jw_kstr(c->w, "by", bf ? bf->name : NULL);
  jw_key(c->w, "weeks");
  jw_arr(c->w);
  for (int w = 0; w < weeks; w++) jw_str(c->w, date_format(from + 7 * w, d));
  jw_arr_end(c->w);
  jw_key(c->w, "series");
  jw_obj(c->w);
  for (int s = 0; s < nseries; s++) {
    jw_key(c->w, names[s]);
    jw_arr(c->w);
    for (int w = 0; w < weeks; w++) jw_int(c->w, counts[s][w]);
    jw_arr_end(c->w);
  }
  jw_obj_end(c->w);
  jw_key(c->w, "total");
  jw_arr(c->w);
  for (int w = 0; w < weeks; w++) jw_int(c->w, total[w]);
  jw_arr_end(c->w);
  ind_prov_figure(c, "total");
  return 0;
}
