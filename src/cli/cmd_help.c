/* cmd_help.c: `bluehelm help [COMMAND]`, from the command table. */
#include <string.h>

#include "cli/cli.h"

int cmd_help(cli *c, int argc, char **argv) {
  int n;
  const cli_command *cmds = cli_commands(&n);
  if (argc > 0) {
    for (int i = 0; i < n; i++)
      if (!strcmp(cmds[i].name, argv[0])) {
        fprintf(c->out, "usage: bluehelm [--db PATH] %s\n\n%s\n\n%s\n", cmds[i].usage,
                cmds[i].summary, cmds[i].help);
        return 0;
      }
    return err_set(&c->e, ERR_USAGE, "no command '%s' (see `bluehelm help`)", argv[0]);
  }
  FILE *out = argv ? c->out : stderr;
  fputs("bluehelm: the information system of a UN peace operation\n\n"
        "usage: bluehelm [--db PATH] COMMAND [ARGS...]\n"
        "  --db PATH  the database (default: $BLUEHELM_DB, else ./bluehelm.db)\n\n"
        "commands:\n",
        out);
  for (int i = 0; i < n; i++) fprintf(out, "  %-10s %s\n", cmds[i].name, cmds[i].summary);
  fputs("\n`bluehelm help COMMAND` explains one.\n", out);
  return 0;
}
