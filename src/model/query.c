/* query.c: counting, iterating and JSON of records through filter sets. */
#include "model/query.h"

#include <string.h>

#include "core/buf.h"

int query_count(store *s, filter_set *fs, int64_t *out, err *e) {
  buf sql;
  buf_init(&sql, 0);
  buf_printf(&sql, "SELECT count(*) FROM \"%s\" WHERE %s", fs->k->name, filter_where(fs));
  stmt *st;
  int rc = store_prepare(s, buf_cstr(&sql), &st, e);
  buf_free(&sql);
  if (rc) return rc;
  filter_bind_all(fs, st, 1);
  rc = stmt_step(st, e);
  if (rc == STMT_ROW) *out = stmt_int(st, 0);
  stmt_finalize(st);
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

void query_row(stmt *st, record *r) {
  for (int i = 0; i < r->k->nfields; i++) {
    field_from_column(&r->k->fields[i], st, i, &r->v[i]);
    r->present[i] = 1;
  }
}

int query_get(store *s, const kind *k, const char *id, const char *id2, stmt **st,
              record *r, err *e) {
  *st = NULL;
  buf sql;
  buf_init(&sql, 0);
  buf_puts(&sql, "SELECT ");
  for (int i = 0; i < k->nfields; i++) buf_printf(&sql, "%s\"%s\"", i ? ", " : "", k->fields[i].name);
  buf_printf(&sql, " FROM \"%s\" WHERE \"%s\" = ?1", k->name, k->fields[k->key[0]].name);
  if (k->nkey > 1) buf_printf(&sql, " AND \"%s\" = ?2", k->fields[k->key[1]].name);
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
