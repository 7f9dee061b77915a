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
      jw_obj_end(&w);
    }
    jw_arr_end(&w);
  }
  jw_obj_end(&w);
  jw_obj_end(&w);
}

static void envelope(http_req *r, int code, const char *message, const err_list *errs) {
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
