/* test_pg.c: the PostgreSQL schema against SQLite's, so that the two cannot
 * drift: the same newest migration number, and, on the test cluster that
 * tests/run.sh starts (BLUEHELM_TEST_PG_UNIT: a URI of an empty database),
 * every table with the same columns in the same order, the same types
 * (TEXT/text, INTEGER/bigint, REAL/double precision), NOT NULL, generated
 * columns and REFERENCES, and every kind's fields held against the
 * PostgreSQL columns as kinds_match_schema does against SQLite's. */
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/embed.h"
#include "core/geo.h"
#include "core/str.h"
#include "core/utf8.h"
#include "model/kind.h"
#include "model/place.h"
#include "store/store.h"
#include "test.h"

static int newest(const char *dir) {
  size_t n;
  const embed_file *f = embed_list(&n);
  int best = 0;
  for (size_t i = 0; i < n; i++) {
    if (!str_has_prefix(f[i].name, dir)) continue;
    const char *base = f[i].name + strlen(dir);
    if (strchr(base, '/') || strlen(base) < 4) continue;
    int v = (int)strtol(base, NULL, 10);
    if (v > best) best = v;
  }
  return best;
}

/* The newest PostgreSQL migration brings the schema to the same version as
 * the newest SQLite one (a SQLite migration without its PostgreSQL twin
 * fails here). */
TEST(pg_migrations_match) {
  int lite = newest("src/store/schema/"), pg = newest("src/store/schema/pg/");
  CHECK(lite > 0);
  CHECK_INT(pg, lite);
  CHECK_INT(store_latest_version(), lite);
}

#define COLS_MAX 96
#define TABLES_MAX 64

typedef struct col {
  char name[64];
  char type[24];  /* TEXT, INTEGER or REAL */
  int notnull;    /* NOT NULL or part of the primary key */
  int generated;
  char refers[64]; /* the table a foreign key names, or "" */
} col;

typedef struct table {
  char name[64];
  col cols[COLS_MAX];
  int n;
} table;

static int read_tables(store *s, const char *list_sql, table *out, int max) {
  stmt *st;
  if (store_prepare(s, list_sql, &st, NULL)) return -1;
  int n = 0;
  while (n < max && stmt_step(st, NULL) == STMT_ROW) {
    memset(&out[n], 0, sizeof out[n]);
    str_copy(out[n].name, sizeof out[n].name, stmt_text(st, 0));
    n++;
  }
  stmt_finalize(st);
  return n;
}

static void read_columns(store *s, const char *sql, table *t) {
  stmt *st;
  if (store_prepare(s, sql, &st, NULL)) {
    test_failures++;
    return;
  }
  stmt_bind_text(st, 1, t->name);
  while (t->n < COLS_MAX && stmt_step(st, NULL) == STMT_ROW) {
    col *c = &t->cols[t->n++];
    str_copy(c->name, sizeof c->name, stmt_text(st, 0));
    const char *type = stmt_text(st, 1);
    str_copy(c->type, sizeof c->type,
             !strcmp(type, "text") ? "TEXT" : !strcmp(type, "bigint") ? "INTEGER"
             : !strcmp(type, "double precision") ? "REAL" : type);
    c->notnull = (int)stmt_int(st, 2);
    c->generated = (int)stmt_int(st, 3);
    str_copy(c->refers, sizeof c->refers, stmt_text(st, 4) ? stmt_text(st, 4) : "");
  }
  stmt_finalize(st);
}

static const char *LITE_TABLES =
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%' "
    "AND name || '_rebuild' NOT IN (SELECT name FROM sqlite_master WHERE type = 'view') ORDER BY name";
static const char *LITE_COLUMNS =
    "SELECT x.name, x.type, CASE WHEN x.\"notnull\" = 1 OR x.pk > 0 THEN 1 ELSE 0 END, "
    "CASE WHEN x.hidden IN (2, 3) THEN 1 ELSE 0 END, f.\"table\" "
    "FROM pragma_table_xinfo(?1) x LEFT JOIN pragma_foreign_key_list(?1) f ON f.\"from\" = x.name "
    "ORDER BY x.cid";
static const char *PG_TABLES =
    "SELECT c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
    "WHERE n.nspname = current_schema() AND c.relkind = 'r' AND c.relname <> '_schema_version' "
    "ORDER BY c.relname COLLATE \"C\"";
static const char *PG_COLUMNS =
    "SELECT a.attname, format_type(a.atttypid, NULL), CASE WHEN a.attnotnull THEN 1 ELSE 0 END, "
    "CASE WHEN a.attgenerated <> '' THEN 1 ELSE 0 END, "
    "(SELECT r.relname FROM pg_catalog.pg_constraint k JOIN pg_catalog.pg_class r ON r.oid = k.confrelid "
    " WHERE k.conrelid = a.attrelid AND k.contype = 'f' AND k.conkey[1] = a.attnum LIMIT 1) "
    "FROM pg_catalog.pg_attribute a WHERE a.attrelid = to_regclass(?1) AND a.attnum > 0 "
    "AND NOT a.attisdropped ORDER BY a.attnum";

static table lite_t[TABLES_MAX], pg_t[TABLES_MAX];

/* Every kind's fields against the PostgreSQL table of the kind (as
 * kinds_match_schema does on SQLite). */
static void check_kinds(const table *tables, int nt) {
  int nk;
  const kind *kinds = kind_all(&nk);
  for (int i = 0; i < nk; i++) {
    const kind *k = &kinds[i];
    const table *t = NULL;
    for (int j = 0; j < nt; j++)
      if (!strcmp(tables[j].name, k->name)) t = &tables[j];
    if (!t) {
      fprintf(stderr, "  %s: no table on PostgreSQL\n", k->name);
      test_failures++;
      continue;
    }
    int seen[KIND_FIELDS_MAX] = {0};
    for (int c = 0; c < t->n; c++) {
      const col *cl = &t->cols[c];
      const char *fname = cl->name[0] == '_' ? cl->name + 1 : cl->name;
      int fi = kind_field_index(k, fname);
      if (cl->name[0] == '_' && (fi < 0 || !(k->fields[fi].flags & F_DEFAULTED))) continue;
      if (fi < 0) {
        fprintf(stderr, "  %s.%s: column without a field\n", k->name, cl->name);
        test_failures++;
        continue;
      }
      const field *f = &k->fields[fi];
      seen[fi] = 1;
      if (strcmp(cl->type, field_sql_type(f))) {
        fprintf(stderr, "  %s.%s: column type %s, field type %s\n", k->name, cl->name, cl->type, field_sql_type(f));
        test_failures++;
      }
      int required = (f->flags & F_REQUIRED) && !(f->flags & (F_DERIVED | F_DEFAULTED)) && cl->name[0] != '_';
      if (required != cl->notnull) {
        fprintf(stderr, "  %s.%s: NOT NULL is %d, the field is %srequired\n", k->name, cl->name, cl->notnull,
                required ? "" : "not ");
        test_failures++;
      }
      const char *target = f->type == FT_REF ? f->arg : f->type == FT_PLACE ? "places" : "";
      if (strcmp(target, cl->refers)) {
        fprintf(stderr, "  %s.%s: REFERENCES %s, the field refers to %s\n", k->name, cl->name,
                cl->refers[0] ? cl->refers : "nothing", target[0] ? target : "nothing");
        test_failures++;
      }
    }
    for (int f = 0; f < k->nfields; f++)
      if (!seen[f]) {
        fprintf(stderr, "  %s.%s: field without a column on PostgreSQL\n", k->name, k->fields[f].name);
        test_failures++;
      }
  }
}

TEST(kinds_match_schema_pg) {
  const char *uri = getenv("BLUEHELM_TEST_PG_UNIT");
  if (!uri || !*uri) {
    test_skip = "no PostgreSQL test database (tests/run.sh starts a cluster and sets BLUEHELM_TEST_PG_UNIT)";
    return;
  }
  store *lite = NULL, *pg = NULL;
  err e;
  if (store_open(&lite, ":memory:", STORE_CREATE, &e)) {
    fprintf(stderr, "  %s\n", e.msg);
    test_failures++;
    return;
  }
  if (store_open(&pg, uri, STORE_CREATE, &e)) {
    fprintf(stderr, "  %s\n", e.msg);
    test_failures++;
    store_close(lite);
    return;
  }
  CHECK_INT(store_schema_version(pg), store_schema_version(lite));
  int nl = read_tables(lite, LITE_TABLES, lite_t, TABLES_MAX);
  int np = read_tables(pg, PG_TABLES, pg_t, TABLES_MAX);
  CHECK(nl > 20);
  CHECK_INT(np, nl);
  for (int i = 0; i < nl && i < np; i++) {
    CHECK_STR(pg_t[i].name, lite_t[i].name);
    read_columns(lite, LITE_COLUMNS, &lite_t[i]);
    read_columns(pg, PG_COLUMNS, &pg_t[i]);
    if (pg_t[i].n != lite_t[i].n) {
      fprintf(stderr, "  %s: %d columns on PostgreSQL, %d on SQLite\n", lite_t[i].name, pg_t[i].n, lite_t[i].n);
      test_failures++;
      continue;
    }
    for (int c = 0; c < lite_t[i].n; c++) {
      const col *a = &lite_t[i].cols[c], *b = &pg_t[i].cols[c];
      if (strcmp(a->name, b->name) || strcmp(a->type, b->type) || a->notnull != b->notnull ||
          a->generated != b->generated || strcmp(a->refers, b->refers)) {
        fprintf(stderr,
                "  %s column %d: SQLite %s %s%s%s%s%s, PostgreSQL %s %s%s%s%s%s\n", lite_t[i].name, c + 1,
                a->name, a->type, a->notnull ? " NOT NULL" : "", a->generated ? " GENERATED" : "",
                a->refers[0] ? " REFERENCES " : "", a->refers, b->name, b->type, b->notnull ? " NOT NULL" : "",
                b->generated ? " GENERATED" : "", b->refers[0] ? " REFERENCES " : "", b->refers);
        test_failures++;
      }
    }
  }
  check_kinds(pg_t, np);
  store_close(pg);
  store_close(lite);
}

/* The SQL functions of the PostgreSQL schema give what the C functions
 * give (SQLite calls those): folding and trimming names, and the distance
 * to the last bit. */
TEST(pg_functions_match_c) {
  const char *uri = getenv("BLUEHELM_TEST_PG_UNIT");
  if (!uri || !*uri) {
    test_skip = "no PostgreSQL test database (tests/run.sh starts a cluster and sets BLUEHELM_TEST_PG_UNIT)";
    return;
  }
  store *pg = NULL;
  err e;
  if (store_open(&pg, uri, STORE_CREATE, &e)) {
    fprintf(stderr, "  %s\n", e.msg);
    test_failures++;
    return;
  }
  static const char *names[] = {"Gao", "  Ménaka\t", "vavav", "\vTOMBOUCTOU\f", "Ségou Œuvre ÿ ŸŽ ſ",
                                "ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖ×ØÙÚÛÜÝÞß", "ĀāĂăĄąĆćĿŀŁłŉŊŋ", "日本 Ünïcödé", ""};
  stmt *st;
  REQUIRE(store_prepare(pg, "SELECT bh_fold(?1), bh_fold_key(?1)", &st, NULL) == 0);
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    char fold[256], key[256];
    utf8_fold(names[i], fold, sizeof fold);
    place_fold_key(names[i], key, sizeof key);
    stmt_clear(st);
    stmt_bind_text(st, 1, names[i]);
    REQUIRE(stmt_step(st, NULL) == STMT_ROW);
    CHECK_STR(stmt_text(st, 0), fold);
    CHECK_STR(stmt_text(st, 1), key);
  }
  stmt_finalize(st);
  static const double pts[][4] = {{16.27167, -0.04472, 15.6631, 0.5063}, {0, 0, 0, 0},
                                  {-89.9, 179.99, 89.9, -179.99},         {14.49, -4.19, 14.4891, -4.1928},
                                  {12.65, -8.0, 20.2581, 0.9905},         {1e-9, 0, 0, 1e-9}};
  REQUIRE(store_prepare(pg, "SELECT bh_distance(?1, ?2, ?3, ?4), bh_distance(NULL, ?2, ?3, ?4)", &st, NULL) == 0);
  for (size_t i = 0; i < sizeof pts / sizeof pts[0]; i++) {
    stmt_clear(st);
    for (int j = 0; j < 4; j++) stmt_bind_double(st, j + 1, pts[i][j]);
    REQUIRE(stmt_step(st, NULL) == STMT_ROW);
    double want = geo_distance_km(pts[i][0], pts[i][1], pts[i][2], pts[i][3]);
    if (stmt_double(st, 0) != want) {
      fprintf(stderr, "  bh_distance(%g, %g, %g, %g) = %.17g on PostgreSQL, %.17g in C\n", pts[i][0], pts[i][1],
              pts[i][2], pts[i][3], stmt_double(st, 0), want);
      test_failures++;
    }
    CHECK(stmt_is_null(st, 1));
  }
  stmt_finalize(st);
  store_close(pg);
}
