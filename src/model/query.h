/* query.h: reading records of any kind through a filter set: count, iterate
 * in key order, and each record as JSON. */
#ifndef BH_QUERY_H
#define BH_QUERY_H

#include <stdint.h>

#include "core/jw.h"
#include "model/filter.h"
#include "model/record.h"

/* query_count: the number of records matching fs into *out. Returns 0 or ERR_DB. */
int query_count(store *s, filter_set *fs, int64_t *out, err *e);

/* query_open: a statement selecting every column of fs->k (in field order)
 * for the matching records, in key order; limit < 0 means no limit. The
 * caller steps and finalizes it. Returns 0 or ERR_DB. */
int query_open(store *s, filter_set *fs, long limit, stmt **out, err *e);

/* query_open_given: as query_open, but a defaulted column (DEFAULTED) reads
 * the value given, not the rule's default: what a CSV export writes, so that
 * importing it back keeps defaults as defaults. */
int query_open_given(store *s, filter_set *fs, long limit, stmt **out, err *e);

/* query_many: sets *out to 1 when at least n records match fs (counting no
 * further). Returns 0 or ERR_DB. */
int query_many(store *s, filter_set *fs, long n, int *out, err *e);

/* query_select: a statement selecting columns (SQL written by bluehelm,
 * never from input) of the records matching fs, ordered by order (or NULL).
 * The caller steps and finalizes it. Returns 0 or ERR_DB. */
int query_select(store *s, filter_set *fs, const char *columns, const char *order,
                 stmt **out, err *e);

/* query_batch_open: one pass over the records of several filter sets of
 * one kind: a statement selecting columns (SQL written by bluehelm) of the
 * records that meet the conditions every set has, followed by one column
 * per set, 1 when the record meets all of that set's conditions and 0 when
 * not (SQL's own test of the condition, so a set's records are exactly the
 * ones its own query would give). Unordered. The caller steps and
 * finalizes it. Returns 0, ERR_USAGE when the sets cannot share a pass
 * (different kinds, conditions that cannot be told apart), or ERR_DB. */
int query_batch_open(store *s, filter_set *const *sets, int n, const char *columns, stmt **out, err *e);

/* query_get: reads the record of kind k with key id (and id2, the second
 * key column, for kinds keyed by two columns) into r. Returns 1 with *st
 * open (r's text points into it; the caller finalizes *st), 0 when there is
 * no such record (*st = NULL), <0 on error. */
int query_get(store *s, const kind *k, const char *id, const char *id2, stmt **st,
              record *r, err *e);

/* query_read: as query_get, through a statement the store keeps (no SQL
 * compiled per call), the record's text copied into a (no statement
 * stays open). Returns 1, 0 when there is no such record, <0 on error. */
int query_read(store *s, const kind *k, const char *id, const char *id2, record *r, arena *a, err *e);

/* query_row: reads the current row of a query_open statement into r
 * (text points into the statement, valid until the next step). */
void query_row(stmt *st, record *r);

#endif
