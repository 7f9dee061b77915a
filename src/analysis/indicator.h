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
  ind_figure *last_fig; /* the figure ind_prov found last */
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

/* The ids behind an indicator's figures (what `records` lists), apart
 * from its JSON: figs[i].name and figs[i].ids[0 .. figs[i].n). */
typedef struct ind_records {
  int n, cap;
  ind_figure *figs;
  arena a; /* the names, and the ids copied in */
} ind_records;

/* indicator_eval: as indicator_run (not pretty), except that out receives
 * the result object without `records`, and *recs (free with
 * ind_records_free; NULL on error) the ids behind the figures. */
int indicator_eval(store *s, const char *name, int nargs, const char *const *args, const char *visibility,
                   buf *out, ind_records **recs, err *e);

/* One indicator to run, as indicator_run takes it. */
typedef struct ind_call {
  const char *name;
  int nargs;
  const char *const *args;
} ind_call;

/* indicator_eval_many: the n calls as n indicator_eval calls would give
 * them (outs[i], recs[i], rcs[i], errs[i] when rcs[i] is not 0), with the
 * same figures and records, but sharing work where it can: counts of one
 * kind over the same period read it once (ind_count_many). */
void indicator_eval_many(store *s, int n, const ind_call *calls, const char *visibility, buf *outs,
                         ind_records **recs, int *rcs, err *errs);

/* ind_count_many: runs the count indicator for the n contexts (parameters
 * read, result object open) that can share a pass: those over one kind
 * whose filters on its main date are the same, two or more of them. Each
 * one it ran has done[i] = 1 and rcs[i] its outcome; the others are left
 * untouched (run them alone, from a fresh context). */
void ind_count_many(ind_ctx **cs, int n, int *done, int *rcs);

/* ind_records_new: empty records, for ids gathered outside an indicator
 * (a chart's). */
ind_records *ind_records_new(void);

/* ind_records_add: appends id to figure's list (made when new): a copy
 * owned by r when copy is 1, else id itself (it must outlive r). */
void ind_records_add(ind_records *r, const char *figure, const char *id, int copy);

/* ind_records_get: the ids of figure into *ids (owned by r); their number,
 * or -1 when r has no such figure. */
long ind_records_get(const ind_records *r, const char *figure, const char *const **ids);

/* ind_records_free: releases r (NULL does nothing). */
void ind_records_free(ind_records *r);

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

/* ind_prov_ref: as ind_prov, keeping id itself (it must outlive the run). */
void ind_prov_ref(ind_ctx *c, const char *figure, const char *id);

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
