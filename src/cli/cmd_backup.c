/* cmd_backup.c: `bluehelm backup FILE`: a consistent copy of the database,
 * with its audit key beside it (FILE.audit-key). */
#include "cli/cli.h"
#include "store/audit.h"

int cmd_backup(cli *c, int argc, char **argv) {
  if (argc != 1) return cli_usage_error(c, "backup", "give the file to write");
  store *s;
  int rc = cli_open(c, &s, STORE_READONLY);
  if (rc) return rc;
  rc = store_backup(s, argv[0], &c->e);
  char key[4200];
  int copied = 0;
  if (!rc) {
    copied = audit_key_copy(s, argv[0], key, sizeof key, &c->e);
    if (copied < 0) rc = copied;
  }
  if (!rc) fprintf(c->out, "wrote %s\n", argv[0]);
  if (!rc && copied) fprintf(c->out, "wrote %s (the audit key: keep it with the copy, and secret)\n", key);
  store_close(s);
  return rc;
}
