/* restrictions.c: the `restrictions` indicator (FORMATS.md §3): freedom-of-
 * movement restrictions active on a day and those lifted by then. A
 * restriction's end is the day it is over: one that ends on as_of is lifted,
 * with days = end - start; an active one has days = as_of - start. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/indicator.h"
#include "core/date.h"
#include "model/query.h"

#define RESPONSES_MAX 16

typedef struct restriction_row {
  const char *id, *place, *place_name, *kind, *actor, *response, *start, *end;
  int lifted;
  long days;
} restriction_row;

typedef struct response_count {
  char name[32];
  long n;
} response_count;

static void str_or_null(jw *w, const char *key, const char *v) {
  jw_key(w, key);
  if (v) jw_str(w, v);
  else jw_null(w);
}

static void write_list(ind_ctx *c, const restriction_row *rows, long n, int lifted) {
  jw *w = c->w;
  jw_key(w, lifted ? "lifted" : "active");
  jw_arr(w);
  for (long i = 0; i < n; i++) {
    const restriction_row *r = &rows[i];
    if (r->lifted != lifted) continue;
    jw_obj(w);
    jw_kstr(w, "restriction_id", r->id);
    str_or_null(w, "place", r->place);
    str_or_null(w, "place_name", r->place_name);
    str_or_null(w, "kind", r->kind);
    str_or_null(w, "actor", r->actor);
    str_or_null(w, "response", r->response);
    jw_kstr(w, "start", r->start);
    if (lifted) str_or_null(w, "end", r->end);
    jw_kint(w, "days", r->days);
    jw_obj_end(w);
  }
  jw_arr_end(w);
}

static const char *col_dup(ind_ctx *c, stmt *st, int i) {
  return arena_strdup(c->a, stmt_text(st, i));
}

/* ind_restrictions: the `restrictions` indicator; 0 or ERR_USAGE/ERR_DB. */
int ind_restrictions(ind_ctx *c) {
  int as_of, rc;
  rc = ind_date(c, "as_of", date_today(), &as_of);
  if (rc < 0) return rc;
  restriction_row *rows = NULL;
  long n = 0, cap = 0;
  response_count resp[RESPONSES_MAX];
  int nresp = 0;
  filter_set fs;
  if ((rc = ind_filters(c, kind_find("restrictions"), &fs))) goto done;
  char d[11];
  if ((rc = filter_add_op(&fs, c->s, "start", "<=", date_format(as_of, d), c->a, c->e))) goto done;
  stmt *st;
  rc = query_select(c->s, &fs,
                    "\"restriction_id\", \"place\", \"kind\", \"start\", \"end\", \"actor\", "
                    "\"response\", (SELECT p.\"name\" FROM places p WHERE p.\"place_id\" = "
                    "restrictions.\"place\")",
                    "\"start\", \"restriction_id\"", &st, c->e);
  if (rc) goto done;
  ind_prov_figure(c, "active");
  ind_prov_figure(c, "lifted");
  int step;
  while ((step = stmt_step(st, c->e)) == STMT_ROW) {
    restriction_row r;
    int ds, de = 0;
    r.start = col_dup(c, st, 3);
    if (!r.start || date_parse_iso(r.start, &ds)) continue;
    r.id = col_dup(c, st, 0);
    r.place = col_dup(c, st, 1);
    r.kind = col_dup(c, st, 2);
    r.end = col_dup(c, st, 4);
    r.actor = col_dup(c, st, 5);
    r.response = col_dup(c, st, 6);
    r.place_name = col_dup(c, st, 7);
    r.lifted = r.end && !date_parse_iso(r.end, &de) && de <= as_of;
    r.days = (r.lifted ? de : as_of) - ds;
    if (n == cap) {
      cap = cap ? cap * 2 : 32;
      rows = xrealloc(rows, (size_t)cap * sizeof *rows);
    }
    rows[n++] = r;
    if (!r.lifted) {
      ind_prov(c, "active", r.id);
      continue;
    }
    ind_prov(c, "lifted", r.id);
    const char *why = r.response ? r.response : "unknown";
    int j = 0;
    while (j < nresp && strcmp(resp[j].name, why)) j++;
    if (j == nresp && nresp < RESPONSES_MAX) {
      snprintf(resp[nresp].name, sizeof resp[nresp].name, "%s", why);
      resp[nresp++].n = 0;
    }
    if (j < nresp) {
      resp[j].n++;
      char fig[64];
      snprintf(fig, sizeof fig, "lifted_by_response.%s", resp[j].name);
      ind_prov(c, fig, r.id);
    }
  }
  if (step < 0) rc = step;
  stmt_finalize(st);
  if (rc) goto done;
  jw_key(c->w, "as_of");
  ind_date_json(c, as_of);
  write_list(c, rows, n, 0);
  write_list(c, rows, n, 1);
  /* The vocabulary's order first (dialogue, negotiation, force, none), then "unknown". */
  jw_key(c->w, "lifted_by_response");
  jw_obj(c->w);
  static const char *const order[] = {"dialogue", "negotiation", "force", "none", "unknown"};
  for (size_t o = 0; o < sizeof order / sizeof order[0]; o++)
    for (int j = 0; j < nresp; j++)
      if (!strcmp(resp[j].name, order[o])) {
        jw_key(c->w, resp[j].name);
        jw_int(c->w, resp[j].n);
      }
  jw_obj_end(c->w);
done:
  free(rows);
  filter_free(&fs);
  return rc;
}
