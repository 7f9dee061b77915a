/* cmd_audit.c: `bluehelm audit verify|list`. */
#include <string.h>

#include "cli/cli.h"
#include "core/str.h"
#include "store/audit.h"

int cmd_audit(cli *c, int argc, char **argv) {
  if (argc < 1) return cli_usage_error(c, "audit", "verify or list?");
  store *s;
  int rc = cli_open(c, &s, STORE_READONLY);
  if (rc) return rc;
  if (!strcmp(argv[0], "verify")) {
    long long bad, count;
    rc = audit_verify(s, &bad, &count, &c->e);
    if (!rc && bad) rc = err_set(&c->e, ERR_VALIDATION, "the audit trail is broken at entry %lld (of %lld read)", bad, count);
    if (!rc) fprintf(c->out, "the audit trail holds: %lld entries, chain intact\n", count);
  } else if (!strcmp(argv[0], "list")) {
    int64_t limit = 50;
    const char *v;
    for (int i = 1; i < argc; i++)
      if (cli_flag(c, argc, argv, &i, "--limit", &v) && (!v || str_to_int64(v, &limit) || limit < 1))
        rc = cli_usage_error(c, "audit", "--limit takes a positive number");
    stmt *st;
    if (!rc && !(rc = store_prepare(s, "SELECT seq, at, \"user\", action, kind, record_id FROM _audit ORDER BY seq DESC LIMIT ?", &st, &c->e))) {
      stmt_bind_int(st, 1, limit);
      while ((rc = stmt_step(st, &c->e)) == STMT_ROW) {
        const char *cols[6];
        for (int i = 0; i < 6; i++) cols[i] = stmt_text(st, i);
        fprintf(c->out, "%6s  %s  %-20s %-12s %s %s\n", cols[0], cols[1], cols[2], cols[3],
                cols[4] ? cols[4] : "", cols[5] ? cols[5] : "");
      }
      stmt_finalize(st);
      if (rc > 0) rc = 0;
    }
  } else {
    rc = cli_usage_error(c, "audit", "unknown action %s", argv[0]);
  }
  store_close(s);
  return rc;
}
