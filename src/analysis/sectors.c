/* sectors.c: the `sectors` indicator: the mission's sectors, as the records
 * name them (sector_areas, units, places, operations), for reports that go
 * sector by sector. */
#include "analysis/indicator.h"

int ind_sectors(ind_ctx *c) {
  stmt *st;
  int rc = store_prepare(c->s,
                         "SELECT sector FROM sector_areas UNION SELECT sector FROM units "
                         "UNION SELECT sector FROM operations UNION SELECT sector FROM places "
                         "WHERE _gazetteer IS NULL ORDER BY 1",
                         &st, c->e);
  if (rc) return rc;
  jw_key(c->w, "sectors");
  jw_arr(c->w);
  while ((rc = stmt_step(st, c->e)) == STMT_ROW)
    if (!stmt_is_null(st, 0)) jw_str(c->w, stmt_text(st, 0));
  jw_arr_end(c->w);
  stmt_finalize(st);
  return rc < 0 ? rc : 0;
}
