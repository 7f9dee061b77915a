/* count.c: the `count` indicator: how many records of a kind match the
 * filters (the figure behind a dashboard tile or a report sentence), with
 * their ids. */
#include <stdio.h>

#include "analysis/indicator.h"
#include "model/query.h"

int ind_count(ind_ctx *c) {
  const char *of = ind_get(c, "of");
  const kind *k = kind_find(of ? of : "events");
  if (!k) return err_set(c->e, ERR_USAGE, "of=%.40s is not a record kind", of);
  filter_set fs;
  int rc = ind_filters(c, k, &fs);
  stmt *st = NULL;
  char cols[160];
  if (!rc) {
    snprintf(cols, sizeof cols, "\"%s\"", kind_key_name(k));
    rc = query_select(c->s, &fs, cols, cols, &st, c->e);
  }
  long n = 0;
  ind_prov_figure(c, "count");
  int step = STMT_DONE;
  while (!rc && (step = stmt_step(st, c->e)) == STMT_ROW) {
    ind_prov(c, "count", stmt_text(st, 0));
    n++;
  }
  if (!rc && step < 0) rc = step;
  if (st) stmt_finalize(st);
  filter_free(&fs);
  if (rc) return rc;
  jw_kstr(c->w, "of", k->name);
  jw_kint(c->w, "count", n);
  return 0;
}
