/* query.c: counting, iterating and JSON of records through filter sets. */
#include "model/query.h"

#include <string.h>

#include "core/buf.h"

int query_count(store *s, filter_set *fs, int64_t *out, err *e) {
  buf sql;
  buf_init(&sql, 0);
  buf_printf(&sql, "SELECT count(*) FROM \"%s\" WHERE %s", fs->k->name, filter_where(fs));
  sqlite3_stmt *st;
  int rc = store_prepare(s, buf_cstr(&sql), &st, e);
  buf_free(&sql);
  if (rc) return rc;
  filter_bind_all(fs, st, 1);
  if (sqlite3_step(st) == SQLITE_ROW) {
    *out = sqlite3_column_int64(st, 0);
  } else {
    rc = store_error(s, e, "count");
  }
  sqlite3_finalize(st);
  return rc;
}

int query_open(store *s, filter_set *fs, long limit, sqlite3_stmt **out, err *e) {
  const kind *k = fs->k;
  buf sql;
  buf_init(&sql, 0);
  buf_puts(&sql, "SELECT ");
  for (int i = 0; i < k->nfields; i++) buf_printf(&sql, "%s\"%s\"", i ? ", " : "", k->fields[i].name);
  buf_printf(&sql, " FROM \"%s\" WHERE %s ORDER BY ", k->name, filter_where(fs));
  for (int i = 0; i < k->nkey; i++) buf_printf(&sql, "%s\"%s\"", i ? ", " : "", k->fields[k->key[i]].name);
  if (limit >= 0) buf_printf(&sql, " LIMIT %ld", limit);
  int rc = store_prepare(s, buf_cstr(&sql), out, e);
  buf_free(&sql);
  if (!rc) filter_bind_all(fs, *out, 1);
  return rc;
}

int query_select(store *s, filter_set *fs, const char *columns, const char *order,
                 sqlite3_stmt **out, err *e) {
  buf sql;
  buf_init(&sql, 0);
  buf_printf(&sql, "SELECT %s FROM \"%s\" WHERE %s", columns, fs->k->name, filter_where(fs));
  if (order) buf_printf(&sql, " ORDER BY %s", order);
  int rc = store_prepare(s, buf_cstr(&sql), out, e);
  buf_free(&sql);
  if (!rc) filter_bind_all(fs, *out, 1);
  return rc;
}

void query_row(sqlite3_stmt *st, record *r) {
  for (int i = 0; i < r->k->nfields; i++) {
    field_from_column(&r->k->fields[i], st, i, &r->v[i]);
    r->present[i] = 1;
  }
}

void record_write_json(json_w *w, const record *r) {
  const kind *k = r->k;
  json_obj(w);
  for (int i = 0; i < k->nfields; i++) {
    const field *f = &k->fields[i];
    const fval *v = &r->v[i];
    json_key(w, f->name);
    if (!v->set) {
      json_null(w);
      continue;
    }
    switch (f->type) {
      case FT_INT:
      case FT_COUNT:
        json_int(w, v->i);
        break;
      case FT_BOOL:
        json_bool(w, (int)v->i);
        break;
      case FT_REAL:
      case FT_AREA:
      case FT_PCT:
      case FT_LAT:
      case FT_LON:
        json_real(w, v->d);
        break;
      case FT_LIST:
      case FT_REFLIST:
      case FT_PLACELIST: {
        json_arr(w);
        for (const char *p = v->s; p && *p;) {
          const char *semi = strchr(p, ';');
          size_t len = semi ? (size_t)(semi - p) : strlen(p);
          json_strn(w, p, len);
          p = semi ? semi + 1 : NULL;
        }
        json_arr_end(w);
        break;
      }
      default:
        json_str(w, v->s);
    }
  }
  json_obj_end(w);
}
