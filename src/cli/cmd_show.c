/* cmd_show.c: `bluehelm show KIND ID`: one record as a page of text, every
 * field with a value, places and references followed by their names. The
 * kind may be given in the singular (`show operation op-seka`). A kind with
 * a two-column identity (equipment_status) shows every row of that id.
 * Operations get a richer page: their activities (with places and units),
 * their units (type, strength, status and place as of --as-of), their places, and the events linked
 * to them (events.operation_id) or within --km (default 25) of their places
 * during their period (up to --as-of, default today, while ongoing). An
 * event's page lists the reports merged into it (duplicate_of). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/operation_effect.h"
#include "cli/cli.h"
#include "core/date.h"
#include "core/str.h"
#include "model/query.h"
#include "model/unit.h"

#define SHOW_LIST_MAX 256

/* The kind named by word: its name, or a singular form of it. */
static const kind *find_kind(const char *word) {
  const kind *k = kind_find(word);
  if (k) return k;
  char tmp[80];
  size_t n = strlen(word);
  if (n + 3 >= sizeof tmp) return NULL;
  snprintf(tmp, sizeof tmp, "%ss", word); /* operation -> operations */
  if ((k = kind_find(tmp))) return k;
  if (n > 1 && word[n - 1] == 'y') { /* activity -> activities, capability -> capabilities */
    snprintf(tmp, sizeof tmp, "%.*sies", (int)(n - 1), word);
    if ((k = kind_find(tmp))) return k;
  }
  return NULL;
}

/* The display name of record id of kind target ("name" or "title"), or NULL. */
static const char *name_of(cli *c, store *s, const kind *target, const char *id) {
  const char *col = kind_field(target, "name") ? "name" : kind_field(target, "title") ? "title" : NULL;
  if (!col || !id) return NULL;
  char sql[160];
  snprintf(sql, sizeof sql, "SELECT \"%s\" FROM \"%s\" WHERE \"%s\" = ?", col, target->name,
           kind_key_name(target));
  stmt *st;
  if (store_prepare(s, sql, &st, NULL)) return NULL;
  stmt_bind_text(st, 1, id);
  const char *name = NULL;
  if (stmt_step(st, NULL) == STMT_ROW) name = arena_strdup(&c->a, stmt_text(st, 0));
  stmt_finalize(st);
  return name;
}

/* Splits a ';'-list into items (strings in the command's arena). */
static int split_list(cli *c, const char *list, const char **items, int max) {
  int n = 0;
  for (const char *p = list; p && *p && n < max;) {
    const char *semi = strchr(p, ';');
    size_t len = semi ? (size_t)(semi - p) : strlen(p);
    if (len) items[n++] = arena_strndup(&c->a, p, len);
    p = semi ? semi + 1 : NULL;
  }
  return n;
}

/* "id (name)" for each item of a reference or place list. */
static void print_refs(cli *c, store *s, const kind *target, const char *list) {
  const char *items[SHOW_LIST_MAX];
  int n = split_list(c, list, items, SHOW_LIST_MAX);
  for (int i = 0; i < n; i++) {
    const char *name = name_of(c, s, target, items[i]);
    fprintf(c->out, "%s%s", i ? "; " : "", items[i]);
    if (name) fprintf(c->out, " (%s)", name);
  }
}

/* Writes text, indenting the lines after the first by indent spaces. */
static void print_text(FILE *out, const char *text, int indent) {
  for (const char *p = text; *p; p++) {
    fputc(*p, out);
    if (*p == '\n') fprintf(out, "%*s", indent, "");
  }
}

static void print_record(cli *c, store *s, const record *r) {
  const kind *k = r->k;
  buf v;
  buf_init(&v, 0);
  for (int i = 0; i < k->nfields; i++) {
    const field *f = &k->fields[i];
    if (!r->v[i].set) continue;
    fprintf(c->out, "  %-22s ", f->name);
    const kind *target = NULL;
    if (f->type == FT_PLACE || f->type == FT_PLACELIST) target = kind_find("places");
    else if ((f->type == FT_REF || f->type == FT_REFLIST) && i != k->key[0]) target = kind_find(f->arg);
    if (target) {
      print_refs(c, s, target, r->v[i].s);
    } else {
      buf_reset(&v);
      field_format(f, &r->v[i], &v);
      print_text(c->out, buf_cstr(&v), 25);
    }
    fputc('\n', c->out);
  }
  buf_free(&v);
}

static const char *nz(const char *s) { return s ? s : ""; }

/* The operation's activities, each with its places and units; their units
 * are added to units[] (ids not already there). */
static int show_activities(cli *c, store *s, const char *opid, const char **units, int *nunits) {
  stmt *st;
  int rc = store_prepare(s,
                         "SELECT activity_id, kind, start, \"end\", origin, destination, places, units, note "
                         "FROM activities WHERE operation_id = ? ORDER BY start, activity_id",
                         &st, &c->e);
  if (rc) return rc;
  stmt_bind_text(st, 1, opid);
  const kind *kp = kind_find("places"), *ku = kind_find("units");
  long n = 0;
  while ((rc = stmt_step(st, &c->e)) == STMT_ROW) {
    const char *id = stmt_text(st, 0);
    const char *end = stmt_text(st, 3);
    const char *origin = stmt_text(st, 4);
    const char *dest = stmt_text(st, 5);
    const char *places = stmt_text(st, 6);
    const char *ulist = stmt_text(st, 7);
    const char *note = stmt_text(st, 8);
    if (!n++) fputs("\nActivities\n", c->out);
    fprintf(c->out, "  %-14s %-26s %s..%s", id, stmt_text(st, 1), stmt_text(st, 2),
            nz(end));
    if (origin || dest) {
      const char *on = name_of(c, s, kp, origin), *dn = name_of(c, s, kp, dest);
      fprintf(c->out, "  %s -> %s", origin ? (on ? on : origin) : "?", dest ? (dn ? dn : dest) : "?");
    }
    fputc('\n', c->out);
    if (places) {
      fputs("      places: ", c->out);
      print_refs(c, s, kp, places);
      fputc('\n', c->out);
    }
    if (ulist) {
      fputs("      units: ", c->out);
      print_refs(c, s, ku, ulist);
      fputc('\n', c->out);
      const char *items[SHOW_LIST_MAX];
      int m = split_list(c, ulist, items, SHOW_LIST_MAX);
      for (int i = 0; i < m; i++) {
        int seen = 0;
        for (int j = 0; j < *nunits && !seen; j++) seen = !strcmp(units[j], items[i]);
        if (!seen && *nunits < SHOW_LIST_MAX) units[(*nunits)++] = items[i];
      }
    }
    if (note) {
      fputs("      ", c->out);
      print_text(c->out, note, 6);
      fputc('\n', c->out);
    }
  }
  stmt_finalize(st);
  if (rc < 0) return rc;
  if (!n) fputs("\nActivities: none recorded\n", c->out);
  return 0;
}

/* The operation's units as they stood on as_of (unit.h). */
static int show_units(cli *c, store *s, const char **units, int nunits, int nown, int as_of) {
  if (!nunits) {
    fputs("\nUnits: none recorded\n", c->out);
    return 0;
  }
  fputs("\nUnits\n", c->out);
  stmt *st;
  int rc = store_prepare(s,
                         "SELECT name, unit_type, contributor, deployed_strength, authorized_strength, "
                         "status, location FROM unit_states u WHERE u.unit_id = ?1 AND "
                         UNIT_STATE_ON("u", "?2"),
                         &st, &c->e);
  if (rc) return rc;
  char day[11];
  date_format(as_of, day);
  for (int i = 0; i < nunits; i++) {
    stmt_reset(st);
    stmt_bind_text(st, 1, units[i]);
    stmt_bind_text(st, 2, day);
    if ((rc = stmt_step(st, &c->e)) < 0) break;
    if (rc != STMT_ROW) {
      fprintf(c->out, "  %-16s (not found)\n", units[i]);
      continue;
    }
    fprintf(c->out, "  %-16s %s  %s", units[i], stmt_text(st, 0), stmt_text(st, 1));
    if (!stmt_is_null(st, 2)) fprintf(c->out, "  %s", stmt_text(st, 2));
    if (!stmt_is_null(st, 3)) {
      fprintf(c->out, "  strength %lld", (long long)stmt_int(st, 3));
      if (!stmt_is_null(st, 4))
        fprintf(c->out, " of %lld", (long long)stmt_int(st, 4));
    }
    if (!stmt_is_null(st, 5)) fprintf(c->out, "  %s", stmt_text(st, 5));
    if (!stmt_is_null(st, 6)) fprintf(c->out, "  at %s", stmt_text(st, 6));
    if (i >= nown) fputs("  (through its activities)", c->out);
    fputc('\n', c->out);
  }
  stmt_finalize(st);
  return rc < 0 ? rc : 0;
}

static int show_places(cli *c, store *s, const char *list) {
  const char *items[SHOW_LIST_MAX];
  int n = split_list(c, list, items, SHOW_LIST_MAX);
  if (!n) {
    fputs("\nPlaces: none recorded\n", c->out);
    return 0;
  }
  fputs("\nPlaces\n", c->out);
  stmt *st;
  int rc = store_prepare(s, "SELECT name, kind, admin1, admin2, latitude, longitude FROM places WHERE place_id = ?",
                         &st, &c->e);
  if (rc) return rc;
  for (int i = 0; i < n; i++) {
    stmt_reset(st);
    stmt_bind_text(st, 1, items[i]);
    if ((rc = stmt_step(st, &c->e)) < 0) break;
    if (rc != STMT_ROW) continue;
    fprintf(c->out, "  %-20s %s", items[i], stmt_text(st, 0));
    if (!stmt_is_null(st, 1)) fprintf(c->out, "  %s", stmt_text(st, 1));
    fprintf(c->out, "  %s/%s  %.5f, %.5f\n", nz(stmt_text(st, 2)),
            nz(stmt_text(st, 3)), stmt_double(st, 4),
            stmt_double(st, 5));
  }
  stmt_finalize(st);
  return rc < 0 ? rc : 0;
}

static int show_events(cli *c, store *s, const char *opid, double km, int as_of) {
  opeff_event *ev;
  long n;
  int rc = operation_effect_events(s, opid, km, as_of, NULL, &ev, &n, &c->a, &c->e);
  if (rc) return rc;
  fprintf(c->out, "\nEvents linked to it or within %g km of its places during it: %ld\n", km, n);
  for (long i = 0; i < n; i++) {
    fprintf(c->out, "  %s  %-16s %s / %s  %s", ev[i].date, ev[i].id, nz(ev[i].type), nz(ev[i].sub_type),
            ev[i].location ? ev[i].location : nz(ev[i].place_id));
    if (ev[i].fatalities >= 0) fprintf(c->out, "  fatalities %ld", ev[i].fatalities);
    if (ev[i].linked) fputs("  [linked]", c->out);
    if (ev[i].near_place) fprintf(c->out, "  %.1f km from %s", ev[i].km, ev[i].near_place);
    fputc('\n', c->out);
  }
  free(ev);
  return 0;
}

static int show_operation(cli *c, store *s, const record *r, double km, int as_of) {
  const char *opid = record_get(r, "operation_id")->s;
  const fval *ulist = record_get(r, "units"), *plist = record_get(r, "places");
  const char *units[SHOW_LIST_MAX];
  int nunits = ulist->set ? split_list(c, ulist->s, units, SHOW_LIST_MAX) : 0;
  int nown = nunits;
  /* The record's text lives in its statement: copy what is used later. */
  const char *places = plist->set ? arena_strdup(&c->a, plist->s) : NULL;
  opid = arena_strdup(&c->a, opid);
  int rc = show_activities(c, s, opid, units, &nunits);
  if (!rc) rc = show_units(c, s, units, nunits, nown, as_of);
  if (!rc) rc = show_places(c, s, places);
  if (!rc) rc = show_events(c, s, opid, km, as_of);
  return rc;
}

/* The reports merged into event id (FORMATS.md §4.1): they count as id. */
static int show_merged(cli *c, store *s, const char *id) {
  stmt *st;
  int rc = store_prepare(s,
                         "SELECT event_id_cnty, event_date, event_type, sub_event_type, location, source, "
                         "fatalities FROM events WHERE duplicate_of = ? ORDER BY event_date, event_id_cnty",
                         &st, &c->e);
  if (rc) return rc;
  stmt_bind_text(st, 1, id);
  long n = 0;
  int step;
  while ((step = stmt_step(st, &c->e)) == STMT_ROW) {
    if (!n++) fprintf(c->out, "\nReports merged into %s (they count as this event):\n", id);
    fprintf(c->out, "  %-20s %s  %s / %s", stmt_text(st, 0), stmt_text(st, 1), stmt_text(st, 2), stmt_text(st, 3));
    if (!stmt_is_null(st, 4)) fprintf(c->out, "  %s", stmt_text(st, 4));
    if (!stmt_is_null(st, 6)) fprintf(c->out, "  fatalities %lld", (long long)stmt_int(st, 6));
    if (!stmt_is_null(st, 5)) fprintf(c->out, "  [%s]", stmt_text(st, 5));
    fputc('\n', c->out);
  }
  stmt_finalize(st);
  return step < 0 ? step : 0;
}

/* cmd_show: `show KIND ID [--km N] [--as-of DATE]`; 0, ERR_USAGE or
 * ERR_NOT_FOUND (no such record). */
int cmd_show(cli *c, int argc, char **argv) {
  const char *pos[2], *val;
  int npos = 0;
  double km = 25;
  int as_of = date_today();
  for (int i = 0; i < argc; i++) {
    if (cli_flag(c, argc, argv, &i, "--km", &val)) {
      if (!val) return ERR_USAGE;
      if (str_to_double(val, &km) || km < 0 || km > 1000)
        return cli_usage_error(c, "show", "--km %s: give a distance from 0 to 1000", val);
    } else if (cli_flag(c, argc, argv, &i, "--as-of", &val)) {
      if (!val) return ERR_USAGE;
      if (date_parse_iso(val, &as_of)) return cli_usage_error(c, "show", "--as-of %s is not a date (YYYY-MM-DD)", val);
    } else if (npos < 2) {
      pos[npos++] = argv[i];
    } else {
      return cli_usage_error(c, "show", "give a kind and one id");
    }
  }
  if (npos != 2) return cli_usage_error(c, "show", "give a kind and one id");
  const kind *k = find_kind(pos[0]);
  if (!k) return cli_usage_error(c, "show", "unknown kind '%s'", pos[0]);
  store *s;
  int rc = cli_open(c, &s, STORE_READONLY);
  if (rc) return rc;
  filter_set fs;
  filter_init_all(&fs, k);
  rc = filter_add_op(&fs, s, kind_key_name(k), "=", pos[1], &c->a, &c->e);
  stmt *st = NULL;
  if (!rc) rc = query_open(s, &fs, -1, &st, &c->e);
  long n = 0;
  if (!rc) {
    record r;
    record_init(&r, k);
    int step;
    while ((step = stmt_step(st, &c->e)) == STMT_ROW) {
      query_row(st, &r);
      const char *title = name_of(c, s, k, pos[1]);
      if (n) fputc('\n', c->out);
      fprintf(c->out, "%s %s%s%s\n", k->name, pos[1], title ? " - " : "", title ? title : "");
      print_record(c, s, &r);
      if (!strcmp(k->name, "operations")) rc = show_operation(c, s, &r, km, as_of);
      if (!strcmp(k->name, "events")) rc = show_merged(c, s, pos[1]);
      n++;
      if (rc) break;
    }
    if (!rc && step < 0) rc = step;
    if (!rc && !n) rc = err_set(&c->e, ERR_NOT_FOUND, "no %s record has the id '%s'", k->name, pos[1]);
  }
  if (st) stmt_finalize(st);
  filter_free(&fs);
  store_close(s);
  return rc;
}
