/* cmd_copy.c: `bluehelm copy --to TARGET`: the whole database (--db) into a
 * new one, SQLite to PostgreSQL, PostgreSQL to SQLite, or the same backend.
 * Every table of the catalogue is copied, the internal `_` ones too (users,
 * tokens, the audit chain, duplicate decisions...), each after the tables
 * it references, every stored column as it is (generated ones are computed
 * again by the target). The source is read in one snapshot; the target is
 * written in one transaction: all or nothing. */
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/buf.h"
#include "core/str.h"
#include "store/audit.h"

/* Copies one table; *rows receives the number of rows. */
static int copy_table(store *src, store *dst, const char *table, long *rows, err *e) {
  char **cols;
  int ncols;
  *rows = 0;
  int rc = store_columns(src, table, &cols, &ncols, e);
  if (rc) return rc;
  if (!ncols) {
    store_names_free(cols, ncols);
    return err_set(e, ERR_INTERNAL, "the table %s has no columns", table);
  }
  buf sel, ins;
  buf_init(&sel, 0);
  buf_init(&ins, 0);
  buf_puts(&sel, "SELECT ");
  buf_printf(&ins, "INSERT INTO \"%s\" (", table);
  for (int i = 0; i < ncols; i++) {
    buf_printf(&sel, "%s\"%s\"", i ? ", " : "", cols[i]);
    buf_printf(&ins, "%s\"%s\"", i ? ", " : "", cols[i]);
  }
  buf_printf(&sel, " FROM \"%s\"", table);
  buf_puts(&ins, ") VALUES (");
  for (int i = 0; i < ncols; i++) buf_printf(&ins, "%s?%d", i ? ", " : "", i + 1);
  /* The target is new: a conflict cannot happen (the counts below check it);
   * ON CONFLICT lets the rows go in batches (stmt_defer). */
  buf_puts(&ins, ") ON CONFLICT DO NOTHING");
  stmt *r = NULL, *w = NULL;
  rc = store_prepare(src, buf_cstr(&sel), &r, e);
  if (!rc) rc = store_prepare(dst, buf_cstr(&ins), &w, e);
  long queued = 0, inserted = 0, updated = 0;
  while (!rc && (rc = stmt_step(r, e)) == STMT_ROW) {
    for (int i = 0; i < ncols; i++) {
      store_value v = {.type = stmt_type(r, i)};
      if (v.type == STORE_INT) v.i = stmt_int(r, i);
      else if (v.type == STORE_REAL) v.d = stmt_double(r, i);
      else if (v.type == STORE_TEXT) v.s = stmt_text(r, i);
      stmt_bind_value(w, i + 1, &v);
    }
    int d = stmt_defer(w, e);
    if (d < 0) {
      rc = d;
      break;
    }
    if (d == 1) queued++;
    else inserted += stmt_changes(w);
    (*rows)++;
    rc = 0;
  }
  if (rc == STMT_DONE) rc = 0;
  if (!rc && w) rc = stmt_flush(w, &inserted, &updated, e);
  if (!rc && inserted != *rows)
    rc = err_set(e, ERR_CONFLICT, "%s: %ld rows read, %ld written (the target is not empty?)", table, *rows,
                 inserted);
  (void)queued;
  stmt_finalize(w);
  stmt_finalize(r);
  buf_free(&sel);
  buf_free(&ins);
  store_names_free(cols, ncols);
  if (rc && e && !strstr(e->msg, table)) {
    buf msg;
    buf_init(&msg, 0);
    buf_printf(&msg, "copying %s: %s", table, e->msg);
    str_copy(e->msg, sizeof e->msg, buf_cstr(&msg));
    buf_free(&msg);
  }
  return rc;
}

int cmd_copy(cli *c, int argc, char **argv) {
  const char *to = NULL;
  for (int i = 0; i < argc; i++) {
    if (cli_flag(c, argc, argv, &i, "--to", &to)) {
      if (!to) return ERR_USAGE;
    } else {
      return cli_usage_error(c, "copy", "unknown argument %s", argv[i]);
    }
  }
  if (!to || !*to) return cli_usage_error(c, "copy", "give the database to write: --to FILE or --to postgresql://...");
  store *src = NULL, *dst = NULL;
  int rc = cli_open(c, &src, STORE_READONLY);
  if (rc) return rc;
  if (store_schema_version(src) != store_latest_version()) {
    rc = err_set(&c->e, ERR_VERSION,
                 "%s is at schema version %d and this bluehelm writes version %d: run any command on it "
                 "once (it is brought up to date), then copy",
                 store_path(src), store_schema_version(src), store_latest_version());
    store_close(src);
    return rc;
  }
  rc = store_open(&dst, to, STORE_CREATE | STORE_MUST_BE_NEW, &c->e);
  if (rc) {
    store_close(src);
    return rc;
  }
  char **tables = NULL;
  int ntables = 0;
  long total = 0;
  rc = store_snapshot(src, &c->e);
  if (!rc) rc = store_tables(src, &tables, &ntables, &c->e);
  if (!rc) rc = store_begin(dst, &c->e);
  for (int i = 0; !rc && i < ntables; i++) {
    long rows;
    rc = copy_table(src, dst, tables[i], &rows, &c->e);
    total += rows;
  }
  if (!rc) rc = store_commit(dst, &c->e);
  if (rc) store_rollback(dst);
  store_rollback(src);
  if (!rc)
    fprintf(c->out, "copied %d tables, %ld rows, from %s to %s\n", ntables, total, store_path(src),
            store_path(dst));
  /* The audit trail is signed with the source's key: a SQLite copy gets
   * the key beside it (as a backup does); a server database has no place
   * for one, so the user is told where it is. */
  if (!rc && store_dialect_of(dst) == STORE_SQLITE) {
    char key[4200];
    int copied = audit_key_copy(src, to, key, sizeof key, &c->e);
    if (copied < 0) rc = copied;
    else if (copied) fprintf(c->out, "wrote %s (the audit key: keep it with the copy, and secret)\n", key);
  } else if (!rc) {
    char key[4200];
    if (audit_key_path(src, key, sizeof key) && access(key, F_OK) == 0)
      fprintf(c->out,
              "the audit trail is signed with the key %s: give it to commands on the copy with "
              "BLUEHELM_AUDIT_KEY=%s\n",
              key, key);
  }
  store_names_free(tables, ntables);
  int fresh_file = rc && store_dialect_of(dst) == STORE_SQLITE && store_is_new(dst);
  store_close(dst);
  store_close(src);
  if (fresh_file) { /* a new file that holds nothing of the copy */
    char side[4200];
    remove(to);
    snprintf(side, sizeof side, "%s-wal", to);
    remove(side);
    snprintf(side, sizeof side, "%s-shm", to);
    remove(side);
  }
  return rc;
}
