/* sector.c: the sector rule of API.md (sector_of, record_sector, SQL
 * function bh_sector) and the other SQL functions bluehelm registers. */
#include "model/sector.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/date.h"
#include "core/hset.h"
#include "core/geo.h"
#include "core/str.h"
#include "core/utf8.h"
#include "model/place.h"
#include "model/query.h"
#include "model/record.h"
#include "model/unit.h"

#define PARENT_DEPTH_MAX 32

/* sector_areas folded into memory, refreshed when the store's generation
 * moves; and the state of a batch of writes (an import) whose events'
 * sectors are refreshed once, at its end. */
typedef struct sector_cache {
  store *s;
  unsigned long generation;
  int loaded;
  int n;
  struct {
    char key[128];
    char sector[64];
  } rows[256];
  int64_t data_version; /* the store's when loaded: another connection's commit moves it */
  unsigned long tx;      /* the transaction in which it was last checked */
  int batch;       /* inside sector_batch_begin .. end */
  int batch_dirty; /* a place or sector area changed during the batch */
} sector_cache;

static sector_cache *cache_for(store *s);

int sector_after_write(store *s, const record *r, err *e) {
  (void)r;
  store_touch(s);
  return sector_changed(s, NULL, e);
}

void sector_batch_begin(store *s) {
  sector_cache *c = cache_for(s);
  c->batch = 1;
  c->batch_dirty = 0;
}

int sector_batch_end(store *s, int refresh, err *e) {
  sector_cache *c = cache_for(s);
  int dirty = c->batch_dirty;
  c->batch = c->batch_dirty = 0;
  return refresh && dirty ? sector_refresh_events(s, e) : 0;
}

/* The events at a place or at any place inside it (through parent_place):
 * the ones whose stored sector may follow a change of that place. */
#define EVENTS_UNDER_PLACE                                                              \
  "UPDATE events SET sector = bh_sector(place_id, admin1) WHERE place_id IN "           \
  PLACE_WITHIN_SQL " AND sector IS DISTINCT FROM bh_sector(place_id, admin1)"

int sector_changed(store *s, const char *place_id, err *e) {
  store_touch(s); /* cached sector areas are stale */
  sector_cache *c = cache_for(s);
  if (c->batch) {
    c->batch_dirty = 1;
    return 0;
  }
  if (!place_id) return sector_refresh_events(s, e);
  stmt *st = store_cached(s, EVENTS_UNDER_PLACE, e);
  if (!st) return ERR_DB;
  stmt_bind_text(st, 1, place_id);
  return stmt_run(st, e);
}

static sector_cache *cache_for(store *s) {
  sector_cache *c = store_aux(s);
  if (!c) {
    c = xcalloc(1, sizeof *c);
    c->s = s;
    store_set_aux(s, c, free);
  }
  return c;
}

/* 1 when sector_areas may have changed through another connection (a
 * command-line import while the server runs): checked once per write
 * transaction (no other writer commits meanwhile), and on every use
 * outside one. */
static int changed_elsewhere(sector_cache *c, store *s) {
  if (store_in_transaction(s)) {
    if (c->tx == store_tx_count(s)) return 0;
    c->tx = store_tx_count(s);
  }
  int64_t v = store_data_version(s);
  if (v == c->data_version) return 0;
  c->data_version = v;
  return 1;
}

static int area_sector(store *s, const char *admin1, char *out, size_t cap) {
  sector_cache *c = cache_for(s);
  if (!c) return 0;
  int elsewhere = changed_elsewhere(c, s);
  if (!c->loaded || c->generation != store_generation(s) || elsewhere) {
    c->n = 0;
    stmt *st = store_cached(s, "SELECT admin1, sector FROM sector_areas", NULL);
    if (!st) return ERR_DB;
    int rc = 0;
    while (c->n < 256 && (rc = stmt_step(st, NULL)) == STMT_ROW) {
      place_fold_key(stmt_text(st, 0), c->rows[c->n].key,
                     sizeof c->rows[c->n].key);
      str_copy(c->rows[c->n].sector, sizeof c->rows[c->n].sector,
               stmt_text(st, 1));
      c->n++;
    }
    stmt_reset(st);
    if (rc < 0) return rc;
    c->loaded = 1;
    c->generation = store_generation(s);
  }
  char key[128];
  place_fold_key(admin1, key, sizeof key);
  for (int i = 0; i < c->n; i++)
    if (strcmp(c->rows[i].key, key) == 0) {
      str_copy(out, cap, c->rows[i].sector);
      return 1;
    }
  return 0;
}

/* The rule's walk up a chain of places from place_id: the first sector
 * given on the way; else the sector area of the first admin1 met, counting
 * first_admin1 (a place's own, when the walk starts at its parent). Returns
 * 1 when found, 0 if none, <0 on error. */
static int chain_sector(store *s, const char *place_id, const char *first_admin1, char *out,
                        size_t cap) {
  char place_admin1[128] = "";
  if (first_admin1) str_copy(place_admin1, sizeof place_admin1, first_admin1);
  if (place_id) {
    stmt *st = store_cached(
        s, "SELECT sector, parent_place, admin1 FROM places WHERE place_id = ?", NULL);
    if (!st) return ERR_DB;
    char cur[256];
    str_copy(cur, sizeof cur, place_id);
    for (int depth = 0; depth < PARENT_DEPTH_MAX; depth++) {
      stmt_reset(st);
      stmt_bind_text(st, 1, cur);
      int step = stmt_step(st, NULL);
      if (step < 0) return step;
      if (step != STMT_ROW) break;
      const char *sec = stmt_text(st, 0);
      if (sec && *sec) {
        str_copy(out, cap, sec);
        stmt_reset(st);
        return 1;
      }
      const char *a1 = stmt_text(st, 2);
      if (!place_admin1[0] && a1) str_copy(place_admin1, sizeof place_admin1, a1);
      const char *parent = stmt_text(st, 1);
      if (!parent) break;
      str_copy(cur, sizeof cur, parent);
    }
    stmt_reset(st);
  }
  if (place_admin1[0]) return area_sector(s, place_admin1, out, cap);
  return 0;
}

int sector_of(store *s, const char *place_id, const char *admin1, char *out, size_t cap) {
  int rc = chain_sector(s, place_id, NULL, out, cap);
  if (rc) return rc;
  if (admin1 && *admin1) return area_sector(s, admin1, out, cap);
  return 0;
}

int sector_known(store *s, const char *sector) {
  stmt *st = store_cached(s,
                                  "SELECT EXISTS (SELECT 1 FROM places WHERE sector = ?1) OR "
                                  "EXISTS (SELECT 1 FROM sector_areas WHERE sector = ?1)",
                                  NULL);
  if (!st) return ERR_DB;
  stmt_bind_text(st, 1, sector);
  int step = stmt_step(st, NULL);
  int rc = step == STMT_ROW ? stmt_int(st, 0) != 0 : step < 0 ? step : ERR_DB;
  stmt_reset(st);
  return rc;
}

int sector_refresh_events(store *s, err *e) {
  return store_exec(s,
                    "UPDATE events SET sector = bh_sector(place_id, admin1) "
                    "WHERE sector IS DISTINCT FROM bh_sector(place_id, admin1)",
                    e);
}

/* The sector of the record of kind k with this id (depth bounds recursion;
 * day: the date of the record that names it). */
static int sector_by_ref(store *s, const kind *k, const char *id, char *out, size_t cap, int depth,
                         int day);

/* The day a record speaks of: its main date (the day of a datetime), else
 * the day of the record that named it (dflt). */
static int record_day(const record *r, int dflt) {
  int fi = r->k->date_field ? kind_field_index(r->k, r->k->date_field) : -1;
  int d;
  if (fi >= 0 && r->v[fi].set && r->v[fi].s && !date_parse_day(r->v[fi].s, &d)) return d;
  return dflt;
}

static int sector_rule(store *s, const record *r, char *out, size_t cap, int depth, int day) {
  const kind *k = r->k;
  out[0] = 0;
  int fi = kind_field_index(k, "sector");
  if (fi >= 0 && !(k->fields[fi].flags & F_DERIVED) && r->v[fi].set && r->v[fi].s[0]) {
    str_copy(out, cap, r->v[fi].s);
    return 1;
  }
  int ia = kind_field_index(k, "admin1");
  const char *admin1 = ia >= 0 && r->v[ia].set ? r->v[ia].s : NULL;
  if (!strcmp(k->name, "places")) {
    /* A place is where its own id would lead: its parents' sector, else the
     * area of its own admin1 (then its parents'), as for a record placed there. */
    int ip = kind_field_index(k, "parent_place");
    return chain_sector(s, r->v[ip].set ? r->v[ip].s : NULL, admin1, out, cap);
  }
  for (int i = 0; i < k->nfields; i++)
    if (k->fields[i].type == FT_PLACE && r->v[i].set) {
      int rc = sector_of(s, r->v[i].s, admin1, out, cap);
      if (rc) return rc;
    }
  if (admin1) {
    int rc = sector_of(s, NULL, admin1, out, cap);
    if (rc) return rc;
  }
  /* A kind that stores its sector (events) has the sector its stored
   * column says, from its place and admin1 only, so that authorization,
   * sector= filters and counts agree. */
  if (fi >= 0 && (k->fields[fi].flags & F_DERIVED)) return 0;
  if (depth >= 3) return 0;
  day = record_day(r, day);
  /* The unit the record names, as it stood on the record's day; then the
   * records it belongs to. */
  for (int pass = 0; pass < 2; pass++)
    for (int i = 0; i < k->nfields; i++) {
      const field *f = &k->fields[i];
      if (f->type != FT_REF || !r->v[i].set || !strcmp(f->arg, k->name)) continue;
      int to_units = !strcmp(f->arg, "units");
      if (to_units != (pass == 0)) continue;
      int rc = to_units ? unit_sector_at(s, r->v[i].s, day, out, cap)
                        : sector_by_ref(s, kind_find(f->arg), r->v[i].s, out, cap, depth + 1, day);
      if (rc) return rc;
    }
  return 0;
}

static int sector_by_ref(store *s, const kind *k, const char *id, char *out, size_t cap, int depth,
                         int day) {
  stmt *st;
  record r;
  int found = query_get(s, k, id, NULL, &st, &r, NULL);
  if (found <= 0) return found;
  int rc = sector_rule(s, &r, out, cap, depth, day);
  stmt_finalize(st);
  return rc;
}

int record_sector(store *s, const record *r, char *out, size_t cap) {
  return sector_rule(s, r, out, cap, 0, date_today());
}

/* ---------------------------------------------------------------- moves */

typedef struct watched {
  const kind *k;
  char *id, *id2;
  char sector[64]; /* before the write */
} watched;

struct sector_watch {
  store *s;
  watched *items;
  long n, cap;
  hset seen;
};

static uint64_t watch_key(const kind *k, const char *id, const char *id2) {
  uint64_t h = str_hash(k->name, strlen(k->name));
  h = h * 31 + str_hash(id, strlen(id));
  if (id2) h = h * 31 + str_hash(id2, strlen(id2)) + 1;
  return h;
}

/* Notes one record (once). Returns 0, or ERR_TOO_LARGE past the cap. */
static int watch_add(sector_watch *w, const kind *k, const char *id, const char *id2, err *e) {
  if (hset_add(&w->seen, watch_key(k, id, id2))) return 0; /* noted already */
  if (w->n == SECTOR_WATCH_MAX)
    return err_set(e, ERR_TOO_LARGE, "this change would move the sector of more than %d records",
                   SECTOR_WATCH_MAX);
  if (w->n == w->cap) {
    w->cap = w->cap ? w->cap * 2 : 64;
    w->items = xrealloc(w->items, (size_t)w->cap * sizeof *w->items);
  }
  watched *it = &w->items[w->n++];
  memset(it, 0, sizeof *it);
  it->k = k;
  it->id = xstrdup(id);
  it->id2 = id2 ? xstrdup(id2) : NULL;
  return 0;
}

/* Notes every record of kind d whose column col equals value (with bh_fold
 * on both sides when fold is set). */
static int watch_where(sector_watch *w, const kind *d, const char *col, const char *value, int fold,
                       err *e) {
  char sql[512];
  if (d->nkey > 1)
    snprintf(sql, sizeof sql, "SELECT \"%s\", \"%s\" FROM \"%s\" WHERE %s\"%s\"%s = ?",
             d->fields[d->key[0]].name, d->fields[d->key[1]].name, d->name, fold ? "bh_fold(" : "", col,
             fold ? ")" : "");
  else
    snprintf(sql, sizeof sql, "SELECT \"%s\" FROM \"%s\" WHERE %s\"%s\"%s = ?", d->fields[d->key[0]].name,
             d->name, fold ? "bh_fold(" : "", col, fold ? ")" : "");
  stmt *st;
  if (store_prepare(w->s, sql, &st, e)) return ERR_DB;
  stmt_bind_text(st, 1, value);
  int step, rc = 0;
  while (!rc && (step = stmt_step(st, e)) == STMT_ROW)
    rc = watch_add(w, d, stmt_text(st, 0), d->nkey > 1 ? stmt_text(st, 1) : NULL, e);
  stmt_finalize(st);
  if (rc) return rc;
  return step < 0 ? step : 0;
}

/* The records whose sector the rule may take from record (k, id): those
 * that name it through a reference or a place column (child places
 * included), and, for a sector area, the places and records of its admin1;
 * then theirs in turn. */
static int watch_dependents(sector_watch *w, long from, err *e) {
  int nk;
  const kind *all = kind_all(&nk);
  for (long i = from; i < w->n; i++) {
    const kind *k = w->items[i].k;
    const char *id = w->items[i].id; /* its own allocation: stays put as the list grows */
    if (k->nkey > 1) {
      /* Nothing refers to a kind keyed by two columns, but one keyed by a
       * reference is part of the record it names (unit_changes of a unit):
       * what follows that record may move with it. */
      const char *keys[2] = {id, w->items[i].id2};
      for (int j = 0; j < k->nkey; j++) {
        const field *kf = &k->fields[k->key[j]];
        const kind *t = kf->type == FT_REF ? kind_find(kf->arg) : NULL;
        int rc = t && keys[j] ? watch_add(w, t, keys[j], NULL, e) : 0;
        if (rc) return rc;
      }
      continue;
    }
    if (!strcmp(k->name, "sector_areas")) {
      char key[128];
      place_fold_key(id, key, sizeof key);
      for (int d = 0; d < nk; d++)
        if (kind_field(&all[d], "admin1") && !(kind_field(&all[d], "admin1")->flags & F_KEY)) {
          int rc = watch_where(w, &all[d], "admin1", key, 1, e);
          if (rc) return rc;
        }
      continue;
    }
    for (int d = 0; d < nk; d++) {
      const kind *dk = &all[d];
      for (int f = 0; f < dk->nfields; f++) {
        const field *fd = &dk->fields[f];
        int names = (fd->type == FT_REF && !strcmp(fd->arg, k->name) && dk != k) ||
                    (fd->type == FT_PLACE && !strcmp(k->name, "places"));
        if (!names) continue;
        int rc = watch_where(w, dk, fd->name, id, 0, e);
        if (rc) return rc;
      }
    }
  }
  return 0;
}

/* Reads the sector of each noted record from `from` on into item->sector
 * (found = 0 for a record that does not exist). */
static int watch_read(sector_watch *w, long from, char (*out)[64], err *e) {
  for (long i = from; i < w->n; i++) {
    watched *it = &w->items[i];
    stmt *st;
    record r;
    int found = query_get(w->s, it->k, it->id, it->id2, &st, &r, e);
    if (found < 0) return found;
    out[i - from][0] = 0;
    if (!found) continue;
    int rc = record_sector(w->s, &r, out[i - from], 64);
    stmt_finalize(st);
    if (rc < 0) return err_set(e, rc, "the sector of %s %s could not be read", it->k->name, it->id);
  }
  return 0;
}

int sector_watch_begin(store *s, const kind *k, const char *id, sector_watch **out, err *e) {
  sector_watch *w = xcalloc(1, sizeof *w);
  w->s = s;
  hset_init(&w->seen);
  *out = NULL;
  int rc = watch_add(w, k, id, NULL, e);
  if (!rc) rc = watch_dependents(w, 0, e);
  char(*sectors)[64] = NULL;
  if (!rc && w->n > 1) {
    sectors = xcalloc((size_t)w->n, sizeof *sectors);
    rc = watch_read(w, 1, sectors, e);
  }
  for (long i = 1; !rc && i < w->n; i++)
    str_copy(w->items[i].sector, sizeof w->items[i].sector, sectors[i - 1]);
  free(sectors);
  if (rc) {
    sector_watch_free(w);
    return rc;
  }
  *out = w;
  return 0;
}

int sector_watch_end(sector_watch *w, sector_moved_fn moved, void *ctx, err *e) {
  if (!w) return 0;
  int rc = 0;
  char(*now)[64] = NULL;
  if (w->n > 1) {
    now = xcalloc((size_t)w->n, sizeof *now);
    rc = watch_read(w, 1, now, e);
  }
  for (long i = 1; !rc && i < w->n; i++) {
    watched *it = &w->items[i];
    if (strcmp(it->sector, now[i - 1]) != 0)
      rc = moved(ctx, it->k, it->id, it->id2, it->sector, now[i - 1], e);
  }
  free(now);
  sector_watch_free(w);
  return rc;
}

void sector_watch_free(sector_watch *w) {
  if (!w) return;
  for (long i = 0; i < w->n; i++) {
    free(w->items[i].id);
    free(w->items[i].id2);
  }
  free(w->items);
  hset_free(&w->seen);
  free(w);
}
