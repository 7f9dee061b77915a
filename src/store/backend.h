/* backend.h: what a storage backend provides to the seam (store.c). Private
 * to src/store/: one table of operations per backend (backend_sqlite.c,
 * backend_pg.c), chosen by store_open from the target's form. */
#ifndef BH_BACKEND_H
#define BH_BACKEND_H

#include "store/store.h"

typedef struct backend_ops backend_ops;

/* The parts of a store every backend shares; the backend keeps its own
 * connection in conn. */
struct store {
  const backend_ops *ops;
  void *conn;
  char path[4096]; /* for messages: a file, or a URI without its password */
  int version;
  int created;
  int in_tx;
  unsigned long tx_count; /* transactions begun */
  unsigned long tx_id;    /* store_tx_id */
  int busy_ms;
  int readonly;         /* writes fail with ERR_READONLY; ro_reason says why */
  char ro_reason[128];
  err tx_lost;          /* tx_lost.code: the backend ended the transaction
                         * on this error; statements fail until rollback */
  unsigned long generation;
  struct results *results; /* store_result_get (store.c) */
  char **bulk_sql;         /* what store_bulk_end runs, in order */
  int nbulk, bulk_on;
  void *aux;
  void (*aux_free)(void *);
  /* The audit trail's key (audit.c): loaded on first use. */
  int audit_state;              /* 0 not loaded, 1 no key, 2 keyed */
  long long audit_plain;        /* entries older than the key */
  unsigned char audit_key[32];
  struct {
    char *sql; /* owned copy */
    stmt *st;
  } cache[96];
  int ncache;
};

/* The parts of a statement every backend shares. */
struct stmt {
  store *s;
  void *impl;
  char *sql; /* owned copy */
  int cached;
  int bind_error; /* a bind failed: the next step fails */
};

struct backend_ops {
  store_dialect dialect;
  /* Opens the connection into s->conn; fills e (ERR_IO, ERR_NOT_FOUND,
   * ERR_UNAVAILABLE...). flags are store_open's. Sets s->readonly (and
   * s->ro_reason) when the database is opened read-only, asked or not. */
  int (*open)(store *s, const char *target, int flags, err *e);
  void (*close)(store *s);
  int (*exec)(store *s, const char *sql, err *e);
  int (*begin)(store *s, err *e);
  int (*commit)(store *s, err *e);
  void (*rollback)(store *s);
  /* 1 while the backend still holds the transaction store_begin opened
   * (SQLite ends it on its own after a full disk or an I/O error). */
  int (*tx_active)(store *s);
  /* Schema version: read (-1 when the database is not bluehelm's) and write. */
  int (*version_get)(store *s, int *v, err *e);
  int (*version_set)(store *s, int v, err *e);
  /* The folder of embedded migrations, "src/store/schema/" or ".../pg/". */
  const char *schema_dir;
  int (*prepare)(stmt *st, err *e);
  int (*step)(stmt *st, err *e);
  void (*reset)(stmt *st);
  void (*clear)(stmt *st);
  void (*finalize)(stmt *st);
  int (*bind)(stmt *st, int i, const store_value *v);
  int (*param)(stmt *st, const char *name);
  int (*columns)(stmt *st);
  store_type (*type)(stmt *st, int col);
  const char *(*text)(stmt *st, int col);
  int64_t (*integer)(stmt *st, int col);
  double (*real)(stmt *st, int col);
  long (*changes)(stmt *st);
  int (*inserted)(stmt *st);
  void (*set_busy)(store *s, int ms);
  void (*set_deadline)(store *s, long ms);
  int (*set_cache)(store *s, long kib, err *e);
  int64_t (*data_version)(store *s);
  int (*function)(store *s, const char *name, int nargs, int det, store_fn fn, void *ud, err *e);
  int (*backup)(store *s, const char *dest, err *e);
  int (*check)(store *s, long *bad_pages, long *bad_refs, err *e);
  /* Batched upserts (NULL: stmt_defer runs the statement at once). */
  int (*defer)(stmt *st, err *e);
  int (*flush)(stmt *st, long *inserted, long *updated, err *e);
  void (*on_batch)(stmt *st, void (*fn)(void *ctx, const unsigned char *outcome, long n), void *ctx);
  /* 1 when data_version moves at every commit of any connection and at
   * every change of this one: results may then be kept (store_result_get). */
  int exact_version;
  /* store_bulk_begin (NULL: nothing is set aside): drops what it sets
   * aside and notes, with store_bulk_note, the statements that put it back
   * (run in order by store_bulk_end). */
  int (*bulk_begin)(store *s, const char *table, int empty, err *e);
};

/* store_bulk_note: a statement for store_bulk_end to run (copied). */
void store_bulk_note(store *s, const char *sql);


/* backend_sqlite: the SQLite backend's operations. */
extern const backend_ops backend_sqlite;

/* backend_pg: the PostgreSQL backend's operations (NULL when not built). */
extern const backend_ops *const backend_pg;

#endif
