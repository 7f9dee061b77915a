/* label.c: labels of the keys a report shows. */
#include "report/label.h"

#include <stdio.h>
#include <string.h>

#include "core/date.h"
#include "model/kind.h"

/* Figures of indicator results and columns of their lists that are no
 * kind's column, or that read better under another name in a table. */
static const struct {
  const char *key;
  const char *text[LANG_COUNT];
} figures[] = {
    {"used", {"Used", "Utilisés"}},
    {"against_mission", {"Against the mission", "Contre la Mission"}},
    {"neutralized", {"Neutralized", "Neutralisés"}},
    {"detonated", {"Detonated", "Ayant explosé"}},
    {"unspecified", {"Unspecified", "Non précisée"}},
    {"IEDs", {"IEDs", "EEI"}},
    {"unserviceable_by_cause", {"Unserviceable", "Hors d'usage"}},
    {"notifications_by_month", {"Notifications", "Notifications"}},
    {"days", {"Days", "Jours"}},
    {"delay_days", {"Days late", "Jours de retard"}},
    {"place", {"Place id", "Identifiant du lieu"}},
    {"place_name", {"Place", "Lieu"}},
    {"since", {"Since", "Depuis le"}},
    {"units", {"Units", "Unités"}},
    {"rotations", {"Rotations", "Relèves"}},
    {"from", {"From", "Du"}},
    {"to", {"To", "Au"}},
    {"unit_id", {"Unit", "Unité"}},
    {"rotation_id", {"Rotation", "Relève"}},
    {"window_id", {"Window", "Période"}},
    {"restriction_id", {"Reference", "Référence"}},
    {"capability_id", {"Reference", "Référence"}},
    {"evaluation_id", {"Evaluation", "Évaluation"}},
    {"kind", {"Kind", "Type"}},
    {"actor", {"Imposed by", "Imposée par"}},
    {"start", {"Start", "Début"}},
    {"end", {"End", "Fin"}},
    {"sub_unit", {"Sub-unit", "Sous-unité"}},
    {"total", {"Total", "Total"}},
};

const char *report_key_label(const char *key, lang l) {
  for (size_t i = 0; i < sizeof figures / sizeof figures[0]; i++)
    if (!strcmp(figures[i].key, key)) return figures[i].text[l];
  const char *t = vocab_label(key, strlen(key), l);
  if (t) return t;
  int n;
  const kind *kinds = kind_all(&n);
  for (int i = 0; i < n; i++)
    if (kind_field(&kinds[i], key) && (t = kind_field_label(&kinds[i], key, l))) return t;
  return NULL;
}

int report_vocab_column(const char *name) {
  int n;
  const kind *kinds = kind_all(&n);
  for (int i = 0; i < n; i++) {
    const field *f = kind_field(&kinds[i], name);
    if (f && f->type == FT_VOCAB) return 1;
  }
  return 0;
}

/* 1 when the UTF-8 character at s is a capital letter (ASCII or Latin-1). */
static int is_capital(const unsigned char *s) {
  if (s[0] >= 'A' && s[0] <= 'Z') return 1;
  return s[0] == 0xC3 && s[1] >= 0x80 && s[1] <= 0x9E && s[1] != 0x97;
}

void report_lower_first(buf *out, const char *text) {
  const unsigned char *s = (const unsigned char *)text;
  size_t first = s[0] == 0xC3 ? 2 : 1;
  if (!s[0] || !is_capital(s) || is_capital(s + first)) {
    buf_puts(out, text);
    return;
  }
  if (first == 1) buf_putc(out, (char)(s[0] - 'A' + 'a'));
  else {
    buf_putc(out, (char)0xC3);
    buf_putc(out, (char)(s[1] + 0x20));
  }
  buf_puts(out, text + first);
}

void report_key_text(buf *out, const char *key, lang l, int running) {
  int y, m, d;
  char tail;
  if (strlen(key) == 7 && sscanf(key, "%4d-%2d%c", &y, &m, &tail) == 2 && m >= 1 && m <= 12) {
    lang_month(out, y, m, l);
    return;
  }
  if (!date_parse_iso(key, &d)) {
    lang_date(out, d, l);
    return;
  }
  const char *t = report_key_label(key, l);
  if (!t) buf_puts(out, key);
  else if (running) report_lower_first(out, t);
  else buf_puts(out, t);
}
