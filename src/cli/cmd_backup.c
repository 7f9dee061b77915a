/* cmd_backup.c: `bluehelm backup FILE` (SQLite online backup). */
#include <sqlite3.h>

#include "cli/cli.h"

int cmd_backup(cli *c, int argc, char **argv) {
  if (argc != 1) return cli_usage_error(c, "backup", "give the file to write");
  store *s;
  int rc = cli_open(c, &s, STORE_READONLY);
  if (rc) return rc;
  sqlite3 *dst = NULL;
  if (sqlite3_open(argv[0], &dst) != SQLITE_OK) {
    rc = err_set(&c->e, ERR_IO, "cannot write %s", argv[0]);
  } else {
    sqlite3_backup *b = sqlite3_backup_init(dst, "main", store_db(s), "main");
    if (!b) {
      rc = err_set(&c->e, ERR_IO, "cannot back up to %s: %s", argv[0], sqlite3_errmsg(dst));
    } else {
      /* Copy in steps; a writer in between restarts the copy, so it is
       * consistent as of one moment. */
      int step;
      do {
        step = sqlite3_backup_step(b, 256);
        if (step == SQLITE_BUSY || step == SQLITE_LOCKED) sqlite3_sleep(20);
      } while (step == SQLITE_OK || step == SQLITE_BUSY || step == SQLITE_LOCKED);
      sqlite3_backup_finish(b);
      if (step != SQLITE_DONE) rc = err_set(&c->e, ERR_IO, "backup failed: %s", sqlite3_errstr(step));
    }
  }
  sqlite3_close(dst);
  if (!rc) fprintf(c->out, "wrote %s\n", argv[0]);
  store_close(s);
  return rc;
}
