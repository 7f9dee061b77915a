/* fuzz_filter.c: libFuzzer target for the FILTER grammar (FORMATS.md §3,
 * API.md), in both its forms, over the fixture database (fixture.c).
 *
 * An input is lines. The first line names the kind (when it is not a kind's
 * name, the kind is events and the line is a filter). Every other line is one
 * filter: in the command-line form ("event_date>=2021-01-01", filter_add),
 * or, after a leading '&', in the URL form ("&event_date=ge:2021-01-01",
 * filter_add_query; the line is split at its first '=' and both halves are
 * %XX- and '+'-decoded as the server's query string is).
 *
 * Checked for each line:
 *   - it is accepted (0) or refused with ERR_USAGE and a message;
 *   - the same filter written in the other form gives the same outcome, and
 *     when accepted the same SQL condition and the same bound values;
 * and, as the callers do, the lines are added to one set until the first
 * refusal; when every line was accepted, the set's SQL has exactly as many
 * parameters as values, and counting and listing the records both run to
 * the end (an accepted filter never makes a failing query) and agree. */
#include <stdint.h>
#include <string.h>

#include "core/arena.h"
#include "core/str.h"
#include "fixture.h"
#include "model/filter.h"
#include "model/query.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define LINES_MAX 64

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  fixture_store();
  return 0;
}

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Decodes a query string part in place: '+' is a space, %XX a byte (a NUL
 * ends the string, as it would end the server's C string). */
static void url_decode(char *s) {
  char *o = s;
  for (char *p = s; *p; p++) {
    if (*p == '+') {
      *o++ = ' ';
    } else if (*p == '%' && hexval(p[1]) >= 0 && hexval(p[2]) >= 0) {
      *o++ = (char)(hexval(p[1]) * 16 + hexval(p[2]));
      p += 2;
    } else {
      *o++ = *p;
    }
  }
  *o = 0;
}

static int same_sets(filter_set *a, filter_set *b) {
  if (strcmp(filter_where(a), filter_where(b)) != 0 || a->nbinds != b->nbinds) return 0;
  for (int i = 0; i < a->nbinds; i++) {
    const filter_bind *x = &a->binds[i], *y = &b->binds[i];
    if (x->type != y->type) return 0;
    if (x->type == STORE_INT && x->i != y->i) return 0;
    if (x->type == STORE_REAL && memcmp(&x->d, &y->d, sizeof x->d) != 0) return 0;
    if (x->type == STORE_TEXT && strcmp(x->s, y->s) != 0) return 0;
  }
  return 1;
}

static void check_outcome(int rc, const err *e) {
  FZ_CHECK(rc == 0 || rc == ERR_USAGE);
  if (rc) FZ_CHECK(e->code == rc && e->msg[0]);
}

/* The URL-form value that says op and value ("ge:V"; "eq:V" when V itself
 * starts with a prefix). */
static const char *url_value(const char *op, const char *value, arena *a) {
  static const struct {
    const char *op, *prefix;
  } ops[] = {{"!=", "ne:"}, {">=", "ge:"}, {"<=", "le:"}, {">", "gt:"}, {"<", "lt:"}};
  for (unsigned i = 0; i < sizeof ops / sizeof ops[0]; i++)
    if (!strcmp(op, ops[i].op)) return arena_printf(a, "%s%s", ops[i].prefix, value);
  const char *probe = value;
  if (strcmp(filter_query_op(&probe), "=") != 0 || probe != value) return arena_printf(a, "eq:%s", value);
  return value;
}

/* One line alone, in its own form and in the other form, each into a fresh
 * set: both forms must agree. Returns the line's outcome; *nbinds receives
 * how many values it binds. */
static int one_line(store *s, const kind *k, const char *line, int *nbinds, arena *a, err *e) {
  filter_set own, other;
  filter_init(&own, k);
  filter_init(&other, k);
  err oe;
  int rc, orc = 0, compare = 1;
  if (line[0] == '&') {
    char *copy = arena_strdup(a, line + 1);
    char *eq = strchr(copy, '=');
    const char *value = "";
    if (eq) {
      *eq = 0;
      value = eq + 1;
    }
    char *key = copy;
    char *val = arena_strdup(a, value);
    url_decode(key);
    url_decode(val);
    rc = filter_add_query(&own, s, key, val, a, e);
    const char *v = val;
    const char *op = filter_query_op(&v);
    /* The command-line form cannot say a column with = ! < > in it, nor
     * "> =x" (it reads ">=x"): those are compared no further. */
    if (!key[0] || strpbrk(key, "=!<>") || ((!strcmp(op, ">") || !strcmp(op, "<")) && v[0] == '='))
      compare = 0;
    else
      orc = filter_add(&other, s, arena_printf(a, "%s%s%s", key, op, v), a, &oe);
  } else {
    rc = filter_add(&own, s, line, a, e);
    char *column, *value;
    const char *op;
    if (filter_split(line, &column, &op, &value, a, &oe)) compare = 0;
    else orc = filter_add_query(&other, s, column, url_value(op, value, a), a, &oe);
  }
  check_outcome(rc, e);
  if (compare) {
    check_outcome(orc, &oe);
    FZ_CHECK(rc == orc);
    if (!rc) FZ_CHECK(same_sets(&own, &other));
  }
  *nbinds = own.nbinds;
  filter_free(&own);
  filter_free(&other);
  return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  store *s = fixture_store();
  char *text = fixture_text(data, size);
  char *lines[LINES_MAX];
  int n = 0;
  for (char *p = text; p && n < LINES_MAX;) {
    char *nl = strchr(p, '\n');
    if (nl) *nl = 0;
    lines[n++] = p;
    p = nl ? nl + 1 : NULL;
  }
  const kind *k = n ? kind_find(lines[0]) : NULL;
  int first = k ? 1 : 0;
  if (!k) k = kind_find("events");
  FZ_CHECK(k != NULL);

  arena a;
  arena_init(&a);
  filter_set fs;
  filter_init(&fs, k);
  int rc = 0;
  err e;
  for (int i = first; i < n && !rc; i++) {
    int nb = 0, before = fs.nbinds;
    rc = one_line(s, k, lines[i], &nb, &a, &e);
    if (rc) break;
    /* The same line once more, into the set that gathers them all. */
    if (lines[i][0] == '&') {
      char *copy = arena_strdup(&a, lines[i] + 1);
      char *eq = strchr(copy, '=');
      char *val = eq ? eq + 1 : copy + strlen(copy);
      if (eq) *eq = 0;
      url_decode(copy);
      url_decode(val);
      rc = filter_add_query(&fs, s, copy, val, &a, &e);
    } else {
      rc = filter_add(&fs, s, lines[i], &a, &e);
    }
    /* Accepted alone, so accepted here unless the values run out. */
    FZ_CHECK(rc == 0 || (rc == ERR_USAGE && before + nb > FILTER_BINDS_MAX));
  }
  if (!rc) {
    /* One '?' per bound value (the condition is bluehelm's own SQL: a '?'
     * in it is a parameter). */
    int marks = 0;
    for (const char *p = filter_where(&fs); *p; p++) marks += *p == '?';
    FZ_CHECK(marks == fs.nbinds);

    int64_t count = -1;
    if (query_count(s, &fs, &count, &e)) {
      fprintf(stderr, "count failed: %s\n", e.msg);
      FZ_CHECK(0);
    }
    FZ_CHECK(count >= 0);
    const long limit = 300;
    stmt *st;
    FZ_CHECK(query_open(s, &fs, limit, &st, &e) == 0);
    long rows = 0;
    int step;
    while ((step = stmt_step(st, &e)) == STMT_ROW) rows++;
    if (step != STMT_DONE) fprintf(stderr, "listing failed: %s\n", e.msg);
    FZ_CHECK(step == STMT_DONE);
    stmt_finalize(st);
    FZ_CHECK(rows == (count < limit ? count : limit));
  }
  filter_free(&fs);
  arena_free(&a);
  free(text);
  return 0;
}
