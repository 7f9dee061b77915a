/* backend_pg.c: the PostgreSQL backend of the storage seam, over libpq.
 *
 * bluehelm's SQL comes with parameters written `?`, `?N` or `:name`; they
 * are rewritten to PostgreSQL's $N (outside string literals, quoted
 * identifiers and comments). Values travel as text with a type: integers as
 * int8, reals as float8, text and NULL untyped, so PostgreSQL takes the
 * column's type from the context. A statement runs first as an unnamed
 * statement and, from its second run, as a named prepared statement.
 *
 * Rows arrive one at a time (libpq's single-row mode), so a large result
 * is never held whole. One connection runs one query at a time: when
 * another statement needs the connection while a result is still
 * arriving, the rest of that result is read into memory first.
 *
 * Time budgets (store_set_deadline) are kept on this side: a query past its
 * deadline is cancelled. A lost connection is ERR_UNAVAILABLE; the server
 * rolls back whatever transaction was open. */
#include <errno.h>
#include <libpq-fe.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/str.h"
#include "store/backend.h"

/* Type oids (pg_type.h is a server header). */
#define OID_BOOL 16
#define OID_INT8 20
#define OID_INT2 21
#define OID_INT4 23
#define OID_OID 26
#define OID_FLOAT4 700
#define OID_FLOAT8 701
#define OID_NUMERIC 1700

#define DEALLOC_BATCH 32
#define QUEUED_MAX 16
#define STAGE_FLUSH_BYTES (8u << 20)
/* Rows copied straight into a table (a bulk load) go in chunks this large
 * into one COPY left open: the server stores a chunk while the caller reads
 * and checks the next rows, on the other core. Small, so that the socket
 * always holds the server's next rows (a million ACLED rows: 16 KiB 12.9 s,
 * 128 KiB 15 s, 512 KiB 17 s). */
#define COPY_CHUNK_BYTES (16u << 10)
/* A first batch this large into an empty table is a bulk load: the table's
 * secondary indexes are dropped and built again at its end. */
#define BULK_ROWS 10000

typedef struct pgc {
  PGconn *c;
  struct timespec deadline; /* tv_sec 0: none */
  stmt *streaming;          /* the statement whose rows are still arriving */
  unsigned long names;      /* counter for prepared statement names */
  char *dealloc[DEALLOC_BATCH];
  int ndealloc;
  int lost; /* the connection broke */
  unsigned long tx;        /* counts transactions (staging tables live in one) */
  stmt *queued[QUEUED_MAX]; /* statements with rows queued by stmt_defer */
  int nqueued;
  int flushing;
  buf rebuild; /* CREATE INDEX statements owed after a bulk load */
  stmt *copying; /* the statement whose COPY straight into its table is open */
  int copy_rc;   /* a COPY closed by conn_free_for failed: its error, for the next flush */
  err copy_err;
} pgc;

typedef struct pg_stmt {
  char *sql;     /* with $N parameters */
  int nparams;   /* the highest parameter index */
  char **pnames; /* [nparams + 1]: ":name" of a named parameter, or NULL */
  store_type *btype;
  char **bval; /* [nparams + 1]: the bound value as text (in bbuf), NULL for NULL */
  char **bbuf;  /* [nparams + 1]: each parameter's text buffer, kept across binds */
  size_t *bcap; /* [nparams + 1]: their sizes */
  /* prepared form */
  char pname[32];
  int prepared;
  Oid *ptypes; /* the types it was prepared with */
  long runs;
  /* results: the current row is the single row of cur */
  int streaming; /* rows still arriving on the connection */
  int done;      /* the last run ended (STMT_DONE given) */
  PGresult *cur;
  PGresult **queue; /* rows read ahead when another statement needed the connection */
  int qhead, qlen, qcap;
  PGresult *final; /* the result that ended a drained run (command status or error) */
  int upsert;      /* INSERT .. ON CONFLICT: RETURNING (xmax = 0) added, rows consumed here */
  long changes;
  int inserted;
  /* rows queued by stmt_defer */
  char *base_sql;  /* the $N form, without the RETURNING added */
  int stage_plan;  /* 0 not looked at, 1 can be staged, -1 cannot */
  char *table;     /* the table written, for the flush rule */
  char *stage_sql; /* INSERT .. SELECT from the staging table, counting the outcome */
  char stage[32];  /* the staging table */
  char *stage_cols; /* its column definitions */
  unsigned long stage_tx;
  unsigned long bulk_tx; /* the transaction whose first flush was looked at */
  unsigned long direct_tx; /* the transaction in which rows are copied straight into the table */
  char *direct_sql;        /* COPY t (cols) FROM STDIN, when VALUES is ($1, ..., $n) */
  buf rows; /* the queued rows in COPY's text format */
  long nrows;
  long ins, upd; /* outcome of the batches written since the last stmt_flush */
  unsigned char *outcome; /* per queued row: 0 unchanged, 1 inserted, 2 updated */
  long outcap;
  int per_row; /* stage_sql reports each changed row's ordinal */
  void (*on_batch)(void *ctx, const unsigned char *outcome, long n);
  void *on_batch_ctx;
} pg_stmt;

static pgc *conn_of(store *s) { return s->conn; }

/* ---- messages ---- */

/* The first line of a libpq message, without "ERROR:  " or "FATAL:  ". */
static void first_line(const char *msg, char *out, size_t cap) {
  if (!msg) msg = "";
  const char *p = msg;
  for (;;) {
    const char *q = strstr(p, "FATAL:  ");
    const char *r = strstr(p, "ERROR:  ");
    if (!q || (r && r < q)) q = r;
    if (!q) break;
    p = q + 8;
  }
  size_t n = strcspn(p, "\n");
  while (n && (p[n - 1] == ' ' || p[n - 1] == '\r')) n--;
  if (n >= cap) n = cap - 1;
  memcpy(out, p, n);
  out[n] = 0;
}

/* A URI without its password (user:secret@ or ?password=...). */
static void redact_uri(const char *uri, char *out, size_t cap) {
  buf b;
  buf_init(&b, 0);
  const char *scheme = strstr(uri, "://");
  const char *rest = uri;
  if (scheme) {
    buf_append(&b, uri, (size_t)(scheme + 3 - uri));
    rest = scheme + 3;
    const char *at = NULL;
    for (const char *p = rest; *p && *p != '/' && *p != '?'; p++)
      if (*p == '@') at = p;
    if (at) {
      const char *colon = memchr(rest, ':', (size_t)(at - rest));
      buf_append(&b, rest, (size_t)((colon ? colon : at) - rest));
      rest = at;
    }
  }
  /* Query parameters: drop password=... */
  const char *q = strchr(rest, '?');
  if (!q) {
    buf_puts(&b, rest);
  } else {
    buf_append(&b, rest, (size_t)(q - rest));
    int first = 1;
    for (const char *p = q + 1; *p;) {
      size_t n = strcspn(p, "&");
      if (!(n >= 9 && !strncmp(p, "password=", 9))) {
        buf_putc(&b, first ? '?' : '&');
        buf_append(&b, p, n);
        first = 0;
      }
      p += n;
      if (*p == '&') p++;
    }
  }
  str_copy(out, cap, buf_cstr(&b));
  buf_free(&b);
}

static int lost_error(store *s, err *e) {
  pgc *p = conn_of(s);
  char why[300];
  first_line(p && p->c ? PQerrorMessage(p->c) : "", why, sizeof why);
  if (p) p->lost = 1;
  if (s->in_tx)
    return err_set(e, ERR_UNAVAILABLE,
                   "the connection to %s was lost (%s): the transaction was rolled back, nothing of it "
                   "was stored",
                   s->path, why[0] ? why : "no answer");
  return err_set(e, ERR_UNAVAILABLE, "the connection to %s was lost (%s)", s->path, why[0] ? why : "no answer");
}

/* Maps a failed result onto a bluehelm error in e. */
static int result_error(store *s, const PGresult *r, err *e) {
  pgc *p = conn_of(s);
  if (!r || PQstatus(p->c) == CONNECTION_BAD) return lost_error(s, e);
  const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
  const char *primary = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
  char msg[400];
  if (primary) str_copy(msg, sizeof msg, primary);
  else first_line(PQresultErrorMessage(r), msg, sizeof msg);
  if (!state) state = "";
  if (!strcmp(state, "23502")) return err_set(e, ERR_VALIDATION, "a required value is missing (%s)", msg);
  if (!strcmp(state, "23503"))
    return err_set(e, ERR_VALIDATION, "a reference names a record that does not exist");
  if (!strcmp(state, "23505")) return err_set(e, ERR_CONFLICT, "a record with that key already exists (%s)", msg);
  if (!strcmp(state, "40001") || !strcmp(state, "40P01") || !strcmp(state, "55P03"))
    return err_set(e, ERR_BUSY, "the database is busy with another write; try again shortly");
  if (!strcmp(state, "25006")) return err_set(e, ERR_READONLY, "the database is read-only (%s)", s->path);
  if (!strcmp(state, "53100")) return err_set(e, ERR_FULL, "the disk holding %s is full: nothing was stored", s->path);
  if (!strcmp(state, "57014"))
    return err_set(e, ERR_TIMEOUT, "the query took longer than its time budget and was stopped");
  if (!strncmp(state, "08", 2) || !strncmp(state, "57P", 3)) return lost_error(s, e);
  if (!strcmp(state, "25P02"))
    return err_set(e, ERR_DB, "database: an earlier statement of this transaction failed");
  return err_set(e, ERR_DB, "database: %s", msg);
}

/* ---- waiting for results, with the deadline ---- */

static long ms_left(const struct timespec *d) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (long)(d->tv_sec - now.tv_sec) * 1000 + (d->tv_nsec - now.tv_nsec) / 1000000;
}

static void cancel_query(pgc *p) {
  PGcancel *c = PQgetCancel(p->c);
  if (!c) return;
  char errbuf[256];
  PQcancel(c, errbuf, sizeof errbuf);
  PQfreeCancel(c);
}

/* The next result of the running query (NULL at its end); cancels the
 * query once past the deadline. *broken is set when the connection fails. */
static PGresult *next_result(pgc *p, int *broken) {
  int cancelled = 0;
  *broken = 0;
  while (PQisBusy(p->c)) {
    int timeout = -1;
    if (p->deadline.tv_sec && !cancelled) {
      long left = ms_left(&p->deadline);
      if (left <= 0) {
        cancel_query(p);
        cancelled = 1;
      } else {
        timeout = left > 60000 ? 60000 : (int)left;
      }
    }
    struct pollfd pfd = {.fd = PQsocket(p->c), .events = POLLIN};
    if (pfd.fd < 0) {
      *broken = 1;
      return NULL;
    }
    int n = poll(&pfd, 1, timeout);
    if (n < 0 && errno != EINTR) {
      *broken = 1;
      return NULL;
    }
    if (n > 0 && !PQconsumeInput(p->c)) {
      *broken = 1;
      return NULL;
    }
  }
  return PQgetResult(p->c);
}

/* Reads what remains of the streaming statement's results into its queue. */
static void drain(store *s) {
  pgc *p = conn_of(s);
  stmt *st = p->streaming;
  if (!st) return;
  pg_stmt *ps = st->impl;
  p->streaming = NULL;
  ps->streaming = 0;
  for (;;) {
    int broken;
    PGresult *r = next_result(p, &broken);
    if (!r) break;
    if (PQresultStatus(r) == PGRES_SINGLE_TUPLE) {
      if (ps->qlen == ps->qcap) {
        /* Compact, then grow. */
        if (ps->qhead) {
          memmove(ps->queue, ps->queue + ps->qhead, (size_t)(ps->qlen - ps->qhead) * sizeof *ps->queue);
          ps->qlen -= ps->qhead;
          ps->qhead = 0;
        }
        if (ps->qlen == ps->qcap) {
          ps->qcap = ps->qcap ? ps->qcap * 2 : 64;
          ps->queue = xrealloc(ps->queue, (size_t)ps->qcap * sizeof *ps->queue);
        }
      }
      ps->queue[ps->qlen++] = r;
    } else if (!ps->final) {
      ps->final = r;
    } else {
      PQclear(r);
    }
  }
  if (!ps->final) ps->final = PQmakeEmptyPGresult(p->c, PGRES_FATAL_ERROR);
}

/* Reads the results of what was sent until the last, dropping them; with
 * check, the first one that is not a success (a command, rows or an empty
 * query) becomes the error. A connection lost on the way is an error too.
 * Returns 0 or an error code. */
static int await_end(store *s, int check, err *e) {
  pgc *p = conn_of(s);
  int rc = 0;
  for (;;) {
    int broken;
    PGresult *r = next_result(p, &broken);
    if (!r) {
      if (broken && !rc) rc = lost_error(s, e);
      return rc;
    }
    ExecStatusType t = PQresultStatus(r);
    if (check && !rc && t != PGRES_COMMAND_OK && t != PGRES_TUPLES_OK && t != PGRES_EMPTY_QUERY)
      rc = result_error(s, r, e);
    PQclear(r);
  }
}

/* Ends the open COPY of a bulk load (p->copying) and waits for its outcome;
 * abort_msg, when given, makes the server discard it. Returns 0 or an
 * error code. */
static int copy_close(store *s, const char *abort_msg, err *e) {
  pgc *p = conn_of(s);
  if (!p->copying) return 0;
  p->copying = NULL;
  int ok = PQputCopyEnd(p->c, abort_msg) == 1;
  int rc = await_end(s, !abort_msg, e);
  if (!rc && !ok && !abort_msg) rc = lost_error(s, e);
  return rc;
}

/* Makes the connection free for a new query. An open COPY that fails here
 * has aborted the transaction; its error waits for the next flush. */
static void conn_free_for(store *s, stmt *st) {
  pgc *p = conn_of(s);
  if (p->copying && p->copying != st) {
    int rc = copy_close(s, NULL, &p->copy_err);
    if (rc && !p->copy_rc) p->copy_rc = rc;
  }
  if (p->streaming && p->streaming != st) drain(s);
}

static int flush_queued(store *s, const char *sql, err *e);
static int one_value(store *s, const char *sql, char *out, size_t cap, err *e);

/* Runs sql (no parameters, one or more statements) and waits for its end.
 * Returns 0 or an error code. */
static int run_simple(store *s, const char *sql, err *e) {
  pgc *p = conn_of(s);
  if (p->lost) return lost_error(s, e);
  if (!p->flushing) {
    int rc = flush_queued(s, sql, e);
    if (rc) return rc;
  }
  conn_free_for(s, NULL);
  if (!PQsendQuery(p->c, sql)) return lost_error(s, e);
  return await_end(s, 1, e);
}

static void flush_dealloc(store *s) {
  pgc *p = conn_of(s);
  if (!p->ndealloc) return;
  if (!p->lost && PQtransactionStatus(p->c) != PQTRANS_INERROR) {
    buf b;
    buf_init(&b, 0);
    for (int i = 0; i < p->ndealloc; i++) buf_printf(&b, "DEALLOCATE %s;", p->dealloc[i]);
    run_simple(s, buf_cstr(&b), NULL);
    buf_free(&b);
  }
  for (int i = 0; i < p->ndealloc; i++) free(p->dealloc[i]);
  p->ndealloc = 0;
}

/* ---- rows queued by stmt_defer ---- */

static int ident_char(int c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* 1 when sql names the table (as a whole word, quoted or not). */
static int names_table(const char *sql, const char *table) {
  size_t n = strlen(table);
  for (const char *p = strstr(sql, table); p; p = strstr(p + 1, table))
    if ((p == sql || !ident_char((unsigned char)p[-1])) && !ident_char((unsigned char)p[n])) return 1;
  return 0;
}

static void unqueue(pgc *p, stmt *st) {
  for (int i = 0; i < p->nqueued; i++)
    if (p->queued[i] == st) {
      p->queued[i] = p->queued[--p->nqueued];
      return;
    }
}

/* Runs one statement of the flush; 0 or an error code. Reads the outcome
 * counts when ps is given. */
static int flush_step(store *s, const char *sql, pg_stmt *ps, err *e) {
  pgc *p = conn_of(s);
  if (!PQsendQuery(p->c, sql)) return lost_error(s, e);
  int rc = 0;
  for (;;) {
    int broken;
    PGresult *r = next_result(p, &broken);
    if (!r) {
      if (broken && !rc) rc = lost_error(s, e);
      break;
    }
    ExecStatusType t = PQresultStatus(r);
    if (!rc && t != PGRES_COMMAND_OK && t != PGRES_TUPLES_OK) rc = result_error(s, r, e);
    if (!rc && ps && t == PGRES_TUPLES_OK && !ps->per_row && PQntuples(r) == 1) {
      ps->ins += strtol(PQgetvalue(r, 0, 0), NULL, 10);
      ps->upd += strtol(PQgetvalue(r, 0, 1), NULL, 10);
    }
    for (int i = 0; !rc && ps && ps->per_row && t == PGRES_TUPLES_OK && i < PQntuples(r); i++) {
      long n = strtol(PQgetvalue(r, i, 0), NULL, 10);
      int ins = PQgetvalue(r, i, 1)[0] == 't';
      if (ins) ps->ins++;
      else ps->upd++;
      if (n >= 1 && n <= ps->nrows) ps->outcome[n - 1] = ins ? 1 : 2;
    }
    PQclear(r);
  }
  return rc;
}

/* Builds the indexes a bulk load dropped (the statistics are left to
 * autovacuum, as after any COPY). Returns 0 or an error code. */
static int rebuild_indexes(store *s, err *e) {
  pgc *p = conn_of(s);
  if (!p->rebuild.len) return 0;
  /* The references queued for the commit are checked now: an index cannot
   * be built on a table with pending trigger events. */
  buf b;
  buf_init(&b, 0);
  buf_printf(&b, "SET CONSTRAINTS ALL IMMEDIATE; %s SET CONSTRAINTS ALL DEFERRED;", buf_cstr(&p->rebuild));
  char *sql = xstrdup(buf_cstr(&b));
  buf_free(&b);
  buf_reset(&p->rebuild);
  int rc = run_simple(s, sql, e);
  free(sql);
  return rc;
}

/* The first batch of a transaction into an empty table, BULK_ROWS rows or
 * more: what the table keeps up to date row by row is set aside and owed
 * in p->rebuild, to be done once at the end, several times faster:
 *  - its secondary indexes (not the unique ones an upsert needs, nor the
 *    partial ones, which most rows skip while rebuilding one reads the
 *    whole table) are dropped and built again;
 *  - its references (foreign keys) are dropped and added again: adding one
 *    checks every row in one query, where each row inserted would queue a
 *    check per reference for the commit, empty or not. Dropping a
 *    reference locks the table it names (places, operations) until the
 *    commit, as the loaded table is.
 * The references queued so far are checked first (ALTER TABLE refuses a
 * table with checks pending). */
static int maybe_bulk(stmt *st, err *e) {
  pg_stmt *ps = st->impl;
  store *s = st->s;
  pgc *p = conn_of(s);
  if (ps->bulk_tx == p->tx) return 0;
  ps->bulk_tx = p->tx;
  if (ps->nrows < BULK_ROWS) return 0;
  stmt *q;
  int rc = store_prepare(s,
                         "WITH t AS (SELECT to_regclass(quote_ident(?1)) AS t), "
                         "x AS (SELECT x.indexrelid FROM pg_catalog.pg_index x, t WHERE x.indrelid = t.t "
                         "AND NOT x.indisunique AND NOT x.indisprimary AND x.indpred IS NULL), "
                         "c AS (SELECT c.oid, c.conname, c.conkey FROM pg_catalog.pg_constraint c, t "
                         "WHERE c.conrelid = t.t AND c.contype = 'f') "
                         "SELECT (SELECT string_agg(pg_get_indexdef(indexrelid), '; ') FROM x), "
                         "(SELECT string_agg(indexrelid::regclass::text, ', ') FROM x), "
                         "(SELECT string_agg(format('ADD CONSTRAINT %I %s', conname, pg_get_constraintdef(oid)), ', ') "
                         "FROM c), "
                         "(SELECT string_agg(format('DROP CONSTRAINT %I', conname), ', ') FROM c), "
                         "(SELECT string_agg(DISTINCT quote_ident(a.attname), ', ') FROM c, t, pg_catalog.pg_attribute a "
                         "WHERE a.attrelid = t.t AND a.attnum = ANY (c.conkey))",
                         &q, e);
  if (rc) return rc;
  stmt_bind_text(q, 1, ps->table);
  char *v[5] = {NULL, NULL, NULL, NULL, NULL};
  if ((rc = stmt_step(q, e)) == STMT_ROW)
    for (int i = 0; i < 5; i++) v[i] = stmt_text(q, i) ? xstrdup(stmt_text(q, i)) : NULL;
  stmt_finalize(q);
  if (rc < 0) return rc;
  rc = 0;
  buf b;
  buf_init(&b, 0);
  buf_printf(&b, "SELECT 1 FROM \"%s\" LIMIT 1", ps->table);
  char one[8];
  rc = one_value(s, buf_cstr(&b), one, sizeof one, e);
  if (!rc && !one[0]) {
    buf_reset(&b);
    if (v[0] && v[1]) buf_printf(&b, "DROP INDEX %s;", v[1]);
    if (v[2] && v[3])
      buf_printf(&b, "SET CONSTRAINTS ALL IMMEDIATE; ALTER TABLE \"%s\" %s; SET CONSTRAINTS ALL DEFERRED;", ps->table,
                 v[3]);
    rc = run_simple(s, buf_cstr(&b), e);
    if (!rc && v[0] && v[1]) buf_printf(&p->rebuild, "%s;", v[0]);
    /* The statistics of the referencing columns first: the check of each
     * reference can then use its partial index (a column that is mostly
     * empty) instead of reading the whole table. */
    if (!rc && v[2] && v[3] && v[4]) buf_printf(&p->rebuild, "ANALYZE \"%s\" (%s);", ps->table, v[4]);
    if (!rc && v[2] && v[3]) buf_printf(&p->rebuild, "ALTER TABLE \"%s\" %s;", ps->table, v[2]);
    /* The table was empty and this file's keys are distinct: no upsert is
     * needed, the rows can go straight in. */
    if (!rc && ps->direct_sql) ps->direct_tx = p->tx;
  }
  buf_free(&b);
  for (int i = 0; i < 5; i++) free(v[i]);
  return rc;
}

/* Writes st's queued rows: COPY into the staging table, one INSERT ..
 * SELECT, and the staging table emptied. The rows are dropped either way
 * (a failure has aborted the transaction). */
static int flush_rows(stmt *st, err *e) {
  pg_stmt *ps = st->impl;
  store *s = st->s;
  pgc *p = conn_of(s);
  unqueue(p, st);
  if (!ps->nrows) return 0;
  int rc = maybe_bulk(st, e);
  if (rc) {
    buf_reset(&ps->rows);
    ps->nrows = 0;
    return rc;
  }
  p->flushing = 1;
  char sql[96];
  int direct = ps->direct_tx == p->tx && ps->direct_sql;
  /* A bulk load's COPY (direct) stays open for the next rows, and the
   * server's outcome is read when it closes (copy_close): a failure there
   * fails the transaction. The staging table's COPY closes at once. */
  if (p->copying != st) {
    conn_free_for(s, NULL);
    if (!direct) snprintf(sql, sizeof sql, "COPY %s FROM STDIN", ps->stage);
    PGresult *r = PQexec(p->c, direct ? ps->direct_sql : sql);
    if (r && PQresultStatus(r) == PGRES_COPY_IN) p->copying = st;
    else rc = result_error(s, r, e);
    PQclear(r);
  }
  if (!rc && PQputCopyData(p->c, ps->rows.data, (int)ps->rows.len) != 1) rc = lost_error(s, e);
  if (!direct && p->copying == st) {
    int closed = copy_close(s, rc ? "bluehelm could not send the rows" : NULL, e);
    if (!rc) rc = closed;
  }
  if (ps->outcap < ps->nrows) {
    ps->outcap = ps->nrows;
    ps->outcome = xrealloc(ps->outcome, (size_t)ps->outcap);
  }
  memset(ps->outcome, direct ? 1 : 0, (size_t)ps->nrows);
  if (direct) {
    if (!rc) ps->ins += ps->nrows;
  } else {
    if (!rc) rc = flush_step(s, ps->stage_sql, ps, e);
  }
  if (!rc && !direct) {
    snprintf(sql, sizeof sql, "TRUNCATE %s", ps->stage);
    rc = flush_step(s, sql, NULL, e);
  }
  p->flushing = 0;
  if (!rc && ps->on_batch) ps->on_batch(ps->on_batch_ctx, ps->outcome, ps->nrows);
  buf_reset(&ps->rows);
  ps->nrows = 0;
  return rc;
}

/* Before sql runs: the queued rows of the tables it names (all when sql is
 * NULL) are written, and an open COPY is closed (sql needs the connection). */
static int flush_queued(store *s, const char *sql, err *e) {
  pgc *p = conn_of(s);
  for (int i = 0; i < p->nqueued;) {
    stmt *st = p->queued[i];
    pg_stmt *ps = st->impl;
    if (sql && !names_table(sql, ps->table)) {
      i++;
      continue;
    }
    int rc = flush_rows(st, e); /* takes st off the list */
    if (rc) return rc;
  }
  int rc = copy_close(s, NULL, e);
  if (!rc && p->copy_rc) {
    if (e) *e = p->copy_err;
    rc = p->copy_rc;
  }
  return rc;
}

/* The end of the quoted or parenthesized text that starts at p. */
static const char *skip_group(const char *p) {
  int depth = 0;
  for (; *p; p++) {
    if (*p == '\'' || *p == '"') {
      char q = *p;
      for (p++; *p && !(*p == q && p[1] != q); p++)
        if (*p == q) p++;
      if (!*p) return NULL;
    } else if (*p == '(') {
      depth++;
    } else if (*p == ')') {
      if (--depth == 0) return p + 1;
    }
  }
  return NULL;
}

/* Whether st can be staged, and its staging SQL: INSERT INTO t (cols)
 * VALUES (vals) ON CONFLICT ... becomes INSERT INTO t (cols) SELECT vals
 * FROM <stage> _s ON CONFLICT ..., each $N read from the column pN. */
static int plan_stage(store *s, pg_stmt *ps) {
  const char *sql = ps->base_sql;
  if (strncmp(sql, "INSERT INTO ", 12) != 0) return -1;
  const char *t = sql + 12, *te;
  if (*t == '"') {
    te = strchr(t + 1, '"');
    if (!te) return -1;
    ps->table = strndup(t + 1, (size_t)(te - t - 1));
    te++;
  } else {
    for (te = t; ident_char((unsigned char)*te); te++) {
    }
    ps->table = strndup(t, (size_t)(te - t));
  }
  if (!ps->table) abort();
  if (strncmp(te, " (", 2) != 0) return -1;
  const char *cols_end = skip_group(te + 1);
  if (!cols_end || strncmp(cols_end, " VALUES (", 9) != 0) return -1;
  const char *vals = cols_end + 8, *vals_end = skip_group(vals);
  if (!vals_end || strncmp(vals_end, " ON CONFLICT ", 13) != 0 || strchr(vals_end, '$')) return -1;
  snprintf(ps->stage, sizeof ps->stage, "bh_stage_%lu", ++conn_of(s)->names);
  buf b;
  buf_init(&b, 0);
  buf_puts(&b, "WITH _w AS (");
  buf_append(&b, sql, (size_t)(cols_end - sql));
  buf_puts(&b, " SELECT ");
  for (const char *p = vals + 1; p < vals_end - 1; p++) {
    if (*p == '$') {
      buf_puts(&b, "_s.p");
    } else if (*p == '\'' || *p == '"') {
      /* a literal or a quoted name, as it is */
      const char *q = p + 1;
      while (*q && !(*q == *p && q[1] != *p)) q += *q == *p ? 2 : 1;
      buf_append(&b, p, (size_t)(q - p + (*q ? 1 : 0)));
      p = *q ? q : q - 1;
    } else {
      buf_putc(&b, *p);
    }
  }
  buf_printf(&b, " FROM %s _s", ps->stage);
  buf_puts(&b, vals_end);
  /* With a conflict target, each changed row is named by its ordinal in the
   * staging table (its rows are in the order they were queued): the key
   * columns returned are matched to the staged ones. */
  buf on;
  buf_init(&on, 0);
  const char *target = vals_end + 13; /* after " ON CONFLICT " */
  if (*target == '(') {
    const char *te2 = skip_group(target);
    buf ret;
    buf_init(&ret, 0);
    int nk = 0, ok = te2 != NULL;
    for (const char *q = target + 1; ok && q < te2 - 1;) {
      while (*q == ' ' || *q == ',') q++;
      if (*q != '"') {
        ok = 0;
        break;
      }
      const char *qe = strchr(q + 1, '"');
      if (!qe) {
        ok = 0;
        break;
      }
      /* the parameter of that column: its place in the column list */
      int idx = 0, pos = 0;
      for (const char *c = te + 2; c < cols_end - 1 && !idx;) {
        while (*c == ' ' || *c == ',') c++;
        if (*c != '"') break;
        const char *ce = strchr(c + 1, '"');
        if (!ce) break;
        pos++;
        if (ce - c == qe - q && !strncmp(c, q, (size_t)(qe - q))) idx = pos;
        c = ce + 1;
      }
      if (!idx) {
        ok = 0;
        break;
      }
      buf_printf(&ret, "%s_w.\"%.*s\"", nk ? ", " : "", (int)(qe - q - 1), q + 1);
      buf_printf(&on, "%s_n.p%d = _w.\"%.*s\"", nk ? " AND " : "", idx, (int)(qe - q - 1), q + 1);
      nk++;
      q = qe + 1;
    }
    if (ok && nk) {
      ps->per_row = 1;
      buf_puts(&b, " RETURNING ");
      for (const char *q = buf_cstr(&ret); *q; q++) {
        /* RETURNING names the table's columns: drop the _w. prefixes */
        if (!strncmp(q, "_w.", 3)) q += 3;
        buf_putc(&b, *q);
      }
      buf_printf(&b, ", (xmax = 0) AS _ins) SELECT _n.n, _w._ins FROM _w JOIN (SELECT row_number() OVER "
                     "(ORDER BY ctid) AS n, * FROM %s) _n ON %s",
                 ps->stage, buf_cstr(&on));
    }
    buf_free(&ret);
  }
  if (!ps->per_row)
    buf_puts(&b, " RETURNING (xmax = 0) AS _ins) SELECT count(*) FILTER (WHERE _ins), "
                 "count(*) FILTER (WHERE NOT _ins) FROM _w");
  buf_free(&on);
  ps->stage_sql = xstrdup(buf_cstr(&b));
  /* VALUES ($1, $2, ..., $n) in the columns' order: rows can also be copied
   * into the table itself (a bulk load into an empty table). */
  buf_reset(&b);
  for (int i = 1; i <= ps->nparams; i++) buf_printf(&b, "%s$%d", i > 1 ? ", " : "", i);
  if ((size_t)(vals_end - vals - 2) == b.len && !strncmp(vals + 1, buf_cstr(&b), b.len)) {
    buf_reset(&b);
    buf_puts(&b, "COPY ");
    buf_append(&b, sql + 12, (size_t)(cols_end - sql - 12));
    buf_puts(&b, " FROM STDIN");
    ps->direct_sql = xstrdup(buf_cstr(&b));
  }
  buf_free(&b);
  return 1;
}

static const char *type_name(Oid t) {
  switch (t) {
  case OID_INT8: return "bigint";
  case OID_INT4: return "integer";
  case OID_INT2: return "smallint";
  case OID_FLOAT8: return "double precision";
  case OID_FLOAT4: return "real";
  case OID_NUMERIC: return "numeric";
  case OID_BOOL: return "boolean";
  default: return "text COLLATE \"C\""; /* as the tables' text: the keys are matched back */
  }
}

/* COPY's text format: backslash, tab, newline and carriage return escaped. */
static void copy_value(buf *b, const char *v) {
  if (!v) {
    buf_append(b, "\\N", 2);
    return;
  }
  for (;;) {
    size_t n = strcspn(v, "\\\t\n\r");
    if (n) buf_append(b, v, n);
    v += n;
    if (!*v) return;
    buf_append(b, *v == '\\' ? "\\\\" : *v == '\t' ? "\\t" : *v == '\n' ? "\\n" : "\\r", 2);
    v++;
  }
}

static int run_now(stmt *st, err *e);
static int ensure_prepared(stmt *st, err *e);

static int pg_defer(stmt *st, err *e) {
  pg_stmt *ps = st->impl;
  store *s = st->s;
  pgc *p = conn_of(s);
  if (p->lost) return lost_error(s, e);
  if (!ps->stage_plan) ps->stage_plan = plan_stage(s, ps);
  if (ps->stage_plan < 0) return run_now(st, e);
  if (!ps->stage_cols) {
    /* The types PostgreSQL gives the parameters are the staging columns'. */
    int rc = ensure_prepared(st, e);
    if (rc) return rc;
    conn_free_for(s, st);
    PGresult *d = PQdescribePrepared(p->c, ps->pname);
    if (!d || PQresultStatus(d) != PGRES_COMMAND_OK) {
      rc = result_error(s, d, e);
      PQclear(d);
      return rc;
    }
    buf b;
    buf_init(&b, 0);
    for (int i = 1; i <= ps->nparams; i++)
      buf_printf(&b, "%sp%d %s", i > 1 ? ", " : "", i, type_name(i <= PQnparams(d) ? PQparamtype(d, i - 1) : 0));
    PQclear(d);
    ps->stage_cols = xstrdup(buf_cstr(&b));
    buf_free(&b);
  }
  if (ps->stage_tx != p->tx || !ps->stage_tx) {
    buf b;
    buf_init(&b, 0);
    buf_printf(&b, "CREATE TEMP TABLE %s (%s) ON COMMIT DROP", ps->stage, ps->stage_cols);
    int rc = run_simple(s, buf_cstr(&b), e);
    buf_free(&b);
    if (rc) return rc;
    ps->stage_tx = p->tx;
  }
  for (int i = 1; i <= ps->nparams; i++) {
    if (i > 1) buf_putc(&ps->rows, '\t');
    copy_value(&ps->rows, ps->bval[i]);
  }
  buf_putc(&ps->rows, '\n');
  if (ps->rows.overflow) return err_set(e, ERR_TOO_LARGE, "a row is too large to queue");
  if (!ps->nrows++) {
    if (p->nqueued == QUEUED_MAX) {
      int rc = flush_rows(p->queued[0], e);
      if (rc) return rc;
    }
    p->queued[p->nqueued++] = st;
  }
  if (ps->rows.len >= (p->copying == st ? COPY_CHUNK_BYTES : STAGE_FLUSH_BYTES))
    return flush_rows(st, e) ? (e ? e->code : ERR_DB) : 1;
  return 1;
}

static void pg_on_batch(stmt *st, void (*fn)(void *ctx, const unsigned char *outcome, long n), void *ctx) {
  pg_stmt *ps = st->impl;
  ps->on_batch = fn;
  ps->on_batch_ctx = ctx;
}

static int pg_flush(stmt *st, long *inserted, long *updated, err *e) {
  pg_stmt *ps = st->impl;
  /* The indexes of a bulk load are built before the commit, after the
   * caller's own checks of the references (a clearer message). */
  int rc = flush_rows(st, e);
  if (!rc && conn_of(st->s)->copying == st) rc = copy_close(st->s, NULL, e);
  *inserted += ps->ins;
  *updated += ps->upd;
  ps->ins = ps->upd = 0;
  return rc;
}

/* ---- opening ---- */

static void quiet_notices(void *arg, const char *message) {
  (void)arg;
  (void)message;
}

static int pg_exec(store *s, const char *sql, err *e) { return run_simple(s, sql, e); }

static int pg_open(store *s, const char *target, int flags, err *e) {
  char shown[sizeof s->path];
  redact_uri(target, shown, sizeof shown);
  str_copy(s->path, sizeof s->path, shown);
  /* Defaults first: the URI's own settings override them. */
  const char *keys[] = {"connect_timeout", "application_name", "dbname", NULL};
  const char *vals[] = {"10", "bluehelm", target, NULL};
  PGconn *c = PQconnectdbParams(keys, vals, 1);
  if (!c || PQstatus(c) != CONNECTION_OK) {
    char why[400];
    first_line(c ? PQerrorMessage(c) : "out of memory", why, sizeof why);
    PQfinish(c);
    return err_set(e, ERR_UNAVAILABLE, "cannot connect to %s: %s", shown, why);
  }
  PQsetNoticeProcessor(c, quiet_notices, NULL);
  if (PQsetClientEncoding(c, "UTF8") != 0) {
    PQfinish(c);
    return err_set(e, ERR_UNAVAILABLE, "%s: the server does not accept UTF-8", shown);
  }
  if (flags & STORE_READONLY) {
    s->readonly = 1;
    str_copy(s->ro_reason, sizeof s->ro_reason, "it was opened for reading only");
  }
  pgc *p = xcalloc(1, sizeof *p);
  p->c = c;
  buf_init(&p->rebuild, 0);
  s->conn = p;
  char setup[256];
  snprintf(setup, sizeof setup,
           "SET lock_timeout = %d; SET statement_timeout = 0; SET TIME ZONE 'UTC';"
           "SET standard_conforming_strings = on;%s",
           s->busy_ms, (flags & STORE_READONLY) ? " SET default_transaction_read_only = on;" : "");
  int rc = run_simple(s, setup, e);
  if (rc) {
    PQfinish(c);
    free(p);
    s->conn = NULL;
  }
  return rc;
}

static void pg_close(store *s) {
  pgc *p = conn_of(s);
  for (int i = 0; i < p->ndealloc; i++) free(p->dealloc[i]);
  buf_free(&p->rebuild);
  PQfinish(p->c);
  free(p);
  s->conn = NULL;
}

/* ---- schema version: one row in _schema_version ---- */

static int one_value(store *s, const char *sql, char *out, size_t cap, err *e) {
  pgc *p = conn_of(s);
  conn_free_for(s, NULL);
  PGresult *r = PQexec(p->c, sql);
  int rc = 0;
  out[0] = 0;
  if (!r || PQresultStatus(r) != PGRES_TUPLES_OK) rc = result_error(s, r, e);
  else if (PQntuples(r) > 0) str_copy(out, cap, PQgetvalue(r, 0, 0));
  PQclear(r);
  return rc;
}

static int pg_version_get(store *s, int *v, err *e) {
  char val[64];
  *v = -1;
  int rc = one_value(s, "SELECT to_regclass('_schema_version') IS NOT NULL", val, sizeof val, e);
  if (rc) return rc;
  if (!strcmp(val, "t")) {
    if ((rc = one_value(s, "SELECT max(version) FROM _schema_version", val, sizeof val, e))) return rc;
    *v = val[0] ? (int)strtol(val, NULL, 10) : 0;
    return 0;
  }
  /* No version table: an empty database is new; anything else is not ours. */
  rc = one_value(s,
                 "SELECT count(*) FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n "
                 "ON n.oid = c.relnamespace WHERE n.nspname = current_schema() "
                 "AND c.relkind IN ('r', 'p', 'v', 'm', 'f')",
                 val, sizeof val, e);
  if (rc) return rc;
  if (strcmp(val, "0") != 0)
    return err_set(e, ERR_IO, "%s is not a bluehelm database: it holds tables but no _schema_version", s->path);
  *v = 0;
  return 0;
}

static int pg_version_set(store *s, int v, err *e) {
  char sql[200];
  snprintf(sql, sizeof sql,
           "CREATE TABLE IF NOT EXISTS _schema_version (version integer NOT NULL);"
           "DELETE FROM _schema_version; INSERT INTO _schema_version VALUES (%d)",
           v);
  return run_simple(s, sql, e);
}

/* ---- transactions ---- */

static int pg_begin(store *s, err *e) {
  flush_dealloc(s);
  conn_of(s)->tx++;
  return run_simple(s, "BEGIN", e);
}

static int pg_commit(store *s, err *e) {
  pgc *p = conn_of(s);
  if (p->lost) return lost_error(s, e);
  int rc = flush_queued(s, NULL, e);
  if (!rc) rc = rebuild_indexes(s, e);
  if (rc) return rc;
  conn_free_for(s, NULL);
  PGresult *r = PQexec(p->c, "COMMIT");
  if (!r || PQresultStatus(r) != PGRES_COMMAND_OK) rc = result_error(s, r, e);
  else if (!strcmp(PQcmdStatus(r), "ROLLBACK"))
    rc = err_set(e, ERR_DB, "a statement of the transaction failed: it was rolled back");
  PQclear(r);
  return rc;
}

/* PostgreSQL keeps a failed transaction open but refuses everything until
 * ROLLBACK: it is no longer the transaction store_begin opened. */
static int pg_tx_active(store *s) {
  pgc *p = conn_of(s);
  if (p->lost || PQstatus(p->c) != CONNECTION_OK) return 0;
  PGTransactionStatusType t = PQtransactionStatus(p->c);
  return t == PQTRANS_INTRANS || t == PQTRANS_ACTIVE;
}

static void pg_rollback(store *s) {
  pgc *p = conn_of(s);
  /* Queued rows go with the transaction. */
  while (p->nqueued) {
    pg_stmt *ps = p->queued[0]->impl;
    buf_reset(&ps->rows);
    ps->nrows = 0;
    unqueue(p, p->queued[0]);
  }
  buf_reset(&p->rebuild); /* the dropped indexes come back with the rollback */
  p->copy_rc = 0;
  if (p->lost) {
    p->copying = NULL;
    return;
  }
  copy_close(s, "rolled back", NULL);
  conn_free_for(s, NULL);
  if (PQtransactionStatus(p->c) != PQTRANS_IDLE) run_simple(s, "ROLLBACK", NULL);
}

/* ---- statements ---- */

static int is_ident(int c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c >= 0x80;
}

/* Rewrites ?, ?N and :name to $N as SQLite numbers them: ? takes the next
 * number after the largest so far, :name keeps one number for all its uses. */
static int rewrite_params(pg_stmt *ps, const char *sql, err *e) {
  buf out;
  buf_init(&out, 0);
  int max = 0, cap = 8;
  char **names = xcalloc((size_t)cap + 1, sizeof *names);
  const char *p = sql;
  while (*p) {
    char c = *p;
    if (c == '\'' || c == '"') {
      const char *q = p + 1;
      for (;;) {
        if (!*q) break;
        if (*q == c) {
          if (q[1] == c) q += 2;
          else {
            q++;
            break;
          }
        } else q++;
      }
      buf_append(&out, p, (size_t)(q - p));
      p = q;
    } else if (c == '-' && p[1] == '-') {
      size_t n = strcspn(p, "\n");
      buf_append(&out, p, n);
      p += n;
    } else if (c == '/' && p[1] == '*') {
      const char *q = strstr(p + 2, "*/");
      q = q ? q + 2 : p + strlen(p);
      buf_append(&out, p, (size_t)(q - p));
      p = q;
    } else if (c == '?' || (c == ':' && p[1] != ':' && (p == sql || p[-1] != ':') && is_ident((unsigned char)p[1]) &&
                            !(p[1] >= '0' && p[1] <= '9'))) {
      int idx;
      const char *q = p + 1;
      if (c == '?') {
        if (*q >= '0' && *q <= '9') {
          long v = 0;
          while (*q >= '0' && *q <= '9') v = v * 10 + (*q++ - '0');
          if (v < 1 || v > 32766) {
            buf_free(&out);
            for (int i = 0; i <= cap; i++) free(names[i]);
            free(names);
            return err_set(e, ERR_DB, "database: parameter ?%ld out of range", v);
          }
          idx = (int)v;
        } else {
          idx = max + 1;
        }
      } else {
        while (is_ident((unsigned char)*q)) q++;
        idx = 0;
        for (int i = 1; i <= max && i <= cap; i++)
          if (names[i] && strlen(names[i]) == (size_t)(q - p) && !strncmp(names[i], p, (size_t)(q - p))) idx = i;
        if (!idx) idx = max + 1;
      }
      if (idx > cap) {
        int ncap = cap;
        while (ncap < idx) ncap *= 2;
        names = xrealloc(names, ((size_t)ncap + 1) * sizeof *names);
        memset(names + cap + 1, 0, (size_t)(ncap - cap) * sizeof *names);
        cap = ncap;
      }
      if (c == ':' && !names[idx]) names[idx] = strndup(p, (size_t)(q - p));
      if (idx > max) max = idx;
      buf_printf(&out, "$%d", idx);
      p = q;
    } else {
      buf_putc(&out, c);
      p++;
    }
  }
  ps->sql = xstrdup(buf_cstr(&out));
  buf_free(&out);
  ps->nparams = max;
  ps->pnames = xcalloc((size_t)max + 1, sizeof *ps->pnames);
  for (int i = 1; i <= max && i <= cap; i++) ps->pnames[i] = names[i];
  for (int i = max + 1; i <= cap; i++) free(names[i]);
  free(names);
  ps->btype = xcalloc((size_t)max + 1, sizeof *ps->btype);
  ps->bval = xcalloc((size_t)max + 1, sizeof *ps->bval);
  ps->bbuf = xcalloc((size_t)max + 1, sizeof *ps->bbuf);
  ps->bcap = xcalloc((size_t)max + 1, sizeof *ps->bcap);
  ps->ptypes = xcalloc((size_t)max + 1, sizeof *ps->ptypes);
  return 0;
}

/* An upsert whose outcome the writer asks for: INSERT .. ON CONFLICT
 * without RETURNING. RETURNING (xmax = 0) tells an inserted row (true) from
 * an updated one; the rows are consumed by step. */
static int wants_returning(const char *sql) {
  while (*sql == ' ' || *sql == '\n') sql++;
  if (strncmp(sql, "INSERT", 6) != 0) return 0;
  return strstr(sql, " ON CONFLICT ") && !strstr(sql, "RETURNING") && !strstr(sql, "DO NOTHING");
}

static int pg_prepare(stmt *st, err *e) {
  pg_stmt *ps = xcalloc(1, sizeof *ps);
  if (rewrite_params(ps, st->sql, e)) {
    free(ps);
    return e ? e->code : ERR_DB;
  }
  if (wants_returning(ps->sql)) {
    size_t n = strlen(ps->sql);
    char *sql = xmalloc(n + 32);
    memcpy(sql, ps->sql, n);
    memcpy(sql + n, " RETURNING (xmax = 0)", 22);
    ps->base_sql = ps->sql;
    ps->sql = sql;
    ps->upsert = 1;
  } else {
    ps->base_sql = xstrdup(ps->sql);
  }
  buf_init(&ps->rows, 0);
  st->impl = ps;
  return 0;
}

static void clear_results(store *s, stmt *st) {
  pg_stmt *ps = st->impl;
  pgc *p = conn_of(s);
  if (p->streaming == st) drain(s);
  PQclear(ps->cur);
  ps->cur = NULL;
  for (int i = ps->qhead; i < ps->qlen; i++) PQclear(ps->queue[i]);
  ps->qhead = ps->qlen = 0;
  PQclear(ps->final);
  ps->final = NULL;
  ps->streaming = 0;
}

static Oid type_oid(store_type t) {
  switch (t) {
  case STORE_INT: return OID_INT8;
  case STORE_REAL: return OID_FLOAT8;
  default: return 0; /* text and NULL: PostgreSQL takes the context's type */
  }
}

/* The parameter types of st's current bindings (a NULL keeps the type it
 * was prepared with); the caller frees the array ([0] unused). */
static Oid *binding_types(pg_stmt *ps) {
  Oid *types = xcalloc((size_t)ps->nparams + 1, sizeof *types);
  for (int i = 1; i <= ps->nparams; i++) {
    types[i] = type_oid(ps->btype[i]);
    if (ps->btype[i] == STORE_NULL && ps->prepared) types[i] = ps->ptypes[i];
  }
  return types;
}

/* Prepares st as a named statement for its bindings' types (again when
 * they changed). Returns 0 or an error code. */
static int prepare_named(stmt *st, const Oid *types, err *e) {
  store *s = st->s;
  pgc *p = conn_of(s);
  pg_stmt *ps = st->impl;
  if (ps->prepared) {
    int same = 1;
    for (int i = 1; i <= ps->nparams; i++)
      if (types[i] != ps->ptypes[i]) same = 0;
    if (same) return 0;
    /* Another type at some parameter: prepare again. */
    if (p->ndealloc == DEALLOC_BATCH) flush_dealloc(s);
    p->dealloc[p->ndealloc++] = xstrdup(ps->pname);
    ps->prepared = 0;
  }
  conn_free_for(s, st);
  snprintf(ps->pname, sizeof ps->pname, "bh_%lu", ++p->names);
  PGresult *r = PQprepare(p->c, ps->pname, ps->sql, ps->nparams, types + 1);
  if (!r || PQresultStatus(r) != PGRES_COMMAND_OK) {
    int rc = result_error(s, r, e);
    PQclear(r);
    return rc;
  }
  PQclear(r);
  ps->prepared = 1;
  memcpy(ps->ptypes, types, (size_t)(ps->nparams + 1) * sizeof *types);
  return 0;
}

static int ensure_prepared(stmt *st, err *e) {
  Oid *types = binding_types(st->impl);
  int rc = prepare_named(st, types, e);
  free(types);
  return rc;
}

/* Sends st's query with its bindings. Returns 0 or an error code. */
static int send_query(stmt *st, err *e) {
  store *s = st->s;
  pgc *p = conn_of(s);
  pg_stmt *ps = st->impl;
  if (p->lost) return lost_error(s, e);
  int rc = flush_queued(s, ps->sql, e);
  if (rc) return rc;
  conn_free_for(s, st);
  Oid *types = binding_types(ps);
  /* From its second run, a statement is prepared once and reused. */
  if (ps->runs >= 1 || ps->prepared) rc = prepare_named(st, types, e);
  if (rc) {
    free(types);
    return rc;
  }
  const char *const *vals = (const char *const *)(ps->bval + 1);
  int ok;
  if (ps->prepared) ok = PQsendQueryPrepared(p->c, ps->pname, ps->nparams, vals, NULL, NULL, 0);
  else ok = PQsendQueryParams(p->c, ps->sql, ps->nparams, types + 1, vals, NULL, NULL, 0);
  free(types);
  if (!ok) return lost_error(s, e);
  PQsetSingleRowMode(p->c);
  ps->runs++;
  ps->streaming = 1;
  p->streaming = st;
  return 0;
}

/* The next result of st: from its queue, or from the connection. */
static PGresult *take_result(stmt *st, int *broken) {
  pg_stmt *ps = st->impl;
  *broken = 0;
  if (ps->qhead < ps->qlen) return ps->queue[ps->qhead++];
  if (ps->final) {
    PGresult *r = ps->final;
    ps->final = NULL;
    return r;
  }
  if (!ps->streaming) return NULL;
  pgc *p = conn_of(st->s);
  PGresult *r = next_result(p, broken);
  if (!r || PQresultStatus(r) != PGRES_SINGLE_TUPLE) {
    /* The end of the rows: read up to the query's end, freeing the connection. */
    for (;;) {
      int b2;
      PGresult *x = next_result(p, &b2);
      if (!x) break;
      PQclear(x);
    }
    ps->streaming = 0;
    if (p->streaming == st) p->streaming = NULL;
  }
  return r;
}

static int pg_step(stmt *st, err *e) {
  pg_stmt *ps = st->impl;
  store *s = st->s;
  if (ps->done) {
    /* As SQLite: a step after the end runs the statement again. */
    clear_results(s, st);
    ps->done = 0;
  }
  if (!ps->streaming && !ps->cur && ps->qhead == ps->qlen && !ps->final) {
    int rc = send_query(st, e);
    if (rc) return rc;
    ps->changes = 0;
    ps->inserted = 0;
  }
  for (;;) {
    PQclear(ps->cur);
    ps->cur = NULL;
    int broken;
    PGresult *r = take_result(st, &broken);
    if (!r) {
      ps->done = 1;
      if (broken) return lost_error(s, e);
      return err_set(e, ERR_DB, "database: the query ended without a result");
    }
    ExecStatusType t = PQresultStatus(r);
    if (t == PGRES_SINGLE_TUPLE) {
      if (ps->upsert) {
        ps->changes++;
        if (!strcmp(PQgetvalue(r, 0, 0), "t")) ps->inserted = 1;
        PQclear(r);
        continue;
      }
      ps->cur = r;
      return STMT_ROW;
    }
    ps->done = 1;
    if (t == PGRES_COMMAND_OK || t == PGRES_TUPLES_OK || t == PGRES_EMPTY_QUERY) {
      if (!ps->upsert) {
        const char *n = PQcmdTuples(r);
        ps->changes = n && *n ? strtol(n, NULL, 10) : 0;
      }
      PQclear(r);
      return STMT_DONE;
    }
    int rc = result_error(s, r, e);
    PQclear(r);
    return rc;
  }
}

static void pg_reset(stmt *st) {
  pg_stmt *ps = st->impl;
  clear_results(st->s, st);
  ps->done = 0;
}

static void unbind_all(pg_stmt *ps) {
  for (int i = 1; i <= ps->nparams; i++) {
    ps->bval[i] = NULL;
    ps->btype[i] = STORE_NULL;
  }
}

static void pg_clear(stmt *st) {
  pg_reset(st);
  unbind_all(st->impl);
}

static void pg_finalize(stmt *st) {
  pg_stmt *ps = st->impl;
  store *s = st->s;
  pgc *p = conn_of(s);
  if (ps->nrows) flush_rows(st, NULL); /* a failure has aborted the transaction: its commit fails */
  if (p->copying == st) {
    int rc = copy_close(s, NULL, &p->copy_err);
    if (rc && !p->copy_rc) p->copy_rc = rc;
  }
  clear_results(s, st);
  if (ps->prepared && !p->lost) {
    if (p->ndealloc == DEALLOC_BATCH) flush_dealloc(s);
    p->dealloc[p->ndealloc++] = xstrdup(ps->pname);
  }
  unbind_all(ps);
  for (int i = 1; i <= ps->nparams; i++) free(ps->pnames[i]);
  free(ps->pnames);
  free(ps->btype);
  for (int i = 1; i <= ps->nparams; i++) free(ps->bbuf[i]);
  free(ps->bval);
  free(ps->bbuf);
  free(ps->bcap);
  free(ps->ptypes);
  free(ps->queue);
  free(ps->sql);
  free(ps->base_sql);
  free(ps->table);
  free(ps->stage_sql);
  free(ps->direct_sql);
  free(ps->outcome);
  free(ps->stage_cols);
  buf_free(&ps->rows);
  free(ps);
}

/* Runs st to its end now (a statement stmt_defer cannot queue). */
static int run_now(stmt *st, err *e) {
  int rc;
  while ((rc = pg_step(st, e)) == STMT_ROW) {
  }
  pg_reset(st);
  return rc < 0 ? rc : 0;
}

/* An integer in decimal into out (24 bytes at least); returns its length. */
static size_t int_text(int64_t v, char *out) {
  char tmp[24];
  size_t n = 0;
  uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
  do {
    tmp[n++] = (char)('0' + u % 10);
    u /= 10;
  } while (u);
  size_t len = 0;
  if (v < 0) out[len++] = '-';
  while (n) out[len++] = tmp[--n];
  out[len] = 0;
  return len;
}

/* A real as text that PostgreSQL reads back as the same double: a value
 * with at most 8 decimals (coordinates, as most are) is written with just
 * those (m / 10^k is the double itself: both are correctly rounded from
 * the same number), any other as %.17g. */
static void real_text(double d, char *out, size_t cap) {
  static const double p10[] = {1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8};
  if (d != 0 && d > -1e7 && d < 1e7) {
    for (int k = 0; k <= 8; k++) {
      double scaled = d * p10[k];
      int64_t m = (int64_t)(scaled < 0 ? scaled - 0.5 : scaled + 0.5);
      if ((double)m / p10[k] != d) continue;
      char digits[24];
      int neg = m < 0;
      size_t n = int_text(neg ? -m : m, digits), len = 0;
      if (neg) out[len++] = '-';
      if (n <= (size_t)k) { /* 0.00ddd */
        out[len++] = '0';
        out[len++] = '.';
        for (size_t z = n; z < (size_t)k; z++) out[len++] = '0';
        memcpy(out + len, digits, n);
        len += n;
      } else {
        memcpy(out + len, digits, n - (size_t)k);
        len += n - (size_t)k;
        if (k) {
          out[len++] = '.';
          memcpy(out + len, digits + n - (size_t)k, (size_t)k);
          len += (size_t)k;
        }
      }
      out[len] = 0;
      return;
    }
  }
  snprintf(out, cap, "%.17g", d);
}

/* The text of parameter i: n bytes copied into its kept buffer. */
static void bind_text(pg_stmt *ps, int i, const char *v, size_t n) {
  if (ps->bcap[i] < n + 1) {
    ps->bcap[i] = n + 1 < 64 ? 64 : n + 1;
    free(ps->bbuf[i]);
    ps->bbuf[i] = xmalloc(ps->bcap[i]);
  }
  memcpy(ps->bbuf[i], v, n);
  ps->bbuf[i][n] = 0;
  ps->bval[i] = ps->bbuf[i];
}

static int pg_bind(stmt *st, int i, const store_value *v) {
  pg_stmt *ps = st->impl;
  if (i < 1 || i > ps->nparams) return 1;
  ps->bval[i] = NULL;
  ps->btype[i] = v->type;
  char tmp[40];
  switch (v->type) {
  case STORE_INT: bind_text(ps, i, tmp, int_text(v->i, tmp)); break;
  case STORE_REAL:
    real_text(v->d, tmp, sizeof tmp);
    bind_text(ps, i, tmp, strlen(tmp));
    break;
  case STORE_TEXT: bind_text(ps, i, v->s, strlen(v->s)); break;
  default: ps->btype[i] = STORE_NULL; break;
  }
  return 0;
}

static int pg_param(stmt *st, const char *name) {
  pg_stmt *ps = st->impl;
  for (int i = 1; i <= ps->nparams; i++)
    if (ps->pnames[i] && !strcmp(ps->pnames[i], name)) return i;
  return 0;
}

static int pg_columns(stmt *st) {
  pg_stmt *ps = st->impl;
  return ps->cur ? PQnfields(ps->cur) : 0;
}

static int has_col(stmt *st, int col) {
  pg_stmt *ps = st->impl;
  return ps->cur && col >= 0 && col < PQnfields(ps->cur) && !PQgetisnull(ps->cur, 0, col);
}

static store_type pg_type(stmt *st, int col) {
  if (!has_col(st, col)) return STORE_NULL;
  PGresult *r = ((pg_stmt *)st->impl)->cur;
  switch (PQftype(r, col)) {
  case OID_BOOL:
  case OID_INT2:
  case OID_INT4:
  case OID_INT8:
  case OID_OID: return STORE_INT;
  case OID_FLOAT4:
  case OID_FLOAT8: return STORE_REAL;
  case OID_NUMERIC: return strpbrk(PQgetvalue(r, 0, col), ".eEN") ? STORE_REAL : STORE_INT;
  default: return STORE_TEXT;
  }
}

static const char *pg_text(stmt *st, int col) {
  if (!has_col(st, col)) return NULL;
  PGresult *r = ((pg_stmt *)st->impl)->cur;
  char *v = PQgetvalue(r, 0, col);
  Oid t = PQftype(r, col);
  if (t == OID_BOOL) return v[0] == 't' ? "1" : "0";
  if (t == OID_NUMERIC && strchr(v, '.') && !strpbrk(v, "eE")) {
    /* As SQLite writes numbers: no trailing zeros after the point. */
    size_t n = strlen(v);
    while (n && v[n - 1] == '0') v[--n] = 0;
    if (n && v[n - 1] == '.') v[--n] = 0;
  }
  return v;
}

static int64_t pg_integer(stmt *st, int col) {
  const char *v = pg_text(st, col);
  if (!v) return 0;
  if (strpbrk(v, ".eEnN")) {
    double d = strtod(v, NULL);
    if (d != d) return 0;
    if (d >= 9.2233720368547758e18) return INT64_MAX;
    if (d <= -9.2233720368547758e18) return INT64_MIN;
    return (int64_t)d;
  }
  return strtoll(v, NULL, 10);
}

static double pg_real(stmt *st, int col) {
  const char *v = pg_text(st, col);
  return v ? strtod(v, NULL) : 0.0;
}

static long pg_changes(stmt *st) { return ((pg_stmt *)st->impl)->changes; }
static int pg_inserted(stmt *st) { return ((pg_stmt *)st->impl)->inserted; }

static void pg_set_busy(store *s, int ms) {
  char sql[64];
  /* 0 is no wait at all (as SQLite's busy timeout), not PostgreSQL's "no limit" */
  snprintf(sql, sizeof sql, "SET lock_timeout = %d", ms > 0 ? ms : 1);
  run_simple(s, sql, NULL);
}

static void pg_set_deadline(store *s, long ms) {
  pgc *p = conn_of(s);
  if (ms <= 0) {
    p->deadline.tv_sec = 0;
    return;
  }
  clock_gettime(CLOCK_MONOTONIC, &p->deadline);
  p->deadline.tv_sec += ms / 1000;
  p->deadline.tv_nsec += (ms % 1000) * 1000000L;
  if (p->deadline.tv_nsec >= 1000000000L) {
    p->deadline.tv_sec++;
    p->deadline.tv_nsec -= 1000000000L;
  }
}

static int pg_set_cache(store *s, long kib, err *e) {
  (void)s;
  (void)kib;
  (void)e;
  return 0; /* the server's shared buffers serve every connection */
}

static int64_t pg_data_version(store *s) {
  /* The snapshot's xmax moves whenever a transaction that wrote ends. */
  char val[64];
  if (one_value(s, "SELECT pg_snapshot_xmax(pg_current_snapshot())::text", val, sizeof val, NULL)) return -1;
  return strtoll(val, NULL, 10);
}

static int pg_function(store *s, const char *name, int nargs, int det, store_fn fn, void *ud, err *e) {
  (void)s, (void)name, (void)nargs, (void)det, (void)fn, (void)ud, (void)e;
  return 0; /* the PostgreSQL schema defines bh_sector and bh_distance in SQL */
}

static int pg_backup(store *s, const char *dest, err *e) {
  (void)dest;
  return err_set(e, ERR_USAGE,
                 "backup copies SQLite files; for %s use PostgreSQL's pg_dump, or `bluehelm copy --to FILE`",
                 s->path);
}

/* PostgreSQL keeps its own pages (no integrity pragma); the references are
 * counted for each foreign key from the catalogue. */
static int pg_check(store *s, long *bad_pages, long *bad_refs, err *e) {
  *bad_pages = 0;
  *bad_refs = 0;
  stmt *st;
  int rc = store_prepare(
      s,
      "SELECT format('SELECT count(*) FROM %I c WHERE c.%I IS NOT NULL AND NOT EXISTS "
      "(SELECT 1 FROM %I p WHERE p.%I = c.%I)', cl.relname, a.attname, pl.relname, pa.attname, a.attname) "
      "FROM pg_catalog.pg_constraint k "
      "JOIN pg_catalog.pg_class cl ON cl.oid = k.conrelid "
      "JOIN pg_catalog.pg_namespace n ON n.oid = cl.relnamespace "
      "JOIN pg_catalog.pg_class pl ON pl.oid = k.confrelid "
      "JOIN pg_catalog.pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1] "
      "JOIN pg_catalog.pg_attribute pa ON pa.attrelid = k.confrelid AND pa.attnum = k.confkey[1] "
      "WHERE k.contype = 'f' AND n.nspname = current_schema() ORDER BY 1",
      &st, e);
  if (rc) return rc;
  char **checks = NULL;
  int n = 0;
  while ((rc = stmt_step(st, e)) == STMT_ROW) {
    checks = xrealloc(checks, (size_t)(n + 1) * sizeof *checks);
    checks[n++] = xstrdup(stmt_text(st, 0));
  }
  stmt_finalize(st);
  for (int i = 0; i < n; i++) {
    if (rc >= 0) {
      char val[64];
      rc = one_value(s, checks[i], val, sizeof val, e);
      if (!rc) *bad_refs += strtol(val, NULL, 10);
    }
    free(checks[i]);
  }
  free(checks);
  return rc < 0 ? rc : 0;
}

static const backend_ops pg_ops = {
    .dialect = STORE_POSTGRES,
    .open = pg_open,
    .close = pg_close,
    .exec = pg_exec,
    .begin = pg_begin,
    .commit = pg_commit,
    .rollback = pg_rollback,
    .tx_active = pg_tx_active,
    .version_get = pg_version_get,
    .version_set = pg_version_set,
    .schema_dir = "src/store/schema/pg/",
    .prepare = pg_prepare,
    .step = pg_step,
    .reset = pg_reset,
    .clear = pg_clear,
    .finalize = pg_finalize,
    .bind = pg_bind,
    .param = pg_param,
    .columns = pg_columns,
    .type = pg_type,
    .text = pg_text,
    .integer = pg_integer,
    .real = pg_real,
    .changes = pg_changes,
    .inserted = pg_inserted,
    .set_busy = pg_set_busy,
    .set_deadline = pg_set_deadline,
    .set_cache = pg_set_cache,
    .data_version = pg_data_version,
    .function = pg_function,
    .backup = pg_backup,
    .check = pg_check,
    .defer = pg_defer,
    .flush = pg_flush,
    .on_batch = pg_on_batch,
};

const backend_ops *const backend_pg = &pg_ops;
