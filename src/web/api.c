/* api.c: routes of the JSON API and their handlers. Authentication happens
 * in api_handle before any handler; every authorization decision goes
 * through authz_check (web/auth.c). */
#include "web/api.h"

#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "analysis/duplicates.h"
#include "analysis/indicator.h"
#include "core/country.h"
#include "core/date.h"
#include "core/jw.h"
#include "core/str.h"
#include "io/export.h"
#include "io/import.h"
#include "model/event.h"
#include "model/filter.h"
#include "model/place.h"
#include "model/query.h"
#include "model/recjson.h"
#include "model/sector.h"
#include "report/render.h"
#include "report/template.h"
#include "store/audit.h"
#include "web/assets.h"

#define LIST_LIMIT_DEFAULT 50
#define LIST_LIMIT_MAX 1000
#define LIST_SORT_MAX 2000 /* matches worth sorting; past this, walk the key */
#define AUDIT_LIMIT_MAX 1000

typedef enum access { ACCESS_PUBLIC, ACCESS_READ, ACCESS_WRITE, ACCESS_ADMIN } access;

typedef struct route {
  const char *method;
  const char *pattern; /* segments after /api/v1/; "*" matches one segment */
  access need;
  void (*handle)(http_req *r);
} route;

/* ---------------------------------------------------------------- helpers */

static const kind *kind_or_404(http_req *r, const char *name) {
  const kind *k = kind_find(name);
  if (!k) http_error(r, ERR_NOT_FOUND, "no kind named '%.60s'", name);
  return k;
}

static int is_confidential(const record *rec) {
  const fval *c = record_get(rec, "classification");
  return c && c->set && !strcmp(c->s, "confidential");
}

/* The kind a reference column points at when some readers may not see all
 * of its records (it has a classification); else NULL. */
static const kind *classified_target(const field *f) {
  if (f->type != FT_REF && f->type != FT_REFLIST) return NULL;
  const kind *t = kind_find(f->arg);
  return t && kind_field(t, "classification") ? t : NULL;
}

/* Hidden references (API.md, "Classification"): for a reader who may not see
 * every record, a filter on a reference column never matches a reference
 * to a record hidden from them, whatever the value asked for. */
static void hidden_refs_never_match(http_req *r, filter_set *fs, const char *column) {
  const char *vis = authz_visibility(&r->who);
  const field *f = kind_field(fs->k, column);
  const kind *t = f ? classified_target(f) : NULL;
  if (!vis || !t) return;
  if (f->type == FT_REF)
    filter_add_sql(fs, arena_printf(r->a, "\"%s\" IS NULL OR \"%s\" NOT IN (SELECT _t.\"%s\" FROM \"%s\" _t WHERE NOT (%s))",
                                    f->name, f->name, kind_key_name(t), t->name, vis));
  else
    filter_add_sql(fs, arena_printf(r->a,
                                    "NOT EXISTS (SELECT 1 FROM \"%s\" _t WHERE NOT (%s) AND "
                                    "instr(';' || \"%s\" || ';', ';' || _t.\"%s\" || ';') > 0)",
                                    t->name, vis, f->name, kind_key_name(t)));
}

/* Query parameters as FILTERs (column=value with filter_query_op's prefixes, near=PLACE:KM). */
static int add_query_filters(http_req *r, filter_set *fs, const char *const *skip, err *e) {
  for (int i = 0; i < r->nquery; i++) {
    int skipped = 0;
    for (int j = 0; skip && skip[j]; j++) skipped |= !strcmp(skip[j], r->query[i].key);
    if (skipped) continue;
    int rc = filter_add_query(fs, r->s, r->query[i].key, r->query[i].value, r->a, e);
    if (rc) return rc;
    hidden_refs_never_match(r, fs, r->query[i].key);
  }
  return 0;
}

/* counted=yes|no: whether a list, count or map keeps only the records that
 * count (FORMATS.md §4.1); dflt when absent. Starts fs accordingly. Returns
 * 0 or ERR_USAGE. */
static int init_filters(http_req *r, filter_set *fs, const kind *k, int dflt, err *e) {
  const char *v = http_query(r, "counted");
  int counted = dflt;
  if (v && !strcmp(v, "yes")) counted = 1;
  else if (v && !strcmp(v, "no")) counted = 0;
  if (counted) filter_init(fs, k);
  else filter_init_all(fs, k);
  if (v && strcmp(v, "yes") && strcmp(v, "no"))
    return err_set(e, ERR_USAGE, "counted=%.40s: give yes (only what counts) or no (every record)", v);
  return 0;
}

/* The references of rec to records the reader may not see (a viewer and a
 * confidential event): their fields' bits, for recjson_write_hidden, which
 * shows them as null and names them in "_hidden". */
static uint64_t hidden_refs(http_req *r, const record *rec) {
  const char *vis = authz_visibility(&r->who);
  if (!vis) return 0;
  const kind *k = rec->k;
  uint64_t mask = 0;
  for (int i = 0; i < k->nfields; i++) {
    const kind *t = classified_target(&k->fields[i]);
    if (!t || !rec->v[i].set) continue;
    char sql[512];
    if (k->fields[i].type == FT_REF)
      snprintf(sql, sizeof sql, "SELECT 1 FROM \"%s\" WHERE \"%s\" = ?1 AND NOT (%s)", t->name, kind_key_name(t),
               vis);
    else
      snprintf(sql, sizeof sql,
               "SELECT 1 FROM \"%s\" WHERE instr(';' || ?1 || ';', ';' || \"%s\" || ';') > 0 AND NOT (%s)",
               t->name, kind_key_name(t), vis);
    stmt *st = store_cached(r->s, sql, NULL);
    int step = ERR_DB;
    if (st) {
      stmt_bind_text(st, 1, rec->v[i].s);
      step = stmt_step(st, NULL);
      stmt_reset(st);
    }
    if (step != STMT_DONE) mask |= 1ull << i; /* hidden, or unknown: never shown */
  }
  return mask;
}

static void visible_only(http_req *r, filter_set *fs) {
  const char *vis = authz_visibility(&r->who);
  if (vis && kind_field(fs->k, "classification")) filter_add_sql(fs, vis);
}

/* The record as JSON text (for the audit trail and responses). */
static char *record_json_text(http_req *r, const record *rec) {
  buf b;
  buf_init(&b, 0);
  jw w;
  jw_init(&w, &b, 0);
  recjson_write(&w, rec);
  char *out = arena_strndup(r->a, buf_cstr(&b), b.len);
  buf_free(&b);
  return out;
}

/* Loads a stored record as JSON text and its sector; returns 1 found, 0 not, <0 error. */
static int stored_version(http_req *r, const kind *k, const char *id, const char *id2,
                          char **json, char *sector, size_t cap, int *confidential, err *e) {
  stmt *st;
  record rec;
  int found = query_get(r->s, k, id, id2, &st, &rec, e);
  if (found <= 0) return found;
  *json = record_json_text(r, &rec);
  if (confidential) *confidential = is_confidential(&rec);
  int rc = record_sector(r->s, &rec, sector, cap);
  stmt_finalize(st);
  if (rc < 0) return err_set(e, rc, "the record's sector could not be read (%s)", err_name(rc));
  return 1;
}

/* A record that a write moves from one sector to another: the writer must
 * be allowed both (the same rule as for the record written). */
static int moved_authorized(void *ctx, const kind *k, const char *id, const char *id2,
                            const char *old_sector, const char *new_sector, err *e) {
  http_req *r = ctx;
  if (!authz_check(&r->who,
                   &(authz_req){.act = AUTHZ_WRITE, .has_old = 1, .old_sector = old_sector,
                                .has_new = 1, .new_sector = new_sector},
                   e))
    return 0;
  char why[sizeof e->msg];
  snprintf(why, sizeof why, "%s", e->msg);
  return err_set(e, e->code, "this change would move %s %s%s%s from sector '%s' to '%s': %s", k->name, id,
                 id2 ? "/" : "", id2 ? id2 : "", *old_sector ? old_sector : "(none)",
                 *new_sector ? new_sector : "(none)", why);
}

/* Before a write to (k, id) by a sector-scoped editor: notes the records
 * the write could move (*w stays NULL for everyone else). */
static int watch_moves(http_req *r, const kind *k, const char *id, sector_watch **w, err *e) {
  *w = NULL;
  if (!authz_sector_scoped(&r->who)) return 0;
  int rc = sector_watch_begin(r->s, k, id, w, e);
  if (rc == ERR_TOO_LARGE)
    return err_set(e, ERR_FORBIDDEN, "%s: an editor without a sector scope or an admin must make it", e->msg);
  return rc;
}

json_t *api_json_body(const char *body, size_t len, err *e) {
  json_error_t je;
  json_t *j = json_loadb(body, len, JSON_REJECT_DUPLICATES, &je);
  if (!j) err_set(e, ERR_VALIDATION, "malformed JSON at line %d, column %d: %s", je.line, je.column, je.text);
  return j;
}

static json_t *parse_body(http_req *r) {
  err e;
  json_t *j = api_json_body(r->body, r->body_len, &e);
  if (!j) http_error_from(r, &e, NULL);
  return j;
}

json_t *api_json_object(const char *body, size_t len, const char *const *allowed, err *e) {
  json_t *j = api_json_body(body, len, e);
  if (!j) return NULL;
  if (!json_is_object(j)) {
    json_decref(j);
    err_set(e, ERR_VALIDATION, "the body must be a JSON object");
    return NULL;
  }
  const char *key;
  json_t *v;
  json_object_foreach(j, key, v) {
    int known = 0;
    for (int i = 0; allowed[i] && !known; i++) known = !strcmp(key, allowed[i]);
    if (!known) {
      err_set(e, ERR_VALIDATION, "unknown key '%.60s' in the body", key);
      json_decref(j); /* key lives in j */
      return NULL;
    }
  }
  return j;
}

int api_login_body(const char *body, size_t len, json_t **json, const char **user,
                   const char **password, err *e) {
  static const char *const keys[] = {"user", "password", NULL};
  *user = *password = NULL;
  *json = api_json_object(body, len, keys, e);
  if (!*json) return ERR_VALIDATION;
  /* (jansson refuses \u0000 in a string unless asked: no NUL inside.) */
  json_t *u = json_object_get(*json, "user"), *p = json_object_get(*json, "password");
  if (!json_is_string(u) || !json_is_string(p)) {
    json_decref(*json);
    *json = NULL;
    return err_set(e, ERR_VALIDATION, "give {\"user\": \"...\", \"password\": \"...\"}");
  }
  *user = json_string_value(u);
  *password = json_string_value(p);
  return 0;
}

/* ------------------------------------------------------------- handlers */

static void h_health(http_req *r) {
  buf_puts(&r->out, "{\"status\":\"ok\"}");
  http_json(r, 200);
}

#define LOGIN_TRACK 256

static struct {
  char client[64];
  int failures;
  time_t last;
} logins[LOGIN_TRACK];
static pthread_mutex_t logins_mu = PTHREAD_MUTEX_INITIALIZER;

/* Seconds a client must still wait before its next attempt (0: none). */
static long login_wait(const char *client) {
  long wait = 0;
  pthread_mutex_lock(&logins_mu);
  for (int i = 0; i < LOGIN_TRACK; i++)
    if (!strcmp(logins[i].client, client) && logins[i].failures >= 3) {
      /* 5 s after the third failure, doubling, at most about 5 minutes. */
      long delay = 5L << (logins[i].failures - 3 < 6 ? logins[i].failures - 3 : 6);
      long left = (long)(logins[i].last + delay - time(NULL));
      wait = left > 0 ? left : 0;
    }
  pthread_mutex_unlock(&logins_mu);
  return wait;
}

static void login_result(const char *client, int ok) {
  pthread_mutex_lock(&logins_mu);
  int slot = -1, oldest = 0;
  for (int i = 0; i < LOGIN_TRACK; i++) {
    if (!strcmp(logins[i].client, client)) slot = i;
    if (logins[i].last < logins[oldest].last) oldest = i;
  }
  if (ok) {
    if (slot >= 0) logins[slot].failures = 0;
  } else {
    if (slot < 0) {
      slot = oldest;
      snprintf(logins[slot].client, sizeof logins[slot].client, "%s", client);
      logins[slot].failures = 0;
    }
    logins[slot].failures++;
    logins[slot].last = time(NULL);
  }
  pthread_mutex_unlock(&logins_mu);
}

/* 1 when the request's body is declared JSON (Content-Type:
 * application/json, with parameters or not): what a form or a cross-site
 * "simple request" cannot send without the browser asking first. */
static int json_content(const http_req *r) {
  const char *t = r->content_type;
  if (!t || strncasecmp(t, "application/json", 16) != 0) return 0;
  t += 16;
  while (*t == ' ' || *t == '\t') t++;
  return *t == 0 || *t == ';';
}

/* The host[:port] of an Origin or Host value, without a default port, into
 * out; 0 when the value has no host. */
static int origin_host(const char *v, int is_origin, char *out, size_t cap) {
  const char *h = v;
  int https = 0;
  if (is_origin) {
    const char *sep = strstr(v, "://");
    if (!sep) return 0;
    https = sep - v == 5 && !strncasecmp(v, "https", 5);
    h = sep + 3;
  }
  size_t n = strlen(h);
  if (!n || n >= cap || strchr(h, '/')) return 0;
  for (size_t i = 0; i <= n; i++) out[i] = (char)((h[i] >= 'A' && h[i] <= 'Z') ? h[i] + 32 : h[i]);
  size_t l = strlen(out);
  if (l > 3 && !strcmp(out + l - 3, ":80") && !https) out[l - 3] = 0;
  else if (l > 4 && !strcmp(out + l - 4, ":443")) out[l - 4] = 0;
  return 1;
}

/* The CSRF rule (API.md, "Sessions"): a state-changing request that a
 * browser sends must come from the server's own pages. Browsers say where a
 * request comes from: Sec-Fetch-Site (same-origin, or none for one the user
 * typed) and Origin, whose host must be the Host the request was sent to.
 * A client that sends neither (curl, scripts) is not a browser and passes. */
static int same_origin(http_req *r) {
  if (r->fetch_site && strcasecmp(r->fetch_site, "same-origin") != 0 && strcasecmp(r->fetch_site, "none") != 0) {
    http_error(r, ERR_FORBIDDEN, "cross-site request refused (Sec-Fetch-Site: %.40s)", r->fetch_site);
    return 0;
  }
  if (r->origin) {
    char o[256], h[256];
    if (!r->host || !origin_host(r->origin, 1, o, sizeof o) || !origin_host(r->host, 0, h, sizeof h) ||
        strcmp(o, h) != 0) {
      http_error(r, ERR_FORBIDDEN, "cross-site request refused (Origin %.100s is not this server)", r->origin);
      return 0;
    }
  }
  return 1;
}

/* A JSON body whose keys must all be among allowed (NULL-terminated). */
static json_t *parse_object(http_req *r, const char *const *allowed) {
  err e;
  json_t *j = api_json_object(r->body, r->body_len, allowed, &e);
  if (!j) http_error_from(r, &e, NULL);
  return j;
}

static void h_login(http_req *r) {
  long wait = login_wait(r->client);
  if (wait > 0) {
    snprintf(r->extra_header[0], sizeof r->extra_header[0], "Retry-After: %ld", wait);
    http_error(r, ERR_TOO_MANY, "too many failed sign-ins from this address: wait %ld s", wait);
    return;
  }
  /* Login CSRF: a foreign page must not sign a browser in (as someone else). */
  if (!same_origin(r)) return;
  if (!json_content(r)) {
    http_error(r, ERR_VALIDATION, "send the sign-in as JSON (Content-Type: application/json)");
    return;
  }
  json_t *j;
  const char *user, *pw;
  err e;
  if (api_login_body(r->body, r->body_len, &j, &user, &pw, &e)) {
    http_error_from(r, &e, NULL);
    return;
  }
  char token[AUTH_TOKEN_LEN], csrf[AUTH_TOKEN_LEN];
  int rc = auth_login(r->s, user, pw, token, csrf, &r->who, &e);
  json_decref(j);
  /* Only a wrong name or password counts against the address (a busy or
   * read-only database is not the client's failure). */
  if (rc == 0 || rc == ERR_UNAUTHORIZED) login_result(r->client, rc == 0);
  if (rc) {
    http_error_from(r, &e, NULL);
    return;
  }
  r->signed_in = 1;
  snprintf(r->set_cookie, sizeof r->set_cookie,
           "bh_session=%s; HttpOnly; SameSite=Strict; Path=/; Max-Age=%d", token,
           AUTH_SESSION_HOURS * 3600);
  jw w;
  jw_init(&w, &r->out, 0);
  jw_obj(&w);
  jw_kstr(&w, "token", token);
  jw_kstr(&w, "csrf", csrf);
  jw_kstr(&w, "user", r->who.user);
  jw_kstr(&w, "role", role_name(r->who.role));
  jw_kstr(&w, "sector", r->who.sector[0] ? r->who.sector : NULL);
  jw_obj_end(&w);
  http_json(r, 200);
}

static void h_logout(http_req *r) {
  err e;
  if (auth_logout(r->s, &r->who, &e)) {
    http_error_from(r, &e, NULL);
    return;
  }
  snprintf(r->set_cookie, sizeof r->set_cookie, "bh_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0");
  buf_puts(&r->out, "{\"signed_out\":true}");
  http_json(r, 200);
}

/* The language the interface speaks to r's user: their choice, else the
 * browser's Accept-Language, else English (FORMATS.md 4.2). */
static lang user_lang(http_req *r, int *chosen) {
  lang l;
  err e;
  *chosen = auth_user_lang(r->s, r->who.user, &l, &e) == 1;
  return *chosen ? l : lang_from_accept(r->accept_language);
}

/* POST /api/v1/me/password: a user changes their own password. */
static void h_password(http_req *r) {
  long wait = login_wait(r->client);
  if (wait > 0) {
    snprintf(r->extra_header[0], sizeof r->extra_header[0], "Retry-After: %ld", wait);
    http_error(r, ERR_TOO_MANY, "too many wrong passwords from this address: wait %ld s", wait);
    return;
  }
  static const char *const keys[] = {"password", "new_password", NULL};
  json_t *j = parse_object(r, keys);
  if (!j) return;
  const char *cur = json_string_value(json_object_get(j, "password"));
  const char *pw = json_string_value(json_object_get(j, "new_password"));
  err e;
  int rc = 0;
  if (!cur || !pw)
    rc = err_set(&e, ERR_VALIDATION, "give {\"password\": \"the current one\", \"new_password\": \"...\"}");
  else
    rc = auth_password_change(r->s, &r->who, cur, pw, &e);
  json_decref(j);
  if (cur && pw && (rc == 0 || rc == ERR_UNAUTHORIZED)) login_result(r->client, rc == 0);
  if (rc) {
    /* A wrong current password must not look like a dead session. */
    if (rc == ERR_UNAUTHORIZED) e.code = ERR_FORBIDDEN;
    http_error_from(r, &e, NULL);
    return;
  }
  buf_puts(&r->out, "{\"changed\":true,\"other_sessions_ended\":true}");
  http_json(r, 200);
}

static void h_me(http_req *r) {
  int chosen;
  lang l = user_lang(r, &chosen);
  jw w;
  jw_init(&w, &r->out, 0);
  jw_obj(&w);
  jw_kstr(&w, "user", r->who.user);
  jw_kstr(&w, "role", role_name(r->who.role));
  jw_kstr(&w, "sector", r->who.sector[0] ? r->who.sector : NULL);
  jw_kstr(&w, "classification", r->who.role == ROLE_VIEWER ? "restricted" : "confidential");
  jw_kstr(&w, "csrf", r->who.session ? r->who.csrf : NULL);
  jw_kstr(&w, "lang", lang_code(l));
  jw_kbool(&w, "lang_chosen", chosen);
  jw_obj_end(&w);
  http_json(r, 200);
}

/* PATCH /api/v1/me {"lang": "en"|"fr"}: the user's own settings. */
static void h_me_patch(http_req *r) {
  json_t *j = parse_body(r);
  if (!j) return;
  err e;
  err_list errs;
  err_list_init(&errs, 8);
  err_clear(&e);
  const char *key;
  json_t *v;
  lang l = LANG_EN;
  int have = 0;
  if (!json_is_object(j)) err_set(&e, ERR_VALIDATION, "give a JSON object: {\"lang\": \"fr\"}");
  else
    json_object_foreach(j, key, v) {
      err fe;
      if (strcmp(key, "lang") != 0) {
        err_set(&fe, ERR_VALIDATION, "not a setting (lang is)");
      } else if (!json_is_string(v) || lang_parse(json_string_value(v), &l)) {
        err_set(&fe, ERR_VALIDATION, "en or fr");
      } else {
        have = 1;
        continue;
      }
      str_copy(fe.field, sizeof fe.field, key);
      err_list_add(&errs, &fe);
      err_set(&e, ERR_VALIDATION, "the settings are not valid");
    }
  json_decref(j);
  if (!e.code && !have) err_set(&e, ERR_VALIDATION, "nothing to change: give {\"lang\": \"en\"} or \"fr\"");
  if (!e.code) auth_user_set_lang(r->s, r->who.user, l, &e);
  if (e.code) {
    http_error_from(r, &e, &errs);
    err_list_free(&errs);
    return;
  }
  err_list_free(&errs);
  h_me(r);
}

/* The labels of a kind or column in each language: {"en": "...", "fr": "..."}. */
static void labels_json(jw *w, const char *key, const kind *k, const char *column) {
  jw_key(w, key);
  jw_obj(w);
  for (int l = 0; l < LANG_COUNT; l++) {
    const char *t = kind_field_label(k, column, (lang)l);
    jw_kstr(w, lang_code((lang)l), t ? t : column[0] ? column : k->name);
  }
  jw_obj_end(w);
}

/* The labels of the sectors' names (SECTOR_WORD in words.def), for the
 * `sector` columns. */
static void sector_word_json(void *ctx, const char *word, const char *en, const char *fr, int sector) {
  jw *w = ctx;
  if (!sector) return;
  jw_key(w, word);
  jw_obj(w);
  jw_kstr(w, "en", en);
  jw_kstr(w, "fr", fr);
  jw_obj_end(w);
}

/* The names of the countries, for the columns of ISO 3166 codes. */
static void country_json(void *ctx, const char *code, const char *en, const char *fr) {
  jw *w = ctx;
  jw_key(w, code);
  jw_obj(w);
  jw_kstr(w, "en", en);
  jw_kstr(w, "fr", fr);
  jw_obj_end(w);
}

/* A '|'-separated list as a JSON array. */
static void bar_list_json(jw *w, const char *list) {
  jw_arr(w);
  for (const char *p = list; p && *p;) {
    size_t len = strcspn(p, "|");
    jw_strn(w, p, len);
    p += len + (p[len] == '|');
  }
  jw_arr_end(w);
}

static void h_kinds(http_req *r) {
  int n;
  const kind *kinds = kind_all(&n);
  jw w;
  jw_init(&w, &r->out, 0);
  jw_arr(&w);
  for (int i = 0; i < n; i++) {
    const kind *k = &kinds[i];
    jw_obj(&w);
    jw_kstr(&w, "name", k->name);
    labels_json(&w, "label", k, "");
    jw_key(&w, "key");
    jw_arr(&w);
    for (int j = 0; j < k->nkey; j++) jw_str(&w, k->fields[k->key[j]].name);
    jw_arr_end(&w);
    jw_kstr(&w, "date", k->date_field);
    jw_key(&w, "list_columns");
    bar_list_json(&w, k->list_columns);
    jw_key(&w, "fields");
    jw_arr(&w);
    for (int f = 0; f < k->nfields; f++) {
      const field *fd = &k->fields[f];
      jw_obj(&w);
      jw_kstr(&w, "name", fd->name);
      labels_json(&w, "label", k, fd->name);
      jw_kstr(&w, "type", field_type_name(fd->type));
      jw_kbool(&w, "required", (fd->flags & F_REQUIRED) != 0);
      jw_kbool(&w, "derived", (fd->flags & F_DERIVED) != 0);
      if (fd->type == FT_VOCAB) {
        jw_key(&w, "vocabulary");
        bar_list_json(&w, fd->arg);
        /* Each word's label in each language (src/model/kinds/words.def). */
        jw_key(&w, "vocabulary_labels");
        jw_obj(&w);
        for (const char *p = fd->arg; p && *p;) {
          size_t len = strcspn(p, "|");
          char word[128];
          snprintf(word, sizeof word, "%.*s", (int)len, p);
          jw_key(&w, word);
          jw_obj(&w);
          for (int l = 0; l < LANG_COUNT; l++) {
            const char *t = vocab_label(p, len, (lang)l);
            jw_kstr(&w, lang_code((lang)l), t ? t : word);
          }
          jw_obj_end(&w);
          p += len + (p[len] == '|');
        }
        jw_obj_end(&w);
      } else if (fd->type == FT_REF || fd->type == FT_REFLIST) {
        jw_kstr(&w, "references", fd->arg);
      } else if (fd->type == FT_PLACE || fd->type == FT_PLACELIST) {
        jw_kstr(&w, "references", "places");
      } else if (fd->type == FT_CODE3) {
        jw_key(&w, "value_labels");
        jw_obj(&w);
        country_each(country_json, &w);
        jw_obj_end(&w);
      } else if (!strcmp(fd->name, "sector")) {
        jw_key(&w, "value_labels");
        jw_obj(&w);
        vocab_words(sector_word_json, &w);
        jw_obj_end(&w);
      }
      jw_obj_end(&w);
    }
    jw_arr_end(&w);
    /* Which values of b go with each value of a (PAIR checks). */
    jw_key(&w, "pairs");
    jw_arr(&w);
    for (int c = 0; c < k->nchecks; c++) {
      const kind_check *ch = &k->checks[c];
      if (ch->type != CHECK_PAIR) continue;
      jw_obj(&w);
      jw_kstr(&w, "a", ch->a);
      jw_kstr(&w, "b", ch->b);
      jw_key(&w, "allowed");
      jw_arr(&w);
      for (const char *p = ch->arg; *p;) {
        size_t len = strcspn(p, "|");
        const char *gt = memchr(p, '>', len);
        if (gt) {
          jw_arr(&w);
          jw_strn(&w, p, (size_t)(gt - p));
          jw_strn(&w, gt + 1, len - (size_t)(gt - p) - 1);
          jw_arr_end(&w);
        }
        p += len + (p[len] == '|');
      }
      jw_arr_end(&w);
      jw_obj_end(&w);
    }
    jw_arr_end(&w);
    jw_obj_end(&w);
  }
  jw_arr_end(&w);
  http_json(r, 200);
}

static void list_page(http_req *r, const kind *k);

/* The result cache's key of a read whose answer depends only on the
 * database, the route, its query parameters, the user's visibility and the
 * day (store_result_get). */
static void request_key(http_req *r, const char *what, buf *key) {
  const char *vis = authz_visibility(&r->who);
  buf_init(key, 1 << 16);
  buf_printf(key, "%s;%d;%d;%zu:%s;", what, date_today(), vis != NULL, vis ? strlen(vis) : 0, vis ? vis : "");
  for (int i = 0; i < r->nseg; i++) buf_printf(key, "%zu:%s;", strlen(r->seg[i]), r->seg[i]);
  buf_puts(key, "?");
  for (int i = 0; i < r->nquery; i++)
    buf_printf(key, "%zu:%s=%zu:%s;", strlen(r->query[i].key), r->query[i].key, strlen(r->query[i].value),
               r->query[i].value);
}

static void h_list(http_req *r) {
  const kind *k = kind_or_404(r, r->seg[0]);
  if (!k) return;
  /* The same page of the same list, while nothing changed, is kept. */
  buf key;
  request_key(r, "list", &key);
  int64_t token = -1;
  if (!key.overflow && store_result_get(r->s, buf_cstr(&key), &r->out, &token)) {
    buf_free(&key);
    http_json(r, 200);
    return;
  }
  list_page(r, k);
  if (r->status == 200 && !key.overflow) store_result_put(r->s, token, buf_cstr(&key), r->out.data, r->out.len);
  buf_free(&key);
}

static void list_page(http_req *r, const kind *k) {
  err e;
  filter_set fs;
  long limit = LIST_LIMIT_DEFAULT;
  const char *lv = http_query(r, "limit");
  int64_t n;
  int rc = init_filters(r, &fs, k, 0, &e);
  if (!rc && lv && (str_to_int64(lv, &n) || n < 1 || n > LIST_LIMIT_MAX))
    rc = err_set(&e, ERR_USAGE, "limit must be 1 to %d", LIST_LIMIT_MAX);
  else if (!rc && lv)
    limit = (long)n;
  static const char *const skip[] = {"limit", "after", "q", "counted", NULL};
  if (!rc) rc = add_query_filters(r, &fs, skip, &e);
  const char *q = http_query(r, "q");
  if (!rc && q) {
    if (strcmp(k->name, "places") != 0) rc = err_set(&e, ERR_USAGE, "q= searches places only");
    else rc = place_filter_search(&fs, q, r->a, &e);
  }
  const char *after = http_query(r, "after");
  if (!rc && after) {
    char *k1 = arena_strdup(r->a, after), *k2 = NULL;
    char *sep = strchr(k1, '\x1f');
    if (sep) {
      *sep = 0;
      k2 = sep + 1;
    }
    rc = filter_add_after(&fs, k1, k2, r->a, &e);
  }
  visible_only(r, &fs);
  /* Thousands of matches: read them in key order and stop at the page. */
  if (!rc && fs.nbinds && !q) rc = query_many(r->s, &fs, LIST_SORT_MAX, &fs.walk_key, &e);
  stmt *st = NULL;
  if (!rc) rc = query_open(r->s, &fs, limit + 1, &st, &e);
  if (rc) {
    if (rc == ERR_USAGE) e.code = ERR_VALIDATION;
    http_error_from(r, &e, NULL);
    filter_free(&fs);
    return;
  }
  jw w;
  jw_init(&w, &r->out, 0);
  jw_obj(&w);
  jw_key(&w, "items");
  jw_arr(&w);
  record rec;
  record_init(&rec, k);
  long count = 0;
  int more = 0;
  char *cursor = NULL;
  int step;
  while ((step = stmt_step(st, &e)) == STMT_ROW) {
    if (count == limit) {
      more = 1; /* the extra row: there is a next page */
      break;
    }
    query_row(st, &rec);
    recjson_write_hidden(&w, &rec, hidden_refs(r, &rec));
    count++;
    const fval *k1 = &rec.v[k->key[0]];
    if (k->nkey > 1) cursor = arena_printf(r->a, "%s\x1f%s", k1->s, rec.v[k->key[1]].s);
    else cursor = arena_strdup(r->a, k1->s);
  }
  stmt_finalize(st);
  filter_free(&fs);
  if (step < 0) {
    /* Never a cut-short list as a 200. */
    buf_reset(&r->out);
    http_error_from(r, &e, NULL);
    return;
  }
  jw_arr_end(&w);
  jw_key(&w, "next");
  if (more && cursor && !q) jw_str(&w, cursor); /* a search returns its best matches only */
  else jw_null(&w);
  jw_obj_end(&w);
  http_json(r, 200);
}

/* The key values of the record a path names: {id} or {equipment_id}/{date}. */
static int path_key(http_req *r, const kind *k, const char **id, const char **id2) {
  *id = r->nseg > 1 ? r->seg[1] : NULL;
  *id2 = r->nseg > 2 ? r->seg[2] : NULL;
  if (!*id || (k->nkey > 1 && !*id2) || (k->nkey == 1 && *id2)) {
    http_error(r, ERR_NOT_FOUND, "no such record");
    return -1;
  }
  return 0;
}

static void h_get(http_req *r) {
  const kind *k = kind_or_404(r, r->seg[0]);
  const char *id, *id2;
  if (!k || path_key(r, k, &id, &id2)) return;
  err e;
  record rec;
  int found = query_read(r->s, k, id, id2, &rec, r->a, &e);
  if (found < 0) {
    http_error_from(r, &e, NULL);
    return;
  }
  if (!found || authz_check(&r->who, &(authz_req){.act = AUTHZ_READ, .confidential = is_confidential(&rec), .has_old = 1}, &e)) {
    http_error(r, ERR_NOT_FOUND, "no such record");
    return;
  }
  jw w;
  jw_init(&w, &r->out, 0);
  recjson_write_hidden(&w, &rec, hidden_refs(r, &rec));
  http_json(r, 200);
}

/* Writes one record from a JSON body: create (POST, must be new) or upsert
 * (PUT), in one transaction with its audit entry; sector rules on both the
 * stored and the new version. */
static void write_record(http_req *r, int create) {
  const kind *k = kind_or_404(r, r->seg[0]);
  if (!k) return;
  const char *pid = NULL, *pid2 = NULL;
  if (!create && path_key(r, k, &pid, &pid2)) return;
  json_t *j = parse_body(r);
  if (!j) return;
  err e;
  err_clear(&e);
  err_list errs;
  err_list_init(&errs, 50);
  record rec;
  int rc = recjson_read(r->s, k, j, &rec, r->a, &errs);
  /* The path names the record; a body that names another is refused. */
  if (!create) {
    const char *ids[2] = {pid, pid2};
    for (int i = 0; i < k->nkey; i++) {
      fval *v = &rec.v[k->key[i]];
      if (rec.present[k->key[i]] && v->set && strcmp(v->s, ids[i]) != 0) {
        err fe;
        err_set(&fe, ERR_VALIDATION, "the body names %s, the path %s", v->s, ids[i]);
        str_copy(fe.field, sizeof fe.field, k->fields[k->key[i]].name);
        err_list_add(&errs, &fe);
        rc = ERR_VALIDATION;
      }
      rec.present[k->key[i]] = 1;
      *v = (fval){.set = 1, .s = ids[i]};
    }
  }
  for (int i = 0; !rc && i < k->nkey; i++)
    if (!rec.v[k->key[i]].set) {
      err fe;
      err_set(&fe, ERR_VALIDATION, "a value is required");
      str_copy(fe.field, sizeof fe.field, k->fields[k->key[i]].name);
      err_list_add(&errs, &fe);
      rc = ERR_VALIDATION;
    }
  if (rc) {
    err_set(&e, ERR_VALIDATION, "the record is not valid");
    goto fail;
  }
  const char *id = rec.v[k->key[0]].s, *id2 = k->nkey > 1 ? rec.v[k->key[1]].s : NULL;
  if (store_begin(r->s, &e)) goto fail;
  char *before = NULL, old_sector[64] = "", new_sector[64] = "";
  int old_conf = 0;
  int existed = stored_version(r, k, id, id2, &before, old_sector, sizeof old_sector, &old_conf, &e);
  if (existed < 0) goto rollback;
  if (existed && create) {
    err_set(&e, ERR_CONFLICT, "a %s record with this id exists: use PUT to change it", k->name);
    goto rollback;
  }
  sector_watch *moves = NULL;
  if (watch_moves(r, k, id, &moves, &e)) goto rollback;
  writer *wr;
  if (writer_open(&wr, r->s, k, NULL, &e)) goto rollback;
  rec.file = "body";
  rec.line = 0;
  rc = writer_put(wr, &rec, &errs);
  writer_close(wr);
  if (rc < 0) {
    /* A fault of the storage (read-only, full, busy...) is that, not a bad
     * record, even when it came from a check the writer ran. */
    int at = -1;
    for (int i = 0; i < errs.n && at < 0; i++)
      if (errs.items[i].code != ERR_VALIDATION) at = i;
    if (rc == ERR_VALIDATION && (at < 0 || !store_fault(errs.items[at].code))) {
      err_set(&e, ERR_VALIDATION, "the record is not valid");
    } else {
      if (at >= 0) e = errs.items[at];
      else err_set(&e, rc, "the record could not be stored (%s)", err_name(rc));
      e.file[0] = 0;
      e.line = 0;
      e.field[0] = 0;
      if (store_fault(e.code)) err_list_free(&errs);
    }
    sector_watch_free(moves);
    goto rollback;
  }
  char *after = NULL;
  int conf = 0;
  if (stored_version(r, k, id, id2, &after, new_sector, sizeof new_sector, &conf, &e) != 1 ||
      authz_check(&r->who,
                  &(authz_req){.act = AUTHZ_WRITE, .has_old = existed, .old_sector = old_sector,
                               .has_new = 1, .new_sector = new_sector},
                  &e)) {
    sector_watch_free(moves);
    goto rollback;
  }
  /* Every other record this write moved between sectors, by the same rule. */
  if (sector_watch_end(moves, moved_authorized, r, &e)) goto rollback;
  if (rc != WRITE_UNCHANGED &&
      audit_append(r->s, r->who.user, existed ? "update" : "create", k->name,
                   k->nkey > 1 ? arena_printf(r->a, "%s/%s", id, id2) : id, before, after, &e))
    goto rollback;
  if (store_commit(r->s, &e)) goto rollback;
  buf_puts(&r->out, after);
  http_json(r, existed ? 200 : 201);
  json_decref(j);
  err_list_free(&errs);
  return;
rollback:
  store_rollback(r->s);
fail:
  json_decref(j);
  for (int i = 0; i < errs.n; i++) errs.items[i].line = 0;
  http_error_from(r, &e, &errs);
  err_list_free(&errs);
}

static void h_create(http_req *r) { write_record(r, 1); }
static void h_put(http_req *r) { write_record(r, 0); }

static void h_delete(http_req *r) {
  const kind *k = kind_or_404(r, r->seg[0]);
  const char *id, *id2;
  if (!k || path_key(r, k, &id, &id2)) return;
  err e;
  if (store_begin(r->s, &e)) {
    http_error_from(r, &e, NULL);
    return;
  }
  char *before = NULL, sector[64] = "";
  int conf = 0;
  int found = stored_version(r, k, id, id2, &before, sector, sizeof sector, &conf, &e);
  if (found == 0) err_set(&e, ERR_NOT_FOUND, "no such record");
  sector_watch *moves = NULL;
  if (found == 1 && !authz_check(&r->who, &(authz_req){.act = AUTHZ_WRITE, .confidential = conf, .has_old = 1, .old_sector = sector}, &e) &&
      !watch_moves(r, k, id, &moves, &e)) {
    buf sql;
    buf_init(&sql, 0);
    buf_printf(&sql, "DELETE FROM \"%s\" WHERE \"%s\" = ?1", k->name, k->fields[k->key[0]].name);
    if (k->nkey > 1) buf_printf(&sql, " AND \"%s\" = ?2", k->fields[k->key[1]].name);
    stmt *st;
    int rc = store_prepare(r->s, buf_cstr(&sql), &st, &e);
    if (!rc) {
      stmt_bind_text(st, 1, id);
      if (id2) stmt_bind_text(st, 2, id2);
      rc = stmt_run(st, &e);
      stmt_finalize(st);
    }
    buf_free(&sql);
    /* A sector area or a place gone: the events' stored sectors follow, and
     * whatever that moves must be the writer's to move. */
    if (!rc && !strcmp(k->name, "sector_areas")) rc = sector_changed(r->s, NULL, &e);
    if (!rc && !strcmp(k->name, "places")) rc = sector_changed(r->s, id, &e);
    if (!rc) {
      rc = sector_watch_end(moves, moved_authorized, r, &e);
      moves = NULL;
    }
    if (!rc)
      rc = audit_append(r->s, r->who.user, "delete", k->name,
                        k->nkey > 1 ? arena_printf(r->a, "%s/%s", id, id2) : id, before, NULL, &e);
    if (!rc) rc = store_commit(r->s, &e);
    if (!rc) {
      r->status = 204;
      r->out_type = "application/json";
      return;
    }
    sector_watch_free(moves);
    if (rc == ERR_VALIDATION || rc == ERR_DB)
      err_set(&e, ERR_CONFLICT, "other records refer to this %s record: change or delete them first", k->name);
  }
  store_rollback(r->s);
  http_error_from(r, &e, NULL);
}

typedef struct import_ctx {
  http_req *r;
  const kind *k;
  char old_sector[64];  /* of the row being written, before it */
  int existed;
  sector_watch *moves;  /* the records it could move (sector-scoped editors) */
} import_ctx;

/* Before each row of an import: where the stored version is, and what the
 * row could move. */
static int import_authorize(void *ctx, store *s, const record *rec, err *e) {
  (void)s;
  import_ctx *ic = ctx;
  sector_watch_free(ic->moves);
  ic->moves = NULL;
  if (!authz_sector_scoped(&ic->r->who)) return 0;
  const kind *k = rec->k;
  char *before = NULL;
  int conf = 0;
  ic->old_sector[0] = 0;
  ic->existed = stored_version(ic->r, k, rec->v[k->key[0]].s, k->nkey > 1 ? rec->v[k->key[1]].s : NULL,
                               &before, ic->old_sector, sizeof ic->old_sector, &conf, e);
  if (ic->existed < 0) return ic->existed;
  return watch_moves(ic->r, k, rec->v[k->key[0]].s, &ic->moves, e);
}

/* After each row: the stored version's sector, and every record it moved,
 * by the same rule as a single write. */
static int import_written(void *ctx, store *s, const record *rec, int outcome, err *e) {
  (void)outcome;
  import_ctx *ic = ctx;
  if (!authz_sector_scoped(&ic->r->who)) return 0;
  const kind *k = rec->k;
  char *after = NULL, sector[64] = "";
  int conf = 0;
  int found = stored_version(ic->r, k, rec->v[k->key[0]].s, k->nkey > 1 ? rec->v[k->key[1]].s : NULL, &after,
                             sector, sizeof sector, &conf, e);
  (void)s;
  if (found < 0) return found;
  int rc = authz_check(&ic->r->who,
                       &(authz_req){.act = AUTHZ_WRITE, .has_old = ic->existed, .old_sector = ic->old_sector,
                                    .has_new = found, .new_sector = sector},
                       e);
  if (!rc) rc = sector_watch_end(ic->moves, moved_authorized, ic->r, e);
  else sector_watch_free(ic->moves);
  ic->moves = NULL;
  return rc;
}

static void h_import(http_req *r) {
  const kind *k = kind_or_404(r, r->seg[1]);
  if (!k) return;
  import_ctx ic = {.r = r, .k = k};
  import_result res = {0};
  import_opts o = {0};
  o.lenient = http_query(r, "lenient") != NULL;
  const char *format = http_query(r, "format");
  err e;
  if (format && source_format_parse(format, &o.format, &e)) {
    http_error(r, ERR_VALIDATION, "%s", e.msg);
    return;
  }
  if (o.format != SOURCE_NATIVE && strcmp(k->name, "events") != 0) {
    http_error(r, ERR_VALIDATION, "format=%s imports events only", format);
    return;
  }
  o.result = &res;
  o.actor = r->who.user;
  o.authorize = import_authorize;
  o.written = import_written;
  o.ctx = &ic;
  err_list errs;
  err_list_init(&errs, IMPORT_ERRORS_MAX);
  char name[80];
  snprintf(name, sizeof name, "%s.csv", k->name);
  int rc = import_buffer(r->s, k, r->body, r->body_len, name, &o, &errs);
  sector_watch_free(ic.moves); /* a row refused before it was written */
  if (store_fault(rc) && errs.n == 1) {
    /* A full disk, a read-only or busy database: that alone. */
    http_error_from(r, &errs.items[0], NULL);
  } else if (rc) {
    err_set(&e, rc == ERR_VALIDATION ? ERR_VALIDATION : rc, "nothing was imported: %ld problem%s",
            errs.total, errs.total == 1 ? "" : "s");
    /* An authorization refusal is a 403, whatever row it came from. */
    for (int i = 0; i < errs.n; i++)
      if (errs.items[i].code == ERR_FORBIDDEN) e.code = ERR_FORBIDDEN;
    http_error_from(r, &e, &errs);
  } else {
    jw w;
    jw_init(&w, &r->out, 0);
    jw_obj(&w);
    jw_kstr(&w, "kind", k->name);
    jw_kint(&w, "inserted", res.inserted);
    jw_kint(&w, "updated", res.updated);
    jw_kint(&w, "unchanged", res.unchanged);
    if (o.format == SOURCE_ACLED_DELETIONS) {
      jw_kint(&w, "marked", res.marked);
      jw_kint(&w, "remembered", res.remembered);
    } else {
      jw_kint(&w, "skipped", res.skipped);
    }
    jw_obj_end(&w);
    http_json(r, 200);
  }
  err_list_free(&errs);
}

static void h_count(http_req *r) {
  const kind *k = kind_or_404(r, r->seg[1]);
  if (!k) return;
  err e;
  filter_set fs;
  static const char *const skip[] = {"counted", NULL};
  int rc = init_filters(r, &fs, k, 1, &e);
  if (!rc) rc = add_query_filters(r, &fs, skip, &e);
  visible_only(r, &fs);
  int64_t n = 0;
  if (!rc) rc = query_count(r->s, &fs, &n, &e);
  filter_free(&fs);
  if (rc) {
    if (rc == ERR_USAGE) e.code = ERR_VALIDATION;
    http_error_from(r, &e, NULL);
    return;
  }
  buf_printf(&r->out, "{\"count\":%lld}", (long long)n);
  http_json(r, 200);
}

/* Query parameters as indicator arguments: KEY=VALUE, comparisons from the
 * ne:/ge:/... prefixes. */
static int indicator_args(http_req *r, const char **args, int max) {
  int n = 0;
  for (int i = 0; i < r->nquery && n < max; i++) {
    const char *v = r->query[i].value;
    const char *op = filter_query_op(&v);
    args[n++] = arena_printf(r->a, "%s%s%s", r->query[i].key, op, v);
  }
  return n;
}

static void h_indicator(http_req *r) {
  const char *args[IND_PARAMS_MAX];
  int n = indicator_args(r, args, IND_PARAMS_MAX);
  err e;
  int rc = indicator_run(r->s, r->seg[1], n, args, authz_visibility(&r->who), 0, &r->out, &e);
  if (rc) {
    if (!indicator_find(r->seg[1])) e.code = ERR_NOT_FOUND;
    else if (rc == ERR_USAGE) e.code = ERR_VALIDATION;
    http_error_from(r, &e, NULL);
    return;
  }
  http_json(r, 200);
}

static void h_geojson(http_req *r) {
  err e;
  filter_set fs;
  static const char *const skip[] = {"counted", NULL};
  int rc = init_filters(r, &fs, kind_find("events"), 1, &e);
  if (!rc) rc = add_query_filters(r, &fs, skip, &e);
  visible_only(r, &fs);
  char *mem = NULL;
  size_t len = 0;
  FILE *f = NULL;
  if (!rc) {
    f = open_memstream(&mem, &len);
    if (!f) rc = err_set(&e, ERR_INTERNAL, "out of memory");
  }
  if (!rc) rc = export_kind(r->s, &fs, EXPORT_GEOJSON, f, &e);
  if (f) fclose(f);
  filter_free(&fs);
  if (rc) {
    if (rc == ERR_USAGE) e.code = ERR_VALIDATION;
    http_error_from(r, &e, NULL);
  } else {
    buf_append(&r->out, mem, len);
    http_json(r, 200);
    r->out_type = "application/geo+json";
  }
  free(mem);
}

static void h_audit(http_req *r) {
  err e;
  int64_t limit = 100, after = 0;
  const char *lv = http_query(r, "limit"), *av = http_query(r, "after");
  if ((lv && (str_to_int64(lv, &limit) || limit < 1 || limit > AUDIT_LIMIT_MAX)) ||
      (av && str_to_int64(av, &after))) {
    http_error(r, ERR_VALIDATION, "limit must be 1 to %d and after a sequence number", AUDIT_LIMIT_MAX);
    return;
  }
  stmt *st;
  if (store_prepare(r->s,
                    "SELECT seq, at, \"user\", action, kind, record_id, before, after, hash FROM _audit "
                    "WHERE seq > ?1 ORDER BY seq LIMIT ?2",
                    &st, &e)) {
    http_error_from(r, &e, NULL);
    return;
  }
  stmt_bind_int(st, 1, after);
  stmt_bind_int(st, 2, limit + 1);
  jw w;
  jw_init(&w, &r->out, 0);
  jw_obj(&w);
  jw_key(&w, "items");
  jw_arr(&w);
  int64_t n = 0, last = 0;
  int more = 0;
  static const char *const cols[] = {"seq", "at", "user", "action", "kind", "record_id", "before", "after", "hash"};
  int step;
  while ((step = stmt_step(st, &e)) == STMT_ROW) {
    if (n == limit) {
      more = 1;
      break;
    }
    jw_obj(&w);
    for (int c = 0; c < 9; c++) {
      jw_key(&w, cols[c]);
      if (c == 0) {
        last = stmt_int(st, 0);
        jw_int(&w, last);
      } else if ((c == 6 || c == 7) && !stmt_is_null(st, c)) {
        jw_raw(&w, stmt_text(st, c));
      } else {
        jw_str(&w, stmt_text(st, c));
      }
    }
    jw_obj_end(&w);
    n++;
  }
  stmt_finalize(st);
  if (step < 0) {
    buf_reset(&r->out);
    http_error_from(r, &e, NULL);
    return;
  }
  jw_arr_end(&w);
  jw_key(&w, "next");
  if (more) jw_str(&w, arena_printf(r->a, "%lld", (long long)last));
  else jw_null(&w);
  jw_obj_end(&w);
  http_json(r, 200);
}

/* ------------------------------------------------------- duplicates */

/* GET /api/v1/duplicates?FILTER&km=&days=&min_score=&limit=&any_source=yes:
 * likely duplicate pairs among the events that count (as the CLI's
 * `duplicates events --format json`), best first. */
static void h_duplicates(http_req *r) {
  dup_options o;
  duplicates_options_default(&o);
  o.limit = 50;
  err e;
  int rc = 0;
  const char *v;
  double d;
  int64_t n;
  if ((v = http_query(r, "km")) && (str_to_double(v, &d) || d < 0 || d > 500))
    rc = err_set(&e, ERR_VALIDATION, "km=%.40s: give a distance from 0 to 500", v);
  else if (v)
    o.km = d;
  if (!rc && (v = http_query(r, "days")) && (str_to_int64(v, &n) || n < 0 || n > 366))
    rc = err_set(&e, ERR_VALIDATION, "days=%.40s: give a whole number from 0 to 366", v);
  else if (!rc && v)
    o.days = (int)n;
  if (!rc && (v = http_query(r, "min_score")) && (str_to_double(v, &d) || d < 0 || d > 1))
    rc = err_set(&e, ERR_VALIDATION, "min_score=%.40s: give a number from 0 to 1", v);
  else if (!rc && v)
    o.min_score = d;
  if (!rc && (v = http_query(r, "limit")) && (str_to_int64(v, &n) || n < 1 || n > LIST_LIMIT_MAX))
    rc = err_set(&e, ERR_VALIDATION, "limit=%.40s: give a whole number from 1 to %d", v, LIST_LIMIT_MAX);
  else if (!rc && v)
    o.limit = (long)n;
  if (!rc && (v = http_query(r, "any_source"))) o.any_source = !strcmp(v, "yes");
  static const char *const skip[] = {"km", "days", "min_score", "limit", "any_source", NULL};
  filter_set fs;
  filter_init(&fs, kind_find("events"));
  if (!rc) rc = add_query_filters(r, &fs, skip, &e);
  visible_only(r, &fs);
  dup_result res;
  memset(&res, 0, sizeof res);
  if (!rc) rc = duplicates_find(r->s, &fs, &o, &res, &e);
  filter_free(&fs);
  if (rc) {
    if (rc == ERR_USAGE) e.code = ERR_VALIDATION;
    http_error_from(r, &e, NULL);
    return;
  }
  jw w;
  jw_init(&w, &r->out, 0);
  duplicates_json(&w, &res, NULL, NULL);
  duplicates_free(&res);
  http_json(r, 200);
}

/* The events a merge writes must be within the sectors the user may write:
 * each id that exists is checked (an unknown id is the merge's 404). */
static int may_write_events(http_req *r, const char *const *ids, int n, err *e) {
  const kind *k = kind_find("events");
  for (int i = 0; i < n; i++) {
    char *json, sector[64] = "";
    int conf = 0;
    int found = stored_version(r, k, ids[i], NULL, &json, sector, sizeof sector, &conf, e);
    if (found < 0) return found;
    if (found && authz_check(&r->who,
                             &(authz_req){.act = AUTHZ_WRITE, .confidential = conf, .has_old = 1,
                                          .old_sector = sector, .has_new = 1, .new_sector = sector},
                             e))
      return e->code;
  }
  return 0;
}

/* A JSON string member of obj, or NULL after adding a field error. */
static const char *body_id(json_t *obj, const char *key, err_list *errs) {
  json_t *v = json_object_get(obj, key);
  if (json_is_string(v) && json_string_length(v)) return json_string_value(v);
  err fe;
  err_set(&fe, ERR_VALIDATION, v ? "give an event id (a non-empty string)" : "a value is required");
  str_copy(fe.field, sizeof fe.field, key);
  err_list_add(errs, &fe);
  return NULL;
}

/* Runs one merge operation (0 merge, 1 unmerge, 2 decide) in a transaction
 * with its authorization and audit entries. */
static void duplicates_write(http_req *r, int op) {
  json_t *j = parse_body(r);
  if (!j) return;
  err e;
  err_clear(&e);
  err_list errs;
  err_list_init(&errs, 50);
  const char *ids[LIST_LIMIT_MAX + 1];
  int n = 0;
  const char *decision = NULL, *note = NULL;
  if (!json_is_object(j)) {
    err_set(&e, ERR_VALIDATION, "the body must be a JSON object");
  } else if (op == 0) {
    ids[n++] = body_id(j, "keep", &errs);
    json_t *others = json_object_get(j, "others");
    if (!json_is_array(others) || !json_array_size(others) || json_array_size(others) > LIST_LIMIT_MAX) {
      err fe;
      err_set(&fe, ERR_VALIDATION, "give the ids to merge as an array of 1 to %d strings", LIST_LIMIT_MAX);
      str_copy(fe.field, sizeof fe.field, "others");
      err_list_add(&errs, &fe);
    } else {
      size_t i;
      json_t *it;
      json_array_foreach(others, i, it) {
        if (!json_is_string(it) || !json_string_length(it)) {
          err fe;
          err_set(&fe, ERR_VALIDATION, "item %zu is not an event id (a non-empty string)", i);
          str_copy(fe.field, sizeof fe.field, "others");
          err_list_add(&errs, &fe);
        } else {
          ids[n++] = json_string_value(it);
        }
      }
    }
  } else if (op == 1) {
    ids[n++] = body_id(j, "id", &errs);
  } else {
    ids[n++] = body_id(j, "a", &errs);
    ids[n++] = body_id(j, "b", &errs);
    decision = json_string_value(json_object_get(j, "decision"));
    if (!decision || (strcmp(decision, "merge") && strcmp(decision, "dismiss"))) {
      err fe;
      err_set(&fe, ERR_VALIDATION, "give merge or dismiss");
      str_copy(fe.field, sizeof fe.field, "decision");
      err_list_add(&errs, &fe);
    }
  }
  if (json_is_object(j)) {
    json_t *nv = json_object_get(j, "note");
    if (nv && !json_is_string(nv) && !json_is_null(nv)) {
      err fe;
      err_set(&fe, ERR_VALIDATION, "a note is text");
      str_copy(fe.field, sizeof fe.field, "note");
      err_list_add(&errs, &fe);
    }
    note = json_string_value(nv);
  }
  if (!e.code && errs.n) err_set(&e, ERR_VALIDATION, "the request is not valid");
  int changed = 0;
  char into[256] = "";
  if (!e.code && !store_begin(r->s, &e)) {
    int rc = may_write_events(r, ids, n, &e);
    if (!rc && op == 0) rc = duplicates_merge(r->s, r->who.user, ids[0], ids + 1, n - 1, note, &changed, &e);
    if (!rc && op == 1 && event_merged_into(r->s, ids[0], into, sizeof into, NULL) < 0) into[0] = 0;
    if (!rc && op == 1) rc = duplicates_unmerge(r->s, r->who.user, ids[0], &e);
    if (!rc && op == 2) rc = duplicates_decide(r->s, r->who.user, ids[0], ids[1], decision, note, &e);
    if (!rc) rc = store_commit(r->s, &e);
    if (rc) store_rollback(r->s);
  }
  if (e.code) {
    if (e.code == ERR_USAGE) e.code = ERR_VALIDATION;
    http_error_from(r, &e, &errs);
  } else {
    jw w;
    jw_init(&w, &r->out, 0);
    jw_obj(&w);
    if (op == 0) {
      jw_kstr(&w, "keep", ids[0]);
      jw_key(&w, "others");
      jw_arr(&w);
      for (int i = 1; i < n; i++) jw_str(&w, ids[i]);
      jw_arr_end(&w);
      jw_kint(&w, "merged", changed);
    } else if (op == 1) {
      jw_kstr(&w, "id", ids[0]);
      jw_kstr(&w, "was_merged_into", into[0] ? into : NULL);
    } else {
      jw_kstr(&w, "a", ids[0]);
      jw_kstr(&w, "b", ids[1]);
      jw_kstr(&w, "decision", decision);
    }
    jw_obj_end(&w);
    http_json(r, 200);
  }
  json_decref(j);
  err_list_free(&errs);
}

static void h_merge(http_req *r) { duplicates_write(r, 0); }
static void h_unmerge(http_req *r) { duplicates_write(r, 1); }
static void h_decide(http_req *r) { duplicates_write(r, 2); }

/* The trail's head and length, to keep elsewhere (audit verify --expect). */
static void h_audit_checkpoint(http_req *r) {
  err e;
  audit_status st;
  char hash[AUDIT_HASH_HEX];
  long long count;
  if (audit_check(r->s, &st, &e) || audit_checkpoint(r->s, hash, &count, &e)) {
    http_error_from(r, &e, NULL);
    return;
  }
  if (st.bad) {
    http_error(r, ERR_CONFLICT, "the audit trail is broken at entry %lld: %s", st.bad, st.why);
    return;
  }
  jw w;
  jw_init(&w, &r->out, 0);
  jw_obj(&w);
  jw_kstr(&w, "checkpoint", arena_printf(r->a, "%s:%lld", count ? hash : AUDIT_GENESIS, count));
  jw_kstr(&w, "hash", count ? hash : AUDIT_GENESIS);
  jw_kint(&w, "count", count);
  jw_kbool(&w, "keyed", st.keyed);
  jw_obj_end(&w);
  http_json(r, 200);
}

static void h_report(http_req *r) {
  const char *tname = http_query(r, "template"), *fmt = http_query(r, "format");
  const char *fv = http_query(r, "from"), *tv = http_query(r, "to");
  const char *lv = http_query(r, "lang");
  if (!tname) tname = "default";
  report_format format = REPORT_JSON;
  err e;
  lang l = LANG_EN;
  if (lv && lang_parse(lv, &l)) {
    http_error(r, ERR_VALIDATION, "lang=%.20s: en or fr", lv);
    return;
  }
  if (fmt && render_format_parse(fmt, &format, &e)) {
    http_error(r, ERR_VALIDATION, "%s", e.msg);
    return;
  }
  /* Only the built-in templates: a client never names a file. */
  const char *text = report_template_text(tname, l);
  if (!text) {
    http_error(r, ERR_VALIDATION, "unknown template '%.60s' (default or sitrep)", tname);
    return;
  }
  int from, to = date_today();
  if ((tv && date_parse_iso(tv, &to)) || (fv && date_parse_iso(fv, &from))) {
    http_error(r, ERR_VALIDATION, "from and to are dates (YYYY-MM-DD)");
    return;
  }
  if (!fv) from = !strcmp(tname, "sitrep") ? to : to - 29;
  if (from > to) {
    http_error(r, ERR_VALIDATION, "from is after to: the period ends before it starts");
    return;
  }
  report_doc doc;
  int rc = report_build(r->s, text, tname, l, from, to, authz_visibility(&r->who), &doc, &e);
  if (!rc) {
    rc = render_report(&doc, format, &r->out, &e);
    report_doc_free(&doc);
  }
  if (rc) {
    if (e.code == ERR_USAGE) e.code = ERR_VALIDATION;
    buf_reset(&r->out);
    http_error_from(r, &e, NULL);
    return;
  }
  http_json(r, 200);
  r->out_type = format == REPORT_HTML ? "text/html; charset=utf-8"
                : format == REPORT_MD  ? "text/markdown; charset=utf-8"
                                       : "application/json";
}

/* ---------------------------------------------------------------- routes */

static const route routes[] = {
    {"GET", "health", ACCESS_PUBLIC, h_health},
    {"POST", "login", ACCESS_PUBLIC, h_login},
    {"POST", "logout", ACCESS_READ, h_logout},
    {"GET", "me", ACCESS_READ, h_me},
    {"PATCH", "me", ACCESS_READ, h_me_patch},
    {"POST", "me/password", ACCESS_READ, h_password},
    {"GET", "kinds", ACCESS_READ, h_kinds},
    {"GET", "audit", ACCESS_ADMIN, h_audit},
    {"GET", "audit/checkpoint", ACCESS_ADMIN, h_audit_checkpoint},
    {"GET", "events.geojson", ACCESS_READ, h_geojson},
    {"GET", "count/*", ACCESS_READ, h_count},
    {"GET", "indicators/*", ACCESS_READ, h_indicator},
    {"GET", "report", ACCESS_READ, h_report},
    {"POST", "import/*", ACCESS_WRITE, h_import},
    {"GET", "duplicates", ACCESS_READ, h_duplicates},
    {"POST", "duplicates/merge", ACCESS_WRITE, h_merge},
    {"POST", "duplicates/unmerge", ACCESS_WRITE, h_unmerge},
    {"POST", "duplicates/decide", ACCESS_WRITE, h_decide},
    {"GET", "*", ACCESS_READ, h_list},
    {"POST", "*", ACCESS_WRITE, h_create},
    {"GET", "*/*", ACCESS_READ, h_get},
    {"GET", "*/*/*", ACCESS_READ, h_get},
    {"PUT", "*/*", ACCESS_WRITE, h_put},
    {"PUT", "*/*/*", ACCESS_WRITE, h_put},
    {"DELETE", "*/*", ACCESS_WRITE, h_delete},
    {"DELETE", "*/*/*", ACCESS_WRITE, h_delete},
};

static int route_matches(const route *rt, const http_req *r) {
  const char *m = strcmp(r->method, "HEAD") ? r->method : "GET"; /* the server drops HEAD's body */
  if (strcmp(rt->method, m) != 0) return 0;
  const char *p = rt->pattern;
  for (int i = 0; i < r->nseg; i++) {
    const char *slash = strchr(p, '/');
    size_t len = slash ? (size_t)(slash - p) : strlen(p);
    if (!(len == 1 && p[0] == '*') && (strlen(r->seg[i]) != len || strncmp(p, r->seg[i], len)))
      return 0;
    if (i + 1 < r->nseg && !slash) return 0;
    if (i + 1 == r->nseg && slash) return 0;
    p = slash ? slash + 1 : p + len;
  }
  return r->nseg > 0;
}

/* Constant-time comparison of two tokens. */
static int same_token(const char *a, const char *b) {
  size_t la = strlen(a), lb = strlen(b);
  unsigned char d = (unsigned char)(la != lb);
  for (size_t i = 0; i < la && i < lb; i++) d |= (unsigned char)(a[i] ^ b[i]);
  return d == 0;
}

void api_handle(http_req *r) {
  r->out_type = "application/json";
  if (r->too_many_params) {
    http_error(r, ERR_VALIDATION, "more than %d query parameters", HTTP_QUERY_MAX);
    return;
  }
  if (!str_has_prefix(r->path, "/api/")) {
    assets_serve(r);
    return;
  }
  if (!str_has_prefix(r->path, "/api/v1/") || r->nseg < 1 || r->nseg > HTTP_SEGMENTS_MAX) {
    http_error(r, ERR_NOT_FOUND, "no such route: %.200s", r->path);
    return;
  }
  for (int i = 0; i < r->nseg; i++)
    if (!r->seg[i][0]) {
      http_error(r, ERR_NOT_FOUND, "no such route: %.200s", r->path);
      return;
    }
  const route *rt = NULL;
  for (size_t i = 0; i < sizeof routes / sizeof routes[0] && !rt; i++)
    if (route_matches(&routes[i], r)) rt = &routes[i];
  if (!rt) {
    http_error(r, ERR_NOT_FOUND, "no such route: %s %.200s", r->method, r->path);
    return;
  }
  if (rt->need != ACCESS_PUBLIC) {
    const char *token = r->bearer ? r->bearer : r->cookie_token;
    err e;
    if (!token) {
      http_error(r, ERR_UNAUTHORIZED, "sign in first: Authorization: Bearer TOKEN, or POST /api/v1/login");
      return;
    }
    if (auth_lookup(r->s, token, &r->who, &e)) {
      http_error_from(r, &e, NULL);
      return;
    }
    r->signed_in = 1;
    /* A browser session must prove the request came from our own pages:
     * the session's CSRF token, the browser's word on the origin, and a
     * JSON body declared as such. */
    if (!r->bearer && strcmp(r->method, "GET") != 0 && strcmp(r->method, "HEAD") != 0) {
      if (!r->csrf_header || !same_token(r->csrf_header, r->who.csrf)) {
        http_error(r, ERR_FORBIDDEN, "missing or wrong X-CSRF-Token header");
        return;
      }
      if (!same_origin(r)) return;
      if (r->body_len && rt->handle != h_import && !json_content(r)) {
        http_error(r, ERR_VALIDATION, "send the body as JSON (Content-Type: application/json)");
        return;
      }
    }
    authz_action act = rt->need == ACCESS_ADMIN ? AUTHZ_ADMIN
                       : rt->need == ACCESS_WRITE ? AUTHZ_WRITE
                                                  : AUTHZ_READ;
    /* Route level: the role; record-level sector and classification rules
     * run in the handlers through the same authz_check. */
    if (authz_check(&r->who, &(authz_req){.act = act}, &e)) {
      http_error_from(r, &e, NULL);
      return;
    }
  }
  rt->handle(r);
}
