/* export.c: CSV, JSON and GeoJSON writers over queries. */
#include "io/export.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "core/jw.h"
#include "model/query.h"
#include "model/recjson.h"

int export_format_parse(const char *name, export_format *out, err *e) {
  if (!strcmp(name, "csv")) *out = EXPORT_CSV_SHEET;
  else if (!strcmp(name, "json")) *out = EXPORT_JSON;
  else if (!strcmp(name, "geojson")) *out = EXPORT_GEOJSON;
  else return err_set(e, ERR_USAGE, "unknown export format '%.40s' (csv, json or geojson)", name);
  return 0;
}

/* Text that a spreadsheet would take for a formula (OWASP: =, +, -, @, tab,
 * carriage return first). Only text columns: bluehelm writes numbers itself. */
static int formula_like(const field *f, const char *s, size_t n) {
  if (!n || !strchr("=+-@\t\r", s[0])) return 0;
  switch (f->type) {
    case FT_INT: case FT_COUNT: case FT_REAL: case FT_AREA: case FT_PCT:
    case FT_LAT: case FT_LON: case FT_DATE: case FT_BOOL:
      return 0;
    default:
      return 1;
  }
}

static void csv_cell(buf *out, const char *s, size_t n) {
  int quote = 0;
  for (size_t i = 0; i < n && !quote; i++)
    quote = s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
  if (!quote) {
    buf_append(out, s, n);
    return;
  }
  buf_putc(out, '"');
  for (size_t i = 0; i < n; i++) {
    if (s[i] == '"') buf_putc(out, '"');
    buf_putc(out, s[i]);
  }
  buf_putc(out, '"');
}

static int flush(buf *b, FILE *out, err *e) {
  if (b->len && fwrite(b->data, 1, b->len, out) != b->len)
    return err_set(e, ERR_IO, "cannot write the export: %s", strerror(errno));
  buf_reset(b);
  return 0;
}

int export_kind(store *s, filter_set *fs, export_format format, FILE *out, err *e) {
  const kind *k = fs->k;
  int ilat = kind_field_index(k, "latitude"), ilon = kind_field_index(k, "longitude");
  if (format == EXPORT_GEOJSON && (ilat < 0 || ilon < 0))
    return err_set(e, ERR_USAGE, "%s have no coordinates: export them as csv or json", k->name);
  stmt *st;
  /* A CSV export writes what was given (FORMATS.md §4.1): defaults stay
   * defaults when it is imported back. */
  int rc = format == EXPORT_CSV || format == EXPORT_CSV_SHEET ? query_open_given(s, fs, -1, &st, e)
                                                               : query_open(s, fs, -1, &st, e);
  if (rc) return rc;
  buf b, cell;
  buf_init(&b, 0);
  buf_init(&cell, 0);
  jw w;
  jw_init(&w, &b, 0);
  int sheet = format == EXPORT_CSV_SHEET;
  if (sheet) format = EXPORT_CSV;
  if (format == EXPORT_CSV) {
    for (int i = 0; i < k->nfields; i++) buf_printf(&b, "%s%s", i ? "," : "", k->fields[i].name);
    buf_putc(&b, '\n');
  } else if (format == EXPORT_JSON) {
    buf_puts(&b, "[");
  } else {
    buf_puts(&b, "{\"type\":\"FeatureCollection\",\"features\":[");
  }
  record r;
  record_init(&r, k);
  long n = 0;
  int step;
  while ((step = stmt_step(st, e)) == STMT_ROW) {
    query_row(st, &r);
    if (format == EXPORT_CSV) {
      for (int i = 0; i < k->nfields; i++) {
        if (i) buf_putc(&b, ',');
        buf_reset(&cell);
        if (sheet && r.v[i].set && r.v[i].s && formula_like(&k->fields[i], r.v[i].s, strlen(r.v[i].s)))
          buf_putc(&cell, '\'');
        field_format(&k->fields[i], &r.v[i], &cell);
        csv_cell(&b, buf_cstr(&cell), cell.len);
      }
      buf_putc(&b, '\n');
    } else if (format == EXPORT_JSON) {
      if (n) buf_putc(&b, ',');
      buf_puts(&b, "\n");
      jw_init(&w, &b, 0);
      recjson_write(&w, &r);
    } else {
      if (n) buf_putc(&b, ',');
      buf_puts(&b, "\n{\"type\":\"Feature\",\"geometry\":");
      jw_init(&w, &b, 0);
      if (r.v[ilat].set && r.v[ilon].set) {
        jw_obj(&w);
        jw_kstr(&w, "type", "Point");
        jw_key(&w, "coordinates");
        jw_arr(&w);
        jw_real(&w, r.v[ilon].d);
        jw_real(&w, r.v[ilat].d);
        jw_arr_end(&w);
        jw_obj_end(&w);
      } else {
        buf_puts(&b, "null");
      }
      buf_puts(&b, ",\"properties\":");
      jw_init(&w, &b, 0);
      recjson_write(&w, &r);
      buf_puts(&b, "}");
    }
    n++;
    if (b.len > (1u << 16) && (rc = flush(&b, out, e))) break;
  }
  if (!rc && step < 0) rc = step;
  if (!rc) {
    if (format == EXPORT_JSON) buf_puts(&b, n ? "\n]\n" : "]\n");
    else if (format == EXPORT_GEOJSON) buf_puts(&b, n ? "\n]}\n" : "]}\n");
    rc = flush(&b, out, e);
  }
  stmt_finalize(st);
  buf_free(&b);
  buf_free(&cell);
  return rc;
}

int export_all(store *s, const char *dir, err *e) {
  if (mkdir(dir, 0777) != 0 && errno != EEXIST)
    return err_set(e, ERR_IO, "cannot create %s: %s", dir, strerror(errno));
  int n;
  const kind *kinds = kind_all(&n);
  for (int i = 0; i < n; i++) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.csv", dir, kinds[i].name);
    FILE *f = fopen(path, "w");
    if (!f) return err_set(e, ERR_IO, "cannot write %s: %s", path, strerror(errno));
    filter_set fs;
    filter_init_all(&fs, &kinds[i]);
    if (!strcmp(kinds[i].name, "places")) filter_add_sql(&fs, "\"_gazetteer\" IS NULL");
    int rc = export_kind(s, &fs, EXPORT_CSV, f, e);
    filter_free(&fs);
    if (fclose(f) != 0 && !rc) rc = err_set(e, ERR_IO, "cannot write %s", path);
    if (rc) return rc;
  }
  return 0;
}
