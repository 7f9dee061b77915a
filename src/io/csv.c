/* csv.c: the streaming CSV reader (see csv.h).
 *
 * Input arrives in windows of at most CSV_CHUNK bytes: read(2) into one chunk
 * buffer for files, plain slices of the caller's buffer for memory. A record
 * that is one whole line in the window with no quote takes a fast path (one
 * memcpy, commas turned into NULs). Otherwise csv_next runs a four-state
 * machine over the window, finding the special bytes with
 * a table scan (unquoted) or memchr (quoted) and copying whole runs into one
 * record buffer; fields are offsets into it, each followed by a NUL. Limits
 * are checked before every copy, so an oversized field or record is refused
 * after at most one window past the limit has been looked at. */
#include "io/csv.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/utf8.h"

#define CSV_CHUNK (512u << 10)    /* bytes per read(2) or memory window */
#define CSV_REC_INIT (64u << 10)  /* first record-buffer size */
#define CSV_FLD_INIT 64           /* first field-array size */
#define CSV_EINTR_TRIES 64        /* read(2) retries after EINTR */
/* Largest record buffer: content (one spare byte for a CR that is stripped
 * at the line end), one NUL per field, slack. */
#define CSV_REC_CAP ((size_t)CSV_RECORD_MAX + CSV_FIELDS_MAX + 16)

enum { ST_FSTART, ST_UNQ, ST_QUOTED, ST_QQ };

struct csv_reader {
  int fd;     /* -1 in memory mode */
  int own_fd; /* 1 when csv_close must close fd */
  const unsigned char *mem; /* memory mode: the caller's data */
  size_t mem_len, mem_pos;  /* its length; start of the next window */
  unsigned char *ibuf;      /* file mode: the chunk buffer */
  const unsigned char *win; /* current window (never NULL) */
  size_t wpos, wlen;        /* parse position in it; its length */
  size_t wmax;              /* window size cap (CSV_CHUNK unless set) */
  unsigned long long woff;  /* input offset of win[0] */
  unsigned long long total; /* input size, or 0 */
  int eof;                  /* no input after this window */
  int started;              /* first window loaded, BOM handled */
  char *rec;                /* record buffer: fields, each NUL-terminated */
  size_t rlen, rcap;
  size_t *fst, *fln; /* field start offsets in rec, field lengths */
  size_t nf, fcap;
  long line;     /* physical line at win[wpos] */
  long rec_line; /* line where the current record starts */
  int recoverable;
  int fatal; /* a fatal error happened; ferr holds it */
  err ferr;
  char name[128]; /* base name for errors */
};

static const unsigned char csv_empty[1];

/* 1 for the bytes that end an unquoted run: comma and LF. */
static const unsigned char csv_special[256] = {[','] = 1, ['\n'] = 1};

static void *csv_xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (!p) abort();
  return p;
}

static void *csv_xrealloc(void *old, size_t n) {
  void *p = realloc(old, n ? n : 1);
  if (!p) abort();
  return p;
}

static csv_reader *csv_new(const char *name) {
  csv_reader *r = csv_xmalloc(sizeof *r);
  memset(r, 0, sizeof *r);
  r->fd = -1;
  r->win = csv_empty;
  r->wmax = CSV_CHUNK;
  r->line = 1;
  r->rcap = CSV_REC_INIT;
  r->rec = csv_xmalloc(r->rcap);
  r->fcap = CSV_FLD_INIT;
  r->fst = csv_xmalloc(r->fcap * sizeof *r->fst);
  r->fln = csv_xmalloc(r->fcap * sizeof *r->fln);
  if (name) {
    const char *slash = strrchr(name, '/');
    snprintf(r->name, sizeof r->name, "%s", slash ? slash + 1 : name);
  }
  return r;
}

int csv_open_mem(csv_reader **out, const char *data, size_t len,
                 const char *name, err *e) {
  (void)e;
  csv_reader *r = csv_new(name);
  r->mem = (data && len) ? (const unsigned char *)data : csv_empty;
  r->mem_len = (data && len) ? len : 0;
  r->total = r->mem_len;
  *out = r;
  return 0;
}

int csv_open_file(csv_reader **out, const char *path, err *e) {
  int fd = 0, own = 0;
  const char *name = "stdin";
  struct stat st;
  *out = NULL;
  if (strcmp(path, "-") != 0) {
    name = path;
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      int en = errno;
      err_set(e, ERR_IO, "cannot open %s: %s", path, strerror(en));
      err_at(e, path, 0, NULL);
      return ERR_IO;
    }
    own = 1;
  }
  unsigned long long total = 0;
  if (fstat(fd, &st) == 0) {
    if (S_ISDIR(st.st_mode)) {
      if (own) close(fd);
      err_set(e, ERR_IO, "cannot read %s: is a directory", path);
      err_at(e, path, 0, NULL);
      return ERR_IO;
    }
    if (S_ISREG(st.st_mode)) {
      total = (unsigned long long)st.st_size;
      (void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    }
  }
  csv_reader *r = csv_new(name);
  r->fd = fd;
  r->own_fd = own;
  r->total = total;
  r->ibuf = csv_xmalloc(CSV_CHUNK);
  *out = r;
  return 0;
}

void csv_close(csv_reader *r) {
  if (!r) return;
  if (r->own_fd && r->fd >= 0) close(r->fd);
  free(r->ibuf);
  free(r->rec);
  free(r->fst);
  free(r->fln);
  free(r);
}

/* Records a fatal error in r (sticky) and copies it to e. Returns code. */
static int csv_fatal(csv_reader *r, err *e, int code, const char *field,
                     const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static int csv_fatal(csv_reader *r, err *e, int code, const char *field,
                     const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  err_setv(&r->ferr, code, fmt, ap);
  va_end(ap);
  err_at(&r->ferr, r->name, r->rec_line, field);
  r->fatal = 1;
  r->recoverable = 0;
  r->nf = 0;
  r->rlen = 0;
  if (e) *e = r->ferr;
  return code;
}

/* read(2) into buf, retrying a bounded number of times after EINTR.
 * Returns bytes read, 0 at end of input, -1 with errno set on failure. */
static ssize_t csv_read(int fd, unsigned char *buf, size_t cap) {
  for (int tries = 0; tries < CSV_EINTR_TRIES; tries++) {
    ssize_t n = read(fd, buf, cap);
    if (n >= 0 || errno != EINTR) return n;
  }
  return -1;
}

/* Loads the next window once the current one is used up. Returns 1 when the
 * window holds new bytes, 0 at end of input, -1 on a read error (errno). */
static int csv_refill(csv_reader *r) {
  r->woff += r->wlen;
  r->wpos = r->wlen = 0;
  r->win = csv_empty;
  if (r->eof) return 0;
  if (r->fd < 0) {
    size_t n = r->mem_len - r->mem_pos;
    if (n > r->wmax) n = r->wmax;
    if (n == 0) {
      r->eof = 1;
      return 0;
    }
    r->win = r->mem + r->mem_pos;
    r->wlen = n;
    r->mem_pos += n;
    return 1;
  }
  ssize_t n = csv_read(r->fd, r->ibuf, r->wmax);
  if (n < 0) return -1;
  if (n == 0) {
    r->eof = 1;
    return 0;
  }
  r->win = r->ibuf;
  r->wlen = (size_t)n;
  return 1;
}

/* Skips a UTF-8 BOM and loads the first window (in file mode at least 3
 * bytes unless the input is shorter). Returns 0, or -1 on a read error
 * (errno). */
static int csv_start(csv_reader *r) {
  r->started = 1;
  if (r->fd < 0) {
    if (r->mem_len >= 3 && memcmp(r->mem, "\xEF\xBB\xBF", 3) == 0) {
      r->mem_pos = 3;
      r->woff = 3;
    }
    return csv_refill(r) < 0 ? -1 : 0;
  }
  size_t have = 0, want = r->wmax < 3 ? 3 : r->wmax;
  for (int reads = 0; have < 3 && reads < 3; reads++) {
    ssize_t n = csv_read(r->fd, r->ibuf + have, want - have);
    if (n < 0) return -1;
    if (n == 0) {
      r->eof = 1;
      break;
    }
    have += (size_t)n;
  }
  r->win = have ? r->ibuf : csv_empty;
  r->wlen = have;
  if (r->wlen >= 3 && memcmp(r->win, "\xEF\xBB\xBF", 3) == 0) r->wpos = 3;
  return 0;
}

/* Grows the record buffer geometrically to hold need bytes (need <=
 * CSV_REC_CAP, which the limit checks guarantee). Off the hot path. */
static __attribute__((noinline)) void csv_grow(csv_reader *r, size_t need) {
  if (need > CSV_REC_CAP) abort(); /* cannot happen: limits are checked first */
  size_t cap = r->rcap;
  while (cap < need) cap = cap > CSV_REC_CAP / 2 ? CSV_REC_CAP : cap * 2;
  r->rec = csv_xrealloc(r->rec, cap);
  r->rcap = cap;
}

/* Doubles the field arrays. Callers keep nf < CSV_FIELDS_MAX, so fcap stays
 * <= CSV_FIELDS_MAX. */
static __attribute__((noinline)) void csv_grow_fields(csv_reader *r) {
  r->fcap *= 2;
  r->fst = csv_xrealloc(r->fst, r->fcap * sizeof *r->fst);
  r->fln = csv_xrealloc(r->fln, r->fcap * sizeof *r->fln);
}

/* The error for field r->nf growing past CSV_FIELD_MAX. Returns it. */
static __attribute__((noinline)) int csv_field_too_long(csv_reader *r,
                                                        err *e) {
  char fld[32];
  snprintf(fld, sizeof fld, "#%zu", r->nf);
  return csv_fatal(r, e, ERR_VALIDATION, fld, "field longer than 1 MiB");
}

/* Appends s[0..n) to the field that starts at rec offset fbeg. Returns 0, or
 * a fatal error when the field or record limit would be crossed. The limits
 * allow one byte more than the maximum here (a CR that the line end strips);
 * the exact limits are checked when the field and record end. */
static inline int csv_append(csv_reader *r, err *e, size_t fbeg,
                             const unsigned char *s, size_t n) {
  if (n > (size_t)CSV_FIELD_MAX + 1 - (r->rlen - fbeg))
    return csv_field_too_long(r, e);
  /* r->rlen - r->nf: content bytes, without one NUL per finished field */
  if (n > (size_t)CSV_RECORD_MAX + 1 - (r->rlen - r->nf))
    return csv_fatal(r, e, ERR_VALIDATION, "-", "record longer than 16 MiB");
  if (r->rlen + n + 1 > r->rcap) csv_grow(r, r->rlen + n + 1);
  memcpy(r->rec + r->rlen, s, n);
  r->rlen += n;
  return 0;
}

/* Ends the field that starts at rec offset fbeg. Returns 0 or a fatal error
 * (field too long). */
static inline int csv_end_field(csv_reader *r, err *e, size_t fbeg) {
  size_t flen = r->rlen - fbeg;
  if (flen > CSV_FIELD_MAX) return csv_field_too_long(r, e);
  if (r->rlen + 1 > r->rcap) csv_grow(r, r->rlen + 1);
  r->rec[r->rlen++] = 0;
  if (r->nf == r->fcap) csv_grow_fields(r);
  r->fst[r->nf] = fbeg;
  r->fln[r->nf] = flen;
  r->nf++;
  return 0;
}

/* The offset of the first byte >= 0x80 in s[0..n), or n. Looks at 32, then
 * 8 bytes a step, then at single bytes. */
static size_t csv_first_high(const unsigned char *s, size_t n) {
  const uint64_t hi = 0x8080808080808080ull;
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    uint64_t a, b, c, d;
    memcpy(&a, s + i, 8);
    memcpy(&b, s + i + 8, 8);
    memcpy(&c, s + i + 16, 8);
    memcpy(&d, s + i + 24, 8);
    if ((a | b | c | d) & hi) break;
  }
  for (; i + 8 <= n; i += 8) {
    uint64_t a;
    memcpy(&a, s + i, 8);
    if (a & hi) break;
  }
  for (; i < n; i++)
    if (s[i] & 0x80) break;
  return i;
}

/* Completes a record whose last field has ended: record limit and UTF-8.
 * Returns CSV_RECORD or an error. */
static int csv_finish(csv_reader *r, err *e) {
  if (r->rlen - r->nf > CSV_RECORD_MAX)
    return csv_fatal(r, e, ERR_VALIDATION, "-", "record longer than 16 MiB");
  /* Fields lie back to back in rec, each followed by a NUL (ASCII), so one
   * scan over the record finds the fields that need a UTF-8 check; in each,
   * the bytes before the first high one are ASCII and are skipped. */
  const unsigned char *rec = (const unsigned char *)r->rec;
  size_t pos = 0, i = 0;
  while (i < r->nf && pos < r->rlen) { /* pos only moves forward */
    size_t h = pos + csv_first_high(rec + pos, r->rlen - pos);
    if (h >= r->rlen) break;
    while (i < r->nf && r->fst[i] + r->fln[i] < h) i++; /* field holding h */
    if (i >= r->nf) break; /* cannot happen: NULs are ASCII */
    size_t fend = r->fst[i] + r->fln[i];
    size_t off = h - r->fst[i] +
                 utf8_invalid_offset((const char *)rec + h, fend - h);
    pos = fend + 1;
    if (off == r->fln[i]) {
      i++;
      continue;
    }
    char fld[32];
    snprintf(fld, sizeof fld, "#%zu", i);
    err_set(e, ERR_VALIDATION, "invalid UTF-8 at byte %zu of the field", off);
    err_at(e, r->name, r->rec_line, fld);
    r->recoverable = 1;
    r->nf = 0;
    return ERR_VALIDATION;
  }
  return CSV_RECORD;
}

/* The fast path for the common record: a whole line in the window with no
 * quote in it. Skips empty lines first. Returns 1 when it has read a record
 * (fields set, position and line moved past it), or 0 when the general
 * path must read the next record (a quote, no LF in the window, too many
 * fields, end of the window). */
static int csv_fast_line(csv_reader *r) {
  /* Bounded by the window: each pass skips one empty line or returns. */
  for (;;) {
    const unsigned char *p = r->win + r->wpos, *pe = r->win + r->wlen;
    if (p == pe) return 0;
    const unsigned char *nl = memchr(p, '\n', (size_t)(pe - p));
    if (!nl) return 0;
    size_t n = (size_t)(nl - p);
    if (n && p[n - 1] == '\r') n--;
    if (n == 0) { /* empty line */
      r->wpos = (size_t)(nl + 1 - r->win);
      r->line++;
      r->rec_line = r->line;
      continue;
    }
    if (memchr(p, '"', n)) return 0;
    /* n < window size <= CSV_CHUNK: within the field and record limits. */
    if (n + 1 > r->rcap) csv_grow(r, n + 1);
    char *rec = r->rec;
    memcpy(rec, p, n);
    rec[n] = 0;
    size_t nf = 0, start = 0;
    char *c = rec, *end = rec + n;
    /* Bounded by n: each pass moves c past one comma. */
    while ((c = memchr(c, ',', (size_t)(end - c))) != NULL) {
      if (nf + 1 >= CSV_FIELDS_MAX) return 0; /* the general path reports it */
      if (nf == r->fcap) csv_grow_fields(r);
      size_t k = (size_t)(c - rec);
      *c++ = 0;
      r->fst[nf] = start;
      r->fln[nf] = k - start;
      nf++;
      start = k + 1;
    }
    if (nf == r->fcap) csv_grow_fields(r);
    r->fst[nf] = start;
    r->fln[nf] = n - start;
    r->nf = nf + 1;
    r->rlen = n + 1;
    r->wpos = (size_t)(nl + 1 - r->win);
    r->line++;
    return 1;
  }
}

int csv_next(csv_reader *r, err *e) {
  if (r->fatal) {
    if (e) *e = r->ferr;
    return r->ferr.code;
  }
  if (!r->started && csv_start(r) < 0) {
    int en = errno;
    r->rec_line = r->line;
    return csv_fatal(r, e, ERR_IO, "-", "read error: %s", strerror(en));
  }
  r->nf = 0;
  r->rlen = 0;
  r->recoverable = 0;
  r->rec_line = r->line;
  if (csv_fast_line(r)) return csv_finish(r, e);

  const unsigned char *p = r->win + r->wpos, *pe = r->win + r->wlen;
  long line = r->line;
  int st = ST_FSTART;
  size_t fbeg = 0;  /* rec offset where the current field starts */
  size_t lit = 0;   /* rec offset from which a trailing CR may be stripped */
  int fquoted = 0;  /* the current field began with a quote */
  int rc;

  /* Bounded by the input: every pass consumes at least one byte, or loads a
   * new window, or returns. */
  for (;;) {
    if (p == pe) {
      r->line = line;
      int got = csv_refill(r);
      if (got < 0) {
        int en = errno;
        return csv_fatal(r, e, ERR_IO, "-", "read error: %s", strerror(en));
      }
      p = r->win;
      pe = r->win + r->wlen;
      if (got > 0) continue;
      /* End of input. */
      switch (st) {
      case ST_QUOTED:
        return csv_fatal(r, e, ERR_VALIDATION, "-", "unterminated quote");
      case ST_FSTART:
        if (r->nf == 0) return CSV_EOF;
        break;
      case ST_UNQ:
        if (r->rlen > lit && r->rec[r->rlen - 1] == '\r') r->rlen--;
        if (r->nf == 0 && !fquoted && r->rlen == 0) return CSV_EOF;
        break;
      default: /* ST_QQ: the closing quote was the last byte */
        break;
      }
      if ((rc = csv_end_field(r, e, fbeg)) < 0) return rc;
      return csv_finish(r, e);
    }

    switch (st) {
    case ST_FSTART:
      if (*p == '"') {
        p++;
        fquoted = 1;
        st = ST_QUOTED;
        continue;
      }
      fquoted = 0;
      lit = fbeg;
      st = ST_UNQ;
      /* fall through */
    case ST_UNQ: {
      const unsigned char *q = p;
      while (q + 4 <= pe && !(csv_special[q[0]] | csv_special[q[1]] |
                              csv_special[q[2]] | csv_special[q[3]]))
        q += 4;
      while (q < pe && !csv_special[*q]) q++;
      if (q > p && (rc = csv_append(r, e, fbeg, p, (size_t)(q - p))) < 0)
        return rc;
      p = q;
      if (p == pe) continue;
      if (*p++ == ',') {
        if ((rc = csv_end_field(r, e, fbeg)) < 0) return rc;
        if (r->nf >= CSV_FIELDS_MAX)
          return csv_fatal(r, e, ERR_VALIDATION, "-",
                           "more than %d fields in one record", CSV_FIELDS_MAX);
        fbeg = r->rlen;
        st = ST_FSTART;
        continue;
      }
      /* LF: the record ends (or was an empty line). */
      line++;
      if (r->rlen > lit && r->rec[r->rlen - 1] == '\r') r->rlen--;
      if (r->nf == 0 && !fquoted && r->rlen == 0) {
        r->rec_line = line;
        st = ST_FSTART;
        continue;
      }
      r->wpos = (size_t)(p - r->win);
      r->line = line;
      if ((rc = csv_end_field(r, e, fbeg)) < 0) return rc;
      return csv_finish(r, e);
    }
    case ST_QUOTED: {
      const unsigned char *q = memchr(p, '"', (size_t)(pe - p));
      const unsigned char *end = q ? q : pe;
      const unsigned char *nl = p;
      while (nl < end && (nl = memchr(nl, '\n', (size_t)(end - nl))) != NULL) {
        line++;
        nl++;
      }
      if (end > p && (rc = csv_append(r, e, fbeg, p, (size_t)(end - p))) < 0)
        return rc;
      p = end;
      if (q) {
        p++;
        st = ST_QQ;
      }
      continue;
    }
    default: /* ST_QQ: just after a quote inside a quoted field */
      if (*p == '"') {
        if ((rc = csv_append(r, e, fbeg, p, 1)) < 0) return rc;
        p++;
        st = ST_QUOTED;
        continue;
      }
      lit = r->rlen; /* closed: what follows is literal */
      st = ST_UNQ;
      continue;
    }
  }
}

void csv_set_window(csv_reader *r, size_t n) {
  if (r->started) return;
  r->wmax = n < 1 ? 1 : n > CSV_CHUNK ? CSV_CHUNK : n;
}

int csv_recoverable(const csv_reader *r) { return r->recoverable; }

size_t csv_nfields(const csv_reader *r) { return r->nf; }

const char *csv_field(const csv_reader *r, size_t i, size_t *len) {
  if (i >= r->nf) {
    if (len) *len = 0;
    return NULL;
  }
  if (len) *len = r->fln[i];
  return r->rec + r->fst[i];
}

long csv_line(const csv_reader *r) { return r->rec_line; }

unsigned long long csv_bytes_read(const csv_reader *r) {
  return r->woff + r->wpos;
}

unsigned long long csv_bytes_total(const csv_reader *r) { return r->total; }
