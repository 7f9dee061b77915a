/* kind.h: the record-kind engine's declarations. Each kind is a table of
 * field descriptors (src/model/kinds/<kind>.def) plus a few declarative
 * checks; everything else (CSV mapping, validation, SQL, JSON, filters) is
 * generic code reading these tables. */
#ifndef BH_KIND_H
#define BH_KIND_H

#include <stddef.h>
#include <stdint.h>

#include "core/lang.h"

#define KIND_FIELDS_MAX 64

typedef enum field_type {
  FT_ID,        /* the record's identifier: text without control characters */
  FT_TEXT,      /* free text */
  FT_INT,       /* whole number */
  FT_COUNT,     /* whole number >= 0 */
  FT_REAL,      /* decimal number */
  FT_AREA,      /* decimal number >= 0 */
  FT_PCT,       /* decimal number in [0, 100] */
  FT_LAT,       /* latitude in [-90, 90] */
  FT_LON,       /* longitude in [-180, 180] */
  FT_DATE,      /* YYYY-MM-DD */
  FT_BOOL,      /* yes | no */
  FT_VOCAB,     /* one word of a closed vocabulary (arg: "a|b|c") */
  FT_CODE3,     /* three capital letters (ISO 3166 alpha-3 style) */
  FT_REF,       /* the id of a record of another kind (arg: kind name) */
  FT_PLACE,     /* a place: place_id, or a name resolved to one */
  FT_LIST,      /* ';'-separated free-text items */
  FT_REFLIST,   /* ';'-separated ids of records of kind arg */
  FT_PLACELIST, /* ';'-separated places */
  FT_DATETIME,  /* YYYY-MM-DDTHH:MM, the mission's local time */
  FT_SECTOR     /* a sector that some place or sector area already uses */
} field_type;

enum {
  F_REQUIRED = 1, /* a row must give a value */
  F_KEY = 2,      /* part of the record's identity */
  F_DERIVED = 4,  /* computed by bluehelm, never imported (accepted, ignored) */
  F_DEFAULTED = 8 /* stored as "_<name>"; the column <name> reads the value
                     given, else a default rule (see the schema) */
};

typedef struct field {
  const char *name;
  field_type type;
  unsigned flags;
  const char *arg; /* vocabulary or referenced kind, else NULL */
} field;

typedef enum check_type {
  CHECK_ORDER,  /* a <= b when both are set */
  CHECK_PAIR,   /* (a, b) must be one of the "a>b" pairs in arg */
  CHECK_WITHIN, /* [a, b] lies within the dates of the record ref names */
  CHECK_SEQUENCE, /* the '|'-separated columns of arg never run backwards
                     (each given value >= every given value before it) */
  CHECK_ANY     /* at least one of a and b has a value */
} check_type;

typedef struct kind_check {
  check_type type;
  const char *ref, *a, *b; /* field names (ref only for WITHIN; none for
                              SEQUENCE) */
  const char *arg;         /* PAIR: the allowed pairs; SEQUENCE: the columns */
  const char *message;     /* reason given when the check fails */
} kind_check;

/* A label of a kind (column "") or of one of its columns, in each language
 * (LABEL and KIND_LABEL lines of the kind's .def). */
typedef struct kind_label {
  const char *column;
  const char *text[LANG_COUNT];
} kind_label;

/* A column whose stored value is an SQL function of other columns. */
typedef struct kind_computed {
  const char *column, *function, *arg1, *arg2;
} kind_computed;

#define KIND_COMPUTED_MAX 4 /* computed columns of one kind, at most */
/* One part of the rule of what counts (FORMATS.md §4.1): counts,
 * indicators, reports and maps keep only the records meeting condition (SQL
 * written by bluehelm, no bound value), unless a FILTER names column. */
typedef struct kind_counted {
  const char *column, *condition;
} kind_counted;

struct record;
struct store;
struct err;

typedef struct kind {
  const char *name;
  const field *fields;
  int nfields;
  const char *date_field; /* the kind's main date, or NULL */
  const kind_check *checks;
  int nchecks;
  const kind_computed *computed;
  int ncomputed;
  const kind_counted *counted;
  int ncounted;
  const kind_label *labels; /* the kind's and its columns' labels */
  int nlabels;
  const char *list_columns; /* the columns a list shows ("a|b|c"), or "" */
  int key[2]; /* indexes of the key fields */
  int nkey;
  /* Called before each write with the parsed record; may fill defaults or
   * refuse it (fills err, returns < 0). */
  int (*prepare)(struct store *s, struct record *r, struct err *e);
  /* Called after each write that inserted or updated the record. */
  int (*after_write)(struct store *s, const struct record *r, struct err *e);
} kind;

/* kind_all: every kind in import dependency order; *n receives the count. */
const kind *kind_all(int *n);

/* kind_find: the kind with that name, or NULL. */
const kind *kind_find(const char *name);

/* kind_field_index: the index of the named field in k, or -1. */
int kind_field_index(const kind *k, const char *name);

/* kind_field: the named field of k, or NULL. */
const field *kind_field(const kind *k, const char *name);

/* kind_key_name: the name of k's first key column (its id). */
const char *kind_key_name(const kind *k);

/* kind_label_text: the kind's label in language l; its name when it has none. */
const char *kind_label_text(const kind *k, lang l);

/* kind_field_label: the label of column `column` of k in language l, or NULL
 * when the .def declares none. Static text. */
const char *kind_field_label(const kind *k, const char *column, lang l);

/* vocab_label: the label (words.def) of vocabulary word `word` (n bytes) in
 * language l, or NULL for a word without one. Static text. */
const char *vocab_label(const char *word, size_t n, lang l);

/* vocab_words: every labelled word in words.def order: calls fn for each
 * with its English and French labels, and 1 for a sector's name
 * (SECTOR_WORD), else 0. */
void vocab_words(void (*fn)(void *ctx, const char *word, const char *en, const char *fr, int sector), void *ctx);

/* vocab_has: 1 when word (n bytes) is one of the '|'-separated words of vocab. */
int vocab_has(const char *vocab, const char *word, size_t n);

/* How a field's value is held: whole numbers (i), decimals (d) or text (s). */
typedef enum field_storage { FS_INT, FS_REAL, FS_TEXT } field_storage;

/* field_storage_of: the storage of f's values. */
field_storage field_storage_of(const field *f);

/* field_sql_type: "TEXT", "INTEGER" or "REAL", the column type for f. */
const char *field_sql_type(const field *f);

/* field_type_name: a short name of the field's type for messages and docs. */
const char *field_type_name(field_type t);

/* field_is_list: 1 for LIST, REFLIST and PLACELIST fields. */
int field_is_list(const field *f);

#endif
