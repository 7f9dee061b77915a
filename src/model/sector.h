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
 * lookups stale. Returns 0. */
int sector_after_write(store *s, const struct record *r, err *e);

/* sector_refresh_events: recomputes every event's stored sector (after
 * places or sector_areas changed). Returns 0 or ERR_DB. */
int sector_refresh_events(store *s, err *e);

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

#endif
