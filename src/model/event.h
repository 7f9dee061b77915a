/* event.h: what is particular to events (coordinates from their place or
 * location), and the sector rule of API.md shared by every kind. */
#ifndef BH_EVENT_H
#define BH_EVENT_H

#include <stddef.h>

#include "core/err.h"
#include "store/store.h"

struct record;

/* event_prepare: the events kind's hook before a write: latitude and
 * longitude go together; without them, they come from the place_id, else
 * from the location looked up in the gazetteer; a new event with none of
 * these is refused. Returns 0 or ERR_VALIDATION (e->field names the column). */
int event_prepare(store *s, struct record *r, err *e);

/* sector_after_write: the sector_areas kind's hook: marks cached sector
 * lookups stale. Returns 0. */
int sector_after_write(store *s, const struct record *r, err *e);

/* event_refresh_sectors: recomputes every event's stored sector (after
 * places or sector_areas changed). Returns 0 or ERR_DB. */
int event_refresh_sectors(store *s, err *e);

/* sector_of: the sector that the rule gives a record placed at place_id
 * (may be NULL) in admin1 (may be NULL): the place's sector, else its
 * parents', else the sector_areas row of the place's admin1, else of admin1.
 * Writes it into out (cap bytes); returns 1 when found, 0 if none, <0 on error. */
int sector_of(store *s, const char *place_id, const char *admin1, char *out, size_t cap);

#endif
