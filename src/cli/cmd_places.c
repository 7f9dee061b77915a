/* cmd_places.c: `bluehelm places NAME`. */
#include <string.h>

#include "cli/cli.h"
#include "model/place.h"

#define PLACES_SHOWN 20

int cmd_places(cli *c, int argc, char **argv) {
  if (argc != 1) return cli_usage_error(c, "places", "give one name");
  store *s;
  int rc = cli_open(c, &s, STORE_READONLY);
  if (rc) return rc;
  place_match m[PLACES_SHOWN + 1];
  int n = 0;
  int exact = place_resolve(s, argv[0], &m[0], &c->a, &c->e);
  if (exact < 0) rc = exact;
  /* An exact id comes first, then every name match. */
  int by_id = exact > 0 && !strcmp(m[0].place_id, argv[0]);
  if (!rc) {
    int got = place_candidates(s, argv[0], m + by_id, PLACES_SHOWN, &c->a, &c->e);
    if (got < 0) rc = got;
    else n = got + by_id;
  }
  if (!rc && n == 0) rc = err_set(&c->e, ERR_NOT_FOUND, "no place has the id or name '%s'", argv[0]);
  if (!rc) {
    fprintf(c->out, "%-16s %-24s %-12s %-14s %10s %10s %10s\n", "place_id", "name", "admin1",
            "admin2", "latitude", "longitude", "population");
    for (int i = 0; i < n; i++)
      fprintf(c->out, "%-16s %-24s %-12s %-14s %10.5f %10.5f %10ld\n", m[i].place_id, m[i].name,
              m[i].admin1 ? m[i].admin1 : "", m[i].admin2 ? m[i].admin2 : "", m[i].latitude,
              m[i].longitude, m[i].population);
  }
  store_close(s);
  return rc;
}
