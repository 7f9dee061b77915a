/* event.c: the events kind's hook: coordinates from the place or location. */
#include "model/event.h"

#include <pthread.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "model/place.h"
#include "model/record.h"


/* The columns of events this file reads, looked up once (every event
 * written comes here). */
static struct {
  int lat, lon, pid, loc, poc, cls, typ, civ, admin[2];
} col;

static void find_cols(void) {
  const kind *k = kind_find("events");
  col.lat = kind_field_index(k, "latitude");
  col.lon = kind_field_index(k, "longitude");
  col.pid = kind_field_index(k, "place_id");
  col.loc = kind_field_index(k, "location");
  col.poc = kind_field_index(k, "poc");
  col.cls = kind_field_index(k, "classification");
  col.typ = kind_field_index(k, "event_type");
  col.civ = kind_field_index(k, "civilian_targeting");
  col.admin[0] = kind_field_index(k, "admin1");
  col.admin[1] = kind_field_index(k, "admin2");
}

static void cols(void) {
  static pthread_once_t once = PTHREAD_ONCE_INIT;
  pthread_once(&once, find_cols);
}

static int set_place_fields(record *r, const place_match *m, arena *a) {
  (void)a;
  int ilat = col.lat, ilon = col.lon;
  r->v[ilat] = (fval){.set = 1, .d = m->latitude};
  r->v[ilon] = (fval){.set = 1, .d = m->longitude};
  r->present[ilat] = r->present[ilon] = 1;
  const char *vals[2] = {m->admin1, m->admin2};
  for (int i = 0; i < 2; i++) {
    int fi = col.admin[i];
    if (vals[i] && !r->v[fi].set) {
      r->v[fi] = (fval){.set = 1, .s = vals[i]};
      r->present[fi] = 1;
    }
  }
  return 0;
}

/* A given poc or classification equal to its default is stored as "no value",
 * so it stays a default: a record saved from a form that showed the
 * defaults, then a later change of event type, still moves poc. The rules
 * mirror the generated columns of 001_init.sql (poc: yes for Violence
 * against civilians or when civilian_targeting is set; classification:
 * restricted). The defaulted columns of FORMATS.md §4.1 (weapon, target,
 * civilians_killed, verification) keep exactly what is given: a value
 * given in a file wins, and an export writes it back. */
static void keep_defaults(record *r) {
  int ipoc = col.poc, icls = col.cls, ityp = col.typ, iciv = col.civ;
  if (r->v[icls].set && !strcmp(r->v[icls].s, "restricted")) r->v[icls].set = 0;
  /* A record without civilian_targeting is taken as having none (true of
   * every new event; an update of one that has it would keep the default). */
  if (r->v[ipoc].set && r->present[ityp]) {
    int rule = (r->v[ityp].set && !strcmp(r->v[ityp].s, "Violence against civilians")) ||
               (r->present[iciv] && r->v[iciv].set);
    if (r->v[ipoc].i == rule) r->v[ipoc].set = 0;
  }
}

/* Each thread's arena for looked-up place strings, kept until its next call
 * (the server's workers write at the same time where the backend lets
 * writers run side by side); freed when the thread ends. */
static pthread_key_t scratch_key;
static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;

static void scratch_free(void *p) {
  arena_free(p);
  free(p);
}

static void scratch_init(void) {
  if (pthread_key_create(&scratch_key, scratch_free)) abort();
}

static arena *scratch_arena(void) {
  pthread_once(&scratch_once, scratch_init);
  arena *a = pthread_getspecific(scratch_key);
  if (!a) {
    a = xcalloc(1, sizeof *a);
    arena_init(a);
    if (pthread_setspecific(scratch_key, a)) abort();
  }
  return a;
}
static int check_merge(store *s, record *r, err *e);

int event_prepare(store *s, record *r, err *e) {
  arena *scratch = scratch_arena();
  arena_free(scratch);
  const kind *k = r->k;
  cols();
  keep_defaults(r);
  int mrc = check_merge(s, r, e);
  if (mrc) return mrc;
  int ilat = col.lat, ilon = col.lon, ipid = col.pid, iloc = col.loc;
  int has_lat = r->v[ilat].set, has_lon = r->v[ilon].set;
  if (has_lat != has_lon) {
    err_set(e, ERR_VALIDATION, "latitude and longitude must be given together");
    err_rule(e, "coordinates");
    return err_at(e, NULL, 0, has_lat ? "longitude" : "latitude");
  }
  if (has_lat) return 0;
  place_match m;
  if (r->v[ipid].set) {
    int found = place_resolve(s, r->v[ipid].s, &m, scratch, e);
    if (found < 0) return found;
    if (found) return set_place_fields(r, &m, scratch);
    return 0; /* an unknown place_id is reported by the reference check */
  }
  if (r->v[iloc].set) {
    int found = place_resolve(s, r->v[iloc].s, &m, scratch, e);
    if (found < 0) return found;
    if (found) return set_place_fields(r, &m, scratch);
    err_set(e, ERR_VALIDATION,
            "'%.80s' is not in the gazetteer: give latitude and longitude or a place_id",
            r->v[iloc].s);
    err_rule(e, "place");
    return err_at(e, NULL, 0, "location");
  }
  if (r->present[ilat] || r->present[ipid] || r->present[iloc] ||
      record_exists(s, k, r->v[k->key[0]].s) != 1) {
    err_set(e, ERR_VALIDATION,
            "an event needs latitude and longitude, a place_id, or a location the gazetteer knows");
    err_rule(e, "coordinates");
    return err_at(e, NULL, 0, "-");
  }
  return 0;
}

/* events.deleted of id (when it is stored) follows ACLED's deletions. */
static int set_deleted(store *s, const char *id, int deleted, err *e) {
  stmt *st = store_cached(s, "UPDATE events SET deleted = ?1 WHERE event_id_cnty = ?2 AND deleted <> ?1", e);
  if (!st) return e ? e->code : ERR_DB;
  stmt_bind_int(st, 1, deleted);
  stmt_bind_text(st, 2, id);
  return stmt_run(st, e);
}

int event_deletion(store *s, const char *id, int64_t *ts, err *e) {
  stmt *st = store_cached(s, "SELECT deleted_timestamp FROM _deletions WHERE event_id_cnty = ?", e);
  if (!st) return e ? e->code : ERR_DB;
  stmt_bind_text(st, 1, id);
  int rc = stmt_step(st, e);
  if (rc == STMT_ROW) *ts = stmt_int(st, 0);
  stmt_reset(st);
  return rc;
}

/* Whether _deletions holds any id, known for the current write
 * transaction of a store (an import writes thousands of events into an
 * empty _deletions: one look-up then, not one per event). Only this
 * connection writes during its transaction; it notes its own deletions. */
static _Thread_local struct {
  unsigned long tx; /* store_tx_id */
  int any;
} deletions_known;

static int any_deletion_now(store *s, err *e) {
  unsigned long tx = store_tx_id(s);
  if (tx && deletions_known.tx == tx) return deletions_known.any;
  int any = event_any_deletion(s, e);
  if (any >= 0 && tx) {
    deletions_known.tx = tx;
    deletions_known.any = any;
  }
  return any;
}

int event_mark_deleted(store *s, const char *id, int64_t ts, err *e) {
  int64_t old = 0;
  int found = event_deletion(s, id, &old, e);
  if (found < 0) return found;
  if (found && old >= ts) return WRITE_UNCHANGED;
  stmt *st = store_cached(s,
                          "INSERT INTO _deletions (event_id_cnty, deleted_timestamp) VALUES (?1, ?2) "
                          "ON CONFLICT (event_id_cnty) DO UPDATE SET deleted_timestamp = ?2",
                          e);
  if (!st) return e ? e->code : ERR_DB;
  stmt_bind_text(st, 1, id);
  stmt_bind_int(st, 2, ts);
  int rc = stmt_run(st, e);
  if (!rc && deletions_known.tx == store_tx_id(s)) deletions_known.any = 1;
  if (!rc) rc = set_deleted(s, id, 1, e);
  if (rc < 0) return rc;
  return found ? WRITE_UPDATED : WRITE_INSERTED;
}

int event_forget_deletion(store *s, const char *id, err *e) {
  stmt *st = store_cached(s, "DELETE FROM _deletions WHERE event_id_cnty = ?", e);
  if (!st) return e ? e->code : ERR_DB;
  stmt_bind_text(st, 1, id);
  int rc = stmt_run(st, e);
  return rc ? rc : set_deleted(s, id, 0, e);
}

int event_after_write(store *s, const record *r, err *e) {
  int64_t ts;
  const char *id = r->v[r->k->key[0]].s;
  int any = any_deletion_now(s, e);
  if (any <= 0) return any;
  int found = event_deletion(s, id, &ts, e);
  if (found <= 0) return found;
  return set_deleted(s, id, 1, e);
}

int event_any_deletion(store *s, err *e) {
  stmt *st = store_cached(s, "SELECT 1 FROM _deletions LIMIT 1", e);
  if (!st) return e ? e->code : ERR_DB;
  int rc = stmt_step(st, e);
  stmt_reset(st);
  return rc;
}

int event_merged_into(store *s, const char *id, char *out, size_t cap, err *e) {
  stmt *st = store_cached(s, "SELECT duplicate_of FROM events WHERE event_id_cnty = ?", e);
  if (!st) return e ? e->code : ERR_DB;
  stmt_bind_text(st, 1, id);
  int rc = stmt_step(st, e), found = 0;
  if (rc == STMT_ROW && !stmt_is_null(st, 0)) {
    snprintf(out, cap, "%s", stmt_text(st, 0));
    found = 1;
  }
  stmt_reset(st);
  if (rc == STMT_DONE) return err_set(e, ERR_NOT_FOUND, "no event has the id '%.100s'", id);
  return rc < 0 ? rc : found;
}

long event_merged_from(store *s, const char *id, buf *ids, int max, err *e) {
  stmt *st = store_cached(s, "SELECT event_id_cnty FROM events WHERE duplicate_of = ? ORDER BY event_id_cnty", e);
  if (!st) return e ? e->code : ERR_DB;
  stmt_bind_text(st, 1, id);
  long n = 0;
  int rc;
  while ((rc = stmt_step(st, e)) == STMT_ROW) {
    if (ids && n < max) buf_printf(ids, "%s%s", n ? ", " : "", stmt_text(st, 0));
    n++;
  }
  stmt_reset(st);
  return rc < 0 ? rc : n;
}

/* The merge rules on a write that sets duplicate_of (FORMATS.md §4.1): the
 * event named must not itself be merged, and no event may be merged into
 * this one (merges have one level, never chains). */
static int check_merge(store *s, record *r, err *e) {
  /* Looked up once (every event write comes here). */
  static _Atomic int idup = -1;
  if (idup < 0) idup = kind_field_index(r->k, "duplicate_of");
  const fval *to = &r->v[idup];
  const char *self = r->v[r->k->key[0]].s;
  if (!to->set || !strcmp(to->s, self)) return 0; /* the reference check names itself */
  char further[256];
  int m = event_merged_into(s, to->s, further, sizeof further, e);
  if (m == ERR_NOT_FOUND) m = 0; /* the reference check names it */
  if (m < 0) return m;
  if (m == 1) {
    err_set(e, ERR_VALIDATION, "%.100s is itself merged into %.100s: merge into %.100s (merges do not chain)",
            to->s, further, further);
    return err_at(e, NULL, 0, "duplicate_of");
  }
  buf from;
  buf_init(&from, 4096);
  long n = event_merged_from(s, self, &from, 5, e);
  if (n > 0)
    err_set(e, ERR_VALIDATION,
            "%ld event%s merged into %.100s (%s%s): a record others are merged into cannot be merged; "
            "merge them into %.100s first",
            n, n == 1 ? " is" : "s are", self, buf_cstr(&from), n > 5 ? ", ..." : "", to->s);
  buf_free(&from);
  if (n < 0) return (int)n;
  return n > 0 ? err_at(e, NULL, 0, "duplicate_of") : 0;
}
