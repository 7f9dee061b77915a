/* http.c: request helpers and the error envelope. */
#include "web/http.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/jw.h"
#include "model/record.h"

const char *http_query(const http_req *r, const char *key) {
  for (int i = 0; i < r->nquery; i++)
    if (!strcmp(r->query[i].key, key)) return r->query[i].value;
  return NULL;
}

int http_header(http_req *r, const char *name, const char *value) {
  size_t n = sizeof r->extra_header / sizeof r->extra_header[0];
  for (size_t i = 0; i < n; i++)
    if (!r->extra_header[i][0]) {
      snprintf(r->extra_header[i], sizeof r->extra_header[i], "%s: %s", name, value);
      return 0;
    }
  return -1;
}

/* What a client is told of the storage's faults: the same words whatever
 * the route, and never the server's file names. NULL: the message as given. */
static const char *fault_message(int code) {
  switch (code) {
  case ERR_READONLY:
    return "the database is read-only: nothing was stored (reading still works)";
  case ERR_FULL:
    return "the disk of the server's database is full: nothing was stored";
  case ERR_BUSY:
    return "the database is busy with another write (an import, perhaps): nothing was "
           "stored; try again after the Retry-After seconds";
  default:
    return NULL;
  }
}

void http_envelope(buf *out, int code, const char *message, const err_list *errs) {
  buf_reset(out);
  jw w;
  jw_init(&w, out, 0);
  jw_obj(&w);
  jw_key(&w, "error");
  jw_obj(&w);
  jw_kstr(&w, "code", err_name(code));
  jw_kstr(&w, "message", message);
  if (errs && errs->n) {
    jw_key(&w, "fields");
    jw_arr(&w);
    for (int i = 0; i < errs->n; i++) {
      const err *fe = &errs->items[i];
      jw_obj(&w);
      jw_kstr(&w, "field", fe->field[0] ? fe->field : "-");
      if (fe->line > 0) {
        jw_kint(&w, "line", fe->line);
      }
      jw_kstr(&w, "reason", fe->msg);
      if (fe->rule[0]) jw_kstr(&w, "rule", fe->rule);
      jw_obj_end(&w);
    }
    jw_arr_end(&w);
  }
  jw_obj_end(&w);
  jw_obj_end(&w);
}

static void envelope(http_req *r, int code, const char *message, const err_list *errs) {
  if (fault_message(code)) message = fault_message(code);
  if (code == ERR_BUSY) {
    char secs[16];
    snprintf(secs, sizeof secs, "%d", HTTP_BUSY_RETRY_S);
    http_header(r, "Retry-After", secs);
  }
  http_envelope(&r->out, code, message, errs);
  r->status = err_http_status(code);
  r->out_type = "application/json";
}

int http_error(http_req *r, int code, const char *fmt, ...) {
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  envelope(r, code, msg, NULL);
  return code;
}

int http_error_from(http_req *r, const err *e, const err_list *errs) {
  int code = e->code ? e->code : ERR_INTERNAL;
  char msg[700];
  if (errs && errs->n && code == ERR_VALIDATION)
    snprintf(msg, sizeof msg, "%s", e->msg[0] ? e->msg : "the record is not valid");
  else
    err_format(e, msg, sizeof msg);
  envelope(r, code, msg, errs);
  return code;
}

void http_json(http_req *r, int status) {
  r->status = status;
  r->out_type = "application/json";
}
