/* evaluations.c: the `evaluations` indicator: evaluations of a period (unit
 * evaluations, police PAERs, COE inspections), how many were satisfactory,
 * by unit type, the strengths of the units evaluated, and the findings of
 * those evaluations: all of them listed, those rated needs_improvement or
 * unsatisfactory counted by area.
 *
 * Keys: from, to (on the evaluation's date); group_by=contributor adds
 * by_contributor (count and satisfactory by the evaluated unit's
 * contributor); other keys are FILTERs on evaluations (kind=unit_evaluation,
 * unit_id=...). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/breakdown.h"
#include "analysis/indicator.h"
#include "analysis/tally.h"
#include "model/kind.h"
#include "model/kinds/vocab.h"
#include "model/query.h"

#define EVAL_KINDS "unit_evaluation|police_paer|coe_inspection"
#define EVAL_RESULTS "satisfactory|partially_satisfactory|unsatisfactory"
#define FINDING_AREAS                                                               \
  "intelligence|logistics|execution_of_duties|protection_of_civilians|training|"    \
  "equipment|command_and_control|medical|conduct_and_discipline|other"

typedef struct eval_row {
  char *id, *unit_id;
  long long strength;
  int has_strength;
} eval_row;

static int by_strength(const void *a, const void *b) {
  const eval_row *x = *(const eval_row *const *)a, *y = *(const eval_row *const *)b;
  if (x->strength != y->strength) return x->strength < y->strength ? -1 : 1;
  return strcmp(x->id, y->id);
}

typedef struct finding_row {
  char *id, *evaluation_id, *unit_id, *sub_unit, *area, *rating;
} finding_row;

/* Reads the findings of the evaluations (in their order) into *out (a
 * malloc'd array the caller frees, *nout rows) and counts the ones rated
 * needs_improvement or unsatisfactory into by_area. */
static int read_findings(ind_ctx *c, const eval_row *rows, long n, tally *by_area,
                         finding_row **out, long *nout) {
  stmt *st = store_cached(
      c->s,
      "SELECT finding_id, sub_unit, area, rating FROM findings WHERE evaluation_id = ? "
      "ORDER BY finding_id",
      c->e);
  if (!st) return ERR_DB;
  int rc = 0;
  long cap = 0;
  for (long i = 0; i < n && !rc; i++) {
    stmt_reset(st);
    stmt_bind_text(st, 1, rows[i].id);
    int step;
    while ((step = stmt_step(st, c->e)) == STMT_ROW) {
      if (*nout == cap) {
        cap = cap ? cap * 2 : 64;
        *out = xrealloc(*out, (size_t)cap * sizeof **out);
      }
      finding_row *f = &(*out)[(*nout)++];
      f->id = arena_strdup(c->a, stmt_text(st, 0));
      f->evaluation_id = rows[i].id;
      f->unit_id = rows[i].unit_id;
      f->sub_unit = arena_strdup(c->a, stmt_text(st, 1));
      f->area = arena_strdup(c->a, stmt_text(st, 2));
      f->rating = arena_strdup(c->a, stmt_text(st, 3));
      if (f->rating && (!strcmp(f->rating, "needs_improvement") || !strcmp(f->rating, "unsatisfactory")) &&
          (rc = tally_add(c, by_area, f->area, f->id)))
        break;
    }
    if (!rc && step < 0) rc = step;
  }
  stmt_reset(st);
  return rc;
}

/* Writes the list "findings" (every finding read). */
static void write_findings(ind_ctx *c, const finding_row *f, long n) {
  ind_prov_figure(c, "findings");
  jw_key(c->w, "findings");
  jw_arr(c->w);
  for (long i = 0; i < n; i++) {
    ind_prov(c, "findings", f[i].id);
    jw_obj(c->w);
    jw_kstr(c->w, "evaluation_id", f[i].evaluation_id);
    jw_kstr(c->w, "unit_id", f[i].unit_id);
    jw_kstr(c->w, "sub_unit", f[i].sub_unit);
    jw_kstr(c->w, "area", f[i].area);
    jw_kstr(c->w, "rating", f[i].rating);
    jw_obj_end(c->w);
  }
  jw_arr_end(c->w);
}

#define EVAL_CONTRIBUTORS_MAX 512

int ind_evaluations(ind_ctx *c) {
  int from, to, rc;
  if ((rc = ind_from_to(c, &from, &to))) return rc;
  const char *group_by = ind_get(c, "group_by");
  if (group_by && strcmp(group_by, "contributor"))
    return err_set(c->e, ERR_USAGE, "group_by=%.60s: evaluations group by contributor only", group_by);
  /* group_by=contributor: count and satisfactory by the unit's contributor. */
  static const char *const contrib_figures[] = {"count", "satisfactory"};
  breakdown by_contrib;
  if (group_by)
    breakdown_init(c, &by_contrib, "by_contributor", contrib_figures, 2, EVAL_CONTRIBUTORS_MAX, "contributors");
  filter_set fs;
  stmt *st = NULL;
  eval_row *rows = NULL;
  eval_row **sorted = NULL;
  finding_row *findings = NULL;
  long n = 0, cap = 0, nfindings = 0;
  if ((rc = ind_filters(c, kind_find("evaluations"), &fs))) goto done;
  if ((rc = ind_period_filter(c, &fs, "date", from, to))) goto done;
  rc = query_select(c->s, &fs,
                    "evaluation_id, unit_id, kind, result, strength, "
                    "(SELECT u.unit_type FROM units u WHERE u.unit_id = evaluations.unit_id), "
                    "(SELECT u.contributor FROM units u WHERE u.unit_id = evaluations.unit_id)",
                    "date, evaluation_id", &st, c->e);
  if (rc) goto done;
  long satisfactory = 0;
  tally by_type, by_kind, by_result, by_area;
  tally_init(&by_type, "by_unit_type");
  tally_init(&by_kind, "by_kind");
  tally_init(&by_result, "by_result");
  tally_init(&by_area, "findings_by_area");
  ind_prov_figure(c, "count");
  ind_prov_figure(c, "satisfactory");
  int step = STMT_DONE;
  while (!rc && (step = stmt_step(st, c->e)) == STMT_ROW) {
    const char *id = stmt_text(st, 0);
    const char *result = stmt_text(st, 3);
    if (n == cap) {
      cap = cap ? cap * 2 : 64;
      rows = xrealloc(rows, (size_t)cap * sizeof *rows);
    }
    eval_row *r = &rows[n++];
    r->id = arena_strdup(c->a, id);
    r->unit_id = arena_strdup(c->a, stmt_text(st, 1));
    r->has_strength = !stmt_is_null(st, 4);
    r->strength = stmt_int(st, 4);
    ind_prov(c, "count", id);
    int is_satisfactory = result && !strcmp(result, "satisfactory");
    if (is_satisfactory) {
      satisfactory++;
      ind_prov(c, "satisfactory", id);
    }
    if ((rc = tally_add(c, &by_type, stmt_text(st, 5), id)) ||
        (rc = tally_add(c, &by_kind, stmt_text(st, 2), id)) ||
        (rc = tally_add(c, &by_result, result, id)))
      break;
    const char *contributor = stmt_text(st, 6);
    if (group_by && ((rc = breakdown_add(c, &by_contrib, contributor, "count", 1, id)) ||
                     (is_satisfactory && (rc = breakdown_add(c, &by_contrib, contributor, "satisfactory", 1, id)))))
      break;
  }
  if (!rc && step < 0) rc = step;
  if (rc) goto done;

  jw_key(c->w, "from");
  ind_date_json(c, from);
  jw_key(c->w, "to");
  ind_date_json(c, to);
  jw_kint(c->w, "count", n);
  jw_kint(c->w, "satisfactory", satisfactory);
  tally_write(c, &by_type, UNIT_TYPES);
  /* Strengths ascending, the evaluations that give one behind them. */
  sorted = xmalloc((size_t)(n ? n : 1) * sizeof *sorted);
  long ns = 0;
  for (long i = 0; i < n; i++)
    if (rows[i].has_strength) sorted[ns++] = &rows[i];
  qsort(sorted, (size_t)ns, sizeof *sorted, by_strength);
  ind_prov_figure(c, "strengths");
  jw_key(c->w, "strengths");
  jw_arr(c->w);
  for (long i = 0; i < ns; i++) {
    jw_int(c->w, sorted[i]->strength);
    ind_prov(c, "strengths", sorted[i]->id);
  }
  jw_arr_end(c->w);
  tally_write(c, &by_kind, EVAL_KINDS);
  tally_write(c, &by_result, EVAL_RESULTS);
  if ((rc = read_findings(c, rows, n, &by_area, &findings, &nfindings))) goto done;
  tally_write(c, &by_area, FINDING_AREAS);
  write_findings(c, findings, nfindings);
  if (group_by) breakdown_write(c, &by_contrib);
done:
  stmt_finalize(st);
  free(rows);
  free(findings);
  free(sorted);
  filter_free(&fs);
  return rc;
}
