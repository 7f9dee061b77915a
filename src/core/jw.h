/* jw.h: the one JSON writer. Everything bluehelm emits as JSON goes through
 * it, so escaping and number formatting are done in one place. It writes into
 * a caller-owned buf; nesting is bounded by JW_MAX_DEPTH. */
#ifndef BH_JW_H
#define BH_JW_H

#include <stdint.h>

#include "core/buf.h"

#define JW_MAX_DEPTH 64

typedef struct jw {
  buf *out;
  int depth;
  int pretty;                          /* indent two spaces per level */
  unsigned char count[JW_MAX_DEPTH]; /* items written at each level (0/1+) */
  int after_key;
} jw;

/* jw_init: starts a writer appending to out; pretty=1 indents. */
void jw_init(jw *w, buf *out, int pretty);

/* jw_obj / jw_obj_end / jw_arr / jw_arr_end: open and close an
 * object or array (as a value, or after jw_key). */
void jw_obj(jw *w);
void jw_obj_end(jw *w);
void jw_arr(jw *w);
void jw_arr_end(jw *w);

/* jw_key: writes an object key; the next call writes its value. */
void jw_key(jw *w, const char *k);

/* jw_str: a string value (NULL writes null); jw_strn: n bytes of s. */
void jw_str(jw *w, const char *s);
void jw_strn(jw *w, const char *s, size_t n);

/* jw_int, jw_real, jw_bool, jw_null: scalar values. A non-finite
 * real is written as null. */
void jw_int(jw *w, int64_t v);
void jw_real(jw *w, double v);
void jw_bool(jw *w, int v);
void jw_null(jw *w);

/* jw_kstr, jw_kint, jw_kreal, jw_kbool, jw_knull: a key and its value in
 * one call (jw_key followed by the value). */
void jw_kstr(jw *w, const char *k, const char *s);
void jw_kint(jw *w, const char *k, int64_t v);
void jw_kreal(jw *w, const char *k, double v);
void jw_kbool(jw *w, const char *k, int v);
void jw_knull(jw *w, const char *k);

/* jw_raw: appends already-valid JSON text as one value. */
void jw_raw(jw *w, const char *text);

/* jw_escape: appends s as a quoted JSON string to out. */
void jw_escape(buf *out, const char *s, size_t n);

#endif
