/* unit.h: a unit as it stood on a day (FORMATS.md §4.3). The rule lives in
 * one place, the SQL view unit_states (schema 006): a unit's location,
 * sector, status and deployed_strength on day D are those of its latest
 * unit_changes row on or before D that gives a value, else the units row's.
 * SQL readers join the view with UNIT_STATE_ON; C readers call
 * unit_state_at, which reads the same view. */
#ifndef BH_UNIT_H
#define BH_UNIT_H

#include <stddef.h>

#include "core/err.h"
#include "store/store.h"

/* The condition that keeps, of the view unit_states under alias A, the row
 * in force on day D (an SQL expression giving 'YYYY-MM-DD'): one per unit.
 * Both arguments are SQL text written by bluehelm (string literals). */
#define UNIT_STATE_ON(A, D) "(" A ".valid_from <= " D " AND " D " < " A ".valid_to)"

/* A unit's values on a day; text in the fixed buffers ("" for no value). */
typedef struct unit_state {
  char location[256], sector[128], status[32], status_since[16];
  char contributor[8], unit_type[64];
  long long deployed_strength, authorized_strength;
  int has_deployed, has_authorized;
} unit_state;

/* unit_state_at: the state of unit_id on day (a day number) into *out.
 * Returns 1 when the unit exists, 0 when it does not, <0 (ERR_DB, e filled
 * when e is not NULL) on a database error. */
int unit_state_at(store *s, const char *unit_id, int day, unit_state *out, err *e);

/* unit_sector_at: the unit's sector on day: its sector then, else the sector
 * of its location then (sector_of). Writes it into out (cap bytes; "" when
 * none); returns 1 when found, 0 when none, <0 on a database error. */
int unit_sector_at(store *s, const char *unit_id, int day, char *out, size_t cap);

#endif
