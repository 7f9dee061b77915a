/* gazetteer.h: the bundled Mali gazetteer (GeoNames populated places, CC BY
 * 4.0, data/gazetteer/) loaded as places with ids gn-<geonameid>. */
#ifndef BH_GAZETTEER_H
#define BH_GAZETTEER_H

#include "model/record.h"

/* gazetteer_load: loads every bundled place (upsert) inside the caller's
 * transaction; *count receives how many. Returns 0 or an ERR_* code. */
int gazetteer_load(store *s, long *count, err *e);

#endif
