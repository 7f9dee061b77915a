/* wire.h: HTTP/1.1 requests as they come off the socket, without I/O. The
 * parsing itself (request line, header fields, Content-Length and
 * Transfer-Encoding framing, chunked bodies) is Debian's http-parser
 * (nodejs http-parser 2.9); wire.c adds what the contract needs and the
 * library does not do (docs/internals.md): our limits, a NUL in the path or
 * a query parameter refused, header names without spaces, transfer codings
 * other than chunked refused, a CRLF after each chunk's data, the query
 * string and cookies split and decoded, and each refusal mapped to an
 * ERR_* code whose HTTP status is the answer (err.h): ERR_BAD_REQUEST (400),
 * ERR_TOO_LARGE (413), ERR_URI_TOO_LONG (414), ERR_HEADERS_TOO_LARGE (431),
 * ERR_NOT_IMPLEMENTED (501), ERR_HTTP_VERSION (505), ERR_VALIDATION (400,
 * more query parameters than any route takes). The event loop that uses it
 * is httpd.c. */
#ifndef BH_WIRE_H
#define BH_WIRE_H

#include <http_parser.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"

#define WIRE_HEADERS_MAX 100 /* header fields in one request */
#define WIRE_PARAMS_MAX 128  /* query parameters a route may take */

typedef struct wire_pair {
  const char *name, *value;
} wire_pair;

typedef struct wire_head {
  const char *method;      /* "GET" */
  const char *target;      /* the request-target as sent ("/api/v1/x?a=b") */
  const char *path;        /* its path, percent-decoded (no NUL inside) */
  int minor;               /* HTTP/1.minor: 0 or 1 */
  wire_pair *headers;      /* in order; values without outer spaces, folded lines joined */
  int nheaders;
  wire_pair *params;       /* query parameters, decoded ('+' is a space); "" for no '=' */
  int nparams;
  int64_t content_length;  /* -1 when absent */
  int chunked;             /* Transfer-Encoding: chunked */
  int keep_alive;          /* the connection may serve another request after this one */
  int expect_continue;     /* Expect: 100-continue */
} wire_head;

enum { WIRE_HEAD, WIRE_HEAD_DONE, WIRE_BODY, WIRE_DONE };

/* One request being read. Zero it, then wire_begin; wire_end frees it. */
typedef struct wire_req {
  int phase;               /* WIRE_HEAD .. WIRE_DONE: where the last wire_feed stopped */
  wire_head head;          /* complete from WIRE_HEAD_DONE on */
  /* private */
  http_parser p;
  arena *a;
  size_t head_max;
  buf url, field, value;   /* pieces of the target and of the header field being read */
  int in_value, got_field;
  buf *body;
  size_t limit;
  uint64_t chunk_left;     /* data bytes of the current chunk still to come */
  int crlf_need;           /* bytes of the CRLF after a chunk's data still to check */
  const char *feed_end;    /* the end of the bytes given to this wire_feed */
  size_t line_len;         /* bytes of the request line so far */
  int line_done, in_query;
  size_t amps;             /* '&' in its query so far */
  int code;                /* a refusal decided in a callback */
  char msg[200];
} wire_req;

/* wire_begin: starts reading a request; its strings go to a; its request
 * line and headers may take head_max bytes. */
void wire_begin(wire_req *w, arena *a, size_t head_max);

/* wire_feed: reads data[0..len). Returns the bytes taken (≥ 0) and sets
 * w->phase: WIRE_HEAD (more bytes needed for the head), WIRE_HEAD_DONE (the
 * head is in w->head: give the body's buffer and limit with wire_body, then
 * feed the rest), WIRE_BODY (more bytes needed), WIRE_DONE (the request is
 * complete; bytes not taken belong to the next one). Returns a negative
 * ERR_* code with e saying why when the request must be refused. */
long wire_feed(wire_req *w, const char *data, size_t len, err *e);

/* wire_body: where the body goes, and how long it may be (bytes). */
void wire_body(wire_req *w, buf *body, size_t limit);

/* wire_end: frees what w holds (not the arena's strings). */
void wire_end(wire_req *w);

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

/* wire_limit_head: the largest request line and headers http-parser lets
 * through (a process-wide setting); call once before reading requests. */
void wire_limit_head(size_t head_max);

#endif
