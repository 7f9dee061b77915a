/* rate.c: the `rate` and `change` indicators (FORMATS.md §3).
 *
 * rate: records of a kind per week in the N 7-day blocks before a split day
 * and the N blocks from it (the split day belongs to after), with the
 * per-week counts for charts.
 *
 * change: a count (or a sum of numeric fields) over a period against a
 * comparison period (by default the same dates one calendar year earlier),
 * and the change in per cent. Both read records by the kind's main date. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/indicator.h"
#include "core/date.h"
#include "model/query.h"

#define RATE_WEEKS_MAX 520
#define CHANGE_FIELDS_MAX 16

/* The kind named by of= (default events), which must have a main date. */
static int of_kind(ind_ctx *c, const kind **out) {
  const char *of = ind_get(c, "of");
  if (!of || !*of) of = "events";
  const kind *k = kind_find(of);
  if (!k || !k->date_field) {
    char list[400];
    size_t len = 0;
    int n;
    const kind *all = kind_all(&n);
    list[0] = 0;
    for (int i = 0; i < n; i++) {
      if (!all[i].date_field) continue;
      int w = snprintf(list + len, sizeof list - len, "%s%s", len ? ", " : "", all[i].name);
      if (w < 0 || (size_t)w >= sizeof list - len) break;
      len += (size_t)w;
    }
    if (!k)
      return err_set(c->e, ERR_USAGE, "of=%.60s: unknown kind (kinds with a date: %s)", of, list);
    return err_set(c->e, ERR_USAGE, "of=%.60s: %s have no main date to count by (kinds with a date: %s)",
                   of, of, list);
  }
  *out = k;
  return 0;
}

/* The SQL columns "key, date[, extra...]" of k (names from the kind table). */
static void key_date_columns(const kind *k, buf *cols) {
  buf_printf(cols, "\"%s\", \"%s\"", kind_key_name(k), k->date_field);
}

/* ind_rate: the `rate` indicator (see indicators.def); 0 or ERR_USAGE/ERR_DB. */
int ind_rate(ind_ctx *c) {
  const kind *k;
  int rc, split;
  long weeks;
  if ((rc = of_kind(c, &k))) return rc;
  rc = ind_date(c, "split", 0, &split);
  if (rc < 0) return rc;
  if (rc == 1)
    return err_set(c->e, ERR_USAGE, "rate needs split=YYYY-MM-DD (the first day of the after period)");
  if ((rc = ind_int(c, "weeks", 8, 1, RATE_WEEKS_MAX, &weeks))) return rc;
  int from = split - 7 * (int)weeks, to = split + 7 * (int)weeks - 1;
  long before[RATE_WEEKS_MAX] = {0}, after[RATE_WEEKS_MAX] = {0};
  long nbefore = 0, nafter = 0;
  filter_set fs;
  if ((rc = ind_filters(c, k, &fs))) goto done;
  if ((rc = ind_period_filter(c, &fs, k->date_field, from, to))) goto done;
  buf cols, order;
  buf_init(&cols, 0);
  buf_init(&order, 0);
  key_date_columns(k, &cols);
  buf_printf(&order, "\"%s\", \"%s\"", k->date_field, kind_key_name(k));
  stmt *st;
  rc = query_select(c->s, &fs, buf_cstr(&cols), buf_cstr(&order), &st, c->e);
  buf_free(&cols);
  buf_free(&order);
  if (rc) goto done;
  ind_prov_figure(c, "before");
  ind_prov_figure(c, "after");
  ind_prov_figure(c, "weekly.before");
  ind_prov_figure(c, "weekly.after");
  int step;
  while ((step = stmt_step(st, c->e)) == STMT_ROW) {
    const char *id = stmt_text(st, 0);
    const char *ds = stmt_text(st, 1);
    int d;
    if (!ds || date_parse_day(ds, &d) || d < from || d > to) continue;
    if (d < split) {
      /* block 0 is the earliest of the N weeks before the split day */
      before[(d - from) / 7]++;
      nbefore++;
      ind_prov(c, "before", id);
      ind_prov(c, "weekly.before", id);
    } else {
      after[(d - split) / 7]++;
      nafter++;
      ind_prov(c, "after", id);
      ind_prov(c, "weekly.after", id);
    }
  }
  if (step < 0) rc = step;
  stmt_finalize(st);
  if (rc) goto done;
  jw_key(c->w, "before");
  ind_json_1dp(c, (double)nbefore / (double)weeks);
  jw_key(c->w, "after");
  ind_json_1dp(c, (double)nafter / (double)weeks);
  jw_kint(c->w, "weeks", weeks);
  jw_key(c->w, "split");
  ind_date_json(c, split);
  jw_kstr(c->w, "of", k->name);
  jw_key(c->w, "periods");
  jw_obj(c->w);
  jw_key(c->w, "before");
  jw_obj(c->w);
  jw_key(c->w, "from");
  ind_date_json(c, from);
  jw_key(c->w, "to");
  ind_date_json(c, split - 1);
  jw_obj_end(c->w);
  jw_key(c->w, "after");
  jw_obj(c->w);
  jw_key(c->w, "from");
  ind_date_json(c, split);
  jw_key(c->w, "to");
  ind_date_json(c, to);
  jw_obj_end(c->w);
  jw_obj_end(c->w);
  jw_key(c->w, "weekly");
  jw_obj(c->w);
  jw_key(c->w, "before");
  jw_arr(c->w);
  for (long i = 0; i < weeks; i++) jw_int(c->w, before[i]);
  jw_arr_end(c->w);
  jw_key(c->w, "after");
  jw_arr(c->w);
  for (long i = 0; i < weeks; i++) jw_int(c->w, after[i]);
  jw_arr_end(c->w);
  jw_obj_end(c->w);
done:
  filter_free(&fs);
  return rc;
}

static int numeric(const field *f) {
  return f->type == FT_INT || f->type == FT_COUNT || f->type == FT_REAL || f->type == FT_AREA ||
         f->type == FT_PCT;
}

/* Parses field=A+B (also "A B": the API decodes '+' to a space) into the
 * kind's numeric fields. Returns the number of fields (0: count records). */
static int parse_fields(ind_ctx *c, const kind *k, const char *spec, const field **out,
                        int *nout) {
  *nout = 0;
  if (!spec) return 0;
  const char *p = spec;
  while (*p) {
    size_t n = strcspn(p, "+ ");
    if (n) {
      char name[80];
      if (n >= sizeof name)
        return err_set(c->e, ERR_USAGE, "field=%.60s: a column name is too long", spec);
      memcpy(name, p, n);
      name[n] = 0;
      const field *f = kind_field(k, name);
      if (!f) return err_set(c->e, ERR_USAGE, "field=%.60s: %s have no column '%s'", spec, k->name, name);
      if (!numeric(f)) {
        char list[300];
        size_t len = 0;
        list[0] = 0;
        for (int i = 0; i < k->nfields; i++) {
          if (!numeric(&k->fields[i])) continue;
          int w = snprintf(list + len, sizeof list - len, "%s%s", len ? ", " : "", k->fields[i].name);
          if (w < 0 || (size_t)w >= sizeof list - len) break;
          len += (size_t)w;
        }
        return err_set(c->e, ERR_USAGE, "field=%.60s: %s is not a numeric column of %s (numeric: %s)",
                       spec, name, k->name, len ? list : "none");
      }
      if (*nout == CHANGE_FIELDS_MAX)
        return err_set(c->e, ERR_USAGE, "field=%.60s: at most %d columns", spec, CHANGE_FIELDS_MAX);
      out[(*nout)++] = f;
    }
    p += n;
    if (*p) p++;
  }
  if (!*nout) return err_set(c->e, ERR_USAGE, "field= names no column (field=A or field=A+B)");
  return 0;
}

/* Sums fields (or counts records when nf is 0) of the records of k that
 * match the FILTERs and are dated from..to, into *isum or *dsum; their ids
 * go to "current", or to "previous" and "change_pct" when previous is set. */
typedef struct period_row {
  const char *id, *date;
  long long iv;
  double dv;
  int nonzero;
} period_row;

/* By date, then id (byte order, as ORDER BY date, key: no date first). */
static int row_order(const void *a, const void *b) {
  const period_row *x = a, *y = b;
  int c = !x->date || !y->date ? (x->date != NULL) - (y->date != NULL) : strcmp(x->date, y->date);
  return c ? c : strcmp(x->id, y->id);
}

static int sum_period(ind_ctx *c, const kind *k, const field *const *fields, int nf, int real,
                      int from, int to, int previous, long long *isum, double *dsum) {
  filter_set fs;
  int rc = ind_filters(c, k, &fs);
  if (!rc) rc = ind_period_filter(c, &fs, k->date_field, from, to);
  stmt *st = NULL;
  if (!rc) {
    buf cols;
    buf_init(&cols, 0);
    key_date_columns(k, &cols);
    for (int i = 0; i < nf; i++) buf_printf(&cols, ", \"%s\"", fields[i]->name);
    rc = query_select(c->s, &fs, buf_cstr(&cols), NULL, &st, c->e);
    buf_free(&cols);
  }
  if (rc) {
    filter_free(&fs);
    return rc;
  }
  /* The rows are summed in date and id order (sorted here rather than by
   * the database: the same order, for less work). */
  period_row *rows = NULL;
  long n = 0, cap = 0;
  int step;
  while ((step = stmt_step(st, c->e)) == STMT_ROW) {
    long long iv = 1;
    double dv = 1;
    int nonzero = 1;
    if (nf) {
      iv = 0;
      dv = 0;
      nonzero = 0;
      for (int i = 0; i < nf; i++) {
        if (stmt_is_null(st, 2 + i)) continue;
        if (real) {
          double x = stmt_double(st, 2 + i);
          dv += x;
          nonzero |= x != 0;
        } else {
          long long x = stmt_int(st, 2 + i);
          iv += x;
          nonzero |= x != 0;
        }
      }
    }
    if (n == cap) {
      cap = cap ? cap * 2 : 256;
      rows = xrealloc(rows, (size_t)cap * sizeof *rows);
    }
    rows[n++] = (period_row){arena_strdup(c->a, stmt_text(st, 0)), arena_strdup(c->a, stmt_text(st, 1)), iv, dv,
                             nonzero};
  }
  if (step < 0) rc = step;
  stmt_finalize(st);
  filter_free(&fs);
  if (!rc && n) qsort(rows, (size_t)n, sizeof *rows, row_order);
  for (long r = 0; !rc && r < n; r++) {
    *isum += rows[r].iv;
    *dsum += rows[r].dv;
    if (!rows[r].nonzero) continue;
    if (previous) {
      ind_prov_ref(c, "previous", rows[r].id);
      ind_prov_ref(c, "change_pct", rows[r].id);
    } else {
      ind_prov_ref(c, "current", rows[r].id);
    }
  }
  free(rows);
  return rc;
}

/* ind_change: the `change` indicator; 0 or ERR_USAGE/ERR_DB. */
int ind_change(ind_ctx *c) {
  const kind *k;
  int rc;
  if ((rc = of_kind(c, &k))) return rc;
  const field *fields[CHANGE_FIELDS_MAX];
  int nf = 0;
  if ((rc = parse_fields(c, k, ind_get(c, "field"), fields, &nf))) return rc;
  int p1, p2, q1, q2;
  rc = ind_range(c, "period", &p1, &p2);
  if (rc < 0) return rc;
  if (rc == 1)
    return err_set(c->e, ERR_USAGE, "change needs period=YYYY-MM-DD..YYYY-MM-DD (inclusive)");
  rc = ind_range(c, "compare", &q1, &q2);
  if (rc < 0) return rc;
  if (rc == 1) {
    q1 = date_year_earlier(p1);
    q2 = date_year_earlier(p2);
  }
  int real = 0;
  for (int i = 0; i < nf; i++) real |= !(fields[i]->type == FT_INT || fields[i]->type == FT_COUNT);
  ind_prov_figure(c, "current");
  ind_prov_figure(c, "previous");
  ind_prov_figure(c, "change_pct");
  /* One query per period (each through the date and place indexes): the
   * FILTERs are read twice. */
  unsigned char used[IND_PARAMS_MAX];
  for (int i = 0; i < c->nparams; i++) used[i] = (unsigned char)c->params[i].used;
  long long icur = 0, iprev = 0;
  double dcur = 0, dprev = 0;
  rc = sum_period(c, k, fields, nf, real, p1, p2, 0, &icur, &dcur);
  for (int i = 0; i < c->nparams; i++) c->params[i].used = used[i];
  if (!rc) rc = sum_period(c, k, fields, nf, real, q1, q2, 1, &iprev, &dprev);
  if (rc) return rc;
  double cur = real ? dcur : (double)icur, prev = real ? dprev : (double)iprev;
  jw_key(c->w, "current");
  if (real) jw_real(c->w, dcur);
  else jw_int(c->w, icur);
  jw_key(c->w, "previous");
  if (real) jw_real(c->w, dprev);
  else jw_int(c->w, iprev);
  jw_key(c->w, "change_pct");
  if (prev == 0) jw_null(c->w);
  else ind_json_1dp(c, (cur - prev) / prev * 100.0);
  jw_kstr(c->w, "of", k->name);
  jw_key(c->w, "field");
  if (nf) {
    jw_arr(c->w);
    for (int i = 0; i < nf; i++) jw_str(c->w, fields[i]->name);
    jw_arr_end(c->w);
  } else {
    jw_null(c->w);
  }
  char a[11], b[11], range[32];
  jw_key(c->w, "period");
  snprintf(range, sizeof range, "%s..%s", date_format(p1, a), date_format(p2, b));
  jw_str(c->w, range);
  jw_key(c->w, "compare");
  snprintf(range, sizeof range, "%s..%s", date_format(q1, a), date_format(q2, b));
  jw_str(c->w, range);
  return 0;
}
