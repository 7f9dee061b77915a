/* contributors.c: the `contributors` indicator: the force by troop- and
 * police-contributing country, one line per contributor, for the report's
 * table and the web's contributors page. It composes three indicators, so
 * that its figures are theirs by construction:
 *   units, authorized_strength, deployed_strength: deployment as_of
 *     group_by=contributor (the units present that day);
 *   armoured_vehicles, armoured_unserviceable: serviceability as_of
 *     category=apc,mpv contributor=CODE (the holding unit's contributor);
 *   evaluations, evaluations_satisfactory: evaluations from to
 *     group_by=contributor.
 * A contributor appears when any of these counts it. `name` is its ISO 3166
 * name (iso-codes), else its code; units without a contributor are the line
 * "unspecified" (name null), last.
 *
 * Keys: as_of (default: to, else today), from, to (the evaluations' period;
 * absent ends unbounded). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "analysis/indicator.h"
#include "core/country.h"
#include "core/date.h"

#define CONTRIBUTORS_MAX 512

typedef struct contrib {
  char code[16];
  long long units, authorized, deployed, armoured, unserviceable, evaluations, satisfactory;
} contrib;

typedef struct contrib_set {
  contrib rows[CONTRIBUTORS_MAX];
  int n;
} contrib_set;

static contrib *find(ind_ctx *c, contrib_set *set, const char *code) {
  for (int i = 0; i < set->n; i++)
    if (!strcmp(set->rows[i].code, code)) return &set->rows[i];
  if (set->n == CONTRIBUTORS_MAX || strlen(code) >= sizeof set->rows[0].code) {
    err_set(c->e, ERR_TOO_LARGE, "more than %d contributors", CONTRIBUTORS_MAX);
    return NULL;
  }
  contrib *r = &set->rows[set->n++];
  memset(r, 0, sizeof *r);
  snprintf(r->code, sizeof r->code, "%s", code);
  return r;
}

static int by_code(const void *a, const void *b) {
  const char *x = ((const contrib *)a)->code, *y = ((const contrib *)b)->code;
  int ux = !strcmp(x, "unspecified"), uy = !strcmp(y, "unspecified");
  if (ux != uy) return ux - uy;
  return strcmp(x, y);
}

/* Runs indicator name with args and parses its result into *out (the
 * caller json_decref's it). Returns 0 or the indicator's error. */
static int run(ind_ctx *c, const char *name, int nargs, const char *const *args, json_t **out) {
  buf res;
  buf_init(&res, 0);
  int rc = indicator_run(c->s, name, nargs, args, c->visibility, 0, &res, c->e);
  *out = NULL;
  if (!rc) {
    *out = json_loadb(res.data, res.len, 0, NULL);
    if (!*out) rc = err_set(c->e, ERR_INTERNAL, "the result of %s does not parse", name);
  }
  buf_free(&res);
  return rc;
}

/* Copies the ids of records.FIGURE of result into this indicator's figure. */
static void copy_ids(ind_ctx *c, json_t *result, const char *figure, const char *code, const char *column) {
  json_t *ids = json_object_get(json_object_get(result, "records"), figure);
  char fig[160];
  snprintf(fig, sizeof fig, "contributors.%s.%s", code, column);
  ind_prov_figure(c, fig);
  size_t i;
  json_t *id;
  json_array_foreach(ids, i, id) ind_prov(c, fig, json_string_value(id));
}

static long long int_at(json_t *o, const char *key) {
  return (long long)json_integer_value(json_object_get(o, key));
}

int ind_contributors(ind_ctx *c) {
  int from, to, as_of, rc;
  if ((rc = ind_from_to(c, &from, &to))) return rc;
  if ((rc = ind_date(c, "as_of", to != INT_MAX ? to : date_today(), &as_of)) < 0) return rc;
  rc = 0;
  contrib_set *set = xcalloc(1, sizeof *set);
  json_t *dep = NULL, *ev = NULL;
  char as_of_arg[32], from_arg[32], to_arg[32], d[11];
  snprintf(as_of_arg, sizeof as_of_arg, "as_of=%s", date_format(as_of, d));
  snprintf(from_arg, sizeof from_arg, "from=%s", from == INT_MIN ? "" : date_format(from, d));
  snprintf(to_arg, sizeof to_arg, "to=%s", to == INT_MAX ? "" : date_format(to, d));

  const char *dep_args[] = {as_of_arg, "group_by=contributor"};
  if ((rc = run(c, "deployment", 2, dep_args, &dep))) goto done;
  const char *key;
  json_t *v;
  json_object_foreach(json_object_get(dep, "by_contributor"), key, v) {
    contrib *r = find(c, set, key);
    if (!r) {
      rc = ERR_TOO_LARGE;
      goto done;
    }
    r->units = int_at(v, "units");
    r->authorized = int_at(v, "authorized_strength");
    r->deployed = int_at(v, "deployed_strength");
  }
  const char *ev_args[] = {"group_by=contributor", from_arg, to_arg};
  int nev = 1;
  if (from != INT_MIN) ev_args[nev++] = from_arg;
  if (to != INT_MAX) ev_args[nev++] = to_arg;
  if ((rc = run(c, "evaluations", nev, ev_args, &ev))) goto done;
  json_object_foreach(json_object_get(ev, "by_contributor"), key, v) {
    contrib *r = find(c, set, key);
    if (!r) {
      rc = ERR_TOO_LARGE;
      goto done;
    }
    r->evaluations = int_at(v, "count");
    r->satisfactory = int_at(v, "satisfactory");
  }
  /* The contributors of the units that held armoured vehicles on as_of. */
  {
    const char *svc_args[] = {as_of_arg, "category=apc,mpv", "group_by=contributor"};
    json_t *svc = NULL;
    if ((rc = run(c, "serviceability", 3, svc_args, &svc))) goto done;
    size_t i;
    json_array_foreach(json_object_get(svc, "groups"), i, v) {
      const char *code = json_string_value(json_object_get(v, "contributor"));
      if (!find(c, set, code ? code : "unspecified")) rc = ERR_TOO_LARGE;
    }
    json_decref(svc);
    if (rc) goto done;
  }
  if (set->n > 1) qsort(set->rows, (size_t)set->n, sizeof set->rows[0], by_code);

  jw_key(c->w, "as_of");
  ind_date_json(c, as_of);
  jw_key(c->w, "from");
  ind_date_json(c, from);
  jw_key(c->w, "to");
  ind_date_json(c, to);
  jw_key(c->w, "contributors");
  jw_arr(c->w);
  for (int i = 0; i < set->n && !rc; i++) {
    contrib *r = &set->rows[i];
    int unspecified = !strcmp(r->code, "unspecified");
    /* Its armoured vehicles: serviceability of that contributor's units. */
    char contributor_arg[40];
    snprintf(contributor_arg, sizeof contributor_arg, "contributor=%s", unspecified ? "" : r->code);
    const char *svc_args[] = {as_of_arg, "category=apc,mpv", contributor_arg};
    json_t *svc = NULL;
    if ((rc = run(c, "serviceability", 3, svc_args, &svc))) break;
    r->armoured = int_at(svc, "total");
    r->unserviceable = int_at(svc, "unserviceable");
    copy_ids(c, dep, arena_printf(c->a, "by_contributor.%s.units", r->code), r->code, "units");
    copy_ids(c, dep, arena_printf(c->a, "by_contributor.%s.authorized_strength", r->code), r->code,
             "authorized_strength");
    copy_ids(c, dep, arena_printf(c->a, "by_contributor.%s.deployed_strength", r->code), r->code,
             "deployed_strength");
    copy_ids(c, svc, "total", r->code, "armoured_vehicles");
    copy_ids(c, svc, "unserviceable", r->code, "armoured_unserviceable");
    copy_ids(c, ev, arena_printf(c->a, "by_contributor.%s.count", r->code), r->code, "evaluations");
    copy_ids(c, ev, arena_printf(c->a, "by_contributor.%s.satisfactory", r->code), r->code,
             "evaluations_satisfactory");
    json_decref(svc);
    const char *name = unspecified ? NULL : country_name(r->code);
    jw_obj(c->w);
    jw_kstr(c->w, "contributor", r->code);
    jw_kstr(c->w, "name", unspecified ? NULL : name ? name : r->code);
    jw_kint(c->w, "units", r->units);
    jw_kint(c->w, "authorized_strength", r->authorized);
    jw_kint(c->w, "deployed_strength", r->deployed);
    jw_kint(c->w, "armoured_vehicles", r->armoured);
    jw_kint(c->w, "armoured_unserviceable", r->unserviceable);
    jw_kint(c->w, "evaluations", r->evaluations);
    jw_kint(c->w, "evaluations_satisfactory", r->satisfactory);
    jw_obj_end(c->w);
  }
  jw_arr_end(c->w);
done:
  json_decref(dep);
  json_decref(ev);
  free(set);
  return rc;
}
