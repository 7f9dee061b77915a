/* err.h: the one error model. Functions that can fail return 0 or a negative
 * ERR_* code and fill a caller-owned err struct with a message and, where it
 * applies, the file, line and field at fault. One table (err.c) maps each code
 * to its stable name, HTTP status and process exit code: 2 when bluehelm
 * refused what it was given (usage, invalid input, an unknown id, a
 * conflict with what is stored, too large), 1 when it failed (files, the
 * database, an internal error). */
#ifndef BH_ERR_H
#define BH_ERR_H

#include <stdarg.h>

#define ERR_MAP(X)                                                            \
  X(OK, 0, "ok", 200, 0)                                                      \
  X(USAGE, -1, "usage", 400, 2)                                               \
  X(IO, -2, "io", 500, 1)                                                     \
  X(DB, -3, "db", 500, 1)                                                     \
  X(VALIDATION, -4, "validation", 400, 2)                                     \
  X(NOT_FOUND, -5, "not_found", 404, 2)                                       \
  X(CONFLICT, -6, "conflict", 409, 2)                                         \
  X(TOO_LARGE, -7, "too_large", 413, 2)                                       \
  X(VERSION, -8, "version", 500, 1)                                           \
  X(UNAUTHORIZED, -9, "unauthorized", 401, 1)                                 \
  X(FORBIDDEN, -10, "forbidden", 403, 1)                                      \
  X(INTERNAL, -11, "internal", 500, 1)                                        \
  X(TOO_MANY, -12, "too_many_requests", 429, 1)                               \
  X(BUSY, -13, "busy", 503, 1)                                                \
  X(READONLY, -14, "read_only", 503, 1)                                       \
  X(FULL, -15, "storage_full", 507, 1)                                        \
  X(TIMEOUT, -16, "timeout", 503, 1)                                          \
  X(UNAVAILABLE, -17, "unavailable", 503, 2)                                  \
  /* HTTP transport (src/web/wire.c, httpd.c) */                              \
  X(BAD_REQUEST, -40, "bad_request", 400, 1)                                  \
  X(REQUEST_TIMEOUT, -41, "request_timeout", 408, 1)                          \
  X(URI_TOO_LONG, -42, "uri_too_long", 414, 1)                                \
  X(HEADERS_TOO_LARGE, -43, "headers_too_large", 431, 1)                      \
  X(NOT_IMPLEMENTED, -44, "not_implemented", 501, 1)                          \
  X(HTTP_VERSION, -45, "http_version", 505, 1)

enum {
#define X(sym, val, name, http, exitc) ERR_##sym = val,
  ERR_MAP(X)
#undef X
};

typedef struct err {
  int code;          /* ERR_* (0 when no error) */
  char msg[512];     /* human-readable reason */
  char file[128];    /* base name of the file at fault, or "" */
  long line;         /* physical line (1 = header), or 0 */
  char field[64];    /* column at fault, "-" for a whole record, or "" */
  char rule[24];     /* for a value refused: the stable word of the rule it
                        breaks ("date", "required", "order", ...), or "" */
} err;

/* err_set: records code and a printf-style message in e (if e is non-NULL),
 * clearing file/line/field. Returns code, so callers can `return err_set(...)`. */
int err_set(err *e, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* err_setv: va_list form of err_set. Returns code. */
int err_setv(err *e, int code, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

/* err_rule: records the stable word of the rule a refused value breaks
 * (API.md's fields[].rule, which interfaces translate); returns e->code. */
int err_rule(err *e, const char *rule);

/* err_at: sets file (base name is taken), line and field on e; returns e->code. */
int err_at(err *e, const char *file, long line, const char *field);

/* err_clear: resets e to "no error". */
void err_clear(err *e);

/* err_name: the stable word for a code ("validation"); never NULL. */
const char *err_name(int code);

/* err_http_status: the HTTP status for a code (500 for unknown codes). */
int err_http_status(int code);

/* err_exit_code: the process exit status for a code (1 for unknown codes). */
int err_exit_code(int code);

/* err_format: writes "FILE:LINE: FIELD: msg" (or just msg when no location)
 * into out (NUL-terminated, truncated to cap). Returns out. */
char *err_format(const err *e, char *out, unsigned cap);

#endif
