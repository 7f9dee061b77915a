/* indicator.h: named, parameterised computations over stored records. Each
 * returns one JSON object holding its figures and `records`, the ids behind
 * every figure (FORMATS.md §3). The CLI, the API and the report all run
 * indicators through indicator_run. Indicators are listed once in
 * indicators.def. */
#ifndef BH_INDICATOR_H
#define BH_INDICATOR_H

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/jw.h"
#include "model/filter.h"
#include "store/store.h"

#define IND_PARAMS_MAX 64
#define IND_FIGURES_MAX 4096

typedef struct ind_param {
  const char *key, *value;
  int used;
} ind_param;

/* The ids behind one figure, in the order they were added. */
typedef struct ind_figure {
  char *name;
  char **ids;
  long n, cap;
} ind_figure;

typedef struct ind_ctx {
  store *s;
  arena *a;
  jw *w; /* the result object is open: the indicator writes its figures */
  ind_param params[IND_PARAMS_MAX];
  int nparams;
  const char *visibility; /* SQL condition every kind with a classification
                             must meet (NULL: everything is visible) */
  ind_figure figures[IND_FIGURES_MAX];
  int nfigures;
  err *e;
} ind_ctx;

typedef struct indicator {
  const char *name;
  const char *keys; /* its own keys ("as_of|of"), the rest are filters */
  const char *summary;
  int (*run)(ind_ctx *c);
} indicator;

/* Each indicator's function (one file per indicator or family in analysis/):
 * writes its figures into c->w and their ids with ind_prov; returns 0 or an
 * ERR_* code with c->e filled. */
#define INDICATOR(name, fn, keys, summary) int fn(ind_ctx *c);
#include "analysis/indicators.def"
#undef INDICATOR

/* indicator_all: every indicator; *n receives the count. */
const indicator *indicator_all(int *n);

/* indicator_find: the indicator with that name, or NULL. */
const indicator *indicator_find(const char *name);

/* indicator_run: runs the named indicator with args ("KEY=VALUE" strings)
 * and appends its JSON object (pretty when pretty=1) to out. visibility: see
 * ind_ctx. Returns 0, or ERR_USAGE (unknown indicator, key or value) /
 * ERR_DB with e filled; out is then left unchanged. */
int indicator_run(store *s, const char *name, int nargs, const char *const *args,
                  const char *visibility, int pretty, buf *out, err *e);

/* ind_get: the value of parameter key (marking it used), or NULL. */
const char *ind_get(ind_ctx *c, const char *key);

/* ind_date: parses parameter key as a date into *days; when absent, *days
 * = dflt and 1 is returned... returns 0 when given, 1 when absent, <0 (ERR_USAGE)
 * when malformed. */
int ind_date(ind_ctx *c, const char *key, int dflt, int *days);

/* ind_int: parameter key as an integer in [min, max] (dflt when absent);
 * returns 0 or ERR_USAGE. */
int ind_int(ind_ctx *c, const char *key, long dflt, long min, long max, long *out);

/* ind_real: parameter key as a number >= min (dflt when absent); 0 or ERR_USAGE. */
int ind_real(ind_ctx *c, const char *key, double dflt, double min, double *out);

/* ind_range: a period: "period=D1..D2", or the keys from=/to=; D1 > D2 is
 * ERR_USAGE. Absent ends are unbounded (INT_MIN / INT_MAX). */
int ind_range(ind_ctx *c, const char *key, int *from, int *to);

/* ind_from_to: the period given by from= and to= (absent ends unbounded);
 * from after to is ERR_USAGE. */
int ind_from_to(ind_ctx *c, int *from, int *to);

/* ind_filters: starts fs over kind k with the visibility rule and adds every
 * parameter not yet used and not one of the indicator's keys as a FILTER.
 * Call it after reading the indicator's own keys. Returns 0 or ERR_USAGE. */
int ind_filters(ind_ctx *c, const kind *k, filter_set *fs);

/* ind_period_filter: adds from <= date_col <= to to fs (an unbounded end
 * adds nothing). Returns 0 or ERR_USAGE. */
int ind_period_filter(ind_ctx *c, filter_set *fs, const char *date_col, int from, int to);

/* ind_prov: records that record id is behind figure (a dot-joined name). */
void ind_prov(ind_ctx *c, const char *figure, const char *id);

/* ind_prov_figure: declares figure (so it appears in `records` even empty). */
void ind_prov_figure(ind_ctx *c, const char *figure);

/* ind_round1: rounds to one decimal, halves away from zero. */
double ind_round1(double v);

/* ind_json_1dp: writes v rounded to one decimal ("34.0"). */
void ind_json_1dp(ind_ctx *c, double v);

/* ind_date_json: writes a day number as "YYYY-MM-DD" (or null for
 * INT_MIN/INT_MAX). */
void ind_date_json(ind_ctx *c, int days);

#endif
