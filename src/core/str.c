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
  /* Up to 18 digits cannot overflow: read them here (a file's counts and
   * codes), strtoll for anything else. */
  const char *p = s + (*s == '-' || *s == '+');
  int64_t v = 0;
  int n = 0;
  while (n < 18 && p[n] >= '0' && p[n] <= '9') v = v * 10 + (p[n++] - '0');
  if (n > 0 && !p[n]) {
    *out = *s == '-' ? -v : v;
    return 0;
  }
  errno = 0;
  char *end;
  long long w = strtoll(s, &end, 10);
  if (errno || *end || end == s) return -1;
  *out = w;
  return 0;
}

/* A plain decimal ([+-]digits[.digits], at most 15 digits): its digits as
 * an integer and a power of ten are both exact doubles, so one division
 * rounds as strtod does (Clinger's fast path). 1 when it applies. */
static int plain_decimal(const char *s, double *out) {
  static const double pow10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
  const char *p = s + (*s == '-' || *s == '+');
  int64_t m = 0;
  int digits = 0, frac = -1;
  for (; *p; p++) {
    if (*p >= '0' && *p <= '9') {
      if (++digits > 15) return 0;
      m = m * 10 + (*p - '0');
      if (frac >= 0) frac++;
    } else if (*p == '.' && frac < 0) {
      frac = 0;
    } else {
      return 0;
    }
  }
  if (!digits) return 0;
  double v = (double)m / pow10[frac > 0 ? frac : 0];
  *out = *s == '-' ? -v : v;
  return 1;
}

int str_to_double(const char *s, double *out) {
  if (!*s || isspace((unsigned char)*s)) return -1;
  if (plain_decimal(s, out)) return 0;
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
