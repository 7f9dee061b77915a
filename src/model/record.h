/* record.h: one record in memory (typed values per field), parsing text
 * into values, and the generic writer that validates, checks references and
 * upserts records of any kind. */
#ifndef BH_RECORD_H
#define BH_RECORD_H

#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"
#include "model/kind.h"
#include "store/store.h"

typedef struct fval {
  int set;       /* 0: no value (SQL NULL) */
  int64_t i;     /* INT, COUNT, BOOL */
  double d;      /* REAL, AREA, PCT, LAT, LON */
  const char *s; /* every text type (normalized); not owned */
} fval;

typedef struct record {
  const kind *k;
  fval v[KIND_FIELDS_MAX];
  unsigned char present[KIND_FIELDS_MAX]; /* the source gave this column */
  unsigned char if_new[KIND_FIELDS_MAX];  /* a present value for a new record
                                             only: an update keeps the stored one */
  const char *file; /* where the record came from, for messages */
  long line;
} record;

/* A list of errors, bounded: past max, errors are counted, not kept. */
typedef struct err_list {
  err *items;
  int n, cap, max;
  long total;
} err_list;

/* err_list_init: an empty list keeping at most max errors. */
void err_list_init(err_list *l, int max);

/* err_list_add: appends a copy of e (or only counts it past max). */
void err_list_add(err_list *l, const err *e);

/* err_list_free: releases the list's memory. */
void err_list_free(err_list *l);

/* record_init: an empty record of kind k (no column present). */
void record_init(record *r, const kind *k);

/* record_get: the value of the named field (NULL when k has no such field). */
const fval *record_get(const record *r, const char *name);

/* field_parse: converts the text raw (NUL-terminated) of field f into *out.
 * An empty raw gives "no value". Text is normalized (list items trimmed,
 * places resolved to their ids) into memory from a. Returns 0, or
 * ERR_VALIDATION with the reason in e (the caller adds file, line, column).
 * References are not checked here (the writer does it). */
int field_parse(store *s, const field *f, const char *raw, fval *out, arena *a, err *e);

/* field_format: appends the canonical text of v (as in CSV exports) to out:
 * yes/no, shortest decimals, ';'-joined lists; nothing for no value. */
struct buf;
void field_format(const field *f, const fval *v, struct buf *out);

/* field_from_column: reads column col of a stepped statement into *out
 * (text points into the statement's memory, valid until the next step). */
void field_from_column(const field *f, stmt *st, int col, fval *out);

/* field_bind: binds v to parameter idx of st (a failure shows at the
 * step). Text is not copied (stmt_bind_text_ref): v must stay as it is
 * until st has run and been reset. */
void field_bind(const field *f, const fval *v, stmt *st, int idx);

/* field_column: the SQL column that stores f ("_poc" for a defaulted field). */
const char *field_column(const field *f, char *tmp, size_t cap);

/* References that could not be found yet; checked again at the end of an
 * import, since a record may name one that comes later in the same import. */
typedef struct pending_ref {
  const kind *target;
  char *id;
  char file[128];
  long line;
  const char *field;
} pending_ref;

typedef struct pending {
  pending_ref *items;
  long n, cap;
} pending;

/* pending_free: releases the list. */
void pending_free(pending *p);

/* pending_check: checks every pending reference again; each that still names
 * nothing is added to errs. Returns the number of such references. */
long pending_check(store *s, pending *p, err_list *errs);

enum { WRITE_INSERTED = 1, WRITE_UPDATED = 2, WRITE_UNCHANGED = 3, WRITE_QUEUED = 4 };

typedef struct writer writer;

/* writer_open: a writer of records of kind k into s, within the caller's
 * transaction. p (may be NULL) collects references not found yet; without
 * it they are errors at once. Close with writer_close. */
int writer_open(writer **out, store *s, const kind *k, pending *p, err *e);

/* writer_batch: lets writer_put queue rows (stmt_defer) for a kind whose
 * writes nothing else reads back row by row (no hook after a write unless
 * the caller knows it does nothing for these rows: hook_idle; no reference
 * to its own kind among the columns given, bit i of given for field i; no
 * date check of another kind pointing at it); the caller must not write the
 * same key twice before writer_flush. Bulk imports use it; elsewhere every
 * row is written at once. */
void writer_batch(writer *w, uint64_t given, int hook_idle);

/* writer_put: validates r (required values, checks, references, cycles) and
 * upserts it: columns not present in r keep their stored values, and so do
 * those marked if_new (a value for a new record only). Returns
 * WRITE_INSERTED, WRITE_UPDATED or WRITE_UNCHANGED, WRITE_QUEUED when a
 * batching writer queued the row (its outcome comes with writer_flush), or
 * a negative code after adding each problem to errs (with r's file and line). */
int writer_put(writer *w, record *r, err_list *errs);

/* writer_check: validates r as writer_put does, without storing it. Returns
 * 0, or a negative code after adding each problem to errs. */
int writer_check(writer *w, record *r, err_list *errs);

/* writer_new_only: from now on every record w writes must be new: it is
 * written with a plain INSERT (no upsert), and a key already stored makes
 * writer_put fail with ERR_CONFLICT, storing nothing (an import into an
 * empty table, where a key met twice is a mistake in the file). Records
 * without some required column (partial updates) are written as before. */
void writer_new_only(writer *w);

/* writer_on_write: fn is called for each queued row that a batch inserted
 * (WRITE_INSERTED) or updated (WRITE_UPDATED), in the order they were
 * queued, with a record that holds the key alone. */
void writer_on_write(writer *w, void (*fn)(void *ctx, const record *r, int outcome), void *ctx);

/* writer_flush: writes the queued rows; adds how many of them were
 * inserted and updated to *inserted and *updated (the others were
 * unchanged). Returns 0, or a negative code with e filled. */
int writer_flush(writer *w, long *inserted, long *updated, err *e);

/* writer_close: finalizes the writer's statements (call writer_flush
 * first: queued rows written here report no outcome); NULL is fine. */
void writer_close(writer *w);

/* record_exists: 1 when a record of kind k with that id exists, 0 if not,
 * <0 on a database error. */
int record_exists(store *s, const kind *k, const char *id);

#endif
