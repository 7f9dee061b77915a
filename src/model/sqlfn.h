/* sqlfn.h: bluehelm's SQL functions (bh_sector, bh_fold, bh_distance, bh_excluded). */
#ifndef BH_SQLFN_H
#define BH_SQLFN_H

#include "core/err.h"
#include "store/store.h"

/* sqlfn_attach: registers bluehelm's SQL functions on the store's
 * connection. Call once after store_open. Returns 0 or ERR_DB. */
int sqlfn_attach(store *s, err *e);

/* sqlfn_call: computes bluehelm's SQL function name (bh_sector, bh_fold,
 * bh_distance) in C, as SQL would on this store: argv[argc] in, *out set
 * (its text may point into tmp, cap bytes). Returns 0, a negative code, or
 * ERR_INTERNAL for an unknown name. */
int sqlfn_call(store *s, const char *name, int argc, const store_value *argv, store_value *out, char *tmp,
               size_t cap);

#endif
