/* breakdown.h: several counts by name for the "by_X" objects of indicators
 * whose lines hold more than one figure ({"BGD": {"units": 2,
 * "deployed_strength": 850}}), with the ids behind each figure recorded as
 * the indicator's provenance ("by_contributor.BGD.units"). tally.h is the
 * same with one count a name. */
#ifndef BH_BREAKDOWN_H
#define BH_BREAKDOWN_H

#include "analysis/indicator.h"

#define BREAKDOWN_COLUMNS_MAX 4

typedef struct breakdown_line {
  char *name; /* owned by the indicator's arena */
  long long n[BREAKDOWN_COLUMNS_MAX];
} breakdown_line;

typedef struct breakdown {
  const char *figure;         /* the result's key ("by_contributor"); not owned */
  const char *const *columns; /* each line's figures, in their order; not owned */
  int ncolumns;
  int max;          /* the most names it holds */
  const char *what; /* what the names are ("contributors"), for the error past max */
  breakdown_line *lines; /* max lines, in the indicator's arena */
  int n;
} breakdown;

/* breakdown_init: an empty breakdown written under figure, whose lines hold
 * the ncolumns figures columns (1 to BREAKDOWN_COLUMNS_MAX; figure, columns
 * and what are static), for at most max names. */
void breakdown_init(ind_ctx *c, breakdown *b, const char *figure, const char *const *columns,
                    int ncolumns, int max, const char *what);

/* breakdown_add: adds amount to figure column (one of b's columns) of
 * name's line (NULL or "" is "unspecified"), making the line at the name's
 * first mention, and records id behind figure.name.column. Returns 0, or
 * with c->e filled ERR_TOO_LARGE past max distinct names, ERR_INTERNAL when
 * column is not one of b's. */
int breakdown_add(ind_ctx *c, breakdown *b, const char *name, const char *column, long long amount,
                  const char *id);

/* breakdown_write: writes "figure": {name: {column: n, ...}, ...} into c->w,
 * the names in ascending byte order and "unspecified" last, each line's
 * figures in the order of b's columns. */
void breakdown_write(ind_ctx *c, breakdown *b);

#endif
