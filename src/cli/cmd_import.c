/* cmd_import.c: `bluehelm import DIR | FILE [...]`. */
#include <string.h>

#include "cli/cli.h"
#include "io/import.h"

int cmd_import(cli *c, int argc, char **argv) {
  import_opts o = {0};
  o.progress = 1;
  o.summary = c->out;
  o.actor = cli_actor(c); /* the import's audit entry */
  const char *path = NULL, *v;
  for (int i = 0; i < argc; i++) {
    if (cli_flag(c, argc, argv, &i, "--kind", &o.kind)) {
      if (!o.kind) return ERR_USAGE;
    } else if (cli_flag(c, argc, argv, &i, "--format", &v)) {
      if (!v || source_format_parse(v, &o.format, &c->e)) return ERR_USAGE;
    } else if (cli_flag(c, argc, argv, &i, "--skip-bad", &o.skip_bad)) {
      if (!o.skip_bad) return ERR_USAGE;
    } else if (cli_flag(c, argc, argv, &i, "--lenient", NULL)) {
      o.lenient = 1;
    } else if (argv[i][0] == '-' && argv[i][1]) {
      return cli_usage_error(c, "import", "unknown option %s", argv[i]);
    } else if (path) {
      return cli_usage_error(c, "import", "one folder or file at a time");
    } else {
      path = argv[i];
    }
  }
  if (!path) return cli_usage_error(c, "import", "what to import?");
  if (o.kind && o.format != SOURCE_NATIVE)
    return cli_usage_error(c, "import", "--kind and --format exclude each other");
  store *s;
  int rc = cli_open(c, &s, 0);
  if (rc) return rc;
  err_list errs;
  err_list_init(&errs, IMPORT_ERRORS_MAX);
  rc = import_path(s, path, &o, &errs);
  char line[800];
  if (store_fault(rc) && errs.n == 1) {
    /* A full disk, a read-only database...: that alone, said once. */
    c->e = errs.items[0];
    err_list_free(&errs);
    store_close(s);
    return rc;
  }
  for (int i = 0; i < errs.n; i++) fprintf(stderr, "%s\n", err_format(&errs.items[i], line, sizeof line));
  if (errs.total > errs.n)
    fprintf(stderr, "... %ld more problems not shown\n", errs.total - errs.n);
  if (rc) {
    if (rc == ERR_VALIDATION)
      err_set(&c->e, rc, "nothing was imported: %ld problem%s", errs.total, errs.total == 1 ? "" : "s");
    else if (errs.n && !c->e.msg[0])
      c->e = errs.items[errs.n - 1];
    c->e.code = rc;
  }
  err_list_free(&errs);
  store_close(s);
  return rc;
}
