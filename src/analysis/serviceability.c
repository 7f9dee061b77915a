/* serviceability.c: the `serviceability` indicator: the state of equipment
 * items on a date. An item's state is its latest equipment_status row on or
 * before as_of; items without such a row, and items written off, are not
 * counted. Unserviceable items are split by the cause of their current row;
 * those whose current cause is an explosive incident are counted by the year
 * of the row that began their current unserviceable spell.
 *
 * Keys: as_of (default today); units=ID,... (those units and all their
 * sub-units), unit_type=, contributor= (empty: units without one) and
 * location= (the holding unit's location on as_of, or a place inside it); group_by=COL,... (the same figures for each
 * group of items whose holding units share those columns, the units' values
 * on as_of: group_by=contributor gives the contributor table); other keys
 * are FILTERs on equipment. A unit's values on a day follow unit.h.
 *
 * One SQL statement: the matching items, and for each one index seek on
 * UNIQUE (equipment_id, date) for its latest row on or before as_of. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/indicator.h"
#include "analysis/tally.h"
#include "core/date.h"
#include "model/kind.h"
#include "model/place.h"
#include "model/query.h"
#include "model/unit.h"

#define SVC_UNITS_MAX 256   /* ids in units= */
#define SVC_GROUP_COLS 4    /* columns in group_by= */
#define SVC_GROUPS_MAX 100000L

#define CAUSES \
  "explosive_incident|hostile_fire|accident|mechanical|not_fit_for_purpose|missing_parts|other"
/* The unit columns group_by may name. */
#define GROUP_COLUMNS "unit_id|unit_type|location|sector|contributor|component|parent_unit|status"

/* The start of the current unserviceable spell: the earliest row after the
 * latest row before the current one that was not unserviceable. */
#define SPELL_START_SQL                                                             \
  "CASE WHEN s.status = 'unserviceable' AND s.cause = 'explosive_incident' THEN "   \
  "(SELECT min(b.date) FROM equipment_status b WHERE b.equipment_id = x.equipment_id " \
  "AND b.date <= s.date AND b.date > COALESCE((SELECT max(o.date) FROM "           \
  "equipment_status o WHERE o.equipment_id = x.equipment_id AND o.date < s.date "   \
  "AND o.status <> 'unserviceable'), '')) END"

/* The figures of a set of items (the whole selection, or one group). */
typedef struct svc_counts {
  long total, serviceable, unserviceable;
  tally by_cause, by_year;
} svc_counts;

typedef struct svc_group {
  char *vals[SVC_GROUP_COLS]; /* the holding units' values (NULL: none), in the arena */
  svc_counts *n;              /* malloc'd */
} svc_group;

static void counts_init(svc_counts *n, int prov) {
  n->total = n->serviceable = n->unserviceable = 0;
  tally_init(&n->by_cause, "unserviceable_by_cause");
  tally_init(&n->by_year, "damaged_by_year");
  n->by_cause.prov = n->by_year.prov = prov;
}

/* Counts one item with a state (serviceable or unserviceable); ids are
 * recorded as provenance when prov. Returns 0 or ERR_TOO_LARGE. */
static int count_item(ind_ctx *c, svc_counts *n, int prov, const char *id, const char *status,
                      const char *cause, const char *began) {
  n->total++;
  if (prov) ind_prov(c, "total", id);
  if (strcmp(status, "unserviceable") != 0) {
    n->serviceable++;
    if (prov) ind_prov(c, "serviceable", id);
    return 0;
  }
  n->unserviceable++;
  if (prov) ind_prov(c, "unserviceable", id);
  int rc = tally_add(c, &n->by_cause, cause, id);
  if (!rc && began) {
    char year[5];
    snprintf(year, sizeof year, "%.4s", began);
    rc = tally_add(c, &n->by_year, year, id);
  }
  return rc;
}

static void write_counts(ind_ctx *c, svc_counts *n) {
  jw_kint(c->w, "total", n->total);
  jw_kint(c->w, "serviceable", n->serviceable);
  jw_kint(c->w, "unserviceable", n->unserviceable);
  tally_write(c, &n->by_cause, CAUSES);
  tally_write(c, &n->by_year, NULL);
}

/* Splits the units= value on commas into ids (strings in the arena); every
 * id must name a unit. Returns the count, or a negative ERR_* code. */
static int parse_units(ind_ctx *c, const char *value, char **ids) {
  int n = 0;
  const kind *units = kind_find("units");
  for (const char *p = value; *p;) {
    size_t len = strcspn(p, ",");
    if (len) {
      if (n == SVC_UNITS_MAX)
        return err_set(c->e, ERR_USAGE, "units=: at most %d units (their sub-units come with them)",
                       SVC_UNITS_MAX);
      ids[n] = arena_strndup(c->a, p, len);
      int found = record_exists(c->s, units, ids[n]);
      if (found < 0) return err_set(c->e, found, "units=: the units could not be read (%s)", err_name(found));
      if (!found) return err_set(c->e, ERR_USAGE, "units=: no unit has the id '%.60s'", ids[n]);
      n++;
    }
    p += len;
    if (*p == ',') p++;
  }
  if (!n) return err_set(c->e, ERR_USAGE, "units= needs one or more unit ids");
  return n;
}

/* Splits group_by= into unit column names (from GROUP_COLUMNS, so safe to
 * write into SQL). Returns the count or ERR_USAGE. */
static int parse_group_by(ind_ctx *c, const char *value, const char **cols) {
  int n = 0;
  for (const char *p = value; *p;) {
    size_t len = strcspn(p, ",");
    if (len) {
      if (!vocab_has(GROUP_COLUMNS, p, len))
        return err_set(c->e, ERR_USAGE, "group_by=%.60s: group by unit columns (%s)", value,
                       GROUP_COLUMNS);
      if (n == SVC_GROUP_COLS)
        return err_set(c->e, ERR_USAGE, "group_by: at most %d columns", SVC_GROUP_COLS);
      cols[n++] = arena_strndup(c->a, p, len);
    }
    p += len;
    if (*p == ',') p++;
  }
  if (!n) return err_set(c->e, ERR_USAGE, "group_by= needs one or more unit columns");
  return n;
}

static int same(const char *a, const char *b) { return a && b ? !strcmp(a, b) : a == b; }

static void write_groups(ind_ctx *c, svc_group *g, long ng, const char **cols, int ncols) {
  jw_key(c->w, "group_by");
  jw_arr(c->w);
  for (int j = 0; j < ncols; j++) jw_str(c->w, cols[j]);
  jw_arr_end(c->w);
  jw_key(c->w, "groups");
  jw_arr(c->w);
  for (long i = 0; i < ng; i++) {
    jw_obj(c->w);
    for (int j = 0; j < ncols; j++) {
      jw_key(c->w, cols[j]);
      jw_str(c->w, g[i].vals[j]);
    }
    write_counts(c, g[i].n);
    jw_obj_end(c->w);
  }
  jw_arr_end(c->w);
}

int ind_serviceability(ind_ctx *c) {
  int as_of, rc;
  if ((rc = ind_date(c, "as_of", date_today(), &as_of)) < 0) return rc;
  rc = 0;
  const char *units = ind_get(c, "units");
  const char *unit_type = ind_get(c, "unit_type");
  const char *contributor = ind_get(c, "contributor");
  const char *location = ind_get(c, "location");
  const char *group_by = ind_get(c, "group_by");
  int by_unit = unit_type || location || contributor;
  char *unit_ids[SVC_UNITS_MAX];
  const char *gcols[SVC_GROUP_COLS];
  int nunits = 0, ncols = 0;
  filter_set fs, ufs;
  filter_init(&ufs, kind_find("units"));
  filter_init(&fs, kind_find("equipment"));
  buf sql;
  buf_init(&sql, 0);
  stmt *st = NULL;
  svc_group *groups = NULL;
  long ngroups = 0, capgroups = 0;
  if (units && (nunits = parse_units(c, units, unit_ids)) < 0) {
    rc = nunits;
    goto done;
  }
  if (group_by && (ncols = parse_group_by(c, group_by, gcols)) < 0) {
    rc = ncols;
    goto done;
  }
  if (unit_type && (rc = filter_add_op(&ufs, c->s, "unit_type", "=", unit_type, c->a, c->e)))
    goto done;
  /* contributor= (empty: the units without one) */
  if (contributor && (rc = filter_add_op(&ufs, c->s, "contributor", "=", contributor, c->a, c->e)))
    goto done;
  if (location) {
    place_match m;
    int found = place_resolve(c->s, location, &m, c->a, c->e);
    if (found < 0) {
      rc = found;
      goto done;
    }
    if (!found) {
      rc = err_set(c->e, ERR_USAGE, "location=%.60s: no place has that id or name", location);
      goto done;
    }
    if ((rc = filter_add_op(&ufs, c->s, "location", "=", m.place_id, c->a, c->e))) goto done;
  }
  filter_free(&fs);
  if ((rc = ind_filters(c, kind_find("equipment"), &fs))) goto done;

  /* The holding unit's type, location and group columns as of as_of (the
   * view unit_states; unit.h). */
  buf_puts(&sql, "SELECT x.equipment_id, s.date, s.status, s.cause, " SPELL_START_SQL);
  for (int j = 0; j < ncols; j++) buf_printf(&sql, ", u.\"%s\"", gcols[j]);
  buf_printf(&sql, " FROM (SELECT equipment_id, unit_id FROM equipment WHERE %s", filter_where(&fs));
  if (by_unit)
    buf_printf(&sql,
               " AND unit_id IN (SELECT unit_id FROM unit_states AS units WHERE " UNIT_STATE_ON("units", "?")
               " AND %s)",
               filter_where(&ufs));
  if (nunits) {
    buf_puts(&sql,
             " AND unit_id IN (WITH RECURSIVE _sub(id) AS (SELECT unit_id FROM units WHERE "
             "unit_id IN (");
    for (int i = 0; i < nunits; i++) buf_puts(&sql, i ? ", ?" : "?");
    buf_puts(&sql,
             ") UNION SELECT u.unit_id FROM units u JOIN _sub ON u.parent_unit = _sub.id) "
             "SELECT id FROM _sub)");
  }
  buf_puts(&sql,
           ") x LEFT JOIN equipment_status s ON s.equipment_id = x.equipment_id AND s.date = "
           "(SELECT max(l.date) FROM equipment_status l WHERE l.equipment_id = x.equipment_id AND l.date <= ?)");
  if (ncols) buf_puts(&sql, " LEFT JOIN unit_states u ON u.unit_id = x.unit_id AND " UNIT_STATE_ON("u", "?"));
  buf_puts(&sql, " ORDER BY ");
  for (int j = 0; j < ncols; j++) buf_printf(&sql, "u.\"%s\" IS NULL, u.\"%s\", ", gcols[j], gcols[j]);
  buf_puts(&sql, "x.equipment_id");
  if ((rc = store_prepare(c->s, buf_cstr(&sql), &st, c->e))) goto done;
  char as_of_text[11];
  date_format(as_of, as_of_text);
  int next = filter_bind_all(&fs, st, 1);
  if (by_unit) {
    stmt_bind_text(st, next++, as_of_text);
    stmt_bind_text(st, next++, as_of_text);
    next = filter_bind_all(&ufs, st, next);
  }
  for (int i = 0; i < nunits; i++) stmt_bind_text(st, next++, unit_ids[i]);
  stmt_bind_text(st, next++, as_of_text);
  if (ncols) {
    stmt_bind_text(st, next++, as_of_text);
    stmt_bind_text(st, next++, as_of_text);
  }

  long written_off = 0, no_status = 0;
  svc_counts all;
  counts_init(&all, 1);
  ind_prov_figure(c, "total");
  ind_prov_figure(c, "serviceable");
  ind_prov_figure(c, "unserviceable");
  if (ncols) ind_prov_figure(c, "groups");
  int step = STMT_DONE;
  while (!rc && (step = stmt_step(st, c->e)) == STMT_ROW) {
    const char *id = stmt_text(st, 0);
    const char *status = stmt_text(st, 2);
    if (!status) {
      no_status++;
      ind_prov(c, "no_status", id);
      continue;
    }
    if (!strcmp(status, "written_off")) {
      written_off++;
      ind_prov(c, "written_off", id);
      continue;
    }
    const char *cause = stmt_text(st, 3);
    const char *began = stmt_text(st, 4);
    if ((rc = count_item(c, &all, 1, id, status, cause, began))) break;
    if (!ncols) continue;
    /* Rows come ordered by the group columns: a group is a run of rows. */
    svc_group *g = ngroups ? &groups[ngroups - 1] : NULL;
    for (int j = 0; g && j < ncols; j++)
      if (!same(g->vals[j], stmt_text(st, 5 + j))) g = NULL;
    if (!g) {
      if (ngroups == SVC_GROUPS_MAX) {
        rc = err_set(c->e, ERR_TOO_LARGE, "group_by: more than %ld groups", SVC_GROUPS_MAX);
        break;
      }
      if (ngroups == capgroups) {
        capgroups = capgroups ? capgroups * 2 : 16;
        groups = xrealloc(groups, (size_t)capgroups * sizeof *groups);
      }
      g = &groups[ngroups++];
      for (int j = 0; j < ncols; j++)
        g->vals[j] = arena_strdup(c->a, stmt_text(st, 5 + j));
      g->n = xmalloc(sizeof *g->n);
      counts_init(g->n, 0);
    }
    ind_prov(c, "groups", id);
    rc = count_item(c, g->n, 0, id, status, cause, began);
  }
  if (!rc && step < 0) rc = step;
  if (rc) goto done;
  ind_prov_figure(c, "written_off");
  ind_prov_figure(c, "no_status");
  jw_key(c->w, "as_of");
  ind_date_json(c, as_of);
  write_counts(c, &all);
  jw_kint(c->w, "written_off", written_off);
  jw_kint(c->w, "no_status", no_status);
  if (ncols) write_groups(c, groups, ngroups, gcols, ncols);
done:
  for (long i = 0; i < ngroups; i++) free(groups[i].n);
  free(groups);
  stmt_finalize(st);
  buf_free(&sql);
  filter_free(&fs);
  filter_free(&ufs);
  return rc;
}
