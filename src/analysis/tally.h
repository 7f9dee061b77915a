/* tally.h: counts by key for the "by_X" objects of indicators
 * ({"geographic": 3, "casevac": 2}), with the ids behind each key recorded as
 * the indicator's provenance ("by_kind.geographic"). */
#ifndef BH_TALLY_H
#define BH_TALLY_H

#include "analysis/indicator.h"

#define TALLY_KEYS_MAX 128

typedef struct tally_key {
  char *key; /* owned by the indicator's arena */
  long n;
} tally_key;

typedef struct tally {
  const char *figure; /* the result's key ("by_kind"); not owned */
  int prov;           /* 1 (tally_init): record ids as figure.key; 0: do not */
  tally_key keys[TALLY_KEYS_MAX];
  int n;
} tally;

/* tally_init: an empty tally written under figure (a static string). */
void tally_init(tally *t, const char *figure);

/* tally_add: counts record id under key (NULL or "" counts as
 * "unspecified") and, when t->prov, records id behind figure.key. Returns 0, or
 * ERR_TOO_LARGE with c->e filled past TALLY_KEYS_MAX distinct keys. */
int tally_add(ind_ctx *c, tally *t, const char *key, const char *id);

/* tally_count: the count of key (0 when absent). */
long tally_count(const tally *t, const char *key);

/* tally_write: writes "figure": {key: n, ...} into c->w: the keys of vocab
 * ('|'-separated, may be NULL) first in its order, then the others in
 * ascending byte order; keys with no record are left out. */
void tally_write(ind_ctx *c, tally *t, const char *vocab);

#endif
