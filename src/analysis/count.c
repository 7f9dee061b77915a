/* count.c: the `count` indicator: how many records of a kind match the
 * filters (the figure behind a dashboard tile or a report sentence), with
 * their ids. Several counts of one kind over the same period (a report's
 * count figures) read that period once (ind_count_many). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/indicator.h"
#include "model/query.h"

#define COUNT_BATCH_MAX 64

static int by_text(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The filter set of a count: its kind (of=, default events) and filters.
 * fs is always made (filter_free it), even when of= names no kind. */
static int count_filters(ind_ctx *c, const kind **k, filter_set *fs) {
  const char *of = ind_get(c, "of");
  *k = kind_find(of ? of : "events");
  if (!*k) {
    filter_init(fs, kind_find("events"));
    return err_set(c->e, ERR_USAGE, "of=%.40s is not a record kind", of);
  }
  return ind_filters(c, *k, fs);
}

static void count_write(ind_ctx *c, const kind *k, long n) {
  jw_kstr(c->w, "of", k->name);
  jw_kint(c->w, "count", n);
}

int ind_count(ind_ctx *c) {
  const kind *k;
  filter_set fs;
  int rc = count_filters(c, &k, &fs);
  stmt *st = NULL;
  char cols[160];
  if (!rc) {
    snprintf(cols, sizeof cols, "\"%s\"", kind_key_name(k));
    rc = query_select(c->s, &fs, cols, NULL, &st, c->e);
  }
  /* Ids in key order, sorted here (byte order, as SQL's ORDER BY on the
   * key: cheaper than the database's sorter). */
  long n = 0, cap = 0;
  const char **ids = NULL;
  ind_prov_figure(c, "count");
  int step = STMT_DONE;
  while (!rc && (step = stmt_step(st, c->e)) == STMT_ROW) {
    if (n == cap) {
      cap = cap ? cap * 2 : 256;
      ids = xrealloc(ids, (size_t)cap * sizeof *ids);
    }
    ids[n++] = arena_strdup(c->a, stmt_text(st, 0));
  }
  if (!rc && step < 0) rc = step;
  if (st) stmt_finalize(st);
  filter_free(&fs);
  if (!rc) {
    if (n) qsort(ids, (size_t)n, sizeof *ids, by_text);
    for (long i = 0; i < n; i++) ind_prov_ref(c, "count", ids[i]);
    count_write(c, k, n);
  }
  free(ids);
  return rc;
}

/* The conditions of fs on the kind's main date, as one comparable text
 * (SQL and bound values), or NULL when it has none or they cannot be told
 * apart. Lives in a. */
static const char *period_key(const filter_set *fs, arena *a) {
  filter_cond conds[FILTER_CONDS_MAX];
  int n = filter_conds(fs, conds, FILTER_CONDS_MAX);
  if (n < 0 || !fs->k->date_field) return NULL;
  buf key;
  buf_init(&key, 1 << 16);
  buf_puts(&key, fs->k->name);
  int any = 0;
  for (int i = 0; i < n; i++) {
    if (!conds[i].column || strcmp(conds[i].column, fs->k->date_field)) continue;
    any = 1;
    buf_printf(&key, "\x1f%.*s", (int)conds[i].len, conds[i].sql);
    for (int b = 0; b < conds[i].nbinds; b++) {
      const filter_bind *v = &fs->binds[conds[i].bind0 + b];
      if (v->type == STORE_TEXT) buf_printf(&key, "\x1e%s", v->s ? v->s : "");
      else if (v->type == STORE_INT) buf_printf(&key, "\x1e%lld", (long long)v->i);
      else if (v->type == STORE_REAL) buf_printf(&key, "\x1e%.17g", v->d);
      else buf_puts(&key, "\x1eNULL");
    }
  }
  const char *out = any && !key.overflow ? arena_strndup(a, key.data, key.len) : NULL;
  buf_free(&key);
  return out;
}

typedef struct row {
  const char *id;
  unsigned long long in; /* bit j: the record counts for the group's j-th member */
} row;

static int row_order(const void *a, const void *b) { return strcmp(((const row *)a)->id, ((const row *)b)->id); }

/* One pass for the members of a group (indexes into cs): 0, or <0 with the
 * error in each member's e (ERR_USAGE: they cannot share a pass). */
static int count_group(ind_ctx **cs, const int *member, int m, filter_set *fss, const kind *k, arena *a) {
  filter_set *sets[COUNT_BATCH_MAX];
  for (int j = 0; j < m; j++) sets[j] = &fss[member[j]];
  char cols[160];
  snprintf(cols, sizeof cols, "\"%s\"", kind_key_name(k));
  err e;
  stmt *st;
  int rc = query_batch_open(cs[member[0]]->s, sets, m, cols, &st, &e);
  if (rc) return rc;
  row *rows = NULL;
  long n = 0, cap = 0;
  int step;
  while ((step = stmt_step(st, &e)) == STMT_ROW) {
    unsigned long long in = 0;
    for (int j = 0; j < m; j++)
      if (stmt_int(st, 1 + j)) in |= 1ull << j;
    if (!in) continue;
    if (n == cap) {
      cap = cap ? cap * 2 : 1024;
      rows = xrealloc(rows, (size_t)cap * sizeof *rows);
    }
    rows[n].id = arena_strdup(a, stmt_text(st, 0));
    rows[n++].in = in;
  }
  stmt_finalize(st);
  if (step < 0) {
    free(rows);
    for (int j = 0; j < m; j++) *cs[member[j]]->e = e;
    return step;
  }
  if (n) qsort(rows, (size_t)n, sizeof *rows, row_order);
  for (int j = 0; j < m; j++) {
    ind_ctx *c = cs[member[j]];
    long cnt = 0;
    ind_prov_figure(c, "count");
    for (long r = 0; r < n; r++)
      if (rows[r].in & (1ull << j)) {
        ind_prov(c, "count", rows[r].id); /* each result keeps its own copy */
        cnt++;
      }
    count_write(c, k, cnt);
  }
  free(rows);
  return 0;
}

void ind_count_many(ind_ctx **cs, int n, int *done, int *rcs) {
  if (n < 2) return;
  arena scratch;
  arena_init(&scratch);
  filter_set *fss = xcalloc((size_t)n, sizeof *fss);
  const kind **ks = xcalloc((size_t)n, sizeof *ks);
  const char **keys = xcalloc((size_t)n, sizeof *keys);
  char *ok = xcalloc((size_t)n, 1);
  for (int i = 0; i < n; i++) {
    err e;
    err *saved = cs[i]->e;
    cs[i]->e = &e; /* a count in error runs alone, and says so then */
    ok[i] = !count_filters(cs[i], &ks[i], &fss[i]);
    cs[i]->e = saved;
    if (ok[i]) keys[i] = period_key(&fss[i], &scratch);
    ok[i] = ok[i] && keys[i];
  }
  int member[COUNT_BATCH_MAX];
  for (int i = 0; i < n; i++) {
    if (!ok[i]) continue;
    int m = 0;
    for (int j = i; j < n && m < COUNT_BATCH_MAX; j++)
      if (ok[j] && ks[j] == ks[i] && !strcmp(keys[j], keys[i])) {
        member[m++] = j;
        ok[j] = 0;
      }
    if (m < 2) continue;
    int rc = count_group(cs, member, m, fss, ks[i], &scratch);
    if (rc == ERR_USAGE) continue; /* they run alone */
    for (int j = 0; j < m; j++) {
      done[member[j]] = 1;
      rcs[member[j]] = rc;
    }
  }
  for (int i = 0; i < n; i++) filter_free(&fss[i]);
  free(fss);
  free(ks);
  free(keys);
  free(ok);
  arena_free(&scratch);
}
