/* event.h: what is particular to events: coordinates from their place or
 * location. */
#ifndef BH_EVENT_H
#define BH_EVENT_H

#include "core/err.h"
#include "store/store.h"

struct record;

/* event_prepare: the events kind's hook before a write: latitude and
 * longitude go together; without them, they come from the place_id, else
 * from the location looked up in the gazetteer; a new event with none of
 * these is refused. Returns 0 or ERR_VALIDATION (e->field names the column). */
int event_prepare(store *s, struct record *r, err *e);

#endif
