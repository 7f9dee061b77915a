/* fixture.h: what the fuzz targets over the library share: one database in
 * memory, opened once, holding the bundled gazetteer and the demo dataset
 * (data/demo), and an invariant check that aborts (a crash to libFuzzer). */
#ifndef BH_FUZZ_FIXTURE_H
#define BH_FUZZ_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>

#include "store/store.h"

#define FZ_CHECK(cond)                                                              \
  do {                                                                              \
    if (!(cond)) {                                                                  \
      fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond); \
      abort();                                                                      \
    }                                                                               \
  } while (0)

/* fixture_store: the shared database (store_open on ":memory:", the SQL
 * functions attached, the gazetteer and data/demo imported), created on the
 * first call; later calls return the same store. Aborts when it cannot be
 * built: a fuzz run without its data would prove nothing. Never closed. */
store *fixture_store(void);

/* fixture_text: data as a NUL-terminated copy (malloc; the caller frees). */
char *fixture_text(const unsigned char *data, size_t size);

#endif
