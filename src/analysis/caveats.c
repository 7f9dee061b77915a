/* caveats.c: the `caveats` indicator: caveats in force on a date, declared
 * (registered with the Secretariat on or before that date) or not, by kind.
 * A caveat is in force on as_of when it was reported on or before as_of (or
 * has no reported_on) and was not lifted on or before as_of: lifted_on is the
 * day it is over.
 *
 * Keys: as_of (default today); other keys are FILTERs on caveats
 * (unit_id=, contributor=, kind=). */
#include <string.h>

#include "analysis/indicator.h"
#include "analysis/tally.h"
#include "core/date.h"
#include "model/kind.h"
#include "model/query.h"

#define CAVEAT_KINDS "geographic|casevac|task|rotation|rules_of_engagement|other"

/* 1 when the stored date text is set and on or before day. */
static int on_or_before(const char *text, int day) {
  int d;
  return text && !date_parse_iso(text, &d) && d <= day;
}

int ind_caveats(ind_ctx *c) {
  int as_of, rc;
  if ((rc = ind_date(c, "as_of", date_today(), &as_of)) < 0) return rc;
  rc = 0;
  filter_set fs;
  stmt *st = NULL;
  if ((rc = ind_filters(c, kind_find("caveats"), &fs))) goto done;
  rc = query_select(c->s, &fs, "caveat_id, kind, declared_on, reported_on, lifted_on",
                    "caveat_id", &st, c->e);
  if (rc) goto done;
  long total = 0, declared = 0, undeclared = 0;
  tally by_kind;
  tally_init(&by_kind, "by_kind");
  ind_prov_figure(c, "total");
  ind_prov_figure(c, "declared");
  ind_prov_figure(c, "undeclared");
  int step = STMT_DONE;
  while (!rc && (step = stmt_step(st, c->e)) == STMT_ROW) {
    const char *id = stmt_text(st, 0);
    const char *reported = stmt_text(st, 3);
    if (reported && !on_or_before(reported, as_of)) continue; /* not yet known */
    if (on_or_before(stmt_text(st, 4), as_of)) continue; /* lifted */
    total++;
    ind_prov(c, "total", id);
    if (on_or_before(stmt_text(st, 2), as_of)) {
      declared++;
      ind_prov(c, "declared", id);
    } else {
      undeclared++;
      ind_prov(c, "undeclared", id);
    }
    rc = tally_add(c, &by_kind, stmt_text(st, 1), id);
  }
  if (!rc && step < 0) rc = step;
  if (rc) goto done;
  jw_key(c->w, "as_of");
  ind_date_json(c, as_of);
  jw_kint(c->w, "total", total);
  jw_kint(c->w, "declared", declared);
  jw_kint(c->w, "undeclared", undeclared);
  tally_write(c, &by_kind, CAVEAT_KINDS);
done:
  stmt_finalize(st);
  filter_free(&fs);
  return rc;
}
