/* record.c: the generic writer: validation, references, cycles, upsert. */
#include "model/record.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/date.h"
#include "core/geo.h"
#include "core/utf8.h"
#include "model/place.h"
#include "model/sqlfn.h"

#define WRITER_STMTS 8
#define KIND_CHECKS_MAX 32
#define CYCLE_DEPTH_MAX 10000

typedef struct upsert {
  uint64_t mask;   /* present, non-derived fields */
  uint64_t if_new; /* of those, the ones written only into a new record */
  int partial;   /* a required column is missing: update an existing record only */
  stmt *st;
  int param[KIND_FIELDS_MAX]; /* parameter index per field, 0 = not bound */
  int cparam[KIND_COMPUTED_MAX]; /* an inserted row's computed columns, bound from C */
  struct writer *w;
  buf queued; /* the keys of the rows queued, in order: key fields joined by \x1f, \n after each */
} upsert;

struct writer {
  store *s;
  const kind *k;
  pending *p;
  upsert stmts[WRITER_STMTS];
  int nstmts;
  int batch;         /* rows may be queued (writer_batch) */
  long ins, upd;     /* outcome of queued rows of statements already closed */
  void (*on_write)(void *ctx, const record *r, int outcome);
  void *on_write_ctx;
  int new_only; /* writer_new_only */
  int check_a[KIND_CHECKS_MAX], check_b[KIND_CHECKS_MAX]; /* the checks' columns, looked up once */
  int comp_arg[KIND_COMPUTED_MAX][2]; /* the computed columns' arguments, looked up once */
  int has_dependents; /* some kind's WITHIN check names this kind */
  int req[KIND_FIELDS_MAX], nreq;       /* required columns */
  int req_nd[KIND_FIELDS_MAX], nreq_nd; /* of them, those not derived */
};

/* A batch of queued rows was written: each changed one is reported, in
 * the order it was queued, as a record holding its key. */
static void batch_written(void *ctx, const unsigned char *outcome, long n) {
  upsert *u = ctx;
  writer *w = u->w;
  const kind *k = w->k;
  char *p = u->queued.data;
  for (long i = 0; i < n && p && *p; i++) {
    char *nl = strchr(p, '\n');
    if (!nl) break;
    if (outcome[i] && w->on_write) {
      record r;
      record_init(&r, k);
      char *f = p;
      *nl = 0;
      for (int j = 0; j < k->nkey; j++) {
        char *sep = strchr(f, '\x1f');
        if (sep) *sep = 0;
        r.v[k->key[j]] = (fval){.set = 1, .s = f};
        r.present[k->key[j]] = 1;
        f = sep ? sep + 1 : f + strlen(f);
      }
      w->on_write(w->on_write_ctx, &r, outcome[i] == 1 ? WRITE_INSERTED : WRITE_UPDATED);
    }
    p = nl + 1;
  }
  buf_reset(&u->queued);
}

void writer_on_write(writer *w, void (*fn)(void *ctx, const record *r, int outcome), void *ctx) {
  w->on_write = fn;
  w->on_write_ctx = ctx;
}

static void add_error(err_list *errs, const record *r, const char *fieldname, err *e) {
  err_at(e, r->file ? r->file : "", r->line, fieldname);
  err_list_add(errs, e);
}

void pending_free(pending *p) {
  for (long i = 0; i < p->n; i++) free(p->items[i].id);
  free(p->items);
  p->items = NULL;
  p->n = p->cap = 0;
}

static void pending_add(pending *p, const kind *target, const char *id, const record *r,
                        const char *fieldname) {
  if (p->n == p->cap) {
    p->cap = p->cap ? p->cap * 2 : 64;
    p->items = xrealloc(p->items, (size_t)p->cap * sizeof *p->items);
  }
  pending_ref *ref = &p->items[p->n++];
  ref->target = target;
  ref->id = xstrdup(id);
  snprintf(ref->file, sizeof ref->file, "%s", r->file ? r->file : "");
  ref->line = r->line;
  ref->field = fieldname;
}

int record_exists(store *s, const kind *k, const char *id) {
  char sql[256];
  snprintf(sql, sizeof sql, "SELECT 1 FROM \"%s\" WHERE \"%s\" = ?", k->name, kind_key_name(k));
  stmt *st = store_cached(s, sql, NULL);
  if (!st) return ERR_DB;
  stmt_bind_text(st, 1, id);
  int rc = stmt_step(st, NULL);
  stmt_reset(st);
  return rc;
}

long pending_check(store *s, pending *p, err_list *errs) {
  long missing = 0;
  for (long i = 0; i < p->n; i++) {
    pending_ref *ref = &p->items[i];
    if (record_exists(s, ref->target, ref->id) == 1) continue;
    err e;
    if (strcmp(ref->target->name, "places") == 0)
      err_set(&e, ERR_VALIDATION, "no place has the id or name '%.100s'", ref->id);
    else
      err_set(&e, ERR_VALIDATION, "no %s record has the id '%.100s'", ref->target->name, ref->id);
    err_rule(&e, "reference");
    err_at(&e, ref->file, ref->line, ref->field);
    err_list_add(errs, &e);
    missing++;
  }
  return missing;
}

int writer_open(writer **out, store *s, const kind *k, pending *p, err *e) {
  (void)e;
  writer *w = xcalloc(1, sizeof *w);
  w->s = s;
  w->k = k;
  w->p = p;
  for (int c = 0; c < k->nchecks && c < KIND_CHECKS_MAX; c++) {
    w->check_a[c] = k->checks[c].a ? kind_field_index(k, k->checks[c].a) : -1;
    w->check_b[c] = k->checks[c].b ? kind_field_index(k, k->checks[c].b) : -1;
  }
  if (k->ncomputed > KIND_COMPUTED_MAX) abort(); /* a kind declares more than KIND_COMPUTED_MAX */
  for (int c = 0; c < k->ncomputed; c++) {
    w->comp_arg[c][0] = kind_field_index(k, k->computed[c].arg1);
    w->comp_arg[c][1] = kind_field_index(k, k->computed[c].arg2);
  }
  for (int i = 0; i < k->nfields; i++)
    if (k->fields[i].flags & F_REQUIRED) {
      w->req[w->nreq++] = i;
      if (!(k->fields[i].flags & F_DERIVED)) w->req_nd[w->nreq_nd++] = i;
    }
  int n;
  const kind *all = kind_all(&n);
  for (int i = 0; i < n; i++)
    for (int c = 0; c < all[i].nchecks; c++) {
      const kind_check *ch = &all[i].checks[c];
      const field *ref = ch->type == CHECK_WITHIN ? kind_field(&all[i], ch->ref) : NULL;
      if (ref && !strcmp(ref->arg, k->name)) w->has_dependents = 1;
    }
  *out = w;
  return 0;
}

void writer_batch(writer *w, uint64_t given, int hook_idle) {
  const kind *k = w->k;
  if (k->after_write && !hook_idle) return;
  for (int i = 0; i < k->nfields; i++) {
    const field *f = &k->fields[i];
    if ((f->type == FT_REF || f->type == FT_REFLIST) && !strcmp(f->arg, k->name) && (given & (1ull << i))) return;
    if ((f->type == FT_PLACE || f->type == FT_PLACELIST) && !strcmp(k->name, "places")) return;
  }
  int n;
  const kind *all = kind_all(&n);
  for (int i = 0; i < n; i++)
    for (int c = 0; c < all[i].nchecks; c++) {
      const kind_check *ch = &all[i].checks[c];
      const field *ref = ch->type == CHECK_WITHIN ? kind_field(&all[i], ch->ref) : NULL;
      if (ref && !strcmp(ref->arg, k->name)) return;
    }
  w->batch = 1;
}

int writer_flush(writer *w, long *inserted, long *updated, err *e) {
  int rc = 0;
  for (int i = 0; i < w->nstmts && !rc; i++) rc = stmt_flush(w->stmts[i].st, &w->ins, &w->upd, e);
  *inserted += w->ins;
  *updated += w->upd;
  w->ins = w->upd = 0;
  return rc;
}

void writer_new_only(writer *w) {
  for (int i = 0; i < w->nstmts; i++) {
    stmt_finalize(w->stmts[i].st);
    buf_free(&w->stmts[i].queued);
  }
  w->nstmts = 0;
  w->new_only = 1;
}

void writer_close(writer *w) {
  if (!w) return;
  for (int i = 0; i < w->nstmts; i++) {
    stmt_finalize(w->stmts[i].st);
    buf_free(&w->stmts[i].queued);
  }
  free(w);
}

/* The new value of field fi in an upsert ("excluded.col") or an update ("?N"). */
static void new_value(buf *out, const upsert *u, const field *f, int fi) {
  char tmp[80];
  if (u->partial) buf_printf(out, "?%d", u->param[fi]);
  else buf_printf(out, "excluded.\"%s\"", field_column(f, tmp, sizeof tmp));
}

/* Builds the statement that writes one set of present columns: an upsert
 * (INSERT .. ON CONFLICT DO UPDATE .. WHERE something differs), or, when a
 * required column is absent, an UPDATE of an existing record only (SQLite
 * checks NOT NULL before it notices the conflict an upsert relies on). */
static int build_upsert(writer *w, uint64_t mask, uint64_t if_new, upsert *u, err *e) {
  const kind *k = w->k;
  char tmp[80];
  memset(u, 0, sizeof *u);
  u->mask = mask;
  u->if_new = if_new;
  int np = 0;
  for (int i = 0; i < k->nfields; i++) {
    const field *f = &k->fields[i];
    if (!(mask & (1ull << i)) && (f->flags & F_REQUIRED) && !(f->flags & F_DERIVED)) u->partial = 1;
  }
  /* An update of an existing record only never writes a value for new records. */
  for (int i = 0; i < k->nfields; i++)
    if ((mask & (1ull << i)) && !(u->partial && (if_new & (1ull << i)))) u->param[i] = ++np;
  buf cols, vals, sets, differs, sql;
  buf_init(&cols, 0);
  buf_init(&vals, 0);
  buf_init(&sets, 0);
  buf_init(&differs, 0);
  buf_init(&sql, 0);
  for (int i = 0; i < k->nfields; i++) {
    const field *f = &k->fields[i];
    if (!u->param[i]) continue;
    const char *col = field_column(f, tmp, sizeof tmp);
    buf_printf(&cols, "%s\"%s\"", cols.len ? ", " : "", col);
    buf_printf(&vals, "%s?%d", vals.len ? ", " : "", u->param[i]);
    if ((f->flags & F_KEY) || (if_new & (1ull << i))) continue;
    buf_printf(&sets, "%s\"%s\" = ", sets.len ? ", " : "", col);
    new_value(&sets, u, f, i);
    /* Qualified: in PostgreSQL's DO UPDATE a bare column could be excluded's. */
    buf_printf(&differs, "%s\"%s\".\"%s\" IS DISTINCT FROM ", differs.len ? " OR " : "", k->name, col);
    new_value(&differs, u, f, i);
  }
  for (int c = 0; c < k->ncomputed; c++) {
    const kind_computed *kc = &k->computed[c];
    const char *args[2] = {kc->arg1, kc->arg2};
    buf_printf(&cols, ", \"%s\"", kc->column);
    /* A new row's value is computed in C (the function SQL calls, with
     * NULL for absent columns) and bound: no SQL function per inserted row
     * (PostgreSQL runs it in PL/pgSQL). An update computes it in SQL, from
     * the stored values of absent columns. */
    if (!u->partial) {
      u->cparam[c] = ++np;
      buf_printf(&vals, ", ?%d", u->cparam[c]);
    } else {
      buf_printf(&vals, ", %s(", kc->function);
    }
    buf_printf(&sets, "%s\"%s\" = %s(", sets.len ? ", " : "", kc->column, kc->function);
    for (int a = 0; a < 2; a++) {
      int fi = kind_field_index(k, args[a]);
      const char *sep = a ? ", " : "";
      if (u->partial && fi >= 0 && u->param[fi]) buf_printf(&vals, "%s?%d", sep, u->param[fi]);
      else if (u->partial) buf_printf(&vals, "%sNULL", sep);
      /* An update computes from the new value, or the stored one (a value
       * for a new record only is not written over a stored one). */
      if (fi >= 0 && u->param[fi] && !(if_new & (1ull << fi))) {
        buf_puts(&sets, sep);
        new_value(&sets, u, &k->fields[fi], fi);
      } else {
        /* Qualified: in PostgreSQL's DO UPDATE a bare column could be excluded's. */
        buf_printf(&sets, "%s\"%s\".\"%s\"", sep, k->name, args[a]);
      }
    }
    if (u->partial) buf_puts(&vals, ")");
    buf_puts(&sets, ")");
  }
  if (u->partial) {
    if (!sets.len) buf_printf(&sets, "\"%s\" = \"%s\"", kind_key_name(k), kind_key_name(k));
    buf_printf(&sql, "UPDATE \"%s\" SET %s WHERE ", k->name, buf_cstr(&sets));
    for (int i = 0; i < k->nkey; i++)
      buf_printf(&sql, "%s\"%s\" = ?%d", i ? " AND " : "", k->fields[k->key[i]].name,
                 u->param[k->key[i]]);
    if (differs.len) buf_printf(&sql, " AND (%s)", buf_cstr(&differs));
  } else {
    buf_printf(&sql, "INSERT INTO \"%s\" (%s) VALUES (%s)", k->name, buf_cstr(&cols), buf_cstr(&vals));
  }
  if (!u->partial && !w->new_only) {
    buf_puts(&sql, " ON CONFLICT (");
    for (int i = 0; i < k->nkey; i++)
      buf_printf(&sql, "%s\"%s\"", i ? ", " : "", k->fields[k->key[i]].name);
    if (differs.len)
      buf_printf(&sql, ") DO UPDATE SET %s WHERE %s", buf_cstr(&sets), buf_cstr(&differs));
    else
      buf_puts(&sql, ") DO NOTHING");
  }
  int rc = store_prepare(w->s, buf_cstr(&sql), &u->st, e);
  buf_free(&cols);
  buf_free(&vals);
  buf_free(&sets);
  buf_free(&differs);
  buf_free(&sql);
  return rc;
}

static upsert *get_upsert(writer *w, uint64_t mask, uint64_t if_new, err *e) {
  for (int i = 0; i < w->nstmts; i++)
    if (w->stmts[i].mask == mask && w->stmts[i].if_new == if_new) return &w->stmts[i];
  if (w->nstmts == WRITER_STMTS) {
    if (stmt_flush(w->stmts[0].st, &w->ins, &w->upd, e)) return NULL;
    stmt_finalize(w->stmts[0].st);
    buf_free(&w->stmts[0].queued);
    memmove(&w->stmts[0], &w->stmts[1], (WRITER_STMTS - 1) * sizeof w->stmts[0]);
    w->nstmts--;
    /* The statements moved: their batches report to their new places. */
    for (int i = 0; w->batch && i < w->nstmts; i++) stmt_on_batch(w->stmts[i].st, batch_written, &w->stmts[i]);
  }
  upsert *u = &w->stmts[w->nstmts];
  if (build_upsert(w, mask, if_new, u, e)) return NULL;
  u->w = w;
  buf_init(&u->queued, 0);
  w->nstmts++;
  /* (u moves when an older statement is dropped: the callback is set again below) */
  return u;
}

static int check_ref(writer *w, const kind *target, const char *id, record *r,
                     const char *fieldname, err_list *errs) {
  int ex = record_exists(w->s, target, id);
  if (ex < 0) {
    err e;
    err_set(&e, ex, "the reference could not be checked (%s)", err_name(ex));
    add_error(errs, r, fieldname, &e);
    return -1;
  }
  if (ex) return 0;
  if (w->p) {
    pending_add(w->p, target, id, r, fieldname);
    return 0;
  }
  err e;
  if (strcmp(target->name, "places") == 0)
    err_set(&e, ERR_VALIDATION, "no place has the id or name '%.100s'", id);
  else
    err_set(&e, ERR_VALIDATION, "no %s record has the id '%.100s'", target->name, id);
  err_rule(&e, "reference");
  add_error(errs, r, fieldname, &e);
  return -1;
}

static int check_refs(writer *w, record *r, err_list *errs) {
  const kind *k = w->k;
  int bad = 0;
  for (int i = 0; i < k->nfields; i++) {
    const field *f = &k->fields[i];
    const fval *v = &r->v[i];
    if (!v->set) continue;
    const kind *target = NULL;
    if (f->type == FT_REF || f->type == FT_REFLIST) target = kind_find(f->arg);
    else if (f->type == FT_PLACE || f->type == FT_PLACELIST) target = kind_find("places");
    if (!target) continue;
    if (!field_is_list(f)) {
      /* A record may name itself only through a list. */
      if (target == k && strcmp(v->s, r->v[k->key[0]].s) == 0) {
        err e;
        err_set(&e, ERR_VALIDATION, "a record cannot be its own %s", f->name);
        err_rule(&e, "self_reference");
        add_error(errs, r, f->name, &e);
        bad = 1;
        continue;
      }
      if (check_ref(w, target, v->s, r, f->name, errs)) bad = 1;
      continue;
    }
    char item[256];
    for (const char *p = v->s; p && *p;) {
      const char *semi = strchr(p, ';');
      size_t len = semi ? (size_t)(semi - p) : strlen(p);
      if (len >= sizeof item) len = sizeof item - 1;
      memcpy(item, p, len);
      item[len] = 0;
      if (check_ref(w, target, item, r, f->name, errs)) bad = 1;
      p = semi ? semi + 1 : NULL;
    }
  }
  return bad;
}

/* A self-reference (units.parent_unit, places.parent_place) must not close a
 * loop: walk up from the new parent; meeting the record itself is a cycle. */
static int check_cycles(writer *w, record *r, err_list *errs) {
  const kind *k = w->k;
  const char *self = r->v[k->key[0]].s;
  for (int i = 0; i < k->nfields; i++) {
    const field *f = &k->fields[i];
    int selfref = (f->type == FT_REF && strcmp(f->arg, k->name) == 0) ||
                  (f->type == FT_PLACE && strcmp(k->name, "places") == 0);
    if (!selfref || !r->v[i].set) continue;
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT \"%s\" FROM \"%s\" WHERE \"%s\" = ?", f->name, k->name,
             kind_key_name(k));
    err e;
    stmt *st = store_cached(w->s, sql, &e);
    if (!st) {
      add_error(errs, r, f->name, &e);
      return 1;
    }
    char cur[256];
    snprintf(cur, sizeof cur, "%s", r->v[i].s);
    buf path;
    buf_init(&path, 4096);
    buf_printf(&path, "%s -> %s", self, cur);
    for (int depth = 0; depth < CYCLE_DEPTH_MAX; depth++) {
      if (strcmp(cur, self) == 0) {
        err_set(&e, ERR_VALIDATION, "this %s makes a cycle: %s", f->name, buf_cstr(&path));
        err_rule(&e, "cycle");
        add_error(errs, r, f->name, &e);
        buf_free(&path);
        return 1;
      }
      stmt_reset(st);
      stmt_bind_text(st, 1, cur);
      int step = stmt_step(st, &e);
      if (step < 0) {
        add_error(errs, r, f->name, &e);
        stmt_reset(st);
        buf_free(&path);
        return 1;
      }
      if (step != STMT_ROW || stmt_is_null(st, 0)) break;
      snprintf(cur, sizeof cur, "%s", stmt_text(st, 0));
      buf_printf(&path, " -> %s", cur);
    }
    stmt_reset(st);
    buf_free(&path);
  }
  return 0;
}

/* The text value of text field fi that r will have once written: its own
 * when the source gave the column, else the stored record's (an update keeps
 * absent columns). Copies into out (cap bytes); returns 1 with a value, 0
 * without. */
static int value_after_write(writer *w, const record *r, int fi, char *out, size_t cap) {
  const kind *k = w->k;
  if (r->present[fi]) {
    if (!r->v[fi].set) return 0;
    snprintf(out, cap, "%s", r->v[fi].s);
    return 1;
  }
  char sql[256];
  snprintf(sql, sizeof sql, "SELECT \"%s\" FROM \"%s\" WHERE \"%s\" = ?1%s%s%s", k->fields[fi].name,
           k->name, kind_key_name(k), k->nkey > 1 ? " AND \"" : "",
           k->nkey > 1 ? k->fields[k->key[1]].name : "", k->nkey > 1 ? "\" = ?2" : "");
  stmt *st = store_cached(w->s, sql, NULL);
  if (!st) return 0;
  for (int i = 0; i < k->nkey; i++) {
    const fval *kv = &r->v[k->key[i]];
    if (kv->set) stmt_bind_text(st, i + 1, kv->s);
  }
  int found = 0;
  if (stmt_step(st, NULL) == STMT_ROW && !stmt_is_null(st, 0)) {
    snprintf(out, cap, "%s", stmt_text(st, 0));
    found = 1;
  }
  stmt_reset(st);
  return found;
}

/* SEQUENCE: walks the columns in order; a value before the latest value
 * given earlier in the list runs backwards (reported on its column). */
static int check_sequence(writer *w, record *r, const kind_check *ch, err_list *errs) {
  const kind *k = w->k;
  char prev[128] = "", prev_name[64] = "", cur[128];
  int bad = 0;
  for (const char *p = ch->arg; *p;) {
    size_t len = strcspn(p, "|");
    char name[64];
    snprintf(name, sizeof name, "%.*s", (int)len, p);
    p += len + (p[len] == '|');
    int fi = kind_field_index(k, name);
    if (fi < 0 || !value_after_write(w, r, fi, cur, sizeof cur)) continue;
    if (prev[0] && strcmp(cur, prev) < 0) {
      err e;
      err_set(&e, ERR_VALIDATION, "%s: %s %s is before %s %s", ch->message, name, cur, prev_name, prev);
      err_rule(&e, "sequence");
      add_error(errs, r, name, &e);
      bad = 1;
      continue; /* later columns are compared with the latest good one */
    }
    snprintf(prev, sizeof prev, "%s", cur);
    snprintf(prev_name, sizeof prev_name, "%s", name);
  }
  return bad;
}

/* Selects column (SQL written by bluehelm) of r's stored record, both key
 * columns of a kind keyed by two. Returns STMT_ROW with *out ready to read
 * (reset it after), STMT_DONE, or a negative code with e filled. */
static int stored_row(writer *w, const record *r, const char *column, stmt **out, err *e) {
  const kind *k = w->k;
  char sql[512];
  int n = snprintf(sql, sizeof sql, "SELECT %s FROM \"%s\" WHERE \"%s\" = ?1", column, k->name,
                   k->fields[k->key[0]].name);
  if (k->nkey > 1) snprintf(sql + n, sizeof sql - (size_t)n, " AND \"%s\" = ?2", k->fields[k->key[1]].name);
  *out = NULL;
  stmt *st = store_cached(w->s, sql, e);
  if (!st) return e->code < 0 ? e->code : ERR_DB;
  for (int i = 0; i < k->nkey; i++) field_bind(&k->fields[k->key[i]], &r->v[k->key[i]], st, i + 1);
  int step = stmt_step(st, e);
  if (step != STMT_ROW) stmt_reset(st);
  *out = st;
  return step;
}

/* The value a check sees for field fi: the record's own when it gives the
 * column, else the stored record's, which a partial update keeps (text, at
 * most cap - 1 bytes: ids, dates and words, into text). NULL after filling
 * e on a database error. */
static const fval *check_value(writer *w, const record *r, int fi, fval *tmp, char *text, size_t cap,
                               err *e) {
  if (r->present[fi]) return &r->v[fi];
  *tmp = (fval){0};
  char col[128];
  snprintf(col, sizeof col, "\"%s\"", w->k->fields[fi].name);
  stmt *st = NULL;
  int step = stored_row(w, r, col, &st, e);
  if (step < 0) return NULL;
  if (step == STMT_ROW && st) {
    if (!stmt_is_null(st, 0)) {
      snprintf(text, cap, "%s", stmt_text(st, 0));
      *tmp = (fval){.set = 1, .s = text};
    }
    stmt_reset(st);
  }
  return tmp;
}

static int check_rules(writer *w, record *r, err_list *errs) {
  const kind *k = w->k;
  int bad = 0;
  for (int c = 0; c < k->nchecks; c++) {
    const kind_check *ch = &k->checks[c];
    err e;
    if (ch->type == CHECK_SEQUENCE) {
      if (check_sequence(w, r, ch, errs)) bad = 1;
      continue;
    }
    int ia = c < KIND_CHECKS_MAX ? w->check_a[c] : kind_field_index(k, ch->a);
    int ib = c < KIND_CHECKS_MAX ? w->check_b[c] : kind_field_index(k, ch->b);
    fval va, vb, vref;
    char ta[256], tb[256], tref[256];
    const fval *a = check_value(w, r, ia, &va, ta, sizeof ta, &e);
    const fval *b = a ? check_value(w, r, ib, &vb, tb, sizeof tb, &e) : NULL;
    if (!a || !b) {
      add_error(errs, r, "-", &e);
      bad = 1;
      continue;
    }
    switch (ch->type) {
      case CHECK_ANY: {
        char tmp[256];
        if (!value_after_write(w, r, ia, tmp, sizeof tmp) && !value_after_write(w, r, ib, tmp, sizeof tmp)) {
          err_set(&e, ERR_VALIDATION, "%s", ch->message);
          err_rule(&e, "any");
          add_error(errs, r, r->present[ia] || !r->present[ib] ? ch->a : ch->b, &e);
          bad = 1;
        }
        break;
      }
      case CHECK_SEQUENCE:
        break;
      case CHECK_ORDER:
        if (a->set && b->set && strcmp(a->s, b->s) > 0) {
          err_set(&e, ERR_VALIDATION, "%s (%s is before %s %s)", ch->message, b->s, ch->a, a->s);
          err_rule(&e, "order");
          add_error(errs, r, ch->b, &e);
          bad = 1;
        }
        break;
      case CHECK_PAIR:
        if (a->set && b->set) {
          char pair[256];
          int n = snprintf(pair, sizeof pair, "%s>%s", a->s, b->s);
          if (n > 0 && (size_t)n < sizeof pair && !vocab_has(ch->arg, pair, (size_t)n)) {
            err_set(&e, ERR_VALIDATION, "'%s' is not a sub-event type of '%s'", b->s, a->s);
            err_rule(&e, "pair");
            add_error(errs, r, ch->b, &e);
            bad = 1;
          }
        }
        break;
      case CHECK_WITHIN: {
        int iref = kind_field_index(k, ch->ref);
        const fval *ref = check_value(w, r, iref, &vref, tref, sizeof tref, &e);
        if (!ref) {
          add_error(errs, r, ch->ref, &e);
          bad = 1;
          break;
        }
        if (!ref->set || !a->set) break;
        const kind *target = kind_find(k->fields[iref].arg);
        char sql[256];
        snprintf(sql, sizeof sql, "SELECT \"start\", \"end\" FROM \"%s\" WHERE \"%s\" = ?",
                 target->name, kind_key_name(target));
        stmt *st = store_cached(w->s, sql, &e);
        int step = ERR_DB;
        if (st) {
          stmt_bind_text(st, 1, ref->s);
          step = stmt_step(st, &e);
        }
        if (step < 0) {
          add_error(errs, r, ch->ref, &e);
          bad = 1;
        } else if (step == STMT_ROW) {
          const char *ts = stmt_text(st, 0);
          const char *te = stmt_text(st, 1);
          const char *end = b->set ? b->s : a->s;
          if ((ts && strcmp(a->s, ts) < 0) || (te && strcmp(end, te) > 0)) {
            err_set(&e, ERR_VALIDATION, "%s (%s %s..%s, %s %s..%s)", ch->message, k->name,
                    a->s, b->set ? b->s : "", ref->s, ts ? ts : "", te ? te : "");
            err_rule(&e, "within");
            add_error(errs, r, ts && strcmp(a->s, ts) < 0 ? ch->a : b->set ? ch->b : ch->a, &e);
            bad = 1;
          }
        }
        stmt_reset(st);
        break;
      }
    }
  }
  return bad;
}

/* After a record changed: the records of other kinds whose WITHIN check
 * points at it (activities within their operation's dates) must still fit
 * its stored dates. */
static int check_dependents(writer *w, record *r, err_list *errs) {
  int n;
  const kind *all = kind_all(&n);
  const char *id = r->v[w->k->key[0]].s;
  int bad = 0;
  for (int i = 0; i < n; i++) {
    const kind *dk = &all[i];
    for (int c = 0; c < dk->nchecks; c++) {
      const kind_check *ch = &dk->checks[c];
      if (ch->type != CHECK_WITHIN) continue;
      const field *ref = kind_field(dk, ch->ref);
      if (!ref || strcmp(ref->arg, w->k->name) != 0) continue;
      char sql[512];
      snprintf(sql, sizeof sql,
               "SELECT d.\"%s\" FROM \"%s\" d JOIN \"%s\" t ON t.\"%s\" = d.\"%s\" WHERE t.\"%s\" = ? "
               "AND (d.\"%s\" < t.\"start\" OR (t.\"end\" IS NOT NULL AND COALESCE(d.\"%s\", d.\"%s\") > t.\"end\")) LIMIT 5",
               kind_key_name(dk), dk->name, w->k->name, kind_key_name(w->k), ch->ref, kind_key_name(w->k),
               ch->a, ch->b, ch->a);
      err e;
      stmt *st = store_cached(w->s, sql, &e);
      int step = st ? STMT_ROW : ERR_DB;
      if (st) stmt_bind_text(st, 1, id);
      while (st && (step = stmt_step(st, &e)) == STMT_ROW) {
        err_set(&e, ERR_VALIDATION, "%s %s would lie outside these dates: change it first",
                dk->name, stmt_text(st, 0));
        err_rule(&e, "contains");
        add_error(errs, r, "start", &e);
        bad = 1;
      }
      if (step < 0) {
        add_error(errs, r, "-", &e);
        bad = 1;
      }
      stmt_reset(st);
    }
  }
  return bad;
}

/* 1 when the record r names (by every key column) exists, 0 if not, <0 on error. */
static int exists_key(writer *w, const record *r) {
  const kind *k = w->k;
  if (k->nkey < 2) return record_exists(w->s, k, r->v[k->key[0]].s);
  char sql[256];
  snprintf(sql, sizeof sql, "SELECT 1 FROM \"%s\" WHERE \"%s\" = ? AND \"%s\" = ?", k->name,
           k->fields[k->key[0]].name, k->fields[k->key[1]].name);
  stmt *st = store_cached(w->s, sql, NULL);
  if (!st) return ERR_DB;
  stmt_bind_text(st, 1, r->v[k->key[0]].s);
  stmt_bind_text(st, 2, r->v[k->key[1]].s);
  int rc = stmt_step(st, NULL);
  stmt_reset(st);
  return rc;
}

static int writer_write(writer *w, record *r, err_list *errs, int store_it) {
  const kind *k = w->k;
  int bad = 0;
  err e;
  for (int j = 0; j < w->nreq; j++) {
    int i = w->req[j];
    if (r->present[i] && !r->v[i].set) {
      err_set(&e, ERR_VALIDATION, "a value is required"), err_rule(&e, "required");
      add_error(errs, r, k->fields[i].name, &e);
      bad = 1;
    }
  }
  for (int i = 0; i < k->nkey; i++)
    if (!r->present[k->key[i]] || !r->v[k->key[i]].set) {
      if (!r->present[k->key[i]]) {
        err_set(&e, ERR_VALIDATION, "a value is required"), err_rule(&e, "required");
        add_error(errs, r, k->fields[k->key[i]].name, &e);
      }
      return ERR_VALIDATION;
    }
  /* A record without some required column (a partial update: the id and
   * the columns to change) updates an existing record only. */
  int partial = 0;
  for (int j = 0; j < w->nreq_nd; j++)
    if (!r->present[w->req_nd[j]]) partial = 1;
  if (!bad && partial) {
    int ex = exists_key(w, r);
    if (ex < 0) {
      err_set(&e, ex, "the record could not be looked up (%s)", err_name(ex));
      add_error(errs, r, "-", &e);
      return ex;
    }
    if (!ex) {
      for (int i = 0; i < k->nfields; i++)
        if ((k->fields[i].flags & F_REQUIRED) && !(k->fields[i].flags & F_DERIVED) && !r->present[i]) {
          err_set(&e, ERR_VALIDATION,
                  "a value is required: without this column a row can only update a %s record, "
                  "and none has the id '%.100s'",
                  k->name, r->v[k->key[0]].s);
          err_rule(&e, "required");
          add_error(errs, r, k->fields[i].name, &e);
        }
      return ERR_VALIDATION;
    }
  }
  if (!bad && k->prepare) {
    err_clear(&e);
    if (k->prepare(w->s, r, &e) < 0) {
      char at[sizeof e.field]; /* err_at copies into e.field: not from it */
      snprintf(at, sizeof at, "%s", e.field[0] ? e.field : "-");
      add_error(errs, r, at, &e);
      bad = 1;
    }
  }
  if (check_rules(w, r, errs)) bad = 1;
  if (bad) return ERR_VALIDATION;
  if (check_refs(w, r, errs) || check_cycles(w, r, errs)) return ERR_VALIDATION;
  if (!store_it) return 0;

  uint64_t mask = 0, if_new = 0;
  for (int i = 0; i < k->nfields; i++)
    if (r->present[i] && !(k->fields[i].flags & F_DERIVED)) {
      mask |= 1ull << i;
      if (r->if_new[i] && !(k->fields[i].flags & F_KEY)) if_new |= 1ull << i;
    }
  upsert *u = get_upsert(w, mask, if_new, &e);
  if (!u) {
    add_error(errs, r, "-", &e);
    return ERR_DB;
  }
  for (int i = 0; i < k->nfields; i++)
    if (u->param[i]) field_bind(&k->fields[i], &r->v[i], u->st, u->param[i]);
  for (int c = 0; c < k->ncomputed; c++) {
    if (!u->cparam[c]) continue;
    const kind_computed *kc = &k->computed[c];
    store_value args[2], out;
    for (int a = 0; a < 2; a++) {
      int fi = w->comp_arg[c][a];
      args[a] = (store_value){.type = STORE_NULL};
      if (fi < 0 || !u->param[fi] || !r->v[fi].set) continue;
      switch (field_storage_of(&k->fields[fi])) {
      case FS_INT: args[a] = (store_value){.type = STORE_INT, .i = r->v[fi].i, .d = (double)r->v[fi].i}; break;
      case FS_REAL: args[a] = (store_value){.type = STORE_REAL, .d = r->v[fi].d}; break;
      default: args[a] = (store_value){.type = STORE_TEXT, .s = r->v[fi].s}; break;
      }
    }
    char tmp[1024];
    int frc = sqlfn_call(w->s, kc->function, 2, args, &out, tmp, sizeof tmp);
    if (frc < 0) {
      err_set(&e, frc, "%s could not be computed", kc->column);
      add_error(errs, r, "-", &e);
      return frc;
    }
    stmt_bind_value(u->st, u->cparam[c], &out);
  }
  if (w->batch && !u->partial) stmt_on_batch(u->st, batch_written, u);
  int rc = w->batch && !u->partial ? stmt_defer(u->st, &e) : stmt_run(u->st, &e);
  if (rc < 0) {
    add_error(errs, r, "-", &e);
    return rc;
  }
  if (rc == 1) {
    for (int i = 0; i < k->nkey; i++) {
      if (i) buf_putc(&u->queued, '\x1f');
      buf_puts(&u->queued, r->v[k->key[i]].s);
    }
    buf_putc(&u->queued, '\n');
    return WRITE_QUEUED;
  }
  long changes = stmt_changes(u->st);
  if (changes && w->has_dependents && check_dependents(w, r, errs)) return ERR_VALIDATION;
  int outcome = changes == 0                                 ? WRITE_UNCHANGED
                : !u->partial && stmt_inserted(u->st) ? WRITE_INSERTED
                                                           : WRITE_UPDATED;
  if (outcome != WRITE_UNCHANGED && k->after_write) {
    err_clear(&e);
    if (k->after_write(w->s, r, &e) < 0) {
      add_error(errs, r, "-", &e);
      return e.code;
    }
  }
  return outcome;
}

int writer_put(writer *w, record *r, err_list *errs) {
  return writer_write(w, r, errs, 1);
}

int writer_check(writer *w, record *r, err_list *errs) {
  return writer_write(w, r, errs, 0);
}
