/* test_model.c: the kind tables against the SQL schema, and the generic
 * engine's parsing, writing and filtering on a database in memory. */
#include <string.h>

#include "model/event.h"
#include "model/filter.h"
#include "model/kind.h"
#include "model/place.h"
#include "model/query.h"
#include "model/record.h"
#include "model/sqlfn.h"
#include "store/store.h"
#include "test.h"

static store *mem_store(void) {
  store *s = NULL;
  err e;
  if (store_open(&s, ":memory:", STORE_CREATE, &e) || sqlfn_attach(s, &e)) {
    fprintf(stderr, "  %s\n", e.msg);
    return NULL;
  }
  return s;
}

/* Every kind's fields are its table's columns, with matching types; the
 * table has no column the kind does not declare (internal ones start with '_'). */
TEST(kinds_match_schema) {
  store *s = mem_store();
  REQUIRE(s);
  int n;
  const kind *kinds = kind_all(&n);
  CHECK_INT(n, 23);
  for (int i = 0; i < n; i++) {
    const kind *k = &kinds[i];
    char sql[256];
    snprintf(sql, sizeof sql,
             "SELECT x.name, x.type, x.\"notnull\", f.\"table\" FROM pragma_table_xinfo('%s') x "
             "LEFT JOIN pragma_foreign_key_list('%s') f ON f.\"from\" = x.name",
             k->name, k->name);
    stmt *st;
    REQUIRE(store_prepare(s, sql, &st, NULL) == 0);
    int seen[KIND_FIELDS_MAX] = {0}, columns = 0, step;
    while ((step = stmt_step(st, NULL)) == STMT_ROW) {
      const char *name = stmt_text(st, 0);
      const char *type = stmt_text(st, 1);
      int notnull = (int)stmt_int(st, 2);
      const char *refers = stmt_text(st, 3);
      columns++;
      const char *fname = name[0] == '_' ? name + 1 : name;
      int fi = kind_field_index(k, fname);
      if (name[0] == '_' && (fi < 0 || !(k->fields[fi].flags & F_DEFAULTED))) continue;
      if (fi < 0) {
        fprintf(stderr, "  %s.%s: column without a field\n", k->name, name);
        test_failures++;
        continue;
      }
      const field *f = &k->fields[fi];
      seen[fi] = 1;
      if (strcmp(type, field_sql_type(f)) != 0) {
        fprintf(stderr, "  %s.%s: column type %s, field type %s\n", k->name, name, type,
                field_sql_type(f));
        test_failures++;
      }
      /* A required column is NOT NULL in the table (derived and defaulted
       * ones are computed), and only those. */
      int required = (f->flags & F_REQUIRED) && !(f->flags & (F_DERIVED | F_DEFAULTED)) && name[0] != '_';
      if (required != notnull) {
        fprintf(stderr, "  %s.%s: NOT NULL is %d, the field is %srequired\n", k->name, name, notnull,
                required ? "" : "not ");
        test_failures++;
      }
      /* A reference or a place column is a foreign key to its kind's table. */
      const char *target = f->type == FT_REF ? f->arg : f->type == FT_PLACE ? "places" : NULL;
      if ((target == NULL) != (refers == NULL) || (target && strcmp(target, refers) != 0)) {
        fprintf(stderr, "  %s.%s: REFERENCES %s, the field refers to %s\n", k->name, name,
                refers ? refers : "nothing", target ? target : "nothing");
        test_failures++;
      }
    }
    CHECK_INT(step, STMT_DONE);
    stmt_finalize(st);
    CHECK(columns > 0);
    for (int f = 0; f < k->nfields; f++)
      if (!seen[f]) {
        fprintf(stderr, "  %s.%s: field without a column\n", k->name, k->fields[f].name);
        test_failures++;
      }
    for (int c = 0; c < k->nchecks; c++) {
      if (k->checks[c].type == CHECK_SEQUENCE) {
        for (const char *p = k->checks[c].arg; *p;) {
          size_t len = strcspn(p, "|");
          char name[64];
          snprintf(name, sizeof name, "%.*s", (int)len, p);
          CHECK(kind_field_index(k, name) >= 0);
          p += len + (p[len] == '|');
        }
        continue;
      }
      CHECK(kind_field_index(k, k->checks[c].a) >= 0);
      CHECK(kind_field_index(k, k->checks[c].b) >= 0);
    }
    for (int f = 0; f < k->nfields; f++)
      if (k->fields[f].type == FT_REF || k->fields[f].type == FT_REFLIST)
        CHECK(kind_find(k->fields[f].arg) != NULL);
  }
  store_close(s);
}

/* Dependency order: every kind comes after the kinds it references. */
TEST(kinds_dependency_order) {
  int n;
  const kind *kinds = kind_all(&n);
  for (int i = 0; i < n; i++)
    for (int f = 0; f < kinds[i].nfields; f++) {
      const field *fd = &kinds[i].fields[f];
      if (fd->type != FT_REF && fd->type != FT_REFLIST) continue;
      const kind *t = kind_find(fd->arg);
      if (t && t > &kinds[i]) {
        fprintf(stderr, "  %s.%s references %s, which comes later\n", kinds[i].name, fd->name, t->name);
        test_failures++;
      }
    }
}

static int put(store *s, const char *kname, const char *const *kv, err_list *errs) {
  const kind *k = kind_find(kname);
  record r;
  record_init(&r, k);
  arena a;
  arena_init(&a);
  err e;
  for (int i = 0; kv[i]; i += 2) {
    int fi = kind_field_index(k, kv[i]);
    if (fi < 0 || field_parse(s, &k->fields[fi], kv[i + 1], &r.v[fi], &a, &e)) {
      arena_free(&a);
      return -100;
    }
    r.present[fi] = 1;
  }
  writer *w;
  writer_open(&w, s, k, NULL, &e);
  int rc = writer_put(w, &r, errs);
  writer_close(w);
  arena_free(&a);
  return rc;
}

TEST(record_upsert_outcomes) {
  store *s = mem_store();
  REQUIRE(s);
  err_list errs;
  err_list_init(&errs, 10);
  const char *unit[] = {"unit_id", "inf-1", "name", "Battalion", "component", "military",
                        "unit_type", "infantry_battalion", NULL};
  CHECK_INT(put(s, "units", unit, &errs), WRITE_INSERTED);
  CHECK_INT(put(s, "units", unit, &errs), WRITE_UNCHANGED);
  const char *renamed[] = {"unit_id", "inf-1", "name", "1st Battalion", NULL};
  CHECK_INT(put(s, "units", renamed, &errs), WRITE_UPDATED);
  /* A column absent from the record keeps its stored value. */
  filter_set fs;
  filter_init(&fs, kind_find("units"));
  arena a;
  arena_init(&a);
  err e;
  CHECK_INT(filter_add(&fs, s, "unit_type=infantry_battalion", &a, &e), 0);
  int64_t n = -1;
  CHECK_INT(query_count(s, &fs, &n, &e), 0);
  CHECK_INT(n, 1);
  filter_free(&fs);
  /* Negative strength, a missing reference and a self-parent are refused. */
  const char *neg[] = {"unit_id", "inf-2", "name", "B", "component", "military", "unit_type",
                       "infantry_battalion", "deployed_strength", "-5", NULL};
  CHECK_INT(put(s, "units", neg, &errs), -100);
  const char *orphan[] = {"unit_id", "inf-3", "name", "C", "component", "military", "unit_type",
                          "infantry_battalion", "parent_unit", "nope", NULL};
  CHECK(put(s, "units", orphan, &errs) < 0);
  CHECK(errs.n > 0 && strstr(errs.items[errs.n - 1].msg, "nope") != NULL);
  arena_free(&a);
  err_list_free(&errs);
  store_close(s);
}

/* A partial update (columns absent keep their stored values) is checked
 * against the stored values too (found by fuzz_json: a body giving only a
 * rotation's planned_start stored it after its planned_end). */
TEST(record_partial_update_checks) {
  store *s = mem_store();
  REQUIRE(s);
  err_list errs;
  err_list_init(&errs, 10);
  const char *unit[] = {"unit_id", "inf-1", "name", "Battalion", "component", "military",
                        "unit_type", "infantry_battalion", NULL};
  CHECK_INT(put(s, "units", unit, &errs), WRITE_INSERTED);
  const char *rot[] = {"rotation_id", "rot-1", "unit_id", "inf-1", "planned_start", "2021-03-01",
                       "planned_end", "2021-03-31", NULL};
  CHECK_INT(put(s, "rotations", rot, &errs), WRITE_INSERTED);
  const char *late_start[] = {"rotation_id", "rot-1", "planned_start", "2021-04-15", NULL};
  CHECK_INT(put(s, "rotations", late_start, &errs), ERR_VALIDATION);
  CHECK(errs.n > 0 && strstr(errs.items[errs.n - 1].msg, "cannot end before it starts") != NULL);
  const char *early_end[] = {"rotation_id", "rot-1", "planned_end", "2021-02-01", NULL};
  CHECK_INT(put(s, "rotations", early_end, &errs), ERR_VALIDATION);
  const char *fine[] = {"rotation_id", "rot-1", "planned_start", "2021-03-10", NULL};
  CHECK_INT(put(s, "rotations", fine, &errs), WRITE_UPDATED);
  /* WITHIN: the operation comes from the stored activity. */
  const char *op[] = {"operation_id", "op-1", "name", "Op", "start", "2021-01-01", "end", "2021-01-31", NULL};
  CHECK_INT(put(s, "operations", op, &errs), WRITE_INSERTED);
  const char *act[] = {"activity_id", "a-1", "operation_id", "op-1", "kind", "patrol", "start", "2021-01-10", NULL};
  CHECK_INT(put(s, "activities", act, &errs), WRITE_INSERTED);
  const char *moved[] = {"activity_id", "a-1", "start", "2021-02-10", NULL};
  CHECK_INT(put(s, "activities", moved, &errs), ERR_VALIDATION);
  CHECK(errs.n > 0 && strstr(errs.items[errs.n - 1].msg, "outside its operation's dates") != NULL);
  const char *inside[] = {"activity_id", "a-1", "start", "2021-01-20", NULL};
  CHECK_INT(put(s, "activities", inside, &errs), WRITE_UPDATED);
  /* A kind keyed by two columns: a partial record for a new date is not an
   * update of the equipment's other dates (it was "unchanged", and lost). */
  const char *eq[] = {"equipment_id", "eq-1", "unit_id", "inf-1", "category", "apc", NULL};
  CHECK_INT(put(s, "equipment", eq, &errs), WRITE_INSERTED);
  const char *st1[] = {"equipment_id", "eq-1", "date", "2021-01-01", "status", "serviceable", NULL};
  CHECK_INT(put(s, "equipment_status", st1, &errs), WRITE_INSERTED);
  const char *st2[] = {"equipment_id", "eq-1", "date", "2021-02-01", "note", "no status", NULL};
  CHECK_INT(put(s, "equipment_status", st2, &errs), ERR_VALIDATION);
  CHECK(errs.n > 0 && !strcmp(errs.items[errs.n - 1].field, "status"));
  const char *st3[] = {"equipment_id", "eq-1", "date", "2021-01-01", "note", "checked", NULL};
  CHECK_INT(put(s, "equipment_status", st3, &errs), WRITE_UPDATED);
  err_list_free(&errs);
  store_close(s);
}

TEST(filter_errors_and_values) {
  store *s = mem_store();
  REQUIRE(s);
  arena a;
  arena_init(&a);
  err e;
  filter_set fs;
  filter_init(&fs, kind_find("events"));
  CHECK(filter_add(&fs, s, "nosuch=1", &a, &e) == ERR_USAGE);
  CHECK(strstr(e.msg, "nosuch") != NULL);
  CHECK(filter_add(&fs, s, "weapon=banana", &a, &e) == ERR_USAGE);
  CHECK(filter_add(&fs, s, "event_date>=2021-02-30", &a, &e) == ERR_USAGE);
  CHECK(filter_add(&fs, s, "fatalities>=x", &a, &e) == ERR_USAGE);
  CHECK(filter_add(&fs, s, "near=Gao", &a, &e) == ERR_USAGE);
  CHECK_INT(filter_add(&fs, s, "event_type=Battles,Riots", &a, &e), 0);
  CHECK_INT(filter_add(&fs, s, "site=quartier hydraulique", &a, &e), 0);
  CHECK_INT(filter_add(&fs, s, "notes=a\\,b", &a, &e), 0);
  CHECK_INT(fs.nbinds, 4);
  CHECK_STR(fs.binds[3].s, "a,b");
  filter_free(&fs);
  arena_free(&a);
  store_close(s);
}

/* An empty item in a list is refused, and a list without one makes SQL
 * that runs (found by fuzz_filter: "explosive=," and "admin1=,Gao" made SQL
 * that did not parse, an ERR_DB and a 500). */
TEST(filter_empty_list_items) {
  store *s = mem_store();
  REQUIRE(s);
  arena a;
  arena_init(&a);
  err e;
  static const struct {
    const char *arg;
    int rc, nbinds;
  } cases[] = {
      {"admin1=,Gao", ERR_USAGE, 0}, {"admin1=Gao,,Kidal", ERR_USAGE, 0}, {"admin1!=Gao,", ERR_USAGE, 0},
      {"explosive=,", ERR_USAGE, 0}, {"admin1=,", ERR_USAGE, 0},          {"admin1!=,,", ERR_USAGE, 0},
      {"admin1=Gao,Kidal", 0, 2},    {"admin1!=Gao", 0, 1},
  };
  for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    filter_set fs;
    filter_init(&fs, kind_find("events"));
    int rc = filter_add(&fs, s, cases[i].arg, &a, &e);
    CHECK_INT(rc, cases[i].rc);
    if (rc) {
      CHECK(strstr(e.msg, "empty item") != NULL);
    } else {
      CHECK_INT(fs.nbinds, cases[i].nbinds);
      int64_t n = -1;
      CHECK_INT(query_count(s, &fs, &n, &e), 0);
      CHECK_INT(n, 0);
    }
    filter_free(&fs);
  }
  arena_free(&a);
  store_close(s);
}

/* count: how many events match the FILTERs args (NULL-ended), through a
 * filter set that counts (all=0) or lists (all=1). */
static int64_t count_events(store *s, int all, const char *const *args) {
  filter_set fs;
  if (all) filter_init_all(&fs, kind_find("events"));
  else filter_init(&fs, kind_find("events"));
  arena a;
  arena_init(&a);
  err e;
  int64_t n = -1;
  int rc = 0;
  for (int i = 0; args && args[i] && !rc; i++) rc = filter_add(&fs, s, args[i], &a, &e);
  if (!rc) rc = query_count(s, &fs, &n, &e);
  filter_free(&fs);
  arena_free(&a);
  return rc ? -1 : n;
}

/* What counts (FORMATS.md §4.1): rejected, merged and deleted events are
 * left out of a counting filter set, each part lifted when a FILTER names
 * its column; a listing set keeps everything. Defaults: weapon from the
 * sub-event type, target and civilians_killed for an event that targets
 * civilians, verification reported. */
TEST(counting_rule_and_defaults) {
  store *s = mem_store();
  REQUIRE(s);
  err_list errs;
  err_list_init(&errs, 10);
#define EV(id, sub, ...)                                                                          \
  {"event_id_cnty", id, "event_date", "2021-03-01", "event_type", "Explosions/Remote violence",  \
   "sub_event_type", sub, "latitude", "15", "longitude", "0", __VA_ARGS__ NULL}
  const char *e1[] = EV("e1", "Remote explosive/landmine/IED", "fatalities", "3", "inter2", "7",);
  const char *e2[] = EV("e2", "Air/drone strike", "fatalities", "2",);
  const char *e3[] = EV("e3", "Remote explosive/landmine/IED", "verification", "rejected",);
  const char *e4[] = EV("e4", "Remote explosive/landmine/IED", "duplicate_of", "e1",);
  const char *e5[] = EV("e5", "Grenade", "weapon", "erw", "fatalities", "4", "forces_killed", "1",);
#undef EV
  CHECK_INT(put(s, "events", e1, &errs), WRITE_INSERTED);
  CHECK_INT(put(s, "events", e2, &errs), WRITE_INSERTED);
  CHECK_INT(put(s, "events", e3, &errs), WRITE_INSERTED);
  CHECK_INT(put(s, "events", e4, &errs), WRITE_INSERTED);
  CHECK_INT(put(s, "events", e5, &errs), WRITE_INSERTED);
  err e;
  CHECK_INT(event_mark_deleted(s, "e2", 5, &e), WRITE_INSERTED);
  CHECK_INT(event_mark_deleted(s, "e2", 4, &e), WRITE_UNCHANGED); /* an earlier deletion */
  CHECK_INT(event_mark_deleted(s, "e9", 5, &e), WRITE_INSERTED);  /* not stored: remembered */
  /* what counts: e1 and e5 */
  CHECK_INT(count_events(s, 0, NULL), 2);
  CHECK_INT(count_events(s, 1, NULL), 5);
  const char *rejected[] = {"verification=rejected", NULL};
  CHECK_INT(count_events(s, 0, rejected), 1);
  const char *merged[] = {"duplicate_of=e1", NULL};
  CHECK_INT(count_events(s, 0, merged), 1);
  const char *deleted[] = {"deleted=yes", NULL};
  CHECK_INT(count_events(s, 0, deleted), 1);
  /* naming one column lifts only its part: e3 is rejected, not merged */
  const char *ver_any[] = {"verification=reported,verified,rejected", NULL};
  CHECK_INT(count_events(s, 0, ver_any), 3);
  /* the defaults, in force and in filters */
  const char *ied[] = {"weapon=ied", NULL};
  CHECK_INT(count_events(s, 1, ied), 3); /* e1, e3, e4 from the sub-event type */
  const char *explosive[] = {"explosive=yes", NULL};
  CHECK_INT(count_events(s, 0, explosive), 2); /* e1 (ied) and e5 (erw given) */
  const char *air[] = {"weapon=air_strike", "explosive=no", NULL};
  CHECK_INT(count_events(s, 1, air), 1);
  const char *civ[] = {"target=civilians", "civilians_killed=3", NULL};
  CHECK_INT(count_events(s, 0, civ), 1); /* e1: inter2 7, fatalities as civilians killed */
  const char *given[] = {"event_id_cnty=e5", "civilians_killed=", NULL};
  CHECK_INT(count_events(s, 0, given), 1); /* not civilian: no default */
  const char *reported[] = {"verification=reported", NULL};
  CHECK_INT(count_events(s, 1, reported), 4);
  /* a merge may not chain: e1 has e4 merged into it */
  const char *chain[] = {"event_id_cnty", "e1", "duplicate_of", "e5", NULL};
  CHECK(put(s, "events", chain, &errs) < 0);
  CHECK(errs.n > 0 && strstr(errs.items[errs.n - 1].msg, "merged into e1") != NULL);
  CHECK_STR(errs.items[errs.n - 1].field, "duplicate_of");
  const char *onto[] = {"event_id_cnty", "e5", "duplicate_of", "e4", NULL};
  CHECK(put(s, "events", onto, &errs) < 0);
  CHECK(strstr(errs.items[errs.n - 1].msg, "e4 is itself merged into e1") != NULL);
  /* an event written later under a remembered deletion is deleted too;
   * forgetting the deletion (a newer row came) makes it count again */
  const char *e9[] = {"event_id_cnty", "e9", "event_date", "2021-03-02", "event_type", "Battles",
                      "sub_event_type", "Armed clash", "latitude", "15", "longitude", "0", NULL};
  CHECK_INT(put(s, "events", e9, &errs), WRITE_INSERTED);
  CHECK_INT(count_events(s, 0, deleted), 2);
  CHECK_INT(event_forget_deletion(s, "e9", &e), 0);
  CHECK_INT(count_events(s, 0, deleted), 1);
  CHECK_INT(count_events(s, 0, NULL), 3);
  err_list_free(&errs);
  store_close(s);
}
