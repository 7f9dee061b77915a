/* breakdown.c: several counts by name with provenance, for indicators'
 * "by_X" objects whose lines hold more than one figure. */
#include "analysis/breakdown.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void breakdown_init(ind_ctx *c, breakdown *b, const char *figure, const char *const *columns,
                    int ncolumns, int max, const char *what) {
  b->figure = figure;
  b->columns = columns;
  b->ncolumns = ncolumns;
  b->max = max;
  b->what = what;
  b->lines = arena_alloc(c->a, (size_t)max * sizeof *b->lines);
  b->n = 0;
}

int breakdown_add(ind_ctx *c, breakdown *b, const char *name, const char *column, long long amount,
                  const char *id) {
  if (!name || !*name) name = "unspecified";
  int col = 0;
  while (col < b->ncolumns && strcmp(b->columns[col], column)) col++;
  if (col == b->ncolumns) return err_set(c->e, ERR_INTERNAL, "%s has no figure %s", b->figure, column);
  int i = 0;
  while (i < b->n && strcmp(b->lines[i].name, name)) i++;
  if (i == b->n) {
    if (b->n == b->max) return err_set(c->e, ERR_TOO_LARGE, "more than %d %s", b->max, b->what);
    b->lines[b->n++] = (breakdown_line){arena_strdup(c->a, name), {0}};
  }
  b->lines[i].n[col] += amount;
  char fig[256];
  snprintf(fig, sizeof fig, "%s.%s.%s", b->figure, name, column);
  ind_prov(c, fig, id);
  return 0;
}

/* Names ascending, "unspecified" last. */
static int by_name(const void *a, const void *b) {
  const char *x = ((const breakdown_line *)a)->name, *y = ((const breakdown_line *)b)->name;
  int ux = !strcmp(x, "unspecified"), uy = !strcmp(y, "unspecified");
  if (ux != uy) return ux - uy;
  return strcmp(x, y);
}

void breakdown_write(ind_ctx *c, breakdown *b) {
  if (b->n > 1) qsort(b->lines, (size_t)b->n, sizeof b->lines[0], by_name);
  jw_key(c->w, b->figure);
  jw_obj(c->w);
  for (int i = 0; i < b->n; i++) {
    jw_key(c->w, b->lines[i].name);
    jw_obj(c->w);
    for (int col = 0; col < b->ncolumns; col++) jw_kint(c->w, b->columns[col], b->lines[i].n[col]);
    jw_obj_end(c->w);
  }
  jw_obj_end(c->w);
}
