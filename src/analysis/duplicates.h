/* duplicates.h: likely duplicate events from different sources (an ACLED
 * export, UCDP GED, the mission's own reports): pairs close in place and
 * date with compatible event types, scored 0..1 so an analyst can merge or
 * dismiss them; decisions are kept apart from the events and survive
 * re-imports. The candidate search reads the filtered events once through
 * the date index and joins them on the events' grid cell (`_cell`), never
 * all pairs. */
#ifndef BH_DUPLICATES_H
#define BH_DUPLICATES_H

#include <stdint.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/jw.h"
#include "model/filter.h"
#include "store/store.h"

#define DUP_EVENTS_MAX 2000000L
#define DUP_TOKENS_MAX 8

typedef struct dup_options {
  double km;        /* at most this far apart (default 10) */
  int days;         /* at most this many days apart (default 1) */
  int any_source;   /* also pair events from the same source */
  double min_score; /* leave out pairs scoring below this (default 0) */
  long limit;       /* at most this many pairs, best first (<= 0: all) */
} dup_options;

typedef struct dup_event {
  const char *id, *date, *type, *sub_type, *location, *actor1, *actor2;
  int day;
  double lat, lon;
  long cell;
  long fatalities; /* -1: unknown */
  char source[24]; /* the id's namespace: "ucdp", "MLI", "demo" */
  int source_id;                  /* the source as a number (-1: one of too many) */
  uint64_t sub_hash;              /* for quick comparisons */
  int type_index;                 /* in the ACLED event types, -1 for another */
  uint64_t tokens[DUP_TOKENS_MAX]; /* hashes of the actors' significant words */
  int ntokens;
} dup_event;

typedef struct dup_pair {
  const dup_event *a, *b; /* a's id sorts before b's */
  double score;           /* 0..1, the weighted sum of the parts below */
  double km;
  int days;
  int mutual_best; /* neither event is in a better-scoring pair */
  /* each part 0..1 */
  double s_place, s_date, s_type, s_fatalities, s_actors;
} dup_pair;

typedef struct dup_result {
  dup_event *events;
  long nevents;
  dup_pair *pairs;
  long npairs;
  long found;   /* pairs found, before --limit */
  long decided; /* candidate pairs left out because already decided */
  arena a;      /* the events' strings */
} dup_result;

/* duplicates_options_default: km 10, days 1, different sources only. */
void duplicates_options_default(dup_options *o);

/* duplicates_source: the namespace of an event id into out (cap bytes):
 * the text before a ':' ("ucdp:123" -> "ucdp"), else its leading letters
 * ("MLI1234" -> "MLI", "demo-0001" -> "demo"). Returns out. */
char *duplicates_source(const char *id, char *out, size_t cap);

/* duplicates_type_score: how compatible two ACLED event types (and
 * sub-event types) are: 1 same sub-type, 0.8 same type, 0.5 a compatible
 * pair of the table in duplicates.c, 0 incompatible. */
double duplicates_type_score(const char *type1, const char *sub1, const char *type2,
                             const char *sub2);

/* duplicates_find: the likely duplicate pairs among the events matching fs
 * (a filter set over events), best first, leaving out decided pairs.
 * Fills *r (free it with duplicates_free). Returns 0, ERR_TOO_LARGE (more
 * than DUP_EVENTS_MAX events: narrow the filters) or ERR_DB. */
int duplicates_find(store *s, filter_set *fs, const dup_options *o, dup_result *r, err *e);

/* duplicates_json: writes r as one JSON object (events_compared,
 * decided_left_out, pairs_found, pairs: score, km, days_apart, mutual_best,
 * parts, and the two events a and b) with w; when flush is not NULL it is
 * called with w's buffer past 64 KiB, and must empty it. */
void duplicates_json(jw *w, const dup_result *r, void (*flush)(void *ctx, buf *b), void *ctx);

/* duplicates_free: releases a result. */
void duplicates_free(dup_result *r);

/* duplicates_decide: records (or changes) the decision ("merge" or
 * "dismiss") on the pair id1, id2, with an optional note. merge keeps id1
 * and merges id2 into it (duplicates_merge's rules); dismiss undoes a merge
 * of the two. Runs in the caller's transaction; actor (NULL: none) signs
 * the audit entries: the merges or unmerges, then the decision
 * (duplicate_decision, record "ID1/ID2"). Returns 0, ERR_USAGE (same id twice, unknown
 * decision), ERR_NOT_FOUND (naming the event that does not exist),
 * ERR_CONFLICT or ERR_VALIDATION (a merge refused) or ERR_DB. */
int duplicates_decide(store *s, const char *actor, const char *id1, const char *id2, const char *decision,
                      const char *note, err *e);

/* duplicates_merge: merges each of others (n ids) into keep: sets their
 * duplicate_of to keep and records the decision merge for each pair
 * (FORMATS.md §4.1), in the caller's transaction, with an audit entry per
 * event changed when actor is not NULL. Checks everything before writing:
 * ERR_NOT_FOUND names an id that is no event; ERR_VALIDATION when an other
 * is keep (or none is given); ERR_CONFLICT when keep is itself merged, when
 * events are merged into an other, or when an other is merged into another
 * event. An other already merged into keep is left as it is. *changed
 * receives how many events were merged. Returns 0 or the code. */
int duplicates_merge(store *s, const char *actor, const char *keep, const char *const *others, int n,
                     const char *note, int *changed, err *e);

/* duplicates_unmerge: clears id's duplicate_of (it counts again) and
 * forgets the merge decision of the pair, so it may be proposed again; an
 * audit entry when actor is not NULL. Returns 0, ERR_NOT_FOUND (no such
 * event), ERR_CONFLICT (id is not merged) or ERR_DB. */
int duplicates_unmerge(store *s, const char *actor, const char *id, err *e);

#endif
