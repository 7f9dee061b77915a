/* store.c: opening, migrating and transactions. */
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/embed.h"
#include "core/str.h"

#define STORE_CACHE_MAX 96

struct store {
  sqlite3 *db;
  struct {
    char *sql; /* owned copy */
    sqlite3_stmt *st;
  } cache[STORE_CACHE_MAX];
  int ncache;
  char path[4096];
  int version;
  int created;
  unsigned long generation;
  void *aux;
  void (*aux_free)(void *);
};

/* Migrations are the embedded files src/store/schema/NNN_name.sql, applied in
 * order; NNN is the schema version each one brings the database to. */
static int migration_number(const char *name) {
  const char *base = strrchr(name, '/');
  base = base ? base + 1 : name;
  if (!str_has_prefix(name, "src/store/schema/")) return -1;
  int v = 0;
  for (int i = 0; i < 3; i++) {
    if (base[i] < '0' || base[i] > '9') return -1;
    v = v * 10 + (base[i] - '0');
  }
  return v;
}

int store_latest_version(void) {
  size_t n;
  const embed_file *f = embed_list(&n);
  int latest = 0;
  for (size_t i = 0; i < n; i++) {
    int v = migration_number(f[i].name);
    if (v > latest) latest = v;
  }
  return latest;
}

int store_error(store *s, err *e, const char *what) {
  return err_set(e, ERR_DB, "%s: %s", what, s && s->db ? sqlite3_errmsg(s->db) : "no database");
}

int store_exec(store *s, const char *sql, err *e) {
  char *msg = NULL;
  if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
    err_set(e, ERR_DB, "database: %s", msg ? msg : sqlite3_errmsg(s->db));
    sqlite3_free(msg);
    return ERR_DB;
  }
  return 0;
}

int store_prepare(store *s, const char *sql, sqlite3_stmt **st, err *e) {
  if (sqlite3_prepare_v2(s->db, sql, -1, st, NULL) != SQLITE_OK) {
    *st = NULL;
    return store_error(s, e, "database");
  }
  return 0;
}

sqlite3_stmt *store_cached(store *s, const char *sql, err *e) {
  for (int i = 0; i < s->ncache; i++)
    if (strcmp(s->cache[i].sql, sql) == 0) {
      sqlite3_stmt *st = s->cache[i].st;
      sqlite3_reset(st);
      sqlite3_clear_bindings(st);
      return st;
    }
  sqlite3_stmt *st;
  if (store_prepare(s, sql, &st, e)) return NULL;
  if (s->ncache == STORE_CACHE_MAX) {
    /* Full: drop the oldest entry. */
    sqlite3_finalize(s->cache[0].st);
    free(s->cache[0].sql);
    memmove(&s->cache[0], &s->cache[1], (STORE_CACHE_MAX - 1) * sizeof s->cache[0]);
    s->ncache--;
  }
  s->cache[s->ncache].sql = strdup(sql);
  if (!s->cache[s->ncache].sql) abort();
  s->cache[s->ncache].st = st;
  s->ncache++;
  return st;
}

static int read_version(store *s) {
  sqlite3_stmt *st;
  int v = -1;
  if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK) {
    if (sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
  }
  return v;
}

static int migrate(store *s, err *e) {
  int latest = store_latest_version();
  if (s->version > latest)
    return err_set(e, ERR_VERSION,
                   "%s was made by a newer bluehelm (schema version %d; this "
                   "bluehelm knows up to %d): use a newer bluehelm",
                   s->path, s->version, latest);
  if (s->version == latest) return 0;
  size_t n;
  const embed_file *f = embed_list(&n);
  /* Apply, in order, every migration newer than the database (numbers may
   * skip); two migrations with one number are a build mistake. */
  for (int v = s->version + 1; v <= latest; v++) {
    const embed_file *m = NULL;
    for (size_t i = 0; i < n; i++)
      if (migration_number(f[i].name) == v) {
        if (m) return err_set(e, ERR_INTERNAL, "two schema migrations are numbered %03d", v);
        m = &f[i];
      }
    if (!m) continue;
    if (store_exec(s, "BEGIN IMMEDIATE", e)) return ERR_DB;
    char pragma[64];
    snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", v);
    if (store_exec(s, (const char *)m->data, e) || store_exec(s, pragma, e)) {
      store_exec(s, "ROLLBACK", NULL);
      return ERR_DB;
    }
    if (store_exec(s, "COMMIT", e)) return ERR_DB;
    s->version = v;
  }
  return 0;
}

int store_open(store **out, const char *path, int flags, err *e) {
  *out = NULL;
  struct stat sb;
  int exists = stat(path, &sb) == 0 && sb.st_size > 0;
  if (!exists && !(flags & STORE_CREATE))
    return err_set(e, ERR_NOT_FOUND,
                   "no database at %s: create one with `bluehelm init` or give --db PATH",
                   path);
  if (exists && (flags & STORE_MUST_BE_NEW))
    return err_set(e, ERR_CONFLICT, "%s already exists: remove it first or choose another --db",
                   path);
  store *s = xcalloc(1, sizeof *s);
  str_copy(s->path, sizeof s->path, path);
  int oflags = (flags & STORE_READONLY) ? SQLITE_OPEN_READONLY
                                        : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  if (sqlite3_open_v2(path, &s->db, oflags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
    err_set(e, ERR_IO, "cannot open %s: %s", path, s->db ? sqlite3_errmsg(s->db) : "out of memory");
    store_close(s);
    return ERR_IO;
  }
  sqlite3_busy_timeout(s->db, 10000);
  sqlite3_extended_result_codes(s->db, 1);
  const char *pragmas =
      "PRAGMA foreign_keys = ON;"
      "PRAGMA synchronous = NORMAL;"
      "PRAGMA cache_size = -16384;"
      "PRAGMA temp_store = MEMORY;";
  if (store_exec(s, pragmas, e)) goto fail;
  s->version = read_version(s);
  if (s->version < 0) {
    err_set(e, ERR_IO, "%s is not a bluehelm database: %s", path, sqlite3_errmsg(s->db));
    goto fail;
  }
  if (!(flags & STORE_READONLY)) {
    if (store_exec(s, "PRAGMA journal_mode = WAL", e)) {
      err_set(e, ERR_IO, "%s is not a bluehelm database (%s)", path, e->msg);
      goto fail;
    }
    s->created = s->version == 0;
    if (migrate(s, e)) goto fail;
  } else if (s->version > store_latest_version()) {
    err_set(e, ERR_VERSION, "%s was made by a newer bluehelm (schema version %d): use a newer bluehelm",
            path, s->version);
    goto fail;
  }
  *out = s;
  return 0;
fail:
  store_close(s);
  return e ? e->code : ERR_DB;
}

void store_close(store *s) {
  if (!s) return;
  if (s->aux_free) s->aux_free(s->aux);
  for (int i = 0; i < s->ncache; i++) {
    sqlite3_finalize(s->cache[i].st);
    free(s->cache[i].sql);
  }
  if (s->db) sqlite3_close_v2(s->db);
  free(s);
}

sqlite3 *store_db(store *s) { return s->db; }
const char *store_path(const store *s) { return s->path; }
int store_schema_version(store *s) { return s->version; }
int store_is_new(const store *s) { return s->created; }
unsigned long store_generation(const store *s) { return s->generation; }
void store_touch(store *s) { s->generation++; }
void *store_aux(store *s) { return s->aux; }

void store_set_aux(store *s, void *p, void (*free_fn)(void *)) {
  if (s->aux_free) s->aux_free(s->aux);
  s->aux = p;
  s->aux_free = free_fn;
}

int store_begin(store *s, err *e) { return store_exec(s, "BEGIN IMMEDIATE", e); }

int store_commit(store *s, err *e) {
  if (sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
    int rc = sqlite3_extended_errcode(s->db);
    if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
      return err_set(e, ERR_VALIDATION, "a reference names a record that does not exist");
    return store_error(s, e, "commit");
  }
  return 0;
}

void store_rollback(store *s) {
  if (!sqlite3_get_autocommit(s->db)) sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}
