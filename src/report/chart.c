/* chart.c: report charts: data from indicators or the store, drawn as SVG
 * by hand (bars, stacked bars, a map of Mali's regions with the events). */
#include "report/chart.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/indicator.h"
#include "core/date.h"
#include "core/embed.h"
#include "core/jw.h"
#include "model/filter.h"
#include "model/query.h"
#include "report/label.h"

#define BOUNDARIES_FILE "data/boundaries/geoboundaries_mli_adm1_simplified.geojson"
#define CHART_W 640
#define CHART_H 260

/* Colours for ACLED's event types and for plain series (readable in print). */
static const struct {
  const char *type, *colour;
} type_colours[] = {
    {"Battles", "#b2182b"},
    {"Violence against civilians", "#ef8a62"},
    {"Explosions/Remote violence", "#2166ac"},
    {"Riots", "#762a83"},
    {"Protests", "#5aae61"},
    {"Strategic developments", "#8c8c8c"},
};
static const char *const palette[] = {"#2166ac", "#b2182b", "#5aae61", "#ef8a62", "#762a83", "#8c8c8c"};

static const char *colour_of(const char *name, int i) {
  for (unsigned k = 0; k < sizeof type_colours / sizeof type_colours[0]; k++)
    if (name && !strcmp(name, type_colours[k].type)) return type_colours[k].colour;
  return palette[i % 6];
}

/* The map's projection and its cells (defined with the drawing, below). */
#define MAP_POINTS_MAX 4000 /* more events are drawn as counts per cell */
#define MAP_CELL_W 101
#define MAP_CELL_H 160
static void map_xy(double lon, double lat, double *x, double *y);

/* A one-series bar chart from the object at key of an indicator result,
 * with the ids of every figure under records_prefix. */
static json_t *bars_from(json_t *res, const ind_records *recs, const char *key, const char *records_prefix,
                         ind_records *ids) {
  json_t *obj = json_object_get(res, key);
  json_t *labels = json_array(), *values = json_array();
  const char *k;
  json_t *v;
  json_object_foreach(obj, k, v) {
    json_array_append_new(labels, json_string(k));
    json_array_append_new(values, json_real(json_number_value(v)));
  }
  size_t pl = strlen(records_prefix);
  ind_records_add(ids, "records", NULL, 0);
  for (int i = 0; recs && i < recs->n; i++) {
    if (strncmp(recs->figs[i].name, records_prefix, pl)) continue;
    for (long j = 0; j < recs->figs[i].n; j++) ind_records_add(ids, "records", recs->figs[i].ids[j], 0);
  }
  json_t *series = json_pack("[{s:s, s:o}]", "name", key, "values", values);
  return json_pack("{s:o, s:o}", "labels", labels, "series", series);
}

/* The ids of one figure of recs, borrowed, as the chart's records. */
static void ids_from(const ind_records *recs, const char *figure, ind_records *ids) {
  const char *const *list;
  long n = ind_records_get(recs, figure, &list);
  ind_records_add(ids, "records", NULL, 0);
  for (long i = 0; i < n; i++) ind_records_add(ids, "records", list[i], 0);
}

/* Weekly incidents by type: the `weekly` indicator, as stacked bars. */
static int weekly_incidents(int from, int to, int nargs, const char **args, chart_run_fn run, void *ctx,
                            json_t **data, ind_records *ids, err *e) {
  if (from == INT_MIN || to == INT_MAX) return err_set(e, ERR_USAGE, "weekly-incidents needs from and to");
  char a_from[32], a_to[32], d[11];
  snprintf(a_from, sizeof a_from, "from=%s", date_format(from, d));
  snprintf(a_to, sizeof a_to, "to=%s", date_format(to, d));
  const char *argv[IND_PARAMS_MAX];
  int n = 0;
  argv[n++] = a_from;
  argv[n++] = a_to;
  for (int i = 0; i < nargs && n < IND_PARAMS_MAX; i++) argv[n++] = args[i];
  const ind_records *recs;
  json_t *res = run(ctx, "weekly", n, argv, &recs, e);
  if (!res) return e->code ? e->code : ERR_INTERNAL;
  json_t *series = json_array();
  json_t *by = json_object_get(res, "series");
  /* ACLED's types first, in a fixed order, so colours and stacks stay put. */
  for (unsigned t = 0; t < sizeof type_colours / sizeof type_colours[0]; t++) {
    json_t *v = json_object_get(by, type_colours[t].type);
    if (v) json_array_append_new(series, json_pack("{s:s, s:O}", "name", type_colours[t].type, "values", v));
  }
  ids_from(recs, "total", ids);
  *data = json_pack("{s:O, s:o, s:b}", "labels", json_object_get(res, "weeks"), "series", series, "stacked", 1);
  return 0;
}

typedef struct map_point {
  const char *id, *type;
  double lon, lat;
} map_point;

static int point_order(const void *a, const void *b) {
  return strcmp(((const map_point *)a)->id, ((const map_point *)b)->id);
}

/* The map's events: their number ("n"), and either each point ("points":
 * [lon, lat, event_type]) or, when there are more than MAP_POINTS_MAX, how
 * many fall in each cell of the drawing ("cells": [x, y, count], row by
 * row). */
static int map_points(store *s, int from, int to, int nargs, const char **args, const char *vis,
                      json_t **data, ind_records *ids, err *e) {
  filter_set fs;
  filter_init(&fs, kind_find("events"));
  if (vis) filter_add_sql(&fs, vis);
  filter_add_sql(&fs, "\"latitude\" IS NOT NULL");
  arena a;
  arena_init(&a);
  char d1[11], d2[11];
  int rc = 0;
  if (from != INT_MIN) rc = filter_add_op(&fs, s, "event_date", ">=", date_format(from, d1), &a, e);
  if (!rc && to != INT_MAX) rc = filter_add_op(&fs, s, "event_date", "<=", date_format(to, d2), &a, e);
  for (int i = 0; !rc && i < nargs; i++) rc = filter_add(&fs, s, args[i], &a, e);
  stmt *st = NULL;
  if (!rc) rc = query_select(s, &fs, "event_id_cnty, longitude, latitude, event_type", NULL, &st, e);
  /* Read unordered, then sorted by id here (byte order, as ORDER BY on the
   * key would give them, for less work). */
  map_point *p = NULL;
  long n = 0, cap = 0;
  int step = STMT_DONE;
  while (!rc && (step = stmt_step(st, e)) == STMT_ROW) {
    if (n == cap) {
      cap = cap ? cap * 2 : 1024;
      p = xrealloc(p, (size_t)cap * sizeof *p);
    }
    p[n].id = arena_strdup(&a, stmt_text(st, 0));
    p[n].lon = stmt_double(st, 1);
    p[n].lat = stmt_double(st, 2);
    p[n].type = arena_strdup(&a, stmt_text(st, 3));
    n++;
  }
  if (!rc && step < 0) rc = step;
  if (st) stmt_finalize(st);
  filter_free(&fs);
  json_t *pts = json_array();
  static _Thread_local int cells[MAP_CELL_H][MAP_CELL_W];
  memset(cells, 0, sizeof cells);
  ind_records_add(ids, "records", NULL, 0);
  if (!rc && n) qsort(p, (size_t)n, sizeof *p, point_order);
  for (long i = 0; !rc && i < n; i++) {
    double x, y;
    if (n <= MAP_POINTS_MAX) {
      json_t *pt = json_array();
      json_array_append_new(pt, json_real(p[i].lon));
      json_array_append_new(pt, json_real(p[i].lat));
      json_array_append_new(pt, json_string(p[i].type));
      json_array_append_new(pts, pt);
    }
    map_xy(p[i].lon, p[i].lat, &x, &y);
    int cx = (int)(x / 6), cy = (int)(y / 6);
    if (cx >= 0 && cx < MAP_CELL_W && cy >= 0 && cy < MAP_CELL_H) cells[cy][cx]++;
    ind_records_add(ids, "records", p[i].id, 1);
  }
  free(p);
  arena_free(&a);
  if (rc) {
    json_decref(pts);
    return rc;
  }
  if (n > MAP_POINTS_MAX) {
    json_t *cl = json_array();
    for (int cy = 0; cy < MAP_CELL_H; cy++)
      for (int cx = 0; cx < MAP_CELL_W; cx++)
        if (cells[cy][cx]) json_array_append_new(cl, json_pack("[i, i, i]", cx, cy, cells[cy][cx]));
    *data = json_pack("{s:I, s:o}", "n", (json_int_t)n, "cells", cl);
    json_decref(pts);
  } else {
    *data = json_pack("{s:I, s:o}", "n", (json_int_t)n, "points", pts);
  }
  return 0;
}

static int chart_fail(ind_records **ids, int rc) {
  ind_records_free(*ids);
  *ids = NULL;
  return rc;
}

/* "from D1 to D2" / "du D1 au D2", or "as of D2" / "au D2", in words. */
static void period_words(buf *t, int from, int to, lang l, int as_of) {
  if (as_of) {
    buf_puts(t, l == LANG_FR ? "au " : "as of ");
    if (to != INT_MAX) lang_date(t, to, l);
    return;
  }
  if (from == INT_MIN || to == INT_MAX) return;
  buf_puts(t, l == LANG_FR ? "du " : "");
  lang_date(t, from, l);
  buf_puts(t, l == LANG_FR ? " au " : " to ");
  lang_date(t, to, l);
}

int chart_collect(store *s, const char *name, int from, int to, lang l, int nargs, const char **args,
                  const char *visibility, chart_run_fn run, void *ctx, json_t **data, char **title,
                  ind_records **ids, err *e) {
  char d1[11] = "", d2[11] = "";
  if (from != INT_MIN) date_format(from, d1);
  if (to != INT_MAX) date_format(to, d2);
  char a_from[32], a_to[32], a_asof[32];
  snprintf(a_from, sizeof a_from, "from=%s", d1);
  snprintf(a_to, sizeof a_to, "to=%s", d2);
  snprintf(a_asof, sizeof a_asof, "as_of=%s", d2);
  const char *argv[IND_PARAMS_MAX];
  int n = 0;
  *data = NULL;
  *ids = ind_records_new();
  int fr = l == LANG_FR;
  buf t;
  buf_init(&t, 4096);
  if (!strcmp(name, "weekly-incidents")) {
    buf_puts(&t, fr ? "Incidents par semaine et par type, " : "Incidents per week by type, ");
    period_words(&t, from, to, l, 0);
    int rc = weekly_incidents(from, to, nargs, args, run, ctx, data, *ids, e);
    if (rc) {
      buf_free(&t);
      return chart_fail(ids, rc);
    }
  } else if (!strcmp(name, "map")) {
    buf_puts(&t, fr ? "Événements de la période, " : "Events of the period, ");
    period_words(&t, from, to, l, 0);
    int rc = map_points(s, from, to, nargs, args, visibility, data, *ids, e);
    if (rc) {
      buf_free(&t);
      return chart_fail(ids, rc);
    }
  } else {
    const char *ind = NULL, *key = NULL, *prefix = NULL;
    if (!strcmp(name, "ied-outcomes")) {
      ind = "ied";
      buf_puts(&t, fr ? "Engins explosifs improvisés, " : "Improvised explosive devices, ");
      period_words(&t, from, to, l, 0);
    } else if (!strcmp(name, "serviceability-causes")) {
      ind = "serviceability";
      key = "unserviceable_by_cause";
      prefix = "unserviceable_by_cause.";
      buf_puts(&t, fr ? "Véhicules hors d'usage par cause, " : "Unserviceable vehicles by cause, ");
      period_words(&t, from, to, l, 1);
    } else if (!strcmp(name, "notifications")) {
      ind = "convoy-compliance";
      key = "notifications_by_month";
      prefix = "notifications_by_month.";
      buf_puts(&t, fr ? "Notifications de convois par mois, " : "Convoy notifications by month, ");
      period_words(&t, from, to, l, 0);
    } else {
      buf_free(&t);
      return chart_fail(ids, err_set(e, ERR_USAGE, "unknown chart '%.40s' (weekly-incidents, ied-outcomes, serviceability-causes, notifications, map)", name));
    }
    if (!strcmp(ind, "serviceability")) argv[n++] = a_asof;
    else {
      if (d1[0]) argv[n++] = a_from;
      if (d2[0]) argv[n++] = a_to;
    }
    for (int i = 0; i < nargs && n < IND_PARAMS_MAX; i++) argv[n++] = args[i];
    const ind_records *recs;
    json_t *res = run(ctx, ind, n, argv, &recs, e);
    if (!res) {
      buf_free(&t);
      return chart_fail(ids, e->code ? e->code : ERR_INTERNAL);
    }
    if (key) {
      *data = bars_from(res, recs, key, prefix, *ids);
    } else {
      /* IED outcomes: used, against the mission, neutralized, detonated. */
      static const char *const k4[] = {"used", "against_mission", "neutralized", "detonated"};
      json_t *labels = json_array(), *values = json_array();
      for (int i = 0; i < 4; i++) {
        json_array_append_new(labels, json_string(k4[i]));
        json_array_append_new(values, json_real(json_number_value(json_object_get(res, k4[i]))));
      }
      ids_from(recs, "used", *ids);
      *data = json_pack("{s:o, s:[{s:s, s:o}]}", "labels", labels, "series", "name", "IEDs", "values", values);
    }
  }
  *title = xstrdup(buf_cstr(&t));
  buf_free(&t);
  return 0;
}

/* ------------------------------------------------------------- drawing */

static void svg_text(buf *out, const char *s) {
  for (; *s; s++) {
    switch (*s) {
      case '<': buf_puts(out, "&lt;"); break;
      case '>': buf_puts(out, "&gt;"); break;
      case '&': buf_puts(out, "&amp;"); break;
      case '"': buf_puts(out, "&quot;"); break;
      default: buf_putc(out, *s);
    }
  }
}

/* The top of the axis: four ticks of a round step (1, 2, 3 or 5 times a
 * power of ten, at least 1, since most charts count records). */
static double nice_max(double v) {
  double raw = v / 4;
  if (raw <= 1) return 4;
  double p = pow(10, floor(log10(raw)));
  static const double steps[] = {1, 2, 3, 5, 10};
  for (int i = 0; i < 5; i++)
    if (steps[i] * p >= raw) return 4 * steps[i] * p;
  return 40 * p;
}

/* A label or series name as the chart shows it in language l: a week as a
 * short date, a month by name, a word by its label. */
static void label_svg(buf *out, const char *key, lang l, int axis) {
  buf t;
  buf_init(&t, 4096);
  int d;
  if (axis && key && !date_parse_iso(key, &d)) lang_date_short(&t, d, l);
  else report_key_text(&t, key ? key : "", l, 0);
  svg_text(out, buf_cstr(&t));
  buf_free(&t);
}

static void number_svg(buf *out, double v, lang l) { lang_number(out, v, 1, l); }

static void bars_svg(const char *title, json_t *data, lang l, buf *out) {
  json_t *labels = json_object_get(data, "labels"), *series = json_object_get(data, "series");
  int stacked = json_is_true(json_object_get(data, "stacked"));
  size_t nl = json_array_size(labels), ns = json_array_size(series);
  double max = 0;
  for (size_t i = 0; i < nl; i++) {
    double sum = 0;
    for (size_t k = 0; k < ns; k++) {
      double v = json_number_value(json_array_get(json_object_get(json_array_get(series, k), "values"), i));
      if (stacked) sum += v;
      else if (v > sum) sum = v;
    }
    if (sum > max) max = sum;
  }
  max = nice_max(max);
  const double left = 44, right = 16, top = 34, bottom = 62;
  double pw = CHART_W - left - right, ph = CHART_H - top - bottom;
  buf_printf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" role=\"img\" class=\"chart\"><title>", CHART_W, CHART_H);
  svg_text(out, title);
  buf_printf(out, "</title><text x=\"%g\" y=\"18\" class=\"ct\">", left);
  svg_text(out, title);
  buf_puts(out, "</text>");
  for (int t = 0; t <= 4; t++) {
    double y = top + ph - ph * t / 4.0;
    buf_printf(out, "<line x1=\"%g\" x2=\"%g\" y1=\"%.1f\" y2=\"%.1f\" class=\"grid\"/>", left, left + pw, y, y);
    buf_printf(out, "<text x=\"%g\" y=\"%.1f\" class=\"ax\" text-anchor=\"end\">", left - 4, y + 4);
    number_svg(out, max * t / 4.0, l);
    buf_puts(out, "</text>");
  }
  double slot = nl ? pw / (double)nl : pw;
  double bw = stacked ? slot * 0.8 : slot * 0.8 / (double)(ns ? ns : 1);
  int every = nl > 16 ? (int)((nl + 11) / 12) : 1;
  for (size_t i = 0; i < nl; i++) {
    double base = top + ph;
    for (size_t k = 0; k < ns; k++) {
      json_t *sr = json_array_get(series, k);
      double v = json_number_value(json_array_get(json_object_get(sr, "values"), i));
      double h = ph * v / max;
      double x = left + slot * (double)i + slot * 0.1 + (stacked ? 0 : bw * (double)k);
      double y = stacked ? base - h : top + ph - h;
      const char *name = json_string_value(json_object_get(sr, "name"));
      buf_printf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>", x, y, bw, h,
                 colour_of(name, (int)k));
      label_svg(out, json_string_value(json_array_get(labels, i)), l, 1);
      if (ns > 1) {
        buf_puts(out, ", ");
        label_svg(out, name, l, 0);
      }
      buf_puts(out, ": ");
      number_svg(out, v, l);
      buf_puts(out, "</title></rect>");
      if (stacked) base -= h;
    }
    if (i % (size_t)every == 0) {
      double x = left + slot * (double)i + slot / 2;
      buf_printf(out, "<text x=\"%.1f\" y=\"%.1f\" class=\"ax\" text-anchor=\"end\" transform=\"rotate(-40 %.1f %.1f)\">", x,
                 top + ph + 12, x, top + ph + 12);
      label_svg(out, json_string_value(json_array_get(labels, i)), l, 1);
      buf_puts(out, "</text>");
    }
  }
  if (ns > 1) {
    double lx = left;
    for (size_t k = 0; k < ns; k++) {
      const char *name = json_string_value(json_object_get(json_array_get(series, k), "name"));
      buf_printf(out, "<rect x=\"%.0f\" y=\"%d\" width=\"9\" height=\"9\" fill=\"%s\"/><text x=\"%.0f\" y=\"%d\" class=\"ax\">",
                 lx, CHART_H - 12, colour_of(name, (int)k), lx + 12, CHART_H - 4);
      size_t before = out->len;
      label_svg(out, name, l, 0);
      size_t shown = out->len - before;
      buf_puts(out, "</text>");
      lx += 14 + 6.2 * (double)shown + 10;
    }
  }
  buf_puts(out, "</svg>");
}

/* The map: Mali's admin-1 regions (geoBoundaries) and the events as dots,
 * in an equirectangular projection. */
#define MAP_W 600.0
#define LON0 -12.4
#define LON1 4.4
#define LAT0 10.0
#define LAT1 25.1

static void map_xy(double lon, double lat, double *x, double *y) {
  double k = cos(17.5 * M_PI / 180);
  double scale = MAP_W / ((LON1 - LON0) * k);
  *x = (lon - LON0) * k * scale;
  *y = (LAT1 - lat) * scale;
}

static void ring_path(json_t *ring, buf *out) {
  double px = -1e9, py = -1e9;
  size_t i;
  json_t *pt;
  int first = 1;
  json_array_foreach(ring, i, pt) {
    double x, y;
    map_xy(json_number_value(json_array_get(pt, 0)), json_number_value(json_array_get(pt, 1)), &x, &y);
    if (!first && fabs(x - px) < 0.8 && fabs(y - py) < 0.8 && i + 1 < json_array_size(ring)) continue;
    buf_printf(out, "%s%.1f %.1f", first ? "M" : "L", x, y);
    first = 0;
    px = x;
    py = y;
  }
  buf_puts(out, "Z");
}

/* The fast reader's ring: points projected, then written as ring_path does. */
typedef struct ring_pts {
  double *x, *y;
  size_t n, cap;
} ring_pts;

static void ring_write(const ring_pts *r, buf *out) {
  double px = -1e9, py = -1e9;
  int first = 1;
  for (size_t i = 0; i < r->n; i++) {
    double x = r->x[i], y = r->y[i];
    if (!first && fabs(x - px) < 0.8 && fabs(y - py) < 0.8 && i + 1 < r->n) continue;
    buf_printf(out, "%s%.1f %.1f", first ? "M" : "L", x, y);
    first = 0;
    px = x;
    py = y;
  }
  buf_puts(out, "Z");
}

static const char *skip_ws(const char *p, const char *end) {
  while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')) p++;
  return p;
}

/* One JSON array of coordinates at p: a point ([lon, lat], added to the
 * ring), a ring (an array of points, written), or an array of those.
 * Returns the byte after it, or NULL when the text is not such an array. */
static const char *coords_fast(const char *p, const char *end, ring_pts *r, buf *out) {
  p = skip_ws(p, end);
  if (p >= end || *p != '[') return NULL;
  p = skip_ws(p + 1, end);
  if (p < end && (*p == '-' || (*p >= '0' && *p <= '9'))) { /* a point */
    double v[2];
    for (int i = 0; i < 2; i++) {
      char *e;
      v[i] = strtod(p, &e);
      if (e == p) return NULL;
      p = skip_ws(e, end);
      if (i == 0 && (p >= end || *p++ != ',')) return NULL;
    }
    if (p >= end || *p != ']') return NULL;
    if (r->n == r->cap) {
      r->cap = r->cap ? r->cap * 2 : 256;
      r->x = xrealloc(r->x, r->cap * sizeof *r->x);
      r->y = xrealloc(r->y, r->cap * sizeof *r->y);
    }
    map_xy(v[0], v[1], &r->x[r->n], &r->y[r->n]);
    r->n++;
    return p + 1;
  }
  size_t before = r->n;
  int points = 0, arrays = 0;
  while (p < end && *p != ']') {
    size_t had = r->n;
    const char *q = coords_fast(p, end, r, out);
    if (!q) return NULL;
    if (r->n == had + 1 && !arrays) points = 1;
    else arrays = 1;
    if (points && arrays) return NULL;
    p = skip_ws(q, end);
    if (p < end && *p == ',') p = skip_ws(p + 1, end);
  }
  if (p >= end) return NULL;
  if (points) { /* a ring */
    ring_pts ring = {r->x + before, r->y + before, r->n - before, 0};
    ring_write(&ring, out);
    r->n = before;
  }
  return p + 1;
}

/* The regions' outlines (<path> with their names) from the embedded
 * GeoJSON, read without building a JSON tree (a tree of its ~12,000
 * numbers costs as much as a report's query on 300,000 events): features
 * in order, each with properties.shapeName before a geometry whose
 * coordinates are Polygon or MultiPolygon rings, and no escapes in its
 * strings. 0, or -1 when the file does not look like that (then jansson
 * reads it; tests/unit checks both give the same). */
int chart_regions_fast(const char *p, size_t n, buf *out) {
  const char *end = p + n;
  if (memchr(p, '\\', n)) return -1;
  ring_pts r = {0};
  int rc = 0;
  for (const char *q = p;;) {
    const char *name = NULL, *coords = NULL;
    for (const char *t = q; t < end && (!name || !coords); t++) {
      if (*t != '"') continue;
      if (!name && !strncmp(t, "\"shapeName\":\"", 13)) name = t + 13;
      else if (name && !coords && !strncmp(t, "\"coordinates\":", 14)) coords = t + 14;
      else if (!name && !strncmp(t, "\"coordinates\":", 14)) {
        rc = -1; /* a geometry before its name */
        break;
      }
    }
    if (rc || !name) break;
    if (!coords) {
      rc = -1;
      break;
    }
    const char *name_end = memchr(name, '"', (size_t)(end - name));
    if (!name_end || name_end > coords) {
      rc = -1;
      break;
    }
    buf_puts(out, "<path class=\"region\" d=\"");
    const char *after = coords_fast(coords, end, &r, out);
    if (!after) {
      rc = -1;
      break;
    }
    buf_puts(out, "\"><title>");
    char *nm = xmalloc((size_t)(name_end - name) + 1);
    memcpy(nm, name, (size_t)(name_end - name));
    nm[name_end - name] = 0;
    svg_text(out, nm);
    free(nm);
    buf_puts(out, "</title></path>");
    q = after;
  }
  free(r.x);
  free(r.y);
  return rc;
}

/* The same outlines through jansson. */
int chart_regions_json(const char *p, size_t n, buf *out) {
  json_t *gj = json_loadb(p, n, 0, NULL);
  if (!gj) return -1;
  size_t i;
  json_t *feat;
  json_array_foreach(json_object_get(gj, "features"), i, feat) {
    json_t *geom = json_object_get(feat, "geometry");
    const char *type = json_string_value(json_object_get(geom, "type"));
    json_t *coords = json_object_get(geom, "coordinates");
    buf_puts(out, "<path class=\"region\" d=\"");
    size_t j;
    json_t *poly, *ring;
    if (type && !strcmp(type, "Polygon")) {
      json_array_foreach(coords, j, ring) ring_path(ring, out);
    } else if (type && !strcmp(type, "MultiPolygon")) {
      json_array_foreach(coords, j, poly) {
        size_t k;
        json_array_foreach(poly, k, ring) ring_path(ring, out);
      }
    }
    buf_puts(out, "\"><title>");
    svg_text(out, json_string_value(json_object_get(json_object_get(feat, "properties"), "shapeName")) ? json_string_value(json_object_get(json_object_get(feat, "properties"), "shapeName")) : "");
    buf_puts(out, "</title></path>");
  }
  json_decref(gj);
  return 0;
}

static void map_svg(const char *title, json_t *data, lang l, buf *out) {
  double w, h;
  map_xy(LON1, LAT0, &w, &h);
  buf_printf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %.0f %.0f\" role=\"img\" class=\"map\"><title>", w, h + 24);
  svg_text(out, title);
  buf_puts(out, "</title>");
  const embed_file *f = embed_find(BOUNDARIES_FILE);
  if (f) {
    size_t mark = out->len;
    if (chart_regions_fast((const char *)f->data, f->len, out)) {
      out->len = mark; /* read it the slow way */
      if (out->data) out->data[mark] = 0;
      chart_regions_json((const char *)f->data, f->len, out);
    }
  }
  size_t i;
  json_t *pt, *points = json_object_get(data, "points");
  if (points) {
    json_array_foreach(points, i, pt) {
      double x, y;
      map_xy(json_number_value(json_array_get(pt, 0)), json_number_value(json_array_get(pt, 1)), &x, &y);
      const char *t = json_string_value(json_array_get(pt, 2));
      buf_printf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\" fill-opacity=\"0.75\"><title>", x, y,
                 colour_of(t, 0));
      label_svg(out, t, l, 0);
      buf_puts(out, "</title></circle>");
    }
  } else {
    /* Many events: one circle per 6-pixel cell, its area by the count. */
    json_array_foreach(json_object_get(data, "cells"), i, pt) {
      int cx = (int)json_integer_value(json_array_get(pt, 0)), cy = (int)json_integer_value(json_array_get(pt, 1));
      long count = (long)json_integer_value(json_array_get(pt, 2));
      buf_printf(out, "<circle cx=\"%d\" cy=\"%d\" r=\"%.1f\" fill=\"#2166ac\" fill-opacity=\"0.6\"><title>",
                 cx * 6 + 3, cy * 6 + 3, 1.5 + sqrt((double)count) * 0.6);
      lang_number(out, (double)count, 0, l);
      buf_puts(out, l == LANG_FR ? " événements</title></circle>" : " events</title></circle>");
    }
  }
  buf_printf(out, "<text x=\"4\" y=\"%.0f\" class=\"ax\">%s geoBoundaries (Runfola et al. 2020), CC BY 4.0; DNCT/DNP Mali, UN OCHA Mali.</text>",
             h + 16, l == LANG_FR ? "Limites\xc2\xa0:" : "Boundaries:");
  buf_puts(out, "</svg>");
}

void chart_svg(const char *name, const char *title, json_t *data, lang l, buf *out) {
  if (!strcmp(name, "map")) map_svg(title, data, l, out);
  else bars_svg(title, data, l, out);
}

void chart_markdown(const char *name, const char *title, json_t *data, lang l, buf *out) {
  buf_printf(out, "\n*%s*\n", title);
  if (!strcmp(name, "map")) {
    buf_puts(out, "\n(");
    lang_number(out, (double)json_integer_value(json_object_get(data, "n")), 0, l);
    buf_puts(out, l == LANG_FR ? " événements localisés ; la carte figure dans le rapport HTML)\n"
                               : " events with coordinates; the map is in the HTML report)\n");
    return;
  }
  json_t *labels = json_object_get(data, "labels"), *series = json_object_get(data, "series");
  buf_puts(out, "\n| |");
  size_t k;
  json_t *sr;
  json_array_foreach(series, k, sr) {
    buf_puts(out, " ");
    report_key_text(out, json_string_value(json_object_get(sr, "name")), l, 0);
    buf_puts(out, " |");
  }
  buf_puts(out, "\n|---|");
  json_array_foreach(series, k, sr) buf_puts(out, "---:|");
  buf_puts(out, "\n");
  size_t i;
  json_t *lab;
  json_array_foreach(labels, i, lab) {
    buf_puts(out, "| ");
    report_key_text(out, json_string_value(lab), l, 0);
    buf_puts(out, " |");
    json_array_foreach(series, k, sr) {
      buf_puts(out, " ");
      lang_number(out, json_number_value(json_array_get(json_object_get(sr, "values"), i)), 1, l);
      buf_puts(out, " |");
    }
    buf_puts(out, "\n");
  }
}
