/* rotations.c: the `rotation-conflicts` indicator: rotations of a period
 * that overlap another rotation in the same sector, that fall in a
 * high-tempo window, or that started late.
 *
 * A rotation's dates are its actual ones, else the planned ones (each end on
 * its own; an end that would fall before the start is taken as the start).
 * A rotation is in the period when it shares at least one day with it.
 * A unit's sector on a day is its sector then, else the sector of its
 * location then (the as-of rule of unit.h, through the view unit_states;
 * sector_of for the location). A rotation is cut into segments, one per
 * sector its unit was in during the rotation (usually one). Two rotations
 * overlap when their units differ and they share at least one day on which
 * both units were in the same sector, and some such day lies in the period;
 * `from`/`to` of an overlap are those shared days (a pair that shared days in
 * two sectors, or twice in one sector with a move between, is listed once
 * per run of days). A rotation is in a high-tempo window (tempo high, sector
 * the unit's at the time or empty) when they share a day in the period.
 * Late: actual_start after planned_start.
 *
 * Overlaps are found by sorting segments on (sector, start) and sweeping with
 * the list of segments still running: no scan over all pairs.
 *
 * Keys: from, to; other keys are FILTERs on rotations. */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/indicator.h"
#include "core/date.h"
#include "model/sector.h"
#include "model/kind.h"
#include "model/query.h"

#define ROT_MAX 1000000L      /* rotations read at most */
#define OVERLAPS_MAX 100000L  /* overlap pairs listed at most */
#define WINDOWS_MAX 10000L    /* high-tempo windows read at most */

typedef struct rot {
  char *id, *unit;
  int start, end, planned_start, actual_start; /* actual_start INT_MIN when none */
  int marked;                                  /* already in a figure's ids */
  long first_seg, nsegs;                       /* its segments (consecutive) */
} rot;

/* The days of a rotation its unit spent in one sector. */
typedef struct seg {
  rot *r;
  char *sector, *location; /* location: only to find a missing sector */
  int start, end;
} seg;

typedef struct window {
  char *id, *sector;
  int start, end;
} window;

typedef struct overlap {
  seg *a, *b;
  int from, to;
} overlap;

static int day_of(stmt *st, int col, int dflt) {
  const char *t = stmt_text(st, col);
  int d;
  if (!t || date_parse_iso(t, &d)) return dflt;
  return d;
}

static int cmp_str(const char *a, const char *b) {
  if (!a || !b) return (a != NULL) - (b != NULL);
  return strcmp(a, b);
}

static int by_location(const void *x, const void *y) {
  return cmp_str((*(const seg *const *)x)->location, (*(const seg *const *)y)->location);
}

static int by_sector_start(const void *x, const void *y) {
  const seg *a = *(const seg *const *)x, *b = *(const seg *const *)y;
  int c = cmp_str(a->sector, b->sector);
  if (c) return c;
  if (a->start != b->start) return a->start < b->start ? -1 : 1;
  if (a->end != b->end) return a->end < b->end ? -1 : 1;
  return strcmp(a->r->id, b->r->id);
}

static int by_start(const void *x, const void *y) {
  const rot *a = *(const rot *const *)x, *b = *(const rot *const *)y;
  if (a->start != b->start) return a->start < b->start ? -1 : 1;
  return strcmp(a->id, b->id);
}

static int by_overlap(const void *x, const void *y) {
  const overlap *a = x, *b = y;
  if (a->from != b->from) return a->from < b->from ? -1 : 1;
  int c = cmp_str(a->a->sector, b->a->sector);
  if (c) return c;
  if ((c = strcmp(a->a->r->id, b->a->r->id))) return c;
  return strcmp(a->b->r->id, b->b->r->id);
}

static int max_i(int a, int b) { return a > b ? a : b; }
static int min_i(int a, int b) { return a < b ? a : b; }

/* Reads the rotations of the period into *out and their segments into
 * *segs (one per state of the unit during the rotation, in order; sectors
 * not yet filled from locations nor merged). Both malloc'd (caller frees). */
static int read_rotations(ind_ctx *c, int from, int to, rot **out, long *n, seg **segs, long *nseg) {
  filter_set fs;
  stmt *st = NULL;
  long cap = 0, segcap = 0;
  buf sql;
  buf_init(&sql, 0);
  int rc = ind_filters(c, kind_find("rotations"), &fs);
  /* The rotations of the period (by their actual dates, else planned ones),
   * each with every state of its unit that overlaps the rotation. */
  buf_printf(&sql,
             "SELECT r.rotation_id, r.unit_id, r.planned_start, r.planned_end, r.actual_start, "
             "r.actual_end, u.sector, u.location, u.valid_from, u.valid_to FROM (SELECT rotation_id, "
             "unit_id, planned_start, planned_end, actual_start, actual_end, "
             "COALESCE(actual_start, planned_start) AS s, CASE WHEN COALESCE(actual_end, planned_end) > "
             "COALESCE(actual_start, planned_start) THEN COALESCE(actual_end, planned_end) ELSE "
             "COALESCE(actual_start, planned_start) END AS e FROM rotations WHERE %s AND "
             "COALESCE(actual_start, planned_start) <= ? AND CASE WHEN COALESCE(actual_end, planned_end) > "
             "COALESCE(actual_start, planned_start) THEN COALESCE(actual_end, planned_end) ELSE "
             "COALESCE(actual_start, planned_start) END >= ?) r LEFT JOIN unit_states u ON u.unit_id = "
             "r.unit_id AND u.valid_from <= r.e AND r.s < u.valid_to ORDER BY r.rotation_id, u.valid_from",
             filter_where(&fs));
  if (!rc) rc = store_prepare(c->s, buf_cstr(&sql), &st, c->e);
  buf_free(&sql);
  if (!rc) {
    char d[11];
    int next = filter_bind_all(&fs, st, 1);
    stmt_bind_text(st, next, to == INT_MAX ? "9999-12-31" : date_format(to, d));
    stmt_bind_text(st, next + 1, from == INT_MIN ? "0000-01-01" : date_format(from, d));
  }
  int step = STMT_DONE;
  long cur = -1; /* the rotation the last rows belong to */
  while (!rc && (step = stmt_step(st, c->e)) == STMT_ROW) {
    const char *id = stmt_text(st, 0);
    if (cur < 0 || strcmp((*out)[cur].id, id) != 0) {
      int ps = day_of(st, 2, 0), pe = day_of(st, 3, 0);
      int as = day_of(st, 4, INT_MIN), ae = day_of(st, 5, INT_MIN);
      int start = as != INT_MIN ? as : ps, end = ae != INT_MIN ? ae : pe;
      if (end < start) end = start;
      if (start > to || end < from) continue;
      if (*n == ROT_MAX) {
        rc = err_set(c->e, ERR_TOO_LARGE, "more than %ld rotations in the period", ROT_MAX);
        break;
      }
      if (*n == cap) {
        cap = cap ? cap * 2 : 256;
        *out = xrealloc(*out, (size_t)cap * sizeof **out);
      }
      cur = (*n)++;
      rot *r = &(*out)[cur];
      r->id = arena_strdup(c->a, id);
      r->unit = arena_strdup(c->a, stmt_text(st, 1));
      r->start = start;
      r->end = end;
      r->planned_start = ps;
      r->actual_start = as;
      r->marked = 0;
      r->first_seg = r->nsegs = 0;
    }
    rot *r = &(*out)[cur];
    /* The state's days [valid_from, valid_to) cut to the rotation's. */
    int vf = day_of(st, 8, INT_MIN), vt = day_of(st, 9, INT_MAX);
    int ss = max_i(r->start, vf), se = vt == INT_MAX ? r->end : min_i(r->end, vt - 1);
    if (ss > se) continue;
    if (*nseg == ROT_MAX) {
      rc = err_set(c->e, ERR_TOO_LARGE, "more than %ld rotation segments in the period", ROT_MAX);
      break;
    }
    if (*nseg == segcap) {
      segcap = segcap ? segcap * 2 : 256;
      *segs = xrealloc(*segs, (size_t)segcap * sizeof **segs);
    }
    seg *g = &(*segs)[(*nseg)++];
    g->r = (rot *)(intptr_t)cur; /* an index until the rotations stop moving */
    const char *sector = stmt_text(st, 6);
    const char *location = stmt_text(st, 7);
    g->sector = sector && *sector ? arena_strdup(c->a, sector) : NULL;
    g->location = !g->sector && location ? arena_strdup(c->a, location) : NULL;
    g->start = ss;
    g->end = se;
  }
  if (!rc && step < 0) rc = step;
  for (long i = 0; i < *nseg; i++) (*segs)[i].r = &(*out)[(intptr_t)(*segs)[i].r];
  stmt_finalize(st);
  filter_free(&fs);
  return rc;
}

/* Gives each segment whose unit had no sector the sector of the unit's
 * location, looking each distinct location up once. */
static int fill_sectors(ind_ctx *c, seg *v, long n) {
  long m = 0;
  seg **need = xmalloc((size_t)(n ? n : 1) * sizeof *need);
  for (long i = 0; i < n; i++)
    if (!v[i].sector && v[i].location) need[m++] = &v[i];
  if (m > 1) qsort(need, (size_t)m, sizeof *need, by_location);
  char sector[128];
  char *found = NULL;
  int rc = 0;
  for (long i = 0; i < m; i++) {
    if (i == 0 || strcmp(need[i]->location, need[i - 1]->location) != 0) {
      int got = sector_of(c->s, need[i]->location, NULL, sector, sizeof sector);
      if (got < 0) {
        rc = err_set(c->e, got, "the sector of a unit's location could not be read (%s)", err_name(got));
        break;
      }
      found = got > 0 ? arena_strdup(c->a, sector) : NULL;
    }
    need[i]->sector = found;
  }
  free(need);
  return rc;
}

/* Joins consecutive segments of one rotation that have the same sector (a
 * change of strength or status only). Returns the new count. */
static long merge_segments(seg *v, long n) {
  long m = 0;
  for (long i = 0; i < n; i++) {
    if (m && v[m - 1].r == v[i].r && !cmp_str(v[m - 1].sector, v[i].sector) &&
        v[m - 1].end + 1 == v[i].start) {
      v[m - 1].end = v[i].end;
      continue;
    }
    v[m++] = v[i];
  }
  return m;
}

/* Reads the high-tempo windows, by start. */
static int read_windows(ind_ctx *c, window **out, long *n) {
  filter_set fs;
  filter_init(&fs, kind_find("windows"));
  filter_add_sql(&fs, "\"tempo\" = 'high'");
  stmt *st = NULL;
  long cap = 0;
  int rc = query_select(c->s, &fs, "window_id, start, \"end\", sector", "start, window_id", &st,
                        c->e);
  int step = STMT_DONE;
  while (!rc && (step = stmt_step(st, c->e)) == STMT_ROW) {
    if (*n == WINDOWS_MAX) {
      rc = err_set(c->e, ERR_TOO_LARGE, "more than %ld high-tempo windows", WINDOWS_MAX);
      break;
    }
    if (*n == cap) {
      cap = cap ? cap * 2 : 32;
      *out = xrealloc(*out, (size_t)cap * sizeof **out);
    }
    window *w = &(*out)[(*n)++];
    w->id = arena_strdup(c->a, stmt_text(st, 0));
    w->start = day_of(st, 1, 0);
    w->end = day_of(st, 2, 0);
    const char *sector = stmt_text(st, 3);
    w->sector = sector && *sector ? arena_strdup(c->a, sector) : NULL;
  }
  if (!rc && step < 0) rc = step;
  stmt_finalize(st);
  filter_free(&fs);
  return rc;
}

/* The overlapping pairs: segments sorted by (sector, start), each compared
 * only with the earlier ones of its sector still running. */
static int find_overlaps(ind_ctx *c, seg **v, long n, int from, int to, overlap **out,
                         long *nout, int *truncated) {
  if (n > 1) qsort(v, (size_t)n, sizeof *v, by_sector_start);
  seg **active = xmalloc((size_t)(n ? n : 1) * sizeof *active);
  long nactive = 0, cap = 0;
  for (long i = 0; i < n && !*truncated; i++) {
    seg *r = v[i];
    if (!r->sector) continue;
    if (i == 0 || cmp_str(r->sector, v[i - 1]->sector) != 0) nactive = 0;
    long keep = 0;
    for (long j = 0; j < nactive; j++)
      if (active[j]->end >= r->start) active[keep++] = active[j];
    nactive = keep;
    for (long j = 0; j < nactive; j++) {
      seg *a = active[j];
      if (!strcmp(a->r->unit, r->r->unit)) continue;
      int sf = r->start, stt = min_i(a->end, r->end);
      if (max_i(sf, from) > min_i(stt, to)) continue; /* shared days outside the period */
      if (*nout == OVERLAPS_MAX) {
        *truncated = 1;
        break;
      }
      if (*nout == cap) {
        cap = cap ? cap * 2 : 64;
        *out = xrealloc(*out, (size_t)cap * sizeof **out);
      }
      (*out)[(*nout)++] = (overlap){a, r, sf, stt};
    }
    active[nactive++] = r;
  }
  free(active);
  if (*nout > 1) qsort(*out, (size_t)*nout, sizeof **out, by_overlap);
  (void)c;
  return 0;
}

static void mark_prov(ind_ctx *c, const char *figure, rot *r, int pass) {
  if (r->marked == pass) return;
  r->marked = pass;
  ind_prov(c, figure, r->id);
}

int ind_rotation_conflicts(ind_ctx *c) {
  int from, to, rc;
  if ((rc = ind_from_to(c, &from, &to))) return rc;
  rot *rows = NULL;
  rot **v = NULL;
  seg *segs = NULL;
  seg **sv = NULL;
  window *win = NULL;
  overlap *ov = NULL;
  long n = 0, nseg = 0, nwin = 0, nov = 0;
  int truncated = 0;
  if ((rc = read_rotations(c, from, to, &rows, &n, &segs, &nseg))) goto done;
  v = xmalloc((size_t)(n ? n : 1) * sizeof *v);
  for (long i = 0; i < n; i++) v[i] = &rows[i];
  if ((rc = fill_sectors(c, segs, nseg))) goto done;
  nseg = merge_segments(segs, nseg);
  for (long i = 0; i < nseg; i++) {
    if (!segs[i].r->nsegs) segs[i].r->first_seg = i;
    segs[i].r->nsegs++;
  }
  sv = xmalloc((size_t)(nseg ? nseg : 1) * sizeof *sv);
  for (long i = 0; i < nseg; i++) sv[i] = &segs[i];
  if ((rc = read_windows(c, &win, &nwin))) goto done;
  if ((rc = find_overlaps(c, sv, nseg, from, to, &ov, &nov, &truncated))) goto done;

  jw_key(c->w, "from");
  ind_date_json(c, from);
  jw_key(c->w, "to");
  ind_date_json(c, to);
  char d[11];
  ind_prov_figure(c, "overlaps");
  jw_key(c->w, "overlaps");
  jw_arr(c->w);
  for (long i = 0; i < nov; i++) {
    jw_obj(c->w);
    jw_key(c->w, "units");
    jw_arr(c->w);
    jw_str(c->w, ov[i].a->r->unit);
    jw_str(c->w, ov[i].b->r->unit);
    jw_arr_end(c->w);
    jw_key(c->w, "rotations");
    jw_arr(c->w);
    jw_str(c->w, ov[i].a->r->id);
    jw_str(c->w, ov[i].b->r->id);
    jw_arr_end(c->w);
    jw_kstr(c->w, "sector", ov[i].a->sector);
    jw_kstr(c->w, "from", date_format(ov[i].from, d));
    jw_kstr(c->w, "to", date_format(ov[i].to, d));
    jw_obj_end(c->w);
    mark_prov(c, "overlaps", ov[i].a->r, 1);
    mark_prov(c, "overlaps", ov[i].b->r, 1);
  }
  jw_arr_end(c->w);
  if (truncated) {
    jw_kbool(c->w, "overlaps_truncated", 1);
  }

  if (n > 1) qsort(v, (size_t)n, sizeof *v, by_start);
  ind_prov_figure(c, "in_high_tempo");
  jw_key(c->w, "in_high_tempo");
  jw_arr(c->w);
  for (long i = 0; i < n; i++) {
    rot *r = v[i];
    for (long j = 0; j < nwin && win[j].start <= r->end; j++) {
      const window *w = &win[j];
      int in = 0;
      for (long k = r->first_seg; k < r->first_seg + r->nsegs && !in; k++) {
        const seg *g = &segs[k];
        if (w->sector && cmp_str(w->sector, g->sector) != 0) continue;
        int a = max_i(max_i(g->start, w->start), from), b = min_i(min_i(g->end, w->end), to);
        in = a <= b;
      }
      if (!in) continue;
      jw_obj(c->w);
      jw_kstr(c->w, "unit_id", r->unit);
      jw_kstr(c->w, "rotation_id", r->id);
      jw_kstr(c->w, "window_id", w->id);
      jw_obj_end(c->w);
      mark_prov(c, "in_high_tempo", r, 2);
    }
  }
  jw_arr_end(c->w);

  ind_prov_figure(c, "late");
  jw_key(c->w, "late");
  jw_arr(c->w);
  for (long i = 0; i < n; i++) {
    rot *r = v[i];
    if (r->actual_start == INT_MIN || r->actual_start <= r->planned_start) continue;
    jw_obj(c->w);
    jw_kstr(c->w, "unit_id", r->unit);
    jw_kstr(c->w, "rotation_id", r->id);
    jw_kint(c->w, "delay_days", r->actual_start - r->planned_start);
    jw_obj_end(c->w);
    ind_prov(c, "late", r->id);
  }
  jw_arr_end(c->w);

  ind_prov_figure(c, "rotations");
  for (long i = 0; i < n; i++) ind_prov(c, "rotations", v[i]->id);
  jw_kint(c->w, "rotations", n);
done:
  free(rows);
  free(v);
  free(segs);
  free(sv);
  free(win);
  free(ov);
  return rc;
}
