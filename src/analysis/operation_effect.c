/* operation_effect.c: the `operation-effect` indicator: events within
 * radius_km of any of an operation's places in the `weeks` 7-day blocks
 * before it started, during it (start..end, or ..as_of while it is ongoing)
 * and in the `weeks` blocks after it ended; per phase a count, the count per
 * week and the counts by event_type, and a weekly series for charts. */
#include "analysis/operation_effect.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/indicator.h"
#include "core/date.h"
#include "core/geo.h"
#include "model/kinds/vocab.h"
#include "model/query.h"

#define OPEFF_PLACES_MAX 64
#define OPEFF_WEEKS_MAX 520
#define OPEFF_DURING_WEEKS_MAX 5200 /* a hundred years of an ongoing operation */
#define OPEFF_RANGES_MAX 64
#define OPEFF_TYPES 6

static const char *const event_types[OPEFF_TYPES] = {
    "Battles",  "Violence against civilians", "Explosions/Remote violence",
    "Protests", "Riots",                      "Strategic developments"};

typedef struct opeff_place {
  const char *id, *name;
  double lat, lon;
} opeff_place;

typedef struct opeff_bucket {
  int from, to; /* inclusive days */
  int phase;    /* 0 before, 1 during, 2 after */
  long count;
  long by_type[OPEFF_TYPES];
} opeff_bucket;

static const char *const phase_names[3] = {"before", "during", "after"};

static int type_index(const char *t) {
  for (int i = 0; t && i < OPEFF_TYPES; i++)
    if (!strcmp(event_types[i], t)) return i;
  return -1;
}

static void write_by_type(jw *w, const long *by_type) {
  jw_key(w, "by_type");
  jw_obj(w);
  for (int i = 0; i < OPEFF_TYPES; i++)
    if (by_type[i]) {
      jw_key(w, event_types[i]);
      jw_int(w, by_type[i]);
    }
  jw_obj_end(w);
}

/* Reads the operation and its places; ERR_USAGE naming an unknown id, or,
 * with need_places, an operation that names no known place. */
static int load_operation(store *s, arena *a, err *e, const char *id, int need_places,
                          const char **name, int *start, int *end, opeff_place *places,
                          int *nplaces) {
  stmt *st;
  int rc = store_prepare(s,
                         "SELECT \"name\", \"start\", \"end\", \"places\" FROM operations "
                         "WHERE \"operation_id\" = ?",
                         &st, e);
  if (rc) return rc;
  stmt_bind_text(st, 1, id);
  int step = stmt_step(st, e);
  if (step != STMT_ROW) {
    stmt_finalize(st);
    if (step < 0) return step;
    return err_set(e, ERR_USAGE, "operation=%.100s: no operation has that id", id);
  }
  *name = arena_strdup(a, stmt_text(st, 0));
  const char *ts = stmt_text(st, 1);
  const char *te = stmt_text(st, 2);
  const char *list = arena_strdup(a, stmt_text(st, 3));
  *end = INT_MAX;
  if (!ts || date_parse_iso(ts, start) || (te && date_parse_iso(te, end))) {
    stmt_finalize(st);
    return err_set(e, ERR_VALIDATION, "operation %.100s has malformed dates", id);
  }
  stmt_finalize(st);
  *nplaces = 0;
  if (!list || !*list) {
    if (!need_places) return 0;
    return err_set(e, ERR_USAGE, "operation %.100s names no places: nothing to measure around", id);
  }
  rc = store_prepare(s,
                     "SELECT \"name\", \"latitude\", \"longitude\" FROM places WHERE \"place_id\" = ?",
                     &st, e);
  if (rc) return rc;
  for (const char *p = list; p && *p && *nplaces < OPEFF_PLACES_MAX;) {
    const char *semi = strchr(p, ';');
    size_t len = semi ? (size_t)(semi - p) : strlen(p);
    char *pid = arena_strndup(a, p, len);
    p = semi ? semi + 1 : NULL;
    stmt_reset(st);
    stmt_bind_text(st, 1, pid);
    int found = stmt_step(st, e);
    if (found < 0) {
      stmt_finalize(st);
      return found;
    }
    if (found != STMT_ROW) continue;
    opeff_place *pl = &places[(*nplaces)++];
    pl->id = pid;
    pl->name = arena_strdup(a, stmt_text(st, 0));
    pl->lat = stmt_double(st, 1);
    pl->lon = stmt_double(st, 2);
  }
  stmt_finalize(st);
  if (!*nplaces && need_places)
    return err_set(e, ERR_USAGE, "operation %.100s names no known places", id);
  return 0;
}

/* Adds "_cell in any of the cells around the places" (bound values) when
 * the cells fit in the filter's bound values; otherwise nothing (every row
 * is then checked by distance). */
static void add_cells(filter_set *fs, const opeff_place *places, int n, double km) {
  geo_range all[OPEFF_PLACES_MAX * 4];
  int nall = 0;
  for (int i = 0; i < n; i++) {
    geo_range r[OPEFF_RANGES_MAX];
    int nr = geo_cell_ranges(places[i].lat, places[i].lon, km, r, OPEFF_RANGES_MAX);
    if (nr < 0 || nall + nr > (int)(sizeof all / sizeof all[0])) return;
    for (int j = 0; j < nr; j++) all[nall++] = r[j];
  }
  if (!nall || fs->nbinds + 2 * nall > FILTER_BINDS_MAX) return;
  buf sql;
  buf_init(&sql, 0);
  for (int i = 0; i < nall; i++) buf_printf(&sql, "%s\"_cell\" BETWEEN ? AND ?", i ? " OR " : "");
  filter_add_sql(fs, buf_cstr(&sql));
  buf_free(&sql);
  for (int i = 0; i < nall; i++) {
    fs->binds[fs->nbinds++] = (filter_bind){.type = STORE_INT, .i = all[i].lo};
    fs->binds[fs->nbinds++] = (filter_bind){.type = STORE_INT, .i = all[i].hi};
  }
}

static void write_phase(ind_ctx *c, int phase, int from, int to, long count, const long *by_type) {
  jw *w = c->w;
  jw_key(w, phase_names[phase]);
  jw_obj(w);
  jw_key(w, "from");
  ind_date_json(c, from);
  jw_key(w, "to");
  ind_date_json(c, to);
  long days = to >= from ? (long)to - from + 1 : 0;
  jw_kint(w, "days", days);
  jw_kint(w, "count", count);
  jw_key(w, "per_week");
  if (days) ind_json_1dp(c, (double)count * 7.0 / (double)days);
  else jw_null(w);
  write_by_type(w, by_type);
  jw_obj_end(w);
}

/* ind_operation_effect: the `operation-effect` indicator; 0, ERR_USAGE (an
 * unknown operation is named) or ERR_DB. */
int ind_operation_effect(ind_ctx *c) {
  const char *opid = ind_get(c, "operation");
  if (!opid || !*opid) return err_set(c->e, ERR_USAGE, "operation-effect needs operation=ID");
  double km;
  long weeks;
  int as_of, rc;
  if ((rc = ind_real(c, "radius_km", 25, 0, &km))) return rc;
  if (km > 1000) return err_set(c->e, ERR_USAGE, "radius_km=%g: at most 1000", km);
  if ((rc = ind_int(c, "weeks", 8, 1, OPEFF_WEEKS_MAX, &weeks))) return rc;
  rc = ind_date(c, "as_of", date_today(), &as_of);
  if (rc < 0) return rc;
  const char *name;
  int start, end, nplaces;
  opeff_place places[OPEFF_PLACES_MAX];
  if ((rc = load_operation(c->s, c->a, c->e, opid, 1, &name, &start, &end, places, &nplaces))) return rc;
  int ongoing = end == INT_MAX;
  int during_to = ongoing ? as_of : end;
  int first = start - 7 * (int)weeks;
  int last = ongoing ? during_to : end + 7 * (int)weeks;
  if (last < start - 1) last = start - 1;
  long nduring = during_to >= start ? ((long)during_to - start) / 7 + 1 : 0;
  if (nduring > OPEFF_DURING_WEEKS_MAX)
    return err_set(c->e, ERR_USAGE, "operation %.100s lasts more than %d weeks", opid,
                   OPEFF_DURING_WEEKS_MAX);
  long nb = weeks + nduring + (ongoing ? 0 : weeks);
  opeff_bucket *b = xcalloc((size_t)nb, sizeof *b);
  long k = 0;
  for (long i = 0; i < weeks; i++, k++)
    b[k] = (opeff_bucket){.from = first + 7 * (int)i, .to = first + 7 * (int)i + 6, .phase = 0};
  for (long i = 0; i < nduring; i++, k++) {
    int f = start + 7 * (int)i, t = f + 6 > during_to ? during_to : f + 6;
    b[k] = (opeff_bucket){.from = f, .to = t, .phase = 1};
  }
  for (long i = 0; !ongoing && i < weeks; i++, k++)
    b[k] = (opeff_bucket){.from = end + 1 + 7 * (int)i, .to = end + 7 + 7 * (int)i, .phase = 2};

  long count[3] = {0}, by_type[3][OPEFF_TYPES] = {{0}};
  filter_set fs;
  if ((rc = ind_filters(c, kind_find("events"), &fs))) goto done;
  if ((rc = ind_period_filter(c, &fs, "event_date", first, last))) goto done;
  add_cells(&fs, places, nplaces, km);
  stmt *st;
  rc = query_select(c->s, &fs, "\"event_id_cnty\", \"event_date\", \"event_type\", \"latitude\", \"longitude\"",
                    "\"event_date\", \"event_id_cnty\"", &st, c->e);
  if (rc) goto done;
  ind_prov_figure(c, "before");
  ind_prov_figure(c, "during");
  if (!ongoing) ind_prov_figure(c, "after");
  ind_prov_figure(c, "weekly");
  int step;
  while ((step = stmt_step(st, c->e)) == STMT_ROW) {
    const char *id = stmt_text(st, 0);
    const char *ds = stmt_text(st, 1);
    const char *type = stmt_text(st, 2);
    int d;
    if (!ds || date_parse_iso(ds, &d)) continue;
    if (stmt_is_null(st, 3) || stmt_is_null(st, 4)) continue;
    double lat = stmt_double(st, 3), lon = stmt_double(st, 4);
    int near = 0;
    for (int i = 0; i < nplaces && !near; i++)
      near = geo_distance_km(lat, lon, places[i].lat, places[i].lon) <= km;
    if (!near) continue;
    /* buckets are in date order and contiguous: find the one holding d */
    long lo = 0, hi = nb - 1, at = -1;
    while (lo <= hi) {
      long mid = (lo + hi) / 2;
      if (d < b[mid].from) hi = mid - 1;
      else if (d > b[mid].to) lo = mid + 1;
      else {
        at = mid;
        break;
      }
    }
    if (at < 0) continue;
    int ti = type_index(type);
    b[at].count++;
    if (ti >= 0) b[at].by_type[ti]++;
    int ph = b[at].phase;
    count[ph]++;
    if (ti >= 0) by_type[ph][ti]++;
    ind_prov(c, phase_names[ph], id);
    ind_prov(c, "weekly", id);
  }
  if (step < 0) rc = step;
  stmt_finalize(st);
  if (rc) goto done;

  jw *w = c->w;
  jw_key(w, "operation");
  jw_obj(w);
  jw_kstr(w, "operation_id", opid);
  jw_kstr(w, "name", name);
  jw_key(w, "start");
  ind_date_json(c, start);
  jw_key(w, "end");
  ind_date_json(c, end);
  jw_kbool(w, "ongoing", ongoing);
  jw_obj_end(w);
  jw_kreal(w, "radius_km", km);
  jw_kint(w, "weeks", weeks);
  if (ongoing) {
    jw_key(w, "as_of");
    ind_date_json(c, as_of);
  }
  jw_key(w, "places");
  jw_arr(w);
  for (int i = 0; i < nplaces; i++) {
    jw_obj(w);
    jw_kstr(w, "place_id", places[i].id);
    jw_kstr(w, "name", places[i].name);
    jw_kreal(w, "latitude", places[i].lat);
    jw_kreal(w, "longitude", places[i].lon);
    jw_obj_end(w);
  }
  jw_arr_end(w);
  write_phase(c, 0, first, start - 1, count[0], by_type[0]);
  write_phase(c, 1, start, during_to, count[1], by_type[1]);
  if (ongoing) {
    jw_knull(w, "after");
  } else {
    write_phase(c, 2, end + 1, end + 7 * (int)weeks, count[2], by_type[2]);
  }
  jw_key(w, "weekly");
  jw_arr(w);
  for (long i = 0; i < nb; i++) {
    jw_obj(w);
    jw_key(w, "week_start");
    ind_date_json(c, b[i].from);
    jw_kstr(w, "phase", phase_names[b[i].phase]);
    jw_kint(w, "days", (long)b[i].to - b[i].from + 1);
    jw_kint(w, "count", b[i].count);
    write_by_type(w, b[i].by_type);
    jw_obj_end(w);
  }
  jw_arr_end(w);
done:
  free(b);
  filter_free(&fs);
  return rc;
}

static int cmp_event_id(const void *x, const void *y) {
  const opeff_event *a = x, *b = y;
  int c = strcmp(a->id, b->id);
  return c ? c : b->linked - a->linked; /* the linked copy first */
}

static int cmp_event_date(const void *x, const void *y) {
  const opeff_event *a = x, *b = y;
  int c = strcmp(a->date, b->date);
  return c ? c : strcmp(a->id, b->id);
}

/* Appends the events of one query (linked=1: every row; else only those
 * within km of a place) to *out. */
static int collect(store *s, filter_set *fs, int linked, const opeff_place *places, int nplaces,
                   double km, opeff_event **out, long *n, long *cap, arena *a, err *e) {
  stmt *st;
  int rc = query_select(s, fs,
                        "\"event_id_cnty\", \"event_date\", \"event_type\", \"sub_event_type\", "
                        "\"location\", \"place_id\", \"fatalities\", \"latitude\", \"longitude\"",
                        NULL, &st, e);
  if (rc) return rc;
  int step;
  while ((step = stmt_step(st, e)) == STMT_ROW) {
    double best = -1;
    const char *best_place = NULL;
    if (!stmt_is_null(st, 7) && !stmt_is_null(st, 8)) {
      double lat = stmt_double(st, 7), lon = stmt_double(st, 8);
      for (int i = 0; i < nplaces; i++) {
        double d = geo_distance_km(lat, lon, places[i].lat, places[i].lon);
        if (best < 0 || d < best) {
          best = d;
          best_place = places[i].id;
        }
      }
    }
    if (!linked && (best < 0 || best > km)) continue;
    if (*n == OPEFF_DURING_WEEKS_MAX * 100L) {
      rc = err_set(e, ERR_TOO_LARGE, "too many events around this operation");
      break;
    }
    if (*n == *cap) {
      *cap = *cap ? *cap * 2 : 64;
      *out = xrealloc(*out, (size_t)*cap * sizeof **out);
    }
    opeff_event *ev = &(*out)[(*n)++];
    ev->id = arena_strdup(a, stmt_text(st, 0));
    ev->date = arena_strdup(a, stmt_text(st, 1));
    ev->type = arena_strdup(a, stmt_text(st, 2));
    ev->sub_type = arena_strdup(a, stmt_text(st, 3));
    ev->location = arena_strdup(a, stmt_text(st, 4));
    ev->place_id = arena_strdup(a, stmt_text(st, 5));
    ev->fatalities = stmt_is_null(st, 6) ? -1 : stmt_int(st, 6);
    ev->linked = linked;
    ev->km = best;
    ev->near_place = best_place;
  }
  if (!rc && step < 0) rc = step;
  stmt_finalize(st);
  return rc;
}

int operation_effect_events(store *s, const char *opid, double km, int as_of,
                            const char *visibility, opeff_event **out, long *n, arena *a, err *e) {
  const char *name;
  int start = 0, end = INT_MAX, nplaces = 0;
  opeff_place places[OPEFF_PLACES_MAX];
  *out = NULL;
  *n = 0;
  /* An operation without places still has its linked events. */
  int rc = load_operation(s, a, e, opid, 0, &name, &start, &end, places, &nplaces);
  if (rc) return rc;
  const kind *k = kind_find("events");
  long cap = 0;
  filter_set fs;
  filter_init(&fs, k);
  if (visibility) filter_add_sql(&fs, visibility);
  rc = filter_add_op(&fs, s, "operation_id", "=", opid, a, e);
  if (!rc) rc = collect(s, &fs, 1, places, nplaces, km, out, n, &cap, a, e);
  filter_free(&fs);
  if (!rc && nplaces) {
    int to = end == INT_MAX ? as_of : end;
    char d1[11], d2[11];
    filter_init(&fs, k);
    if (visibility) filter_add_sql(&fs, visibility);
    rc = filter_add_op(&fs, s, "event_date", ">=", date_format(start, d1), a, e);
    if (!rc) rc = filter_add_op(&fs, s, "event_date", "<=", date_format(to, d2), a, e);
    if (!rc) add_cells(&fs, places, nplaces, km);
    if (!rc) rc = collect(s, &fs, 0, places, nplaces, km, out, n, &cap, a, e);
    filter_free(&fs);
  }
  if (rc) {
    free(*out);
    *out = NULL;
    *n = 0;
    return rc;
  }
  /* One row per event: keep the linked copy when it came twice. */
  if (*n) {
    qsort(*out, (size_t)*n, sizeof **out, cmp_event_id);
    long w = 0;
    for (long i = 0; i < *n; i++)
      if (!w || strcmp((*out)[w - 1].id, (*out)[i].id)) (*out)[w++] = (*out)[i];
    *n = w;
    qsort(*out, (size_t)*n, sizeof **out, cmp_event_date);
  }
  return 0;
}
