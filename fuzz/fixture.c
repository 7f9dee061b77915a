/* fixture.c: the fuzz targets' shared database. */
#include "fixture.h"

#include <string.h>

#include "io/gazetteer.h"
#include "io/import.h"
#include "model/sqlfn.h"

#ifndef FUZZ_DEMO_DIR
#define FUZZ_DEMO_DIR "data/demo"
#endif

static store *the_store;

static void die(const char *what, const err *e) {
  fprintf(stderr, "fuzz fixture: %s: %s\n", what, e->msg);
  abort();
}

store *fixture_store(void) {
  if (the_store) return the_store;
  err e;
  store *s = NULL;
  if (store_open(&s, ":memory:", STORE_CREATE, &e)) die("store_open", &e);
  if (sqlfn_attach(s, &e)) die("sqlfn_attach", &e);
  long n = 0;
  if (store_begin(s, &e) || gazetteer_load(s, &n, &e) || store_commit(s, &e)) die("gazetteer", &e);
  /* BLUEHELM_FUZZ_DEMO names another dataset folder (the default is the
   * source tree's data/demo, an absolute path set by the Makefile). */
  const char *dir = getenv("BLUEHELM_FUZZ_DEMO");
  if (!dir || !*dir) dir = FUZZ_DEMO_DIR;
  import_opts o;
  memset(&o, 0, sizeof o);
  err_list errs;
  err_list_init(&errs, IMPORT_ERRORS_MAX);
  if (import_path(s, dir, &o, &errs)) {
    for (int i = 0; i < errs.n; i++) fprintf(stderr, "  %s\n", errs.items[i].msg);
    err_set(&e, ERR_VALIDATION, "cannot import %s", dir);
    die("demo", &e);
  }
  err_list_free(&errs);
  the_store = s;
  return s;
}

char *fixture_text(const unsigned char *data, size_t size) {
  char *t = malloc(size + 1);
  FZ_CHECK(t != NULL);
  if (size) memcpy(t, data, size);
  t[size] = 0;
  return t;
}
