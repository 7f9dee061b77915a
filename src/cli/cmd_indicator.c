/* cmd_indicator.c: `bluehelm indicator NAME [KEY=VALUE...]`. */
#include <string.h>

#include "analysis/indicator.h"
#include "cli/cli.h"

int cmd_indicator(cli *c, int argc, char **argv) {
  if (argc < 1) {
    int n;
    const indicator *all = indicator_all(&n);
    fputs("indicators (bluehelm indicator NAME [KEY=VALUE...]):\n", c->out);
    for (int i = 0; i < n; i++)
      fprintf(c->out, "  %-20s %s\n  %-20s keys: %s\n", all[i].name, all[i].summary, "",
              all[i].keys);
    return 0;
  }
  const char *args[IND_PARAMS_MAX + 1];
  int nargs = 0;
  const char *outp = NULL;
  for (int i = 1; i < argc; i++) {
    if (cli_flag(c, argc, argv, &i, "-o", &outp)) {
      if (!outp) return ERR_USAGE;
    } else if (nargs <= IND_PARAMS_MAX) {
      args[nargs++] = argv[i];
    }
  }
  store *s;
  int rc = cli_open(c, &s, STORE_READONLY);
  if (rc) return rc;
  buf out;
  buf_init(&out, 0);
  rc = indicator_run(s, argv[0], nargs, args, NULL, 1, &out, &c->e);
  if (!rc && outp) rc = cli_set_output(c, outp);
  if (!rc) fprintf(c->out, "%s\n", buf_cstr(&out));
  buf_free(&out);
  store_close(s);
  return rc;
}
