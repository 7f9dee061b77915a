/* buf.h: a growable byte buffer with a hard upper bound. Appends past the
 * bound are refused (buf->overflow is set) instead of growing forever. */
#ifndef BH_BUF_H
#define BH_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct buf {
  char *data;     /* NUL-terminated while len < cap; owned by the buf */
  size_t len, cap;
  size_t max;     /* bound on len; 0 means the default (256 MiB) */
  int overflow;   /* set when an append was refused */
} buf;

/* buf_init: an empty buffer bounded at max bytes (0 = default bound). */
void buf_init(buf *b, size_t max);

/* buf_append: appends n bytes; returns 0, or -1 when the bound would be passed. */
int buf_append(buf *b, const void *p, size_t n);

/* buf_puts: appends a NUL-terminated string; as buf_append. */
int buf_puts(buf *b, const char *s);

/* buf_putc: appends one byte; as buf_append. */
int buf_putc(buf *b, char c);

/* buf_printf: appends formatted text; as buf_append. */
int buf_printf(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* buf_vprintf: va_list form of buf_printf. */
int buf_vprintf(buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

/* buf_reset: empties the buffer, keeping its memory. */
void buf_reset(buf *b);

/* buf_cstr: the contents as a NUL-terminated string (never NULL). */
const char *buf_cstr(buf *b);

/* buf_free: releases the memory; the buf may be reused after buf_init. */
void buf_free(buf *b);

#endif
