/* hset.h: a set of 64-bit hashes (open addressing), used to notice an id
 * that comes twice in one file without keeping the ids themselves. */
#ifndef BH_HSET_H
#define BH_HSET_H

#include <stddef.h>
#include <stdint.h>

typedef struct hset {
  uint64_t *slots; /* 0 marks an empty slot; hash 0 is stored as 1 */
  size_t cap, n;
} hset;

/* hset_init: an empty set. */
void hset_init(hset *h);

/* hset_add: adds h; returns 1 if it was already there, 0 if added. Grows as
 * needed (out of memory aborts). */
int hset_add(hset *h, uint64_t hash);

/* hset_has: 1 when h is in the set, 0 if not. */
int hset_has(const hset *h, uint64_t hash);

/* hset_free: releases the set's memory. */
void hset_free(hset *h);

#endif
