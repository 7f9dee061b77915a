/* str.c: strict number parsing and small string helpers. */
#include "core/str.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int str_to_int64(const char *s, int64_t *out) {
  if (!*s || isspace((unsigned char)*s)) return -1;
  errno = 0;
  char *end;
  long long v = strtoll(s, &end, 10);
  if (errno || *end || end == s) return -1;
  *out = v;
  return 0;
}

int str_to_double(const char *s, double *out) {
  if (!*s || isspace((unsigned char)*s)) return -1;
  for (const char *p = s; *p; p++)
    if (!(isdigit((unsigned char)*p) || *p == '.' || *p == '-' || *p == '+' ||
          *p == 'e' || *p == 'E'))
      return -1; /* no hex, inf or nan */
  errno = 0;
  char *end;
  double v = strtod(s, &end);
  if (errno || *end || end == s || !isfinite(v)) return -1;
  *out = v;
  return 0;
}

char *str_fmt_double(double v, char *out) {
  for (int prec = 15; prec <= 17; prec++) {
    snprintf(out, 32, "%.*g", prec, v);
    if (strtod(out, NULL) == v) break;
  }
  return out;
}

char *str_copy(char *dst, size_t cap, const char *src) {
  if (!cap) return dst;
  size_t n = strnlen(src, cap - 1);
  memcpy(dst, src, n);
  dst[n] = 0;
  return dst;
}

int str_has_prefix(const char *s, const char *prefix) {
  return strncmp(s, prefix, strlen(prefix)) == 0;
}

const char *str_trim(const char *s, size_t n, size_t *len) {
  while (n && isspace((unsigned char)*s)) s++, n--;
  while (n && isspace((unsigned char)s[n - 1])) n--;
  *len = n;
  return s;
}

uint64_t str_hash(const void *p, size_t n) {
  const unsigned char *s = p;
  uint64_t h = 1469598103934665603ULL;
  for (size_t i = 0; i < n; i++) {
    h ^= s[i];
    h *= 1099511628211ULL;
  }
  return h;
}
