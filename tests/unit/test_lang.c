/* test_lang.c: languages (numbers, dates, plurals, Accept-Language) and the
 * labels declared with the kinds: every kind, column and vocabulary word has
 * one in English and in French (FORMATS.md 4.2). A missing label fails here. */
#include <string.h>

#include "core/buf.h"
#include "core/country.h"
#include "core/date.h"
#include "core/lang.h"
#include "model/kind.h"
#include "test.h"

static const char *num(buf *b, double v, int dec, lang l) {
  buf_reset(b);
  lang_number(b, v, dec, l);
  return buf_cstr(b);
}

TEST(lang_numbers_dates) {
  buf b;
  buf_init(&b, 0);
  CHECK_STR(num(&b, 1234, 0, LANG_EN), "1234"); /* the English report keeps plain digits */
  CHECK_STR(num(&b, 1234, 0, LANG_FR), "1" LANG_NNBSP "234");
  CHECK_STR(num(&b, 1234567, 0, LANG_FR), "1" LANG_NNBSP "234" LANG_NNBSP "567");
  CHECK_STR(num(&b, 999, 0, LANG_FR), "999");
  CHECK_STR(num(&b, -1234.25, 1, LANG_FR), "-1" LANG_NNBSP "234,3"); /* halves away from zero */
  CHECK_STR(num(&b, 2.5, 1, LANG_FR), "2,5");
  CHECK_STR(num(&b, 2.5, 1, LANG_EN), "2.5");
  CHECK_STR(num(&b, 2.5, 0, LANG_EN), "3");
  CHECK_STR(num(&b, -0.4, 0, LANG_FR), "0");
  CHECK_STR(num(&b, 3.0, 1, LANG_FR), "3");
  buf_reset(&b);
  lang_percent(&b, 33.5, LANG_FR);
  CHECK_STR(buf_cstr(&b), "34" LANG_NNBSP "%");
  buf_reset(&b);
  lang_percent(&b, 33.5, LANG_EN);
  CHECK_STR(buf_cstr(&b), "34%");
  buf_reset(&b);
  lang_date(&b, date_from_ymd(2021, 6, 1), LANG_FR);
  CHECK_STR(buf_cstr(&b), "1er juin 2021");
  buf_reset(&b);
  lang_date(&b, date_from_ymd(2021, 5, 31), LANG_FR);
  CHECK_STR(buf_cstr(&b), "31 mai 2021");
  buf_reset(&b);
  lang_date(&b, date_from_ymd(2021, 2, 1), LANG_EN);
  CHECK_STR(buf_cstr(&b), "1 February 2021");
  buf_reset(&b);
  lang_month(&b, 2020, 12, LANG_FR);
  CHECK_STR(buf_cstr(&b), "d\xc3\xa9" "cembre 2020");
  buf_free(&b);
  /* Plurals: English singular for 1 only; French for 0 and 1 (and 1,5). */
  CHECK(lang_singular(1, LANG_EN) && !lang_singular(0, LANG_EN) && !lang_singular(2, LANG_EN));
  CHECK(lang_singular(0, LANG_FR) && lang_singular(1, LANG_FR) && lang_singular(1.5, LANG_FR));
  CHECK(!lang_singular(2, LANG_FR) && !lang_singular(-2, LANG_FR));
}

TEST(lang_accept_language) {
  CHECK_INT(lang_from_accept(NULL), LANG_EN);
  CHECK_INT(lang_from_accept(""), LANG_EN);
  CHECK_INT(lang_from_accept("fr"), LANG_FR);
  CHECK_INT(lang_from_accept("fr-FR,fr;q=0.9,en-US;q=0.8,en;q=0.7"), LANG_FR);
  CHECK_INT(lang_from_accept("en-GB,en;q=0.9,fr;q=0.8"), LANG_EN);
  CHECK_INT(lang_from_accept("de-DE, fr-CA;q=0.5, en;q=0.4"), LANG_FR);
  CHECK_INT(lang_from_accept("de, es"), LANG_EN);
  CHECK_INT(lang_from_accept("fry, francais"), LANG_EN); /* not the tag "fr" */
  CHECK_INT(lang_from_accept("en;q=0, fr;q=0.1"), LANG_FR);
  lang l = LANG_EN;
  CHECK(lang_parse("fr", &l) == 0 && l == LANG_FR);
  CHECK(lang_parse("FR", &l) < 0 && lang_parse("", &l) < 0 && lang_parse(NULL, &l) < 0);
  CHECK_STR(lang_code(LANG_FR), "fr");
}

/* Every kind and every column has a label in both languages; every LABEL
 * names a column; the list columns are columns. */
TEST(kinds_labelled) {
  int n;
  const kind *kinds = kind_all(&n);
  for (int i = 0; i < n; i++) {
    const kind *k = &kinds[i];
    for (int l = 0; l < LANG_COUNT; l++) {
      const char *t = kind_field_label(k, "", (lang)l);
      if (!t || !*t) fprintf(stderr, "  %s: no %s label for the kind (KIND_LABEL)\n", k->name, lang_code((lang)l));
      CHECK(t && *t);
      for (int f = 0; f < k->nfields; f++) {
        const char *ft = kind_field_label(k, k->fields[f].name, (lang)l);
        if (!ft || !*ft)
          fprintf(stderr, "  %s.%s: no %s label (LABEL in %s.def)\n", k->name, k->fields[f].name, lang_code((lang)l), k->name);
        CHECK(ft && *ft);
      }
    }
    for (int j = 0; j < k->nlabels; j++) {
      const char *c = k->labels[j].column;
      int dup = 0;
      for (int m = 0; m < j; m++) dup |= !strcmp(k->labels[m].column, c);
      if (dup || (c[0] && kind_field_index(k, c) < 0))
        fprintf(stderr, "  %s: LABEL(%s) %s\n", k->name, c, dup ? "is given twice" : "names no column");
      CHECK(!dup && (!c[0] || kind_field_index(k, c) >= 0));
    }
    for (const char *p = k->list_columns; *p;) {
      size_t len = strcspn(p, "|");
      char name[64];
      snprintf(name, sizeof name, "%.*s", (int)len, p);
      if (kind_field_index(k, name) < 0) fprintf(stderr, "  %s: LIST_COLUMNS names no column %s\n", k->name, name);
      CHECK(kind_field_index(k, name) >= 0);
      p += len + (p[len] == '|');
    }
  }
}

static void count_word(void *ctx, const char *word, const char *en, const char *fr, int sector) {
  int *dups = ctx;
  (void)sector;
  if (!en[0] || !fr[0]) {
    fprintf(stderr, "  words.def: %s has an empty label\n", word);
    (*dups)++;
  }
  int seen = 0;
  for (int l = 0; l < LANG_COUNT; l++)
    seen += vocab_label(word, strlen(word), (lang)l) == ((lang)l == LANG_EN ? en : fr);
  if (seen != LANG_COUNT) {
    fprintf(stderr, "  words.def: %s is declared twice\n", word);
    (*dups)++;
  }
}

/* Every word of every vocabulary has a label in both languages. */
TEST(vocab_words_labelled) {
  int n;
  const kind *kinds = kind_all(&n);
  for (int i = 0; i < n; i++)
    for (int f = 0; f < kinds[i].nfields; f++) {
      const field *fd = &kinds[i].fields[f];
      if (fd->type != FT_VOCAB) continue;
      for (const char *p = fd->arg; *p;) {
        size_t len = strcspn(p, "|");
        for (int l = 0; l < LANG_COUNT; l++) {
          const char *t = vocab_label(p, len, (lang)l);
          if (!t || !*t)
            fprintf(stderr, "  %s.%s: the word '%.*s' has no %s label (words.def)\n", kinds[i].name, fd->name,
                    (int)len, p, lang_code((lang)l));
          CHECK(t && *t);
        }
        p += len + (p[len] == '|');
      }
    }
  int bad = 0;
  vocab_words(count_word, &bad);
  CHECK_INT(bad, 0);
  CHECK_STR(vocab_label("ied", 3, LANG_FR), "EEI");
  CHECK(vocab_label("no_such_word", 12, LANG_EN) == NULL);
}

/* Country names in both languages (iso-codes and its French translation). */
TEST(country_names_by_language) {
  CHECK_STR(country_name_lang("EGY", LANG_EN), "Egypt");
  CHECK_STR(country_name_lang("EGY", LANG_FR), "\xc3\x89gypte");
  CHECK_STR(country_name_lang("TCD", LANG_FR), "Tchad");
  CHECK_STR(country_name_lang("BGD", LANG_FR), "Bangladesh");
  CHECK(country_name_lang("XXX", LANG_FR) == NULL);
}
