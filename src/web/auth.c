/* auth.c: users, passwords, tokens, sessions and the authorization rule. */
#include "web/auth.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"
#include "core/jw.h"
#include "store/audit.h"

/* argon2id cost: OWASP's minimum (19 MiB, 2 passes) keeps a login fast and
 * the server's memory small. */
#define PW_OPSLIMIT 2
#define PW_MEMLIMIT (19u << 20)

static const char *const role_names[] = {"viewer", "analyst", "editor", "admin"};

int auth_init(err *e) {
  if (sodium_init() < 0) return err_set(e, ERR_INTERNAL, "libsodium could not start");
  return 0;
}

int role_parse(const char *name, role *out) {
  for (int i = 0; i < 4; i++)
    if (!strcmp(name, role_names[i])) {
      *out = (role)i;
      return 0;
    }
  return -1;
}

const char *role_name(role r) { return (unsigned)r < 4 ? role_names[r] : "?"; }

static void token_hash(const char *token, char out[65]) {
  unsigned char h[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(h, (const unsigned char *)token, strlen(token));
  sodium_bin2hex(out, 65, h, sizeof h);
}

static void random_token(char *out, const char *prefix) {
  unsigned char raw[32];
  randombytes_buf(raw, sizeof raw);
  size_t pl = strlen(prefix);
  memcpy(out, prefix, pl);
  sodium_bin2base64(out + pl, AUTH_TOKEN_LEN - pl, raw, sizeof raw,
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

static void utc_in(long seconds, char *out) {
  time_t t = time(NULL) + seconds;
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int check_password(const char *pw, err *e) {
  if (strlen(pw) < AUTH_PASSWORD_MIN)
    return err_set(e, ERR_VALIDATION, "the password must have at least %d characters", AUTH_PASSWORD_MIN);
  if (strlen(pw) > 1024) return err_set(e, ERR_VALIDATION, "the password is longer than 1024 characters");
  return 0;
}

static int hash_password(const char *pw, char out[crypto_pwhash_STRBYTES], err *e) {
  if (crypto_pwhash_str(out, pw, strlen(pw), PW_OPSLIMIT, PW_MEMLIMIT) != 0)
    return err_set(e, ERR_INTERNAL, "out of memory while hashing the password");
  return 0;
}

/* Runs fn inside a write transaction and appends an audit entry for it. */
static int audited(store *s, const char *actor, const char *action, const char *user,
                   const char *after, int (*fn)(store *, void *, err *), void *ctx, err *e) {
  if (store_begin(s, e)) return e->code;
  int rc = fn(s, ctx, e);
  if (!rc) rc = audit_append(s, actor, action, "users", user, NULL, after, e);
  if (!rc) rc = store_commit(s, e);
  if (rc) store_rollback(s);
  return rc;
}

typedef struct user_args {
  const char *name, *sector, *pw_hash;
  role r;
  const char *keep; /* passwd: the hash of the token that stays, or NULL */
} user_args;

static int do_add(store *s, void *ctx, err *e) {
  user_args *u = ctx;
  stmt *st = store_cached(
      s,
      "INSERT INTO _users(name, role, sector, password_hash, created_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5)",
      e);
  if (!st) return ERR_DB;
  char now[32];
  utc_in(0, now);
  stmt_bind_text(st, 5, now);
  stmt_bind_text(st, 1, u->name);
  stmt_bind_text(st, 2, role_name(u->r));
  if (u->sector && *u->sector) stmt_bind_text(st, 3, u->sector);
  stmt_bind_text(st, 4, u->pw_hash);
  int rc = stmt_run(st, e);
  if (rc == ERR_CONFLICT) return err_set(e, ERR_CONFLICT, "a user named %s exists", u->name);
  return rc;
}

int auth_user_add(store *s, const char *actor, const char *name, role r, const char *sector,
                  const char *password, err *e) {
  if (!*name || strlen(name) > 60 || strpbrk(name, " \t\r\n:"))
    return err_set(e, ERR_VALIDATION, "a user name has 1 to 60 characters, no spaces or ':'");
  if (check_password(password, e)) return e->code;
  char h[crypto_pwhash_STRBYTES];
  if (hash_password(password, h, e)) return e->code;
  user_args u = {name, sector, h, r, NULL};
  buf after;
  buf_init(&after, 0);
  jw w;
  jw_init(&w, &after, 0);
  jw_obj(&w);
  jw_kstr(&w, "name", name);
  jw_kstr(&w, "role", role_name(r));
  jw_kstr(&w, "sector", sector && *sector ? sector : NULL);
  jw_obj_end(&w);
  int rc = audited(s, actor, "user_add", name, buf_cstr(&after), do_add, &u, e);
  buf_free(&after);
  return rc;
}

static int run_update(store *s, const char *sql, const char *a1, const char *a2, err *e,
                      int must_change) {
  stmt *st = store_cached(s, sql, e);
  if (!st) return ERR_DB;
  stmt_bind_text(st, 1, a1);
  if (a2) stmt_bind_text(st, 2, a2);
  int rc = stmt_run(st, e);
  if (rc) return rc;
  if (must_change && stmt_changes(st) == 0)
    return err_set(e, ERR_NOT_FOUND, "no user named %s", a1);
  return 0;
}

static int do_passwd(store *s, void *ctx, err *e) {
  user_args *u = ctx;
  int rc = run_update(s, "UPDATE _users SET password_hash = ?2 WHERE name = ?1", u->name, u->pw_hash, e, 1);
  /* Whoever knew the old password may hold a session or token: end them
   * all, but the one that made the change. */
  if (!rc)
    rc = run_update(s, "UPDATE _tokens SET revoked = 1 WHERE \"user\" = ?1 AND hash IS DISTINCT FROM ?2",
                    u->name, u->keep ? u->keep : "", e, 0);
  return rc;
}

int auth_user_passwd(store *s, const char *actor, const char *name, const char *password, err *e) {
  if (check_password(password, e)) return e->code;
  char h[crypto_pwhash_STRBYTES];
  if (hash_password(password, h, e)) return e->code;
  user_args u = {name, NULL, h, ROLE_VIEWER, NULL};
  return audited(s, actor, "user_passwd", name, NULL, do_passwd, &u, e);
}

int auth_user_lang(store *s, const char *name, lang *out, err *e) {
  stmt *st = store_cached(s, "SELECT \"lang\" FROM _users WHERE \"name\" = ?1", e);
  if (!st) return ERR_DB;
  stmt_bind_text(st, 1, name);
  int rc = stmt_step(st, e), chosen = 0;
  if (rc == STMT_ROW) chosen = !lang_parse(stmt_text(st, 0), out);
  stmt_reset(st);
  return rc < 0 ? rc : chosen;
}

static int do_set_lang(store *s, void *ctx, err *e) {
  user_args *u = ctx;
  return run_update(s, "UPDATE _users SET lang = ?2 WHERE name = ?1", u->name, u->sector, e, 1);
}

int auth_user_set_lang(store *s, const char *name, lang l, err *e) {
  user_args u = {name, lang_code(l), NULL, ROLE_VIEWER, NULL};
  char after[32];
  snprintf(after, sizeof after, "{\"lang\":\"%s\"}", lang_code(l));
  return audited(s, name, "user_lang", name, after, do_set_lang, &u, e);
}

int auth_password_change(store *s, const principal *p, const char *current, const char *password, err *e) {
  stmt *st = store_cached(s, "SELECT password_hash FROM _users WHERE name = ? AND disabled = 0", e);
  if (!st) return ERR_DB;
  stmt_bind_text(st, 1, p->user);
  int step = stmt_step(st, e);
  int ok = step == STMT_ROW && stmt_text(st, 0) &&
           crypto_pwhash_str_verify(stmt_text(st, 0), current, strlen(current)) == 0;
  stmt_reset(st);
  if (step < 0) return step;
  if (!ok) return err_set(e, ERR_UNAUTHORIZED, "the current password is wrong");
  if (check_password(password, e)) return e->code;
  char h[crypto_pwhash_STRBYTES];
  if (hash_password(password, h, e)) return e->code;
  user_args u = {p->user, NULL, h, ROLE_VIEWER, p->token_hash};
  return audited(s, p->user, "user_passwd", p->user, NULL, do_passwd, &u, e);
}

static int do_revoke(store *s, void *ctx, err *e) {
  const char *name = ctx;
  return run_update(s, "UPDATE _tokens SET revoked = 1 WHERE \"user\" = ?1", name, NULL, e, 0);
}

static int do_disable(store *s, void *ctx, err *e) {
  const char *name = ctx;
  int rc = run_update(s, "UPDATE _users SET disabled = 1 WHERE name = ?1", name, NULL, e, 1);
  return rc ? rc : do_revoke(s, ctx, e);
}

int auth_user_disable(store *s, const char *actor, const char *name, err *e) {
  return audited(s, actor, "user_disable", name, NULL, do_disable, (void *)name, e);
}

int auth_revoke(store *s, const char *actor, const char *name, err *e) {
  if (store_begin(s, e)) return e->code;
  int rc = 0;
  stmt *st = store_cached(s, "SELECT 1 FROM _users WHERE name = ?", e);
  if (!st) rc = ERR_DB;
  if (!rc) {
    stmt_bind_text(st, 1, name);
    rc = stmt_step(st, e);
    stmt_reset(st);
    if (rc == STMT_DONE) rc = err_set(e, ERR_NOT_FOUND, "no user named %s", name);
    else if (rc == STMT_ROW) rc = 0;
  }
  if (!rc) rc = do_revoke(s, (void *)name, e);
  if (!rc) rc = audit_append(s, actor, "user_revoke", "users", name, NULL, NULL, e);
  if (!rc) rc = store_commit(s, e);
  if (rc) store_rollback(s);
  return rc;
}

static int insert_token(store *s, const char *name, const char *kind, const char *token,
                        const char *csrf, long ttl, err *e) {
  char h[65], expires[32];
  token_hash(token, h);
  stmt *st = store_cached(
      s,
      "INSERT INTO _tokens(hash, \"user\", kind, csrf, created_at, expires_at) "
      "VALUES (?1, ?2, ?3, ?4, ?6, ?5)",
      e);
  if (!st) return ERR_DB;
  char now[32];
  utc_in(0, now);
  stmt_bind_text(st, 6, now);
  stmt_bind_text(st, 1, h);
  stmt_bind_text(st, 2, name);
  stmt_bind_text(st, 3, kind);
  if (csrf) stmt_bind_text(st, 4, csrf);
  if (ttl > 0) {
    utc_in(ttl, expires);
    stmt_bind_text(st, 5, expires);
  }
  return stmt_run(st, e);
}

int auth_token_new(store *s, const char *actor, const char *name, char *out, err *e) {
  if (store_begin(s, e)) return e->code;
  int rc = 0;
  stmt *st = store_cached(s, "SELECT 1 FROM _users WHERE name = ? AND disabled = 0", e);
  if (!st) rc = ERR_DB;
  if (!rc) {
    stmt_bind_text(st, 1, name);
    rc = stmt_step(st, e);
    stmt_reset(st);
    if (rc == STMT_DONE) rc = err_set(e, ERR_NOT_FOUND, "no active user named %s", name);
    else if (rc == STMT_ROW) rc = 0;
  }
  if (!rc) {
    random_token(out, "bh_");
    rc = insert_token(s, name, "api", out, NULL, 0, e);
  }
  if (!rc) rc = audit_append(s, actor, "token_new", "users", name, NULL, NULL, e);
  if (!rc) rc = store_commit(s, e);
  if (rc) store_rollback(s);
  return rc;
}

static int fill_principal(stmt *st, principal *p) {
  memset(p, 0, sizeof *p);
  snprintf(p->user, sizeof p->user, "%s", stmt_text(st, 0));
  if (role_parse(stmt_text(st, 1), &p->role)) return -1;
  const char *sector = stmt_text(st, 2);
  if (sector) snprintf(p->sector, sizeof p->sector, "%s", sector);
  return 0;
}

int auth_login(store *s, const char *name, const char *password, char *token_out,
               char *csrf_out, principal *p, err *e) {
  stmt *st =
      store_cached(s, "SELECT name, role, sector, password_hash FROM _users WHERE name = ? AND disabled = 0", e);
  if (!st) return ERR_DB;
  stmt_bind_text(st, 1, name);
  int ok = 0;
  int step = stmt_step(st, e);
  if (step < 0) {
    stmt_reset(st);
    return step;
  }
  if (step == STMT_ROW) {
    const char *h = stmt_text(st, 3);
    ok = h && crypto_pwhash_str_verify(h, password, strlen(password)) == 0 && !fill_principal(st, p);
  } else {
    /* Spend the same effort for an unknown user, so timing tells nothing. */
    char dummy[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str(dummy, password, strlen(password), PW_OPSLIMIT, PW_MEMLIMIT) != 0)
      dummy[0] = 0; /* only the time spent matters */
  }
  stmt_reset(st);
  if (!ok) return err_set(e, ERR_UNAUTHORIZED, "wrong user name or password");
  random_token(token_out, "bhs_");
  random_token(csrf_out, "");
  if (store_begin(s, e)) return e->code;
  int rc = insert_token(s, p->user, "session", token_out, csrf_out, AUTH_SESSION_HOURS * 3600L, e);
  if (!rc) rc = store_commit(s, e);
  if (rc) {
    store_rollback(s);
    return rc;
  }
  p->session = 1;
  snprintf(p->csrf, sizeof p->csrf, "%s", csrf_out);
  token_hash(token_out, p->token_hash);
  return 0;
}

int auth_logout(store *s, const principal *p, err *e) {
  return run_update(s, "UPDATE _tokens SET revoked = 1 WHERE hash = ?1", p->token_hash, NULL, e, 0);
}

int auth_lookup(store *s, const char *token, principal *p, err *e) {
  char h[65];
  token_hash(token, h);
  stmt *st = store_cached(
      s,
      "SELECT u.name, u.role, u.sector, t.kind, t.csrf FROM _tokens t JOIN _users u ON u.name = t.\"user\" "
      "WHERE t.hash = ?1 AND t.revoked = 0 AND u.disabled = 0 "
      "AND (t.expires_at IS NULL OR t.expires_at > ?2)",
      e);
  if (!st) return ERR_DB;
  char now[32];
  utc_in(0, now);
  stmt_bind_text(st, 1, h);
  stmt_bind_text(st, 2, now);
  int rc = ERR_UNAUTHORIZED;
  int step = stmt_step(st, e);
  if (step < 0) {
    stmt_reset(st);
    return step;
  }
  if (step == STMT_ROW && !fill_principal(st, p)) {
    p->session = !strcmp(stmt_text(st, 3), "session");
    const char *csrf = stmt_text(st, 4);
    if (csrf) snprintf(p->csrf, sizeof p->csrf, "%s", csrf);
    snprintf(p->token_hash, sizeof p->token_hash, "%s", h);
    rc = 0;
  }
  stmt_reset(st);
  if (rc) err_set(e, ERR_UNAUTHORIZED, "unknown, revoked or expired token: sign in again");
  return rc;
}

int authz_check(const principal *p, const authz_req *q, err *e) {
  authz_action act = q->act;
  int confidential = q->confidential, has_old = q->has_old, has_new = q->has_new;
  const char *old_sector = q->old_sector, *new_sector = q->new_sector;
  if (confidential && p->role == ROLE_VIEWER && act == AUTHZ_READ)
    return err_set(e, ERR_NOT_FOUND, "no such record");
  switch (act) {
    case AUTHZ_READ:
      return 0;
    case AUTHZ_ADMIN:
      if (p->role == ROLE_ADMIN) return 0;
      return err_set(e, ERR_FORBIDDEN, "this needs the admin role");
    case AUTHZ_WRITE:
      if (p->role != ROLE_EDITOR && p->role != ROLE_ADMIN) {
        if (confidential && p->role == ROLE_VIEWER) return err_set(e, ERR_NOT_FOUND, "no such record");
        return err_set(e, ERR_FORBIDDEN, "your role (%s) may not write records", role_name(p->role));
      }
      if (p->role == ROLE_ADMIN || !p->sector[0]) return 0;
      if (has_old && strcmp(old_sector ? old_sector : "", p->sector) != 0)
        return err_set(e, ERR_FORBIDDEN, "this record is in sector '%s'; you may write sector '%s' only",
                       old_sector && *old_sector ? old_sector : "(none)", p->sector);
      if (has_new && strcmp(new_sector ? new_sector : "", p->sector) != 0)
        return err_set(e, ERR_FORBIDDEN, "the record would be in sector '%s'; you may write sector '%s' only",
                       new_sector && *new_sector ? new_sector : "(none)", p->sector);
      return 0;
  }
  return err_set(e, ERR_FORBIDDEN, "not allowed");
}

int authz_sector_scoped(const principal *p) {
  return p->role == ROLE_EDITOR && p->sector[0]; /* as authz_check's AUTHZ_WRITE */
}

const char *authz_visibility(const principal *p) {
  return p->role == ROLE_VIEWER ? "\"classification\" IS DISTINCT FROM 'confidential'" : NULL;
}

int auth_user_list(store *s, void (*line)(void *ctx, const char *name, const char *rolename,
                                          const char *sector, int disabled),
                   void *ctx, err *e) {
  stmt *st;
  if (store_prepare(s, "SELECT name, role, sector, disabled FROM _users ORDER BY name", &st, e)) return ERR_DB;
  int rc;
  while ((rc = stmt_step(st, e)) == STMT_ROW)
    line(ctx, stmt_text(st, 0), stmt_text(st, 1),
         stmt_text(st, 2), (int)stmt_int(st, 3));
  stmt_finalize(st);
  return rc < 0 ? rc : 0;
}
