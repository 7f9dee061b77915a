/* unit.c: reading the view unit_states (the as-of rule of unit.h). */
#include "model/unit.h"

#include <string.h>

#include "core/date.h"
#include "core/str.h"
#include "model/sector.h"

static void copy_col(stmt *st, int col, char *out, size_t cap) {
  const char *t = stmt_text(st, col);
  str_copy(out, cap, t ? t : "");
}

int unit_state_at(store *s, const char *unit_id, int day, unit_state *out, err *e) {
  stmt *st = store_cached(
      s,
      "SELECT u.location, u.sector, u.status, u.status_since, u.contributor, u.unit_type, "
      "u.deployed_strength, u.authorized_strength FROM unit_states u "
      "WHERE u.unit_id = ?1 AND " UNIT_STATE_ON("u", "?2"),
      e);
  if (!st) return ERR_DB;
  char d[11];
  stmt_bind_text(st, 1, unit_id);
  stmt_bind_text(st, 2, date_format(day, d));
  memset(out, 0, sizeof *out);
  int rc = stmt_step(st, e);
  if (rc == STMT_ROW) {
    copy_col(st, 0, out->location, sizeof out->location);
    copy_col(st, 1, out->sector, sizeof out->sector);
    copy_col(st, 2, out->status, sizeof out->status);
    copy_col(st, 3, out->status_since, sizeof out->status_since);
    copy_col(st, 4, out->contributor, sizeof out->contributor);
    copy_col(st, 5, out->unit_type, sizeof out->unit_type);
    out->has_deployed = !stmt_is_null(st, 6);
    out->deployed_strength = stmt_int(st, 6);
    out->has_authorized = !stmt_is_null(st, 7);
    out->authorized_strength = stmt_int(st, 7);
    rc = 1;
  } else if (rc == STMT_DONE) {
    rc = 0;
  }
  stmt_reset(st);
  return rc;
}

int unit_sector_at(store *s, const char *unit_id, int day, char *out, size_t cap) {
  unit_state u;
  out[0] = 0;
  int rc = unit_state_at(s, unit_id, day, &u, NULL);
  if (rc <= 0) return rc;
  if (u.sector[0]) {
    str_copy(out, cap, u.sector);
    return 1;
  }
  if (u.location[0]) return sector_of(s, u.location, NULL, out, cap);
  return 0;
}
