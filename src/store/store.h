/* store.h: the SQLite database: open (WAL, foreign keys), embedded numbered
 * migrations with the schema version in PRAGMA user_version, transactions
 * and prepared statements. Values are always bound, never formatted into SQL. */
#ifndef BH_STORE_H
#define BH_STORE_H

#include <sqlite3.h>

#include "core/err.h"

typedef struct store store;

enum {
  STORE_CREATE = 1,   /* create the file if it does not exist */
  STORE_READONLY = 2, /* open read-only (no migration) */
  STORE_MUST_BE_NEW = 4 /* fail if the file already holds a database */
};

/* store_open: opens (or with STORE_CREATE creates) the database at path and
 * brings its schema up to date. Refuses a database made by a newer bluehelm
 * (ERR_VERSION) and a missing file without STORE_CREATE (ERR_NOT_FOUND).
 * The caller closes it with store_close. */
int store_open(store **out, const char *path, int flags, err *e);

/* store_close: closes the database; NULL is fine. */
void store_close(store *s);

/* store_db: the underlying connection (owned by the store). */
sqlite3 *store_db(store *s);

/* store_path: the file the store was opened from. */
const char *store_path(const store *s);

/* store_schema_version: the schema version of the open database. */
int store_schema_version(store *s);

/* store_latest_version: the newest schema version this binary knows. */
int store_latest_version(void);

/* store_begin / store_commit / store_rollback: one write transaction.
 * store_commit fails (e.g. a deferred foreign key) with ERR_DB; the caller
 * then rolls back. */
int store_begin(store *s, err *e);
int store_commit(store *s, err *e);
void store_rollback(store *s);

/* store_prepare: compiles sql (UTF-8) into *st; the caller finalizes it.
 * Returns 0 or ERR_DB with sqlite's message. */
int store_prepare(store *s, const char *sql, sqlite3_stmt **st, err *e);

/* store_cached: a prepared statement for sql, kept by the store for reuse
 * (the store keeps its own copy of sql). It comes reset with its bindings
 * cleared; do not finalize it. Returns NULL after filling e on error. */
sqlite3_stmt *store_cached(store *s, const char *sql, err *e);

/* store_exec: runs sql (no results); returns 0 or ERR_DB. */
int store_exec(store *s, const char *sql, err *e);

/* store_error: fills e with ERR_DB and the connection's last message,
 * prefixed by what; returns ERR_DB. */
int store_error(store *s, err *e, const char *what);

/* store_generation: a counter that write paths bump (store_touch) when
 * records that cached lookups depend on change (places, sector_areas). */
unsigned long store_generation(const store *s);

/* store_touch: bumps the generation. */
void store_touch(store *s);

/* store_set_aux / store_aux: one pointer the layers above may hang on the
 * store (caches); free_fn (may be NULL) releases it at store_close. */
void store_set_aux(store *s, void *p, void (*free_fn)(void *));
void *store_aux(store *s);

/* store_is_new: 1 when this open created the schema from scratch. */
int store_is_new(const store *s);

#endif
