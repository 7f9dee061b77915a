/* backend_sqlite.c: the SQLite backend of the storage seam: a file opened
 * in WAL mode with foreign keys on, SQLite's result codes mapped onto
 * bluehelm's error codes, a deadline by progress handler, online backup
 * and the integrity pragmas. */
#include <errno.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/str.h"
#include "store/backend.h"

typedef struct lite {
  sqlite3 *db;
  struct timespec deadline; /* tv_sec 0: none */
} lite;

typedef struct lite_stmt {
  sqlite3_stmt *st;
  int readonly;
  int inserted;
  long changes;
} lite_stmt;

static sqlite3 *db_of(store *s) { return ((lite *)s->conn)->db; }

/* Maps an SQLite result (extended codes on) to a bluehelm error in e. */
static int map_error(store *s, int rc, const char *what, err *e) {
  sqlite3 *db = s->conn ? db_of(s) : NULL;
  const char *msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  switch (rc & 0xff) {
  case SQLITE_BUSY:
  case SQLITE_LOCKED:
    return err_set(e, ERR_BUSY, "the database is busy with another write; try again shortly");
  case SQLITE_READONLY:
    return err_set(e, ERR_READONLY, "the database is read-only (%s): nothing was stored", s->path);
  case SQLITE_FULL:
    return err_set(e, ERR_FULL, "the disk holding %s is full: nothing was stored", s->path);
  case SQLITE_INTERRUPT:
    return err_set(e, ERR_TIMEOUT, "the query took longer than its time budget and was stopped");
  case SQLITE_CONSTRAINT:
    if (rc == SQLITE_CONSTRAINT_NOTNULL)
      return err_set(e, ERR_VALIDATION, "a required value is missing (%s)", msg), err_rule(e, "required");
    if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
      return err_set(e, ERR_VALIDATION, "a reference names a record that does not exist"), err_rule(e, "reference");
    if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
      return err_set(e, ERR_CONFLICT, "a record with that key already exists (%s)", msg);
    return err_set(e, ERR_DB, "%s: %s", what, msg);
  case SQLITE_IOERR:
    /* A write the operating system refused for want of room, or on a
     * filesystem mounted read-only, is that, whatever SQLite's code. */
    if (db && (sqlite3_system_errno(db) == ENOSPC || sqlite3_system_errno(db) == EDQUOT))
      return err_set(e, ERR_FULL, "the disk holding %s is full: nothing was stored", s->path);
    if (db && sqlite3_system_errno(db) == EROFS)
      return err_set(e, ERR_READONLY, "the database is read-only (%s: the filesystem is read-only): nothing was stored", s->path);
    /* fall through */
  case SQLITE_CORRUPT:
  case SQLITE_NOTADB:
  case SQLITE_CANTOPEN:
    return err_set(e, ERR_IO, "%s: %s (%s)", what, msg, s->path);
  default:
    return err_set(e, ERR_DB, "%s: %s", what, msg);
  }
}

static int past_deadline(void *p) {
  const struct timespec *d = p;
  if (!d->tv_sec) return 0;
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return now.tv_sec > d->tv_sec || (now.tv_sec == d->tv_sec && now.tv_nsec >= d->tv_nsec);
}

static int lite_exec(store *s, const char *sql, err *e) {
  int rc = sqlite3_exec(db_of(s), sql, NULL, NULL, NULL);
  return rc == SQLITE_OK ? 0 : map_error(s, sqlite3_extended_errcode(db_of(s)), "database", e);
}

/* Why the database at path cannot be written, or NULL when it can: the
 * file's mode, a read-only filesystem, or its folder's mode (SQLite creates
 * the -wal and -shm files beside the database). *dir_ro: the folder cannot
 * be written either. */
static const char *unwritable(const char *path, int *dir_ro) {
  char dir[4096];
  const char *slash = strrchr(path, '/');
  if (!slash) str_copy(dir, sizeof dir, ".");
  else if (slash == path) str_copy(dir, sizeof dir, "/");
  else snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
  const char *why = NULL;
  *dir_ro = 0;
  if (access(dir, W_OK) != 0) {
    *dir_ro = 1;
    why = errno == EROFS ? "the filesystem is read-only" : "its folder is not writable";
  }
  if (access(path, W_OK) != 0)
    return errno == EROFS ? "the filesystem is read-only" : "the file is not writable";
  /* A read-only use leaves -shm and -wal files with the file's mode then;
   * once the file is writable again they still stop every write. */
  char side[4200];
  static const char *const sides[][2] = {
      {"-shm", "its -shm file is not writable: remove it while no bluehelm uses the database"},
      {"-wal", "its -wal file is not writable"}};
  for (int i = 0; i < 2 && !why; i++) {
    snprintf(side, sizeof side, "%s%s", path, sides[i][0]);
    if (access(side, F_OK) == 0 && access(side, W_OK) != 0) why = sides[i][1];
  }
  return why;
}

/* A file: URI for path (every byte but unreserved ones and '/' escaped)
 * with the query q, for SQLite's URI parameters. */
static void file_uri(const char *path, const char *q, char *out, size_t cap) {
  static const char hex[] = "0123456789ABCDEF";
  size_t n = 0;
  const char *head = "file:";
  for (const char *p = head; *p && n + 1 < cap; p++) out[n++] = *p;
  for (const unsigned char *p = (const unsigned char *)path; *p && n + 4 < cap; p++) {
    if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
        strchr("/._-~", *p)) {
      out[n++] = (char)*p;
    } else {
      out[n++] = '%';
      out[n++] = hex[*p >> 4];
      out[n++] = hex[*p & 15];
    }
  }
  for (const char *p = q; *p && n + 1 < cap; p++) out[n++] = *p;
  out[n] = 0;
}

static long file_size(const char *path, const char *suffix) {
  char name[4200];
  struct stat sb;
  snprintf(name, sizeof name, "%s%s", path, suffix);
  return stat(name, &sb) == 0 ? (long)sb.st_size : -1;
}

static void no_memstatus(void) { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); }

static int lite_open(store *s, const char *path, int flags, err *e) {
  struct stat sb;
  int exists = stat(path, &sb) == 0 && sb.st_size > 0;
  if (!exists && !(flags & STORE_CREATE))
    return err_set(e, ERR_NOT_FOUND,
                   "no database at %s: create one with `bluehelm init` or give --db PATH", path);
  if (exists && (flags & STORE_MUST_BE_NEW))
    return err_set(e, ERR_CONFLICT, "%s already exists: remove it first or choose another --db", path);
  /* A database that cannot be written is opened read-only, so that it can
   * still be read; writes then fail with ERR_READONLY (store_begin). */
  int dir_ro = 0;
  const char *why = exists ? unwritable(path, &dir_ro) : NULL;
  int readonly = (flags & STORE_READONLY) || why;
  if (readonly) {
    s->readonly = 1;
    str_copy(s->ro_reason, sizeof s->ro_reason, why ? why : "it was opened for reading only");
  } else if (!exists && unwritable(path, &dir_ro) && dir_ro) {
    return err_set(e, ERR_READONLY, "cannot create %s: its folder is not writable", path);
  }
  /* A WAL database needs its -shm file; in a folder where it cannot be
   * created, SQLite reads the file only as immutable, which is right only
   * when no -wal holds writes not yet merged into it. */
  char uri[4096 * 3 + 64];
  const char *name = path;
  int uri_flag = 0;
  if (readonly && exists && dir_ro && file_size(path, "-shm") < 0) {
    if (file_size(path, "-wal") > 0)
      return err_set(e, ERR_READONLY,
                     "%s-wal holds writes not yet merged into %s, and %s: open the database "
                     "once where its folder can be written",
                     path, path, why ? why : "its folder is not writable");
    file_uri(path, "?immutable=1", uri, sizeof uri);
    name = uri;
    uri_flag = SQLITE_OPEN_URI;
  }
  /* No memory statistics: they take a process-wide lock at every
   * allocation, which threads (the server's) then wait on. */
  static pthread_once_t once = PTHREAD_ONCE_INIT;
  pthread_once(&once, no_memstatus);
  lite *l = xcalloc(1, sizeof *l);
  s->conn = l;
  int oflags = readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  int rc = sqlite3_open_v2(name, &l->db, oflags | uri_flag | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK) {
    err_set(e, ERR_IO, "cannot open %s: %s", path, l->db ? sqlite3_errmsg(l->db) : "out of memory");
    sqlite3_close_v2(l->db);
    free(l);
    s->conn = NULL;
    return ERR_IO;
  }
  sqlite3_busy_timeout(l->db, s->busy_ms);
  sqlite3_extended_result_codes(l->db, 1);
  sqlite3_progress_handler(l->db, 20000, past_deadline, &l->deadline);
  const char *pragmas =
      "PRAGMA foreign_keys = ON;"
      "PRAGMA synchronous = NORMAL;"
      "PRAGMA cache_size = -16384;"
      "PRAGMA temp_store = MEMORY;";
  if (lite_exec(s, pragmas, e)) goto fail;
  if (!readonly && lite_exec(s, "PRAGMA journal_mode = WAL", e)) {
    /* A read-only file or folder: say so; anything else is not our database. */
    if (e && e->code != ERR_READONLY && e->code != ERR_FULL && e->code != ERR_BUSY)
      err_set(e, ERR_IO, "%s is not a bluehelm database (%s)", path, e->msg);
    goto fail;
  }
  return 0;
fail:
  sqlite3_close_v2(l->db);
  free(l);
  s->conn = NULL;
  return e ? e->code : ERR_IO;
}

static void lite_close(store *s) {
  lite *l = s->conn;
  sqlite3_close_v2(l->db);
  free(l);
  s->conn = NULL;
}

static int lite_version_get(store *s, int *v, err *e) {
  sqlite3_stmt *st;
  *v = -1;
  int rc = sqlite3_prepare_v2(db_of(s), "PRAGMA user_version", -1, &st, NULL);
  if (rc == SQLITE_OK) {
    if ((rc = sqlite3_step(st)) == SQLITE_ROW) *v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
  }
  if (*v >= 0) return 0;
  /* The first read: a full disk (no room for the -shm file), a busy or
   * read-only database say so; anything else is not our database. */
  err why;
  int code = map_error(s, sqlite3_extended_errcode(db_of(s)), "database", &why);
  if (code == ERR_FULL || code == ERR_BUSY || code == ERR_READONLY) {
    if (e) *e = why;
    return code;
  }
  return err_set(e, ERR_IO, "%s is not a bluehelm database: %s", s->path, sqlite3_errmsg(db_of(s)));
}

static int lite_version_set(store *s, int v, err *e) {
  char pragma[64];
  snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", v);
  return lite_exec(s, pragma, e);
}

static int lite_begin(store *s, err *e) { return lite_exec(s, "BEGIN IMMEDIATE", e); }

static int lite_commit(store *s, err *e) {
  int rc = sqlite3_exec(db_of(s), "COMMIT", NULL, NULL, NULL);
  if (rc == SQLITE_OK) return 0;
  return map_error(s, sqlite3_extended_errcode(db_of(s)), "commit", e);
}

static void lite_rollback(store *s) {
  if (!sqlite3_get_autocommit(db_of(s))) sqlite3_exec(db_of(s), "ROLLBACK", NULL, NULL, NULL);
}

static int lite_tx_active(store *s) { return !sqlite3_get_autocommit(db_of(s)); }

static int lite_prepare(stmt *st, err *e) {
  lite_stmt *ls = xcalloc(1, sizeof *ls);
  int rc = sqlite3_prepare_v2(db_of(st->s), st->sql, -1, &ls->st, NULL);
  if (rc != SQLITE_OK) {
    free(ls);
    return map_error(st->s, sqlite3_extended_errcode(db_of(st->s)), "database", e);
  }
  ls->readonly = sqlite3_stmt_readonly(ls->st);
  st->impl = ls;
  return 0;
}

static int lite_step(stmt *st, err *e) {
  lite_stmt *ls = st->impl;
  sqlite3 *db = db_of(st->s);
  if (!ls->readonly) sqlite3_set_last_insert_rowid(db, 0);
  int rc = sqlite3_step(ls->st);
  if (rc == SQLITE_ROW) return STMT_ROW;
  if (rc == SQLITE_DONE) {
    if (!ls->readonly) {
      ls->changes = sqlite3_changes(db);
      ls->inserted = ls->changes > 0 && sqlite3_last_insert_rowid(db) != 0;
    }
    return STMT_DONE;
  }
  int ext = sqlite3_extended_errcode(db);
  int code = map_error(st->s, ext ? ext : rc, "database", e);
  sqlite3_reset(ls->st);
  return code;
}

static void lite_reset(stmt *st) { sqlite3_reset(((lite_stmt *)st->impl)->st); }

static void lite_clear(stmt *st) {
  lite_stmt *ls = st->impl;
  sqlite3_reset(ls->st);
  sqlite3_clear_bindings(ls->st);
}

static void lite_finalize(stmt *st) {
  lite_stmt *ls = st->impl;
  sqlite3_finalize(ls->st);
  free(ls);
}

static int lite_bind(stmt *st, int i, const store_value *v) {
  sqlite3_stmt *s = ((lite_stmt *)st->impl)->st;
  switch (v->type) {
  case STORE_INT: return sqlite3_bind_int64(s, i, v->i) != SQLITE_OK;
  case STORE_REAL: return sqlite3_bind_double(s, i, v->d) != SQLITE_OK;
  case STORE_TEXT: return sqlite3_bind_text(s, i, v->s, -1, v->ref ? SQLITE_STATIC : SQLITE_TRANSIENT) != SQLITE_OK;
  default: return sqlite3_bind_null(s, i) != SQLITE_OK;
  }
}

static int lite_param(stmt *st, const char *name) {
  return sqlite3_bind_parameter_index(((lite_stmt *)st->impl)->st, name);
}

static int lite_columns(stmt *st) { return sqlite3_column_count(((lite_stmt *)st->impl)->st); }

static store_type lite_type(stmt *st, int col) {
  switch (sqlite3_column_type(((lite_stmt *)st->impl)->st, col)) {
  case SQLITE_INTEGER: return STORE_INT;
  case SQLITE_FLOAT: return STORE_REAL;
  case SQLITE_NULL: return STORE_NULL;
  default: return STORE_TEXT;
  }
}

static const char *lite_text(stmt *st, int col) {
  return (const char *)sqlite3_column_text(((lite_stmt *)st->impl)->st, col);
}

static int64_t lite_integer(stmt *st, int col) {
  return sqlite3_column_int64(((lite_stmt *)st->impl)->st, col);
}

static double lite_real(stmt *st, int col) {
  return sqlite3_column_double(((lite_stmt *)st->impl)->st, col);
}

static long lite_changes(stmt *st) { return ((lite_stmt *)st->impl)->changes; }
static int lite_inserted(stmt *st) { return ((lite_stmt *)st->impl)->inserted; }

static void lite_set_busy(store *s, int ms) { sqlite3_busy_timeout(db_of(s), ms); }

static void lite_set_deadline(store *s, long ms) {
  lite *l = s->conn;
  if (ms <= 0) {
    l->deadline.tv_sec = 0;
    return;
  }
  clock_gettime(CLOCK_MONOTONIC, &l->deadline);
  l->deadline.tv_sec += ms / 1000;
  l->deadline.tv_nsec += (ms % 1000) * 1000000L;
  if (l->deadline.tv_nsec >= 1000000000L) {
    l->deadline.tv_sec++;
    l->deadline.tv_nsec -= 1000000000L;
  }
}

static int lite_set_cache(store *s, long kib, err *e) {
  char pragma[64];
  snprintf(pragma, sizeof pragma, "PRAGMA cache_size = -%ld", kib);
  return lite_exec(s, pragma, e);
}

static int64_t lite_data_version(store *s) {
  /* PRAGMA data_version moves when another connection commits; this
   * connection's own changes are counted apart. */
  sqlite3_stmt *st;
  int64_t v = 0;
  if (sqlite3_prepare_v2(db_of(s), "PRAGMA data_version", -1, &st, NULL) == SQLITE_OK) {
    if (sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
  }
  return (v << 32) ^ (int64_t)sqlite3_total_changes64(db_of(s));
}

/* A quoted SQL name ("name", quotes doubled) into out. */
static void quote_name(char *out, size_t cap, const char *name) {
  size_t n = 0;
  if (cap < 3) return;
  out[n++] = '"';
  for (const char *p = name; *p && n + 3 < cap; p++) {
    if (*p == '"') out[n++] = '"';
    out[n++] = *p;
  }
  out[n++] = '"';
  out[n] = 0;
}

/* One column of rows of a query with one text parameter, each passed to fn. */
static int each_row(store *s, const char *sql, const char *param, void (*fn)(store *s, void *ctx, sqlite3_stmt *st),
                    void *ctx, err *e) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db_of(s), sql, -1, &st, NULL) != SQLITE_OK)
    return map_error(s, sqlite3_extended_errcode(db_of(s)), "database", e);
  sqlite3_bind_text(st, 1, param, -1, SQLITE_TRANSIENT);
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) fn(s, ctx, st);
  sqlite3_finalize(st);
  return rc == SQLITE_DONE ? 0 : map_error(s, rc, "database", e);
}

#define BULK_ITEMS_MAX 64
#define BULK_SORT_KIB 4096
#define ANALYZE_ROWS 1000 /* index entries ANALYZE samples */

/* The connection's cache_size as set (pages, or -KiB). */
static long long cache_pages(store *s) {
  sqlite3_stmt *st;
  long long v = -16384;
  if (sqlite3_prepare_v2(db_of(s), "PRAGMA cache_size", -1, &st, NULL) == SQLITE_OK) {
    if (sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
  }
  return v;
}
typedef struct bulk_set {
  char drop[BULK_ITEMS_MAX][320];   /* DROP statements */
  char *create[BULK_ITEMS_MAX];     /* the CREATE statements (malloc'd) */
  char kept[BULK_ITEMS_MAX][140];   /* tables of figures to rebuild (triggers only) */
  int n;
} bulk_set;

/* A trigger "_X_..." on the table keeps _X when the view _X_rebuild says
 * what _X holds (008_performance.sql): set aside. Other triggers stay. */
static void bulk_trigger(store *s, void *ctx, sqlite3_stmt *st) {
  bulk_set *b = ctx;
  const char *name = (const char *)sqlite3_column_text(st, 0), *sql = (const char *)sqlite3_column_text(st, 1);
  const char *us = name ? strrchr(name, '_') : NULL;
  if (!sql || !us || us == name || b->n == BULK_ITEMS_MAX || (size_t)(us - name) >= sizeof b->kept[0] - 9) return;
  char kept[140], view[160];
  snprintf(kept, sizeof kept, "%.*s", (int)(us - name), name);
  snprintf(view, sizeof view, "%s_rebuild", kept);
  sqlite3_stmt *q;
  int has_view = 0;
  if (sqlite3_prepare_v2(db_of(s), "SELECT 1 FROM sqlite_schema WHERE type = 'view' AND name = ?1", -1, &q, NULL) ==
      SQLITE_OK) {
    sqlite3_bind_text(q, 1, view, -1, SQLITE_TRANSIENT);
    has_view = sqlite3_step(q) == SQLITE_ROW;
    sqlite3_finalize(q);
  }
  if (!has_view) return;
  char qn[300];
  quote_name(qn, sizeof qn, name);
  snprintf(b->drop[b->n], sizeof b->drop[0], "DROP TRIGGER %s", qn);
  b->create[b->n] = xstrdup(sql);
  str_copy(b->kept[b->n], sizeof b->kept[0], kept);
  b->n++;
}

static void bulk_index(store *s, void *ctx, sqlite3_stmt *st) {
  (void)s;
  bulk_set *b = ctx;
  const char *name = (const char *)sqlite3_column_text(st, 0), *sql = (const char *)sqlite3_column_text(st, 1);
  if (!name || !sql || b->n == BULK_ITEMS_MAX) return;
  char qn[300];
  quote_name(qn, sizeof qn, name);
  snprintf(b->drop[b->n], sizeof b->drop[0], "DROP INDEX %s", qn);
  b->create[b->n] = xstrdup(sql);
  b->kept[b->n][0] = 0;
  b->n++;
}

/* Sets aside the table's trigger-kept figures and, when it is empty, its
 * indexes (store_bulk_begin; not the partial ones, cheap to keep row by row
 * when few rows enter them, and each a whole scan of the table to build); notes how to put them back: the indexes
 * first (their sorts spill to temporary files, not memory), then each
 * table of figures rebuilt from its view, then the triggers. */
static int lite_bulk_begin(store *s, const char *table, int empty, err *e) {
  bulk_set *tr = xcalloc(1, sizeof *tr), *ix = xcalloc(1, sizeof *ix);
  int rc = each_row(s, "SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = ?1 ORDER BY name",
                    table, bulk_trigger, tr, e);
  if (!rc && empty)
    rc = each_row(s,
                  "SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = ?1 AND sql IS NOT NULL "
                  "AND sql NOT LIKE '% WHERE %' ORDER BY name",
                  table, bulk_index, ix, e);
  for (int i = 0; !rc && i < ix->n; i++) rc = lite_exec(s, ix->drop[i], e);
  for (int i = 0; !rc && i < tr->n; i++) rc = lite_exec(s, tr->drop[i], e);
  if (!rc) {
    if (ix->n) {
      /* The sorts of the index builds spill to temporary files and keep
       * BULK_SORT_KIB in memory (the sorter takes the page cache's size):
       * memory stays flat whatever the number of rows. */
      sqlite3_exec(db_of(s), "PRAGMA temp_store = FILE", NULL, NULL, NULL); /* best effort */
      char pragma[64];
      snprintf(pragma, sizeof pragma, "PRAGMA cache_size = -%d", BULK_SORT_KIB);
      store_bulk_note(s, pragma);
      for (int i = 0; i < ix->n; i++) store_bulk_note(s, ix->create[i]);
      snprintf(pragma, sizeof pragma, "PRAGMA cache_size = %lld", cache_pages(s));
      store_bulk_note(s, pragma);
    }
    /* The tables of figures, rebuilt (their sorts too spill to files). */
    if (tr->n && !ix->n) sqlite3_exec(db_of(s), "PRAGMA temp_store = FILE", NULL, NULL, NULL);
    for (int i = 0; i < tr->n; i++) {
      int seen = 0;
      for (int j = 0; j < i; j++) seen |= !strcmp(tr->kept[j], tr->kept[i]);
      if (seen) continue;
      char qk[300], qv[320], sql[1000];
      char view[160];
      snprintf(view, sizeof view, "%s_rebuild", tr->kept[i]);
      quote_name(qk, sizeof qk, tr->kept[i]);
      quote_name(qv, sizeof qv, view);
      snprintf(sql, sizeof sql, "DELETE FROM %s; INSERT INTO %s SELECT * FROM %s", qk, qk, qv);
      store_bulk_note(s, sql);
    }
    for (int i = 0; i < tr->n; i++) store_bulk_note(s, tr->create[i]);
    if (ix->n || tr->n) store_bulk_note(s, "PRAGMA temp_store = MEMORY");
    /* The planner's statistics of the table, from a sample of each index
     * (without them SQLite takes admin1 = 'Gao' for a rare value and reads
     * a third of the events for a month's indicator). */
    char qt[300], sql[400];
    quote_name(qt, sizeof qt, table);
    snprintf(sql, sizeof sql, "PRAGMA analysis_limit = %d; ANALYZE %s", ANALYZE_ROWS, qt);
    store_bulk_note(s, sql);
  }
  for (int i = 0; i < ix->n; i++) free(ix->create[i]);
  for (int i = 0; i < tr->n; i++) free(tr->create[i]);
  free(ix);
  free(tr);
  return rc;
}

typedef struct lite_fn {
  store_fn fn;
  void *ud;
} lite_fn;

#define FN_ARGS_MAX 8

static void lite_call(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  const lite_fn *f = sqlite3_user_data(ctx);
  store_value args[FN_ARGS_MAX];
  if (argc > FN_ARGS_MAX) {
    sqlite3_result_error(ctx, "too many arguments", -1);
    return;
  }
  for (int i = 0; i < argc; i++) {
    memset(&args[i], 0, sizeof args[i]);
    switch (sqlite3_value_type(argv[i])) {
    case SQLITE_NULL: args[i].type = STORE_NULL; break;
    case SQLITE_INTEGER:
      args[i].type = STORE_INT;
      args[i].i = sqlite3_value_int64(argv[i]);
      args[i].d = (double)args[i].i;
      break;
    case SQLITE_FLOAT:
      args[i].type = STORE_REAL;
      args[i].d = sqlite3_value_double(argv[i]);
      break;
    default:
      args[i].type = STORE_TEXT;
      args[i].s = (const char *)sqlite3_value_text(argv[i]);
      args[i].d = sqlite3_value_double(argv[i]);
      break;
    }
  }
  store_value out = {.type = STORE_NULL};
  char tmp[1024];
  if (f->fn(f->ud, argc, args, &out, tmp, sizeof tmp) < 0) {
    sqlite3_result_error(ctx, "function failed", -1);
    return;
  }
  switch (out.type) {
  case STORE_INT: sqlite3_result_int64(ctx, out.i); break;
  case STORE_REAL: sqlite3_result_double(ctx, out.d); break;
  case STORE_TEXT: sqlite3_result_text(ctx, out.s, -1, SQLITE_TRANSIENT); break;
  default: sqlite3_result_null(ctx); break;
  }
}

static int lite_function(store *s, const char *name, int nargs, int det, store_fn fn, void *ud,
                         err *e) {
  lite_fn *f = xmalloc(sizeof *f);
  f->fn = fn;
  f->ud = ud;
  int flags = SQLITE_UTF8 | (det ? SQLITE_DETERMINISTIC : 0);
  if (sqlite3_create_function_v2(db_of(s), name, nargs, flags, f, lite_call, NULL, NULL, free) !=
      SQLITE_OK)
    return map_error(s, sqlite3_extended_errcode(db_of(s)), "registering functions", e);
  return 0;
}

static int lite_backup(store *s, const char *dest, err *e) {
  sqlite3 *dst = NULL;
  int rc = 0;
  if (sqlite3_open(dest, &dst) != SQLITE_OK) {
    rc = err_set(e, ERR_IO, "cannot write %s", dest);
  } else {
    sqlite3_backup *b = sqlite3_backup_init(dst, "main", db_of(s), "main");
    if (!b) {
      rc = err_set(e, ERR_IO, "cannot back up to %s: %s", dest, sqlite3_errmsg(dst));
    } else {
      /* Copy in steps; a writer in between restarts the copy, so it is
       * consistent as of one moment. */
      int step;
      do {
        step = sqlite3_backup_step(b, 256);
        if (step == SQLITE_BUSY || step == SQLITE_LOCKED) sqlite3_sleep(20);
      } while (step == SQLITE_OK || step == SQLITE_BUSY || step == SQLITE_LOCKED);
      sqlite3_backup_finish(b);
      if (step != SQLITE_DONE) rc = err_set(e, ERR_IO, "backup failed: %s", sqlite3_errstr(step));
    }
  }
  sqlite3_close(dst);
  return rc;
}

/* Counts the rows of a checking pragma that report a problem ("ok" is none). */
static int count_problems(store *s, const char *sql, long *n, err *e) {
  sqlite3_stmt *st;
  *n = 0;
  if (sqlite3_prepare_v2(db_of(s), sql, -1, &st, NULL) != SQLITE_OK)
    return map_error(s, sqlite3_extended_errcode(db_of(s)), "check", e);
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    const char *t = (const char *)sqlite3_column_text(st, 0);
    if (sqlite3_column_type(st, 0) == SQLITE_TEXT && t && !strcmp(t, "ok")) continue;
    (*n)++;
  }
  sqlite3_finalize(st);
  return rc == SQLITE_DONE ? 0 : map_error(s, rc, "check", e);
}

static int lite_check(store *s, long *bad_pages, long *bad_refs, err *e) {
  int rc = count_problems(s, "PRAGMA integrity_check", bad_pages, e);
  if (!rc) rc = count_problems(s, "PRAGMA foreign_key_check", bad_refs, e);
  return rc;
}

const backend_ops backend_sqlite = {
    .dialect = STORE_SQLITE,
    .open = lite_open,
    .close = lite_close,
    .exec = lite_exec,
    .begin = lite_begin,
    .commit = lite_commit,
    .rollback = lite_rollback,
    .tx_active = lite_tx_active,
    .version_get = lite_version_get,
    .version_set = lite_version_set,
    .schema_dir = "src/store/schema/",
    .prepare = lite_prepare,
    .step = lite_step,
    .reset = lite_reset,
    .clear = lite_clear,
    .finalize = lite_finalize,
    .bind = lite_bind,
    .param = lite_param,
    .columns = lite_columns,
    .type = lite_type,
    .text = lite_text,
    .integer = lite_integer,
    .real = lite_real,
    .changes = lite_changes,
    .inserted = lite_inserted,
    .set_busy = lite_set_busy,
    .set_deadline = lite_set_deadline,
    .set_cache = lite_set_cache,
    .data_version = lite_data_version,
    .function = lite_function,
    .backup = lite_backup,
    .check = lite_check,
    .exact_version = 1,
    .bulk_begin = lite_bulk_begin,
};
