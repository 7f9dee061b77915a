/* cmd_user.c: `bluehelm user add|list|disable|passwd|token|revoke`. */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "web/auth.h"

/* Who did it, for the audit trail: the operating-system user at the console. */
static const char *actor(cli *c) { return cli_actor(c); }

static int read_password(cli *c, char *out, size_t cap) {
  if (!fgets(out, (int)cap, stdin)) return err_set(&c->e, ERR_USAGE, "give the password on the first line of standard input");
  out[strcspn(out, "\r\n")] = 0;
  return 0;
}

static void print_user(void *ctx, const char *name, const char *rolename, const char *sector, int disabled) {
  cli *c = ctx;
  fprintf(c->out, "%-24s %-8s %-10s %s\n", name, rolename, sector ? sector : "-", disabled ? "disabled" : "active");
}

int cmd_user(cli *c, int argc, char **argv) {
  if (argc < 1) return cli_usage_error(c, "user", "which action?");
  const char *action = argv[0];
  if (!strcmp(action, "list")) {
    store *s;
    int rc = cli_open(c, &s, STORE_READONLY);
    if (rc) return rc;
    fprintf(c->out, "%-24s %-8s %-10s %s\n", "name", "role", "sector", "state");
    rc = auth_user_list(s, print_user, c, &c->e);
    store_close(s);
    return rc;
  }
  if (argc < 2) return cli_usage_error(c, "user", "%s needs a user name", action);
  const char *name = argv[1];
  const char *role_s = NULL, *sector = NULL;
  for (int i = 2; i < argc; i++) {
    if (cli_flag(c, argc, argv, &i, "--role", &role_s)) {
      if (!role_s) return ERR_USAGE;
    } else if (cli_flag(c, argc, argv, &i, "--sector", &sector)) {
      if (!sector) return ERR_USAGE;
    } else {
      return cli_usage_error(c, "user", "unknown argument %s", argv[i]);
    }
  }
  char pw[1100];
  role r = ROLE_VIEWER;
  if (!strcmp(action, "add")) {
    if (!role_s || role_parse(role_s, &r)) return cli_usage_error(c, "user", "add needs --role admin|editor|analyst|viewer");
  } else if (role_s || sector) {
    return cli_usage_error(c, "user", "--role and --sector go with add");
  }
  if ((!strcmp(action, "add") || !strcmp(action, "passwd")) && read_password(c, pw, sizeof pw)) return ERR_USAGE;
  store *s;
  int rc = cli_open(c, &s, 0);
  if (rc) return rc;
  if (!strcmp(action, "add")) {
    rc = auth_user_add(s, actor(c), name, r, sector, pw, &c->e);
    if (!rc) fprintf(c->out, "added %s (%s%s%s)\n", name, role_name(r), sector ? ", sector " : "", sector ? sector : "");
  } else if (!strcmp(action, "passwd")) {
    rc = auth_user_passwd(s, actor(c), name, pw, &c->e);
    if (!rc) fprintf(c->out, "changed the password of %s and ended their sessions and tokens\n", name);
  } else if (!strcmp(action, "disable")) {
    rc = auth_user_disable(s, actor(c), name, &c->e);
    if (!rc) fprintf(c->out, "disabled %s and revoked their tokens\n", name);
  } else if (!strcmp(action, "token")) {
    char token[AUTH_TOKEN_LEN];
    rc = auth_token_new(s, actor(c), name, token, &c->e);
    if (!rc) fprintf(c->out, "%s\n", token);
  } else if (!strcmp(action, "revoke")) {
    rc = auth_revoke(s, actor(c), name, &c->e);
    if (!rc) fprintf(c->out, "revoked every token and session of %s\n", name);
  } else {
    rc = cli_usage_error(c, "user", "unknown action %s", action);
  }
  memset(pw, 0, sizeof pw);
  store_close(s);
  return rc;
}
