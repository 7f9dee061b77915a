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

static ind_figure *find_figure(ind_ctx *c, const char *name);

static ind_figure *figure(ind_ctx *c, const char *name) {
  /* The same figure as the last call (a loop adding ids): one comparison
   * rather than a search. The figures never move (a fixed array) until
   * ctx_finish takes them. */
  if (c->last_fig && !strcmp(c->last_fig->name, name)) return c->last_fig;
  ind_figure *f = find_figure(c, name);
  c->last_fig = f;
  return f;
}

static ind_figure *find_figure(ind_ctx *c, const char *name) {
  for (int i = 0; i < c->nfigures; i++)
    if (!strcmp(c->figures[i].name, name)) return &c->figures[i];
  if (c->nfigures == IND_FIGURES_MAX) return NULL;
  ind_figure *f = &c->figures[c->nfigures++];
  memset(f, 0, sizeof *f);
  f->name = arena_strdup(c->a, name);
  return f;
}

void ind_prov_figure(ind_ctx *c, const char *name) { figure(c, name); }

void ind_prov_ref(ind_ctx *c, const char *name, const char *id) {
  ind_figure *f = figure(c, name);
  if (!f || !id) return;
  if (f->n == f->cap) {
    f->cap = f->cap ? f->cap * 2 : 16;
    f->ids = xrealloc(f->ids, (size_t)f->cap * sizeof *f->ids);
  }
  f->ids[f->n++] = (char *)id;
}

void ind_prov(ind_ctx *c, const char *name, const char *id) {
  if (id) ind_prov_ref(c, name, arena_strdup(c->a, id));
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

/* A context for one run of ind: its parameters parsed from args (rc says
 * whether they were well formed; e is filled when not), its own arena, and
 * the result object opened in *result. Free with ctx_free. */
static ind_ctx *ctx_new(store *s, const indicator *ind, int nargs, const char *const *args,
                        const char *visibility, int pretty, buf *result, jw *w, int *rc, err *e) {
  ind_ctx *c = xcalloc(1, sizeof *c);
  c->a = xcalloc(1, sizeof *c->a);
  arena_init(c->a);
  c->s = s;
  c->e = e;
  c->visibility = visibility;
  *rc = 0;
  if (nargs > IND_PARAMS_MAX) *rc = err_set(e, ERR_USAGE, "too many parameters (at most %d)", IND_PARAMS_MAX);
  for (int i = 0; i < nargs && !*rc; i++) {
    const char *eq = strchr(args[i], '=');
    /* Comparison filters (a>=b) pass through as written. */
    const char *op = strpbrk(args[i], "<>!");
    if (!eq || (op && op < eq)) {
      if (!eq && !op) *rc = err_set(e, ERR_USAGE, "'%.60s' is not KEY=VALUE", args[i]);
      c->params[c->nparams].key = args[i];
      c->params[c->nparams].value = NULL;
      c->nparams++;
      continue;
    }
    const char *key = arena_strndup(c->a, args[i], (size_t)(eq - args[i]));
    if (vocab_has(ind->keys, key, strlen(key)))
      for (int j = 0; j < c->nparams; j++)
        if (c->params[j].value && !strcmp(c->params[j].key, key))
          *rc = err_set(e, ERR_USAGE, "%s is given twice", key);
    c->params[c->nparams].key = key;
    c->params[c->nparams].value = eq + 1;
    c->nparams++;
  }
  buf_init(result, 0);
  jw_init(w, result, pretty);
  c->w = w;
  if (!*rc) jw_obj(w);
  return c;
}

static void ctx_free(ind_ctx *c) {
  for (int i = 0; i < c->nfigures; i++) free(c->figures[i].ids);
  arena_free(c->a);
  free(c->a);
  free(c);
}

/* After ind ran (rc): parameters it did not take are an error; then the
 * object is closed, with the ids behind each figure as `records` unless
 * recs takes them (the context gives them up), and appended to out. */
static int ctx_finish(ind_ctx *c, const indicator *ind, int rc, buf *result, buf *out, ind_records **recs) {
  jw *w = c->w;
  if (!rc) {
    /* Filters given as comparisons (event_date>=...) are applied by the
     * indicator through ind_filters; anything left unused is an error. */
    for (int i = 0; i < c->nparams && !rc; i++)
      if (!c->params[i].used)
        rc = err_set(c->e, ERR_USAGE, "%s does not take '%s'", ind->name, c->params[i].key);
  }
  if (!rc) {
    if (!recs) {
      jw_key(w, "records");
      jw_obj(w);
      for (int i = 0; i < c->nfigures; i++) {
        jw_key(w, c->figures[i].name);
        jw_arr(w);
        for (long j = 0; j < c->figures[i].n; j++) jw_str(w, c->figures[i].ids[j]);
        jw_arr_end(w);
      }
      jw_obj_end(w);
    }
    jw_obj_end(w);
    if (result->overflow) rc = err_set(c->e, ERR_TOO_LARGE, "the result of %s is too large", ind->name);
    else buf_append(out, result->data, result->len);
  }
  if (!rc && recs) {
    ind_records *r = xcalloc(1, sizeof *r);
    r->a = *c->a; /* the ids and names live there */
    arena_init(c->a);
    r->n = c->nfigures;
    r->cap = r->n ? r->n : 1;
    r->figs = xcalloc((size_t)r->cap, sizeof *r->figs);
    memcpy(r->figs, c->figures, (size_t)r->n * sizeof *r->figs);
    c->nfigures = 0;
    c->last_fig = NULL;
    *recs = r;
  }
  buf_free(result);
  return rc;
}

/* A part of a result cache key, its length first (no part can pass for
 * two). */
static void key_part(buf *key, const char *part) {
  buf_printf(key, "%zu:%s;", part ? strlen(part) : 0, part ? part : "");
}

/* The result cache's key of a run (store_result_get): what it depends on
 * besides the database. form tells indicator_run's JSON (pretty or not)
 * from indicator_eval's figures and records. */
static void run_key(buf *key, const char *form, const char *name, int nargs, const char *const *args,
                    const char *visibility) {
  buf_init(key, 1 << 16);
  buf_printf(key, "indicator;%s;%d;%d;", form, visibility != NULL, date_today());
  key_part(key, name);
  key_part(key, visibility);
  for (int i = 0; i < nargs; i++) key_part(key, args[i]);
}

/* indicator_eval's result as one text for the cache: the figures' JSON, a
 * NUL, then each figure's name, number of ids and ids, NUL-terminated. */
static void eval_pack(buf *out, const char *json, size_t len, const ind_records *r) {
  buf_append(out, json, len);
  buf_putc(out, 0);
  for (int i = 0; r && i < r->n; i++) {
    buf_append(out, r->figs[i].name, strlen(r->figs[i].name) + 1);
    buf_printf(out, "%ld", r->figs[i].n);
    buf_putc(out, 0);
    for (long j = 0; j < r->figs[i].n; j++) buf_append(out, r->figs[i].ids[j], strlen(r->figs[i].ids[j]) + 1);
  }
}

/* The other way: the figures' JSON appended to out, the records made. */
static ind_records *eval_unpack(const char *p, size_t len, buf *out) {
  const char *end = p + len;
  size_t jl = strnlen(p, len);
  buf_append(out, p, jl);
  ind_records *r = ind_records_new();
  char *copy = arena_alloc(&r->a, len - jl + 1);
  memcpy(copy, p + jl, len - jl);
  const char *q = copy + 1, *qend = copy + (end - (p + jl));
  while (q < qend) {
    const char *name = q;
    q += strlen(q) + 1;
    long n = strtol(q, NULL, 10);
    q += strlen(q) + 1;
    ind_records_add(r, name, NULL, 0);
    for (long j = 0; j < n && q < qend; j++) {
      ind_records_add(r, name, q, 0);
      q += strlen(q) + 1;
    }
  }
  return r;
}

static int run_one(store *s, const char *name, int nargs, const char *const *args, const char *visibility,
                   int pretty, buf *out, ind_records **recs, err *e) {
  const indicator *ind = indicator_find(name);
  if (!ind) return err_set(e, ERR_USAGE, "unknown indicator '%.60s' (see `bluehelm help indicator`)", name);
  buf result;
  jw w;
  int rc;
  ind_ctx *c = ctx_new(s, ind, nargs, args, visibility, pretty, &result, &w, &rc, e);
  if (!rc) rc = ind->run(c);
  rc = ctx_finish(c, ind, rc, &result, out, recs);
  ctx_free(c);
  return rc;
}

int indicator_run(store *s, const char *name, int nargs, const char *const *args,
                  const char *visibility, int pretty, buf *out, err *e) {
  /* The result of the same indicator, arguments, visibility and day over
   * the same database is kept (store_result_get): a dashboard or a report
   * asks again and again until something changes. */
  buf key;
  run_key(&key, pretty ? "pretty" : "json", name, nargs, args, visibility);
  int64_t token = -1;
  int cacheable = !key.overflow;
  if (cacheable && store_result_get(s, buf_cstr(&key), out, &token)) {
    buf_free(&key);
    return 0;
  }
  size_t start = out->len;
  int rc = run_one(s, name, nargs, args, visibility, pretty, out, NULL, e);
  if (!rc && cacheable) store_result_put(s, token, buf_cstr(&key), out->data + start, out->len - start);
  buf_free(&key);
  return rc;
}

/* indicator_eval through the result cache: 1 when it was there (out and
 * *recs filled), else 0 with *token and key for eval_keep. */
static int eval_cached(store *s, const ind_call *call, const char *visibility, buf *out, ind_records **recs,
                       buf *key, int64_t *token) {
  run_key(key, "eval", call->name, call->nargs, call->args, visibility);
  *token = -1;
  buf hit;
  buf_init(&hit, 0);
  int found = !key->overflow && store_result_get(s, buf_cstr(key), &hit, token);
  if (found) *recs = eval_unpack(hit.data, hit.len, out);
  buf_free(&hit);
  return found;
}

static void eval_keep(store *s, const buf *key, int64_t token, const char *json, size_t len, const ind_records *r) {
  if (key->overflow || token < 0) return;
  buf packed;
  buf_init(&packed, 0);
  eval_pack(&packed, json, len, r);
  if (!packed.overflow) store_result_put(s, token, key->data, packed.data, packed.len);
  buf_free(&packed);
}

int indicator_eval(store *s, const char *name, int nargs, const char *const *args, const char *visibility,
                   buf *out, ind_records **recs, err *e) {
  *recs = NULL;
  ind_call call = {name, nargs, args};
  buf key;
  int64_t token;
  if (eval_cached(s, &call, visibility, out, recs, &key, &token)) {
    buf_free(&key);
    return 0;
  }
  size_t start = out->len;
  int rc = run_one(s, name, nargs, args, visibility, 0, out, recs, e);
  if (!rc) eval_keep(s, &key, token, out->data + start, out->len - start, *recs);
  buf_free(&key);
  return rc;
}

void indicator_eval_many(store *s, int n, const ind_call *calls, const char *visibility, buf *outs,
                         ind_records **recs, int *rcs, err *errs) {
  int m = n ? n : 1;
  ind_ctx **cs = xcalloc((size_t)m, sizeof *cs);
  buf *results = xcalloc((size_t)m, sizeof *results);
  jw *ws = xcalloc((size_t)m, sizeof *ws);
  int *done = xcalloc((size_t)m, sizeof *done);
  const indicator **inds = xcalloc((size_t)m, sizeof *inds);
  /* Counts first, together where they can share a pass. */
  ind_ctx **counts = xcalloc((size_t)m, sizeof *counts);
  int *count_at = xcalloc((size_t)m, sizeof *count_at);
  int *count_done = xcalloc((size_t)m, sizeof *count_done);
  int *count_rc = xcalloc((size_t)m, sizeof *count_rc);
  int ncounts = 0;
  buf *keys = xcalloc((size_t)m, sizeof *keys);
  int64_t *tokens = xcalloc((size_t)m, sizeof *tokens);
  size_t *starts = xcalloc((size_t)m, sizeof *starts);
  char *hit = xcalloc((size_t)m, 1);
  for (int i = 0; i < n; i++) {
    recs[i] = NULL;
    rcs[i] = 0;
    starts[i] = outs[i].len;
    hit[i] = eval_cached(s, &calls[i], visibility, &outs[i], &recs[i], &keys[i], &tokens[i]);
    if (hit[i]) continue;
    inds[i] = indicator_find(calls[i].name);
    if (!inds[i]) continue;
    cs[i] = ctx_new(s, inds[i], calls[i].nargs, calls[i].args, visibility, 0, &results[i], &ws[i], &rcs[i], &errs[i]);
    if (!rcs[i] && inds[i]->run == ind_count) {
      count_at[ncounts] = i;
      counts[ncounts++] = cs[i];
    }
  }
  ind_count_many(counts, ncounts, count_done, count_rc);
  for (int j = 0; j < ncounts; j++)
    if (count_done[j]) {
      done[count_at[j]] = 1;
      rcs[count_at[j]] = count_rc[j];
    }
  for (int i = 0; i < n; i++) {
    if (hit[i]) continue;
    if (!inds[i]) {
      rcs[i] = err_set(&errs[i], ERR_USAGE, "unknown indicator '%.60s' (see `bluehelm help indicator`)", calls[i].name);
      continue;
    }
    if (!done[i] && !rcs[i]) {
      /* A count that could not share a pass starts afresh (its parameters
       * were read already). */
      buf_free(&results[i]);
      ctx_free(cs[i]);
      cs[i] = ctx_new(s, inds[i], calls[i].nargs, calls[i].args, visibility, 0, &results[i], &ws[i], &rcs[i], &errs[i]);
      if (!rcs[i]) rcs[i] = inds[i]->run(cs[i]);
    }
    rcs[i] = ctx_finish(cs[i], inds[i], rcs[i], &results[i], &outs[i], &recs[i]);
    ctx_free(cs[i]);
    if (!rcs[i]) eval_keep(s, &keys[i], tokens[i], outs[i].data + starts[i], outs[i].len - starts[i], recs[i]);
  }
  for (int i = 0; i < n; i++) buf_free(&keys[i]);
  free(keys);
  free(tokens);
  free(starts);
  free(hit);
  free(count_done);
  free(count_rc);
  free(counts);
  free(count_at);
  free(inds);
  free(done);
  free(ws);
  free(results);
  free(cs);
}

ind_records *ind_records_new(void) {
  ind_records *r = xcalloc(1, sizeof *r);
  arena_init(&r->a);
  return r;
}

void ind_records_add(ind_records *r, const char *figure, const char *id, int copy) {
  ind_figure *f = NULL;
  for (int i = r->n - 1; i >= 0 && !f; i--)
    if (!strcmp(r->figs[i].name, figure)) f = &r->figs[i];
  if (!f) {
    if (r->n == r->cap) {
      r->cap = r->cap ? r->cap * 2 : 4;
      r->figs = xrealloc(r->figs, (size_t)r->cap * sizeof *r->figs);
    }
    f = &r->figs[r->n++];
    memset(f, 0, sizeof *f);
    f->name = arena_strdup(&r->a, figure);
  }
  if (!id) return;
  if (f->n == f->cap) {
    f->cap = f->cap ? f->cap * 2 : 16;
    f->ids = xrealloc(f->ids, (size_t)f->cap * sizeof *f->ids);
  }
  f->ids[f->n++] = copy ? arena_strdup(&r->a, id) : (char *)id;
}

long ind_records_get(const ind_records *r, const char *figure, const char *const **ids) {
  for (int i = 0; r && i < r->n; i++)
    if (!strcmp(r->figs[i].name, figure)) {
      *ids = (const char *const *)r->figs[i].ids;
      return r->figs[i].n;
    }
  *ids = NULL;
  return -1;
}

void ind_records_free(ind_records *r) {
  if (!r) return;
  for (int i = 0; i < r->n; i++) free(r->figs[i].ids);
  free(r->figs);
  arena_free(&r->a);
  free(r);
}
