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
  long long bad_audit = 0, entries = 0;
  rc = store_check(s, &bad_pages, &bad_refs, &c->e);
  if (!rc) rc = audit_verify(s, &bad_audit, &entries, &c->e);
  if (!rc) {
    fprintf(c->out, "integrity: %s\nreferences: %s\naudit trail: ", bad_pages ? "PROBLEMS FOUND" : "ok",
            bad_refs ? "PROBLEMS FOUND" : "ok");
    if (bad_audit) fprintf(c->out, "broken at entry %lld\n", bad_audit);
    else fprintf(c->out, "ok (%lld entries)\n", entries);
    if (bad_pages || bad_refs || bad_audit)
      rc = err_set(&c->e, ERR_VALIDATION, "the database has problems (see above)");
  }
  store_close(s);
  return rc;
}
