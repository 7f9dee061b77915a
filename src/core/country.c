/* country.c: ISO 3166-1 alpha-3 codes to names, read once from the embedded
 * iso-codes file. */
#include "core/country.h"

#include <jansson.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/embed.h"

#define ISO3166_FILE "/usr/share/iso-codes/json/iso_3166-1.json"

typedef struct country {
  char code[4];
  char *name;
} country;

static country *countries;
static size_t ncountries;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static int by_code(const void *a, const void *b) {
  return strcmp(((const country *)a)->code, ((const country *)b)->code);
}

static void load(void) {
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
      countries[ncountries].name = xmalloc(strlen(name) + 1);
      memcpy(countries[ncountries].name, name, strlen(name) + 1);
      ncountries++;
    }
    qsort(countries, ncountries, sizeof *countries, by_code);
  }
  json_decref(doc);
}

const char *country_name(const char *code) {
  pthread_once(&once, load);
  if (!code || strlen(code) != 3 || !ncountries) return NULL;
  country key;
  memcpy(key.code, code, 4);
  const country *c = bsearch(&key, countries, ncountries, sizeof *countries, by_code);
  return c ? c->name : NULL;
}
