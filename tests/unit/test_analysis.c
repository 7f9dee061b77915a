/* test_analysis.c: the indicators' shared pieces that need no database. */
#include <stdlib.h>
#include <string.h>

#include "analysis/breakdown.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/jw.h"
#include "test.h"

/* The ids recorded behind figure, joined by ',' ("" when none, "-" when the
 * figure was never named). */
static const char *ids_of(const ind_ctx *c, const char *figure, buf *out) {
  buf_reset(out);
  for (int i = 0; i < c->nfigures; i++)
    if (!strcmp(c->figures[i].name, figure)) {
      for (long j = 0; j < c->figures[i].n; j++) buf_printf(out, "%s%s", j ? "," : "", c->figures[i].ids[j]);
      return buf_cstr(out);
    }
  return "-";
}

/* A breakdown adds amounts by name and figure, records each id behind
 * figure.name.column, writes the names in byte order with "unspecified"
 * (NULL or "") last whatever its letters, and refuses a name past its
 * maximum and a figure it does not hold. */
TEST(breakdown_lines_and_provenance) {
  arena a;
  arena_init(&a);
  buf out, ids;
  buf_init(&out, 0);
  buf_init(&ids, 0);
  jw w;
  jw_init(&w, &out, 0);
  err e;
  ind_ctx *c = xcalloc(1, sizeof *c);
  c->a = &a;
  c->w = &w;
  c->e = &e;
  static const char *const cols[] = {"units", "strength"};
  breakdown b;
  breakdown_init(c, &b, "by_x", cols, 2, 4, "names");
  CHECK_INT(breakdown_add(c, &b, "b", "units", 1, "u1"), 0);
  CHECK_INT(breakdown_add(c, &b, NULL, "units", 1, "u2"), 0);
  CHECK_INT(breakdown_add(c, &b, "west", "units", 1, "u3"), 0);
  CHECK_INT(breakdown_add(c, &b, "B", "strength", 40, "u4"), 0);
  CHECK_INT(breakdown_add(c, &b, "b", "strength", 25, "u1"), 0);
  CHECK_INT(breakdown_add(c, &b, "b", "units", 1, "u5"), 0);
  CHECK_INT(breakdown_add(c, &b, "", "units", 1, "u6"), 0);
  CHECK_INT(breakdown_add(c, &b, "c", "units", 1, "u7"), ERR_TOO_LARGE);
  CHECK_STR(e.msg, "more than 4 names");
  CHECK_INT(breakdown_add(c, &b, "b", "colour", 1, "u7"), ERR_INTERNAL);
  jw_obj(&w);
  breakdown_write(c, &b);
  jw_obj_end(&w);
  /* B (0x42) before b (0x62) before west; unspecified, though before west
   * in byte order, last. B has no unit: its units figure is 0. */
  CHECK_STR(buf_cstr(&out),
            "{\"by_x\":{\"B\":{\"units\":0,\"strength\":40},\"b\":{\"units\":2,\"strength\":25},"
            "\"west\":{\"units\":1,\"strength\":0},\"unspecified\":{\"units\":2,\"strength\":0}}}");
  CHECK_STR(ids_of(c, "by_x.b.units", &ids), "u1,u5");
  CHECK_STR(ids_of(c, "by_x.b.strength", &ids), "u1");
  CHECK_STR(ids_of(c, "by_x.B.strength", &ids), "u4");
  CHECK_STR(ids_of(c, "by_x.unspecified.units", &ids), "u2,u6");
  CHECK_STR(ids_of(c, "by_x.B.units", &ids), "-");
  CHECK_STR(ids_of(c, "by_x.c.units", &ids), "-");
  for (int i = 0; i < c->nfigures; i++) free(c->figures[i].ids);
  free(c);
  buf_free(&out);
  buf_free(&ids);
  arena_free(&a);
}
