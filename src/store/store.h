/* store.h: the storage seam. Every statement bluehelm runs goes through here,
 * in the manner of Fossil's db_prepare/db_step: open a database (a SQLite
 * file, or a PostgreSQL URI), bring its schema up to date from the embedded
 * migrations, run transactions, and prepare statements with bound values
 * whose every step is checked, any result other than a row or the end
 * becoming an `err` with a code (busy, read-only, full disk, timeout...).
 * Nothing outside src/store/ includes a database library's header.
 *
 * SQL given to the seam is bluehelm's dialect: SQLite's, restricted to what
 * both backends understand (see docs/internals.md), with parameters written
 * `?`, `?N` or `:name`. Values are always bound, never formatted into SQL. */
#ifndef BH_STORE_H
#define BH_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"

typedef struct store store;
typedef struct stmt stmt;

enum {
  STORE_CREATE = 1,     /* create the database if it does not exist */
  STORE_READONLY = 2,   /* open read-only (no migration) */
  STORE_MUST_BE_NEW = 4 /* fail if the database already holds a schema */
};

/* The backends, for the few places whose SQL must differ. */
typedef enum store_dialect { STORE_SQLITE = 1, STORE_POSTGRES = 2 } store_dialect;

/* store_open: opens target (a file path, or a postgresql:// URI) and brings
 * its schema up to date (STORE_CREATE creates it). Refuses a database made
 * by a newer bluehelm (ERR_VERSION) and a missing file without STORE_CREATE
 * (ERR_NOT_FOUND). An existing file that cannot be written (its mode, its
 * folder's or a read-only filesystem) is opened read-only, as STORE_READONLY
 * does: reads work and every write fails with ERR_READONLY (see
 * store_readonly); such a file with an older schema is refused with
 * ERR_READONLY, since it cannot be migrated. The caller closes it with
 * store_close. */
int store_open(store **out, const char *target, int flags, err *e);

/* store_readonly: 1 when s was opened read-only (asked, or because the file
 * cannot be written); *why (may be NULL) gets the reason, e.g. "the file is
 * not writable". */
int store_readonly(const store *s, const char **why);

/* store_fault: 1 when code is a failure of the storage rather than of the
 * data: a full disk, a read-only database, another writer past the busy
 * timeout, a statement past its deadline, an I/O error, a database server
 * gone. A multi-record
 * write stops at the first one (nothing is stored). */
int store_fault(int code);

/* store_close: closes the database and its cached statements; NULL is fine. */
void store_close(store *s);

/* store_remove: deletes the database file target with its companions (a
 * SQLite file's -wal, -shm and -journal), after a failed `init`: a -wal
 * left beside a later database of the same name would be replayed into
 * it. Only for a closed database this process created; does nothing for a
 * server URI. */
void store_remove(const char *target);

/* store_dialect_of: which backend s runs on. */
store_dialect store_dialect_of(const store *s);

/* store_path: the database's name for messages (a URI without its password). */
const char *store_path(const store *s);

/* store_schema_version: the schema version of the open database. */
int store_schema_version(store *s);

/* store_latest_version: the newest schema version this binary knows. */
int store_latest_version(void);

/* store_is_new: 1 when this open created the schema from scratch. */
int store_is_new(const store *s);

/* store_begin / store_commit / store_rollback: one write transaction.
 * store_begin waits for other writers within the busy timeout (ERR_BUSY
 * after it); on a read-only database it fails at once with ERR_READONLY.
 * store_commit fails with ERR_VALIDATION when a deferred reference names
 * nothing, else ERR_DB/ERR_FULL/...; the caller then rolls back. When the
 * backend abandons the transaction on its own (SQLite does after a full
 * disk or an I/O error), every later statement and the commit fail with
 * that first error until store_rollback, so nothing runs outside the
 * transaction. store_rollback does nothing outside a transaction. */
int store_begin(store *s, err *e);
int store_commit(store *s, err *e);
void store_rollback(store *s);

/* store_snapshot: begins a read-only transaction that sees the database
 * as of one moment (for a copy), ended by store_commit or store_rollback.
 * Returns 0 or an error code. */
int store_snapshot(store *s, err *e);

/* store_serialize: inside a write transaction, waits for (and holds until
 * the transaction ends) the lock named key, so that the parts of
 * concurrent transactions that take it run one after the other (the audit
 * chain's append). SQLite runs one writer at a time already: nothing to do.
 * Returns 0 or an error code (ERR_BUSY after the busy timeout). */
int store_serialize(store *s, long key, err *e);

/* store_tables: the database's tables (bluehelm's own, internal ones
 * included; the backend's bookkeeping excluded, and the tables of figures
 * the database keeps itself from other tables: a table _X beside a view
 * _X_rebuild, SQLite's _event_cells), each after the tables its
 * foreign keys name, into *names (*n of them; free with store_names_free).
 * Returns 0 or an error code. */
int store_tables(store *s, char ***names, int *n, err *e);

/* store_columns: the stored (not generated) columns of table, in order,
 * as store_tables gives them. Returns 0 or an error code. */
int store_columns(store *s, const char *table, char ***names, int *n, err *e);

/* store_names_free: frees what store_tables or store_columns gave. */
void store_names_free(char **names, int n);
/* store_bulk_begin: many rows are about to be written into table inside
 * the current transaction (empty: the table holds no row). The backend may
 * set aside what it otherwise brings up to date at each row, to rebuild it
 * once from the rows at store_bulk_end: on SQLite, the triggers that keep
 * a table of figures (_event_cells), and, into an empty table, its
 * secondary indexes (built once, they are also smaller). Reads of the
 * table inside the transaction work meanwhile, without those indexes.
 * One table at a time. Returns 0 or an error code. */
int store_bulk_begin(store *s, const char *table, int empty, err *e);

/* store_bulk_end: puts back what store_bulk_begin set aside, rebuilt from
 * the table's rows; before commit (a rollback restores the schema as it
 * was anyway). Returns 0 or an error code (nothing set aside: 0). */
int store_bulk_end(store *s, err *e);

/* store_in_transaction: 1 inside store_begin .. commit/rollback. */
int store_in_transaction(store *s);

/* store_tx_count: the number of transactions begun on s (moves at each
 * store_begin): a cache checked once per transaction keys on it. */
unsigned long store_tx_count(const store *s);

/* store_tx_id: a number naming the transaction s is in, unique among all
 * the process's transactions on any store; 0 outside a transaction. */
unsigned long store_tx_id(const store *s);

/* store_exec: runs sql (one or more statements, no parameters, no results).
 * Returns 0 or an error code with e filled. */
int store_exec(store *s, const char *sql, err *e);

/* store_prepare: compiles sql into *out; the caller finalizes it with
 * stmt_finalize. Returns 0, or ERR_DB with the database's reason. */
int store_prepare(store *s, const char *sql, stmt **out, err *e);

/* store_cached: a prepared statement for sql kept by the store for reuse
 * (keyed by the text; the store keeps its own copy). It comes reset with its
 * bindings cleared. stmt_finalize on it only resets it. Returns NULL after
 * filling e on error. */
stmt *store_cached(store *s, const char *sql, err *e);

/* store_set_busy_timeout: how long a write waits for another writer's lock
 * before ERR_BUSY, in milliseconds (default 10000). */
void store_set_busy_timeout(store *s, int ms);

/* store_set_deadline: statements that run past ms milliseconds from now
 * are interrupted and fail with ERR_TIMEOUT; 0 removes the deadline. */
void store_set_deadline(store *s, long ms);

/* store_set_cache_kib: the backend's page cache for this connection. */
int store_set_cache_kib(store *s, long kib, err *e);

/* store_data_version: a number that changes whenever any connection commits
 * a change to the database (for caches of results). */
int64_t store_data_version(store *s);

/* store_keep_results: from now on results may be kept on this connection
 * (store_result_get/put; off by default: a command that runs once has no
 * use for them). */
void store_keep_results(store *s);

/* store_result_get: a result kept on this connection: appends it to out
 * and returns 1, or returns 0. key names everything the result depends on
 * besides the database (the query and its values, the user's visibility,
 * the day). Results are kept only while the database stays as it was when
 * they were read: a commit by any connection, or a change by this one,
 * drops them all (store_data_version). Nothing is kept inside a
 * transaction, nor on a backend whose data version cannot tell every
 * commit. *token (for store_result_put) is the version looked at. */
int store_result_get(store *s, const char *key, buf *out, int64_t *token);

/* store_result_put: keeps len bytes of val under key, as of the version
 * that store_result_get gave in token (computed after that call); nothing
 * is kept when the database has changed since, or beyond the connection's
 * budget (2 MiB; the oldest results go first; one result at most 512 KiB). */
void store_result_put(store *s, int64_t token, const char *key, const char *val, size_t len);

/* store_generation / store_touch: a counter that write paths bump when
 * records that in-memory lookups depend on change (places, sector_areas). */
unsigned long store_generation(const store *s);
void store_touch(store *s);

/* store_set_aux / store_aux: one pointer the layers above may hang on the
 * store (caches); free_fn (may be NULL) releases it at store_close. */
void store_set_aux(store *s, void *p, void (*free_fn)(void *));
void *store_aux(store *s);

/* A value passed to or returned from an SQL function. */
typedef enum store_type { STORE_NULL = 0, STORE_INT, STORE_REAL, STORE_TEXT } store_type;
typedef struct store_value {
  store_type type;
  int64_t i;
  double d;
  const char *s;
  int ref; /* bound text: kept as a pointer, not copied (stmt_bind_text_ref) */
} store_value;

/* An SQL function in C: reads argc arguments, sets *out (its text may point
 * into tmp, cap bytes). Returns 0 or a negative code (the statement fails). */
typedef int (*store_fn)(void *ud, int argc, const store_value *argv, store_value *out,
                        char *tmp, size_t cap);

/* store_function: makes fn callable from SQL as name(nargs arguments) on
 * this connection (deterministic: same arguments, same result). On a
 * backend where the schema defines the function in SQL, this does nothing.
 * Returns 0 or ERR_DB. */
int store_function(store *s, const char *name, int nargs, int deterministic, store_fn fn,
                   void *ud, err *e);

/* store_backup: a consistent copy of the whole database into the file dest
 * (SQLite). Returns 0, ERR_IO, or ERR_USAGE on a backend with its own tools. */
int store_backup(store *s, const char *dest, err *e);

/* store_check: the backend's own integrity checks: *bad_pages problems in
 * the file, *bad_refs references to missing records. Returns 0 or ERR_DB. */
int store_check(store *s, long *bad_pages, long *bad_refs, err *e);

/* ---- statements ---- */

enum { STMT_DONE = 0, STMT_ROW = 1 };

/* stmt_step: runs st to its next row. Returns STMT_ROW, STMT_DONE, or a
 * negative code with e filled (ERR_BUSY, ERR_READONLY, ERR_FULL,
 * ERR_TIMEOUT, ERR_CONFLICT for a unique key, ERR_VALIDATION for a missing
 * required value or reference, else ERR_DB). */
int stmt_step(stmt *st, err *e);

/* stmt_run: steps st to its end (a statement without rows, or whose rows
 * are not needed) and resets it. Returns 0 or a negative code. */
int stmt_run(stmt *st, err *e);

/* stmt_reset: makes st ready to run again; its bindings stay. */
void stmt_reset(stmt *st);

/* stmt_clear: resets st and clears its bindings (NULL everywhere). */
void stmt_clear(stmt *st);

/* stmt_finalize: releases st (a cached statement is only reset); NULL is fine. */
void stmt_finalize(stmt *st);

/* stmt_bind_*: bind parameter i (1-based) of st. Text is copied; NULL text
 * binds NULL. A bad index makes the next stmt_step fail. */
void stmt_bind_text(stmt *st, int i, const char *v);

/* stmt_bind_text_ref: as stmt_bind_text without a copy: v must stay as it
 * is until st has run to its end and been reset, or is bound again (a
 * writer binding the values of the record it is writing). */
void stmt_bind_text_ref(stmt *st, int i, const char *v);
void stmt_bind_textn(stmt *st, int i, const char *v, size_t n);
void stmt_bind_int(stmt *st, int i, int64_t v);
void stmt_bind_double(stmt *st, int i, double v);
void stmt_bind_null(stmt *st, int i);
void stmt_bind_value(stmt *st, int i, const store_value *v);

/* stmt_param: the index of the named parameter (":name"), or 0. */
int stmt_param(stmt *st, const char *name);

/* stmt_columns: the number of result columns. */
int stmt_columns(stmt *st);

/* stmt_type: the type of column col of the current row. */
store_type stmt_type(stmt *st, int col);

/* stmt_is_null: 1 when column col of the current row has no value. */
int stmt_is_null(stmt *st, int col);

/* stmt_text: column col as text, NULL for no value; valid until the next
 * step, reset or finalize of st. */
const char *stmt_text(stmt *st, int col);

/* stmt_int / stmt_double: column col as a number (0 for no value). */
int64_t stmt_int(stmt *st, int col);
double stmt_double(stmt *st, int col);

/* stmt_changes: rows inserted, updated or deleted by st's last run. */
long stmt_changes(stmt *st);

/* stmt_inserted: 1 when st's last run (an INSERT .. ON CONFLICT upsert)
 * inserted a new row rather than updating one. */
int stmt_inserted(stmt *st);

/* stmt_defer: runs st, an upsert of one row written `INSERT INTO t (...)
 * VALUES (...) ON CONFLICT ...`, inside a transaction, or queues the row
 * where the backend writes rows in batches (PostgreSQL: COPY into a
 * staging table, then one INSERT .. SELECT). Returns 1 when the row was
 * queued, 0 when it ran now (read stmt_changes and stmt_inserted as after
 * stmt_run), or a negative code. Queued rows are written before any other
 * statement that names the table runs, at stmt_flush, at stmt_finalize and
 * at commit; a failure there is that statement's (or the commit's). */
int stmt_defer(stmt *st, err *e);

/* stmt_flush: writes st's queued rows now; adds how many rows st's batches
 * inserted and updated since the last stmt_flush to *inserted and *updated
 * (the other queued rows were unchanged). Returns 0 or a negative code. */
int stmt_flush(stmt *st, long *inserted, long *updated, err *e);

/* stmt_on_batch: fn is called after each batch of st's queued rows is
 * written, with each queued row's outcome in the order they were queued
 * (0 unchanged, 1 inserted, 2 updated). Where rows are not queued, never. */
void stmt_on_batch(stmt *st, void (*fn)(void *ctx, const unsigned char *outcome, long n), void *ctx);

/* stmt_sql: the statement's SQL as given (for messages). */
const char *stmt_sql(const stmt *st);

#endif
