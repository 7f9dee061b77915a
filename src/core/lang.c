/* lang.c: languages, and numbers, dates and plurals in each. */
#include "core/lang.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/date.h"

static const char *const months_en[] = {"January", "February", "March",     "April",   "May",      "June",
                                        "July",    "August",   "September", "October", "November", "December"};
static const char *const months_fr[] = {"janvier", "f\xc3\xa9vrier", "mars",      "avril",   "mai",      "juin",
                                        "juillet", "ao\xc3\xbbt",    "septembre", "octobre", "novembre",
                                        ("d\xc3\xa9" "cembre")};

int lang_parse(const char *s, lang *out) {
  if (s && !strcmp(s, "en")) *out = LANG_EN;
  else if (s && !strcmp(s, "fr")) *out = LANG_FR;
  else return -1;
  return 0;
}

const char *lang_code(lang l) { return l == LANG_FR ? "fr" : "en"; }

/* 1 when the language tag t (n bytes) is code or code-REGION. */
static int tag_is(const char *t, size_t n, const char *code) {
  size_t cl = strlen(code);
  if (n < cl) return 0;
  for (size_t i = 0; i < cl; i++)
    if (tolower((unsigned char)t[i]) != code[i]) return 0;
  return n == cl || t[cl] == '-' || t[cl] == '_';
}

lang lang_from_accept(const char *h) {
  lang best = LANG_EN;
  double best_q = 0;
  for (const char *p = h; p && *p;) {
    size_t n = strcspn(p, ",");
    const char *item = p;
    p += n;
    if (*p == ',') p++;
    while (n && (*item == ' ' || *item == '\t')) item++, n--;
    size_t tl = strcspn(item, ";, \t");
    if (tl > n) tl = n;
    double q = 1;
    const char *semi = memchr(item, ';', n);
    if (semi) {
      const char *qp = semi + 1;
      while (qp < item + n && *qp == ' ') qp++;
      if (qp + 2 <= item + n && (qp[0] == 'q' || qp[0] == 'Q') && qp[1] == '=') q = strtod(qp + 2, NULL);
    }
    int which = tag_is(item, tl, "fr") ? LANG_FR : tag_is(item, tl, "en") ? LANG_EN : -1;
    if (which >= 0 && q > best_q) {
      best = (lang)which;
      best_q = q;
    }
  }
  return best;
}

static double round_half_away(double v) {
  double r = round(v + (v >= 0 ? 1e-9 : -1e-9));
  return r == 0 ? 0 : r; /* no "-0" */
}

void lang_number(buf *out, double v, int decimals, lang l) {
  char t[64];
  if (decimals == 0 || v == floor(v)) snprintf(t, sizeof t, "%.0f", round_half_away(v));
  else snprintf(t, sizeof t, "%.1f", round(v * 10 + (v >= 0 ? 1e-9 : -1e-9)) / 10);
  if (l == LANG_EN) {
    buf_puts(out, t);
    return;
  }
  const char *p = t;
  if (*p == '-') buf_putc(out, *p++);
  size_t digits = strspn(p, "0123456789");
  for (size_t i = 0; i < digits; i++) {
    if (i && (digits - i) % 3 == 0) buf_puts(out, LANG_NNBSP);
    buf_putc(out, p[i]);
  }
  p += digits;
  if (*p == '.') {
    buf_putc(out, ',');
    p++;
  }
  buf_puts(out, p);
}

void lang_percent(buf *out, double v, lang l) {
  lang_number(out, v, 0, l);
  buf_puts(out, l == LANG_FR ? LANG_NNBSP "%" : "%");
}

static const char *const short_en[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
static const char *const short_fr[] = {"janv.", "f\xc3\xa9vr.", "mars", "avr.", "mai", "juin", "juil.",
                                       "ao\xc3\xbbt", "sept.", "oct.", "nov.", ("d\xc3\xa9" "c.")};

void lang_date_short(buf *out, int day, lang l) {
  int y, m, d;
  date_to_ymd(day, &y, &m, &d);
  const char *mn = l == LANG_FR ? short_fr[m - 1] : short_en[m - 1];
  if (l == LANG_FR && d == 1) buf_printf(out, "1er %s %d", mn, y);
  else buf_printf(out, "%d %s %d", d, mn, y);
}

const char *lang_month_name(int m, lang l) {
  if (m < 1 || m > 12) return "";
  return l == LANG_FR ? months_fr[m - 1] : months_en[m - 1];
}

void lang_date(buf *out, int day, lang l) {
  int y, m, d;
  date_to_ymd(day, &y, &m, &d);
  if (l == LANG_FR && d == 1) buf_printf(out, "1er %s %d", lang_month_name(m, l), y);
  else buf_printf(out, "%d %s %d", d, lang_month_name(m, l), y);
}

void lang_month(buf *out, int y, int m, lang l) { buf_printf(out, "%s %d", lang_month_name(m, l), y); }

int lang_singular(double v, lang l) { return l == LANG_FR ? fabs(v) < 2 : v == 1; }

const char *lang_and(lang l) { return l == LANG_FR ? " et " : " and "; }

const char *lang_none(lang l) { return l == LANG_FR ? "aucun" : "none"; }

const char *lang_na(lang l) { return l == LANG_FR ? "s.o." : "n/a"; }
