/* convoy.c: the `convoy-compliance` indicator (FORMATS.md §3): convoys seen
 * in a period, those that had to be notified (more than 5 vehicles or heavy
 * weapons), those that were (their notification_id names a notification
 * dated on or before the sighting), and the notifications received per month.
 *
 * FILTERs apply to each of the two kinds that has the column: movement=,
 * vehicles>=, heavy_weapons= and date filters to both, place=, source= and
 * near= to sightings only, origin= and destination= to notifications only. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/indicator.h"
#include "core/date.h"
#include "model/query.h"

#define CONVOY_MONTHS_MAX 240 /* 20 years: each month is a figure of `records` */

typedef struct month_count {
  int ym; /* year * 12 + month - 1 */
  long n;
} month_count;

/* Applies the FILTERs left to sightings and notifications (see above). */
static int convoy_filters(ind_ctx *c, filter_set *sfs, filter_set *nfs) {
  const kind *ks = sfs->k, *kn = nfs->k;
  for (int i = 0; i < c->nparams; i++) {
    ind_param *p = &c->params[i];
    if (p->used) continue;
    p->used = 1;
    char *column = NULL, *value = NULL;
    const char *op = "=";
    int rc;
    if (p->value) {
      column = (char *)p->key;
      value = (char *)p->value;
    } else if ((rc = filter_split(p->key, &column, &op, &value, c->a, c->e))) {
      return rc;
    }
    int near = !strcmp(column, "near");
    int in_s = near || kind_field(ks, column) != NULL;
    int in_n = !near && kind_field(kn, column) != NULL;
    if (!in_s && !in_n)
      return err_set(c->e, ERR_USAGE, "unknown column '%.60s' for convoy_sightings or convoy_notifications",
                     column);
    if (in_s && (rc = filter_add_op(sfs, c->s, column, op, value, c->a, c->e))) return rc;
    if (in_n && (rc = filter_add_op(nfs, c->s, column, op, value, c->a, c->e))) return rc;
  }
  return 0;
}

static void month_name(int ym, char *out, size_t cap) {
  snprintf(out, cap, "%04d-%02d", ym / 12, ym % 12 + 1);
}

/* ind_convoy_compliance: the `convoy-compliance` indicator; 0 or ERR_USAGE/ERR_DB. */
int ind_convoy_compliance(ind_ctx *c) {
  int from, to, rc;
  if ((rc = ind_from_to(c, &from, &to))) return rc;
  filter_set sfs, nfs;
  filter_init(&sfs, kind_find("convoy_sightings"));
  filter_init(&nfs, kind_find("convoy_notifications"));
  month_count *months = NULL;
  long nmonths = 0, cap = 0;
  if ((rc = convoy_filters(c, &sfs, &nfs))) goto done;
  if ((rc = ind_period_filter(c, &sfs, "date", from, to))) goto done;
  if ((rc = ind_period_filter(c, &nfs, "date", from, to))) goto done;

  /* Sightings, each with the date of the notification it names. */
  stmt *st;
  rc = query_select(c->s, &sfs,
                    "\"sighting_id\", \"date\", \"vehicles\", \"heavy_weapons\", "
                    "(SELECT n.\"date\" FROM convoy_notifications n "
                    "WHERE n.\"notification_id\" = convoy_sightings.\"notification_id\") AS notified_on",
                    "\"date\", \"sighting_id\"", &st, c->e);
  if (rc) goto done;
  ind_prov_figure(c, "sightings");
  ind_prov_figure(c, "requiring_notification");
  ind_prov_figure(c, "notified");
  ind_prov_figure(c, "compliance_pct");
  long sightings = 0, requiring = 0, notified = 0;
  int step;
  while ((step = stmt_step(st, c->e)) == STMT_ROW) {
    const char *id = stmt_text(st, 0);
    const char *date = stmt_text(st, 1);
    long long vehicles = stmt_int(st, 2);
    int heavy = !stmt_is_null(st, 3) && (int)stmt_int(st, 3) == 1;
    const char *ndate = stmt_text(st, 4);
    sightings++;
    ind_prov(c, "sightings", id);
    if (!(vehicles > 5 || heavy)) continue;
    requiring++;
    ind_prov(c, "requiring_notification", id);
    ind_prov(c, "compliance_pct", id);
    /* ISO dates compare as text */
    if (ndate && date && strcmp(ndate, date) <= 0) {
      notified++;
      ind_prov(c, "notified", id);
    }
  }
  if (step < 0) rc = step;
  stmt_finalize(st);
  if (rc) goto done;

  /* Every month of a bounded period is listed, with 0 where none. */
  if (from != INT_MIN && to != INT_MAX) {
    int y1, m1, d1, y2, m2, d2;
    date_to_ymd(from, &y1, &m1, &d1);
    date_to_ymd(to, &y2, &m2, &d2);
    long span = (long)(y2 * 12 + m2 - 1) - (y1 * 12 + m1 - 1) + 1;
    if (span > CONVOY_MONTHS_MAX) {
      rc = err_set(c->e, ERR_USAGE, "from..to spans more than %d months", CONVOY_MONTHS_MAX);
      goto done;
    }
    cap = span;
    months = xcalloc((size_t)cap, sizeof *months);
    for (long i = 0; i < span; i++) months[nmonths++].ym = y1 * 12 + m1 - 1 + (int)i;
  }
  rc = query_select(c->s, &nfs, "\"notification_id\", \"date\"", "\"date\", \"notification_id\"", &st,
                    c->e);
  if (rc) goto done;
  long notifications = 0, cur = 0;
  char fig[64], mname[16];
  ind_prov_figure(c, "notifications");
  for (long i = 0; i < nmonths; i++) {
    month_name(months[i].ym, mname, sizeof mname);
    snprintf(fig, sizeof fig, "notifications_by_month.%s", mname);
    ind_prov_figure(c, fig);
  }
  while ((step = stmt_step(st, c->e)) == STMT_ROW) {
    const char *id = stmt_text(st, 0);
    const char *date = stmt_text(st, 1);
    int d, y, m, dd;
    if (!date || date_parse_iso(date, &d)) continue;
    date_to_ymd(d, &y, &m, &dd);
    int ym = y * 12 + m - 1;
    /* rows come in date order: find or append the month */
    while (cur < nmonths && months[cur].ym < ym) cur++;
    if (cur == nmonths || months[cur].ym != ym) {
      if (nmonths == CONVOY_MONTHS_MAX) {
        rc = err_set(c->e, ERR_USAGE, "notifications span more than %d months: give from= and to=",
                     CONVOY_MONTHS_MAX);
        break;
      }
      if (nmonths == cap) {
        cap = cap ? cap * 2 : 16;
        months = xrealloc(months, (size_t)cap * sizeof *months);
      }
      cur = nmonths;
      months[nmonths++] = (month_count){ym, 0};
    }
    months[cur].n++;
    notifications++;
    ind_prov(c, "notifications", id);
    month_name(ym, mname, sizeof mname);
    snprintf(fig, sizeof fig, "notifications_by_month.%s", mname);
    ind_prov(c, fig, id);
  }
  if (!rc && step < 0) rc = step;
  stmt_finalize(st);
  if (rc) goto done;

  jw_key(c->w, "from");
  ind_date_json(c, from);
  jw_key(c->w, "to");
  ind_date_json(c, to);
  jw_kint(c->w, "sightings", sightings);
  jw_kint(c->w, "requiring_notification", requiring);
  jw_kint(c->w, "notified", notified);
  jw_key(c->w, "compliance_pct");
  if (requiring) ind_json_1dp(c, (double)notified / (double)requiring * 100.0);
  else jw_null(c->w);
  jw_kint(c->w, "notifications", notifications);
  jw_key(c->w, "notifications_by_month");
  jw_obj(c->w);
  for (long i = 0; i < nmonths; i++) {
    month_name(months[i].ym, mname, sizeof mname);
    jw_key(c->w, mname);
    jw_int(c->w, months[i].n);
  }
  jw_obj_end(c->w);
done:
  free(months);
  filter_free(&sfs);
  filter_free(&nfs);
  return rc;
}
