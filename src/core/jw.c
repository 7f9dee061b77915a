/* jw.c: streaming JSON writer with escaping in one place. */
#include "core/jw.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/str.h"

void jw_init(jw *w, buf *out, int pretty) {
  memset(w, 0, sizeof *w);
  w->out = out;
  w->pretty = pretty;
}

static void newline(jw *w) {
  if (!w->pretty) return;
  buf_putc(w->out, '\n');
  for (int i = 0; i < w->depth; i++) buf_puts(w->out, "  ");
}

/* Separator and indentation before a value or key at the current level. */
static void before_item(jw *w) {
  if (w->after_key) {
    w->after_key = 0;
    return;
  }
  if (w->depth > 0) {
    if (w->count[w->depth - 1]) buf_putc(w->out, ',');
    w->count[w->depth - 1] = 1;
    newline(w);
  }
}

static void open(jw *w, char c) {
  before_item(w);
  buf_putc(w->out, c);
  if (w->depth < JW_MAX_DEPTH) w->count[w->depth] = 0;
  w->depth++;
}

static void close_(jw *w, char c) {
  int had = w->depth > 0 && w->depth <= JW_MAX_DEPTH && w->count[w->depth - 1];
  w->depth--;
  if (had) newline(w);
  buf_putc(w->out, c);
}

void jw_obj(jw *w) { open(w, '{'); }
void jw_obj_end(jw *w) { close_(w, '}'); }
void jw_arr(jw *w) { open(w, '['); }
void jw_arr_end(jw *w) { close_(w, ']'); }

void jw_escape(buf *out, const char *s, size_t n) {
  static const char hex[] = "0123456789abcdef";
  buf_putc(out, '"');
  size_t start = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    buf_append(out, s + start, i - start);
    start = i + 1;
    switch (c) {
      case '"': buf_puts(out, "\\\""); break;
      case '\\': buf_puts(out, "\\\\"); break;
      case '\n': buf_puts(out, "\\n"); break;
      case '\r': buf_puts(out, "\\r"); break;
      case '\t': buf_puts(out, "\\t"); break;
      default: {
        char u[7] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15], 0};
        buf_puts(out, u);
      }
    }
  }
  buf_append(out, s + start, n - start);
  buf_putc(out, '"');
}

void jw_key(jw *w, const char *k) {
  before_item(w);
  jw_escape(w->out, k, strlen(k));
  buf_puts(w->out, w->pretty ? ": " : ":");
  w->after_key = 1;
}

void jw_strn(jw *w, const char *s, size_t n) {
  before_item(w);
  jw_escape(w->out, s, n);
}

void jw_str(jw *w, const char *s) {
  if (!s) {
    jw_null(w);
    return;
  }
  jw_strn(w, s, strlen(s));
}

void jw_int(jw *w, int64_t v) {
  before_item(w);
  buf_printf(w->out, "%lld", (long long)v);
}

void jw_real(jw *w, double v) {
  if (!isfinite(v)) {
    jw_null(w);
    return;
  }
  char tmp[32];
  before_item(w);
  buf_puts(w->out, str_fmt_double(v, tmp));
}

void jw_bool(jw *w, int v) {
  before_item(w);
  buf_puts(w->out, v ? "true" : "false");
}

void jw_null(jw *w) {
  before_item(w);
  buf_puts(w->out, "null");
}

void jw_raw(jw *w, const char *text) {
  before_item(w);
  buf_puts(w->out, text);
}

void jw_kstr(jw *w, const char *k, const char *s) {
  jw_key(w, k);
  jw_str(w, s);
}

void jw_kint(jw *w, const char *k, int64_t v) {
  jw_key(w, k);
  jw_int(w, v);
}

void jw_kreal(jw *w, const char *k, double v) {
  jw_key(w, k);
  jw_real(w, v);
}

void jw_kbool(jw *w, const char *k, int v) {
  jw_key(w, k);
  jw_bool(w, v);
}

void jw_knull(jw *w, const char *k) {
  jw_key(w, k);
  jw_null(w);
}
