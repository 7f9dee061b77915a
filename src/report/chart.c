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

static json_t *indicator_json(store *s, const char *name, int nargs, const char **args,
                              const char *vis, err *e) {
  buf out;
  buf_init(&out, 0);
  json_t *j = NULL;
  if (!indicator_run(s, name, nargs, args, vis, 0, &out, e)) j = json_loadb(out.data, out.len, 0, NULL);
  buf_free(&out);
  return j;
}

/* A one-series bar chart from the object at key of an indicator result. */
static json_t *bars_from(json_t *res, const char *key, const char *records_prefix) {
  json_t *obj = json_object_get(res, key);
  json_t *labels = json_array(), *values = json_array(), *ids = json_array();
  const char *k;
  json_t *v;
  json_object_foreach(obj, k, v) {
    json_array_append_new(labels, json_string(k));
    json_array_append_new(values, json_real(json_number_value(v)));
  }
  json_t *recs = json_object_get(res, "records");
  size_t pl = strlen(records_prefix);
  json_object_foreach(recs, k, v) {
    if (strncmp(k, records_prefix, pl)) continue;
    json_array_extend(ids, v);
  }
  json_t *series = json_pack("[{s:s, s:o}]", "name", key, "values", values);
  return json_pack("{s:o, s:o, s:o}", "labels", labels, "series", series, "records", ids);
}

/* Weekly incidents by type: the `weekly` indicator, as stacked bars. */
static int weekly_incidents(store *s, int from, int to, int nargs, const char **args,
                            const char *vis, json_t **data, err *e) {
  if (from == INT_MIN || to == INT_MAX) return err_set(e, ERR_USAGE, "weekly-incidents needs from and to");
  char a_from[32], a_to[32], d[11];
  snprintf(a_from, sizeof a_from, "from=%s", date_format(from, d));
  snprintf(a_to, sizeof a_to, "to=%s", date_format(to, d));
  const char *argv[IND_PARAMS_MAX];
  int n = 0;
  argv[n++] = a_from;
  argv[n++] = a_to;
  for (int i = 0; i < nargs && n < IND_PARAMS_MAX; i++) argv[n++] = args[i];
  json_t *res = indicator_json(s, "weekly", n, argv, vis, e);
  if (!res) return e->code ? e->code : ERR_INTERNAL;
  json_t *series = json_array();
  json_t *by = json_object_get(res, "series");
  /* ACLED's types first, in a fixed order, so colours and stacks stay put. */
  for (unsigned t = 0; t < sizeof type_colours / sizeof type_colours[0]; t++) {
    json_t *v = json_object_get(by, type_colours[t].type);
    if (v) json_array_append_new(series, json_pack("{s:s, s:O}", "name", type_colours[t].type, "values", v));
  }
  json_t *ids = json_object_get(json_object_get(res, "records"), "total");
  *data = json_pack("{s:O, s:o, s:O, s:b}", "labels", json_object_get(res, "weeks"), "series", series,
                    "records", ids ? ids : json_array(), "stacked", 1);
  json_decref(res);
  return 0;
}

static int map_points(store *s, int from, int to, int nargs, const char **args, const char *vis,
                      json_t **data, err *e) {
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
  if (!rc) rc = query_select(s, &fs, "event_id_cnty, longitude, latitude, event_type", "event_id_cnty", &st, e);
  json_t *pts = json_array(), *ids = json_array();
  int step = STMT_DONE;
  while (!rc && (step = stmt_step(st, e)) == STMT_ROW) {
    json_array_append_new(pts, json_pack("[f, f, s]", stmt_double(st, 1), stmt_double(st, 2),
                                         stmt_text(st, 3)));
    json_array_append_new(ids, json_string(stmt_text(st, 0)));
  }
  if (!rc && step < 0) rc = step;
  if (st) stmt_finalize(st);
  filter_free(&fs);
  arena_free(&a);
  if (rc) {
    json_decref(pts);
    json_decref(ids);
    return rc;
  }
  *data = json_pack("{s:o, s:o}", "points", pts, "records", ids);
  return 0;
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
                  const char *visibility, json_t **data, char **title, err *e) {
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
  int fr = l == LANG_FR;
  buf t;
  buf_init(&t, 4096);
  if (!strcmp(name, "weekly-incidents")) {
    buf_puts(&t, fr ? "Incidents par semaine et par type, " : "Incidents per week by type, ");
    period_words(&t, from, to, l, 0);
    int rc = weekly_incidents(s, from, to, nargs, args, visibility, data, e);
    if (rc) {
      buf_free(&t);
      return rc;
    }
  } else if (!strcmp(name, "map")) {
    buf_puts(&t, fr ? "Événements de la période, " : "Events of the period, ");
    period_words(&t, from, to, l, 0);
    int rc = map_points(s, from, to, nargs, args, visibility, data, e);
    if (rc) {
      buf_free(&t);
      return rc;
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
      return err_set(e, ERR_USAGE, "unknown chart '%.40s' (weekly-incidents, ied-outcomes, serviceability-causes, notifications, map)", name);
    }
    if (!strcmp(ind, "serviceability")) argv[n++] = a_asof;
    else {
      if (d1[0]) argv[n++] = a_from;
      if (d2[0]) argv[n++] = a_to;
    }
    for (int i = 0; i < nargs && n < IND_PARAMS_MAX; i++) argv[n++] = args[i];
    json_t *res = indicator_json(s, ind, n, argv, visibility, e);
    if (!res) {
      buf_free(&t);
      return e->code ? e->code : ERR_INTERNAL;
    }
    if (key) {
      *data = bars_from(res, key, prefix);
    } else {
      /* IED outcomes: used, against the mission, neutralized, detonated. */
      static const char *const k4[] = {"used", "against_mission", "neutralized", "detonated"};
      json_t *labels = json_array(), *values = json_array(), *ids = json_array();
      for (int i = 0; i < 4; i++) {
        json_array_append_new(labels, json_string(k4[i]));
        json_array_append_new(values, json_real(json_number_value(json_object_get(res, k4[i]))));
      }
      json_array_extend(ids, json_object_get(json_object_get(res, "records"), "used"));
      *data = json_pack("{s:o, s:[{s:s, s:o}], s:o}", "labels", labels, "series", "name", "IEDs", "values",
                        values, "records", ids);
    }
    json_decref(res);
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
#define MAP_POINTS_MAX 4000 /* more events are drawn as counts per cell */
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

static void map_svg(const char *title, json_t *data, lang l, buf *out) {
  double w, h;
  map_xy(LON1, LAT0, &w, &h);
  buf_printf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %.0f %.0f\" role=\"img\" class=\"map\"><title>", w, h + 24);
  svg_text(out, title);
  buf_puts(out, "</title>");
  const embed_file *f = embed_find(BOUNDARIES_FILE);
  json_t *gj = f ? json_loadb((const char *)f->data, f->len, 0, NULL) : NULL;
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
  json_t *pt, *points = json_object_get(data, "points");
  if (json_array_size(points) <= MAP_POINTS_MAX) {
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
    enum { CW = 101, CH = 160 };
    static _Thread_local int cells[CH][CW];
    memset(cells, 0, sizeof cells);
    json_array_foreach(points, i, pt) {
      double x, y;
      map_xy(json_number_value(json_array_get(pt, 0)), json_number_value(json_array_get(pt, 1)), &x, &y);
      int cx = (int)(x / 6), cy = (int)(y / 6);
      if (cx >= 0 && cx < CW && cy >= 0 && cy < CH) cells[cy][cx]++;
    }
    for (int cy = 0; cy < CH; cy++)
      for (int cx = 0; cx < CW; cx++)
        if (cells[cy][cx]) {
          buf_printf(out, "<circle cx=\"%d\" cy=\"%d\" r=\"%.1f\" fill=\"#2166ac\" fill-opacity=\"0.6\"><title>",
                     cx * 6 + 3, cy * 6 + 3, 1.5 + sqrt((double)cells[cy][cx]) * 0.6);
          lang_number(out, cells[cy][cx], 0, l);
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
    lang_number(out, (double)json_array_size(json_object_get(data, "points")), 0, l);
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
