/* indicator.c: running indicators: parameters, filters, provenance, JSON. */
#include "analysis/indicator.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/date.h"
#include "core/str.h"
#include "model/kind.h"

static const indicator indicators[] = {
#define INDICATOR(name, fn, keys, summary) {name, keys, summary, fn},
#include "analysis/indicators.def"
#undef INDICATOR
};

const indicator *indicator_all(int *n) {
  *n = (int)(sizeof indicators / sizeof indicators[0]);
  return indicators;
}

const indicator *indicator_find(const char *name) {
  for (size_t i = 0; i < sizeof indicators / sizeof indicators[0]; i++)
    if (!strcmp(indicators[i].name, name)) return &indicators[i];
  return NULL;
}

const char *ind_get(ind_ctx *c, const char *key) {
  for (int i = 0; i < c->nparams; i++)
    if (!strcmp(c->params[i].key, key)) {
      c->params[i].used = 1;
      return c->params[i].value;
    }
  return NULL;
}

int ind_date(ind_ctx *c, const char *key, int dflt, int *days) {
  const char *v = ind_get(c, key);
  if (!v || !*v) {
    *days = dflt;
    return 1;
  }
  if (date_parse_iso(v, days))
    return err_set(c->e, ERR_USAGE, "%s=%.40s is not a date (YYYY-MM-DD)", key, v);
  return 0;
}

int ind_int(ind_ctx *c, const char *key, long dflt, long min, long max, long *out) {
  const char *v = ind_get(c, key);
  int64_t n;
  *out = dflt;
  if (!v) return 0;
  if (str_to_int64(v, &n) || n < min || n > max)
    return err_set(c->e, ERR_USAGE, "%s=%.40s: give a whole number from %ld to %ld", key, v, min, max);
  *out = (long)n;
  return 0;
}

int ind_real(ind_ctx *c, const char *key, double dflt, double min, double *out) {
  const char *v = ind_get(c, key);
  *out = dflt;
  if (!v) return 0;
  if (str_to_double(v, out) || *out < min)
    return err_set(c->e, ERR_USAGE, "%s=%.40s: give a number of at least %g", key, v, min);
  return 0;
}

int ind_range(ind_ctx *c, const char *key, int *from, int *to) {
  const char *v = ind_get(c, key);
  *from = INT_MIN;
  *to = INT_MAX;
  if (!v) return 1;
  const char *dots = strstr(v, "..");
  char a[16], b[16];
  if (!dots || dots - v >= (long)sizeof a || strlen(dots + 2) >= sizeof b)
    return err_set(c->e, ERR_USAGE, "%s=%.60s: write %s=YYYY-MM-DD..YYYY-MM-DD", key, v, key);
  snprintf(a, sizeof a, "%.*s", (int)(dots - v), v);
  snprintf(b, sizeof b, "%s", dots + 2);
  if (date_parse_iso(a, from) || date_parse_iso(b, to))
    return err_set(c->e, ERR_USAGE, "%s=%.60s: both ends must be dates (YYYY-MM-DD)", key, v);
  if (*from > *to)
    return err_set(c->e, ERR_USAGE, "%s=%.60s: the period ends before it starts", key, v);
  return 0;
}

int ind_from_to(ind_ctx *c, int *from, int *to) {
  int rc = ind_date(c, "from", INT_MIN, from);
  if (rc < 0) return rc;
  rc = ind_date(c, "to", INT_MAX, to);
  if (rc < 0) return rc;
  if (*from > *to) return err_set(c->e, ERR_USAGE, "from is after to: the period ends before it starts");
  return 0;
}

int ind_filters(ind_ctx *c, const kind *k, filter_set *fs) {
  filter_init(fs, k);
  if (c->visibility && kind_field(k, "classification")) filter_add_sql(fs, c->visibility);
  for (int i = 0; i < c->nparams; i++) {
    if (c->params[i].used) continue;
    c->params[i].used = 1;
    int rc = c->params[i].value
                 ? filter_add_op(fs, c->s, c->params[i].key, "=", c->params[i].value, c->a, c->e)
                 : filter_add(fs, c->s, c->params[i].key, c->a, c->e);
    if (rc) return rc;
  }
  return 0;
}

int ind_period_filter(ind_ctx *c, filter_set *fs, const char *date_col, int from, int to) {
  char d[11];
  int rc = 0;
  if (from != INT_MIN) rc = filter_add_op(fs, c->s, date_col, ">=", date_format(from, d), c->a, c->e);
  if (!rc && to != INT_MAX) rc = filter_add_op(fs, c->s, date_col, "<=", date_format(to, d), c->a, c->e);
  return rc;
}

static ind_figure *figure(ind_ctx *c, const char *name) {
  for (int i = 0; i < c->nfigures; i++)
    if (!strcmp(c->figures[i].name, name)) return &c->figures[i];
  if (c->nfigures == IND_FIGURES_MAX) return NULL;
  ind_figure *f = &c->figures[c->nfigures++];
  memset(f, 0, sizeof *f);
  f->name = arena_strdup(c->a, name);
  return f;
}

void ind_prov_figure(ind_ctx *c, const char *name) { figure(c, name); }

void ind_prov(ind_ctx *c, const char *name, const char *id) {
  ind_figure *f = figure(c, name);
  if (!f || !id) return;
  if (f->n == f->cap) {
    f->cap = f->cap ? f->cap * 2 : 16;
    f->ids = xrealloc(f->ids, (size_t)f->cap * sizeof *f->ids);
  }
  f->ids[f->n++] = arena_strdup(c->a, id);
}

double ind_round1(double v) {
  double scaled = v * 10.0;
  /* Nudge past representation error so 0.25 -> 0.3 and -0.25 -> -0.3. */
  scaled += scaled >= 0 ? 1e-9 : -1e-9;
  return round(scaled) / 10.0;
}

void ind_json_1dp(ind_ctx *c, double v) {
  char tmp[48];
  snprintf(tmp, sizeof tmp, "%.1f", ind_round1(v));
  jw_raw(c->w, tmp);
}

void ind_date_json(ind_ctx *c, int days) {
  if (days == INT_MIN || days == INT_MAX) {
    jw_null(c->w);
    return;
  }
  char tmp[11];
  jw_str(c->w, date_format(days, tmp));
}

int indicator_run(store *s, const char *name, int nargs, const char *const *args,
                  const char *visibility, int pretty, buf *out, err *e) {
  const indicator *ind = indicator_find(name);
  if (!ind) return err_set(e, ERR_USAGE, "unknown indicator '%.60s' (see `bluehelm help indicator`)", name);
  arena a;
  arena_init(&a);
  ind_ctx *c = xcalloc(1, sizeof *c);
  c->s = s;
  c->a = &a;
  c->e = e;
  c->visibility = visibility;
  int rc = 0;
  if (nargs > IND_PARAMS_MAX) rc = err_set(e, ERR_USAGE, "too many parameters (at most %d)", IND_PARAMS_MAX);
  for (int i = 0; i < nargs && !rc; i++) {
    const char *eq = strchr(args[i], '=');
    /* Comparison filters (a>=b) pass through as written. */
    const char *op = strpbrk(args[i], "<>!");
    if (!eq || (op && op < eq)) {
      if (!eq && !op) rc = err_set(e, ERR_USAGE, "'%.60s' is not KEY=VALUE", args[i]);
      c->params[c->nparams].key = args[i];
      c->params[c->nparams].value = NULL;
      c->nparams++;
      continue;
    }
    const char *key = arena_strndup(&a, args[i], (size_t)(eq - args[i]));
    if (vocab_has(ind->keys, key, strlen(key)))
      for (int j = 0; j < c->nparams; j++)
        if (c->params[j].value && !strcmp(c->params[j].key, key))
          rc = err_set(e, ERR_USAGE, "%s is given twice", key);
    c->params[c->nparams].key = key;
    c->params[c->nparams].value = eq + 1;
    c->nparams++;
  }
  buf result;
  buf_init(&result, 0);
  jw w;
  jw_init(&w, &result, pretty);
  c->w = &w;
  if (!rc) {
    jw_obj(&w);
    rc = ind->run(c);
  }
  if (!rc) {
    /* Filters given as comparisons (event_date>=...) are applied by the
     * indicator through ind_filters; anything left unused is an error. */
    for (int i = 0; i < c->nparams && !rc; i++)
      if (!c->params[i].used)
        rc = err_set(e, ERR_USAGE, "%s does not take '%s'", name, c->params[i].key);
  }
  if (!rc) {
    jw_key(&w, "records");
    jw_obj(&w);
    for (int i = 0; i < c->nfigures; i++) {
      jw_key(&w, c->figures[i].name);
      jw_arr(&w);
      for (long j = 0; j < c->figures[i].n; j++) jw_str(&w, c->figures[i].ids[j]);
      jw_arr_end(&w);
    }
    jw_obj_end(&w);
    jw_obj_end(&w);
    if (result.overflow) rc = err_set(e, ERR_TOO_LARGE, "the result of %s is too large", name);
    else buf_append(out, result.data, result.len);
  }
  for (int i = 0; i < c->nfigures; i++) free(c->figures[i].ids);
  free(c);
  buf_free(&result);
  arena_free(&a);
  return rc;
}
