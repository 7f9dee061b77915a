/* http.h: one HTTP request as the API handlers see it (method, path
 * segments, query parameters, body, the signed-in principal, a store and an
 * arena for the request), and the response they build: a status, a body and
 * a few headers. Errors all take API.md's one envelope. */
#ifndef BH_HTTP_H
#define BH_HTTP_H

#include <stddef.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "store/store.h"
#include "web/auth.h"
#include "web/wire.h"

#define HTTP_QUERY_MAX WIRE_PARAMS_MAX /* 128 */
#define HTTP_SEGMENTS_MAX 8

typedef struct http_req {
  const char *method;
  const char *path;                      /* decoded path */
  const char *seg[HTTP_SEGMENTS_MAX];    /* path segments after /api/v1/ */
  int nseg;
  struct {
    const char *key, *value;
  } query[HTTP_QUERY_MAX];
  int nquery;
  int too_many_params;                   /* the query string had more than HTTP_QUERY_MAX */
  const char *body;
  size_t body_len;
  const char *content_type;
  const char *client;                    /* client address */
  const char *cookie_token;              /* bh_session cookie, or NULL */
  const char *bearer;                    /* Authorization: Bearer token, or NULL */
  const char *csrf_header;               /* X-CSRF-Token, or NULL */
  const char *origin;                    /* Origin, or NULL */
  const char *fetch_site;                /* Sec-Fetch-Site, or NULL */
  const char *host;                      /* Host, or NULL */
  int accept_gzip;                       /* Accept-Encoding names gzip */
  const char *accept_language;           /* Accept-Language, or NULL */
  store *s;
  arena *a;
  principal who;
  int signed_in;
  /* the response */
  int status;
  buf out;
  const char *out_type;                  /* Content-Type */
  char set_cookie[256];
  char extra_header[2][160];             /* "Name: value" lines, or "" */
} http_req;

/* http_query: the value of query parameter key, or NULL. */
const char *http_query(const http_req *r, const char *key);

/* How long a request's write waits for another writer (a command-line
 * import, another request) before it answers 503 busy: long enough for any
 * request's transaction, short enough not to hold a worker (and the
 * connections queued behind it) through a long import. */
#define HTTP_BUSY_WAIT_MS 3000

/* Seconds a client is asked to wait (Retry-After) with that 503. */
#define HTTP_BUSY_RETRY_S 5

/* http_header: adds the response header "name: value" in a free
 * extra_header slot; returns 0, or -1 when none is free. */
int http_header(http_req *r, const char *name, const char *value);

/* http_error: sets the response to API.md's error envelope for code (status
 * from err_http_status) with message; returns code. The storage's faults
 * (busy, read_only, storage_full) get one fixed message, without file
 * names, and busy a Retry-After header. */
int http_error(http_req *r, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* http_error_from: the envelope for e; validation errors list their fields
 * from errs (may be NULL). Returns e->code. */
struct err_list;
int http_error_from(http_req *r, const err *e, const struct err_list *errs);

/* http_envelope: writes API.md's error envelope for code and message (and
 * the fields of errs, which may be NULL) into out, replacing what it held.
 * The status to send is err_http_status(code). */
void http_envelope(buf *out, int code, const char *message, const struct err_list *errs);

/* http_json: sets a 2xx JSON response; the body is already in r->out. */
void http_json(http_req *r, int status);

#endif
