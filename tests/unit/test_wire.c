/* test_wire.c: the HTTP/1.1 request parser (src/web/wire.c): heads, their
 * refusals, query parameters, cookies and chunked bodies fed in pieces. */
#include <string.h>

#include "test.h"
#include "web/wire.h"

/* Parses the head text s (which must be complete); returns the rc. */
static int parse(const char *s, arena *a, wire_head *h, err *e) {
  size_t scanned = 0, len = strlen(s);
  size_t end = wire_head_end(s, len, &scanned);
  if (!end) return 1; /* not complete */
  return wire_parse_head(s, end, a, h, e);
}

TEST(wire_head_valid) {
  arena a;
  arena_init(&a);
  wire_head h;
  err e;
  const char *s =
      "POST /api/v1/events%2Fx/a%20b?admin1=Gao+x&limit=10&flag&&q=%41%2B%zz HTTP/1.1\r\n"
      "Host: 127.0.0.1:8080\r\n"
      "Content-Length:  42 \r\n"
      "X-Empty:\r\n"
      "Cookie: a=1; bh_session=\"bhs_tok\"; c=3\r\n"
      "Expect: 100-continue\r\n"
      "\r\n"
      "body bytes not part of the head";
  REQUIRE(parse(s, &a, &h, &e) == 0);
  CHECK_STR(h.method, "POST");
  CHECK_STR(h.path, "/api/v1/events/x/a b"); /* '+' stays in a path */
  CHECK_INT(h.minor, 1);
  CHECK_INT(h.content_length, 42);
  CHECK_INT(h.chunked, 0);
  CHECK_INT(h.keep_alive, 1);
  CHECK_INT(h.expect_continue, 1);
  REQUIRE(h.nparams == 4);
  CHECK_STR(h.params[0].name, "admin1");
  CHECK_STR(h.params[0].value, "Gao x");
  CHECK_STR(h.params[1].value, "10");
  CHECK_STR(h.params[2].name, "flag");
  CHECK_STR(h.params[2].value, "");
  CHECK_STR(h.params[3].value, "A+%zz");
  CHECK_STR(wire_header(&h, "host"), "127.0.0.1:8080");
  CHECK_STR(wire_header(&h, "X-EMPTY"), "");
  CHECK(wire_header(&h, "X-Missing") == NULL);
  CHECK_STR(wire_cookie(&h, "bh_session", &a), "bhs_tok");
  CHECK_STR(wire_cookie(&h, "c", &a), "3");
  CHECK(wire_cookie(&h, "bh", &a) == NULL);
  arena_free(&a);
}

TEST(wire_head_forms) {
  arena a;
  arena_init(&a);
  wire_head h;
  err e;
  /* bare LFs, HTTP/1.0 (no keep-alive), Connection: close, chunked */
  REQUIRE(parse("GET / HTTP/1.0\n\n", &a, &h, &e) == 0);
  CHECK_INT(h.minor, 0);
  CHECK_INT(h.keep_alive, 0);
  CHECK_INT(h.content_length, -1);
  REQUIRE(parse("GET /x HTTP/1.1\r\nConnection: keep-alive, Close\r\n\r\n", &a, &h, &e) == 0);
  CHECK_INT(h.keep_alive, 0);
  REQUIRE(parse("POST /x HTTP/1.1\r\nTransfer-Encoding: Chunked\r\n\r\n", &a, &h, &e) == 0);
  CHECK_INT(h.chunked, 1);
  REQUIRE(parse("POST /x HTTP/1.1\r\nContent-Length: 5\r\ncontent-length: 5, 005\r\n\r\n", &a, &h, &e) == 0);
  CHECK_INT(h.content_length, 5);
  REQUIRE(parse("POST /x HTTP/1.1\r\nContent-Length: 123456789012345678901234\r\n\r\n", &a, &h, &e) == 0);
  CHECK_INT(h.content_length, WIRE_CONTENT_LENGTH_HUGE);
  /* the absolute form */
  REQUIRE(parse("GET HTTP://example.org:8080/api/v1/x?a=1 HTTP/1.1\r\n\r\n", &a, &h, &e) == 0);
  CHECK_STR(h.path, "/api/v1/x");
  CHECK_INT(h.nparams, 1);
  REQUIRE(parse("GET https://example.org HTTP/1.1\r\n\r\n", &a, &h, &e) == 0);
  CHECK_STR(h.path, "/");
  arena_free(&a);
}

TEST(wire_head_refusals) {
  static const struct {
    const char *head;
    int code;
  } cases[] = {
      {"GARBAGE\r\n\r\n", ERR_BAD_REQUEST},
      {"GET /\r\n\r\n", ERR_BAD_REQUEST},
      {"GET  / HTTP/1.1\r\n\r\n", ERR_BAD_REQUEST},
      {"GET / HTTP/1.1 x\r\n\r\n", ERR_BAD_REQUEST},
      {"G(T / HTTP/1.1\r\n\r\n", ERR_BAD_REQUEST},
      {"GET x/ HTTP/1.1\r\n\r\n", ERR_BAD_REQUEST},
      {"GET * HTTP/1.1\r\n\r\n", ERR_BAD_REQUEST},
      {"GET /\x01 HTTP/1.1\r\n\r\n", ERR_BAD_REQUEST},
      {"GET /\xc3\xa9 HTTP/1.1\r\n\r\n", ERR_BAD_REQUEST},
      {"GET / HTTP/1.1\r\r\n\r\n", ERR_BAD_REQUEST},
      {"GET / HTTP/2.0\r\n\r\n", ERR_HTTP_VERSION},
      {"GET / HTTP/0.9\r\n\r\n", ERR_HTTP_VERSION},
      {"GET / HTTP/1.10\r\n\r\n", ERR_BAD_REQUEST},
      {"GET / http/1.1\r\n\r\n", ERR_BAD_REQUEST},
      {"GET /a%00 HTTP/1.1\r\n\r\n", ERR_BAD_REQUEST},
      {"GET /a?x%00=1 HTTP/1.1\r\n\r\n", ERR_BAD_REQUEST},
      {"GET /a?x=1%00 HTTP/1.1\r\n\r\n", ERR_BAD_REQUEST},
      {"GET /a?x=1&y=%00 HTTP/1.1\r\n\r\n", ERR_BAD_REQUEST},
      {"GET / HTTP/1.1\r\nNo colon\r\n\r\n", ERR_BAD_REQUEST},
      {"GET / HTTP/1.1\r\n: empty name\r\n\r\n", ERR_BAD_REQUEST},
      {"GET / HTTP/1.1\r\nHost : x\r\n\r\n", ERR_BAD_REQUEST},
      {"GET / HTTP/1.1\r\nX: a\r\n folded\r\n\r\n", ERR_BAD_REQUEST},
      {"GET / HTTP/1.1\r\nX: a\rb\r\n\r\n", ERR_BAD_REQUEST},
      {"GET / HTTP/1.1\r\nX: a\x7f\r\n\r\n", ERR_BAD_REQUEST},
      {"POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n", ERR_BAD_REQUEST},
      {"POST / HTTP/1.1\r\nContent-Length: 5, 6\r\n\r\n", ERR_BAD_REQUEST},
      {"POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", ERR_BAD_REQUEST},
      {"POST / HTTP/1.1\r\nContent-Length: 0x10\r\n\r\n", ERR_BAD_REQUEST},
      {"POST / HTTP/1.1\r\nContent-Length: \r\n\r\n", ERR_BAD_REQUEST},
      {"POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", ERR_BAD_REQUEST},
      {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n", ERR_BAD_REQUEST},
      {"POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: gzip\r\n\r\n", ERR_BAD_REQUEST},
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
    wire_head h;
    err e;
    err_clear(&e);
    int rc = parse(cases[i].head, &a, &h, &e);
    if (rc != cases[i].code)
      fprintf(stderr, "  case %u (%s): rc %d, want %d (%s)\n", i, cases[i].head, rc, cases[i].code, e.msg);
    CHECK_INT(rc, cases[i].code);
    CHECK(rc == 0 || e.msg[0]);
    arena_free(&a);
  }
  /* a NUL byte anywhere in the head */
  arena a;
  arena_init(&a);
  wire_head h;
  err e;
  static const char nul[] = "GET / HTTP/1.1\r\nX: a\0b\r\n\r\n";
  size_t scanned = 0;
  size_t end = wire_head_end(nul, sizeof nul - 1, &scanned);
  CHECK_INT(end, sizeof nul - 1);
  CHECK_INT(wire_parse_head(nul, end, &a, &h, &e), ERR_BAD_REQUEST);
  /* more header fields than allowed */
  buf b;
  buf_init(&b, 0);
  buf_puts(&b, "GET / HTTP/1.1\r\n");
  for (int i = 0; i <= WIRE_HEADERS_MAX; i++) buf_printf(&b, "X-%d: a\r\n", i);
  buf_puts(&b, "\r\n");
  CHECK_INT(parse(buf_cstr(&b), &a, &h, &e), ERR_HEADERS_TOO_LARGE);
  buf_free(&b);
  arena_free(&a);
}

TEST(wire_head_end_in_pieces) {
  const char *s = "GET / HTTP/1.1\r\nHost: x\r\n\r\nGET /next";
  size_t scanned = 0, want = strlen("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  size_t got = 0;
  for (size_t n = 1; n <= strlen(s) && !got; n++) {
    got = wire_head_end(s, n, &scanned);
    if (!got) CHECK(scanned == n);
    else CHECK_INT(n, want);
  }
  CHECK_INT(got, want);
  scanned = 0;
  CHECK_INT(wire_head_end("GET / HTTP/1.1\n\nx", 17, &scanned), 16);
  scanned = 0;
  CHECK_INT(wire_head_end("GET / HTTP/1.1\r\nHost: x\r\n", 25, &scanned), 0);
  CHECK_INT(wire_query_count("GET /a?b=1&c=2&&d HTTP/1.1", 26), 4);
  CHECK_INT(wire_query_count("GET /a HTTP/1.1", 15), 0);
}

/* Feeds in to a fresh decoder step bytes at a time; returns the last rc
 * (bytes consumed in the last call, or an ERR_*) and the total consumed. */
static long feed(const char *in, size_t len, size_t step, buf *body, size_t limit, int *done,
                 size_t *used, err *e) {
  wire_chunked c;
  memset(&c, 0, sizeof c);
  *used = 0;
  *done = 0;
  long rc = 0;
  while (*used < len && !*done) {
    size_t n = len - *used < step ? len - *used : step;
    rc = wire_chunked_feed(&c, in + *used, n, body, limit, done, e);
    if (rc < 0) return rc;
    *used += (size_t)rc;
    if ((size_t)rc < n && !*done) return -999; /* stopped early without being done */
  }
  return rc;
}

TEST(wire_chunked_bodies) {
  const char *ok = "5\r\nhello\r\n7;name=\"v\"\r\n, world\r\n0\r\nX-Trailer: 1\r\n\r\nNEXT";
  size_t oklen = strlen(ok);
  for (size_t step = 1; step <= oklen; step++) {
    buf body;
    buf_init(&body, 100);
    err e;
    int done;
    size_t used;
    long rc = feed(ok, oklen, step, &body, 100, &done, &used, &e);
    CHECK(rc >= 0);
    CHECK_INT(done, 1);
    CHECK_INT(used, oklen - 4); /* NEXT is the next request */
    CHECK_STR(buf_cstr(&body), "hello, world");
    buf_free(&body);
  }
  static const struct {
    const char *in;
    int code;
  } bad[] = {
      {"zz\r\nabc\r\n0\r\n\r\n", ERR_BAD_REQUEST},
      {"\r\n", ERR_BAD_REQUEST},
      {"3\r\nabcdef\r\n0\r\n\r\n", ERR_BAD_REQUEST},
      {"3\rx", ERR_BAD_REQUEST},
      {"3x\r\n", ERR_BAD_REQUEST},
      {"ffffffffffffffff\r\nabc", ERR_TOO_LARGE},
      {"fffffffffffffffff\r\n", ERR_BAD_REQUEST},
      {"65\r\n", ERR_TOO_LARGE}, /* 101 bytes announced, 100 allowed */
      {"32\r\n01234567890123456789012345678901234567890123456789\r\n"
       "33\r\n012345678901234567890123456789012345678901234567890\r\n",
       ERR_TOO_LARGE},
      {"0\r\n\rx", ERR_BAD_REQUEST},
      {"3;\x01\r\n", ERR_BAD_REQUEST},
  };
  for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    buf body;
    buf_init(&body, 100);
    err e;
    err_clear(&e);
    int done;
    size_t used;
    long rc = feed(bad[i].in, strlen(bad[i].in), 3, &body, 100, &done, &used, &e);
    if (rc != bad[i].code) fprintf(stderr, "  case %u: rc %ld, want %d\n", i, rc, bad[i].code);
    CHECK_INT(rc, bad[i].code);
    CHECK(e.msg[0]);
    buf_free(&body);
  }
}
