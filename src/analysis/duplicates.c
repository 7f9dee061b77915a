/* duplicates.c: likely duplicate events (see duplicates.h).
 *
 * Candidates: the events matching the filters are read once (the filters'
 * event_date bounds go through the events_date index), each with its grid
 * cell (`_cell`, 0.25 degrees). They are sorted by (cell, day); for each
 * event, the cells that cover a circle of km around it (geo_cell_ranges,
 * as near= does) are looked up by binary search within +-days, so the work
 * grows with the events and their close neighbours, never with all pairs.
 *
 * A candidate is kept when the two events are from different sources (the
 * namespace of their ids, duplicates_source), at most km apart (great
 * circle), at most days apart, of compatible types (below), and the pair
 * has not been decided yet. Its score, from 0 to 1, weighs:
 *   place       0.25  1 - distance / km
 *   date        0.20  1 - days apart / (days + 1)
 *   type        0.20  1 same sub-event type, 0.8 same event type, 0.5 compatible
 *   fatalities  0.20  1 - |a - b| / max(a, b) (1 when both are 0; 0.5 when one is unknown)
 *   actors      0.15  shared significant words of the actors' names over the
 *                     smaller set (0.5 when one side names none)
 *
 * Compatible event types: the same type, and these pairs, because the
 * sources code the same incident differently (UCDP has only Battles for
 * state-based and non-state violence and one-sided violence for attacks on
 * civilians; ACLED codes an IED on a patrol as Explosions/Remote violence):
 *   Battles                     ~ Violence against civilians
 *   Battles                     ~ Explosions/Remote violence
 *   Violence against civilians  ~ Explosions/Remote violence
 *   Riots                       ~ Protests
 *   Riots                       ~ Violence against civilians
 * Strategic developments pair only with themselves. */
#include "analysis/duplicates.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/date.h"
#include "core/geo.h"
#include "core/jw.h"
#include "core/str.h"
#include "core/utf8.h"
#include "model/event.h"
#include "model/query.h"
#include "model/recjson.h"
#include "store/audit.h"

#define DUP_PAIRS_MAX 5000000L
#define DUP_RANGES_MAX 256

static const struct {
  const char *a, *b;
} compatible_types[] = {
    {"Battles", "Violence against civilians"},
    {"Battles", "Explosions/Remote violence"},
    {"Violence against civilians", "Explosions/Remote violence"},
    {"Riots", "Protests"},
    {"Riots", "Violence against civilians"},
};

/* Words that say nothing about who acted. */
static const char *const stop_words[] = {
    "and", "the", "for", "with", "state", "group", "forces", "unidentified", "armed", "mali",
    "malian", "support", "unknown", "its", "from", "or", "of", "des", "les", "du", "de",
    "la", "le", "et", "in", "on", "at", "to", "by", "an",
};

/* Words that name the same actor in ACLED and UCDP. */
static const struct {
  const char *word, *as;
} aliases[] = {
    {"government", "gov"}, {"military", "gov"}, {"police", "gov"}, {"gendarmerie", "gov"},
    {"islamic", "is"},     {"isgs", "is"},      {"civilian", "civilians"},
};

void duplicates_options_default(dup_options *o) {
  o->km = 10;
  o->days = 1;
  o->any_source = 0;
  o->min_score = 0;
  o->limit = 0;
}

char *duplicates_source(const char *id, char *out, size_t cap) {
  const char *colon = strchr(id, ':');
  size_t n = 0;
  if (colon) {
    n = (size_t)(colon - id);
  } else {
    while (isalpha((unsigned char)id[n])) n++;
  }
  if (n >= cap) n = cap - 1;
  memcpy(out, id, n);
  out[n] = 0;
  return out;
}

static const char *const event_types[] = {"Battles", "Violence against civilians",
                                          "Explosions/Remote violence", "Protests", "Riots",
                                          "Strategic developments"};
#define NTYPES (int)(sizeof event_types / sizeof event_types[0])

static int type_index(const char *t) {
  for (int i = 0; t && i < NTYPES; i++)
    if (!strcmp(t, event_types[i])) return i;
  return -1;
}

/* compat[i][j]: duplicates_type_score of types i and j with different
 * sub-types, filled once from the table above. */
typedef struct type_table {
  double compat[NTYPES][NTYPES];
} type_table;

static void type_table_fill(type_table *t) {
  for (int i = 0; i < NTYPES; i++)
    for (int j = 0; j < NTYPES; j++)
      t->compat[i][j] = duplicates_type_score(event_types[i], NULL, event_types[j], NULL);
}

double duplicates_type_score(const char *type1, const char *sub1, const char *type2,
                             const char *sub2) {
  if (!type1 || !type2) return 0;
  if (!strcmp(type1, type2)) return sub1 && sub2 && !strcmp(sub1, sub2) ? 1.0 : 0.8;
  for (size_t i = 0; i < sizeof compatible_types / sizeof compatible_types[0]; i++)
    if ((!strcmp(type1, compatible_types[i].a) && !strcmp(type2, compatible_types[i].b)) ||
        (!strcmp(type1, compatible_types[i].b) && !strcmp(type2, compatible_types[i].a)))
      return 0.5;
  return 0;
}

#define NSTOP (sizeof stop_words / sizeof stop_words[0])
#define NALIAS (sizeof aliases / sizeof aliases[0])

/* The hashes of the stop words and aliases, computed once per search. */
typedef struct word_table {
  uint64_t stop[NSTOP], alias[NALIAS], alias_as[NALIAS];
} word_table;

static void word_table_fill(word_table *t) {
  for (size_t i = 0; i < NSTOP; i++) t->stop[i] = str_hash(stop_words[i], strlen(stop_words[i]));
  for (size_t i = 0; i < NALIAS; i++) {
    t->alias[i] = str_hash(aliases[i].word, strlen(aliases[i].word));
    t->alias_as[i] = str_hash(aliases[i].as, strlen(aliases[i].as));
  }
}

/* Adds the significant words of name to ev's token hashes: words of two
 * letters or more ("IS" counts), aliases folded, stop words and numbers
 * (the years in "(2013-2020)") left out. */
static void add_tokens(dup_event *ev, const word_table *t, const char *name) {
  if (!name) return;
  char folded[512];
  utf8_fold(name, folded, sizeof folded);
  for (char *p = folded; *p;) {
    while (*p && !isalnum((unsigned char)*p) && !((unsigned char)*p & 0x80)) p++;
    char *w = p;
    while (*p && (isalnum((unsigned char)*p) || ((unsigned char)*p & 0x80))) p++;
    size_t n = (size_t)(p - w);
    if (n < 2 || isdigit((unsigned char)w[0])) continue;
    uint64_t h = str_hash(w, n);
    for (size_t i = 0; i < NALIAS; i++)
      if (h == t->alias[i]) h = t->alias_as[i];
    int stop = 0;
    for (size_t i = 0; i < NSTOP && !stop; i++) stop = h == t->stop[i];
    if (stop) continue;
    int seen = 0;
    for (int i = 0; i < ev->ntokens && !seen; i++) seen = ev->tokens[i] == h;
    if (!seen && ev->ntokens < DUP_TOKENS_MAX) ev->tokens[ev->ntokens++] = h;
  }
}

static double actor_score(const dup_event *a, const dup_event *b) {
  if (!a->ntokens || !b->ntokens) return 0.5;
  int shared = 0;
  for (int i = 0; i < a->ntokens; i++)
    for (int j = 0; j < b->ntokens; j++)
      if (a->tokens[i] == b->tokens[j]) shared++;
  int smaller = a->ntokens < b->ntokens ? a->ntokens : b->ntokens;
  return (double)shared / smaller;
}

static double fatality_score(long a, long b) {
  if (a < 0 || b < 0) return 0.5;
  if (a == b) return 1.0;
  long hi = a > b ? a : b;
  return 1.0 - (double)labs(a - b) / (double)hi;
}

static const char *col(dup_result *r, stmt *st, int i) {
  return arena_strdup(&r->a, stmt_text(st, i));
}

/* Joins actor and its associates ("A; B") for token extraction. */
static void actor_tokens(dup_event *ev, const word_table *t, stmt *st, int actor,
                         int assoc) {
  add_tokens(ev, t, stmt_text(st, actor));
  add_tokens(ev, t, stmt_text(st, assoc));
}

#define DUP_SOURCES_MAX 64

static int load_events(store *s, filter_set *fs, dup_result *r, err *e) {
  /* On SQLite the matching rows are read in rowid order (the filters,
   * event_date bounds through the date index, pick the rowids): one pass
   * over the table's pages instead of a random read per event. PostgreSQL
   * has no rowid; its bitmap scans read the pages in order by themselves. */
  buf sql;
  buf_init(&sql, 0);
  buf_puts(&sql,
           "SELECT \"event_id_cnty\", \"event_date\", \"event_type\", \"sub_event_type\", "
           "\"location\", \"actor1\", \"assoc_actor_1\", \"actor2\", \"assoc_actor_2\", "
           "\"latitude\", \"longitude\", \"fatalities\", \"_cell\" FROM events WHERE ");
  if (store_dialect_of(s) == STORE_SQLITE)
    buf_printf(&sql, "rowid IN (SELECT rowid FROM events WHERE %s)", filter_where(fs));
  else
    buf_printf(&sql, "(%s)", filter_where(fs));
  buf_puts(&sql, " AND \"_cell\" IS NOT NULL");
  stmt *st;
  int rc = store_prepare(s, buf_cstr(&sql), &st, e);
  buf_free(&sql);
  if (rc) return rc;
  filter_bind_all(fs, st, 1);
  char sources[DUP_SOURCES_MAX][24];
  int nsources = 0;
  word_table words;
  word_table_fill(&words);
  long cap = 0;
  int step;
  while ((step = stmt_step(st, e)) == STMT_ROW) {
    if (r->nevents == DUP_EVENTS_MAX) {
      stmt_finalize(st);
      return err_set(e, ERR_TOO_LARGE,
                     "more than %ld events to compare: narrow them with filters "
                     "(event_date>=..., admin1=...)",
                     DUP_EVENTS_MAX);
    }
    const char *date = stmt_text(st, 1);
    int day;
    if (!date || date_parse_iso(date, &day)) continue;
    if (r->nevents == cap) {
      cap = cap ? cap * 2 : 4096;
      r->events = xrealloc(r->events, (size_t)cap * sizeof *r->events);
    }
    dup_event *ev = &r->events[r->nevents++];
    memset(ev, 0, sizeof *ev);
    ev->id = col(r, st, 0);
    ev->date = col(r, st, 1);
    ev->day = day;
    ev->type = col(r, st, 2);
    ev->sub_type = col(r, st, 3);
    ev->location = col(r, st, 4);
    ev->actor1 = col(r, st, 5);
    ev->actor2 = col(r, st, 7);
    actor_tokens(ev, &words, st, 5, 6);
    actor_tokens(ev, &words, st, 7, 8);
    ev->lat = stmt_double(st, 9);
    ev->lon = stmt_double(st, 10);
    ev->fatalities = stmt_is_null(st, 11) ? -1 : stmt_int(st, 11);
    ev->cell = stmt_int(st, 12);
    duplicates_source(ev->id, ev->source, sizeof ev->source);
    ev->source_id = -1;
    for (int k = 0; k < nsources && ev->source_id < 0; k++)
      if (!strcmp(sources[k], ev->source)) ev->source_id = k;
    if (ev->source_id < 0 && nsources < DUP_SOURCES_MAX) {
      memcpy(sources[nsources], ev->source, sizeof sources[0]);
      ev->source_id = nsources++;
    }
    ev->sub_hash = ev->sub_type ? str_hash(ev->sub_type, strlen(ev->sub_type)) : 0;
    ev->type_index = type_index(ev->type);
  }
  rc = step < 0 ? step : 0;
  stmt_finalize(st);
  return rc;
}

/* The decided pairs, as sorted hashes of "a\x1fb" (FNV-1a, as str_hash). */
static uint64_t pair_hash(const char *a, const char *b) {
  uint64_t h = 14695981039346656037ull;
  for (const unsigned char *p = (const unsigned char *)a; *p; p++) h = (h ^ *p) * 1099511628211ull;
  h = (h ^ 0x1f) * 1099511628211ull;
  for (const unsigned char *p = (const unsigned char *)b; *p; p++) h = (h ^ *p) * 1099511628211ull;
  return h;
}

static int cmp_u64(const void *x, const void *y) {
  uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
  return a < b ? -1 : a > b;
}

static int load_decided(store *s, uint64_t **out, long *n, err *e) {
  stmt *st;
  *out = NULL;
  *n = 0;
  int rc = store_prepare(s, "SELECT event_a, event_b FROM _duplicate_decisions", &st, e);
  if (rc) return rc;
  long cap = 0;
  while ((rc = stmt_step(st, e)) == STMT_ROW) {
    if (*n == cap) {
      cap = cap ? cap * 2 : 64;
      *out = xrealloc(*out, (size_t)cap * sizeof **out);
    }
    (*out)[(*n)++] = pair_hash(stmt_text(st, 0),
                               stmt_text(st, 1));
  }
  stmt_finalize(st);
  if (rc < 0) return rc;
  if (*n) qsort(*out, (size_t)*n, sizeof **out, cmp_u64);
  return 0;
}

/* The events sorted by (cell, day), for the grid join; each cell's run is
 * found through a small hash table of cells. */
typedef struct dup_key {
  int32_t cell, day, source_id, idx;
} dup_key;

static int cmp_keys(const void *x, const void *y) {
  const dup_key *a = x, *b = y;
  if (a->cell != b->cell) return a->cell < b->cell ? -1 : 1;
  if (a->day != b->day) return a->day < b->day ? -1 : 1;
  return a->idx < b->idx ? -1 : a->idx > b->idx;
}

typedef struct cell_run {
  int32_t cell; /* -1: empty slot */
  int32_t start, end;
} cell_run;

typedef struct cell_index {
  cell_run *slots;
  uint32_t mask;
} cell_index;

static uint32_t cell_slot(int32_t cell, uint32_t mask) {
  return ((uint32_t)cell * 2654435761u) & mask;
}

static void cell_index_build(cell_index *ci, const dup_key *keys, long n) {
  long runs = 0;
  for (long i = 0; i < n; i++) runs += !i || keys[i].cell != keys[i - 1].cell;
  uint32_t size = 16;
  while (size < 2 * (uint64_t)runs) size *= 2;
  ci->slots = xmalloc(size * sizeof *ci->slots);
  ci->mask = size - 1;
  for (uint32_t i = 0; i < size; i++) ci->slots[i].cell = -1;
  for (long i = 0; i < n;) {
    long j = i;
    while (j < n && keys[j].cell == keys[i].cell) j++;
    uint32_t h = cell_slot(keys[i].cell, ci->mask);
    while (ci->slots[h].cell >= 0) h = (h + 1) & ci->mask;
    ci->slots[h] = (cell_run){keys[i].cell, (int32_t)i, (int32_t)j};
    i = j;
  }
}

/* The run of keys of cell, or NULL. */
static const cell_run *cell_find(const cell_index *ci, long cell) {
  for (uint32_t h = cell_slot((int32_t)cell, ci->mask);; h = (h + 1) & ci->mask) {
    if (ci->slots[h].cell < 0) return NULL;
    if (ci->slots[h].cell == cell) return &ci->slots[h];
  }
}

/* First position in keys[start..end) whose day is >= day. */
static long first_day(const dup_key *keys, long start, long end, int day) {
  while (start < end) {
    long mid = start + (end - start) / 2;
    if (keys[mid].day < day) start = mid + 1;
    else end = mid;
  }
  return start;
}

static int cmp_pairs(const void *x, const void *y) {
  const dup_pair *a = x, *b = y;
  if (a->score != b->score) return a->score > b->score ? -1 : 1;
  int c = strcmp(a->a->date, b->a->date);
  if (c) return c;
  c = strcmp(a->a->id, b->a->id);
  return c ? c : strcmp(a->b->id, b->b->id);
}

int duplicates_find(store *s, filter_set *fs, const dup_options *o, dup_result *r, err *e) {
  memset(r, 0, sizeof *r);
  arena_init(&r->a);
  uint64_t *decided = NULL;
  long ndecided = 0, cap = 0;
  dup_key *keys = NULL;
  cell_index ci = {NULL, 0};
  int rc = load_events(s, fs, r, e);
  if (!rc) rc = load_decided(s, &decided, &ndecided, e);
  if (rc) goto done;
  long n = r->nevents;
  keys = xmalloc((size_t)(n ? n : 1) * sizeof *keys);
  for (long i = 0; i < n; i++)
    keys[i] = (dup_key){(int32_t)r->events[i].cell, r->events[i].day, r->events[i].source_id,
                        (int32_t)i};
  qsort(keys, (size_t)n, sizeof *keys, cmp_keys);
  cell_index_build(&ci, keys, n);
  const dup_event *ev = r->events;
  type_table tt;
  type_table_fill(&tt);
  /* Events in (cell, day) order, so that neighbours are near in memory; a
   * pair is taken from the event that comes first in that order. */
  for (long q = 0; q < n && !rc; q++) {
    const dup_event *x = &ev[keys[q].idx];
    geo_range ranges[DUP_RANGES_MAX];
    int nr = geo_cell_ranges(x->lat, x->lon, o->km, ranges, DUP_RANGES_MAX);
    if (nr < 0) {
      rc = err_set(e, ERR_USAGE, "--km %g is too wide for the grid search", o->km);
      break;
    }
    for (int g = 0; g < nr && !rc; g++)
      for (long cell = ranges[g].lo; cell <= ranges[g].hi && !rc; cell++) {
        const cell_run *run = cell_find(&ci, cell);
        if (!run) continue;
        for (long p = first_day(keys, run->start, run->end, x->day - o->days); p < run->end; p++) {
          if (keys[p].day > x->day + o->days) break;
          if (p <= q) continue; /* each pair once */
          if (!o->any_source && keys[p].source_id >= 0 && keys[q].source_id >= 0 &&
              keys[p].source_id == keys[q].source_id)
            continue;
          const dup_event *y = &ev[keys[p].idx];
          if (!o->any_source && (keys[p].source_id < 0 || keys[q].source_id < 0) &&
              !strcmp(x->source, y->source))
            continue;
          double ts;
          if (x->type_index >= 0 && y->type_index >= 0)
            ts = x->type_index == y->type_index
                     ? (x->sub_hash == y->sub_hash && x->sub_type && y->sub_type &&
                                !strcmp(x->sub_type, y->sub_type)
                            ? 1.0
                            : 0.8)
                     : tt.compat[x->type_index][y->type_index];
          else
            ts = duplicates_type_score(x->type, x->sub_type, y->type, y->sub_type);
          if (ts <= 0) continue;
          double km = geo_distance_km(x->lat, x->lon, y->lat, y->lon);
          if (km > o->km) continue;
          const dup_event *a = x, *b = y;
          if (strcmp(a->id, b->id) > 0) a = y, b = x;
          if (ndecided) {
            uint64_t h = pair_hash(a->id, b->id);
            if (bsearch(&h, decided, (size_t)ndecided, sizeof h, cmp_u64)) {
              r->decided++;
              continue;
            }
          }
          dup_pair pr;
          memset(&pr, 0, sizeof pr);
          pr.a = a;
          pr.b = b;
          pr.km = km;
          pr.days = abs(x->day - y->day);
          pr.s_place = o->km > 0 ? 1.0 - km / o->km : 1.0;
          pr.s_date = 1.0 - (double)pr.days / (o->days + 1);
          pr.s_type = ts;
          pr.s_fatalities = fatality_score(a->fatalities, b->fatalities);
          pr.s_actors = actor_score(a, b);
          pr.score = 0.25 * pr.s_place + 0.20 * pr.s_date + 0.20 * pr.s_type +
                     0.20 * pr.s_fatalities + 0.15 * pr.s_actors;
          if (pr.score < o->min_score) continue;
          if (r->npairs == DUP_PAIRS_MAX) {
            rc = err_set(e, ERR_TOO_LARGE, "more than %ld candidate pairs: lower --km or --days, or narrow the filters",
                         DUP_PAIRS_MAX);
            break;
          }
          if (r->npairs == cap) {
            cap = cap ? cap * 2 : 256;
            r->pairs = xrealloc(r->pairs, (size_t)cap * sizeof *r->pairs);
          }
          r->pairs[r->npairs++] = pr;
        }
      }
  }
  if (!rc && r->npairs) {
    qsort(r->pairs, (size_t)r->npairs, sizeof *r->pairs, cmp_pairs);
    /* An event's first pair in score order is its best. */
    unsigned char *seen = xcalloc((size_t)n, 1);
    for (long i = 0; i < r->npairs; i++) {
      long ia = r->pairs[i].a - r->events, ib = r->pairs[i].b - r->events;
      r->pairs[i].mutual_best = !seen[ia] && !seen[ib];
      seen[ia] = seen[ib] = 1;
    }
    free(seen);
  }
  r->found = r->npairs;
  if (!rc && o->limit > 0 && r->npairs > o->limit) r->npairs = o->limit;
done:
  free(keys);
  free(ci.slots);
  free(decided);
  if (rc) duplicates_free(r);
  return rc;
}

void duplicates_free(dup_result *r) {
  free(r->events);
  free(r->pairs);
  arena_free(&r->a);
  r->events = NULL;
  r->pairs = NULL;
  r->nevents = r->npairs = 0;
}

static int set_decision(store *s, const char *a, const char *b, const char *decision, const char *note, err *e);

int duplicates_decide(store *s, const char *actor, const char *id1, const char *id2, const char *decision,
                      const char *note, err *e) {
  if (strcmp(decision, "merge") != 0 && strcmp(decision, "dismiss") != 0)
    return err_set(e, ERR_USAGE, "decision '%.40s': give merge or dismiss", decision);
  if (!strcmp(id1, id2)) return err_set(e, ERR_USAGE, "%.100s is the same event twice", id1);
  char into[256];
  const char *ids[2] = {id1, id2};
  int merged[2];
  for (int i = 0; i < 2; i++) {
    merged[i] = event_merged_into(s, ids[i], into, sizeof into, e);
    if (merged[i] < 0) return merged[i];
    merged[i] = merged[i] == 1 && !strcmp(into, ids[1 - i]); /* merged into the other one */
  }
  int rc = 0;
  if (!strcmp(decision, "merge")) {
    /* The first event is kept, the second merged into it. */
    int changed;
    rc = duplicates_merge(s, actor, id1, &id2, 1, note, &changed, e);
  } else {
    /* Dismiss: not duplicates; a merge of the two is undone. */
    for (int i = 0; i < 2 && !rc; i++)
      if (merged[i]) rc = duplicates_unmerge(s, actor, ids[i], e);
    if (!rc) rc = set_decision(s, id1, id2, "dismiss", note, e);
  }
  if (rc || !actor) return rc;
  /* The decision itself, in the audit trail as every write. */
  buf after;
  buf_init(&after, 0);
  jw w;
  jw_init(&w, &after, 0);
  jw_obj(&w);
  jw_kstr(&w, "event_a", id1);
  jw_kstr(&w, "event_b", id2);
  jw_kstr(&w, "decision", decision);
  jw_kstr(&w, "note", note);
  jw_obj_end(&w);
  char pair[420];
  snprintf(pair, sizeof pair, "%.200s/%.200s", id1, id2);
  rc = audit_append(s, actor, "duplicate_decision", "events", pair, NULL, buf_cstr(&after), e);
  buf_free(&after);
  return rc;
}

static void json_event(jw *w, const char *key, const dup_event *ev) {
  jw_key(w, key);
  jw_obj(w);
  jw_kstr(w, "event_id_cnty", ev->id);
  jw_kstr(w, "source", ev->source);
  jw_kstr(w, "event_date", ev->date);
  jw_kstr(w, "event_type", ev->type);
  jw_kstr(w, "sub_event_type", ev->sub_type);
  jw_kstr(w, "location", ev->location);
  jw_kreal(w, "latitude", ev->lat);
  jw_kreal(w, "longitude", ev->lon);
  jw_key(w, "fatalities");
  if (ev->fatalities >= 0) jw_int(w, ev->fatalities);
  else jw_null(w);
  jw_kstr(w, "actor1", ev->actor1);
  jw_kstr(w, "actor2", ev->actor2);
  jw_obj_end(w);
}

static double round_to(double v, double unit) { return (double)(long long)(v / unit + 0.5) * unit; }

void duplicates_json(jw *w, const dup_result *r, void (*flush)(void *ctx, buf *b), void *ctx) {
  jw_obj(w);
  jw_kint(w, "events_compared", r->nevents);
  jw_kint(w, "decided_left_out", r->decided);
  jw_kint(w, "pairs_found", r->found);
  jw_key(w, "pairs");
  jw_arr(w);
  for (long i = 0; i < r->npairs; i++) {
    const dup_pair *p = &r->pairs[i];
    jw_obj(w);
    jw_kreal(w, "score", round_to(p->score, 0.001));
    jw_kreal(w, "km", round_to(p->km, 0.01));
    jw_kint(w, "days_apart", p->days);
    jw_kbool(w, "mutual_best", p->mutual_best);
    jw_key(w, "parts");
    jw_obj(w);
    const char *names[5] = {"place", "date", "type", "fatalities", "actors"};
    double parts[5] = {p->s_place, p->s_date, p->s_type, p->s_fatalities, p->s_actors};
    for (int k = 0; k < 5; k++) {
      jw_key(w, names[k]);
      jw_real(w, round_to(parts[k], 0.001));
    }
    jw_obj_end(w);
    json_event(w, "a", p->a);
    json_event(w, "b", p->b);
    jw_obj_end(w);
    if (flush && w->out->len > (1u << 16)) flush(ctx, w->out);
  }
  jw_arr_end(w);
  jw_obj_end(w);
}

/* The stored event id as JSON text (for the audit trail), or NULL; the
 * caller frees it. */
static char *event_json(store *s, const char *id) {
  stmt *st;
  record r;
  err e;
  if (query_get(s, kind_find("events"), id, NULL, &st, &r, &e) != 1) return NULL;
  buf b;
  buf_init(&b, 0);
  jw w;
  jw_init(&w, &b, 0);
  recjson_write(&w, &r);
  stmt_finalize(st);
  char *out = strdup(buf_cstr(&b));
  buf_free(&b);
  if (!out) abort();
  return out;
}

/* Sets (keep non-NULL) or clears duplicate_of of id, with an audit entry
 * when actor is given. */
static int set_duplicate_of(store *s, const char *actor, const char *id, const char *keep, err *e) {
  char *before = actor ? event_json(s, id) : NULL;
  /* _excluded: the reasons not to count (bh_excluded, 004_counting.sql). */
  stmt *st = store_cached(
      s, "UPDATE events SET duplicate_of = ?1, _excluded = bh_excluded(verification, ?1) WHERE event_id_cnty = ?2", e);
  int rc = st ? 0 : e->code;
  if (!rc) {
    stmt_bind_text(st, 1, keep);
    stmt_bind_text(st, 2, id);
    rc = stmt_run(st, e);
  }
  if (!rc && actor) {
    char *after = event_json(s, id);
    rc = audit_append(s, actor, keep ? "merge" : "unmerge", "events", id, before, after, e);
    free(after);
  }
  free(before);
  return rc;
}

/* Records (merge) or forgets (NULL) the decision on the pair a, b. */
static int set_decision(store *s, const char *a, const char *b, const char *decision, const char *note, err *e) {
  if (strcmp(a, b) > 0) {
    const char *t = a;
    a = b;
    b = t;
  }
  stmt *st = store_cached(
      s,
      decision ? "INSERT INTO _duplicate_decisions (event_a, event_b, decision, decided_on, note) "
                 "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (event_a, event_b) DO UPDATE SET "
                 "decision = excluded.decision, decided_on = excluded.decided_on, note = excluded.note"
               : "DELETE FROM _duplicate_decisions WHERE event_a = ?1 AND event_b = ?2 AND decision = 'merge'",
      e);
  if (!st) return e ? e->code : ERR_DB;
  char today[11];
  date_format(date_today(), today);
  stmt_bind_text(st, 1, a);
  stmt_bind_text(st, 2, b);
  if (decision) {
    stmt_bind_text(st, 3, decision);
    stmt_bind_text(st, 4, today);
    stmt_bind_text(st, 5, note && *note ? note : NULL);
  }
  return stmt_run(st, e);
}

int duplicates_merge(store *s, const char *actor, const char *keep, const char *const *others, int n,
                     const char *note, int *changed, err *e) {
  char into[256];
  *changed = 0;
  if (n < 1) return err_set(e, ERR_VALIDATION, "name at least one event to merge into %.100s", keep);
  int m = event_merged_into(s, keep, into, sizeof into, e);
  if (m < 0) return m;
  if (m == 1)
    return err_set(e, ERR_CONFLICT,
                   "%.100s is itself merged into %.100s: merge into %.100s instead, or unmerge %.100s first "
                   "(merges do not chain)",
                   keep, into, into, keep);
  /* Every check before any write: a refusal stores nothing. */
  for (int i = 0; i < n; i++) {
    if (!strcmp(others[i], keep))
      return err_set(e, ERR_VALIDATION, "%.100s is the event to keep: an event cannot be merged into itself",
                     keep);
    m = event_merged_into(s, others[i], into, sizeof into, e);
    if (m < 0) return m;
    if (m == 1 && strcmp(into, keep))
      return err_set(e, ERR_CONFLICT, "%.100s is already merged into %.100s: unmerge it first", others[i], into);
    buf from;
    buf_init(&from, 4096);
    long k = event_merged_from(s, others[i], &from, 5, e);
    if (k > 0)
      err_set(e, ERR_CONFLICT,
              "%ld event%s merged into %.100s (%s%s): an event others are merged into cannot be merged "
              "(merges do not chain); merge %s into %.100s first",
              k, k == 1 ? " is" : "s are", others[i], buf_cstr(&from), k > 5 ? ", ..." : "",
              k == 1 ? "it" : "them", keep);
    buf_free(&from);
    if (k < 0) return (int)k;
    if (k > 0) return ERR_CONFLICT;
  }
  for (int i = 0; i < n; i++) {
    m = event_merged_into(s, others[i], into, sizeof into, e);
    if (m < 0) return m;
    if (m == 1) continue; /* already merged into keep (or named twice) */
    int rc = set_duplicate_of(s, actor, others[i], keep, e);
    if (!rc) rc = set_decision(s, keep, others[i], "merge", note, e);
    if (rc) return rc;
    (*changed)++;
  }
  return 0;
}

int duplicates_unmerge(store *s, const char *actor, const char *id, err *e) {
  char into[256];
  int m = event_merged_into(s, id, into, sizeof into, e);
  if (m < 0) return m;
  if (m == 0) return err_set(e, ERR_CONFLICT, "%.100s is not merged into another event", id);
  int rc = set_duplicate_of(s, actor, id, NULL, e);
  /* The pair may be proposed again. */
  if (!rc) rc = set_decision(s, into, id, NULL, NULL, e);
  return rc;
}
