/* arena.h: a bump allocator. One arena per command and per request; all its
 * allocations are freed together by arena_free. Out of memory aborts. */
#ifndef BH_ARENA_H
#define BH_ARENA_H

#include <stddef.h>

typedef struct arena_block arena_block;
typedef struct arena {
  arena_block *head;
  size_t total; /* bytes handed out, for limits and tests */
} arena;

/* arena_init: prepares an empty arena (no allocation yet). */
void arena_init(arena *a);

/* arena_alloc: n zeroed bytes aligned for any type; owned by the arena. */
void *arena_alloc(arena *a, size_t n);

/* arena_strdup: a copy of s (NULL gives NULL); owned by the arena. */
char *arena_strdup(arena *a, const char *s);

/* arena_strndup: a NUL-terminated copy of s[0..n); owned by the arena. */
char *arena_strndup(arena *a, const char *s, size_t n);

/* arena_printf: a formatted string owned by the arena. */
char *arena_printf(arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* arena_free: releases every allocation and leaves the arena empty, reusable. */
void arena_free(arena *a);

/* xmalloc, xrealloc, xcalloc: allocation that aborts on out-of-memory. */
void *xmalloc(size_t n);
void *xrealloc(void *p, size_t n);
void *xcalloc(size_t n, size_t size);

/* xstrdup: a malloc'd copy of s (NULL gives NULL) that the caller frees;
 * aborts on out-of-memory. */
char *xstrdup(const char *s);

#endif
