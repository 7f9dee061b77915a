/* filter.h: FILTER arguments (FORMATS.md §3) compiled to an SQL condition
 * with bound values: column=v, !=, >=, <=, >, <, a,b lists, `column=` for no
 * value, list columns, places inside places, near=PLACE:KM, and two
 * pseudo-columns: sector= (API.md's sector of the record, for kinds without
 * a sector column) and during=D1..D2 (records whose start..end period shares
 * a day with D1..D2).
 *
 * What counts (FORMATS.md §4.1) is decided here, once: a filter set made by
 * filter_init keeps only the records that count (the kind's COUNTED rule:
 * events not rejected, not merged into another, not deleted), each part of
 * the rule lifted when a FILTER names its column. Every count, indicator,
 * report figure and map reads through such a set; lists, exports and single
 * records use filter_init_all. */
#ifndef BH_FILTER_H
#define BH_FILTER_H

#include <stdint.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "model/kind.h"
#include "store/store.h"

#define FILTER_BINDS_MAX 512
#define FILTER_CONDS_MAX 64

/* One bound value of a filter (its text, if any, lives in the caller's arena). */
typedef store_value filter_bind;

typedef struct filter_set {
  const kind *k;
  buf where; /* "" or conditions joined with AND; column refs unqualified */
  filter_bind binds[FILTER_BINDS_MAX];
  int nbinds;
  const char *order; /* ORDER BY written by bluehelm (NULL: key order) */
  int walk_key;      /* read in key order through the key's index (many matches) */
  int counting;      /* apply the kind's rule of what counts */
  unsigned lifted;   /* parts of that rule a FILTER named (bit i: k->counted[i]) */
  buf full;          /* the condition with the rule, built by filter_where */
  /* The conditions apart, for query_batch_open: where each ends in where,
   * and the column a FILTER named (NULL for SQL written by bluehelm).
   * nconds is -1 past FILTER_CONDS_MAX (the set then runs alone). */
  int nconds;
  unsigned cond_end[FILTER_CONDS_MAX];
  const char *cond_col[FILTER_CONDS_MAX];
  /* near= on events: its condition's index, the grid cells wholly inside
   * its circle and those its edge crosses (geo_cell_split), for
   * query_count; cond is -1 without one. */
  struct {
    int cond;
    const long *inside, *edge;
    int ninside, nedge;
  } near;
} filter_set;

/* One condition of a filter set: its SQL (len bytes, not NUL-terminated),
 * its bound values binds[bind0 .. bind0 + nbinds) and the column a FILTER
 * named (NULL for SQL written by bluehelm). */
typedef struct filter_cond {
  const char *sql;
  size_t len;
  int bind0, nbinds;
  const char *column;
} filter_cond;

/* filter_init: an empty filter set over kind k for counting: it matches the
 * records that count (every record of a kind without a COUNTED rule). */
void filter_init(filter_set *fs, const kind *k);

/* filter_init_all: an empty filter set over kind k matching every record
 * (lists, exports, one record). */
void filter_init_all(filter_set *fs, const kind *k);

/* filter_free: releases the set's memory. */
void filter_free(filter_set *fs);

/* filter_add: parses one FILTER argument ("admin1=Gao", "near=Gao:50") and
 * adds its condition. Strings live in a. Returns 0, or ERR_USAGE naming an
 * unknown column, an unknown operator, or a malformed or out-of-vocabulary value. */
int filter_add(filter_set *fs, store *s, const char *arg, arena *a, err *e);

/* filter_add_op: as filter_add with the parts given apart (op is one of
 * "=", "!=", ">=", "<=", ">", "<"). */
int filter_add_op(filter_set *fs, store *s, const char *column, const char *op,
                  const char *value, arena *a, err *e);

/* filter_query_op: the operator a URL query value's prefix names (API.md:
 * ne:, ge:, le:, gt:, lt:, and eq: for a value that itself starts with a
 * prefix; none is "="). Advances *value past the prefix. Static text. */
const char *filter_query_op(const char **value);

/* filter_add_query: adds one query parameter of the URL form ("admin1" and
 * "Gao", "event_date" and "ge:2021-01-01", "near" and "Gao:50") as
 * filter_add_op does with the operator its prefix names. Same returns. */
int filter_add_query(filter_set *fs, store *s, const char *key, const char *value, arena *a,
                     err *e);

/* filter_add_sql: adds a condition written by bluehelm itself (never from
 * input) with no bound values. */
void filter_add_sql(filter_set *fs, const char *sql);

/* filter_add_bound: adds a condition written by bluehelm with n '?'
 * placeholders bound, in order, to the texts (copied into a). */
int filter_add_bound(filter_set *fs, const char *sql, int n, const char *const *texts, arena *a, err *e);

/* filter_add_after: keeps records whose key comes after (key1, key2) in key
 * order (key2 only for kinds keyed by two columns): cursor paging. */
int filter_add_after(filter_set *fs, const char *key1, const char *key2, arena *a, err *e);

/* filter_where: the condition text ("1 = 1" when empty), with the parts of
 * the rule of what counts that apply; valid until the next call or
 * filter_free. */
const char *filter_where(filter_set *fs);

/* filter_bind_all: binds the set's values to st from parameter first on;
 * returns the next free parameter index. */
int filter_bind_all(const filter_set *fs, stmt *st, int first);

/* filter_conds: the conditions of fs, in order, into out (at most max).
 * Returns how many, or -1 when they cannot be told apart (more than max,
 * or bound values that do not match the placeholders). */
int filter_conds(const filter_set *fs, filter_cond *out, int max);

/* filter_split: splits a FILTER argument into column, operator and value
 * (pointers into a copy in a). Returns 0 or ERR_USAGE. */
int filter_split(const char *arg, char **column, const char **op, char **value, arena *a,
                 err *e);

#endif
