/* results.c: results kept on a connection until the database changes (the
 * seam's result cache, store.h). Entries are dropped all at once when
 * store_data_version moves, which it does at every commit of any
 * connection and at every change this connection makes; never used inside
 * a transaction (what it reads may yet be rolled back) nor on a backend
 * whose data version does not move with every commit. */
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/str.h"
#include "store/backend.h"

#define RESULTS_BYTES (2u << 20)     /* per connection */
#define RESULT_MAX_BYTES (512u << 10) /* a larger result is not kept */

typedef struct result {
  uint64_t hash;
  char *key, *val;
  size_t vlen;
  struct result *next; /* in the order kept (the oldest first) */
} result;

struct results {
  int64_t version; /* of the database the entries reflect */
  int known;       /* version has been read */
  result *head, *tail;
  size_t bytes;
};

static void drop_all(struct results *r) {
  for (result *e = r->head, *next; e; e = next) {
    next = e->next;
    free(e->key);
    free(e->val);
    free(e);
  }
  r->head = r->tail = NULL;
  r->bytes = 0;
}

void store_results_free(store *s) {
  if (!s->results) return;
  drop_all(s->results);
  free(s->results);
  s->results = NULL;
}

/* The cache when it may be used now, brought up to the database's version. */
void store_keep_results(store *s) {
  if (!s->results) s->results = xcalloc(1, sizeof *s->results);
}

static struct results *current(store *s) {
  if (!s->ops->exact_version || s->in_tx || !s->results) return NULL;
  struct results *r = s->results;
  int64_t v = s->ops->data_version(s);
  if (!r->known || v != r->version) {
    drop_all(r);
    r->version = v;
    r->known = 1;
  }
  return r;
}

int store_result_get(store *s, const char *key, buf *out, int64_t *token) {
  *token = -1;
  struct results *r = current(s);
  if (!r) return 0;
  *token = r->version;
  uint64_t h = str_hash(key, strlen(key));
  for (result *e = r->head; e; e = e->next)
    if (e->hash == h && !strcmp(e->key, key)) {
      buf_append(out, e->val, e->vlen);
      return 1;
    }
  return 0;
}

void store_result_put(store *s, int64_t token, const char *key, const char *val, size_t len) {
  struct results *r = s->results;
  /* Kept only as of the version its store_result_get saw, unchanged since. */
  if (!r || token < 0 || !r->known || token != r->version || s->in_tx || len > RESULT_MAX_BYTES) return;
  /* Read since that version was seen: at worst from a newer one, which
   * the next store_result_get sees and drops. */
  size_t klen = strlen(key), cost = klen + len + sizeof(result);
  while (r->head && r->bytes + cost > RESULTS_BYTES) {
    result *old = r->head;
    r->head = old->next;
    if (!r->head) r->tail = NULL;
    r->bytes -= strlen(old->key) + old->vlen + sizeof(result);
    free(old->key);
    free(old->val);
    free(old);
  }
  if (r->bytes + cost > RESULTS_BYTES) return;
  result *e = xcalloc(1, sizeof *e);
  e->hash = str_hash(key, klen);
  e->key = xstrdup(key);
  e->val = xmalloc(len ? len : 1);
  memcpy(e->val, val, len);
  e->vlen = len;
  if (r->tail) r->tail->next = e;
  else r->head = e;
  r->tail = e;
  r->bytes += cost;
}
