/* gazetteer.c: loads data/gazetteer/mali_places.tsv (embedded) as places. */
#include "io/gazetteer.h"

#include <string.h>

#include "core/embed.h"
#include "model/place.h"
#include "model/sector.h"

#define GAZETTEER_FILE "data/gazetteer/mali_places.tsv"
#define GAZ_COLS 9

/* TSV columns, in order, and the places field each one fills. */
static const char *const gaz_fields[GAZ_COLS] = {"place_id", "name", "latitude", "longitude",
                                                 "kind", "admin1", "admin2", "population",
                                                 "alt_names"};

int gazetteer_load(store *s, long *count, err *e) {
  const embed_file *f = embed_find(GAZETTEER_FILE);
  if (!f) return err_set(e, ERR_INTERNAL, "the gazetteer is not built in");
  const kind *k = kind_find("places");
  writer *w;
  sector_batch_begin(s); /* one refresh of the events' sectors, at the end */
  int rc = writer_open(&w, s, k, NULL, e);
  if (rc) return rc;
  int idx[GAZ_COLS];
  for (int i = 0; i < GAZ_COLS; i++) idx[i] = kind_field_index(k, gaz_fields[i]);
  const char *p = (const char *)f->data, *end = p + f->len;
  p = memchr(p, '\n', (size_t)(end - p)); /* skip the header */
  p = p ? p + 1 : end;
  arena a;
  arena_init(&a);
  err_list errs;
  err_list_init(&errs, 1);
  long n = 0, line = 1;
  while (p < end && !rc) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    if (!nl) nl = end;
    line++;
    char *row = arena_strndup(&a, p, (size_t)(nl - p));
    p = nl + 1;
    if (!row[0]) continue;
    record r;
    record_init(&r, k);
    r.file = GAZETTEER_FILE;
    r.line = line;
    char *cols[GAZ_COLS] = {0};
    int nc = 0;
    for (char *c = row; nc < GAZ_COLS; nc++) {
      cols[nc] = c;
      char *tab = strchr(c, '\t');
      if (!tab) {
        nc++;
        break;
      }
      *tab = 0;
      c = tab + 1;
    }
    if (nc != GAZ_COLS) {
      rc = err_set(e, ERR_INTERNAL, "gazetteer line %ld has %d columns", line, nc);
      break;
    }
    cols[0] = arena_printf(&a, "gn-%s", cols[0]);
    for (int i = 0; i < GAZ_COLS && !rc; i++) {
      r.present[idx[i]] = 1;
      if (field_parse(s, &k->fields[idx[i]], cols[i], &r.v[idx[i]], &a, e)) {
        rc = err_at(e, GAZETTEER_FILE, line, gaz_fields[i]);
      }
    }
    if (rc) break;
    if (writer_put(w, &r, &errs) < 0) {
      *e = errs.items[0];
      rc = e->code ? e->code : ERR_INTERNAL;
      break;
    }
    n++;
    if ((n & 1023) == 0) arena_free(&a);
  }
  arena_free(&a);
  err_list_free(&errs);
  writer_close(w);
  if (!rc) rc = store_exec(s, "UPDATE places SET _gazetteer = 1 WHERE " PLACE_IS_GAZETTEER_ID("place_id"), e);
  int brc = sector_batch_end(s, !rc, e);
  if (!rc) rc = brc;
  if (count) *count = n;
  return rc;
}
