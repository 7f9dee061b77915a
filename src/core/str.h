/* str.h: strict number parsing, number formatting and small string helpers. */
#ifndef BH_STR_H
#define BH_STR_H

#include <stddef.h>
#include <stdint.h>

/* str_to_int64: parses a whole decimal integer (optional sign, no spaces,
 * nothing after it) into *out; returns 0, or -1 when malformed or out of range. */
int str_to_int64(const char *s, int64_t *out);

/* str_to_double: parses a finite decimal number (no spaces, nothing after it);
 * returns 0 or -1. Accepts "12", "-3.5", "1e3". */
int str_to_double(const char *s, double *out);

/* str_fmt_double: the shortest text that reads back as v ("14.6488", not
 * "14.648799999999999"); writes into out (at least 32 bytes) and returns out. */
char *str_fmt_double(double v, char *out);

/* str_copy: copies src into dst (cap bytes), always NUL-terminated, truncated
 * if needed; returns dst. */
char *str_copy(char *dst, size_t cap, const char *src);

/* str_has_prefix: 1 when s starts with prefix. */
int str_has_prefix(const char *s, const char *prefix);

/* str_trim: the span of s without leading and trailing ASCII white space:
 * returns its start and writes its length to *len. */
const char *str_trim(const char *s, size_t n, size_t *len);

/* str_hash: a 64-bit FNV-1a hash of n bytes. */
uint64_t str_hash(const void *p, size_t n);

#endif
