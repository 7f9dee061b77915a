/* json.h: the one JSON writer. Everything bluehelm emits as JSON goes through
 * it, so escaping and number formatting are done in one place. It writes into
 * a caller-owned buf; nesting is bounded by JSON_MAX_DEPTH. */
#ifndef BH_JSON_H
#define BH_JSON_H

#include <stdint.h>

#include "core/buf.h"

#define JSON_MAX_DEPTH 64

typedef struct json_w {
  buf *out;
  int depth;
  int pretty;                          /* indent two spaces per level */
  unsigned char count[JSON_MAX_DEPTH]; /* items written at each level (0/1+) */
  int after_key;
} json_w;

/* json_init: starts a writer appending to out; pretty=1 indents. */
void json_init(json_w *w, buf *out, int pretty);

/* json_obj / json_obj_end / json_arr / json_arr_end: open and close an
 * object or array (as a value, or after json_key). */
void json_obj(json_w *w);
void json_obj_end(json_w *w);
void json_arr(json_w *w);
void json_arr_end(json_w *w);

/* json_key: writes an object key; the next call writes its value. */
void json_key(json_w *w, const char *k);

/* json_str: a string value (NULL writes null); json_strn: n bytes of s. */
void json_str(json_w *w, const char *s);
void json_strn(json_w *w, const char *s, size_t n);

/* json_int, json_real, json_bool, json_null: scalar values. A non-finite
 * real is written as null. */
void json_int(json_w *w, int64_t v);
void json_real(json_w *w, double v);
void json_bool(json_w *w, int v);
void json_null(json_w *w);

/* json_raw: appends already-valid JSON text as one value. */
void json_raw(json_w *w, const char *text);

/* json_escape: appends s as a quoted JSON string to out. */
void json_escape(buf *out, const char *s, size_t n);

#endif
