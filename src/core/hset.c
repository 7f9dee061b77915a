/* hset.c: open-addressing hash set of 64-bit values. */
#include "core/hset.h"

#include <stdlib.h>

#include "core/arena.h"

void hset_init(hset *h) {
  h->slots = NULL;
  h->cap = h->n = 0;
}

static int insert(uint64_t *slots, size_t cap, uint64_t v) {
  size_t i = (size_t)(v ^ (v >> 29)) & (cap - 1);
  while (slots[i]) {
    if (slots[i] == v) return 1;
    i = (i + 1) & (cap - 1);
  }
  slots[i] = v;
  return 0;
}

int hset_add(hset *h, uint64_t v) {
  if (!v) v = 1;
  if ((h->n + 1) * 2 > h->cap) {
    size_t cap = h->cap ? h->cap * 2 : 1024;
    uint64_t *slots = xcalloc(cap, sizeof *slots);
    for (size_t i = 0; i < h->cap; i++)
      if (h->slots[i]) insert(slots, cap, h->slots[i]);
    free(h->slots);
    h->slots = slots;
    h->cap = cap;
  }
  if (insert(h->slots, h->cap, v)) return 1;
  h->n++;
  return 0;
}

int hset_has(const hset *h, uint64_t v) {
  if (!v) v = 1;
  if (!h->cap) return 0;
  size_t i = (size_t)(v ^ (v >> 29)) & (h->cap - 1);
  while (h->slots[i]) {
    if (h->slots[i] == v) return 1;
    i = (i + 1) & (h->cap - 1);
  }
  return 0;
}

void hset_free(hset *h) {
  free(h->slots);
  hset_init(h);
}
