/* filter.c: FILTER arguments to SQL conditions with bound values. */
#include "model/filter.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/date.h"
#include "core/geo.h"
#include "core/str.h"
#include "model/place.h"
#include "model/record.h"

#define FILTER_VALUES_MAX 256
#define NEAR_CELLS_MAX 4096 /* grid cells near= lists (more: their ranges) */

void filter_init(filter_set *fs, const kind *k) {
  fs->k = k;
  fs->order = NULL;
  fs->walk_key = 0;
  fs->counting = 1;
  fs->lifted = 0;
  buf_init(&fs->where, 1u << 20);
  buf_init(&fs->full, 1u << 20);
  fs->nbinds = 0;
  fs->nconds = 0;
  fs->near.cond = -1;
}

void filter_init_all(filter_set *fs, const kind *k) {
  filter_init(fs, k);
  fs->counting = 0;
}

void filter_free(filter_set *fs) {
  buf_free(&fs->where);
  buf_free(&fs->full);
}

const char *filter_where(filter_set *fs) {
  const char *where = fs->where.len ? buf_cstr(&fs->where) : "1 = 1";
  if (!fs->counting || !fs->k->ncounted) return where;
  /* The rule's conditions hold no bound values: appending them keeps the
   * parameters' order. */
  buf_reset(&fs->full);
  buf_puts(&fs->full, where);
  for (int i = 0; i < fs->k->ncounted; i++)
    if (!(fs->lifted & (1u << i))) buf_printf(&fs->full, " AND %s", fs->k->counted[i].condition);
  return buf_cstr(&fs->full);
}

/* A FILTER on a column of the rule of what counts lifts that part of it. */
static void lift(filter_set *fs, const char *column) {
  for (int i = 0; i < fs->k->ncounted; i++)
    if (!strcmp(fs->k->counted[i].column, column)) fs->lifted |= 1u << i;
}

void filter_add_sql(filter_set *fs, const char *sql) {
  buf_printf(&fs->where, "%s(%s)", fs->where.len ? " AND " : "", sql);
  if (fs->nconds < 0) return;
  if (fs->nconds == FILTER_CONDS_MAX) {
    fs->nconds = -1;
    return;
  }
  fs->cond_col[fs->nconds] = NULL;
  fs->cond_end[fs->nconds++] = (unsigned)fs->where.len;
}

/* The '?' placeholders of bluehelm's SQL, outside quoted strings and names. */
static int placeholders(const char *sql, size_t len) {
  int n = 0;
  char quote = 0;
  for (size_t i = 0; i < len; i++) {
    char ch = sql[i];
    if (quote) {
      if (ch == quote) quote = 0;
    } else if (ch == '\'' || ch == '"') {
      quote = ch;
    } else if (ch == '?') {
      n++;
    }
  }
  return n;
}

int filter_conds(const filter_set *fs, filter_cond *out, int max) {
  if (fs->nconds < 0 || fs->nconds > max || fs->where.overflow) return -1;
  unsigned start = 0;
  int bind = 0;
  for (int i = 0; i < fs->nconds; i++) {
    /* " AND (" before every condition but the first, ")" after each. */
    unsigned open = start + (i ? 6 : 1), end = fs->cond_end[i] - 1;
    out[i].sql = fs->where.data + open;
    out[i].len = end - open;
    out[i].bind0 = bind;
    out[i].nbinds = placeholders(out[i].sql, out[i].len);
    out[i].column = fs->cond_col[i];
    bind += out[i].nbinds;
    start = fs->cond_end[i];
  }
  if (bind != fs->nbinds) return -1;
  int n = fs->nconds;
  /* Then the parts of the rule of what counts that apply (no bound values). */
  for (int i = 0; fs->counting && i < fs->k->ncounted; i++) {
    if (fs->lifted & (1u << i)) continue;
    if (n == max) return -1;
    out[n].sql = fs->k->counted[i].condition;
    out[n].len = strlen(out[n].sql);
    out[n].bind0 = bind;
    out[n].nbinds = 0;
    out[n].column = NULL;
    n++;
  }
  return n;
}

int filter_bind_all(const filter_set *fs, stmt *st, int first) {
  for (int i = 0; i < fs->nbinds; i++) stmt_bind_value(st, first + i, &fs->binds[i]);
  return first + fs->nbinds;
}

static int add_bind(filter_set *fs, filter_bind b, err *e) {
  if (fs->nbinds >= FILTER_BINDS_MAX)
    return err_set(e, ERR_USAGE, "too many filter values (at most %d)", FILTER_BINDS_MAX);
  fs->binds[fs->nbinds++] = b;
  return 0;
}

int filter_split(const char *arg, char **column, const char **op, char **value, arena *a,
                 err *e) {
  static const char *ops[] = {"!=", ">=", "<=", "=", ">", "<"};
  size_t n = strcspn(arg, "=!<>");
  if (!arg[n] || n == 0)
    return err_set(e, ERR_USAGE, "'%.80s' is not a filter (column=value, column>=value, near=PLACE:KM)", arg);
  for (unsigned i = 0; i < sizeof ops / sizeof ops[0]; i++)
    if (str_has_prefix(arg + n, ops[i])) {
      *op = ops[i];
      *column = arena_strndup(a, arg, n);
      *value = arena_strdup(a, arg + n + strlen(ops[i]));
      return 0;
    }
  return err_set(e, ERR_USAGE, "'%.80s' has no known operator (= != >= <= > <)", arg);
}

/* Splits value on unescaped commas ("\," is a comma); returns the count. */
static int split_values(const char *value, char **out, int max, arena *a) {
  int n = 0;
  size_t len = strlen(value);
  char *cur = arena_alloc(a, len + 1);
  size_t c = 0;
  for (size_t i = 0; i <= len; i++) {
    if (value[i] == '\\' && value[i + 1] == ',') {
      cur[c++] = ',';
      i++;
    } else if (value[i] == ',' || value[i] == 0) {
      cur[c] = 0;
      if (n < max) out[n++] = cur;
      cur += c + 1;
      c = 0;
    } else {
      cur[c++] = value[i];
    }
  }
  return n;
}

/* An empty item in a filter's list of values ("admin1=,", "tags=a,"): a
 * validation error, since "no value" is written as the whole value empty. */
static int empty_item(err *e, const char *column, const char *value) {
  return err_set(e, ERR_USAGE,
                 "filter %s: an empty item in '%.80s' (a list is a,b; write %s= alone for records with no value)",
                 column, value, column);
}

static int bind_value(filter_set *fs, const field *f, const fval *v, err *e) {
  static const store_type types[] = {STORE_INT, STORE_REAL, STORE_TEXT};
  filter_bind b = {.type = types[field_storage_of(f)], .i = v->i, .d = v->d, .s = v->s};
  return add_bind(fs, b, e);
}

/* Validates one filter value as the field would validate it on import. */
static int parse_value(store *s, const field *f, const char *raw, fval *v, arena *a, err *e) {
  field tmp = *f;
  /* Places and references are matched as given; lists by their items. */
  if (f->type == FT_PLACE || f->type == FT_PLACELIST) tmp.type = FT_TEXT;
  else if (f->type == FT_REFLIST) tmp.type = FT_REF;
  else if (f->type == FT_LIST) tmp.type = FT_TEXT;
  err fe;
  if (field_parse(s, &tmp, raw, v, a, &fe))
    return err_set(e, ERR_USAGE, "filter %s: %s", f->name, fe.msg);
  return 0;
}

static int add_near(filter_set *fs, store *s, const char *value, arena *a, err *e) {
  const kind *k = fs->k;
  const char *colon = strrchr(value, ':');
  double km;
  if (!colon || str_to_double(colon + 1, &km) || km < 0)
    return err_set(e, ERR_USAGE, "near=%.80s: write near=PLACE:KM (a place and a distance in km)", value);
  char *name = arena_strndup(a, value, (size_t)(colon - value));
  place_match m;
  int found = place_resolve(s, name, &m, a, e);
  if (found < 0) return found;
  if (!found) return err_set(e, ERR_USAGE, "near=%.80s: no place has that id or name", value);
  int coords = kind_field(k, "latitude") && kind_field(k, "longitude");
  const char *pcol = NULL;
  for (int i = 0; !coords && i < k->nfields && !pcol; i++)
    if (k->fields[i].type == FT_PLACE) pcol = k->fields[i].name;
  if (!coords && !pcol)
    return err_set(e, ERR_USAGE, "near= does not apply to %s: they have no coordinates or place",
                   k->name);
  buf cond;
  buf_init(&cond, 1 << 16);
  int split = -1;
  long *inside = NULL, *edge = NULL;
  int ninside = 0, nedge = 0;
  if (strcmp(k->name, "events") == 0) {
    /* The grid cells the circle covers (the events' _cell index), as a
     * list; those wholly inside it let a count read the number of their
     * events instead of the events (query_count). */
    inside = arena_alloc(a, NEAR_CELLS_MAX * sizeof *inside);
    edge = arena_alloc(a, NEAR_CELLS_MAX * sizeof *edge);
    split = geo_cell_split(m.latitude, m.longitude, km, inside, &ninside, edge, &nedge, NEAR_CELLS_MAX);
    if (!split && ninside + nedge > 0) {
      buf_puts(&cond, "\"_cell\" IN (");
      for (int i = 0; i < ninside + nedge; i++)
        buf_printf(&cond, "%s%ld", i ? ", " : "", i < ninside ? inside[i] : edge[i - ninside]);
      buf_puts(&cond, ") AND ");
    } else {
      geo_range ranges[64];
      int nr = geo_cell_ranges(m.latitude, m.longitude, km, ranges, 64);
      if (nr > 0) {
        buf_puts(&cond, "(");
        for (int i = 0; i < nr; i++) {
          buf_printf(&cond, "%s\"_cell\" BETWEEN %ld AND %ld", i ? " OR " : "", ranges[i].lo, ranges[i].hi);
        }
        buf_puts(&cond, ") AND ");
      }
    }
  }
  if (coords)
    buf_puts(&cond, "bh_distance(\"latitude\", \"longitude\", ?, ?) <= ?");
  else /* through the record's place and its coordinates */
    buf_printf(&cond,
               "bh_distance((SELECT latitude FROM places _p WHERE _p.place_id = \"%s\"), "
               "(SELECT longitude FROM places _p WHERE _p.place_id = \"%s\"), ?, ?) <= ?",
               pcol, pcol);
  filter_add_sql(fs, buf_cstr(&cond));
  buf_free(&cond);
  if (!split && fs->near.cond < 0 && fs->nconds > 0) {
    fs->near.cond = fs->nconds - 1;
    fs->near.inside = inside;
    fs->near.ninside = ninside;
    fs->near.edge = edge;
    fs->near.nedge = nedge;
  }
  int rc = add_bind(fs, (filter_bind){.type = STORE_REAL, .d = m.latitude}, e);
  if (!rc) rc = add_bind(fs, (filter_bind){.type = STORE_REAL, .d = m.longitude}, e);
  if (!rc) rc = add_bind(fs, (filter_bind){.type = STORE_REAL, .d = km}, e);
  return rc;
}

static int add_overlap(filter_set *fs, const char *start_col, const char *end_col, const char *from,
                       const char *to, arena *a, err *e);

/* during=D1..D2: records whose own period (start..end, or planned_start..
 * planned_end) shares a day with D1..D2; an empty end means still going. */
static int add_during(filter_set *fs, const char *op, const char *value, arena *a, err *e) {
  const kind *k = fs->k;
  const char *s1 = kind_field(k, "start") ? "start" : kind_field(k, "planned_start") ? "planned_start" : NULL;
  const char *s2 = kind_field(k, "end") ? "end" : kind_field(k, "planned_end") ? "planned_end" : NULL;
  if (!s1 || !s2) return err_set(e, ERR_USAGE, "during= needs a kind with start and end dates, not %s", k->name);
  const char *dots = strstr(value, "..");
  int d1, d2;
  char x[16], y[16];
  if (strcmp(op, "=") || !dots || dots - value > 10 || strlen(dots + 2) > 10)
    return err_set(e, ERR_USAGE, "write during=YYYY-MM-DD..YYYY-MM-DD");
  snprintf(x, sizeof x, "%.*s", (int)(dots - value), value);
  snprintf(y, sizeof y, "%s", dots + 2);
  if (date_parse_iso(x, &d1) || date_parse_iso(y, &d2) || d1 > d2)
    return err_set(e, ERR_USAGE, "during=%.40s: two dates, the first not after the second", value);
  return add_overlap(fs, s1, s2, x, y, a, e);
}

/* sector= on a kind without a sector column: the sector of its (first)
 * place, else of the unit it names as that unit stood on the
 * record's main date (today for kinds without one): API.md's rule as far as
 * SQL reaches (record_sector goes further, through other records). */
static int add_sector(filter_set *fs, const char *op, const char *value, arena *a, err *e) {
  const kind *k = fs->k;
  /* Columns of the record are qualified with its table: unit_states has
   * columns of the same names. */
  buf parts;
  buf_init(&parts, 1 << 14);
  const char *admin1 = kind_field(k, "admin1") ? "\"admin1\"" : "NULL";
  for (int i = 0; i < k->nfields && !parts.len; i++)
    if (k->fields[i].type == FT_PLACE)
      buf_printf(&parts, "bh_sector(\"%s\", %s)", k->fields[i].name, admin1);
  const char *day = "CAST(CURRENT_DATE AS TEXT)";
  if (k->date_field)
    day = arena_printf(a, "COALESCE(substr(\"%s\".\"%s\", 1, 10), CAST(CURRENT_DATE AS TEXT))", k->name, k->date_field);
  for (int i = 0; i < k->nfields; i++)
    if (k->fields[i].type == FT_REF && !strcmp(k->fields[i].arg, "units"))
      buf_printf(&parts,
                 "%s(SELECT COALESCE(_u.sector, bh_sector(_u.location, NULL)) FROM unit_states _u "
                 "WHERE _u.unit_id = \"%s\".\"%s\" AND _u.valid_from <= %s AND %s < _u.valid_to)",
                 parts.len ? ", " : "", k->name, k->fields[i].name, day, day);
  const char *expr = NULL;
  if (parts.len) expr = arena_printf(a, "COALESCE(%s, NULL)", buf_cstr(&parts));
  buf_free(&parts);
  if (!expr) return err_set(e, ERR_USAGE, "unknown column 'sector' for %s", k->name);
  if (strcmp(op, "=") && strcmp(op, "!="))
    return err_set(e, ERR_USAGE, "sector takes = or !=");
  char *vals[FILTER_VALUES_MAX];
  int nv = value[0] ? split_values(value, vals, FILTER_VALUES_MAX, a) : 0;
  for (int i = 0; i < nv; i++)
    if (!vals[i][0]) return empty_item(e, "sector", value);
  buf cond;
  buf_init(&cond, 1 << 16);
  buf_printf(&cond, "%s IN (", expr);
  for (int i = 0; i < nv; i++) buf_puts(&cond, i ? ", ?" : "?");
  buf_puts(&cond, ")");
  if (!strcmp(op, "!=")) {
    char *inner = arena_strdup(a, buf_cstr(&cond));
    buf_reset(&cond);
    buf_printf(&cond, "NOT (%s) OR %s IS NULL", inner, expr);
  }
  if (!nv) {
    buf_reset(&cond);
    buf_printf(&cond, "%s IS %sNULL", expr, strcmp(op, "=") ? "NOT " : "");
  }
  filter_add_sql(fs, buf_cstr(&cond));
  buf_free(&cond);
  int rc = 0;
  for (int i = 0; i < nv && !rc; i++) rc = add_bind(fs, (filter_bind){.type = STORE_TEXT, .s = vals[i]}, e);
  return rc;
}

static int add_op(filter_set *fs, store *s, const char *column, const char *op, const char *value,
                  arena *a, err *e);

int filter_add_op(filter_set *fs, store *s, const char *column, const char *op,
                  const char *value, arena *a, err *e) {
  int before = fs->nconds;
  int rc = add_op(fs, s, column, op, value, a, e);
  /* The condition on a column of the kind remembers it (a count's period,
   * for query_batch_open). */
  const field *f = kind_field(fs->k, column);
  if (!rc && f && before >= 0 && fs->nconds == before + 1) fs->cond_col[before] = f->name;
  return rc;
}

static int add_op(filter_set *fs, store *s, const char *column, const char *op, const char *value,
                  arena *a, err *e) {
  const kind *k = fs->k;
  value = arena_strdup(a, value); /* bound values must outlive the caller's buffer */
  if (strcmp(column, "near") == 0) {
    if (strcmp(op, "=") != 0) return err_set(e, ERR_USAGE, "near takes '=': near=PLACE:KM");
    return add_near(fs, s, value, a, e);
  }
  const field *f = kind_field(k, column);
  if (!f && !strcmp(column, "sector")) return add_sector(fs, op, value, a, e);
  if (!f && !strcmp(column, "during")) return add_during(fs, op, value, a, e);
  if (!f) return err_set(e, ERR_USAGE, "unknown column '%.60s' for %s", column, k->name);
  lift(fs, f->name);
  int eq = strcmp(op, "=") == 0, ne = strcmp(op, "!=") == 0;
  char col[80];
  snprintf(col, sizeof col, "\"%s\"", f->name);
  if (!value[0]) {
    if (eq) filter_add_sql(fs, arena_printf(a, "%s IS NULL", col));
    else if (ne) filter_add_sql(fs, arena_printf(a, "%s IS NOT NULL", col));
    else return err_set(e, ERR_USAGE, "filter %s%s needs a value", column, op);
    return 0;
  }
  char *vals[FILTER_VALUES_MAX];
  int nv = (eq || ne) ? split_values(value, vals, FILTER_VALUES_MAX, a) : 1;
  if (!(eq || ne)) vals[0] = (char *)value;
  buf cond;
  buf_init(&cond, 1 << 20);
  int rc = 0;
  int place = f->type == FT_PLACE || f->type == FT_PLACELIST;
  int list = field_is_list(f);
  if (!eq && !ne && (list || place)) {
    rc = err_set(e, ERR_USAGE, "filter %s: only = and != apply to this column", column);
    goto done;
  }
  buf_puts(&cond, ne ? "NOT (" : "(");
  for (int i = 0; i < nv; i++) {
    fval v;
    /* A date against a datetime column compares with the datetime's day. */
    int day_of = f->type == FT_DATETIME && strlen(vals[i]) == 10;
    field as_date = *f;
    as_date.type = FT_DATE;
    if ((rc = parse_value(s, day_of ? &as_date : f, vals[i], &v, a, e))) goto done;
    if (!v.set) { /* "a,", ",", " ": an item with no value is never a match */
      rc = empty_item(e, column, value);
      goto done;
    }
    if (i) buf_puts(&cond, eq || ne ? " OR " : " AND ");
    if (day_of) {
      buf_printf(&cond, "substr(%s, 1, 10) %s ?", col, eq || ne ? "=" : op);
      if ((rc = bind_value(fs, f, &v, e))) goto done;
      continue;
    }
    if (place && f->type == FT_PLACE) {
      place_match m;
      int found = place_resolve(s, vals[i], &m, a, e);
      if (found < 0) {
        rc = found;
        goto done;
      }
      if (found) v.s = m.place_id;
      buf_printf(&cond, "%s IN " PLACE_WITHIN_SQL, col);
    } else if (place) {
      place_match m;
      int found = place_resolve(s, vals[i], &m, a, e);
      if (found < 0) {
        rc = found;
        goto done;
      }
      if (found) v.s = m.place_id;
      buf_printf(&cond,
                 "EXISTS (SELECT 1 FROM " PLACE_WITHIN_SQL " _w WHERE instr(';' || %s || ';', "
                 "';' || _w.id || ';') > 0)",
                 col);
    } else if (list) {
      buf_printf(&cond, "instr(';' || %s || ';', ';' || ? || ';') > 0", col);
    } else if (eq || ne) {
      buf_printf(&cond, "%s = ?", col);
    } else {
      buf_printf(&cond, "%s %s ?", col, op);
    }
    if ((rc = bind_value(fs, f, &v, e))) goto done;
  }
  buf_puts(&cond, ")");
  if (ne) buf_printf(&cond, " OR %s IS NULL", col);
  filter_add_sql(fs, buf_cstr(&cond));
done:
  buf_free(&cond);
  return rc;
}

int filter_add(filter_set *fs, store *s, const char *arg, arena *a, err *e) {
  char *column, *value;
  const char *op;
  int rc = filter_split(arg, &column, &op, &value, a, e);
  if (rc) return rc;
  return filter_add_op(fs, s, column, op, value, a, e);
}

const char *filter_query_op(const char **value) {
  static const struct {
    const char *prefix, *op;
  } ops[] = {{"ne:", "!="}, {"ge:", ">="}, {"le:", "<="}, {"gt:", ">"}, {"lt:", "<"}, {"eq:", "="}};
  for (unsigned j = 0; j < sizeof ops / sizeof ops[0]; j++)
    if (str_has_prefix(*value, ops[j].prefix)) {
      *value += strlen(ops[j].prefix);
      return ops[j].op;
    }
  return "=";
}

int filter_add_query(filter_set *fs, store *s, const char *key, const char *value, arena *a,
                     err *e) {
  const char *op = filter_query_op(&value);
  return filter_add_op(fs, s, key, op, value, a, e);
}

int filter_add_after(filter_set *fs, const char *key1, const char *key2, arena *a, err *e) {
  const kind *k = fs->k;
  const char *k1 = k->fields[k->key[0]].name;
  if (k->nkey < 2) {
    filter_add_sql(fs, arena_printf(a, "\"%s\" > ?", k1));
    return add_bind(fs, (filter_bind){.type = STORE_TEXT, .s = arena_strdup(a, key1)}, e);
  }
  const char *k2 = k->fields[k->key[1]].name;
  filter_add_sql(fs, arena_printf(a, "(\"%s\", \"%s\") > (?, ?)", k1, k2));
  int rc = add_bind(fs, (filter_bind){.type = STORE_TEXT, .s = arena_strdup(a, key1)}, e);
  if (!rc) rc = add_bind(fs, (filter_bind){.type = STORE_TEXT, .s = arena_strdup(a, key2 ? key2 : "")}, e);
  return rc;
}

static int add_overlap(filter_set *fs, const char *start_col, const char *end_col, const char *from,
                       const char *to, arena *a, err *e) {
  if (!kind_field(fs->k, start_col) || !kind_field(fs->k, end_col))
    return err_set(e, ERR_USAGE, "%s has no %s and %s", fs->k->name, start_col, end_col);
  filter_add_sql(fs, arena_printf(a, "\"%s\" <= ? AND (\"%s\" IS NULL OR \"%s\" >= ?)", start_col, end_col,
                                  end_col));
  int rc = add_bind(fs, (filter_bind){.type = STORE_TEXT, .s = arena_strdup(a, to)}, e);
  if (!rc) rc = add_bind(fs, (filter_bind){.type = STORE_TEXT, .s = arena_strdup(a, from)}, e);
  return rc;
}

int filter_add_bound(filter_set *fs, const char *sql, int n, const char *const *texts, arena *a, err *e) {
  filter_add_sql(fs, sql);
  int rc = 0;
  for (int i = 0; i < n && !rc; i++)
    rc = add_bind(fs, (filter_bind){.type = STORE_TEXT, .s = arena_strdup(a, texts[i])}, e);
  return rc;
}
