/* operation_effect.h: the events around an operation, shared by the
 * `operation-effect` indicator and `bluehelm show operation ID`. */
#ifndef BH_OPERATION_EFFECT_H
#define BH_OPERATION_EFFECT_H

#include "core/arena.h"
#include "core/err.h"
#include "store/store.h"

typedef struct opeff_event {
  const char *id, *date, *type, *sub_type, *location, *place_id;
  long fatalities;        /* -1: unknown */
  int linked;             /* its operation_id names the operation */
  double km;              /* distance to the nearest of the operation's places (-1: none) */
  const char *near_place; /* that place's id, or NULL */
} opeff_event;

/* operation_effect_events: the events linked to operation opid
 * (events.operation_id, any date) or within km of any of its places during
 * its period (start..end, or start..as_of while it is ongoing), in date
 * order. visibility: an SQL condition on events (NULL: all). *out is
 * allocated (free it with free()), its strings live in a; *n its length.
 * Returns 0, ERR_USAGE naming an unknown operation, or ERR_DB. */
int operation_effect_events(store *s, const char *opid, double km, int as_of,
                            const char *visibility, opeff_event **out, long *n, arena *a, err *e);

#endif
