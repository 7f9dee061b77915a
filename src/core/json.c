/* json.c: streaming JSON writer with escaping in one place. */
#include "core/json.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/str.h"

void json_init(json_w *w, buf *out, int pretty) {
  memset(w, 0, sizeof *w);
  w->out = out;
  w->pretty = pretty;
}

static void newline(json_w *w) {
  if (!w->pretty) return;
  buf_putc(w->out, '\n');
  for (int i = 0; i < w->depth; i++) buf_puts(w->out, "  ");
}

/* Separator and indentation before a value or key at the current level. */
static void before_item(json_w *w) {
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

static void open(json_w *w, char c) {
  before_item(w);
  buf_putc(w->out, c);
  if (w->depth < JSON_MAX_DEPTH) w->count[w->depth] = 0;
  w->depth++;
}

static void close_(json_w *w, char c) {
  int had = w->depth > 0 && w->depth <= JSON_MAX_DEPTH && w->count[w->depth - 1];
  w->depth--;
  if (had) newline(w);
  buf_putc(w->out, c);
}

void json_obj(json_w *w) { open(w, '{'); }
void json_obj_end(json_w *w) { close_(w, '}'); }
void json_arr(json_w *w) { open(w, '['); }
void json_arr_end(json_w *w) { close_(w, ']'); }

void json_escape(buf *out, const char *s, size_t n) {
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

void json_key(json_w *w, const char *k) {
  before_item(w);
  json_escape(w->out, k, strlen(k));
  buf_puts(w->out, w->pretty ? ": " : ":");
  w->after_key = 1;
}

void json_strn(json_w *w, const char *s, size_t n) {
  before_item(w);
  json_escape(w->out, s, n);
}

void json_str(json_w *w, const char *s) {
  if (!s) {
    json_null(w);
    return;
  }
  json_strn(w, s, strlen(s));
}

void json_int(json_w *w, int64_t v) {
  before_item(w);
  buf_printf(w->out, "%lld", (long long)v);
}

void json_real(json_w *w, double v) {
  if (!isfinite(v)) {
    json_null(w);
    return;
  }
  char tmp[32];
  before_item(w);
  buf_puts(w->out, str_fmt_double(v, tmp));
}

void json_bool(json_w *w, int v) {
  before_item(w);
  buf_puts(w->out, v ? "true" : "false");
}

void json_null(json_w *w) {
  before_item(w);
  buf_puts(w->out, "null");
}

void json_raw(json_w *w, const char *text) {
  before_item(w);
  buf_puts(w->out, text);
}
