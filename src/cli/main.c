/* main.c: global options, the command table, dispatch. Only main exits. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "model/record.h"
#include "model/sqlfn.h"
#include "web/auth.h"

static const cli_command commands[] = {
#define CMD(name, usage, summary, help) {#name, usage, summary, help, cmd_##name},
#include "cli/commands.def"
#undef CMD
};

const cli_command *cli_commands(int *n) {
  *n = (int)(sizeof commands / sizeof commands[0]);
  return commands;
}

int cli_open(cli *c, store **out, int flags) {
  int rc = store_open(out, c->db_path, flags, &c->e);
  if (rc) return rc;
  if ((rc = sqlfn_attach(*out, &c->e))) {
    store_close(*out);
    *out = NULL;
  }
  return rc;
}

const char *cli_actor(cli *c) {
  const char *u = getenv("USER");
  return arena_printf(&c->a, "local:%s", u && *u ? u : "unknown");
}

int cli_set_output(cli *c, const char *path) {
  FILE *f = fopen(path, "w");
  if (!f) return err_set(&c->e, ERR_IO, "cannot write %s", path);
  if (c->out != stdout) fclose(c->out);
  c->out = f;
  c->out_path = path;
  return 0;
}

int cli_usage_error(cli *c, const char *command, const char *fmt, ...) {
  char msg[400];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  const char *usage = "";
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    if (!strcmp(commands[i].name, command)) usage = commands[i].usage;
  return err_set(&c->e, ERR_USAGE, "%s\nusage: bluehelm %s", msg, usage);
}

int cli_flag(cli *c, int argc, char **argv, int *i, const char *name, const char **val) {
  if (strcmp(argv[*i], name) != 0) return 0;
  if (!val) return 1;
  if (*i + 1 >= argc) {
    err_set(&c->e, ERR_USAGE, "%s needs a value", name);
    *val = NULL;
    return 1;
  }
  *val = argv[++*i];
  return 1;
}

int main(int argc, char **argv) {
  cli c;
  memset(&c, 0, sizeof c);
  if (auth_init(&c.e)) {
    fprintf(stderr, "bluehelm: %s\n", c.e.msg);
    return 1;
  }
  arena_init(&c.a);
  c.out = stdout;
  c.db_path = getenv("BLUEHELM_DB");
  if (!c.db_path || !*c.db_path) c.db_path = "bluehelm.db";
  int i = 1;
  for (; i < argc && argv[i][0] == '-'; i++) {
    if (!strcmp(argv[i], "--db") && i + 1 < argc) {
      c.db_path = argv[++i];
    } else if (!strncmp(argv[i], "--db=", 5)) {
      c.db_path = argv[i] + 5;
    } else if ((!strcmp(argv[i], "--audit-key") && i + 1 < argc) || !strncmp(argv[i], "--audit-key=", 12)) {
      /* The store layer reads the audit key's path from the environment. */
      const char *v = argv[i][11] == '=' ? argv[i] + 12 : argv[++i];
      if (setenv("BLUEHELM_AUDIT_KEY", v, 1) != 0) {
        fprintf(stderr, "bluehelm: cannot set the audit key path\n");
        return 1;
      }
    } else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
      argv[i] = "help";
      break;
    } else {
      fprintf(stderr, "bluehelm: unknown option %s (global options: --db PATH, --audit-key FILE)\n", argv[i]);
      return 2;
    }
  }
  if (i >= argc) {
    cmd_help(&c, 0, NULL);
    return 2;
  }
  const char *name = argv[i];
  int rc = ERR_USAGE;
  int found = 0;
  for (size_t k = 0; k < sizeof commands / sizeof commands[0]; k++)
    if (!strcmp(commands[k].name, name)) {
      found = 1;
      rc = commands[k].run(&c, argc - i - 1, argv + i + 1);
      break;
    }
  if (!found) err_set(&c.e, ERR_USAGE, "unknown command '%s' (see `bluehelm help`)", name);
  if (c.out != stdout && fclose(c.out) != 0 && !rc) rc = err_set(&c.e, ERR_IO, "cannot write %s", c.out_path);
  if (fflush(stdout) != 0 && !rc) rc = err_set(&c.e, ERR_IO, "cannot write the output");
  if (rc && c.e.msg[0]) {
    char line[800];
    fprintf(stderr, "bluehelm: %s\n", err_format(&c.e, line, sizeof line));
  }
  arena_free(&c.a);
  return rc ? err_exit_code(rc) : 0;
}
