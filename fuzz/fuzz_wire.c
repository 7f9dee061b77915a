/* fuzz_wire.c: libFuzzer target for reading HTTP/1.1 requests (src/web/
 * wire.c over http-parser), what any client sends to `bluehelm serve`.
 *
 * The input is a byte stream as it would come off a socket. Requests are
 * read from it one after another (up to 4), each twice: in pieces of 1 to
 * 16 bytes (from the first byte) and at once. Both readings must agree on
 * the outcome (a refusal or not), the bytes taken, the head and the body;
 * every field of a head is touched and checked (a path starting with '/',
 * no NUL in the path or a parameter, chunked only without Content-Length),
 * and a body never passes its limit. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web/wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FZ_CHECK(cond)                                                    \
  do {                                                                    \
    if (!(cond)) {                                                        \
      fprintf(stderr, "fuzz_wire.c:%d: invariant failed: %s\n", __LINE__, \
              #cond);                                                     \
      abort();                                                            \
    }                                                                     \
  } while (0)

#define HEAD_MAX 2048
#define LIMIT 4096

static volatile size_t sink;

static void touch(const char *s) {
  FZ_CHECK(s != NULL);
  sink += strlen(s);
}

typedef struct reading {
  int rc;          /* 0, or the refusal's ERR_* */
  int phase;
  size_t used;     /* bytes taken */
  arena a;
  wire_req w;
  buf body;
} reading;

/* Reads one request from s[0..len), step bytes at a time. */
static void read_one(reading *r, const char *s, size_t len, size_t step) {
  memset(r, 0, sizeof *r);
  arena_init(&r->a);
  buf_init(&r->body, LIMIT);
  wire_begin(&r->w, &r->a, HEAD_MAX);
  size_t off = 0, pending = 0;
  for (;;) {
    size_t n = off + pending + step <= len ? pending + step : len - off;
    err e;
    err_clear(&e);
    long rc = wire_feed(&r->w, s + off, n, &e);
    if (rc < 0) {
      FZ_CHECK(e.msg[0]);
      r->rc = (int)rc;
      break;
    }
    FZ_CHECK((size_t)rc <= n);
    off += (size_t)rc;
    pending = n - (size_t)rc;
    FZ_CHECK(r->body.len <= LIMIT);
    if (r->w.phase == WIRE_HEAD_DONE) {
      wire_body(&r->w, &r->body, LIMIT);
      continue;
    }
    if (r->w.phase == WIRE_DONE) break;
    if (!rc && off + pending >= len) break;
  }
  r->phase = r->w.phase;
  r->used = off;
}

static void check_head(const wire_head *h) {
  touch(h->method);
  touch(h->target);
  touch(h->path);
  FZ_CHECK(h->path[0] == '/');
  FZ_CHECK(h->minor == 0 || h->minor == 1);
  FZ_CHECK(h->content_length >= -1);
  FZ_CHECK(!(h->chunked && h->content_length >= 0));
  FZ_CHECK(h->nheaders <= WIRE_HEADERS_MAX);
  for (int i = 0; i < h->nheaders; i++) {
    touch(h->headers[i].name);
    touch(h->headers[i].value);
    FZ_CHECK(h->headers[i].name[0]);
  }
  for (int i = 0; i < h->nparams; i++) {
    touch(h->params[i].name);
    touch(h->params[i].value);
  }
}

static void done(reading *r) {
  buf_free(&r->body);
  wire_end(&r->w);
  arena_free(&r->a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static int once;
  if (!once) {
    wire_limit_head(HEAD_MAX);
    once = 1;
  }
  const char *s = (const char *)data;
  size_t step = size ? (size_t)(data[0] % 16) + 1 : 1, off = 0;
  for (int k = 0; k < 4 && off < size; k++) {
    reading r1, r2;
    read_one(&r1, s + off, size - off, step);
    read_one(&r2, s + off, size - off, size - off);
    /* Both readings refuse, or neither. Which refusal may differ for a
     * request broken twice: http-parser hands a header name to its callback
     * where a piece ends, so in pieces the count of fields (431) can be
     * passed before a bad byte further in that name (400) is read, which
     * at once comes first. */
    FZ_CHECK((r1.rc != 0) == (r2.rc != 0));
    if (!r1.rc) FZ_CHECK(r1.phase == r2.phase);
    if (!r1.rc && r1.phase >= WIRE_HEAD_DONE) {
      check_head(&r1.w.head);
      FZ_CHECK(!strcmp(r1.w.head.path, r2.w.head.path));
      FZ_CHECK(r1.w.head.nparams == r2.w.head.nparams);
      FZ_CHECK(r1.w.head.nheaders == r2.w.head.nheaders);
    }
    int next = !r1.rc && r1.phase == WIRE_DONE && r1.used > 0;
    if (next) {
      FZ_CHECK(r1.used == r2.used);
      FZ_CHECK(r1.body.len == r2.body.len && !memcmp(buf_cstr(&r1.body), buf_cstr(&r2.body), r1.body.len));
      off += r1.used;
    }
    done(&r1);
    done(&r2);
    if (!next) break;
  }
  return 0;
}
