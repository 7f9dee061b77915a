/* fuzz_wire.c: libFuzzer target for the HTTP/1.1 request parser
 * (src/web/wire.c), which reads what any client sends to `bluehelm serve`.
 *
 * The input is a byte stream as it would come off a socket. The end of the
 * head is searched for in pieces (as the loop does) and must agree with a
 * one-shot search; a complete head is parsed, and every field it yields is
 * touched and checked (no NUL inside a decoded path or parameter, a
 * Content-Length of -1 or more, chunked only without Content-Length). A
 * chunked body is then decoded from the rest, in pieces of 1 to 16 bytes
 * (from the first byte) and at once; both must agree on the body, the bytes
 * consumed and the outcome, and the body never passes its limit. */
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

#define LIMIT 4096

static volatile size_t sink;

static void touch(const char *s) {
  FZ_CHECK(s != NULL);
  sink += strlen(s);
}

/* Decodes in[0..len) in pieces of step bytes; returns the outcome (0 done,
 * 1 not complete, or an ERR_*), the bytes consumed and the body. */
static int decode(const char *in, size_t len, size_t step, buf *body, size_t *used) {
  wire_chunked c;
  memset(&c, 0, sizeof c);
  *used = 0;
  int done = 0;
  while (*used < len && !done) {
    size_t n = len - *used < step ? len - *used : step;
    err e;
    err_clear(&e);
    long rc = wire_chunked_feed(&c, in + *used, n, body, LIMIT, &done, &e);
    if (rc < 0) {
      FZ_CHECK(e.msg[0]);
      return (int)rc;
    }
    FZ_CHECK((size_t)rc <= n);
    FZ_CHECK((size_t)rc == n || done);
    *used += (size_t)rc;
    FZ_CHECK(body->len <= LIMIT);
  }
  return done ? 0 : 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *s = (const char *)data;
  size_t step = size ? (size_t)(data[0] % 16) + 1 : 1;
  size_t scanned = 0, end = 0, n = 0;
  while (!end && n < size) {
    n = n + step < size ? n + step : size;
    end = wire_head_end(s, n, &scanned);
  }
  size_t once = 0;
  FZ_CHECK(wire_head_end(s, size, &once) == end);
  if (!end) return 0;
  FZ_CHECK(end <= size);
  arena a;
  arena_init(&a);
  wire_head h;
  err e;
  err_clear(&e);
  int rc = wire_parse_head(s, end, &a, &h, &e);
  if (rc) {
    FZ_CHECK(rc == ERR_BAD_REQUEST || rc == ERR_NOT_IMPLEMENTED || rc == ERR_HTTP_VERSION ||
             rc == ERR_HEADERS_TOO_LARGE);
    FZ_CHECK(e.msg[0]);
    arena_free(&a);
    return 0;
  }
  touch(h.method);
  touch(h.target);
  touch(h.path);
  FZ_CHECK(h.path[0] == '/');
  FZ_CHECK(h.minor == 0 || h.minor == 1);
  FZ_CHECK(h.content_length >= -1);
  FZ_CHECK(!(h.chunked && h.content_length >= 0));
  FZ_CHECK(h.nheaders <= WIRE_HEADERS_MAX);
  for (int i = 0; i < h.nheaders; i++) {
    touch(h.headers[i].name);
    touch(h.headers[i].value);
    FZ_CHECK(h.headers[i].name[0]);
    FZ_CHECK(!strpbrk(h.headers[i].value, "\r\n"));
  }
  for (int i = 0; i < h.nparams; i++) {
    touch(h.params[i].name);
    touch(h.params[i].value);
  }
  const char *v = wire_cookie(&h, "bh_session", &a);
  if (v) touch(v);
  if (h.chunked) {
    buf b1, b2;
    buf_init(&b1, LIMIT);
    buf_init(&b2, LIMIT);
    size_t u1, u2;
    int r1 = decode(s + end, size - end, step, &b1, &u1);
    int r2 = decode(s + end, size - end, size - end + 1, &b2, &u2);
    FZ_CHECK(r1 == r2);
    if (r1 == 0) {
      FZ_CHECK(u1 == u2);
      FZ_CHECK(b1.len == b2.len && !memcmp(buf_cstr(&b1), buf_cstr(&b2), b1.len));
    }
    buf_free(&b1);
    buf_free(&b2);
  }
  arena_free(&a);
  return 0;
}
