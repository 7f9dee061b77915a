/* httpd.h: the HTTP/1.1 server under `bluehelm serve` (no database here).
 * One thread reads and writes every connection (epoll, non-blocking
 * sockets) and enforces the limits and deadlines; a pool of worker threads
 * runs the handler on complete requests. A slow, idle or hostile client
 * costs a socket and a buffer, never a thread; a handler waiting for the
 * database leaves the other connections read and answered (see
 * docs/internals.md). Every answer the server makes itself (a request it
 * cannot parse, a head or body too large, a deadline passed) is API.md's
 * JSON error envelope. */
#ifndef BH_HTTPD_H
#define BH_HTTPD_H

#include <stddef.h>
#include <sys/socket.h>

#include "core/buf.h"
#include "core/err.h"
#include "web/wire.h"

typedef struct httpd httpd;

/* One request, as the handler sees it. */
typedef struct httpd_request {
  const wire_head *head; /* NULL (for done only) when the head could not be parsed */
  const char *body;      /* NUL-terminated; body_len bytes */
  size_t body_len;
  const char *client;    /* the peer's address ("127.0.0.1") */
  long queued_ms;        /* how long the complete request waited for a worker */
  void *user;            /* the handler's; handed back to done */
} httpd_request;

/* The handler's answer. */
typedef struct httpd_response {
  int status;
  buf headers;           /* "Name: value\r\n" lines (httpd_add_header) */
  buf body;
} httpd_response;

typedef struct httpd_opts {
  const struct sockaddr *addr;
  socklen_t addrlen;
  int workers;           /* handler threads, 1 or more */
  int writers;           /* of them, how many may run requests other than
                            GET and HEAD at once (1 or more) */
  int max_connections;   /* connections beyond get 503 busy and are closed */
  int idle_s;            /* a connection without a byte in or out for this long is closed */
  int head_s;            /* the request line and headers must be in within this */
  size_t head_max;       /* bytes of request line and headers */
  const char *headers;   /* "Name: value\r\n" lines added to every answer, or NULL */
  /* body_limit: the largest body accepted for the request h (bytes). */
  size_t (*body_limit)(void *cls, const wire_head *h);
  /* handle: answers rq into rs (status, headers, body); on a worker thread. */
  void (*handle)(void *cls, httpd_request *rq, httpd_response *rs);
  /* done: once per request answered (or cut while being answered), after
   * its answer went out; on the loop thread. bytes: the body's length; ms:
   * from the request's first byte; aborted: the answer did not go out
   * whole. rq->user is the handler's (NULL when no handler ran). */
  void (*done)(void *cls, const httpd_request *rq, int status, size_t bytes, double ms,
               int aborted);
  void *cls;
} httpd_opts;

/* httpd_start: listens on o->addr and starts the loop and worker threads.
 * Returns 0 and sets *out, or ERR_IO (address in use, not allowed) with e
 * saying why. o is copied; o->headers and o->cls must outlive the server. */
int httpd_start(httpd **out, const httpd_opts *o, err *e);

/* httpd_port: the port listened on (useful when o->addr asked for port 0). */
unsigned httpd_port(const httpd *h);

/* httpd_stop: stops accepting, closes idle connections, lets requests in
 * flight finish and be answered (within grace_s seconds; connections still
 * open then are closed), stops the threads and frees h. */
void httpd_stop(httpd *h, int grace_s);

/* httpd_add_header: appends "name: value" to rs; a name or value holding CR,
 * LF or NUL is dropped (no header injection). */
void httpd_add_header(httpd_response *rs, const char *name, const char *value);

#endif
