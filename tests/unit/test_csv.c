/* test_csv.c: unit tests for the streaming CSV reader (src/io/csv.c). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io/csv.h"
#include "test.h"

/* test.h's TEST() gives no prototype; declare ours for -Wmissing-prototypes. */

/* Opens a memory reader over the C string s. */
static csv_reader *csvt_open(const char *s) {
  csv_reader *r = NULL;
  err e;
  err_clear(&e);
  csv_open_mem(&r, s, strlen(s), "t.csv", &e);
  return r;
}

/* 1 when the current record has exactly the n fields in want. */
static int csvt_fields(const csv_reader *r, const char *const *want, size_t n) {
  if (csv_nfields(r) != n) {
    fprintf(stderr, "  nfields %zu, want %zu\n", csv_nfields(r), n);
    return 0;
  }
  for (size_t i = 0; i < n; i++) {
    size_t len;
    const char *f = csv_field(r, i, &len);
    if (!f || len != strlen(want[i]) || memcmp(f, want[i], len) != 0 ||
        f[len] != 0) {
      fprintf(stderr, "  field %zu = \"%s\", want \"%s\"\n", i, f ? f : "(null)",
              want[i]);
      return 0;
    }
  }
  return 1;
}

#define CSVT_REC(r, line_, ...)                                            \
  do {                                                                     \
    static const char *const want_[] = {__VA_ARGS__};                      \
    err e_;                                                                \
    int rc_ = csv_next((r), &e_);                                          \
    CHECK_INT(rc_, CSV_RECORD);                                            \
    if (rc_ == CSV_RECORD) {                                               \
      CHECK(csvt_fields((r), want_, sizeof want_ / sizeof want_[0]));      \
      CHECK_INT(csv_line(r), (line_));                                     \
    } else {                                                               \
      fprintf(stderr, "  error: %s\n", e_.msg);                            \
    }                                                                      \
  } while (0)

#define CSVT_EOF(r)                                                        \
  do {                                                                     \
    err e_;                                                                \
    CHECK_INT(csv_next((r), &e_), CSV_EOF);                                \
    CHECK_INT(csv_nfields(r), 0);                                          \
  } while (0)

TEST(csv_simple) {
  csv_reader *r = csvt_open("id,name,region\n1,Gao,North\n2,Mopti,Centre\n");
  REQUIRE(r);
  CHECK_INT(csv_bytes_total(r), 42);
  CSVT_REC(r, 1, "id", "name", "region");
  CSVT_REC(r, 2, "1", "Gao", "North");
  CSVT_REC(r, 3, "2", "Mopti", "Centre");
  CSVT_EOF(r);
  CSVT_EOF(r);
  CHECK_INT(csv_bytes_read(r), 42);
  csv_close(r);
}

TEST(csv_quoted_comma) {
  csv_reader *r = csvt_open("a,\"b,c\",d\n\",\",\",,\"\n");
  REQUIRE(r);
  CSVT_REC(r, 1, "a", "b,c", "d");
  CSVT_REC(r, 2, ",", ",,");
  CSVT_EOF(r);
  csv_close(r);
}

TEST(csv_doubled_quotes) {
  csv_reader *r = csvt_open("\"say \"\"hi\"\"\",\"\"\"\",\"\"\"\"\"\"\n\"\"\n");
  REQUIRE(r);
  CSVT_REC(r, 1, "say \"hi\"", "\"", "\"\"");
  CSVT_REC(r, 2, "");
  CSVT_EOF(r);
  csv_close(r);
}

TEST(csv_embedded_newlines) {
  csv_reader *r = csvt_open("h1,h2\n"
                            "1,\"two\nlines\"\n"
                            "2,\"three\r\nlines\r\nhere\"\r\n"
                            "3,\"\n\n\"\n"
                            "4,x\n");
  REQUIRE(r);
  CSVT_REC(r, 1, "h1", "h2");
  CSVT_REC(r, 2, "1", "two\nlines");
  CSVT_REC(r, 4, "2", "three\r\nlines\r\nhere");
  CSVT_REC(r, 7, "3", "\n\n");
  CSVT_REC(r, 10, "4", "x");
  CSVT_EOF(r);
  csv_close(r);
}

TEST(csv_bom) {
  csv_reader *r = csvt_open("\xEF\xBB\xBFid,name\n1,S\xC3\xA9gou\n");
  REQUIRE(r);
  CSVT_REC(r, 1, "id", "name");
  CSVT_REC(r, 2, "1", "S\xC3\xA9gou");
  CSVT_EOF(r);
  csv_close(r);
  /* Only a leading BOM is skipped. */
  r = csvt_open("a\n\xEF\xBB\xBF" "b\n");
  REQUIRE(r);
  CSVT_REC(r, 1, "a");
  CSVT_REC(r, 2, "\xEF\xBB\xBF" "b");
  CSVT_EOF(r);
  csv_close(r);
  /* A file that is only a BOM is empty. */
  r = csvt_open("\xEF\xBB\xBF");
  REQUIRE(r);
  CSVT_EOF(r);
  csv_close(r);
}

TEST(csv_crlf) {
  csv_reader *r = csvt_open("a,b\r\n1,\"x\"\r\n2,\r\n\"q\r\",3\r\n");
  REQUIRE(r);
  CSVT_REC(r, 1, "a", "b");
  CSVT_REC(r, 2, "1", "x");
  CSVT_REC(r, 3, "2", "");
  CSVT_REC(r, 4, "q\r", "3"); /* a CR inside quotes is content */
  CSVT_EOF(r);
  csv_close(r);
}

TEST(csv_empty_fields) {
  csv_reader *r = csvt_open(",\n,,\na,,b\n\"\",\"\"\n,\"\"\n");
  REQUIRE(r);
  CSVT_REC(r, 1, "", "");
  CSVT_REC(r, 2, "", "", "");
  CSVT_REC(r, 3, "a", "", "b");
  CSVT_REC(r, 4, "", "");
  CSVT_REC(r, 5, "", "");
  CSVT_EOF(r);
  csv_close(r);
}

TEST(csv_blank_lines) {
  csv_reader *r = csvt_open("\n\na,b\n\n\r\n1,2\n\n\n \n\"\"\n\n");
  REQUIRE(r);
  CSVT_REC(r, 3, "a", "b");
  CSVT_REC(r, 6, "1", "2");
  CSVT_REC(r, 9, " "); /* a space is not an empty line */
  CSVT_REC(r, 10, ""); /* nor is an empty quoted field */
  CSVT_EOF(r);
  csv_close(r);
}

TEST(csv_no_trailing_newline) {
  csv_reader *r = csvt_open("a,b\n1,2");
  REQUIRE(r);
  CSVT_REC(r, 1, "a", "b");
  CSVT_REC(r, 2, "1", "2");
  CSVT_EOF(r);
  csv_close(r);
  r = csvt_open("a,\"b\"");
  REQUIRE(r);
  CSVT_REC(r, 1, "a", "b");
  CSVT_EOF(r);
  csv_close(r);
  r = csvt_open("a,");
  REQUIRE(r);
  CSVT_REC(r, 1, "a", "");
  CSVT_EOF(r);
  csv_close(r);
  r = csvt_open("x\r");
  REQUIRE(r);
  CSVT_REC(r, 1, "x");
  CSVT_EOF(r);
  csv_close(r);
}

TEST(csv_lenient_quotes) {
  csv_reader *r = csvt_open("ab\"c,5\" tall\n\"abc\"def,\"x\" ,\"a\"b\"c\"\n");
  REQUIRE(r);
  CSVT_REC(r, 1, "ab\"c", "5\" tall");
  CSVT_REC(r, 2, "abcdef", "x ", "ab\"c\"");
  CSVT_EOF(r);
  csv_close(r);
}

TEST(csv_unterminated_quote) {
  csv_reader *r = csvt_open("a,b\n1,2\n\n3,\"open\nstill,open\n\nend");
  REQUIRE(r);
  CSVT_REC(r, 1, "a", "b");
  CSVT_REC(r, 2, "1", "2");
  err e;
  err_clear(&e);
  CHECK_INT(csv_next(r, &e), ERR_VALIDATION);
  CHECK_INT(e.code, ERR_VALIDATION);
  CHECK_STR(e.msg, "unterminated quote");
  CHECK_STR(e.field, "-");
  CHECK_STR(e.file, "t.csv");
  CHECK_INT(e.line, 4);
  CHECK_INT(csv_recoverable(r), 0);
  CHECK_INT(csv_nfields(r), 0);
  /* Sticky. */
  err_clear(&e);
  CHECK_INT(csv_next(r, &e), ERR_VALIDATION);
  CHECK_INT(e.line, 4);
  csv_close(r);
}

TEST(csv_invalid_utf8) {
  csv_reader *r =
      csvt_open("a,b\nok,ab\xFF" "c\n\"x\xC3\",y\nnext,\xE2\x82\xAC\n");
  REQUIRE(r);
  err e;
  CSVT_REC(r, 1, "a", "b");
  err_clear(&e);
  CHECK_INT(csv_next(r, &e), ERR_VALIDATION);
  CHECK_STR(e.msg, "invalid UTF-8 at byte 2 of the field");
  CHECK_STR(e.field, "#1");
  CHECK_INT(e.line, 2);
  CHECK_STR(e.file, "t.csv");
  CHECK_INT(csv_recoverable(r), 1);
  err_clear(&e);
  CHECK_INT(csv_next(r, &e), ERR_VALIDATION); /* truncated sequence */
  CHECK_STR(e.field, "#0");
  CHECK_INT(e.line, 3);
  CHECK_INT(csv_recoverable(r), 1);
  CSVT_REC(r, 4, "next", "\xE2\x82\xAC");
  CHECK_INT(csv_recoverable(r), 0);
  CSVT_EOF(r);
  csv_close(r);
  /* Overlong and surrogate encodings are refused too. */
  r = csvt_open("\xC0\xAF\n\xED\xA0\x80\n");
  REQUIRE(r);
  CHECK_INT(csv_next(r, &e), ERR_VALIDATION);
  CHECK_INT(csv_next(r, &e), ERR_VALIDATION);
  CSVT_EOF(r);
  csv_close(r);
}

TEST(csv_field_too_long) {
  size_t n = CSV_FIELD_MAX + 100;
  char *buf = malloc(n + 64);
  REQUIRE(buf);
  memcpy(buf, "a,b\nx,", 6);
  memset(buf + 6, 'z', n);
  memcpy(buf + 6 + n, "\ny,z\n", 5);
  csv_reader *r = NULL;
  err e;
  REQUIRE(csv_open_mem(&r, buf, n + 11, "big.csv", &e) == 0);
  CSVT_REC(r, 1, "a", "b");
  err_clear(&e);
  CHECK_INT(csv_next(r, &e), ERR_VALIDATION);
  CHECK_STR(e.msg, "field longer than 1 MiB");
  CHECK_STR(e.field, "#1");
  CHECK_INT(e.line, 2);
  CHECK_STR(e.file, "big.csv");
  CHECK_INT(csv_recoverable(r), 0);
  /* Refused when crossing, not after reading the rest. */
  CHECK(csv_bytes_read(r) < 6 + n);
  csv_close(r);

  /* Exactly CSV_FIELD_MAX bytes, quoted and followed by CRLF, is fine. */
  memcpy(buf, "\"", 1);
  memset(buf + 1, 'q', CSV_FIELD_MAX);
  memcpy(buf + 1 + CSV_FIELD_MAX, "\"\r\n", 3);
  REQUIRE(csv_open_mem(&r, buf, CSV_FIELD_MAX + 4, "big.csv", &e) == 0);
  CHECK_INT(csv_next(r, &e), CSV_RECORD);
  size_t len = 0;
  csv_field(r, 0, &len);
  CHECK_INT(len, CSV_FIELD_MAX);
  CSVT_EOF(r);
  csv_close(r);
  /* Unquoted, CSV_FIELD_MAX bytes then CRLF: fine; one more byte: refused. */
  memset(buf, 'u', CSV_FIELD_MAX + 1);
  memcpy(buf + CSV_FIELD_MAX, "\r\n", 2);
  REQUIRE(csv_open_mem(&r, buf, CSV_FIELD_MAX + 2, "big.csv", &e) == 0);
  CHECK_INT(csv_next(r, &e), CSV_RECORD);
  csv_field(r, 0, &len);
  CHECK_INT(len, CSV_FIELD_MAX);
  csv_close(r);
  memset(buf, 'u', CSV_FIELD_MAX + 1);
  memcpy(buf + CSV_FIELD_MAX + 1, "\r\n", 2);
  REQUIRE(csv_open_mem(&r, buf, CSV_FIELD_MAX + 3, "big.csv", &e) == 0);
  CHECK_INT(csv_next(r, &e), ERR_VALIDATION);
  CHECK_STR(e.field, "#0");
  csv_close(r);
  free(buf);
}

TEST(csv_too_many_fields) {
  size_t n = 2 * (CSV_FIELDS_MAX + 1);
  char *buf = malloc(n + 16);
  REQUIRE(buf);
  for (size_t i = 0; i < n; i += 2) {
    buf[i] = 'f';
    buf[i + 1] = ',';
  }
  /* CSV_FIELDS_MAX fields: fine. */
  buf[2 * CSV_FIELDS_MAX - 1] = '\n';
  csv_reader *r = NULL;
  err e;
  REQUIRE(csv_open_mem(&r, buf, 2 * CSV_FIELDS_MAX, "w.csv", &e) == 0);
  CHECK_INT(csv_next(r, &e), CSV_RECORD);
  CHECK_INT(csv_nfields(r), CSV_FIELDS_MAX);
  csv_close(r);
  /* One more: refused. */
  buf[2 * CSV_FIELDS_MAX - 1] = ',';
  buf[n - 1] = '\n';
  REQUIRE(csv_open_mem(&r, buf, n, "w.csv", &e) == 0);
  CHECK_INT(csv_next(r, &e), ERR_VALIDATION);
  CHECK_STR(e.field, "-");
  CHECK_INT(e.line, 1);
  CHECK_INT(csv_recoverable(r), 0);
  csv_close(r);
  free(buf);
}

TEST(csv_record_too_long) {
  /* 20 fields of 1 MiB each: every field is fine, the record is not. */
  size_t per = CSV_FIELD_MAX, nfld = 20, n = nfld * (per + 1);
  char *buf = malloc(n);
  REQUIRE(buf);
  memset(buf, 'r', n);
  for (size_t i = 1; i <= nfld; i++) buf[i * (per + 1) - 1] = ',';
  buf[n - 1] = '\n';
  csv_reader *r = NULL;
  err e;
  REQUIRE(csv_open_mem(&r, buf, n, "r.csv", &e) == 0);
  CHECK_INT(csv_next(r, &e), ERR_VALIDATION);
  CHECK_STR(e.msg, "record longer than 16 MiB");
  CHECK_STR(e.field, "-");
  CHECK_INT(csv_recoverable(r), 0);
  csv_close(r);
  free(buf);
}

/* The field text for row i, column j of the chunk test: long, with commas,
 * quotes, newlines and multi-byte UTF-8 now and then. Returns its length. */
static size_t csvt_gen(char *out, size_t cap, size_t i, size_t j) {
  static const char *const parts[] = {"Tombouctou", ", ", "\"", "\n",
                                      "S\xC3\xA9gou", "\r\n", "x"};
  size_t len = 0, n = 1 + (i * 7919 + j * 104729) % 900;
  for (size_t k = 0; len < n && k < n; k++) {
    const char *p = parts[(i + j + k * k) % 7];
    size_t pl = strlen(p);
    if (len + pl >= cap) break;
    memcpy(out + len, p, pl);
    len += pl;
  }
  out[len] = 0;
  return len;
}

TEST(csv_file_chunks) {
  char path[] = "/tmp/bh_test_csv_XXXXXX";
  int fd = mkstemp(path);
  REQUIRE(fd >= 0);
  FILE *f = fdopen(fd, "w");
  REQUIRE(f);
  enum { ROWS = 3000, COLS = 5 };
  static char val[2048], esc[4200];
  long line = 1;
  long starts[ROWS];
  fputs("\xEF\xBB\xBF", f);
  for (size_t i = 0; i < ROWS; i++) {
    starts[i] = line;
    for (size_t j = 0; j < COLS; j++) {
      size_t n = csvt_gen(val, sizeof val, i, j), m = 0;
      int quote = (j % 2 == 1) || memchr(val, ',', n) || memchr(val, '"', n) ||
                  memchr(val, '\n', n) || memchr(val, '\r', n);
      if (quote) esc[m++] = '"';
      for (size_t k = 0; k < n; k++) {
        if (val[k] == '"' && quote) esc[m++] = '"';
        if (val[k] == '\n') line++;
        esc[m++] = val[k];
      }
      if (quote) esc[m++] = '"';
      if (j + 1 < COLS) esc[m++] = ',';
      fwrite(esc, 1, m, f);
    }
    fputs(i % 3 ? "\n" : "\r\n", f);
    line++;
    if (i % 500 == 0) {
      fputs("\n", f); /* a blank line now and then */
      line++;
    }
  }
  long size = ftell(f);
  REQUIRE(fclose(f) == 0);
  REQUIRE(size > 2 * (1 << 20)); /* several chunks */

  csv_reader *r = NULL;
  err e;
  REQUIRE(csv_open_file(&r, path, &e) == 0);
  CHECK_INT(csv_bytes_total(r), size);
  size_t rows = 0, bad = 0;
  for (size_t i = 0; i < ROWS + 1; i++) {
    int rc = csv_next(r, &e);
    if (rc != CSV_RECORD) {
      CHECK_INT(rc, CSV_EOF);
      if (rc < 0) fprintf(stderr, "  line %ld: %s\n", e.line, e.msg);
      break;
    }
    rows++;
    if (csv_nfields(r) != COLS || csv_line(r) != starts[i]) {
      bad++;
      continue;
    }
    for (size_t j = 0; j < COLS; j++) {
      size_t n = csvt_gen(val, sizeof val, i, j), len;
      const char *fv = csv_field(r, j, &len);
      if (len != n || memcmp(fv, val, n) != 0) bad++;
    }
  }
  CHECK_INT(rows, ROWS);
  CHECK_INT(bad, 0);
  CHECK_INT(csv_next(r, &e), CSV_EOF);
  CHECK_INT(csv_bytes_read(r), size);
  csv_close(r);
  unlink(path);
}

TEST(csv_open_errors) {
  csv_reader *r = (csv_reader *)1;
  err e;
  err_clear(&e);
  CHECK_INT(csv_open_file(&r, "/nonexistent/dir/x.csv", &e), ERR_IO);
  CHECK(r == NULL);
  CHECK_INT(e.code, ERR_IO);
  CHECK_STR(e.file, "x.csv");
  CHECK_INT(csv_open_file(&r, "/tmp", &e), ERR_IO);
  CHECK(r == NULL);
  csv_close(NULL);
}

TEST(csv_empty_input) {
  csv_reader *r = NULL;
  err e;
  REQUIRE(csv_open_mem(&r, NULL, 0, "e.csv", &e) == 0);
  CSVT_EOF(r);
  CHECK_INT(csv_line(r), 1);
  CHECK_INT(csv_bytes_read(r), 0);
  CHECK_INT(csv_bytes_total(r), 0);
  csv_close(r);
  r = csvt_open("");
  REQUIRE(r);
  CSVT_EOF(r);
  csv_close(r);
  r = csvt_open("\n\r\n\n");
  REQUIRE(r);
  CSVT_EOF(r);
  csv_close(r);
  /* An empty file on disk. */
  char path[] = "/tmp/bh_test_csv_XXXXXX";
  int fd = mkstemp(path);
  REQUIRE(fd >= 0);
  close(fd);
  REQUIRE(csv_open_file(&r, path, &e) == 0);
  CSVT_EOF(r);
  csv_close(r);
  unlink(path);
}

/* Reads s with window w into out as "line|f1|f2\n" lines ("E:line:field:msg"
 * for errors). Returns the length written (bounded by cap). */
static size_t csvt_dump(const char *s, size_t w, char *out, size_t cap) {
  csv_reader *r = NULL;
  err e;
  size_t o = 0;
  csv_open_mem(&r, s, strlen(s), "w.csv", &e);
  if (w) csv_set_window(r, w);
  for (int guard = 0; guard < 100; guard++) {
    int rc = csv_next(r, &e);
    if (rc == CSV_EOF) break;
    if (rc < 0) {
      o += (size_t)snprintf(out + o, cap - o, "E:%ld:%s:%s\n", e.line, e.field,
                            e.msg);
      if (!csv_recoverable(r) || o >= cap) break;
      continue;
    }
    o += (size_t)snprintf(out + o, cap - o, "%ld", csv_line(r));
    for (size_t i = 0; i < csv_nfields(r) && o < cap; i++)
      o += (size_t)snprintf(out + o, cap - o, "|%s", csv_field(r, i, NULL));
    if (o < cap) o += (size_t)snprintf(out + o, cap - o, "\n");
    if (o >= cap) break;
  }
  csv_close(r);
  return o < cap ? o : cap;
}

TEST(csv_windows) {
  static const char *const inputs[] = {
      ("\xEF\xBB\xBF" "a,\"b\"\"c\",d\r\n\r\n\"x\r\ny\",\"\"\"\"\r\nz"),
      "\"a\"b\"c\",\"\",\n\n\n\"multi\n\nline\"\"\",end\r",
      "ok\nbad\xC3\n\"\xE2\x82\xAC\",\"\xF0\x9F\x98\x80\"\n\"open,\n",
      "\xEF\xBB",
  };
  static char want[4096], got[4096];
  for (size_t k = 0; k < sizeof inputs / sizeof inputs[0]; k++) {
    size_t wn = csvt_dump(inputs[k], 0, want, sizeof want);
    CHECK(wn > 0 && wn < sizeof want);
    for (size_t w = 1; w <= 12; w++) {
      size_t gn = csvt_dump(inputs[k], w, got, sizeof got);
      if (gn != wn || memcmp(got, want, wn) != 0) {
        fprintf(stderr, "  input %zu window %zu:\n%.*s-- want:\n%.*s", k, w,
                (int)gn, got, (int)wn, want);
        test_failures++;
      }
    }
  }
  /* Spot-check the first input. */
  csvt_dump(inputs[0], 1, got, sizeof got);
  CHECK_STR(got, "1|a|b\"c|d\n3|x\r\ny|\"\n5|z\n");
}
