/* event.h: what is particular to events: coordinates from their place or
 * location, defaults kept as defaults, the merge rules (duplicate_of names
 * an event that is not itself merged, and no event is merged into a merged
 * one), and ACLED's deletions (tombstones:
 * the ids ACLED withdrew, remembered even before the event is imported;
 * events.deleted follows them, see 004_counting.sql). */
#ifndef BH_EVENT_H
#define BH_EVENT_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "store/store.h"

struct record;

/* event_prepare: the events kind's hook before a write: a given value equal
 * to its default is kept as no value; duplicate_of obeys the merge rules;
 * latitude and longitude go together; without them, they come from the
 * place_id, else from the location looked up in the gazetteer; a new event
 * with none of these is refused. Returns 0 or ERR_VALIDATION (e->field
 * names the column). */
int event_prepare(store *s, struct record *r, err *e);

/* event_after_write: the events kind's hook after a write: an event whose
 * id ACLED's deletions name is marked deleted (an import skips or revives
 * such rows first; a record written through the API keeps the deletion).
 * Returns 0 or a negative code with e filled. */
int event_after_write(store *s, const struct record *r, err *e);

/* event_any_deletion: 1 when ACLED's deletions name any id, 0 when none
 * (an import then skips every per-row lookup), or a negative code. */
int event_any_deletion(store *s, err *e);

/* event_merged_into: 1 when event id is merged into another (its id into
 * out, cap bytes), 0 when not, ERR_NOT_FOUND when there is no such event
 * (e says so), another negative code with e filled on a database error. */
int event_merged_into(store *s, const char *id, char *out, size_t cap, err *e);

/* event_merged_from: how many events are merged into id (the first max of
 * their ids, ", "-joined, appended to ids when not NULL), or a negative
 * code with e filled. */
struct buf;
long event_merged_from(store *s, const char *id, struct buf *ids, int max, err *e);

/* event_deletion: 1 when ACLED's deletions name id (its deleted_timestamp,
 * Unix seconds, into *ts), 0 when not, a negative code (e filled; e may be
 * NULL) on error. */
int event_deletion(store *s, const char *id, int64_t *ts, err *e);

/* event_mark_deleted: records that ACLED withdrew id at ts (a later
 * timestamp replaces an earlier one), whether or not the event is stored.
 * Returns WRITE_INSERTED, WRITE_UPDATED or WRITE_UNCHANGED (record.h), or a
 * negative code with e filled. Runs in the caller's transaction. */
int event_mark_deleted(store *s, const char *id, int64_t ts, err *e);

/* event_forget_deletion: removes the deletion of id (a newer row came):
 * the event counts again. Returns 0 or a negative code with e filled. */
int event_forget_deletion(store *s, const char *id, err *e);

#endif
