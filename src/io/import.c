/* import.c: dataset folders and single files into the store, all or nothing. */
#include "io/import.h"

#include <dirent.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/hset.h"
#include "core/str.h"
#include "core/jw.h"
#include "io/csv.h"
#include "model/event.h"
#include "model/query.h"
#include "model/recjson.h"
#include "store/audit.h"
#include "model/sector.h"

#define DIR_FILES_MAX 64
#define IMPORT_BULK_BYTES (16u << 20) /* a file this large is written in bulk (store_bulk_begin) */

typedef struct stats {
  long inserted, updated, unchanged, refused, skipped, marked, remembered, queued;
  int fault; /* the storage fault that stopped the file, or 0 */
} stats;

/* What an import changed, for its one audit entry: a digest of every record
 * inserted or updated (kind, key and outcome, in order) and the first
 * IMPORT_AUDIT_IDS updated records by name. Cheap enough for a million rows. */
#define IMPORT_AUDIT_IDS 1000
typedef struct trail {
  crypto_generichash_state h;
  long changed, listed, more;
  buf ids; /* JSON strings "kind/id[/id2]", comma-separated */
} trail;

static void trail_part(trail *t, const char *p, size_t n) {
  crypto_generichash_update(&t->h, (const unsigned char *)p, n);
}

static void trail_note(trail *t, const record *r, int outcome);

/* A batch of queued rows was written (writer_on_write). */
static void trail_written(void *ctx, const record *r, int outcome) {
  if (ctx) trail_note(ctx, r, outcome);
}

static void trail_note(trail *t, const record *r, int outcome) {
  const kind *k = r->k;
  trail_part(t, k->name, strlen(k->name));
  for (int i = 0; i < k->nkey; i++) {
    trail_part(t, i ? "\x1f" : "\t", 1);
    trail_part(t, r->v[k->key[i]].s, strlen(r->v[k->key[i]].s));
  }
  trail_part(t, outcome == WRITE_INSERTED ? "\tI\n" : "\tU\n", 3);
  t->changed++;
  if (outcome != WRITE_UPDATED) return;
  if (t->listed == IMPORT_AUDIT_IDS) {
    t->more++;
    return;
  }
  buf name;
  buf_init(&name, 0);
  buf_puts(&name, k->name);
  for (int i = 0; i < k->nkey; i++) buf_printf(&name, "/%s", r->v[k->key[i]].s);
  jw w;
  jw_init(&w, &t->ids, 0);
  if (t->listed++) buf_putc(&t->ids, ',');
  jw_strn(&w, name.data, name.len);
  buf_free(&name);
}

typedef struct file_import {
  store *s;
  const kind *k;
  const import_opts *o;
  err_list *errs;
  pending *pend;
  trail *trail;
  const char *fname;
  csv_reader *csv;
  char **header;
  int ncols;
  source_layout layout;
  writer *w;
  hset ids;   /* every key met; in bulk mode only those of rows not stored */
  int bulk;   /* the table was empty: the INSERT tells a key met twice (writer_new_only) */
  int partial_layout; /* the file lacks a required column: its rows update */
  stats st;
  /* events (FORMATS.md §4.1) */
  int events;           /* the kind is events: deletions apply */
  int deletions;        /* ACLED's deletions name some id: look rows up */
  int iver, its;        /* field indexes of verification and timestamp */
  int default_verified; /* ACLED/UCDP without a verification column */
  int deleted_col;      /* header index of a native file's `deleted`, or -1 */
  FILE *skip;
  int failed; /* a bad row was seen: stop writing */
  int fault;  /* a storage fault (store_fault): stop at once */
  /* progress */
  struct timespec start;
  double last_progress;
  int progress_shown;
  long rows;
  /* monadic ACLED: the event being assembled from consecutive rows */
  record held;
  arena held_arena;
  int holding, held_actors;
  err_list held_errs;
  buf held_raw;
} file_import;

static double seconds_since(const struct timespec *t0) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

static void show_progress(file_import *fi, int final) {
  if (!fi->o->progress || !isatty(2)) return;
  double t = seconds_since(&fi->start);
  if (!final && (t < 1.0 || t - fi->last_progress < 0.25)) return;
  if (final && !fi->progress_shown) return;
  fi->last_progress = t;
  fi->progress_shown = 1;
  unsigned long long total = csv_bytes_total(fi->csv), done = csv_bytes_read(fi->csv);
  fprintf(stderr, "\r%s: %ld rows, %.0f rows/s", fi->fname, fi->rows, t > 0 ? fi->rows / t : 0.0);
  if (total) fprintf(stderr, ", %.0f%% read", 100.0 * (double)done / (double)total);
  fputs(final ? "\n" : "   ", stderr);
  fflush(stderr);
}

static void report_header(void *ctx, const char *column, const char *msg) {
  file_import *fi = ctx;
  err e;
  err_set(&e, ERR_VALIDATION, "%s", msg);
  err_at(&e, fi->fname, 1, column);
  err_list_add(fi->errs, &e);
}

/* Writes one CSV field with RFC 4180 quoting when needed. */
static void csv_quote(buf *out, const char *s) {
  if (!strpbrk(s, ",\"\r\n")) {
    buf_puts(out, s);
    return;
  }
  buf_putc(out, '"');
  for (const char *p = s; *p; p++) {
    if (*p == '"') buf_putc(out, '"');
    buf_putc(out, *p);
  }
  buf_putc(out, '"');
}

static void raw_row(file_import *fi, buf *out) {
  size_t n = csv_nfields(fi->csv);
  for (size_t i = 0; i < n; i++) {
    if (i) buf_putc(out, ',');
    csv_quote(out, csv_field(fi->csv, i, NULL));
  }
}

/* A storage fault ends the import: nothing is stored, and the fault alone
 * is reported (with no row's place: it is not the row's fault). Returns
 * its code. */
static int fault(err_list *errs, const err *e) {
  err f = *e;
  f.file[0] = 0;
  f.line = 0;
  f.field[0] = 0;
  err_list_free(errs);
  err_list_add(errs, &f);
  return f.code;
}

/* The first storage fault among a row's errors, or NULL. */
static const err *row_fault(const err_list *row_errs) {
  for (int i = 0; i < row_errs->n; i++)
    if (store_fault(row_errs->items[i].code)) return &row_errs->items[i];
  return NULL;
}

/* A refused row: to the skip file with its reasons, or to the import's errors. */
static void refuse(file_import *fi, const char *raw, err_list *row_errs) {
  if (fi->skip) {
    buf reasons;
    buf_init(&reasons, 1 << 16);
    for (int i = 0; i < row_errs->n; i++) {
      char line[700];
      buf_printf(&reasons, "%s%s", i ? "; " : "", err_format(&row_errs->items[i], line, sizeof line));
    }
    fputs(raw, fi->skip);
    fputc(',', fi->skip);
    buf q;
    buf_init(&q, 0);
    csv_quote(&q, buf_cstr(&reasons));
    fputs(buf_cstr(&q), fi->skip);
    fputc('\n', fi->skip);
    buf_free(&q);
    buf_free(&reasons);
    fi->st.refused++;
    return;
  }
  for (int i = 0; i < row_errs->n; i++) err_list_add(fi->errs, &row_errs->items[i]);
  fi->failed = 1;
}

/* Events ACLED withdrew: 1 when the row is to be skipped (its id is marked
 * deleted and its timestamp is not later than the deletion's), 0 when it is
 * to be written (a later row also forgets the deletion), <0 on error. */
static int skip_deleted(file_import *fi, record *r, err *e) {
  if (!fi->deletions) return 0;
  const char *id = r->v[fi->k->key[0]].s;
  int64_t deleted_at;
  int found = event_deletion(fi->s, id, &deleted_at, e);
  if (found <= 0) return found;
  const fval *ts = &r->v[fi->its];
  if (!ts->set || ts->i <= deleted_at) return 1;
  return event_forget_deletion(fi->s, id, e);
}

/* The events-only steps around a write: deletions first, then the ACLED and
 * UCDP default verification, for a new event only (a re-import leaves a
 * stored verification alone). Returns 1 to skip the row, 0 to write it, <0
 * on error (e filled). */
static int before_event(file_import *fi, record *r, err *e) {
  int rc = skip_deleted(fi, r, e);
  if (rc) return rc;
  if (fi->default_verified) {
    r->v[fi->iver] = (fval){.set = 1, .s = "verified"};
    r->present[fi->iver] = r->if_new[fi->iver] = 1;
  }
  return 0;
}

/* A native row's deleted=yes (an export of a deleted event): its deletion
 * is recorded at the row's timestamp (else now), unless one is recorded. */
static int after_event(file_import *fi, const record *r, err *e) {
  if (fi->deleted_col < 0) return 0;
  const char *v = csv_field(fi->csv, (size_t)fi->deleted_col, NULL);
  if (*v && strcmp(v, "yes") && strcmp(v, "no"))
    return err_set(e, ERR_VALIDATION, "'%.40s' is not yes or no", v);
  if (strcmp(v, "yes")) return 0;
  const char *id = r->v[fi->k->key[0]].s;
  int64_t old;
  int found = event_deletion(fi->s, id, &old, e);
  if (found) return found < 0 ? found : 0;
  const fval *ts = &r->v[fi->its];
  int rc = event_mark_deleted(fi->s, id, ts->set ? ts->i : (int64_t)time(NULL), e);
  return rc < 0 ? rc : 0;
}

/* The stored event id as JSON (the caller frees it) and its verification
 * into ver, or NULL when it is not stored. */
static char *event_version(store *s, const char *id, char *ver, size_t cap) {
  stmt *st;
  record cur;
  err e;
  if (query_get(s, kind_find("events"), id, NULL, &st, &cur, &e) != 1) return NULL;
  const fval *v = record_get(&cur, "verification");
  snprintf(ver, cap, "%s", v->set ? v->s : "");
  buf b;
  buf_init(&b, 0);
  jw w;
  jw_init(&w, &b, 0);
  recjson_write(&w, &cur);
  stmt_finalize(st);
  char *out = strdup(buf_cstr(&b));
  buf_free(&b);
  if (!out) abort();
  return out;
}

/* After an update of an event that was stored as before: an audit entry
 * when its verification changed. Returns 0 or a negative code. */
static int audit_verification(file_import *fi, const record *r, const char *before, const char *ver, err *e) {
  char now[16];
  const char *id = r->v[fi->k->key[0]].s;
  char *after = event_version(fi->s, id, now, sizeof now);
  int rc = 0;
  if (after && strcmp(now, ver)) rc = audit_append(fi->s, fi->o->actor, "update", "events", id, before, after, e);
  free(after);
  return rc;
}

static uint64_t key_hash(const record *r);

/* The error of a key met twice in the file, on its column. */
static void twice(file_import *fi, const record *r, err_list *row_errs) {
  err e;
  err_set(&e, ERR_VALIDATION, "'%.100s' appears more than once in this file", r->v[fi->k->key[0]].s);
  err_at(&e, fi->fname, r->line, fi->k->fields[fi->k->key[0]].name);
  err_list_add(row_errs, &e);
}

/* Bulk mode, after writer_put refused a row: a key already stored in this
 * import is reported, as outside bulk mode, as met twice (and alone);
 * otherwise the row is not stored, and its key is remembered. */
static void bulk_refused(file_import *fi, const record *r, int rc, err_list *row_errs) {
  int ex = rc == ERR_CONFLICT ? 1 : record_exists(fi->s, fi->k, r->v[fi->k->key[0]].s);
  if (ex == 1) {
    err_list_free(row_errs);
    err_list_init(row_errs, 32);
    twice(fi, r, row_errs);
  }
  hset_add(&fi->ids, key_hash(r));
}

static void put_record(file_import *fi, record *r, const char *raw, err_list *row_errs, int key_ok) {
  int stored = 0;
  if (row_errs->n == 0 && fi->failed) {
    writer_check(fi->w, r, row_errs); /* nothing more is stored; keep reporting */
  } else if (row_errs->n == 0) {
    err e;
    if (fi->o->authorize && fi->o->authorize(fi->o->ctx, fi->s, r, &e)) {
      if (store_fault(e.code)) {
        fi->fault = fault(fi->errs, &e);
        return;
      }
      err_at(&e, fi->fname, r->line, "-");
      err_list_add(row_errs, &e);
      refuse(fi, raw, row_errs);
      return;
    }
    /* Who changes a verification, and when, goes to the audit trail. */
    char *before = NULL, ver[16] = "";
    if (fi->events && fi->o->actor && r->present[fi->iver] && !fi->default_verified)
      before = event_version(fi->s, r->v[fi->k->key[0]].s, ver, sizeof ver);
    if (fi->events) {
      int skip = before_event(fi, r, &e);
      if (skip == 1) {
        fi->st.skipped++;
        free(before);
        return;
      }
      if (skip < 0) {
        err_at(&e, fi->fname, r->line, "-");
        err_list_add(row_errs, &e);
        refuse(fi, raw, row_errs);
        free(before);
        return;
      }
    }
    int rc = writer_put(fi->w, r, row_errs);
    stored = rc > 0;
    if (fi->bulk && key_ok && rc < 0 && !store_fault(rc)) bulk_refused(fi, r, rc, row_errs);
    if (rc == WRITE_INSERTED) fi->st.inserted++;
    else if (rc == WRITE_UPDATED) fi->st.updated++;
    else if (rc == WRITE_UNCHANGED) fi->st.unchanged++;
    else if (rc == WRITE_QUEUED) fi->st.queued++;
    if (rc == WRITE_INSERTED || rc == WRITE_UPDATED) trail_note(fi->trail, r, rc);
    if (rc > 0 && fi->events && after_event(fi, r, &e)) {
      err_at(&e, fi->fname, r->line, "deleted");
      err_list_add(row_errs, &e);
    }
    /* (a queued row is read back after its batch is written) */
    if ((rc == WRITE_UPDATED || rc == WRITE_QUEUED) && before && audit_verification(fi, r, before, ver, &e)) {
      err_at(&e, fi->fname, r->line, "-");
      err_list_add(row_errs, &e);
    }
    free(before);
    if (rc > 0 && fi->o->written && fi->o->written(fi->o->ctx, fi->s, r, rc, &e)) {
      /* The row is stored already: the whole import fails, --skip-bad or not. */
      err_at(&e, fi->fname, r->line, "-");
      err_list_add(fi->errs, &e);
      fi->failed = 1;
    }
  }
  /* Bulk mode: a key not stored is remembered, to tell it met twice. */
  if (fi->bulk && key_ok && !stored) hset_add(&fi->ids, key_hash(r));
  const err *f = row_fault(row_errs);
  if (f) fi->fault = fault(fi->errs, f);
  else if (row_errs->n) refuse(fi, raw, row_errs);
}

/* The key of r as one string, for duplicate detection. */
static uint64_t key_hash(const record *r) {
  uint64_t h = 0;
  for (int i = 0; i < r->k->nkey; i++) {
    const fval *v = &r->v[r->k->key[i]];
    if (v->set) h = h * 31 + str_hash(v->s, strlen(v->s));
  }
  return h;
}

static void copy_strings(record *r, arena *a) {
  for (int i = 0; i < r->k->nfields; i++)
    if (r->v[i].set && r->v[i].s) r->v[i].s = arena_strdup(a, r->v[i].s);
}

static void flush_held(file_import *fi) {
  if (!fi->holding) return;
  put_record(fi, &fi->held, buf_cstr(&fi->held_raw), &fi->held_errs, 1);
  fi->holding = 0;
  arena_free(&fi->held_arena);
  err_list_free(&fi->held_errs);
  buf_reset(&fi->held_raw);
}

/* Monadic ACLED: a further row of the held event names one more actor. */
static void merge_actor(file_import *fi, const record *r) {
  record *h = &fi->held;
  const kind *k = h->k;
  const fval *actor = record_get(r, "actor1"), *assoc = record_get(r, "assoc_actor_1"),
              *inter = record_get(r, "inter1");
  int a2 = kind_field_index(k, "actor2"), as2 = kind_field_index(k, "assoc_actor_2"),
      i2 = kind_field_index(k, "inter2");
  if (fi->held_actors == 1) {
    h->v[a2] = *actor;
    h->v[as2] = *assoc;
    h->v[i2] = *inter;
    if (h->v[a2].set) h->v[a2].s = arena_strdup(&fi->held_arena, actor->s);
    if (h->v[as2].set) h->v[as2].s = arena_strdup(&fi->held_arena, assoc->s);
  } else if (actor->set) {
    const fval *cur = &h->v[as2];
    h->v[as2].s = cur->set ? arena_printf(&fi->held_arena, "%s; %s", cur->s, actor->s)
                           : arena_strdup(&fi->held_arena, actor->s);
    h->v[as2].set = 1;
  }
  fi->held_actors++;
}

/* Monadic ACLED: an actor row of an event that was written earlier in the file. */
static void merge_stored(file_import *fi, const record *r, err_list *row_errs) {
  err e;
  stmt *st = store_cached(
      fi->s,
      "UPDATE events SET "
      "assoc_actor_2 = CASE WHEN actor2 IS NULL THEN ?2 ELSE COALESCE(assoc_actor_2 || '; ', '') || ?1 END, "
      "inter2 = CASE WHEN actor2 IS NULL THEN ?3 ELSE inter2 END, "
      "actor2 = COALESCE(actor2, ?1) WHERE event_id_cnty = ?4",
      &e);
  const fval *actor = record_get(r, "actor1"), *assoc = record_get(r, "assoc_actor_1"),
              *inter = record_get(r, "inter1"), *id = record_get(r, "event_id_cnty");
  if (!actor->set) return;
  if (!st) {
    err_at(&e, fi->fname, r->line, "-");
    err_list_add(row_errs, &e);
    return;
  }
  stmt_bind_text(st, 1, actor->s);
  if (assoc->set) stmt_bind_text(st, 2, assoc->s);
  if (inter->set) stmt_bind_int(st, 3, inter->i);
  stmt_bind_text(st, 4, id->s);
  if (stmt_run(st, &e) < 0) {
    err_at(&e, fi->fname, r->line, "-");
    err_list_add(row_errs, &e);
  }
}

/* Whether r's key was met earlier in the file. Outside bulk mode, every key
 * is in fi->ids. In bulk mode (the table was empty), fi->ids holds the keys
 * of rows not stored, and the table those stored: the INSERT tells (the
 * writer fails with ERR_CONFLICT), except where the row is not inserted
 * as such (monadic ACLED merges its actors into the stored event, a file
 * without a required column updates, and after a bad row nothing is
 * stored): there the table is looked up. */
static int met_before(file_import *fi, const record *r) {
  if (!fi->bulk) return hset_add(&fi->ids, key_hash(r));
  if (hset_has(&fi->ids, key_hash(r))) return 1;
  if (fi->layout.monadic || fi->partial_layout || fi->failed)
    return record_exists(fi->s, fi->k, r->v[fi->k->key[0]].s) == 1;
  return 0;
}

static void process_row(file_import *fi, arena *row_arena) {
  long line = csv_line(fi->csv);
  err_list row_errs;
  err_list_init(&row_errs, 32);
  record r;
  record_init(&r, fi->k);
  r.file = fi->fname;
  r.line = line;
  size_t nf = csv_nfields(fi->csv);
  if ((int)nf != fi->ncols) {
    err e;
    err_set(&e, ERR_VALIDATION, "the record has %zu fields; the header has %d", nf, fi->ncols);
    err_at(&e, fi->fname, line, "-");
    err_list_add(&row_errs, &e);
  } else {
    for (int m = 0; m < fi->layout.nmaps; m++) {
      const source_map *map = &fi->layout.maps[m];
      const field *f = &fi->k->fields[map->field];
      size_t rawlen;
      const char *raw = csv_field(fi->csv, (size_t)map->column, &rawlen);
      err e;
      const char *text = NULL;
      /* A NUL byte would silently cut the value where C strings end. */
      if (strlen(raw) != rawlen)
        err_set(&e, ERR_VALIDATION, "a NUL byte (\\0) at byte %zu of the field: remove it", strlen(raw));
      else
        text = source_transform(map->tx, raw, row_arena, &e);
      if (!text || field_parse(fi->s, f, text, &r.v[map->field], row_arena, &e)) {
        err_at(&e, fi->fname, line, fi->header[map->column]);
        err_list_add(&row_errs, &e);
      }
      r.present[map->field] = 1;
    }
  }
  /* Duplicates within the file (merges for monadic ACLED). */
  int key_ok = row_errs.n == 0;
  for (int i = 0; key_ok && i < fi->k->nkey; i++) key_ok = r.v[fi->k->key[i]].set;
  if (fi->layout.monadic && key_ok && fi->holding &&
      strcmp(fi->held.v[fi->k->key[0]].s, r.v[fi->k->key[0]].s) == 0) {
    merge_actor(fi, &r);
    err_list_free(&row_errs);
    return;
  }
  if (fi->layout.monadic) flush_held(fi);
  int seen = key_ok && met_before(fi, &r);
  if (seen && fi->layout.monadic) {
    if (!fi->failed) merge_stored(fi, &r, &row_errs);
    const err *f = row_fault(&row_errs);
    if (f) fi->fault = fault(fi->errs, f);
    for (int i = 0; !f && i < row_errs.n; i++) err_list_add(fi->errs, &row_errs.items[i]);
    err_list_free(&row_errs);
    return;
  }
  if (seen) twice(fi, &r, &row_errs);
  if (fi->layout.monadic && row_errs.n == 0) {
    /* Hold the event: the next rows may name its other actors. */
    fi->held = r;
    copy_strings(&fi->held, &fi->held_arena);
    fi->held_actors = 1;
    int a2 = kind_field_index(fi->k, "actor2"), as2 = kind_field_index(fi->k, "assoc_actor_2"),
        i2 = kind_field_index(fi->k, "inter2");
    fi->held.present[a2] = fi->held.present[as2] = fi->held.present[i2] = 1;
    fi->holding = 1;
    if (fi->skip) raw_row(fi, &fi->held_raw);
    err_list_free(&row_errs);
    return;
  }
  buf raw;
  buf_init(&raw, 0);
  if (fi->skip && row_errs.n) raw_row(fi, &raw);
  if (fi->skip && !row_errs.n) raw_row(fi, &raw); /* writer errors need it too */
  put_record(fi, &r, buf_cstr(&raw), &row_errs, key_ok);
  buf_free(&raw);
  err_list_free(&row_errs);
}

/* ACLED's deletions file (event_id_cnty, deleted_timestamp in Unix
 * seconds): each id is marked deleted, stored or not. A bad row stops the
 * import as any bad row does. Returns 0 or ERR_VALIDATION (errors in
 * fi->errs) or ERR_DB. */
static int deletions_stream(file_import *fi) {
  static const char *const cols[] = {"event_id_cnty", "deleted_timestamp"};
  int at[2] = {-1, -1}, problems = 0;
  for (int c = 0; c < fi->ncols; c++) {
    int known = 0;
    for (int j = 0; j < 2; j++)
      if (!strcmp(fi->header[c], cols[j])) {
        if (at[j] >= 0) {
          report_header(fi, cols[j], "this column appears twice in the header");
          problems++;
        }
        at[j] = c;
        known = 1;
      }
    if (!known && !fi->o->lenient) {
      report_header(fi, fi->header[c],
                    "unknown column for an ACLED deletions file (event_id_cnty, deleted_timestamp; give "
                    "--lenient to ignore it)");
      problems++;
    }
  }
  for (int j = 0; j < 2; j++)
    if (at[j] < 0) {
      report_header(fi, cols[j], "this required column is missing from the header");
      problems++;
    }
  if (problems) return ERR_VALIDATION;
  const field *idf = &fi->k->fields[fi->k->key[0]];
  arena row_arena;
  arena_init(&row_arena);
  err e;
  int rc = 0;
  for (;;) {
    if (fi->errs->total >= IMPORT_ERRORS_MAX) break;
    int got = csv_next(fi->csv, &e);
    if (got == CSV_EOF) break;
    if (got < 0) {
      if (e.field[0] == '#') {
        long idx = strtol(e.field + 1, NULL, 10);
        if (idx >= 0 && idx < fi->ncols) str_copy(e.field, sizeof e.field, fi->header[idx]);
      }
      err_list_add(fi->errs, &e);
      fi->failed = 1;
      if (csv_recoverable(fi->csv)) continue;
      break;
    }
    long line = csv_line(fi->csv);
    fi->rows++;
    arena_free(&row_arena);
    if ((int)csv_nfields(fi->csv) != fi->ncols) {
      err_set(&e, ERR_VALIDATION, "the record has %zu fields; the header has %d", csv_nfields(fi->csv), fi->ncols);
      err_at(&e, fi->fname, line, "-");
      err_list_add(fi->errs, &e);
      fi->failed = 1;
      continue;
    }
    const char *id = csv_field(fi->csv, (size_t)at[0], NULL);
    const char *ts = csv_field(fi->csv, (size_t)at[1], NULL);
    fval v;
    int64_t when = 0;
    int bad = 0;
    if (!*id) {
      err_set(&e, ERR_VALIDATION, "a value is required");
      bad = 1;
    } else if (field_parse(fi->s, idf, id, &v, &row_arena, &e)) {
      bad = 1;
    }
    if (bad) {
      err_at(&e, fi->fname, line, cols[0]);
      err_list_add(fi->errs, &e);
    }
    if (!*ts || str_to_int64(ts, &when) || when < 0) {
      err_set(&e, ERR_VALIDATION, "'%.40s' is not a time in Unix seconds (a whole number of seconds since 1970)",
              ts);
      err_at(&e, fi->fname, line, cols[1]);
      err_list_add(fi->errs, &e);
      bad = 1;
    }
    if (bad) fi->failed = 1;
    if (bad || fi->failed) continue;
    int ex = record_exists(fi->s, fi->k, id);
    int w = ex < 0 ? err_set(&e, ex, "the event could not be looked up (%s)", err_name(ex))
                   : event_mark_deleted(fi->s, id, when, &e);
    if (w < 0) {
      err_at(&e, fi->fname, line, "-");
      err_list_add(fi->errs, &e);
      rc = w;
      break;
    }
    if (w == WRITE_UNCHANGED) {
      fi->st.unchanged++;
      continue;
    }
    if (w == WRITE_INSERTED) fi->st.inserted++;
    else fi->st.updated++;
    if (ex) fi->st.marked++;
    else fi->st.remembered++;
  }
  arena_free(&row_arena);
  show_progress(fi, 1);
  if (!rc && fi->failed) rc = ERR_VALIDATION;
  return rc;
}

/* 1 when kind k's table holds no record, 0 if it does, <0 on error. */
static int table_empty(store *s, const kind *k, err *e) {
  char sql[160];
  snprintf(sql, sizeof sql, "SELECT 1 FROM \"%s\" LIMIT 1", k->name);
  stmt *st;
  int rc = store_prepare(s, sql, &st, e);
  if (rc) return rc;
  rc = stmt_step(st, e);
  stmt_finalize(st);
  return rc < 0 ? rc : rc == STMT_DONE;
}

static int import_stream(store *s, const kind *k, csv_reader *csv, const char *fname,
                         source_format format, const import_opts *o, pending *pend, trail *tr,
                         err_list *errs, stats *out) {
  file_import fi;
  memset(&fi, 0, sizeof fi);
  fi.deleted_col = -1;
  fi.s = s;
  fi.k = k;
  fi.o = o;
  fi.errs = errs;
  fi.pend = pend;
  fi.trail = tr;
  fi.fname = fname;
  fi.csv = csv;
  hset_init(&fi.ids);
  arena_init(&fi.held_arena);
  err_list_init(&fi.held_errs, 32);
  buf_init(&fi.held_raw, 0);
  clock_gettime(CLOCK_MONOTONIC, &fi.start);
  int rc = 0;
  err e;
  long errors_before = errs->total;

  int got = csv_next(csv, &e);
  if (got < 0) {
    if (!strncmp(e.field, "#", 1)) str_copy(e.field, sizeof e.field, "-");
    err_list_add(errs, &e);
    rc = ERR_VALIDATION;
    goto done;
  }
  if (got == CSV_EOF) {
    if (csv_bytes_read(csv) == 0) {
      err_set(&e, ERR_VALIDATION, "the file is empty (0 bytes): a dataset file needs at least a header row");
      err_at(&e, fname, 1, "-");
      err_list_add(errs, &e);
      rc = ERR_VALIDATION;
    }
    goto done;
  }
  fi.ncols = (int)csv_nfields(csv);
  fi.header = xcalloc((size_t)fi.ncols, sizeof *fi.header);
  for (int i = 0; i < fi.ncols; i++) {
    size_t tl;
    const char *h = str_trim(csv_field(csv, (size_t)i, NULL), strlen(csv_field(csv, (size_t)i, NULL)), &tl);
    fi.header[i] = strndup(h, tl);
    if (!fi.header[i]) abort();
  }
  if (format == SOURCE_ACLED_DELETIONS) {
    rc = deletions_stream(&fi);
    goto done;
  }
  if (source_layout_build(&fi.layout, format, k, (const char *const *)fi.header, fi.ncols,
                          o->lenient, report_header, &fi)) {
    rc = ERR_VALIDATION;
    goto done;
  }
  fi.deleted_col = -1;
  fi.events = !strcmp(k->name, "events");
  if (fi.events) {
    int given = 0;
    fi.iver = kind_field_index(k, "verification");
    fi.its = kind_field_index(k, "timestamp");
    for (int m = 0; m < fi.layout.nmaps; m++) given |= fi.layout.maps[m].field == fi.iver;
    fi.default_verified = (format == SOURCE_ACLED || format == SOURCE_UCDP) && !given;
    fi.deletions = event_any_deletion(s, &e);
    if (fi.deletions < 0) {
      err_list_add(errs, &e);
      rc = fi.deletions;
      goto done;
    }
    for (int i = 0; i < fi.ncols && format == SOURCE_NATIVE; i++)
      if (!strcmp(fi.header[i], "deleted")) fi.deleted_col = i;
  }
  if (o->skip_bad) {
    fi.skip = fopen(o->skip_bad, "a");
    if (!fi.skip) {
      err_set(&e, ERR_IO, "cannot write %s", o->skip_bad);
      err_list_add(errs, &e);
      rc = ERR_IO;
      goto done;
    }
    if (ftell(fi.skip) == 0) {
      buf hdr;
      buf_init(&hdr, 0);
      for (int i = 0; i < fi.ncols; i++) {
        if (i) buf_putc(&hdr, ',');
        csv_quote(&hdr, fi.header[i]);
      }
      fprintf(fi.skip, "%s,bluehelm_error\n", buf_cstr(&hdr));
      buf_free(&hdr);
    }
  }
  if ((rc = writer_open(&fi.w, s, k, o->skip_bad ? NULL : pend, &e))) {
    if (store_fault(rc)) fi.fault = fault(errs, &e);
    else err_list_add(errs, &e);
    goto done;
  }
  /* A file holds each key once (duplicates are refused): rows may be
   * written in batches where the backend does that (PostgreSQL). Events
   * are, when nothing reads an event back after its write: no deletion to
   * follow (the hook after a write then does nothing), no deleted column,
   * no verification to audit row by row. */
  uint64_t given = 0;
  for (int m = 0; m < fi.layout.nmaps; m++) given |= 1ull << fi.layout.maps[m].field;
  if (!fi.events || (!fi.deletions && fi.deleted_col < 0 &&
                     !(o->actor && (given & (1ull << fi.iver)) && !fi.default_verified)))
    writer_batch(fi.w, given, fi.events);
  writer_on_write(fi.w, trail_written, fi.trail);
  /* Into an empty table, or from a large file, what the database keeps up
   * to date row by row (the counts per grid cell; an empty table's
   * indexes) is built once at the end (store_bulk_begin). Into an empty
   * table, the INSERT itself tells a key met twice (bulk mode): no set of
   * every key, whose memory grows with the file. */
  int empty = table_empty(s, k, &e);
  if (empty < 0 || ((empty || csv_bytes_total(csv) >= IMPORT_BULK_BYTES) &&
                    (rc = store_bulk_begin(s, k->name, empty, &e)))) {
    rc = empty < 0 ? empty : rc;
    if (store_fault(rc)) fi.fault = fault(errs, &e);
    else err_list_add(errs, &e);
    goto done;
  }
  for (int i = 0; i < k->nfields; i++) {
    int mapped = 0;
    for (int m = 0; m < fi.layout.nmaps; m++) mapped |= fi.layout.maps[m].field == i;
    if ((k->fields[i].flags & F_REQUIRED) && !(k->fields[i].flags & F_DERIVED) && !mapped) fi.partial_layout = 1;
  }
  /* (SQLite only: there a refused INSERT leaves the transaction alive.) */
  fi.bulk = empty && !o->authorize && k->nkey == 1 && !(fi.events && fi.deletions) &&
            store_dialect_of(s) == STORE_SQLITE;
  if (fi.bulk) writer_new_only(fi.w);
  arena row_arena;
  arena_init(&row_arena);
  for (;;) {
    if (fi.fault) break;
    if (!o->skip_bad && errs->total >= IMPORT_ERRORS_MAX) break;
    got = csv_next(csv, &e);
    if (got == CSV_EOF) break;
    if (got < 0) {
      if (e.field[0] == '#') {
        long idx = strtol(e.field + 1, NULL, 10);
        if (idx >= 0 && idx < fi.ncols) str_copy(e.field, sizeof e.field, fi.header[idx]);
      }
      if (csv_recoverable(csv) && o->skip_bad) {
        err_list one;
        err_list_init(&one, 1);
        err_list_add(&one, &e);
        buf raw;
        buf_init(&raw, 0);
        raw_row(&fi, &raw);
        refuse(&fi, buf_cstr(&raw), &one);
        buf_free(&raw);
        err_list_free(&one);
        continue;
      }
      err_list_add(errs, &e);
      fi.failed = 1;
      if (csv_recoverable(csv)) continue;
      break;
    }
    fi.rows++;
    process_row(&fi, &row_arena);
    arena_free(&row_arena);
    if ((fi.rows & 1023) == 0) show_progress(&fi, 0);
  }
  if (!fi.fault) flush_held(&fi);
  arena_free(&row_arena);
  if (!fi.failed && !fi.fault) {
    long ins = 0, upd = 0;
    if (writer_flush(fi.w, &ins, &upd, &e)) {
      if (store_fault(e.code)) {
        fi.fault = fault(errs, &e);
      } else {
        err_at(&e, fi.fname, 0, "-");
        err_list_add(errs, &e);
      }
      fi.failed = 1;
    }
    fi.st.inserted += ins;
    fi.st.updated += upd;
    fi.st.unchanged += fi.st.queued - ins - upd;
  }
  /* A file that failed is rolled back: nothing to build. */
  if (!fi.fault && errs->total == errors_before && store_bulk_end(s, &e)) {
    if (store_fault(e.code)) fi.fault = fault(errs, &e);
    else err_list_add(errs, &e);
  }
  show_progress(&fi, 1);
  if (fi.fault) rc = fi.fault;
  else if (errs->total > errors_before) rc = ERR_VALIDATION;
done:
  if (fi.skip && fclose(fi.skip) != 0 && !rc) {
    err_set(&e, ERR_IO, "cannot write %s", o->skip_bad);
    err_list_add(errs, &e);
    rc = ERR_IO;
  }
  writer_close(fi.w);
  for (int i = 0; i < fi.ncols; i++) free(fi.header[i]);
  free(fi.header);
  hset_free(&fi.ids);
  arena_free(&fi.held_arena);
  err_list_free(&fi.held_errs);
  buf_free(&fi.held_raw);
  if (out) {
    out->inserted += fi.st.inserted;
    out->updated += fi.st.updated;
    out->unchanged += fi.st.unchanged;
    out->refused += fi.st.refused;
    out->skipped += fi.st.skipped;
    out->marked += fi.st.marked;
    out->remembered += fi.st.remembered;
    out->fault = fi.fault;
  }
  return rc;
}

typedef struct job {
  const kind *k;
  char *path;
  const char *name;
} job;

static int job_order(const void *a, const void *b) {
  const job *x = a, *y = b;
  return (x->k > y->k) - (x->k < y->k); /* kinds are stored in dependency order */
}

/* The import's audit entry (API.md, "The audit trail"): who, the files
 * with their counts, the digest of the records changed and the first
 * updated ones by name. Appended only when a record changed. */
static int audit_import(store *s, const job *jobs, int n, const stats *st, const import_result *total,
                        trail *tr, const import_opts *o, err *e) {
  unsigned char digest[32];
  char hex[65];
  crypto_generichash_final(&tr->h, digest, sizeof digest);
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  buf after;
  buf_init(&after, 0);
  jw w;
  jw_init(&w, &after, 0);
  jw_obj(&w);
  jw_key(&w, "files");
  jw_arr(&w);
  for (int i = 0; i < n; i++) {
    jw_obj(&w);
    jw_kstr(&w, "name", jobs[i].name);
    jw_kstr(&w, "kind", jobs[i].k->name);
    jw_kint(&w, "inserted", st[i].inserted);
    jw_kint(&w, "updated", st[i].updated);
    jw_kint(&w, "unchanged", st[i].unchanged);
    if (o->skip_bad) jw_kint(&w, "refused", st[i].refused);
    jw_obj_end(&w);
  }
  jw_arr_end(&w);
  jw_kint(&w, "inserted", total->inserted);
  jw_kint(&w, "updated", total->updated);
  jw_kint(&w, "unchanged", total->unchanged);
  jw_kstr(&w, "changes_blake2b", hex);
  jw_key(&w, "updated_ids");
  buf ids;
  buf_init(&ids, 0);
  buf_putc(&ids, '[');
  buf_append(&ids, tr->ids.data, tr->ids.len);
  buf_putc(&ids, ']');
  jw_raw(&w, buf_cstr(&ids));
  buf_free(&ids);
  jw_kint(&w, "updated_ids_more", tr->more);
  jw_obj_end(&w);
  int rc = audit_append(s, o->actor ? o->actor : "local:unknown", "import", n == 1 ? jobs[0].k->name : NULL,
                        NULL, NULL, buf_cstr(&after), e);
  buf_free(&after);
  return rc;
}

/* Runs the jobs in one transaction; prints the summary on success. A
 * storage fault (store_fault) anywhere ends it at once: nothing is stored
 * and errs holds the fault alone. */
static int run_jobs(store *s, job *jobs, int n, const import_opts *o, err_list *errs,
                    const char *mem, size_t memlen) {
  err e;
  if (store_begin(s, &e)) return fault(errs, &e);
  sector_batch_begin(s); /* the events' sectors are refreshed once, below */
  pending pend = {0};
  trail tr;
  memset(&tr, 0, sizeof tr);
  crypto_generichash_init(&tr.h, NULL, 0, 32);
  buf_init(&tr.ids, 0);
  stats st[DIR_FILES_MAX];
  memset(st, 0, sizeof st);
  int rc = 0, faulted = 0;
  if (o->skip_bad) remove(o->skip_bad);
  for (int i = 0; i < n && errs->total < IMPORT_ERRORS_MAX; i++) {
    csv_reader *csv;
    int orc = mem ? csv_open_mem(&csv, mem, memlen, jobs[i].name, &e)
                  : csv_open_file(&csv, jobs[i].path, &e);
    if (orc) {
      err_list_add(errs, &e);
      rc = orc;
      continue;
    }
    source_format fmt = n == 1 && !mem ? o->format : SOURCE_NATIVE;
    if (mem) fmt = o->format;
    int frc = import_stream(s, jobs[i].k, csv, jobs[i].name, fmt, o, &pend, &tr, errs, &st[i]);
    csv_close(csv);
    if (st[i].fault) {
      rc = st[i].fault;
      faulted = 1;
      break;
    }
    if (frc && !rc) rc = frc;
  }
  if (!rc && !errs->total && pending_check(s, &pend, errs)) {
    rc = ERR_VALIDATION;
    const err *f = row_fault(errs);
    if (f) {
      rc = fault(errs, f);
      faulted = 1;
    }
  }
  pending_free(&pend);
  if (!rc && errs->total) rc = ERR_VALIDATION;
  int late = 0; /* one of the last steps failed, e says why */
  if (sector_batch_end(s, !rc, &e) && !rc) {
    rc = e.code;
    late = 1;
  }
  import_result total = {0};
  for (int i = 0; i < n; i++) {
    total.inserted += st[i].inserted;
    total.updated += st[i].updated;
    total.unchanged += st[i].unchanged;
    total.refused += st[i].refused;
    total.skipped += st[i].skipped;
    total.marked += st[i].marked;
    total.remembered += st[i].remembered;
  }
  if (!rc && tr.changed && (rc = audit_import(s, jobs, n, st, &total, &tr, o, &e))) late = 1;
  buf_free(&tr.ids);
  if (!rc && o->before_commit && (rc = o->before_commit(o->ctx, s, &total, &e))) late = 1;
  if (!rc && store_commit(s, &e)) {
    rc = e.code;
    late = 1;
  }
  if (late && store_fault(rc)) {
    fault(errs, &e);
    faulted = 1;
  } else if (late) {
    err_list_add(errs, &e);
  }
  if (rc) {
    store_rollback(s);
    /* An import that stored nothing keeps no refused rows either. */
    if (faulted && o->skip_bad) remove(o->skip_bad);
    return rc;
  }
  if (o->result) *o->result = total;
  if (o->summary) {
    for (int i = 0; i < n; i++) {
      if (o->format == SOURCE_ACLED_DELETIONS) {
        fprintf(o->summary,
                "deletions: %ld new, %ld updated, %ld unchanged (%ld stored events marked deleted, "
                "%ld ids not in the database remembered)\n",
                st[i].inserted, st[i].updated, st[i].unchanged, st[i].marked, st[i].remembered);
        continue;
      }
      fprintf(o->summary, "%s: %ld inserted, %ld updated, %ld unchanged", jobs[i].k->name,
              st[i].inserted, st[i].updated, st[i].unchanged);
      if (st[i].skipped)
        fprintf(o->summary, ", %ld skipped (deleted by ACLED)", st[i].skipped);
      if (o->skip_bad) fprintf(o->summary, ", %ld refused (written to %s)", st[i].refused, o->skip_bad);
      fputc('\n', o->summary);
    }
  }
  return 0;
}

static int import_dir(store *s, const char *path, const import_opts *o, err_list *errs) {
  err e;
  DIR *d = opendir(path);
  if (!d) {
    err_set(&e, ERR_IO, "cannot read the folder %s", path);
    err_list_add(errs, &e);
    return ERR_IO;
  }
  job jobs[DIR_FILES_MAX];
  int n = 0, rc = 0;
  struct dirent *de;
  while ((de = readdir(d))) {
    size_t len = strlen(de->d_name);
    if (len < 5 || strcmp(de->d_name + len - 4, ".csv") != 0) continue;
    char kname[256];
    snprintf(kname, sizeof kname, "%.*s", (int)(len - 4), de->d_name);
    const kind *k = kind_find(kname);
    if (!k) {
      err_set(&e, ERR_VALIDATION, "%s is not a record kind: rename the file or move it out of the folder",
              kname);
      err_at(&e, de->d_name, 1, "-");
      err_list_add(errs, &e);
      rc = ERR_VALIDATION;
      continue;
    }
    if (n == DIR_FILES_MAX) break;
    jobs[n].k = k;
    size_t plen = strlen(path) + 1 + len + 1;
    jobs[n].path = xmalloc(plen);
    snprintf(jobs[n].path, plen, "%s/%s", path, de->d_name);
    jobs[n].name = jobs[n].path + strlen(path) + 1;
    n++;
  }
  closedir(d);
  if (!rc && n == 0) {
    err_set(&e, ERR_VALIDATION, "%s holds no <kind>.csv file", path);
    err_list_add(errs, &e);
    rc = ERR_VALIDATION;
  }
  if (!rc) {
    qsort(jobs, (size_t)n, sizeof *jobs, job_order);
    rc = run_jobs(s, jobs, n, o, errs, NULL, 0);
  }
  for (int i = 0; i < n; i++) free(jobs[i].path);
  return rc;
}

int import_path(store *s, const char *path, const import_opts *o, err_list *errs) {
  struct stat sb;
  err e;
  if (stat(path, &sb) != 0) {
    err_set(&e, ERR_IO, "%s does not exist", path);
    err_list_add(errs, &e);
    return ERR_IO;
  }
  if (S_ISDIR(sb.st_mode)) {
    if (o->kind || o->format != SOURCE_NATIVE) {
      err_set(&e, ERR_USAGE, "--kind and --format apply to one file, not to a folder");
      err_list_add(errs, &e);
      return ERR_USAGE;
    }
    return import_dir(s, path, o, errs);
  }
  const kind *k = NULL;
  if (o->format != SOURCE_NATIVE) {
    k = kind_find("events");
  } else if (o->kind) {
    k = kind_find(o->kind);
    if (!k) {
      err_set(&e, ERR_USAGE, "unknown kind '%.60s' (see `bluehelm help import`)", o->kind);
      err_list_add(errs, &e);
      return ERR_USAGE;
    }
  } else {
    /* A file named <kind>.csv needs no --kind. */
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    char kname[256];
    size_t len = strlen(base);
    if (len > 4 && strcmp(base + len - 4, ".csv") == 0) {
      snprintf(kname, sizeof kname, "%.*s", (int)(len - 4), base);
      k = kind_find(kname);
    }
    if (!k) {
      err_set(&e, ERR_USAGE, "%s: give --kind KIND or --format acled|ucdp", path);
      err_list_add(errs, &e);
      return ERR_USAGE;
    }
  }
  const char *base = strrchr(path, '/');
  job j = {k, (char *)path, base ? base + 1 : path};
  return run_jobs(s, &j, 1, o, errs, NULL, 0);
}

int import_buffer(store *s, const kind *k, const char *data, size_t len, const char *name,
                  const import_opts *o, err_list *errs) {
  job j = {k, NULL, name};
  return run_jobs(s, &j, 1, o, errs, data, len);
}
