/* test_wire.c: reading HTTP/1.1 requests (src/web/wire.c over http-parser):
 * heads and their refusals, query parameters, cookies, chunked bodies fed
 * in pieces, pipelined requests. */
#include <string.h>

#include "test.h"
#include "web/wire.h"

#define HEAD_MAX 4096

/* Feeds s (len bytes) step bytes at a time into w until the head is read
 * (or, with body, the whole request, into body with limit). Returns 0 or
 * the ERR_* of the refusal; *used: the bytes taken. */
static int feed(wire_req *w, arena *a, const char *s, size_t len, size_t step, buf *body,
                size_t limit, size_t *used, err *e) {
  wire_limit_head(HEAD_MAX);
  wire_begin(w, a, HEAD_MAX);
  size_t off = 0;
  size_t pending = 0; /* bytes offered but not taken (the parser pauses) */
  while (w->phase != WIRE_DONE) {
    size_t n = off + pending + step <= len ? pending + step : len - off;
    long rc = wire_feed(w, s + off, n, e);
    if (rc < 0) {
      *used = off;
      return (int)rc;
    }
    off += (size_t)rc;
    pending = n - (size_t)rc;
    if (w->phase == WIRE_HEAD_DONE) {
      if (!body) break;
      wire_body(w, body, limit);
      continue;
    }
    if (!rc && off + pending >= len && w->phase != WIRE_DONE) break; /* all given */
  }
  *used = off;
  return 0;
}

static int parse(const char *s, wire_req *w, arena *a, err *e) {
  size_t used;
  err_clear(e);
  return feed(w, a, s, strlen(s), strlen(s), NULL, 0, &used, e);
}

TEST(wire_head_valid) {
  arena a;
  arena_init(&a);
  wire_req w;
  memset(&w, 0, sizeof w);
  err e;
  const char *s =
      "POST /api/v1/events%2Fx/a%20b+c?admin1=Gao+x&limit=10&flag&&q=%41%2B%zz HTTP/1.1\r\n"
      "Host: 127.0.0.1:8080\r\n"
      "Content-Length:  42 \r\n"
      "X-Empty:\r\n"
      "X-Folded: a\r\n b\r\n"
      "Cookie: a=1; bh_session=\"bhs_tok\"; c=3\r\n"
      "Expect: 100-continue\r\n"
      "\r\n";
  REQUIRE(parse(s, &w, &a, &e) == 0);
  REQUIRE(w.phase == WIRE_HEAD_DONE);
  const wire_head *h = &w.head;
  CHECK_STR(h->method, "POST");
  CHECK_STR(h->path, "/api/v1/events/x/a b+c"); /* '+' stays in a path */
  CHECK_INT(h->minor, 1);
  CHECK_INT(h->content_length, 42);
  CHECK_INT(h->chunked, 0);
  CHECK_INT(h->keep_alive, 1);
  CHECK_INT(h->expect_continue, 1);
  REQUIRE(h->nparams == 4);
  CHECK_STR(h->params[0].name, "admin1");
  CHECK_STR(h->params[0].value, "Gao x");
  CHECK_STR(h->params[1].value, "10");
  CHECK_STR(h->params[2].name, "flag");
  CHECK_STR(h->params[2].value, "");
  CHECK_STR(h->params[3].value, "A+%zz");
  CHECK_STR(wire_header(h, "host"), "127.0.0.1:8080");
  CHECK_STR(wire_header(h, "X-EMPTY"), "");
  CHECK_STR(wire_header(h, "X-Folded"), "a b");
  CHECK(wire_header(h, "X-Missing") == NULL);
  CHECK_STR(wire_cookie(h, "bh_session", &a), "bhs_tok");
  CHECK_STR(wire_cookie(h, "c", &a), "3");
  CHECK(wire_cookie(h, "bh", &a) == NULL);
  wire_end(&w);
  arena_free(&a);
}

TEST(wire_head_forms) {
  arena a;
  arena_init(&a);
  wire_req w;
  memset(&w, 0, sizeof w);
  err e;
  /* bare LFs, HTTP/1.0 (no keep-alive), Connection: close, chunked */
  REQUIRE(parse("GET / HTTP/1.0\n\n", &w, &a, &e) == 0);
  CHECK_INT(w.head.minor, 0);
  CHECK_INT(w.head.keep_alive, 0);
  CHECK_INT(w.head.content_length, -1);
  REQUIRE(parse("GET /x HTTP/1.1\r\nConnection: Close\r\n\r\n", &w, &a, &e) == 0);
  CHECK_INT(w.head.keep_alive, 0);
  REQUIRE(parse("POST /x HTTP/1.1\r\nTransfer-Encoding: Chunked\r\n\r\n", &w, &a, &e) == 0);
  CHECK_INT(w.head.chunked, 1);
  /* the absolute form */
  REQUIRE(parse("GET HTTP://example.org:8080/api/v1/x?a=1 HTTP/1.1\r\n\r\n", &w, &a, &e) == 0);
  CHECK_STR(w.head.path, "/api/v1/x");
  CHECK_INT(w.head.nparams, 1);
  REQUIRE(parse("GET http://example.org HTTP/1.1\r\n\r\n", &w, &a, &e) == 0);
  CHECK_STR(w.head.path, "/");
  /* leading empty lines are skipped */
  REQUIRE(parse("\r\n\r\nGET /y HTTP/1.1\r\n\r\n", &w, &a, &e) == 0);
  CHECK_STR(w.head.path, "/y");
  wire_end(&w);
  arena_free(&a);
}

TEST(wire_head_refusals) {
  static const struct {
    const char *head;
    int code;
  } cases[] = {
      {"GARBAGE\r\n\r\n", ERR_BAD_REQUEST},
      {"GET / HTTP/1.1 x\r\n\r\n", ERR_BAD_REQUEST},
      {"GET /a b HTTP/1.1\r\n\r\n", ERR_BAD_REQUEST},
      {"G(T / HTTP/1.1\r\n\r\n", ERR_BAD_REQUEST},
      {"GET x/ HTTP/1.1\r\n\r\n", ERR_BAD_REQUEST},
      {"GET * HTTP/1.1\r\n\r\n", ERR_BAD_REQUEST},
      {"GET /\x01 HTTP/1.1\r\n\r\n", ERR_BAD_REQUEST},
      {"GET / HTTP/1.1\r\r\n\r\n", ERR_BAD_REQUEST},
      {"GET / HTTP/2.0\r\n\r\n", ERR_HTTP_VERSION},
      {"GET / HTTP/9.9\r\n\r\n", ERR_HTTP_VERSION},
      {"GET /\r\n\r\n", ERR_HTTP_VERSION}, /* HTTP/0.9 */
      {"GET / HTTP/1.10\r\n\r\n", ERR_BAD_REQUEST},
      {"GET / http/1.1\r\n\r\n", ERR_BAD_REQUEST},
      {"GET /a%00 HTTP/1.1\r\n\r\n", ERR_BAD_REQUEST},
      {"GET /a?x%00=1 HTTP/1.1\r\n\r\n", ERR_BAD_REQUEST},
      {"GET /a?x=1%00 HTTP/1.1\r\n\r\n", ERR_BAD_REQUEST},
      {"GET /a?x=1&y=%00 HTTP/1.1\r\n\r\n", ERR_BAD_REQUEST},
      {"GET / HTTP/1.1\r\nNo colon\r\n\r\n", ERR_BAD_REQUEST},
      {"GET / HTTP/1.1\r\n: empty name\r\n\r\n", ERR_BAD_REQUEST},
      {"GET / HTTP/1.1\r\nHost : x\r\n\r\n", ERR_BAD_REQUEST},
      {"GET / HTTP/1.1\r\nX: a\rb\r\n\r\n", ERR_BAD_REQUEST},
      {"GET / HTTP/1.1\r\nX: a\x7f\r\n\r\n", ERR_BAD_REQUEST},
      {"POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n", ERR_BAD_REQUEST},
      {"POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n", ERR_BAD_REQUEST},
      {"POST / HTTP/1.1\r\nContent-Length: 5, 6\r\n\r\n", ERR_BAD_REQUEST},
      {"POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", ERR_BAD_REQUEST},
      {"POST / HTTP/1.1\r\nContent-Length: 0x10\r\n\r\n", ERR_BAD_REQUEST},
      {"POST / HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n", ERR_BAD_REQUEST},
      {"POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", ERR_BAD_REQUEST},
      {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n", ERR_BAD_REQUEST},
      {"POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", ERR_NOT_IMPLEMENTED},
      {"POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", ERR_NOT_IMPLEMENTED},
      {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked, chunked\r\n\r\n", ERR_NOT_IMPLEMENTED},
      {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n",
       ERR_NOT_IMPLEMENTED},
      {"POST / HTTP/1.1\r\nTransfer-Encoding:\r\n\r\n", ERR_NOT_IMPLEMENTED},
  };
  for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    arena a;
    arena_init(&a);
    wire_req w;
    memset(&w, 0, sizeof w);
    err e;
    int rc = parse(cases[i].head, &w, &a, &e);
    if (rc != cases[i].code)
      fprintf(stderr, "  case %u (%s): rc %d, want %d (%s)\n", i, cases[i].head, rc, cases[i].code, e.msg);
    CHECK_INT(rc, cases[i].code);
    CHECK(rc == 0 || e.msg[0]);
    wire_end(&w);
    arena_free(&a);
  }
  arena a;
  arena_init(&a);
  wire_req w;
  memset(&w, 0, sizeof w);
  err e;
  size_t used;
  /* a NUL byte in a header value */
  static const char nul[] = "GET / HTTP/1.1\r\nX: a\0b\r\n\r\n";
  CHECK_INT(feed(&w, &a, nul, sizeof nul - 1, 100, NULL, 0, &used, &e), ERR_BAD_REQUEST);
  /* more header fields than allowed, a head past HEAD_MAX, a request line past it */
  buf b;
  buf_init(&b, 0);
  buf_puts(&b, "GET / HTTP/1.1\r\n");
  for (int i = 0; i <= WIRE_HEADERS_MAX; i++) buf_printf(&b, "X-%d: a\r\n", i);
  buf_puts(&b, "\r\n");
  CHECK_INT(parse(buf_cstr(&b), &w, &a, &e), ERR_HEADERS_TOO_LARGE);
  buf_reset(&b);
  buf_puts(&b, "GET / HTTP/1.1\r\nX: ");
  for (int i = 0; i < HEAD_MAX; i++) buf_putc(&b, 'a');
  buf_puts(&b, "\r\n\r\n");
  CHECK_INT(parse(buf_cstr(&b), &w, &a, &e), ERR_HEADERS_TOO_LARGE);
  buf_reset(&b);
  buf_puts(&b, "GET /");
  for (int i = 0; i < HEAD_MAX; i++) buf_putc(&b, 'a');
  buf_puts(&b, " HTTP/1.1\r\n\r\n");
  CHECK_INT(parse(buf_cstr(&b), &w, &a, &e), ERR_URI_TOO_LONG);
  buf_reset(&b);
  buf_puts(&b, "GET /?");
  for (int i = 0; i < 1000; i++) buf_printf(&b, "a%d=1&", i);
  buf_puts(&b, " HTTP/1.1\r\n\r\n");
  CHECK_INT(parse(buf_cstr(&b), &w, &a, &e), ERR_VALIDATION);
  buf_free(&b);
  wire_end(&w);
  arena_free(&a);
  CHECK_INT(wire_query_count("GET /a?b=1&c=2&&d HTTP/1.1", 26), 4);
  CHECK_INT(wire_query_count("GET /a HTTP/1.1", 15), 0);
}

TEST(wire_chunked_bodies) {
  const char *ok = "POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                   "5\r\nhello\r\n7;name=\"v\"\r\n, world\r\n0\r\nX-Trailer: 1\r\n\r\nGET /next";
  size_t oklen = strlen(ok);
  for (size_t step = 1; step <= oklen; step++) {
    arena a;
    arena_init(&a);
    wire_req w;
    memset(&w, 0, sizeof w);
    buf body;
    buf_init(&body, 100);
    err e;
    size_t used;
    int rc = feed(&w, &a, ok, oklen, step, &body, 100, &used, &e);
    if (rc || w.phase != WIRE_DONE) fprintf(stderr, "  step %zu: rc %d phase %d (%s)\n", step, rc, w.phase, e.msg);
    CHECK_INT(rc, 0);
    CHECK_INT(w.phase, WIRE_DONE);
    CHECK_INT(used, oklen - strlen("GET /next")); /* the next request is left */
    CHECK_STR(buf_cstr(&body), "hello, world");
    CHECK(wire_header(&w.head, "X-Trailer") == NULL);
    buf_free(&body);
    wire_end(&w);
    arena_free(&a);
  }
  static const struct {
    const char *in;
    int code;
  } bad[] = {
      {"zz\r\nabc\r\n0\r\n\r\n", ERR_BAD_REQUEST},
      {"3\r\nabcdef\r\n0\r\n\r\n", ERR_BAD_REQUEST},
      {"3\r\nabc\n0\r\n\r\n", ERR_BAD_REQUEST},
      {"ffffffffffffffff\r\nabc", ERR_BAD_REQUEST},
      {"fffffffffffffff\r\nabc", ERR_TOO_LARGE},
      {"65\r\n", ERR_TOO_LARGE}, /* 101 bytes announced, 100 allowed */
      {"32\r\n01234567890123456789012345678901234567890123456789\r\n"
       "33\r\n012345678901234567890123456789012345678901234567890\r\n",
       ERR_TOO_LARGE},
  };
  for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    for (size_t step = 1; step <= 7; step += 6) {
      arena a;
      arena_init(&a);
      wire_req w;
      memset(&w, 0, sizeof w);
      buf body;
      buf_init(&body, 100);
      buf in;
      buf_init(&in, 0);
      buf_printf(&in, "POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n%s", bad[i].in);
      err e;
      err_clear(&e);
      size_t used;
      int rc = feed(&w, &a, in.data, in.len, step, &body, 100, &used, &e);
      if (rc != bad[i].code) fprintf(stderr, "  case %u step %zu: rc %d, want %d\n", i, step, rc, bad[i].code);
      CHECK_INT(rc, bad[i].code);
      CHECK(e.msg[0]);
      buf_free(&in);
      buf_free(&body);
      wire_end(&w);
      arena_free(&a);
    }
  }
}

TEST(wire_pipelined) {
  const char *s = "GET /a HTTP/1.1\r\n\r\nPOST /b HTTP/1.1\r\nContent-Length: 3\r\n\r\nxyzGET /c HTTP/1.0\r\n\r\n";
  const char *want[] = {"/a", "/b", "/c"};
  size_t off = 0, len = strlen(s);
  for (int k = 0; k < 3; k++) {
    arena a;
    arena_init(&a);
    wire_req w;
    memset(&w, 0, sizeof w);
    buf body;
    buf_init(&body, 100);
    err e;
    size_t used;
    REQUIRE(feed(&w, &a, s + off, len - off, len, &body, 100, &used, &e) == 0);
    CHECK_INT(w.phase, WIRE_DONE);
    CHECK_STR(w.head.path, want[k]);
    if (k == 1) CHECK_STR(buf_cstr(&body), "xyz");
    off += used;
    buf_free(&body);
    wire_end(&w);
    arena_free(&a);
  }
  CHECK_INT(off, len);
}
