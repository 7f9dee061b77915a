/* sector.h: the sector of a record (API.md, "A record's sector"): units,
 * places, operations, capabilities and windows carry one; events,
 * restrictions and activities take their place's; other kinds take the
 * sector of the unit they name (as it stood on the record's main date, else
 * today: unit_sector_at), directly or through the record they belong to;
 * failing all of these, the sector that sector_areas gives the admin1. */
#ifndef BH_SECTOR_H
#define BH_SECTOR_H

#include <stddef.h>

#include "core/err.h"
#include "store/store.h"

struct record;

/* sector_after_write: the sector_areas kind's hook: marks cached sector
 * lookups stale and recomputes the events' stored sectors (sector_changed).
 * Returns 0 or an error code. */
int sector_after_write(store *s, const struct record *r, err *e);

/* sector_refresh_events: recomputes every event's stored sector (after
 * places or sector_areas changed). Returns 0 or ERR_DB. */
int sector_refresh_events(store *s, err *e);

/* sector_changed: after a write or a delete of a place (place_id) or of a
 * sector area (place_id NULL): recomputes the stored sector of the events
 * it may move (those at the place or inside it; every event for an area),
 * or, inside a batch, notes that the batch must refresh them at its end.
 * Returns 0 or an error code. */
int sector_changed(store *s, const char *place_id, err *e);

/* sector_batch_begin / sector_batch_end: a bulk write (an import) defers the
 * events' sector refresh to its end: sector_batch_end refreshes them once,
 * when refresh is set and a place or sector area changed in between
 * (refresh = 0 after a rollback). Returns 0 or an error code. */
void sector_batch_begin(store *s);
int sector_batch_end(store *s, int refresh, err *e);

/* sector_of: the sector that the rule gives a record placed at place_id
 * (may be NULL) in admin1 (may be NULL): the place's sector, else its
 * parents', else the sector_areas row of the place's admin1, else of admin1.
 * Writes it into out (cap bytes); returns 1 when found, 0 if none, <0 on error. */
int sector_of(store *s, const char *place_id, const char *admin1, char *out, size_t cap);

/* sector_known: 1 when some place (places.sector) or sector area
 * (sector_areas.sector) uses the sector name, 0 when none does, <0 (ERR_DB)
 * on a database error. */
int sector_known(store *s, const char *sector);

/* record_sector: the sector of record r by the rule above, into out (cap
 * bytes; "" when it has none). Returns 1 when found, 0 if none, <0 on error. */
int record_sector(store *s, const struct record *r, char *out, size_t cap);

/* Moves: a write to one record can change the sector of others (a place's
 * sector or parent moves the places inside it and everything placed there;
 * a sector area moves the records of its admin1; a unit moves its
 * equipment...). A sector_watch notes, before the write, the sector of
 * every record whose sector the rule may take from the record written, and
 * tells, after it, which of them moved. */
#define SECTOR_WATCH_MAX 200000

struct kind;
typedef struct sector_watch sector_watch;

/* Called for each record that moved; a non-zero return (with e filled)
 * stops sector_watch_end and is returned by it. */
typedef int (*sector_moved_fn)(void *ctx, const struct kind *k, const char *id, const char *id2,
                               const char *old_sector, const char *new_sector, err *e);

/* sector_watch_begin: notes the records that depend on record (k, id) and
 * their sectors now (the record itself is not among them). Returns 0 with
 * *out set (free with sector_watch_end or sector_watch_free), ERR_TOO_LARGE
 * past SECTOR_WATCH_MAX records, or a database error. */
int sector_watch_begin(store *s, const struct kind *k, const char *id, sector_watch **out, err *e);

/* sector_watch_end: reads the noted records' sectors again and calls moved
 * for each that changed (old "" or new "": no sector). Frees w (NULL is
 * fine). Returns 0, moved's first non-zero return, or a database error. */
int sector_watch_end(sector_watch *w, sector_moved_fn moved, void *ctx, err *e);

/* sector_watch_free: releases w without looking again; NULL is fine. */
void sector_watch_free(sector_watch *w);

#endif
