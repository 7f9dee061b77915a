/* country.c: ISO 3166-1 alpha-3 codes to names, read once from the embedded
 * iso-codes file. */
#include "core/country.h"

#include <jansson.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/embed.h"

#define ISO3166_FILE "/usr/share/iso-codes/json/iso_3166-1.json"
#define ISO3166_FR_FILE "/usr/share/locale/fr/LC_MESSAGES/iso_3166-1.mo"

typedef struct country {
  char code[4];
  char *name;
  char *name_fr; /* NULL: no translation */
} country;

static country *countries;
static size_t ncountries;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static int by_code(const void *a, const void *b) {
  return strcmp(((const country *)a)->code, ((const country *)b)->code);
}

/* A gettext catalogue (.mo): the translation of msgid, or NULL. */
static uint32_t mo_word(const unsigned char *p, int swap) {
  uint32_t v;
  memcpy(&v, p, 4);
  return swap ? __builtin_bswap32(v) : v;
}

static const char *mo_lookup(const embed_file *mo, const char *msgid, size_t *len) {
  if (!mo || mo->len < 28) return NULL;
  const unsigned char *d = mo->data;
  uint32_t magic = mo_word(d, 0);
  int swap = magic == 0xde120495u;
  if (!swap && magic != 0x950412deu) return NULL;
  uint32_t n = mo_word(d + 8, swap), orig = mo_word(d + 12, swap), trans = mo_word(d + 16, swap);
  size_t want = strlen(msgid);
  for (uint32_t i = 0; i < n; i++) {
    size_t at = (size_t)orig + (size_t)i * 8, tat = (size_t)trans + (size_t)i * 8;
    if (at + 8 > mo->len || tat + 8 > mo->len) return NULL;
    uint32_t olen = mo_word(d + at, swap), ooff = mo_word(d + at + 4, swap);
    if (olen != want || (size_t)ooff + olen > mo->len || memcmp(d + ooff, msgid, want)) continue;
    uint32_t tlen = mo_word(d + tat, swap), toff = mo_word(d + tat + 4, swap);
    if ((size_t)toff + tlen > mo->len || !tlen) return NULL;
    *len = tlen;
    return (const char *)d + toff;
  }
  return NULL;
}

static char *copy_n(const char *s, size_t n) {
  char *out = xmalloc(n + 1);
  memcpy(out, s, n);
  out[n] = 0;
  return out;
}

static void load(void) {
  const embed_file *mo = embed_find(ISO3166_FR_FILE);
  const embed_file *f = embed_find(ISO3166_FILE);
  if (!f) return;
  json_t *doc = json_loadb((const char *)f->data, f->len, 0, NULL);
  json_t *list = doc ? json_object_get(doc, "3166-1") : NULL;
  if (json_is_array(list)) {
    countries = xcalloc(json_array_size(list) + 1, sizeof *countries);
    size_t i;
    json_t *c;
    json_array_foreach(list, i, c) {
      const char *code = json_string_value(json_object_get(c, "alpha_3"));
      const char *name = json_string_value(json_object_get(c, "common_name"));
      if (!name) name = json_string_value(json_object_get(c, "name"));
      if (!code || strlen(code) != 3 || !name) continue;
      memcpy(countries[ncountries].code, code, 4);
      countries[ncountries].name = copy_n(name, strlen(name));
      size_t tl;
      const char *fr = mo_lookup(mo, name, &tl);
      if (fr) countries[ncountries].name_fr = copy_n(fr, tl);
      ncountries++;
    }
    qsort(countries, ncountries, sizeof *countries, by_code);
  }
  json_decref(doc);
}

static const country *find(const char *code) {
  pthread_once(&once, load);
  if (!code || strlen(code) != 3 || !ncountries) return NULL;
  country key;
  memcpy(key.code, code, 4);
  return bsearch(&key, countries, ncountries, sizeof *countries, by_code);
}

const char *country_name(const char *code) {
  const country *c = find(code);
  return c ? c->name : NULL;
}

const char *country_name_lang(const char *code, lang l) {
  const country *c = find(code);
  if (!c) return NULL;
  return l == LANG_FR && c->name_fr ? c->name_fr : c->name;
}

void country_each(void (*fn)(void *ctx, const char *code, const char *en, const char *fr), void *ctx) {
  pthread_once(&once, load);
  for (size_t i = 0; i < ncountries; i++)
    fn(ctx, countries[i].code, countries[i].name, countries[i].name_fr ? countries[i].name_fr : countries[i].name);
}
