/* auth.h: users, passwords (argon2id), API tokens and browser sessions
 * (random, stored as SHA-256), and authz_check: the one function that decides
 * what a principal may do with a record (API.md, "Users and sign-in"). */
#ifndef BH_AUTH_H
#define BH_AUTH_H

#include "core/err.h"
#include "core/lang.h"
#include "store/store.h"

#define AUTH_PASSWORD_MIN 12
#define AUTH_TOKEN_LEN 48     /* "bh_" + 43 base64url characters + NUL, rounded */
#define AUTH_SESSION_HOURS 12

typedef enum role { ROLE_VIEWER, ROLE_ANALYST, ROLE_EDITOR, ROLE_ADMIN } role;

typedef struct principal {
  char user[64];
  role role;
  char sector[64]; /* "" = no sector scope */
  int session;     /* signed in through a browser session (CSRF applies) */
  char csrf[48];   /* the session's CSRF token */
  char token_hash[65];
} principal;

typedef enum authz_action { AUTHZ_READ, AUTHZ_WRITE, AUTHZ_ADMIN } authz_action;

/* auth_init: initializes libsodium; call once at start. Returns 0 or ERR_INTERNAL. */
int auth_init(err *e);

/* role_parse / role_name: "admin|editor|analyst|viewer" <-> role. */
int role_parse(const char *name, role *out);
const char *role_name(role r);

/* auth_user_add: creates a user (password at least AUTH_PASSWORD_MIN
 * characters, hashed with argon2id) and audits it as done by actor. Runs its
 * own transaction. Returns 0, ERR_CONFLICT (exists) or ERR_VALIDATION. */
int auth_user_add(store *s, const char *actor, const char *name, role r, const char *sector,
                  const char *password, err *e);

/* auth_user_passwd: sets a new password (an admin on the console) and
 * revokes every token and session of the user. Returns 0, ERR_NOT_FOUND or
 * ERR_VALIDATION. */
int auth_user_passwd(store *s, const char *actor, const char *name, const char *password, err *e);

/* auth_password_change: p changes its own password, proving the current
 * one; every other token and session of p's user is revoked (the one
 * making the change stays). Returns 0, ERR_UNAUTHORIZED (wrong
 * current password) or ERR_VALIDATION (new password too short or long). */
int auth_password_change(store *s, const principal *p, const char *current, const char *password, err *e);

/* auth_user_disable: disables a user and revokes their tokens and sessions. */
int auth_user_disable(store *s, const char *actor, const char *name, err *e);

/* auth_token_new: a new API token for name, written to out (AUTH_TOKEN_LEN
 * bytes); only its hash is stored. Returns 0 or ERR_NOT_FOUND. */
int auth_token_new(store *s, const char *actor, const char *name, char *out, err *e);

/* auth_revoke: revokes every token and session of name. */
int auth_revoke(store *s, const char *actor, const char *name, err *e);

/* auth_login: checks name and password; on success creates a session and
 * writes its token to token_out and its CSRF token to csrf_out (both
 * AUTH_TOKEN_LEN bytes) and fills *p. Returns 0 or ERR_UNAUTHORIZED. */
int auth_login(store *s, const char *name, const char *password, char *token_out,
               char *csrf_out, principal *p, err *e);

/* auth_logout: ends the session whose token hash is p->token_hash. */
int auth_logout(store *s, const principal *p, err *e);

/* auth_lookup: the principal a token (bearer or session cookie) stands for.
 * Returns 0, or ERR_UNAUTHORIZED for an unknown, revoked or expired token or
 * a disabled user. */
int auth_lookup(store *s, const char *token, principal *p, err *e);

/* What a principal asks to do, for authz_check. */
typedef struct authz_req {
  authz_action act;
  int confidential;       /* the record is one a viewer may not see */
  int has_old;            /* a stored version exists ... */
  const char *old_sector; /* ... in this sector ("" or NULL: none) */
  int has_new;            /* a version is to be written ... */
  const char *new_sector; /* ... in this sector */
} authz_req;

/* authz_check: the one authorization rule: may p do q? Returns 0,
 * ERR_FORBIDDEN, or ERR_NOT_FOUND (a confidential record asked for by a
 * viewer: its existence must not leak), with e filled. */
int authz_check(const principal *p, const authz_req *q, err *e);

/* authz_sector_scoped: 1 when p's writes are limited to one sector, so that
 * every record a write moves between sectors must pass authz_check too
 * (the callers then list them with a sector_watch); 0 otherwise. */
int authz_sector_scoped(const principal *p);

/* authz_visibility: the SQL condition records with a classification must meet
 * for p (NULL when everything is visible). Static text. */
const char *authz_visibility(const principal *p);

/* auth_user_lang: the language user name chose into *out. Returns 1 when
 * they chose one, 0 when not (or no such user), or ERR_DB. */
int auth_user_lang(store *s, const char *name, lang *out, err *e);

/* auth_user_set_lang: stores the language user name chose, audited as a
 * user change made by that user. Returns 0, ERR_NOT_FOUND or ERR_DB. */
int auth_user_set_lang(store *s, const char *name, lang l, err *e);

/* auth_user_list: writes one line per user (name, role, sector, state) to out. */
int auth_user_list(store *s, void (*line)(void *ctx, const char *name, const char *rolename,
                                          const char *sector, int disabled),
                   void *ctx, err *e);

#endif
