/* kind.c: the kind tables, expanded from the files in src/model/kinds. */
#include "model/kind.h"

#include <string.h>

#include "model/event.h"
#include "model/sector.h"
#include "model/kinds/vocab.h"
#include "model/place.h"
#include "model/record.h"

#define REQUIRED F_REQUIRED
#define KEY F_KEY
#define DERIVED F_DERIVED
#define DEFAULTED F_DEFAULTED

/* Each pass over kinds.def defines the macros it uses; kinds_defaults.h
 * makes the others expand to nothing and kinds_undef.h clears them all. */

/* The columns. */
#define COLUMN(n, t, f, a) {#n, FT_##t, f, a},
#define KIND(name, date, prep, after) static const field name##_fields[] = {
#define KIND_END };
#include "model/kinds/kinds_defaults.h"
#include "model/kinds/kinds.def"
#include "model/kinds/kinds_undef.h"

/* The declarative checks, after a placeholder (an array is never empty). */
#define ORDER(a, b, msg) {CHECK_ORDER, NULL, #a, #b, NULL, msg},
#define PAIR(a, b, pairs, msg) {CHECK_PAIR, NULL, #a, #b, pairs, msg},
#define WITHIN(ref, a, b, msg) {CHECK_WITHIN, #ref, #a, #b, NULL, msg},
#define SEQUENCE(cols, msg) {CHECK_SEQUENCE, NULL, NULL, NULL, cols, msg},
#define ANY(a, b, msg) {CHECK_ANY, NULL, #a, #b, NULL, msg},
#define KIND(name, date, prep, after) \
  static const kind_check name##_checks[] = {{CHECK_ORDER, NULL, NULL, NULL, NULL, NULL},
#define KIND_END };
#include "model/kinds/kinds_defaults.h"
#include "model/kinds/kinds.def"
#include "model/kinds/kinds_undef.h"

/* The computed columns, after a placeholder. */
#define COMPUTED(col, fn, a1, a2) {#col, fn, #a1, #a2},
#define KIND(name, date, prep, after) \
  static const kind_computed name##_computed[] = {{NULL, NULL, NULL, NULL},
#define KIND_END };
#include "model/kinds/kinds_defaults.h"
#include "model/kinds/kinds.def"
#include "model/kinds/kinds_undef.h"

/* Labels: the kind's own (column "") and its columns', after a placeholder. */
#define KIND_LABEL(en, fr) {"", {en, fr}},
#define LABEL(col, en, fr) {#col, {en, fr}},
#define KIND(name, date, prep, after) \
  static const kind_label name##_labels[] = {{NULL, {NULL, NULL}},
#define KIND_END };
#include "model/kinds/kinds_defaults.h"
#include "model/kinds/kinds.def"
#include "model/kinds/kinds_undef.h"

/* The columns a list shows: at most one LIST_COLUMNS per kind ("" without). */
#define LIST_COLUMNS(cols) cols
#define KIND(name, date, prep, after) static const char name##_list[] = ""
#define KIND_END ;
#include "model/kinds/kinds_defaults.h"
#include "model/kinds/kinds.def"
#include "model/kinds/kinds_undef.h"

/* What counts: the kind's COUNTED parts (column, condition), after a
 * placeholder. */
#define COUNTED(col, cond) {#col, cond},
#define KIND(name, date, prep, after) \
  static const kind_counted name##_counted[] = {{NULL, NULL},
#define KIND_END };
#include "model/kinds/kinds_defaults.h"
#include "model/kinds/kinds.def"
#include "model/kinds/kinds_undef.h"

/* The kinds: each one's tables, without their placeholders. */
#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))
static kind kinds[] = {
#define KIND(name, date, prep, after)                                         \
  {#name, name##_fields, N(name##_fields), date, name##_checks + 1,           \
   N(name##_checks) - 1, name##_computed + 1, N(name##_computed) - 1,         \
   name##_counted + 1, N(name##_counted) - 1,                                 \
   name##_labels + 1, N(name##_labels) - 1, name##_list,                      \
   {0, 0}, 0, prep, after},
#include "model/kinds/kinds_defaults.h"
#include "model/kinds/kinds.def"
#include "model/kinds/kinds_undef.h"
};

/* The vocabulary words' labels. */
static const struct {
  const char *word;
  const char *text[LANG_COUNT];
  int sector;
} words[] = {
#define WORD(w, en, fr) {w, {en, fr}, 0},
#define SECTOR_WORD(w, en, fr) {w, {en, fr}, 1},
#include "model/kinds/words.def"
#undef WORD
#undef SECTOR_WORD
};

static void kinds_init(void) {
  static int done;
  if (done) return;
  for (int i = 0; i < N(kinds); i++) {
    kind *k = &kinds[i];
    for (int f = 0; f < k->nfields && k->nkey < 2; f++)
      if (k->fields[f].flags & F_KEY) k->key[k->nkey++] = f;
  }
  done = 1;
}

const kind *kind_all(int *n) {
  kinds_init();
  *n = N(kinds);
  return kinds;
}

const kind *kind_find(const char *name) {
  kinds_init();
  for (int i = 0; i < N(kinds); i++)
    if (strcmp(kinds[i].name, name) == 0) return &kinds[i];
  return NULL;
}

int kind_field_index(const kind *k, const char *name) {
  for (int i = 0; i < k->nfields; i++)
    if (strcmp(k->fields[i].name, name) == 0) return i;
  return -1;
}

const field *kind_field(const kind *k, const char *name) {
  int i = kind_field_index(k, name);
  return i < 0 ? NULL : &k->fields[i];
}

const char *kind_key_name(const kind *k) { return k->fields[k->key[0]].name; }

const char *kind_label_text(const kind *k, lang l) {
  const char *t = kind_field_label(k, "", l);
  return t ? t : k->name;
}

const char *kind_field_label(const kind *k, const char *column, lang l) {
  for (int i = 0; i < k->nlabels; i++)
    if (!strcmp(k->labels[i].column, column)) return k->labels[i].text[l];
  return NULL;
}

const char *vocab_label(const char *word, size_t n, lang l) {
  for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
    if (strlen(words[i].word) == n && !memcmp(words[i].word, word, n)) return words[i].text[l];
  return NULL;
}

void vocab_words(void (*fn)(void *ctx, const char *word, const char *en, const char *fr, int sector), void *ctx) {
  for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
    fn(ctx, words[i].word, words[i].text[LANG_EN], words[i].text[LANG_FR], words[i].sector);
}

int vocab_has(const char *vocab, const char *word, size_t n) {
  const char *p = vocab;
  while (*p) {
    const char *bar = strchr(p, '|');
    size_t len = bar ? (size_t)(bar - p) : strlen(p);
    if (len == n && memcmp(p, word, n) == 0) return 1;
    if (!bar) break;
    p = bar + 1;
  }
  return 0;
}

field_storage field_storage_of(const field *f) {
  switch (f->type) {
    case FT_INT:
    case FT_COUNT:
    case FT_BOOL: return FS_INT;
    case FT_REAL:
    case FT_AREA:
    case FT_PCT:
    case FT_LAT:
    case FT_LON: return FS_REAL;
    default: return FS_TEXT;
  }
}

const char *field_sql_type(const field *f) {
  static const char *const names[] = {"INTEGER", "REAL", "TEXT"};
  return names[field_storage_of(f)];
}

const char *field_type_name(field_type t) {
  static const char *names[] = {"id",   "text", "integer", "count", "number",
                                "area", "percent", "latitude", "longitude",
                                "date", "yes/no", "vocabulary", "code",
                                "reference", "place", "list", "references",
                                "places", "datetime", "sector"};
  return (unsigned)t < sizeof names / sizeof names[0] ? names[t] : "?";
}

int field_is_list(const field *f) {
  return f->type == FT_LIST || f->type == FT_REFLIST || f->type == FT_PLACELIST;
}
