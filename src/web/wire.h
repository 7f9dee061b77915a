/* wire.h: HTTP/1.1 requests as they come off the socket (RFC 9112), parsed
 * strictly and without I/O: the head (request line and header fields) and a
 * chunked body. Anything ambiguous is refused with an ERR_* code that maps to
 * the HTTP status to answer (err.h): a head that cannot be parsed, a NUL in
 * the path or a query parameter, differing Content-Length values, or
 * Content-Length with Transfer-Encoding is ERR_BAD_REQUEST (400); a transfer
 * coding other than chunked is ERR_NOT_IMPLEMENTED (501); a version other
 * than HTTP/1.0 and 1.1 is ERR_HTTP_VERSION (505). The event loop that uses
 * it is httpd.c. */
#ifndef BH_WIRE_H
#define BH_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"

#define WIRE_HEADERS_MAX 100        /* header fields in one request */
#define WIRE_CONTENT_LENGTH_HUGE INT64_MAX /* a Content-Length past int64 */

typedef struct wire_pair {
  const char *name, *value;
} wire_pair;

typedef struct wire_head {
  const char *method;      /* as sent ("GET") */
  const char *target;      /* the request-target ("/api/v1/x?a=b"; the absolute form
                              "http://host/x" reduced to its path) */
  const char *path;        /* the target before '?', percent-decoded */
  int minor;               /* HTTP/1.minor: 0 or 1 */
  wire_pair *headers;      /* in order; names as sent, values without outer spaces */
  int nheaders;
  wire_pair *params;       /* query parameters, decoded ('+' is a space); "" for no '=' */
  int nparams;
  int64_t content_length;  /* -1 when absent; WIRE_CONTENT_LENGTH_HUGE past int64 */
  int chunked;             /* Transfer-Encoding: chunked */
  int keep_alive;          /* HTTP/1.1 without Connection: close */
  int expect_continue;     /* Expect: 100-continue */
} wire_head;

/* wire_head_end: the length of the head at the start of data[0..len) up to
 * and including its empty line (CRLF CRLF, or bare LFs), or 0 when it is not
 * complete yet. *scanned (0 at first) remembers how far earlier calls looked,
 * so that a head arriving in pieces is searched once. */
size_t wire_head_end(const char *data, size_t len, size_t *scanned);

/* wire_parse_head: parses a complete head (data[0..len), as measured by
 * wire_head_end) into h; strings are allocated in a. Returns 0, or
 * ERR_BAD_REQUEST, ERR_NOT_IMPLEMENTED, ERR_HTTP_VERSION or
 * ERR_HEADERS_TOO_LARGE (more than WIRE_HEADERS_MAX fields) with e saying
 * why. */
int wire_parse_head(const char *data, size_t len, arena *a, wire_head *h, err *e);

/* wire_header: the value of the first header field called name (any case),
 * or NULL. */
const char *wire_header(const wire_head *h, const char *name);

/* wire_cookie: the value of the cookie called name in the Cookie header
 * fields ("a=1; b=2"; quotes around a value are removed), allocated in a,
 * or NULL. */
const char *wire_cookie(const wire_head *h, const char *name, arena *a);

/* wire_query_count: the number of query parameters in a request line (or
 * the start of one) data[0..len): '&'-separated items after the first '?'. */
size_t wire_query_count(const char *data, size_t len);

/* A chunked body being decoded; zero it before the first call. */
typedef struct wire_chunked {
  int state;
  uint64_t left;       /* bytes of the current chunk still to come */
  size_t line;         /* bytes of the current size or trailer line */
  size_t trailers;     /* bytes of trailer fields so far */
} wire_chunked;

/* wire_chunked_feed: decodes in[0..len) into body, which may hold at most
 * limit bytes. Returns the bytes of in consumed (all of them unless the body
 * ended before: the rest is the next request), and sets *done once the last
 * chunk and trailers are through. Returns ERR_BAD_REQUEST for a malformed
 * body or ERR_TOO_LARGE past limit (e says which). */
long wire_chunked_feed(wire_chunked *c, const char *in, size_t len, buf *body, size_t limit,
                       int *done, err *e);

#endif
