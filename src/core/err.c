/* err.c: the error-code table and message helpers. */
#include "core/err.h"

#include <stdio.h>
#include <string.h>

static const struct {
  int code;
  const char *name;
  int http;
  int exitc;
} err_table[] = {
#define X(sym, val, name, http, exitc) {val, name, http, exitc},
    ERR_MAP(X)
#undef X
};

static int err_index(int code) {
  for (unsigned i = 0; i < sizeof err_table / sizeof err_table[0]; i++)
    if (err_table[i].code == code) return (int)i;
  return -1;
}

int err_setv(err *e, int code, const char *fmt, va_list ap) {
  if (!e) return code;
  e->code = code;
  vsnprintf(e->msg, sizeof e->msg, fmt, ap);
  e->file[0] = 0;
  e->line = 0;
  e->field[0] = 0;
  e->rule[0] = 0;
  return code;
}

int err_rule(err *e, const char *rule) {
  if (!e) return ERR_INTERNAL;
  snprintf(e->rule, sizeof e->rule, "%s", rule);
  return e->code;
}

int err_set(err *e, int code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  err_setv(e, code, fmt, ap);
  va_end(ap);
  return code;
}

int err_at(err *e, const char *file, long line, const char *field) {
  if (!e) return ERR_INTERNAL;
  if (file) {
    const char *slash = strrchr(file, '/');
    snprintf(e->file, sizeof e->file, "%s", slash ? slash + 1 : file);
  }
  e->line = line;
  if (field) snprintf(e->field, sizeof e->field, "%s", field);
  return e->code;
}

void err_clear(err *e) {
  if (e) memset(e, 0, sizeof *e);
}

const char *err_name(int code) {
  int i = err_index(code);
  return i < 0 ? "internal" : err_table[i].name;
}

int err_http_status(int code) {
  int i = err_index(code);
  return i < 0 ? 500 : err_table[i].http;
}

int err_exit_code(int code) {
  int i = err_index(code);
  return i < 0 ? 1 : err_table[i].exitc;
}

char *err_format(const err *e, char *out, unsigned cap) {
  if (e->file[0] && e->line > 0)
    snprintf(out, cap, "%s:%ld: %s: %s", e->file, e->line,
             e->field[0] ? e->field : "-", e->msg);
  else
    snprintf(out, cap, "%s", e->msg);
  return out;
}
