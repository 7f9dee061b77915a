/* fuzz_json.c: libFuzzer target for the JSON request bodies of the API
 * (API.md, "Records travel as JSON objects"; the sign-in body), over the
 * fixture database (fixture.c).
 *
 * An input's first line names what the body is for: a kind (the body of
 * POST /api/v1/KIND) or "login" (POST /api/v1/login); when it names neither,
 * the whole input is an events body. The body goes the API's way:
 * api_json_body, then recjson_read and writer_put as write_record does, in a
 * transaction that is always rolled back (the database stays as it was).
 *
 * Checked:
 *   - malformed JSON and refused records come back as ERR_VALIDATION with a
 *     message;
 *   - a stored record reads back (query_get), goes out as JSON
 *     (recjson_write) that parses again, and that JSON read and written
 *     again changes nothing (WRITE_UNCHANGED): what the API answers is what
 *     it stored;
 *   - a sign-in body gives a user and a password without NUL characters, or
 *     ERR_VALIDATION. */
#include <stdint.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "fixture.h"
#include "model/query.h"
#include "model/recjson.h"
#include "web/api.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ERRORS_MAX 50 /* as the API's write_record */

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  fixture_store();
  return 0;
}

static void check_errors(const err_list *errs, long before) {
  FZ_CHECK(errs->total > before);
  /* (The field may be "": a body can have a key "".) */
  for (int i = 0; i < errs->n; i++) FZ_CHECK(errs->items[i].code < 0 && errs->items[i].msg[0]);
}

static void login(const char *body, size_t len) {
  json_t *j = (json_t *)1;
  const char *user = "x", *pw = "x";
  err e;
  int rc = api_login_body(body, len, &j, &user, &pw, &e);
  if (rc) {
    FZ_CHECK(rc == ERR_VALIDATION && e.code == rc && e.msg[0]);
    FZ_CHECK(!j && !user && !pw);
    return;
  }
  FZ_CHECK(j && user && pw);
  FZ_CHECK(strlen(user) == json_string_length(json_object_get(j, "user")));
  FZ_CHECK(strlen(pw) == json_string_length(json_object_get(j, "password")));
  json_decref(j);
}

/* The canonical text of key field i of r. */
static const char *key_text(const record *r, int i, arena *a) {
  const kind *k = r->k;
  buf b;
  buf_init(&b, 0);
  field_format(&k->fields[k->key[i]], &r->v[k->key[i]], &b);
  const char *t = arena_strndup(a, buf_cstr(&b), b.len);
  buf_free(&b);
  return t;
}

/* The stored record r names, out as JSON and in again: written once more it
 * must change nothing. */
static void round_trip(store *s, const record *r, arena *a) {
  const kind *k = r->k;
  const char *id = key_text(r, 0, a), *id2 = k->nkey > 1 ? key_text(r, 1, a) : NULL;
  stmt *st = NULL;
  record back;
  err e;
  int found = query_get(s, k, id, id2, &st, &back, &e);
  if (found != 1) fprintf(stderr, "record %s %s not found after a write (%d)\n", id, id2 ? id2 : "", found);
  FZ_CHECK(found == 1);
  buf out;
  buf_init(&out, 0);
  jw w;
  jw_init(&w, &out, 0);
  recjson_write(&w, &back);
  stmt_finalize(st);
  FZ_CHECK(!out.overflow);

  json_t *j = api_json_body(buf_cstr(&out), out.len, &e);
  if (!j) fprintf(stderr, "the record's JSON does not parse: %s\n%s\n", e.msg, buf_cstr(&out));
  FZ_CHECK(j != NULL);
  err_list errs;
  err_list_init(&errs, ERRORS_MAX);
  record again;
  int rc = recjson_read(s, k, j, &again, a, &errs);
  if (rc) fprintf(stderr, "the record's JSON is refused: %s: %s\n%s\n", errs.n ? errs.items[0].field : "",
                  errs.n ? errs.items[0].msg : "", buf_cstr(&out));
  FZ_CHECK(rc == 0);
  /* A defaulted column reads its default when none was given; sent back,
   * the default would become a value given. */
  for (int i = 0; i < k->nfields; i++)
    if (k->fields[i].flags & F_DEFAULTED) again.present[i] = 0;
  writer *wr;
  FZ_CHECK(writer_open(&wr, s, k, NULL, &e) == 0);
  again.file = "body";
  rc = writer_put(wr, &again, &errs);
  writer_close(wr);
  if (rc != WRITE_UNCHANGED)
    fprintf(stderr, "written back, the record %s (%d): %s: %s\n%s\n",
            rc == WRITE_UPDATED ? "changed" : "was refused", rc, errs.n ? errs.items[0].field : "",
            errs.n ? errs.items[0].msg : "", buf_cstr(&out));
  FZ_CHECK(rc == WRITE_UNCHANGED);
  err_list_free(&errs);
  json_decref(j);
  buf_free(&out);
}

static void record_body(store *s, const kind *k, const char *body, size_t len) {
  err e;
  json_t *j = api_json_body(body, len, &e);
  if (!j) {
    FZ_CHECK(e.code == ERR_VALIDATION && e.msg[0]);
    return;
  }
  arena a;
  arena_init(&a);
  err_list errs;
  err_list_init(&errs, ERRORS_MAX);
  record rec;
  int rc = recjson_read(s, k, j, &rec, &a, &errs);
  if (rc) {
    FZ_CHECK(rc == ERR_VALIDATION);
    check_errors(&errs, 0);
  } else {
    FZ_CHECK(errs.total == 0);
  }
  int keyed = 1;
  for (int i = 0; i < k->nkey; i++) keyed &= rec.v[k->key[i]].set;
  if (!rc && keyed) { /* write_record refuses a body without its key */
    FZ_CHECK(store_begin(s, &e) == 0);
    writer *wr;
    FZ_CHECK(writer_open(&wr, s, k, NULL, &e) == 0);
    rec.file = "body";
    rec.line = 0;
    rc = writer_put(wr, &rec, &errs);
    writer_close(wr);
    if (rc < 0) {
      check_errors(&errs, 0);
    } else {
      FZ_CHECK(rc == WRITE_INSERTED || rc == WRITE_UPDATED || rc == WRITE_UNCHANGED);
      round_trip(s, &rec, &a);
    }
    store_rollback(s);
  }
  err_list_free(&errs);
  arena_free(&a);
  json_decref(j);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  store *s = fixture_store();
  const char *text = (const char *)data;
  const uint8_t *nl = memchr(data, '\n', size);
  char name[32] = "";
  if (nl && (size_t)(nl - data) < sizeof name) {
    memcpy(name, data, (size_t)(nl - data));
    name[nl - data] = 0;
  }
  const char *body = nl ? (const char *)nl + 1 : text;
  size_t len = nl ? size - (size_t)(nl + 1 - data) : size;
  if (!strcmp(name, "login")) {
    login(body, len);
    return 0;
  }
  const kind *k = name[0] ? kind_find(name) : NULL;
  if (!k) {
    k = kind_find("events");
    body = text;
    len = size;
  }
  FZ_CHECK(k != NULL);
  record_body(s, k, body, len);
  return 0;
}
