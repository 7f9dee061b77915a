/* cmd_audit.c: `bluehelm audit verify [--expect HASH:COUNT] | checkpoint | list`. */
#include <string.h>

#include "cli/cli.h"
#include "core/str.h"
#include "store/audit.h"

static int verify(cli *c, store *s, int argc, char **argv) {
  const char *expect = NULL;
  for (int i = 1; i < argc; i++) {
    if (cli_flag(c, argc, argv, &i, "--expect", &expect)) {
      if (!expect) return ERR_USAGE;
    } else {
      return cli_usage_error(c, "audit", "unknown argument %s", argv[i]);
    }
  }
  audit_status st;
  int rc = audit_check(s, &st, &c->e);
  if (rc) return rc;
  if (st.bad)
    return err_set(&c->e, ERR_VALIDATION, "the audit trail is broken at entry %lld (of %lld read): %s", st.bad,
                   st.count, st.why);
  if (expect && (rc = audit_expect(s, expect, &c->e))) return rc;
  fprintf(c->out, "the audit trail holds: %lld entries, chain intact", st.count);
  if (st.keyed && st.plain) fprintf(c->out, " (the first %lld from before the audit key, plain SHA-256)", st.plain);
  else if (!st.keyed && st.count) fputs(" (plain SHA-256: no audit key here, the chain is not keyed)", c->out);
  if (expect) fputs("; the checkpoint matches", c->out);
  fputc('\n', c->out);
  return 0;
}

int cmd_audit(cli *c, int argc, char **argv) {
  if (argc < 1) return cli_usage_error(c, "audit", "verify, checkpoint or list?");
  store *s;
  int rc = cli_open(c, &s, STORE_READONLY);
  if (rc) return rc;
  if (!strcmp(argv[0], "verify")) {
    rc = verify(c, s, argc, argv);
  } else if (!strcmp(argv[0], "checkpoint")) {
    char hash[AUDIT_HASH_HEX];
    long long count;
    audit_status st;
    if (argc > 1) rc = cli_usage_error(c, "audit", "checkpoint takes no arguments");
    /* A checkpoint of a broken trail would vouch for it: verify first. */
    if (!rc) rc = audit_check(s, &st, &c->e);
    if (!rc && st.bad)
      rc = err_set(&c->e, ERR_VALIDATION, "the audit trail is broken at entry %lld: %s (no checkpoint)", st.bad,
                   st.why);
    if (!rc) rc = audit_checkpoint(s, hash, &count, &c->e);
    if (!rc) fprintf(c->out, "%s:%lld\n", count ? hash : AUDIT_GENESIS, count);
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
