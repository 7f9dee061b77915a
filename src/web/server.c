/* server.c: `bluehelm serve`: the HTTP server (httpd.c) with bluehelm's
 * limits, a pool of database connections (one per worker thread), the
 * access log and graceful shutdown. What a request means is decided in
 * api.c. */
#include "web/server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "core/arena.h"
#include "core/jw.h"
#include "core/str.h"
#include "model/sqlfn.h"
#include "web/api.h"
#include "web/http.h"
#include "web/httpd.h"

#define POOL_MAX 32
#define REQUEST_BUDGET_S 30 /* seconds of queries one request may spend */
#define HEAD_DEADLINE_S 10  /* the request line and headers must be in within this */
#define HEAD_MAX (32u << 10) /* bytes of request line and headers */

typedef struct pool {
  store *stores[POOL_MAX];
  int free[POOL_MAX];
  int n;
  pthread_mutex_t mu;
  pthread_cond_t cv;
} pool;

typedef struct server {
  const server_opts *o;
  pool pool;
  pthread_mutex_t log_mu;
} server;

typedef struct request {
  http_req r;
  arena a;
  char client[64];
} request;

static store *pool_take(pool *p) {
  pthread_mutex_lock(&p->mu);
  for (;;) {
    for (int i = 0; i < p->n; i++)
      if (p->free[i]) {
        p->free[i] = 0;
        pthread_mutex_unlock(&p->mu);
        return p->stores[i];
      }
    pthread_cond_wait(&p->cv, &p->mu);
  }
}

static void pool_give(pool *p, store *s) {
  pthread_mutex_lock(&p->mu);
  for (int i = 0; i < p->n; i++)
    if (p->stores[i] == s) p->free[i] = 1;
  pthread_cond_signal(&p->cv);
  pthread_mutex_unlock(&p->mu);
}

static void collect_query(request *q, const wire_head *h) {
  for (int i = 0; i < h->nparams; i++) {
    if (q->r.nquery >= HTTP_QUERY_MAX) {
      q->r.too_many_params = 1; /* refused, never silently dropped */
      return;
    }
    q->r.query[q->r.nquery].key = h->params[i].name;
    q->r.query[q->r.nquery].value = h->params[i].value;
    q->r.nquery++;
  }
}

static void split_path(request *q, const char *url) {
  q->r.path = arena_strdup(&q->a, url);
  const char *prefix = "/api/v1/";
  if (!str_has_prefix(url, prefix)) return;
  char *rest = arena_strdup(&q->a, url + strlen(prefix));
  while (rest && *rest && q->r.nseg < HTTP_SEGMENTS_MAX) {
    char *slash = strchr(rest, '/');
    if (slash) *slash = 0;
    q->r.seg[q->r.nseg++] = rest;
    rest = slash ? slash + 1 : NULL;
  }
  if (rest && *rest) q->r.nseg = HTTP_SEGMENTS_MAX + 1; /* too deep: no route */
}

/* gzip for text responses worth it, when the client accepts it (a slow link
 * pays for every byte; assets come gzipped already). */
#define GZIP_MIN 1024

static int gzip_body(const http_req *r, buf *out) {
  if (!r->accept_gzip || r->out.len < GZIP_MIN || r->extra_header[1][0]) return 0;
  const char *t = r->out_type ? r->out_type : "";
  if (strncmp(t, "application/json", 16) && strncmp(t, "application/geo+json", 20) &&
      strncmp(t, "text/", 5))
    return 0;
  z_stream z;
  memset(&z, 0, sizeof z);
  if (deflateInit2(&z, 4, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return 0;
  size_t cap = deflateBound(&z, (uLong)r->out.len) + 32;
  buf_init(out, cap + 1);
  char *dst = xmalloc(cap);
  z.next_in = (Bytef *)r->out.data;
  z.avail_in = (uInt)r->out.len;
  z.next_out = (Bytef *)dst;
  z.avail_out = (uInt)cap;
  int ok = deflate(&z, Z_FINISH) == Z_STREAM_END;
  size_t n = cap - z.avail_out;
  deflateEnd(&z);
  if (ok) buf_append(out, dst, n);
  free(dst);
  if (!ok) buf_free(out);
  return ok;
}

static void send_response(request *q, httpd_response *rs) {
  http_req *r = &q->r;
  buf gz;
  int zipped = gzip_body(r, &gz);
  rs->status = r->status ? r->status : 500;
  if (zipped) {
    rs->body = gz;
    httpd_add_header(rs, "Content-Encoding", "gzip");
  } else {
    rs->body = r->out; /* the buffer moves to the answer */
    buf_init(&r->out, 0);
  }
  httpd_add_header(rs, "Content-Type", r->out_type ? r->out_type : "application/json");
  if (r->set_cookie[0]) httpd_add_header(rs, "Set-Cookie", r->set_cookie);
  for (int i = 0; i < 2; i++) {
    char *colon = strchr(r->extra_header[i], ':');
    if (!r->extra_header[i][0] || !colon) continue;
    *colon = 0;
    httpd_add_header(rs, r->extra_header[i], colon + 2);
  }
  httpd_add_header(rs, "Vary", "Accept-Encoding");
}

static size_t body_limit(void *cls, const wire_head *h) {
  server *srv = cls;
  int import = !strcmp(h->method, "POST") && str_has_prefix(h->path, "/api/v1/import/");
  return import ? srv->o->import_max : srv->o->body_max;
}

/* On a worker thread: one request, answered into rs. */
static void on_request(void *cls, httpd_request *rq, httpd_response *rs) {
  server *srv = cls;
  const wire_head *h = rq->head;
  request *q = xcalloc(1, sizeof *q);
  rq->user = q;
  arena_init(&q->a);
  buf_init(&q->r.out, 0);
  http_req *r = &q->r;
  r->a = &q->a;
  r->method = arena_strdup(&q->a, h->method);
  split_path(q, h->path);
  snprintf(q->client, sizeof q->client, "%s", rq->client);
  r->client = q->client;
  collect_query(q, h);
  const char *v;
  if ((v = wire_cookie(h, "bh_session", &q->a))) r->cookie_token = v;
  if ((v = wire_header(h, "Authorization")) && !strncasecmp(v, "Bearer ", 7))
    r->bearer = arena_strdup(&q->a, v + 7);
  if ((v = wire_header(h, "X-CSRF-Token"))) r->csrf_header = arena_strdup(&q->a, v);
  if ((v = wire_header(h, "Accept-Encoding"))) r->accept_gzip = strstr(v, "gzip") != NULL;
  if ((v = wire_header(h, "Content-Type"))) r->content_type = arena_strdup(&q->a, v);
  if ((v = wire_header(h, "Accept-Language"))) r->accept_language = arena_strdup(&q->a, v);
  /* Where a browser says the request comes from (api.c's CSRF rule). */
  if ((v = wire_header(h, "Origin"))) r->origin = arena_strdup(&q->a, v);
  if ((v = wire_header(h, "Sec-Fetch-Site"))) r->fetch_site = arena_strdup(&q->a, v);
  if ((v = wire_header(h, "Host"))) r->host = arena_strdup(&q->a, v);
  r->body = rq->body;
  r->body_len = rq->body_len;
  r->s = pool_take(&srv->pool);
  /* A time budget for the request's queries: a query past it is interrupted
   * (and the request fails) instead of holding a worker forever. */
  store_set_deadline(r->s, REQUEST_BUDGET_S * 1000L);
  /* Writes run one at a time (httpd.c): the time one spent queued behind
   * others counts against its wait for the lock, so that while another
   * process holds the lock every queued write is answered (busy) within
   * HTTP_BUSY_WAIT_MS of its arrival, not one after another. */
  int writes = strcmp(h->method, "GET") && strcmp(h->method, "HEAD");
  long left = HTTP_BUSY_WAIT_MS - rq->queued_ms;
  if (writes) store_set_busy_timeout(r->s, left > 0 ? (int)left : 0);
  api_handle(r);
  if (writes) store_set_busy_timeout(r->s, HTTP_BUSY_WAIT_MS);
  store_set_deadline(r->s, 0);
  pool_give(&srv->pool, r->s);
  r->s = NULL;
  send_response(q, rs);
}

/* On the loop thread, once the answer went out: the access log line. */
static void on_done(void *cls, const httpd_request *rq, int status, size_t bytes, double ms,
                    int aborted) {
  server *srv = cls;
  request *q = rq->user;
  if (srv->o->log) {
    buf line;
    buf_init(&line, 1 << 14);
    jw w;
    jw_init(&w, &line, 0);
    jw_obj(&w);
    char at[32];
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%SZ", &tm);
    jw_kstr(&w, "at", at);
    jw_kstr(&w, "client", rq->client);
    jw_kstr(&w, "method", rq->head ? rq->head->method : "-");
    jw_kstr(&w, "path", rq->head ? rq->head->path : "-");
    jw_kint(&w, "status", status);
    jw_kreal(&w, "ms", (double)(long)(ms * 100) / 100);
    jw_kint(&w, "bytes", (int64_t)bytes);
    jw_kstr(&w, "user", q && q->r.signed_in ? q->r.who.user : NULL);
    if (aborted) {
      jw_kbool(&w, "aborted", 1);
    }
    jw_obj_end(&w);
    buf_putc(&line, '\n');
    pthread_mutex_lock(&srv->log_mu);
    fputs(buf_cstr(&line), srv->o->log);
    fflush(srv->o->log);
    pthread_mutex_unlock(&srv->log_mu);
    buf_free(&line);
  }
  if (q) {
    buf_free(&q->r.out);
    arena_free(&q->a);
    free(q);
  }
}

static int parse_listen(const char *listen, struct sockaddr_storage *ss, socklen_t *len, err *e) {
  const char *colon = strrchr(listen, ':');
  if (!colon) return err_set(e, ERR_USAGE, "--listen %s: write ADDR:PORT", listen);
  char host[128];
  snprintf(host, sizeof host, "%.*s", (int)(colon - listen), listen);
  int64_t port;
  if (str_to_int64(colon + 1, &port) || port < 0 || port > 65535)
    return err_set(e, ERR_USAGE, "--listen %s: the port must be 0 to 65535", listen);
  memset(ss, 0, sizeof *ss);
  size_t hl = strlen(host);
  if (hl > 2 && host[0] == '[' && host[hl - 1] == ']') {
    struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
    host[hl - 1] = 0;
    a6->sin6_family = AF_INET6;
    a6->sin6_port = htons((uint16_t)port);
    if (inet_pton(AF_INET6, host + 1, &a6->sin6_addr) != 1)
      return err_set(e, ERR_USAGE, "--listen %s: not an IPv6 address", listen);
    *len = sizeof *a6;
    return 0;
  }
  struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
  a4->sin_family = AF_INET;
  a4->sin_port = htons((uint16_t)port);
  if (inet_pton(AF_INET, host, &a4->sin_addr) != 1)
    return err_set(e, ERR_USAGE, "--listen %s: not an IPv4 address (or [IPv6])", listen);
  *len = sizeof *a4;
  return 0;
}

int server_run(const server_opts *o, err *e) {
  server srv;
  memset(&srv, 0, sizeof srv);
  srv.o = o;
  pthread_mutex_init(&srv.log_mu, NULL);
  pthread_mutex_init(&srv.pool.mu, NULL);
  pthread_cond_init(&srv.pool.cv, NULL);
  struct sockaddr_storage ss;
  socklen_t sslen = 0;
  int rc = parse_listen(o->listen, &ss, &sslen, e);
  int threads = o->threads < 1 ? 1 : o->threads > POOL_MAX ? POOL_MAX : o->threads;
  for (int i = 0; !rc && i < threads; i++) {
    rc = store_open(&srv.pool.stores[i], o->db_path, 0, e);
    if (!rc) rc = sqlfn_attach(srv.pool.stores[i], e);
    /* Many connections share the machine's memory: a smaller page cache each
     * (the operating system caches the file for all of them). */
    if (!rc) rc = store_set_cache_kib(srv.pool.stores[i], 6144, e);
    if (!rc) store_keep_results(srv.pool.stores[i]); /* counts, lists, indicators asked again */
    if (!rc) store_set_busy_timeout(srv.pool.stores[i], HTTP_BUSY_WAIT_MS);
    if (!rc) {
      srv.pool.free[i] = 1;
      srv.pool.n++;
    }
  }
  /* Signals are taken by this thread with sigwait; the server's threads
   * never see them. */
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop, NULL);
  signal(SIGPIPE, SIG_IGN);
  httpd *d = NULL;
  if (!rc) {
    httpd_opts ho = {
        .addr = (const struct sockaddr *)&ss,
        .addrlen = sslen,
        .workers = srv.pool.n,
        /* SQLite has one writer at a time: the others queue here. On
         * PostgreSQL writers run side by side (only the audit append takes
         * turns), all threads but one, which stays for reads. */
        .writers = store_dialect_of(srv.pool.stores[0]) == STORE_POSTGRES && threads > 1 ? threads - 1 : 1,
        .max_connections = o->max_connections,
        .idle_s = o->timeout_s,
        .head_s = HEAD_DEADLINE_S,
        .head_max = HEAD_MAX,
        .headers = "X-Frame-Options: DENY\r\nReferrer-Policy: no-referrer\r\n"
                   "X-Content-Type-Options: nosniff\r\n",
        .body_limit = body_limit,
        .handle = on_request,
        .done = on_done,
        .cls = &srv,
    };
    err le;
    if (httpd_start(&d, &ho, &le))
      rc = err_set(e, ERR_IO, "cannot listen on %s: %s", o->listen, le.msg);
  }
  if (!rc) {
    char host[128];
    snprintf(host, sizeof host, "%.*s", (int)(strrchr(o->listen, ':') - o->listen), o->listen);
    if (o->announce) {
      fprintf(o->announce, "listening on http://%s:%u\n", host, httpd_port(d));
      fflush(o->announce);
    }
    int sig;
    sigwait(&stop, &sig);
    /* Stop accepting; let in-flight requests finish. */
    httpd_stop(d, 10);
  }
  for (int i = 0; i < srv.pool.n; i++) store_close(srv.pool.stores[i]);
  pthread_mutex_destroy(&srv.log_mu);
  pthread_mutex_destroy(&srv.pool.mu);
  pthread_cond_destroy(&srv.pool.cv);
  return rc;
}
