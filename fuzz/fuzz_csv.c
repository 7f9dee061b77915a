/* fuzz_csv.c: libFuzzer target for the CSV reader (src/io/csv.c).
 *
 * Each input is read twice through csv_open_mem: once with the normal window
 * and once with a tiny window (1..16 bytes, from the first byte) so that every
 * chunk boundary is exercised. Every field's bytes are touched, invariants are
 * checked (NUL after each field, length == strlen when there is no NUL inside,
 * lines and byte counts never decrease, errors carry a line and a field), and
 * each result is compared with a slow byte-at-a-time reference parser written
 * from the rules in csv.h. Reading goes on after recoverable errors. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "io/csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FZ_CHECK(cond)                                                   \
  do {                                                                   \
    if (!(cond)) {                                                       \
      fprintf(stderr, "fuzz_csv.c:%d: invariant failed: %s\n", __LINE__, \
              #cond);                                                    \
      abort();                                                           \
    }                                                                    \
  } while (0)

/* ---- reference parser: one byte at a time, no chunking, no limits other
 * than the field count (inputs are at most a few hundred KiB). ---- */

typedef struct {
  const unsigned char *d;
  size_t n, pos;
  long line;
  int fatal;
  /* current record */
  unsigned char *buf; /* field bytes, no separators */
  size_t len;
  size_t *fst, *fln, nf;
  long rec_line;
  /* last error */
  char msg[128], field[32];
  int recoverable;
} fz_ref;

enum { R_FSTART, R_UNQ, R_Q, R_QQ };

static void fz_ref_end_field(fz_ref *r, size_t fbeg) {
  r->fst[r->nf] = fbeg;
  r->fln[r->nf] = r->len - fbeg;
  r->nf++;
}

static int fz_ref_error(fz_ref *r, const char *msg, const char *field,
                        int recoverable) {
  snprintf(r->msg, sizeof r->msg, "%s", msg);
  snprintf(r->field, sizeof r->field, "%s", field);
  r->recoverable = recoverable;
  r->fatal = !recoverable;
  r->nf = 0;
  return ERR_VALIDATION;
}

static int fz_ref_finish(fz_ref *r) {
  for (size_t i = 0; i < r->nf; i++) {
    size_t off = utf8_invalid_offset((const char *)r->buf + r->fst[i], r->fln[i]);
    if (off != r->fln[i]) {
      char msg[128], fld[32];
      snprintf(msg, sizeof msg, "invalid UTF-8 at byte %zu of the field", off);
      snprintf(fld, sizeof fld, "#%zu", i);
      return fz_ref_error(r, msg, fld, 1);
    }
  }
  return CSV_RECORD;
}

/* The reference csv_next. */
static int fz_ref_next(fz_ref *r) {
  if (r->fatal) return ERR_VALIDATION;
  r->nf = 0;
  r->len = 0;
  r->recoverable = 0;
  r->rec_line = r->line;
  int st = R_FSTART, fquoted = 0;
  size_t fbeg = 0, lit = 0;
  while (r->pos < r->n) {
    unsigned char c = r->d[r->pos++];
    if (st == R_FSTART) {
      if (c == '"') {
        fquoted = 1;
        st = R_Q;
        continue;
      }
      fquoted = 0;
      lit = fbeg;
      st = R_UNQ;
    } else if (st == R_Q) {
      if (c == '"') {
        st = R_QQ;
      } else {
        if (c == '\n') r->line++;
        r->buf[r->len++] = c;
      }
      continue;
    } else if (st == R_QQ) {
      if (c == '"') {
        r->buf[r->len++] = c;
        st = R_Q;
        continue;
      }
      lit = r->len;
      st = R_UNQ;
    }
    /* R_UNQ */
    if (c == ',') {
      fz_ref_end_field(r, fbeg);
      if (r->nf >= CSV_FIELDS_MAX) {
        r->fatal = 1;
        return fz_ref_error(r, "more than 4096 fields in one record", "-", 0);
      }
      fbeg = r->len;
      st = R_FSTART;
    } else if (c == '\n') {
      r->line++;
      if (r->len > lit && r->buf[r->len - 1] == '\r') r->len--;
      if (r->nf == 0 && !fquoted && r->len == 0) {
        r->rec_line = r->line;
        st = R_FSTART;
        continue;
      }
      fz_ref_end_field(r, fbeg);
      return fz_ref_finish(r);
    } else {
      r->buf[r->len++] = c;
    }
  }
  if (st == R_Q) return fz_ref_error(r, "unterminated quote", "-", 0);
  if (st == R_FSTART && r->nf == 0) return CSV_EOF;
  if (st == R_UNQ) {
    if (r->len > lit && r->buf[r->len - 1] == '\r') r->len--;
    if (r->nf == 0 && !fquoted && r->len == 0) return CSV_EOF;
  }
  fz_ref_end_field(r, fbeg);
  return fz_ref_finish(r);
}

/* Reads data through the real reader with window w (0 = default) and checks
 * it against the reference. Returns a sum of all field bytes. */
static unsigned long fz_run(const uint8_t *data, size_t size, size_t w) {
  csv_reader *r = NULL;
  err e;
  unsigned long sum = 0;
  FZ_CHECK(csv_open_mem(&r, (const char *)data, size, "fuzz.csv", &e) == 0);
  if (w) csv_set_window(r, w);

  fz_ref ref;
  memset(&ref, 0, sizeof ref);
  ref.d = data;
  ref.n = size;
  ref.line = 1;
  if (size >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) ref.pos = 3;
  ref.buf = malloc(size + 1);
  ref.fst = malloc((CSV_FIELDS_MAX + 1) * sizeof *ref.fst);
  ref.fln = malloc((CSV_FIELDS_MAX + 1) * sizeof *ref.fln);
  FZ_CHECK(ref.buf && ref.fst && ref.fln);

  long last_line = 0;
  unsigned long long last_bytes = 0;
  int eofs = 0;
  /* Each record or error consumes at least one byte; EOF is seen twice. */
  for (size_t iter = 0; iter < size + 4; iter++) {
    err_clear(&e);
    int rc = csv_next(r, &e);
    int want = fz_ref_next(&ref);
    FZ_CHECK(rc == want);
    unsigned long long b = csv_bytes_read(r);
    FZ_CHECK(b >= last_bytes && b <= size);
    FZ_CHECK(csv_bytes_total(r) == size);
    last_bytes = b;
    if (rc == CSV_EOF) {
      FZ_CHECK(csv_nfields(r) == 0);
      FZ_CHECK(b == size);
      if (++eofs == 2) break;
      continue;
    }
    FZ_CHECK(eofs == 0);
    if (rc < 0) {
      FZ_CHECK(rc == ERR_VALIDATION && e.code == rc);
      FZ_CHECK(e.line >= 1 && e.line >= last_line && e.line == ref.rec_line);
      FZ_CHECK(strcmp(e.msg, ref.msg) == 0);
      FZ_CHECK(strcmp(e.field, ref.field) == 0);
      FZ_CHECK(strcmp(e.file, "fuzz.csv") == 0);
      FZ_CHECK(e.field[0] == '-' || e.field[0] == '#');
      FZ_CHECK(csv_recoverable(r) == ref.recoverable);
      FZ_CHECK(csv_nfields(r) == 0);
      last_line = e.line;
      if (!csv_recoverable(r)) {
        /* Sticky. */
        err e2;
        FZ_CHECK(csv_next(r, &e2) == rc && e2.line == e.line);
        break;
      }
      continue;
    }
    FZ_CHECK(rc == CSV_RECORD);
    long line = csv_line(r);
    FZ_CHECK(line >= 1 && line >= last_line && line == ref.rec_line);
    last_line = line;
    size_t nf = csv_nfields(r);
    FZ_CHECK(nf >= 1 && nf <= CSV_FIELDS_MAX && nf == ref.nf);
    for (size_t i = 0; i < nf; i++) {
      size_t len = 0;
      const char *f = csv_field(r, i, &len);
      FZ_CHECK(f != NULL && f[len] == 0 && len <= CSV_FIELD_MAX);
      if (!memchr(f, 0, len)) FZ_CHECK(strlen(f) == len);
      FZ_CHECK(len == ref.fln[i] && memcmp(f, ref.buf + ref.fst[i], len) == 0);
      FZ_CHECK(utf8_valid(f, len));
      for (size_t k = 0; k < len; k++) sum += (unsigned char)f[k];
    }
    size_t len = 1;
    FZ_CHECK(csv_field(r, nf, &len) == NULL && len == 0);
  }
  FZ_CHECK(eofs == 2 || ref.fatal);
  free(ref.buf);
  free(ref.fst);
  free(ref.fln);
  csv_close(r);
  return sum;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  unsigned long a = fz_run(data, size, 0);
  unsigned long b = fz_run(data, size, size ? 1 + data[0] % 16 : 1);
  FZ_CHECK(a == b);
  return 0;
}
