/* store.c: the storage seam's backend-independent half: choosing the
 * backend, migrations, transactions, the statement cache, and the checked
 * statement calls that dispatch to the backend. */
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/embed.h"
#include "core/str.h"
#include "store/backend.h"

#define STORE_CACHE_MAX ((int)(sizeof ((store *)0)->cache / sizeof ((store *)0)->cache[0]))

/* Migrations are the embedded files <schema_dir>NNN_name.sql, applied in
 * order; NNN is the schema version each one brings the database to. */
static int migration_number(const char *name, const char *dir) {
  if (!str_has_prefix(name, dir)) return -1;
  const char *base = name + strlen(dir);
  if (strchr(base, '/')) return -1;
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
    int v = migration_number(f[i].name, backend_sqlite.schema_dir);
    if (v > latest) latest = v;
  }
  return latest;
}

static void bulk_forget(store *s) {
  for (int i = 0; i < s->nbulk; i++) free(s->bulk_sql[i]);
  free(s->bulk_sql);
  s->bulk_sql = NULL;
  s->nbulk = s->bulk_on = 0;
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
      if (migration_number(f[i].name, s->ops->schema_dir) == v) {
        if (m) return err_set(e, ERR_INTERNAL, "two schema migrations are numbered %03d", v);
        m = &f[i];
      }
    if (!m) continue;
    if (store_begin(s, e)) return e ? e->code : ERR_DB;
    if (store_exec(s, (const char *)m->data, e) || s->ops->version_set(s, v, e) ||
        store_commit(s, e)) {
      store_rollback(s);
      return e ? e->code : ERR_DB;
    }
    s->version = v;
  }
  return 0;
}

static int is_uri(const char *target) {
  return str_has_prefix(target, "postgresql://") || str_has_prefix(target, "postgres://");
}

int store_open(store **out, const char *target, int flags, err *e) {
  *out = NULL;
  const backend_ops *ops = &backend_sqlite;
  if (is_uri(target)) {
    if (!backend_pg)
      return err_set(e, ERR_USAGE, "this bluehelm was built without PostgreSQL support");
    ops = backend_pg;
  }
  store *s = xcalloc(1, sizeof *s);
  s->ops = ops;
  s->busy_ms = 10000;
  str_copy(s->path, sizeof s->path, target);
  int rc = ops->open(s, target, flags, e);
  if (rc) {
    free(s);
    return rc;
  }
  if ((rc = ops->version_get(s, &s->version, e))) goto fail;
  if ((flags & STORE_MUST_BE_NEW) && s->version > 0) {
    rc = err_set(e, ERR_CONFLICT, "%s already holds a bluehelm database: remove it first or choose another --db",
                 s->path);
    goto fail;
  }
  if (!(flags & STORE_READONLY) && s->readonly && s->version < store_latest_version()) {
    rc = err_set(e, ERR_READONLY,
                 "the database is read-only (%s: %s) and was made by an older bluehelm "
                 "(schema version %d; this one needs %d): open it once where it can be "
                 "written, to bring it up to date",
                 s->path, s->ro_reason, s->version, store_latest_version());
    goto fail;
  }
  if (!(flags & STORE_READONLY) && !s->readonly) {
    s->created = s->version == 0;
    if ((rc = migrate(s, e))) goto fail;
  } else if (s->version > store_latest_version()) {
    rc = err_set(e, ERR_VERSION, "%s was made by a newer bluehelm (schema version %d): use a newer bluehelm",
                 s->path, s->version);
    goto fail;
  }
  *out = s;
  return 0;
fail:
  store_close(s);
  return rc;
}

/* ---- results kept until the database changes (store_result_get) ----
 * Entries are dropped all at once when store_data_version moves, which it
 * does at every commit of any connection and at every change this
 * connection makes; never used inside a transaction (what it reads may yet
 * be rolled back) nor on a backend whose data version does not move with
 * every commit. */

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

static void results_free(store *s) {
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

void store_close(store *s) {
  if (!s) return;
  if (s->aux_free) s->aux_free(s->aux);
  results_free(s);
  bulk_forget(s);
  for (int i = 0; i < s->ncache; i++) {
    s->cache[i].st->cached = 0;
    stmt_finalize(s->cache[i].st);
    free(s->cache[i].sql);
  }
  if (s->conn) s->ops->close(s);
  explicit_bzero(s->audit_key, sizeof s->audit_key);
  free(s);
}

void store_remove(const char *target) {
  if (is_uri(target)) return;
  static const char *const suffix[] = {"-wal", "-shm", "-journal"};
  char name[4200];
  for (unsigned i = 0; i < sizeof suffix / sizeof suffix[0]; i++) {
    snprintf(name, sizeof name, "%s%s", target, suffix[i]);
    remove(name);
  }
  remove(target);
}

store_dialect store_dialect_of(const store *s) { return s->ops->dialect; }
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

int store_readonly(const store *s, const char **why) {
  if (why) *why = s->ro_reason;
  return s->readonly;
}

int store_fault(int code) {
  return code == ERR_FULL || code == ERR_READONLY || code == ERR_BUSY || code == ERR_TIMEOUT ||
         code == ERR_IO || code == ERR_UNAVAILABLE;
}

/* After a failed statement inside a transaction: did the backend end the
 * transaction on its own? Then remember why, and refuse what follows. */
static int note_failure(store *s, int rc, err *e) {
  if (rc >= 0 || !s->in_tx || s->tx_lost.code || s->ops->tx_active(s)) return rc;
  if (e) s->tx_lost = *e;
  else err_set(&s->tx_lost, rc, "the transaction was abandoned (%s)", err_name(rc));
  s->tx_lost.code = rc;
  return rc;
}

/* The first error of an abandoned transaction, again. */
static int tx_lost(store *s, err *e) {
  if (e) *e = s->tx_lost;
  return s->tx_lost.code;
}

int store_exec(store *s, const char *sql, err *e) {
  if (s->in_tx && s->tx_lost.code) return tx_lost(s, e);
  return note_failure(s, s->ops->exec(s, sql, e), e);
}

int store_begin(store *s, err *e) {
  if (s->readonly)
    return err_set(e, ERR_READONLY, "the database is read-only (%s: %s): nothing was stored",
                   s->path, s->ro_reason);
  err_clear(&s->tx_lost);
  int rc = s->ops->begin(s, e);
  if (!rc) {
    s->in_tx = 1;
    s->tx_count++;
    static _Atomic unsigned long last_tx_id;
    s->tx_id = ++last_tx_id;
  }
  return rc;
}

unsigned long store_tx_count(const store *s) { return s->tx_count; }
unsigned long store_tx_id(const store *s) { return s->in_tx ? s->tx_id : 0; }

int store_commit(store *s, err *e) {
  if (s->in_tx && s->tx_lost.code) return tx_lost(s, e);
  /* Never a commit without what a bulk write set aside. */
  if (s->bulk_on && store_bulk_end(s, e)) return e ? e->code : ERR_DB;
  int rc = note_failure(s, s->ops->commit(s, e), e);
  if (!rc) s->in_tx = 0;
  return rc;
}

void store_rollback(store *s) {
  bulk_forget(s);
  s->ops->rollback(s);
  s->in_tx = 0;
  err_clear(&s->tx_lost);
}

int store_in_transaction(store *s) { return s->in_tx; }

int store_snapshot(store *s, err *e) {
  int rc = store_exec(s,
                      s->ops->dialect == STORE_POSTGRES ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
                                                        : "BEGIN",
                      e);
  if (!rc) {
    /* SQLite takes its snapshot at the first read: read now. */
    if (s->ops->dialect == STORE_SQLITE) rc = store_exec(s, "SELECT count(*) FROM sqlite_master", e);
    if (!rc) s->in_tx = 1;
  }
  return rc;
}

int store_serialize(store *s, long key, err *e) {
  if (s->ops->dialect != STORE_POSTGRES) return 0;
  stmt *st = store_cached(s, "SELECT pg_advisory_xact_lock(?)", e);
  if (!st) return e ? e->code : ERR_DB;
  stmt_bind_int(st, 1, key);
  return stmt_run(st, e);
}

/* ---- the catalogue ---- */

static void names_add(char ***names, int *n, const char *v) {
  *names = xrealloc(*names, (size_t)(*n + 1) * sizeof **names);
  (*names)[(*n)++] = xstrdup(v ? v : "");
}

void store_names_free(char **names, int n) {
  for (int i = 0; i < n; i++) free(names[i]);
  free(names);
}

/* Rows of (name) or (from, to) pairs into lists. */
static int read_pairs(store *s, const char *sql, const char *bind, char ***a, char ***b, int *n, err *e) {
  stmt *st;
  int rc = store_prepare(s, sql, &st, e);
  if (rc) return rc;
  if (bind) stmt_bind_text(st, 1, bind);
  int m = 0;
  while ((rc = stmt_step(st, e)) == STMT_ROW) {
    names_add(a, n, stmt_text(st, 0));
    if (b) names_add(b, &m, stmt_text(st, 1));
  }
  stmt_finalize(st);
  return rc < 0 ? rc : 0;
}

int store_tables(store *s, char ***names, int *n, err *e) {
  int pg = s->ops->dialect == STORE_POSTGRES;
  char **all = NULL, **from = NULL, **to = NULL;
  int nall = 0, nref = 0;
  *names = NULL;
  *n = 0;
  int rc = read_pairs(s,
                      pg ? "SELECT c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace ns "
                           "ON ns.oid = c.relnamespace WHERE ns.nspname = current_schema() AND c.relkind = 'r' "
                           "AND c.relname <> '_schema_version' AND to_regclass(quote_ident(c.relname || '_rebuild')) "
                           "IS NULL ORDER BY c.relname COLLATE \"C\""
                         : "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%' "
                           "AND name || '_rebuild' NOT IN (SELECT name FROM sqlite_master WHERE type = 'view') "
                           "ORDER BY name",
                      NULL, &all, NULL, &nall, e);
  if (!rc)
    rc = read_pairs(s,
                    pg ? "SELECT c.relname, r.relname FROM pg_catalog.pg_constraint k "
                         "JOIN pg_catalog.pg_class c ON c.oid = k.conrelid "
                         "JOIN pg_catalog.pg_class r ON r.oid = k.confrelid "
                         "JOIN pg_catalog.pg_namespace ns ON ns.oid = c.relnamespace "
                         "WHERE k.contype = 'f' AND ns.nspname = current_schema()"
                       : "SELECT m.name, f.\"table\" FROM sqlite_master m, pragma_foreign_key_list(m.name) f "
                         "WHERE m.type = 'table'",
                    NULL, &from, &to, &nref, e);
  /* Each table after those it names (a self-reference does not count). */
  char *done = xcalloc((size_t)nall + 1, 1);
  for (int round = 0; !rc && *n < nall; round++) {
    int progress = 0;
    for (int i = 0; i < nall; i++) {
      if (done[i]) continue;
      int ready = 1;
      for (int r = 0; r < nref && ready; r++) {
        if (strcmp(from[r], all[i]) || !strcmp(to[r], all[i])) continue;
        for (int j = 0; j < nall; j++)
          if (!done[j] && !strcmp(all[j], to[r])) ready = 0;
      }
      if (!ready) continue;
      done[i] = 1;
      names_add(names, n, all[i]);
      progress = 1;
    }
    if (!progress) /* a cycle of references: the rest in name order */
      for (int i = 0; i < nall; i++)
        if (!done[i]) {
          done[i] = 1;
          names_add(names, n, all[i]);
        }
  }
  free(done);
  store_names_free(all, nall);
  store_names_free(from, nref);
  store_names_free(to, nref);
  if (rc) {
    store_names_free(*names, *n);
    *names = NULL;
    *n = 0;
  }
  return rc;
}

int store_columns(store *s, const char *table, char ***names, int *n, err *e) {
  *names = NULL;
  *n = 0;
  return read_pairs(s,
                    s->ops->dialect == STORE_POSTGRES
                        ? "SELECT a.attname FROM pg_catalog.pg_attribute a WHERE a.attrelid = to_regclass(quote_ident(?1)) "
                          "AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = '' ORDER BY a.attnum"
                        : "SELECT name FROM pragma_table_xinfo(?1) WHERE hidden = 0 ORDER BY cid",
                    table, names, NULL, n, e);
}

void store_bulk_note(store *s, const char *sql) {
  s->bulk_sql = xrealloc(s->bulk_sql, (size_t)(s->nbulk + 1) * sizeof *s->bulk_sql);
  s->bulk_sql[s->nbulk++] = xstrdup(sql);
}

int store_bulk_begin(store *s, const char *table, int empty, err *e) {
  if (!s->ops->bulk_begin || s->bulk_on) return 0;
  if (!s->in_tx) return err_set(e, ERR_INTERNAL, "store_bulk_begin outside a transaction");
  if (s->tx_lost.code) return tx_lost(s, e);
  s->bulk_on = 1;
  return note_failure(s, s->ops->bulk_begin(s, table, empty, e), e);
}

int store_bulk_end(store *s, err *e) {
  if (!s->bulk_on) return 0;
  int rc = 0;
  for (int i = 0; i < s->nbulk && !rc; i++) rc = store_exec(s, s->bulk_sql[i], e);
  bulk_forget(s);
  return rc;
}

void store_set_busy_timeout(store *s, int ms) {
  s->busy_ms = ms;
  s->ops->set_busy(s, ms);
}

void store_set_deadline(store *s, long ms) { s->ops->set_deadline(s, ms); }
int store_set_cache_kib(store *s, long kib, err *e) { return s->ops->set_cache(s, kib, e); }
int64_t store_data_version(store *s) { return s->ops->data_version(s); }

int store_function(store *s, const char *name, int nargs, int deterministic, store_fn fn,
                   void *ud, err *e) {
  return s->ops->function(s, name, nargs, deterministic, fn, ud, e);
}

int store_backup(store *s, const char *dest, err *e) { return s->ops->backup(s, dest, e); }

int store_check(store *s, long *bad_pages, long *bad_refs, err *e) {
  return s->ops->check(s, bad_pages, bad_refs, e);
}

int store_prepare(store *s, const char *sql, stmt **out, err *e) {
  stmt *st = xcalloc(1, sizeof *st);
  st->s = s;
  st->sql = xstrdup(sql);
  int rc = s->ops->prepare(st, e);
  if (rc) {
    free(st->sql);
    free(st);
    *out = NULL;
    return rc;
  }
  *out = st;
  return 0;
}

stmt *store_cached(store *s, const char *sql, err *e) {
  for (int i = 0; i < s->ncache; i++)
    if (strcmp(s->cache[i].sql, sql) == 0) {
      stmt *st = s->cache[i].st;
      stmt_clear(st);
      return st;
    }
  stmt *st;
  if (store_prepare(s, sql, &st, e)) return NULL;
  if (s->ncache == STORE_CACHE_MAX) {
    /* Full: drop the oldest entry. */
    s->cache[0].st->cached = 0;
    stmt_finalize(s->cache[0].st);
    free(s->cache[0].sql);
    memmove(&s->cache[0], &s->cache[1], (size_t)(STORE_CACHE_MAX - 1) * sizeof s->cache[0]);
    s->ncache--;
  }
  st->cached = 1;
  s->cache[s->ncache].sql = xstrdup(sql);
  s->cache[s->ncache].st = st;
  s->ncache++;
  return st;
}

/* ---- statements ---- */

int stmt_step(stmt *st, err *e) {
  if (st->bind_error) {
    st->bind_error = 0;
    return err_set(e, ERR_INTERNAL, "a value could not be bound to the statement: %.200s", st->sql);
  }
  store *s = st->s;
  if (s->in_tx && s->tx_lost.code) return tx_lost(s, e);
  return note_failure(s, s->ops->step(st, e), e);
}

int stmt_run(stmt *st, err *e) {
  int rc;
  while ((rc = stmt_step(st, e)) == STMT_ROW) {
  }
  stmt_reset(st);
  return rc;
}

void stmt_reset(stmt *st) {
  if (st) st->s->ops->reset(st);
}

void stmt_clear(stmt *st) {
  if (!st) return;
  st->s->ops->clear(st);
  st->bind_error = 0;
}

void stmt_finalize(stmt *st) {
  if (!st) return;
  if (st->cached) {
    stmt_reset(st);
    return;
  }
  st->s->ops->finalize(st);
  free(st->sql);
  free(st);
}

void stmt_bind_value(stmt *st, int i, const store_value *v) {
  if (st->s->ops->bind(st, i, v)) st->bind_error = 1;
}

void stmt_bind_text(stmt *st, int i, const char *v) {
  store_value x = {.type = v ? STORE_TEXT : STORE_NULL, .s = v};
  stmt_bind_value(st, i, &x);
}

void stmt_bind_text_ref(stmt *st, int i, const char *v) {
  store_value x = {.type = v ? STORE_TEXT : STORE_NULL, .s = v, .ref = 1};
  stmt_bind_value(st, i, &x);
}

void stmt_bind_textn(stmt *st, int i, const char *v, size_t n) {
  /* The backends take NUL-terminated text: copy the n bytes. */
  char small[256];
  char *p = n < sizeof small ? small : xmalloc(n + 1);
  memcpy(p, v, n);
  p[n] = 0;
  stmt_bind_text(st, i, p);
  if (p != small) free(p);
}

void stmt_bind_int(stmt *st, int i, int64_t v) {
  store_value x = {.type = STORE_INT, .i = v};
  stmt_bind_value(st, i, &x);
}

void stmt_bind_double(stmt *st, int i, double v) {
  store_value x = {.type = STORE_REAL, .d = v};
  stmt_bind_value(st, i, &x);
}

void stmt_bind_null(stmt *st, int i) {
  store_value x = {.type = STORE_NULL};
  stmt_bind_value(st, i, &x);
}

int stmt_param(stmt *st, const char *name) { return st->s->ops->param(st, name); }
int stmt_columns(stmt *st) { return st->s->ops->columns(st); }
store_type stmt_type(stmt *st, int col) { return st->s->ops->type(st, col); }
int stmt_is_null(stmt *st, int col) { return st->s->ops->type(st, col) == STORE_NULL; }
const char *stmt_text(stmt *st, int col) { return st->s->ops->text(st, col); }
int64_t stmt_int(stmt *st, int col) { return st->s->ops->integer(st, col); }
double stmt_double(stmt *st, int col) { return st->s->ops->real(st, col); }
long stmt_changes(stmt *st) { return st->s->ops->changes(st); }
int stmt_inserted(stmt *st) { return st->s->ops->inserted(st); }
const char *stmt_sql(const stmt *st) { return st->sql; }

int stmt_defer(stmt *st, err *e) {
  if (st->s->ops->defer && st->s->in_tx) {
    if (st->bind_error) {
      st->bind_error = 0;
      return err_set(e, ERR_INTERNAL, "a value could not be bound to the statement: %.200s", st->sql);
    }
    return st->s->ops->defer(st, e);
  }
  int rc = stmt_run(st, e);
  return rc < 0 ? rc : 0;
}

void stmt_on_batch(stmt *st, void (*fn)(void *ctx, const unsigned char *outcome, long n), void *ctx) {
  if (st->s->ops->on_batch) st->s->ops->on_batch(st, fn, ctx);
}

int stmt_flush(stmt *st, long *inserted, long *updated, err *e) {
  if (!st->s->ops->flush) return 0;
  return st->s->ops->flush(st, inserted, updated, e);
}
