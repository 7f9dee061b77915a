/* place.h: places by id or by name (case- and accent-blind, alternate names
 * too), the name index behind that, and places inside places. */
#ifndef BH_PLACE_H
#define BH_PLACE_H

#include "core/arena.h"
#include "core/err.h"
#include "store/store.h"

struct record;

typedef struct place_match {
  char *place_id; /* owned by the arena given to place_resolve */
  char *name, *admin1, *admin2;
  double latitude, longitude;
  long population;
} place_match;

/* place_resolve: finds the place that text names: an exact place_id first;
 * otherwise the folded name or alternate name, preferring a dataset's own
 * places, then the most populous, then the lowest geonameid. Returns 1 and
 * fills *m (strings in a), 0 when nothing matches, <0 on a database error. */
int place_resolve(store *s, const char *text, place_match *m, arena *a, err *e);

/* place_candidates: every place whose name or alternate name folds to the
 * same key as name, in resolution order (best first), up to max; returns
 * how many were written to out (strings in a), or <0 on error. */
int place_candidates(store *s, const char *name, place_match *out, int max, arena *a, err *e);

/* place_after_write: the places kind's hook: re-indexes the names of the
 * place just written and recomputes the stored sector of the events at it
 * or inside it (sector_changed). Returns 0 or an error code. */
int place_after_write(store *s, const struct record *r, err *e);

/* place_fold_key: the lookup key of a name (folded, trimmed) into out. */
void place_fold_key(const char *name, char *out, size_t cap);

/* place_filter_search: keeps the places one of whose names or alternate
 * names starts with text (folded: no case, no accents), best match first
 * (a dataset's own places, then the most populous). Returns 0 or ERR_USAGE. */
struct filter_set;
int place_filter_search(struct filter_set *fs, const char *text, arena *a, err *e);

/* PLACE_IS_GAZETTEER_ID(col): an SQL condition, true when the text column
 * col is a gazetteer id: "gn-" and a digit (SQLite's GLOB 'gn-[0-9]*',
 * written so that PostgreSQL reads it too). */
#define PLACE_IS_GAZETTEER_ID(col) \
  "(substr(" col ", 1, 3) = 'gn-' AND substr(" col ", 4, 1) BETWEEN '0' AND '9')"

/* PLACE_WITHIN_SQL: an SQL subquery listing the place bound to its one
 * parameter and every place inside it (through parent_place, any depth). */
#define PLACE_WITHIN_SQL                                                   \
  "(WITH RECURSIVE _inside(id) AS (SELECT place_id FROM places WHERE place_id = ? UNION SELECT p.place_id FROM " \
  "places p JOIN _inside ON p.parent_place = _inside.id) SELECT id FROM _inside)"

#endif
