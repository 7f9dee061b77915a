/* sector.c: the sector rule of API.md (sector_of, record_sector, SQL
 * function bh_sector) and the other SQL functions bluehelm registers. */
#include "model/sector.h"

#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/geo.h"
#include "core/str.h"
#include "core/utf8.h"
#include "model/place.h"
#include "model/query.h"
#include "model/record.h"

#define PARENT_DEPTH_MAX 32

int sector_after_write(store *s, const record *r, err *e) {
  (void)r;
  (void)e;
  store_touch(s);
  return 0;
}

/* sector_areas folded into memory, refreshed when the store's generation moves. */
typedef struct sector_cache {
  store *s;
  unsigned long generation;
  int loaded;
  int n;
  struct {
    char key[128];
    char sector[64];
  } rows[256];
} sector_cache;

static sector_cache *cache_for(store *s) {
  sector_cache *c = store_aux(s);
  if (!c) {
    c = xcalloc(1, sizeof *c);
    c->s = s;
    store_set_aux(s, c, free);
  }
  return c;
}

static int area_sector(store *s, const char *admin1, char *out, size_t cap) {
  sector_cache *c = cache_for(s);
  if (!c) return 0;
  if (!c->loaded || c->generation != store_generation(s)) {
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

int sector_of(store *s, const char *place_id, const char *admin1, char *out, size_t cap) {
  char place_admin1[128] = "";
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
  if (place_admin1[0]) {
    int rc = area_sector(s, place_admin1, out, cap);
    if (rc) return rc;
  }
  if (admin1 && *admin1) return area_sector(s, admin1, out, cap);
  return 0;
}

int sector_refresh_events(store *s, err *e) {
  return store_exec(s,
                    "UPDATE events SET sector = bh_sector(place_id, admin1) "
                    "WHERE sector IS DISTINCT FROM bh_sector(place_id, admin1)",
                    e);
}

/* The sector of the record of kind k with this id (depth bounds recursion). */
static int sector_by_ref(store *s, const kind *k, const char *id, char *out, size_t cap, int depth);

static int sector_rule(store *s, const record *r, char *out, size_t cap, int depth) {
  const kind *k = r->k;
  out[0] = 0;
  int fi = kind_field_index(k, "sector");
  if (fi >= 0 && !(k->fields[fi].flags & F_DERIVED) && r->v[fi].set && r->v[fi].s[0]) {
    str_copy(out, cap, r->v[fi].s);
    return 1;
  }
  int ia = kind_field_index(k, "admin1");
  const char *admin1 = ia >= 0 && r->v[ia].set ? r->v[ia].s : NULL;
  for (int i = 0; i < k->nfields; i++)
    if (k->fields[i].type == FT_PLACE && r->v[i].set) {
      int rc = sector_of(s, r->v[i].s, admin1, out, cap);
      if (rc) return rc;
    }
  if (admin1) {
    int rc = sector_of(s, NULL, admin1, out, cap);
    if (rc) return rc;
  }
  if (depth >= 3) return 0;
  for (int i = 0; i < k->nfields; i++) {
    const field *f = &k->fields[i];
    if (f->type != FT_REF || !r->v[i].set || !strcmp(f->arg, k->name)) continue;
    int rc = sector_by_ref(s, kind_find(f->arg), r->v[i].s, out, cap, depth + 1);
    if (rc) return rc;
  }
  return 0;
}

static int sector_by_ref(store *s, const kind *k, const char *id, char *out, size_t cap, int depth) {
  stmt *st;
  record r;
  int found = query_get(s, k, id, NULL, &st, &r, NULL);
  if (found <= 0) return found;
  int rc = sector_rule(s, &r, out, cap, depth);
  stmt_finalize(st);
  return rc;
}

int record_sector(store *s, const record *r, char *out, size_t cap) {
  return sector_rule(s, r, out, cap, 0);
}
