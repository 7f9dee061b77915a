/* cmd_init.c: `bluehelm init [--no-gazetteer]`. */
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "io/gazetteer.h"
#include "store/audit.h"

int cmd_init(cli *c, int argc, char **argv) {
  int gazetteer = 1;
  for (int i = 0; i < argc; i++) {
    if (!strcmp(argv[i], "--no-gazetteer")) gazetteer = 0;
    else return cli_usage_error(c, "init", "unknown argument %s", argv[i]);
  }
  store *s;
  int existed = access(c->db_path, F_OK) == 0;
  int rc = cli_open(c, &s, STORE_CREATE | STORE_MUST_BE_NEW);
  if (rc) {
    /* A half-made database (a full disk) is not left behind. */
    if (!existed) store_remove(c->db_path);
    return rc;
  }
  long n = 0;
  char keypath[4096] = "";
  /* The audit key signs every entry from the first on. */
  rc = audit_key_load(s, 1, &c->e);
  if (!rc && !audit_key_path(s, keypath, sizeof keypath)) keypath[0] = 0;
  if (!rc && gazetteer) {
    rc = store_begin(s, &c->e);
    if (!rc) rc = gazetteer_load(s, &n, &c->e);
    if (!rc) rc = store_commit(s, &c->e);
    if (rc) store_rollback(s);
  }
  if (!rc) {
    fprintf(c->out, "created %s (schema version %d)", c->db_path, store_schema_version(s));
    if (gazetteer) fprintf(c->out, " with %ld gazetteer places (GeoNames, CC BY 4.0)", n);
    fputc('\n', c->out);
    if (keypath[0]) fprintf(c->out, "audit key: %s (keep it secret, and a copy apart from the database)\n", keypath);
    else fputs("no audit key (give --audit-key FILE): the audit trail is a plain SHA-256 chain\n", c->out);
  }
  store_close(s);
  if (rc) store_remove(c->db_path);
  return rc;
}
