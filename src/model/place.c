/* place.c: place resolution and the folded-name index. */
#include "model/place.h"

#include <string.h>

#include "core/str.h"
#include "core/utf8.h"
#include "model/filter.h"
#include "model/record.h"
#include "model/sector.h"

void place_fold_key(const char *name, char *out, size_t cap) {
  size_t tl;
  const char *t = str_trim(name, strlen(name), &tl);
  char tmp[512];
  str_copy(tmp, tl + 1 < sizeof tmp ? tl + 1 : sizeof tmp, t);
  utf8_fold(tmp, out, cap);
}

static void fill_match(stmt *st, place_match *m, arena *a) {
  m->place_id = arena_strdup(a, stmt_text(st, 0));
  m->name = arena_strdup(a, stmt_text(st, 1));
  m->latitude = stmt_double(st, 2);
  m->longitude = stmt_double(st, 3);
  m->admin1 = arena_strdup(a, stmt_text(st, 4));
  m->admin2 = arena_strdup(a, stmt_text(st, 5));
  m->population = stmt_int(st, 6);
}

#define PLACE_COLS "p.place_id, p.name, p.latitude, p.longitude, p.admin1, p.admin2, p.population"
#define BY_NAME_SQL                                                              \
  "SELECT " PLACE_COLS " FROM _place_names n JOIN places p USING (place_id) "    \
  "WHERE n.key = ?1 ORDER BY CASE WHEN " PLACE_IS_GAZETTEER_ID("p.place_id") " THEN 1 ELSE 0 END, " \
  "COALESCE(p.population, 0) DESC, "                                             \
  /* the lowest geonameid: digits compare as numbers by length, then bytes */  \
  "CASE WHEN " PLACE_IS_GAZETTEER_ID("p.place_id") " THEN length(p.place_id) END, " \
  "p.place_id LIMIT ?2"

int place_candidates(store *s, const char *name, place_match *out, int max, arena *a, err *e) {
  char key[512];
  place_fold_key(name, key, sizeof key);
  stmt *st = store_cached(s, BY_NAME_SQL, e);
  if (!st) return ERR_DB;
  stmt_bind_text(st, 1, key);
  stmt_bind_int(st, 2, max);
  int n = 0, rc;
  while (n < max && (rc = stmt_step(st, e)) == STMT_ROW) fill_match(st, &out[n++], a);
  stmt_reset(st);
  return rc < 0 ? rc : n;
}

int place_resolve(store *s, const char *text, place_match *m, arena *a, err *e) {
  stmt *st = store_cached(s, "SELECT " PLACE_COLS " FROM places p WHERE p.place_id = ?", e);
  if (!st) return ERR_DB;
  stmt_bind_text(st, 1, text);
  int rc = stmt_step(st, e);
  if (rc == STMT_ROW) {
    fill_match(st, m, a);
    stmt_reset(st);
    return 1;
  }
  stmt_reset(st);
  if (rc < 0) return rc;
  return place_candidates(s, text, m, 1, a, e);
}

static int index_name(store *s, const char *id, const char *name, err *e) {
  char key[512];
  place_fold_key(name, key, sizeof key);
  if (!key[0]) return 0;
  stmt *st = store_cached(s, "INSERT INTO _place_names(key, place_id) VALUES (?, ?) ON CONFLICT DO NOTHING", e);
  if (!st) return ERR_DB;
  stmt_bind_text(st, 1, key);
  stmt_bind_text(st, 2, id);
  return stmt_run(st, e);
}

int place_after_write(store *s, const record *r, err *e) {
  const fval *id = &r->v[r->k->key[0]];
  store_touch(s);
  /* The events at this place (or inside it) may now be in another sector. */
  int rc = sector_changed(s, id->s, e);
  if (rc) return rc;
  /* A gazetteer place changed by the mission is now the mission's own. */
  stmt *own = store_cached(
      s, "UPDATE places SET _gazetteer = NULL WHERE place_id = ? AND _gazetteer IS NOT NULL", e);
  if (!own) return ERR_DB;
  stmt_bind_text(own, 1, id->s);
  rc = stmt_run(own, e);
  if (rc) return rc;
  stmt *del = store_cached(s, "DELETE FROM _place_names WHERE place_id = ?", e);
  if (!del) return ERR_DB;
  stmt_bind_text(del, 1, id->s);
  if ((rc = stmt_run(del, e))) return rc;
  stmt *get = store_cached(s, "SELECT name, alt_names FROM places WHERE place_id = ?", e);
  if (!get) return ERR_DB;
  stmt_bind_text(get, 1, id->s);
  if ((rc = stmt_step(get, e)) != STMT_ROW) {
    stmt_reset(get);
    return rc;
  }
  arena a;
  arena_init(&a);
  char *name = arena_strdup(&a, stmt_text(get, 0));
  char *alts = arena_strdup(&a, stmt_text(get, 1));
  stmt_reset(get);
  rc = name ? index_name(s, id->s, name, e) : 0;
  for (char *p = alts; !rc && p && *p;) {
    char *semi = strchr(p, ';');
    if (semi) *semi = 0;
    rc = index_name(s, id->s, p, e);
    p = semi ? semi + 1 : NULL;
  }
  arena_free(&a);
  return rc;
}

int place_filter_search(filter_set *fs, const char *text, arena *a, err *e) {
  char key[512];
  place_fold_key(text, key, sizeof key);
  if (!key[0]) return err_set(e, ERR_USAGE, "give some letters of a place name");
  /* Every key that starts with the folded text sorts within [key, key + 0xF4]. */
  char *hi = arena_printf(a, "%s\xf4\x8f\xbf\xbf", key);
  const char *texts[2] = {key, hi};
  /* (LIKE would differ: SQLite's ignores ASCII case, PostgreSQL's does not) */
  fs->order = "CASE WHEN " PLACE_IS_GAZETTEER_ID("\"place_id\"") " THEN 1 ELSE 0 END, COALESCE(\"population\", 0) DESC";
  return filter_add_bound(fs, "\"place_id\" IN (SELECT place_id FROM _place_names WHERE key >= ? AND key < ?)", 2,
                          texts, a, e);
}
