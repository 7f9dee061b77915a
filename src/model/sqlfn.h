/* sqlfn.h: bluehelm's SQL functions (bh_sector, bh_fold, bh_distance, bh_excluded). */
#ifndef BH_SQLFN_H
#define BH_SQLFN_H

#include "core/err.h"
#include "store/store.h"

/* sqlfn_attach: registers bluehelm's SQL functions on the store's
 * connection. Call once after store_open. Returns 0 or ERR_DB. */
int sqlfn_attach(store *s, err *e);

#endif
