/* buf.c: bounded growable buffer. */
#include "core/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"

#define BUF_DEFAULT_MAX ((size_t)256 << 20)

void buf_init(buf *b, size_t max) {
  b->data = NULL;
  b->len = b->cap = 0;
  b->max = max ? max : BUF_DEFAULT_MAX;
  b->overflow = 0;
}

static int buf_reserve(buf *b, size_t extra) {
  if (b->max == 0) b->max = BUF_DEFAULT_MAX;
  if (extra > b->max - b->len) {
    b->overflow = 1;
    return -1;
  }
  size_t need = b->len + extra + 1;
  if (need <= b->cap) return 0;
  size_t cap = b->cap ? b->cap : 256;
  while (cap < need) cap *= 2;
  b->data = xrealloc(b->data, cap);
  b->cap = cap;
  return 0;
}

int buf_append(buf *b, const void *p, size_t n) {
  if (buf_reserve(b, n) < 0) return -1;
  if (n) memcpy(b->data + b->len, p, n);
  b->len += n;
  b->data[b->len] = 0;
  return 0;
}

int buf_puts(buf *b, const char *s) { return buf_append(b, s, strlen(s)); }

int buf_putc(buf *b, char c) { return buf_append(b, &c, 1); }

int buf_vprintf(buf *b, const char *fmt, va_list ap) {
  va_list ap2;
  va_copy(ap2, ap);
  char small[256];
  int n = vsnprintf(small, sizeof small, fmt, ap);
  if (n < 0) {
    va_end(ap2);
    return -1;
  }
  int rc;
  if ((size_t)n < sizeof small) {
    rc = buf_append(b, small, (size_t)n);
  } else if (buf_reserve(b, (size_t)n) < 0) {
    rc = -1;
  } else {
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap2);
    b->len += (size_t)n;
    rc = 0;
  }
  va_end(ap2);
  return rc;
}

int buf_printf(buf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int rc = buf_vprintf(b, fmt, ap);
  va_end(ap);
  return rc;
}

void buf_reset(buf *b) {
  b->len = 0;
  b->overflow = 0;
  if (b->data) b->data[0] = 0;
}

const char *buf_cstr(buf *b) { return b->data ? b->data : ""; }

void buf_free(buf *b) {
  free(b->data);
  b->data = NULL;
  b->len = b->cap = 0;
  b->overflow = 0;
}
