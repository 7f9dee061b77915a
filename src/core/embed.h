/* embed.h: files compiled into the binary at build time (tools/embed.c):
 * schema migrations, the gazetteer, later the web assets. */
#ifndef BH_EMBED_H
#define BH_EMBED_H

#include <stddef.h>

typedef struct embed_file {
  const char *name;           /* path as given at build time */
  const unsigned char *data;  /* NUL-terminated for convenience */
  size_t len;                 /* length without the NUL */
} embed_file;

/* embed_find: the embedded file with that path, or NULL. Static storage. */
const embed_file *embed_find(const char *name);

/* embed_list: all embedded files in build order; *n receives the count. */
const embed_file *embed_list(size_t *n);

#endif
