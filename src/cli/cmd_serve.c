/* cmd_serve.c: `bluehelm serve`. */
#include <string.h>

#include "cli/cli.h"
#include "core/str.h"
#include "store/audit.h"
#include "web/server.h"

int cmd_serve(cli *c, int argc, char **argv) {
  server_opts o = {0};
  o.db_path = c->db_path;
  o.listen = "127.0.0.1:8080";
  o.threads = 4;
  o.body_max = 1u << 20;
  o.import_max = 16u << 20;
  o.timeout_s = 30;
  o.max_connections = 512;
  o.log = stderr;
  o.announce = stdout;
  const char *v, *logp = NULL;
  for (int i = 0; i < argc; i++) {
    int64_t n;
    if (cli_flag(c, argc, argv, &i, "--listen", &o.listen)) {
      if (!o.listen) return ERR_USAGE;
    } else if (cli_flag(c, argc, argv, &i, "--threads", &v)) {
      if (!v || str_to_int64(v, &n) || n < 1 || n > 32)
        return cli_usage_error(c, "serve", "--threads takes 1 to 32");
      o.threads = (int)n;
    } else if (cli_flag(c, argc, argv, &i, "--timeout", &v)) {
      if (!v || str_to_int64(v, &n) || n < 1 || n > 3600)
        return cli_usage_error(c, "serve", "--timeout takes 1 to 3600 seconds");
      o.timeout_s = (int)n;
    } else if (cli_flag(c, argc, argv, &i, "--log", &logp)) {
      if (!logp) return ERR_USAGE;
    } else {
      return cli_usage_error(c, "serve", "unknown argument %s", argv[i]);
    }
  }
  /* The database must exist and be current before the workers open it. */
  store *s;
  int rc = cli_open(c, &s, 0);
  if (rc) return rc;
  const char *why;
  if (store_readonly(s, &why)) {
    fprintf(stderr, "bluehelm: %s is read-only (%s): serving reads; writes answer 503 read_only\n",
            c->db_path, why);
  } else if (!(rc = store_begin(s, &c->e))) {
    /* The audit key, made now if the database has none, must fit its trail:
     * better refuse to start than every write. */
    rc = audit_key_load(s, 1, &c->e);
    if (!rc) rc = store_commit(s, &c->e);
    if (rc) store_rollback(s);
  }
  store_close(s);
  if (rc) return rc;
  FILE *logf = NULL;
  if (logp) {
    logf = fopen(logp, "a");
    if (!logf) return err_set(&c->e, ERR_IO, "cannot write %s", logp);
    o.log = logf;
  }
  rc = server_run(&o, &c->e);
  if (logf) fclose(logf);
  return rc;
}
