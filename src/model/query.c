/* query.c: counting, iterating and JSON of records through filter sets. */
#include "model/query.h"

#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/date.h"
#include "core/str.h"

/* The SQL and its bound values as one text (a key of the result cache). */
static void query_key(buf *key, const char *sql, const filter_set *fs) {
  buf_printf(key, "%d;%zu:%s;", date_today(), strlen(sql), sql);
  for (int i = 0; i < fs->nbinds; i++) {
    const filter_bind *b = &fs->binds[i];
    if (b->type == STORE_TEXT) buf_printf(key, "t%zu:%s;", b->s ? strlen(b->s) : 0, b->s ? b->s : "");
    else if (b->type == STORE_INT) buf_printf(key, "i%lld;", (long long)b->i);
    else if (b->type == STORE_REAL) buf_printf(key, "r%.17g;", b->d);
    else buf_puts(key, "n;");
  }
}

/* A count of events near= alone (with the rule of what counts): the events
 * of the cells wholly inside the circle are counted from _event_cells
 * (kept by triggers, 008_performance.sql), only those of the cells its edge
 * crosses are read and measured. 0 with *out set, 1 when it does not apply
 * (the caller counts the events), <0 on error. */
static int near_count(store *s, filter_set *fs, int64_t *out, err *e) {
  filter_cond conds[FILTER_CONDS_MAX];
  int n = filter_conds(fs, conds, FILTER_CONDS_MAX);
  if (store_dialect_of(s) != STORE_SQLITE || fs->near.cond != 0 || fs->nconds != 1 || fs->near.ninside == 0 ||
      n < 1 || conds[0].nbinds != 3)
    return 1;
  buf sql;
  buf_init(&sql, 0);
  buf_puts(&sql, "SELECT (SELECT coalesce(sum(\"n\"), 0) FROM \"_event_cells\" WHERE \"_cell\" IN (");
  for (int i = 0; i < fs->near.ninside; i++) buf_printf(&sql, "%s%ld", i ? ", " : "", fs->near.inside[i]);
  buf_puts(&sql, ")");
  for (int i = 1; i < n; i++) buf_printf(&sql, " AND (%.*s)", (int)conds[i].len, conds[i].sql);
  buf_puts(&sql, ")");
  if (fs->near.nedge) {
    buf_puts(&sql, " + (SELECT count(*) FROM \"events\" WHERE \"_cell\" IN (");
    for (int i = 0; i < fs->near.nedge; i++) buf_printf(&sql, "%s%ld", i ? ", " : "", fs->near.edge[i]);
    buf_puts(&sql, ") AND bh_distance(\"latitude\", \"longitude\", ?1, ?2) <= ?3");
    for (int i = 1; i < n; i++) buf_printf(&sql, " AND (%.*s)", (int)conds[i].len, conds[i].sql);
    buf_puts(&sql, ")");
  }
  stmt *st;
  err pe;
  int rc = sql.overflow ? 1 : store_prepare(s, buf_cstr(&sql), &st, &pe) ? 1 : 0;
  buf_free(&sql);
  if (rc) return 1; /* a database without the table: count the events */
  if (fs->near.nedge)
    for (int i = 0; i < 3; i++) stmt_bind_value(st, i + 1, &fs->binds[conds[0].bind0 + i]);
  rc = stmt_step(st, e);
  if (rc == STMT_ROW) *out = stmt_int(st, 0);
  stmt_finalize(st);
  return rc < 0 ? rc : 0;
}

int query_count(store *s, filter_set *fs, int64_t *out, err *e) {
  buf sql;
  buf_init(&sql, 0);
  buf_printf(&sql, "SELECT count(*) FROM \"%s\" WHERE %s", fs->k->name, filter_where(fs));
  /* The same count over the same database is kept (store_result_get). */
  buf key, hit;
  buf_init(&key, 0);
  buf_init(&hit, 64);
  buf_puts(&key, "count;");
  query_key(&key, buf_cstr(&sql), fs);
  int64_t token = -1;
  if (!key.overflow && store_result_get(s, buf_cstr(&key), &hit, &token) && !str_to_int64(buf_cstr(&hit), out)) {
    buf_free(&sql);
    buf_free(&key);
    buf_free(&hit);
    return 0;
  }
  stmt *st;
  int rc = near_count(s, fs, out, e);
  if (rc == 1) {
    rc = store_prepare(s, buf_cstr(&sql), &st, e);
    if (!rc) {
      filter_bind_all(fs, st, 1);
      rc = stmt_step(st, e);
      if (rc == STMT_ROW) *out = stmt_int(st, 0);
      stmt_finalize(st);
    }
  } else if (!rc) {
    rc = STMT_ROW;
  }
  buf_free(&sql);
  if (rc == STMT_ROW && !key.overflow) {
    buf_reset(&hit);
    buf_printf(&hit, "%lld", (long long)*out);
    store_result_put(s, token, buf_cstr(&key), hit.data, hit.len);
  }
  buf_free(&key);
  buf_free(&hit);
  return rc < 0 ? rc : 0;
}

static int open_query(store *s, filter_set *fs, long limit, int given, stmt **out, err *e) {
  const kind *k = fs->k;
  buf sql;
  buf_init(&sql, 0);
  buf_puts(&sql, "SELECT ");
  char tmp[80];
  for (int i = 0; i < k->nfields; i++)
    buf_printf(&sql, "%s\"%s\"", i ? ", " : "",
               given ? field_column(&k->fields[i], tmp, sizeof tmp) : k->fields[i].name);
  /* With many matches, walking the key's own index (the first unique index
   * SQLite made for the table) and stopping at the limit beats sorting them all. */
  if (fs->walk_key && !fs->order && store_dialect_of(s) == STORE_SQLITE)
    buf_printf(&sql, " FROM \"%s\" INDEXED BY \"sqlite_autoindex_%s_1\" WHERE %s ORDER BY ", k->name, k->name,
               filter_where(fs));
  else
    buf_printf(&sql, " FROM \"%s\" WHERE %s ORDER BY ", k->name, filter_where(fs));
  if (fs->order) buf_printf(&sql, "%s, ", fs->order);
  for (int i = 0; i < k->nkey; i++) buf_printf(&sql, "%s\"%s\"", i ? ", " : "", k->fields[k->key[i]].name);
  if (limit >= 0) buf_printf(&sql, " LIMIT %ld", limit);
  int rc = store_prepare(s, buf_cstr(&sql), out, e);
  buf_free(&sql);
  if (!rc) filter_bind_all(fs, *out, 1);
  return rc;
}

int query_open(store *s, filter_set *fs, long limit, stmt **out, err *e) {
  return open_query(s, fs, limit, 0, out, e);
}

int query_open_given(store *s, filter_set *fs, long limit, stmt **out, err *e) {
  return open_query(s, fs, limit, 1, out, e);
}

int query_many(store *s, filter_set *fs, long n, int *out, err *e) {
  buf sql;
  buf_init(&sql, 0);
  buf_printf(&sql, "SELECT count(*) FROM (SELECT 1 FROM \"%s\" WHERE %s LIMIT %ld) AS q", fs->k->name,
             filter_where(fs), n);
  stmt *st;
  int rc = store_prepare(s, buf_cstr(&sql), &st, e);
  buf_free(&sql);
  if (rc) return rc;
  filter_bind_all(fs, st, 1);
  rc = stmt_step(st, e);
  *out = rc == STMT_ROW && stmt_int(st, 0) >= n;
  stmt_finalize(st);
  return rc < 0 ? rc : 0;
}

int query_select(store *s, filter_set *fs, const char *columns, const char *order,
                 stmt **out, err *e) {
  buf sql;
  buf_init(&sql, 0);
  buf_printf(&sql, "SELECT %s FROM \"%s\" WHERE %s", columns, fs->k->name, filter_where(fs));
  if (order) buf_printf(&sql, " ORDER BY %s", order);
  int rc = store_prepare(s, buf_cstr(&sql), out, e);
  buf_free(&sql);
  if (!rc) filter_bind_all(fs, *out, 1);
  return rc;
}

static int same_bind(const filter_bind *a, const filter_bind *b) {
  if (a->type != b->type) return 0;
  switch (a->type) {
    case STORE_NULL: return 1;
    case STORE_INT: return a->i == b->i;
    case STORE_REAL: return a->d == b->d;
    case STORE_TEXT: return a->s && b->s && !strcmp(a->s, b->s);
  }
  return 0;
}

/* The same condition: the same SQL with the same bound values. */
static int same_cond(const filter_set *fa, const filter_cond *a, const filter_set *fb, const filter_cond *b) {
  if (a->len != b->len || a->nbinds != b->nbinds || memcmp(a->sql, b->sql, a->len)) return 0;
  for (int i = 0; i < a->nbinds; i++)
    if (!same_bind(&fa->binds[a->bind0 + i], &fb->binds[b->bind0 + i])) return 0;
  return 1;
}

static int has_cond(const filter_set *fs, const filter_cond *conds, int n, const filter_set *fa,
                    const filter_cond *a) {
  for (int i = 0; i < n; i++)
    if (same_cond(fs, &conds[i], fa, a)) return 1;
  return 0;
}

/* Whether condition c of set i is one every set has (common[] marks set 0's). */
static int is_common(filter_set *const *sets, filter_cond (*conds)[FILTER_CONDS_MAX], const int *nc,
                     const char *common, int i, int c) {
  if (i == 0) return common[c];
  for (int c0 = 0; c0 < nc[0]; c0++)
    if (common[c0] && same_cond(sets[0], &conds[0][c0], sets[i], &conds[i][c])) return 1;
  return 0;
}

static void bind_cond(stmt *st, const filter_set *fs, const filter_cond *c, int *param) {
  for (int b = 0; b < c->nbinds; b++) stmt_bind_value(st, (*param)++, &fs->binds[c->bind0 + b]);
}

int query_batch_open(store *s, filter_set *const *sets, int n, const char *columns, stmt **out, err *e) {
  *out = NULL;
  if (n < 1) return err_set(e, ERR_USAGE, "no filter set to read");
  filter_cond(*conds)[FILTER_CONDS_MAX] = xcalloc((size_t)n, sizeof *conds);
  int *nc = xcalloc((size_t)n, sizeof *nc);
  char common[FILTER_CONDS_MAX] = {0}; /* of set 0's conditions */
  int rc = 0;
  for (int i = 0; i < n && !rc; i++) {
    nc[i] = filter_conds(sets[i], conds[i], FILTER_CONDS_MAX);
    if (nc[i] < 0 || sets[i]->k != sets[0]->k)
      rc = err_set(e, ERR_USAGE, "these filter sets cannot be read in one pass");
  }
  buf sql;
  buf_init(&sql, 0);
  if (!rc) {
    for (int c = 0; c < nc[0]; c++) {
      common[c] = 1;
      for (int i = 1; i < n && common[c]; i++) common[c] = has_cond(sets[i], conds[i], nc[i], sets[0], &conds[0][c]);
    }
    /* Parameters are numbered in the order they appear: each set's own
     * conditions in the columns, then the shared ones in WHERE. */
    buf_printf(&sql, "SELECT %s", columns);
    for (int i = 0; i < n; i++) {
      int any = 0;
      buf_puts(&sql, ", CASE WHEN ");
      for (int c = 0; c < nc[i]; c++)
        if (!is_common(sets, conds, nc, common, i, c))
          buf_printf(&sql, "%s(%.*s)", any++ ? " AND " : "", (int)conds[i][c].len, conds[i][c].sql);
      buf_printf(&sql, "%s THEN 1 ELSE 0 END", any ? "" : "1 = 1");
    }
    buf_printf(&sql, " FROM \"%s\" WHERE ", sets[0]->k->name);
    int any = 0;
    for (int c = 0; c < nc[0]; c++)
      if (common[c]) buf_printf(&sql, "%s(%.*s)", any++ ? " AND " : "", (int)conds[0][c].len, conds[0][c].sql);
    if (!any) buf_puts(&sql, "1 = 1");
    if (sql.overflow) rc = err_set(e, ERR_TOO_LARGE, "too many conditions to read in one pass");
  }
  if (!rc) rc = store_prepare(s, buf_cstr(&sql), out, e);
  if (!rc) {
    int param = 1;
    for (int i = 0; i < n; i++)
      for (int c = 0; c < nc[i]; c++)
        if (!is_common(sets, conds, nc, common, i, c)) bind_cond(*out, sets[i], &conds[i][c], &param);
    for (int c = 0; c < nc[0]; c++)
      if (common[c]) bind_cond(*out, sets[0], &conds[0][c], &param);
  }
  free(conds);
  free(nc);
  buf_free(&sql);
  return rc;
}

void query_row(stmt *st, record *r) {
  for (int i = 0; i < r->k->nfields; i++) {
    field_from_column(&r->k->fields[i], st, i, &r->v[i]);
    r->present[i] = 1;
  }
}

/* SELECT every column of k WHERE its key = ?1 (AND key2 = ?2). */
static void get_sql(const kind *k, buf *sql) {
  buf_puts(sql, "SELECT ");
  for (int i = 0; i < k->nfields; i++) {
    buf_puts(sql, i ? ", \"" : "\"");
    buf_puts(sql, k->fields[i].name);
    buf_putc(sql, '"');
  }
  buf_printf(sql, " FROM \"%s\" WHERE \"%s\" = ?1", k->name, k->fields[k->key[0]].name);
  if (k->nkey > 1) buf_printf(sql, " AND \"%s\" = ?2", k->fields[k->key[1]].name);
}

int query_read(store *s, const kind *k, const char *id, const char *id2, record *r, arena *a, err *e) {
  buf sql;
  buf_init(&sql, 0);
  get_sql(k, &sql);
  stmt *st = store_cached(s, buf_cstr(&sql), e);
  buf_free(&sql);
  if (!st) return e ? e->code : ERR_DB;
  stmt_bind_text(st, 1, id);
  if (k->nkey > 1) stmt_bind_text(st, 2, id2 ? id2 : "");
  int rc = stmt_step(st, e);
  if (rc == STMT_ROW) {
    record_init(r, k);
    query_row(st, r);
    for (int i = 0; i < k->nfields; i++)
      if (r->v[i].set && r->v[i].s) r->v[i].s = arena_strdup(a, r->v[i].s);
    rc = 1;
  } else if (rc == STMT_DONE) {
    rc = 0;
  }
  stmt_reset(st);
  return rc;
}

int query_get(store *s, const kind *k, const char *id, const char *id2, stmt **st,
              record *r, err *e) {
  *st = NULL;
  buf sql;
  buf_init(&sql, 0);
  get_sql(k, &sql);
  int rc = store_prepare(s, buf_cstr(&sql), st, e);
  buf_free(&sql);
  if (rc) return rc;
  stmt_bind_text(*st, 1, id);
  if (k->nkey > 1) stmt_bind_text(*st, 2, id2 ? id2 : "");
  rc = stmt_step(*st, e);
  if (rc == STMT_ROW) {
    record_init(r, k);
    query_row(*st, r);
    return 1;
  }
  stmt_finalize(*st);
  *st = NULL;
  return rc;
}
