/* tally.c: counts by key with provenance, for indicators' "by_X" objects. */
#include "analysis/tally.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


void tally_init(tally *t, const char *figure) {
  t->figure = figure;
  t->prov = 1;
  t->n = 0;
}

static tally_key *find(tally *t, const char *key) {
  for (int i = 0; i < t->n; i++)
    if (!strcmp(t->keys[i].key, key)) return &t->keys[i];
  return NULL;
}

int tally_add(ind_ctx *c, tally *t, const char *key, const char *id) {
  if (!key || !*key) key = "unspecified";
  tally_key *k = find(t, key);
  if (!k) {
    if (t->n == TALLY_KEYS_MAX)
      return err_set(c->e, ERR_TOO_LARGE, "%s: more than %d different values", t->figure,
                     TALLY_KEYS_MAX);
    k = &t->keys[t->n++];
    k->key = arena_strdup(c->a, key);
    k->n = 0;
  }
  k->n++;
  if (!t->prov) return 0;
  char fig[256];
  snprintf(fig, sizeof fig, "%s.%s", t->figure, key);
  ind_prov(c, fig, id);
  return 0;
}

long tally_count(const tally *t, const char *key) {
  for (int i = 0; i < t->n; i++)
    if (!strcmp(t->keys[i].key, key)) return t->keys[i].n;
  return 0;
}

static int by_key(const void *a, const void *b) {
  return strcmp(((const tally_key *)a)->key, ((const tally_key *)b)->key);
}

void tally_write(ind_ctx *c, tally *t, const char *vocab) {
  unsigned char written[TALLY_KEYS_MAX] = {0};
  qsort(t->keys, (size_t)t->n, sizeof t->keys[0], by_key);
  jw_key(c->w, t->figure);
  jw_obj(c->w);
  /* The vocabulary's words in its order... */
  for (const char *p = vocab; p && *p;) {
    size_t len = strcspn(p, "|");
    for (int i = 0; i < t->n; i++)
      if (!written[i] && strlen(t->keys[i].key) == len && !strncmp(t->keys[i].key, p, len)) {
        jw_key(c->w, t->keys[i].key);
        jw_int(c->w, t->keys[i].n);
        written[i] = 1;
      }
    p += len;
    if (*p == '|') p++;
  }
  /* ...then the rest ("unspecified", years) in byte order. */
  for (int i = 0; i < t->n; i++)
    if (!written[i]) {
      jw_key(c->w, t->keys[i].key);
      jw_int(c->w, t->keys[i].n);
    }
  jw_obj_end(c->w);
}
