/* date.c: day-number arithmetic (after H. Hinnant's civil-date algorithms). */
#include "core/date.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

int date_from_ymd(int y, int m, int d) {
  y -= m <= 2;
  int era = (y >= 0 ? y : y - 399) / 400;
  int yoe = y - era * 400;
  int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void date_to_ymd(int z, int *y, int *m, int *d) {
  z += 719468;
  int era = (z >= 0 ? z : z - 146096) / 146097;
  int doe = z - era * 146097;
  int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp + (mp < 10 ? 3 : -9);
  *y = yoe + era * 400 + (*m <= 2);
}

static int days_in_month(int y, int m) {
  static const int dim[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 29;
  return dim[m - 1];
}

int date_valid_ymd(int y, int m, int d) {
  return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 &&
         d <= days_in_month(y, m);
}

static int digits(const char *s, int n, int *out) {
  int v = 0;
  for (int i = 0; i < n; i++) {
    if (!isdigit((unsigned char)s[i])) return -1;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return 0;
}

int date_parse_iso(const char *s, int *days) {
  int y, m, d;
  if (strlen(s) != 10 || s[4] != '-' || s[7] != '-') return -1;
  if (digits(s, 4, &y) || digits(s + 5, 2, &m) || digits(s + 8, 2, &d))
    return -1;
  if (!date_valid_ymd(y, m, d)) return -1;
  *days = date_from_ymd(y, m, d);
  return 0;
}

static int month_from_name(const char *s, size_t n) {
  static const char *names[] = {"january", "february", "march",     "april",
                                "may",     "june",     "july",      "august",
                                "september", "october", "november", "december"};
  if (n < 3) return 0;
  for (int i = 0; i < 12; i++) {
    size_t full = strlen(names[i]);
    if ((n == 3 || n == full) && n <= full && strncasecmp(s, names[i], n) == 0)
      return i + 1;
  }
  return 0;
}

int date_parse_datetime(const char *s, int *days, int *minute) {
  int hh, mm;
  if (strlen(s) != 16 || s[10] != 'T' || s[13] != ':') return -1;
  char day[11];
  memcpy(day, s, 10);
  day[10] = 0;
  if (date_parse_iso(day, days)) return -1;
  if (digits(s + 11, 2, &hh) || digits(s + 14, 2, &mm) || hh > 23 || mm > 59) return -1;
  *minute = hh * 60 + mm;
  return 0;
}

int date_parse_day(const char *s, int *days) {
  int minute;
  if (strlen(s) == 10) return date_parse_iso(s, days);
  return date_parse_datetime(s, days, &minute);
}

int date_parse_export(const char *s, int *days) {
  size_t n = strlen(s);
  if (n >= 10 && s[4] == '-' && s[7] == '-') {
    /* ISO, optionally followed by a time: "2019-01-01 00:00:00.000" */
    char head[11];
    memcpy(head, s, 10);
    head[10] = 0;
    if (n > 10 && s[10] != ' ' && s[10] != 'T') return -1;
    return date_parse_iso(head, days);
  }
  /* "31 December 2020" or "9-May-20" / "09-May-2020" */
  const char *p = s;
  int d = 0, nd = 0;
  while (isdigit((unsigned char)*p) && nd < 2) d = d * 10 + (*p++ - '0'), nd++;
  if (nd == 0 || (*p != ' ' && *p != '-')) return -1;
  char sep = *p++;
  const char *mstart = p;
  while (isalpha((unsigned char)*p)) p++;
  int m = month_from_name(mstart, (size_t)(p - mstart));
  if (!m || *p != sep) return -1;
  p++;
  int y = 0, ny = 0;
  while (isdigit((unsigned char)*p) && ny < 4) y = y * 10 + (*p++ - '0'), ny++;
  if (*p || (ny != 2 && ny != 4)) return -1;
  if (ny == 2) y += y >= 69 ? 1900 : 2000;
  if (!date_valid_ymd(y, m, d)) return -1;
  *days = date_from_ymd(y, m, d);
  return 0;
}

char *date_format(int days, char *out) {
  int y, m, d;
  date_to_ymd(days, &y, &m, &d);
  if (y < 0 || y > 9999) {
    snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
    return out;
  }
  /* Digit by digit (every imported ACLED date comes here). */
  out[0] = (char)('0' + y / 1000);
  out[1] = (char)('0' + y / 100 % 10);
  out[2] = (char)('0' + y / 10 % 10);
  out[3] = (char)('0' + y % 10);
  out[4] = '-';
  out[5] = (char)('0' + m / 10);
  out[6] = (char)('0' + m % 10);
  out[7] = '-';
  out[8] = (char)('0' + d / 10);
  out[9] = (char)('0' + d % 10);
  out[10] = 0;
  return out;
}

int date_year_earlier(int days) {
  int y, m, d;
  date_to_ymd(days, &y, &m, &d);
  y -= 1;
  if (m == 2 && d == 29) d = 28;
  return date_from_ymd(y, m, d);
}

int date_today(void) { return (int)(time(NULL) / 86400); }
