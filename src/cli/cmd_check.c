/* cmd_check.c: `bluehelm check`: integrity, references, audit chain. */
#include <string.h>

#include "cli/cli.h"
#include "store/audit.h"

int cmd_check(cli *c, int argc, char **argv) {
  (void)argv;
  if (argc) return cli_usage_error(c, "check", "check takes no arguments");
  store *s;
  int rc = cli_open(c, &s, STORE_READONLY);
  if (rc) return rc;
  long bad_pages = 0, bad_refs = 0;
  audit_status au;
  rc = store_check(s, &bad_pages, &bad_refs, &c->e);
  if (!rc) rc = audit_check(s, &au, &c->e);
  if (!rc) {
    fprintf(c->out, "integrity: %s\nreferences: %s\naudit trail: ", bad_pages ? "PROBLEMS FOUND" : "ok",
            bad_refs ? "PROBLEMS FOUND" : "ok");
    if (au.bad) fprintf(c->out, "broken at entry %lld: %s\n", au.bad, au.why);
    else fprintf(c->out, "ok (%lld entries%s)\n", au.count, au.keyed || !au.count ? "" : ", not keyed: no audit key");
    if (bad_pages || bad_refs || au.bad)
      rc = err_set(&c->e, ERR_VALIDATION, "the database has problems (see above)");
  }
  store_close(s);
  return rc;
}
