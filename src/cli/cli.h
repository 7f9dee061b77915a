/* cli.h: what every command gets: the database path, output stream and an
 * arena for the command's lifetime. Commands are listed once in commands.def. */
#ifndef BH_CLI_H
#define BH_CLI_H

#include <stdio.h>

#include "core/arena.h"
#include "core/err.h"
#include "store/store.h"

typedef struct cli {
  const char *db_path; /* --db, else $BLUEHELM_DB, else ./bluehelm.db */
  FILE *out;           /* stdout, or the -o FILE of the command */
  const char *out_path;
  arena a;             /* freed when the command ends */
  err e;               /* the reason when a command fails */
} cli;

typedef struct cli_command {
  const char *name, *usage, *summary, *help;
  int (*run)(cli *c, int argc, char **argv);
} cli_command;

#define CMD(name, usage, summary, help) int cmd_##name(cli *c, int argc, char **argv);
#include "cli/commands.def"
#undef CMD

/* cli_commands: the command table; *n receives its length. */
const cli_command *cli_commands(int *n);

/* cli_open: opens the command's database (migrating it) with bluehelm's SQL
 * functions attached. Returns 0 or an ERR_* code with c->e filled. */
int cli_open(cli *c, store **out, int flags);

/* cli_actor: who runs the command, for the audit trail: "local:LOGIN"
 * ($USER, else "local:unknown"); lives in c's arena. */
const char *cli_actor(cli *c);

/* cli_set_output: sends results to path (for -o FILE); 0 or ERR_IO. */
int cli_set_output(cli *c, const char *path);

/* cli_usage_error: fills c->e with ERR_USAGE, the message and the command's
 * usage line; returns ERR_USAGE. */
int cli_usage_error(cli *c, const char *command, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* cli_flag: 1 when argv[*i] is the option name; when it takes a value,
 * stores the next argument in *val (ERR_USAGE when missing) and advances *i. */
int cli_flag(cli *c, int argc, char **argv, int *i, const char *name, const char **val);

#endif
