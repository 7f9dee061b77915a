/* server.h: `bluehelm serve`: the HTTP server (httpd.c) in front of
 * the API (api.c) and the web interface. */
#ifndef BH_SERVER_H
#define BH_SERVER_H

#include <stddef.h>
#include <stdio.h>

#include "core/err.h"

typedef struct server_opts {
  const char *db_path;
  const char *listen;   /* "ADDR:PORT" (port 0: any free port) */
  int threads;          /* worker threads, each with its own database connection */
  size_t body_max;      /* bytes, for everything but imports */
  size_t import_max;    /* bytes, for POST /api/v1/import/{kind} */
  int timeout_s;        /* an idle or too slow connection is closed after this */
  int max_connections;
  FILE *log;            /* one JSON line per request (NULL: none) */
  FILE *announce;       /* "listening on http://ADDR:PORT" goes here once ready */
} server_opts;

/* server_run: serves until SIGTERM or SIGINT, then stops accepting, lets
 * in-flight requests finish (up to 10 s) and returns 0. Returns an ERR_*
 * code when it cannot start (bad address, port taken, database). */
int server_run(const server_opts *o, err *e);

#endif
