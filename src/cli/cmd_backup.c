/* cmd_backup.c: `bluehelm backup FILE`: a consistent copy of the database. */
#include "cli/cli.h"

int cmd_backup(cli *c, int argc, char **argv) {
  if (argc != 1) return cli_usage_error(c, "backup", "give the file to write");
  store *s;
  int rc = cli_open(c, &s, STORE_READONLY);
  if (rc) return rc;
  rc = store_backup(s, argv[0], &c->e);
  if (!rc) fprintf(c->out, "wrote %s\n", argv[0]);
  store_close(s);
  return rc;
}
