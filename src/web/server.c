/* server.c: the libmicrohttpd daemon: request bodies within limits, a pool
 * of database connections (one per worker thread), access log, graceful
 * shutdown. What a request means is decided in api.c. */
#include "web/server.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "core/arena.h"
#include "core/jw.h"
#include "core/str.h"
#include "model/sqlfn.h"
#include "web/api.h"
#include "web/http.h"

#define POOL_MAX 32
#define REQUEST_BUDGET_S 30 /* seconds of queries one request may spend */

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
  buf body;
  size_t limit;
  int too_large;
  struct timespec start;
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

static enum MHD_Result collect_query(void *cls, enum MHD_ValueKind kind, const char *key,
                                     const char *value) {
  (void)kind;
  request *q = cls;
  if (q->r.nquery >= HTTP_QUERY_MAX) {
    q->r.too_many_params = 1; /* refused, never silently dropped */
    return MHD_NO;
  }
  q->r.query[q->r.nquery].key = arena_strdup(&q->a, key);
  q->r.query[q->r.nquery].value = arena_strdup(&q->a, value ? value : "");
  q->r.nquery++;
  return MHD_YES;
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

static void client_address(struct MHD_Connection *conn, char *out, size_t cap) {
  const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
  snprintf(out, cap, "?");
  if (!ci || !ci->client_addr) return;
  const struct sockaddr *sa = ci->client_addr;
  if (sa->sa_family == AF_INET)
    inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out, (socklen_t)cap);
  else if (sa->sa_family == AF_INET6)
    inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, out, (socklen_t)cap);
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

static enum MHD_Result send_response(struct MHD_Connection *conn, request *q) {
  http_req *r = &q->r;
  buf gz;
  int zipped = gzip_body(r, &gz);
  const buf *body = zipped ? &gz : &r->out;
  struct MHD_Response *resp =
      MHD_create_response_from_buffer(body->len, body->data ? body->data : (void *)"",
                                      MHD_RESPMEM_MUST_COPY);
  if (zipped) buf_free(&gz);
  if (!resp) return MHD_NO;
  if (zipped) MHD_add_response_header(resp, "Content-Encoding", "gzip");
  MHD_add_response_header(resp, "X-Frame-Options", "DENY");
  MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
  MHD_add_response_header(resp, "Content-Type", r->out_type ? r->out_type : "application/json");
  MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
  if (r->set_cookie[0]) MHD_add_response_header(resp, "Set-Cookie", r->set_cookie);
  for (int i = 0; i < 2; i++) {
    char *colon = strchr(r->extra_header[i], ':');
    if (!r->extra_header[i][0] || !colon) continue;
    *colon = 0;
    MHD_add_response_header(resp, r->extra_header[i], colon + 2);
  }
  MHD_add_response_header(resp, "Vary", "Accept-Encoding");
  enum MHD_Result ret = MHD_queue_response(conn, (unsigned)(r->status ? r->status : 500), resp);
  MHD_destroy_response(resp);
  return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size,
                                  void **con_cls) {
  (void)version;
  server *srv = cls;
  request *q = *con_cls;
  if (!q) {
    q = xcalloc(1, sizeof *q);
    arena_init(&q->a);
    buf_init(&q->r.out, 0);
    clock_gettime(CLOCK_MONOTONIC, &q->start);
    q->r.a = &q->a;
    q->r.method = arena_strdup(&q->a, method);
    int import = !strcmp(method, "POST") && str_has_prefix(url, "/api/v1/import/");
    q->limit = import ? srv->o->import_max : srv->o->body_max;
    buf_init(&q->body, q->limit + 1);
    const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
    int64_t n;
    if (cl && !str_to_int64(cl, &n) && (n < 0 || (uint64_t)n > q->limit)) q->too_large = 1;
    *con_cls = q;
    return MHD_YES;
  }
  if (*upload_data_size) {
    if (!q->too_large && buf_append(&q->body, upload_data, *upload_data_size) < 0) q->too_large = 1;
    if (q->body.len > q->limit) q->too_large = 1;
    if (q->too_large) buf_free(&q->body);
    *upload_data_size = 0;
    return MHD_YES;
  }
  http_req *r = &q->r;
  split_path(q, url);
  client_address(conn, q->client, sizeof q->client);
  r->client = q->client;
  if (q->too_large) {
    http_error(r, ERR_TOO_LARGE, "the request body is larger than %zu bytes", q->limit);
    return send_response(conn, q);
  }
  MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, collect_query, q);
  const char *v;
  if ((v = MHD_lookup_connection_value(conn, MHD_COOKIE_KIND, "bh_session")))
    r->cookie_token = arena_strdup(&q->a, v);
  if ((v = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Authorization")) &&
      !strncasecmp(v, "Bearer ", 7))
    r->bearer = arena_strdup(&q->a, v + 7);
  if ((v = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-CSRF-Token")))
    r->csrf_header = arena_strdup(&q->a, v);
  if ((v = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Accept-Encoding")))
    r->accept_gzip = strstr(v, "gzip") != NULL;
  if ((v = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Type")))
    r->content_type = arena_strdup(&q->a, v);
  /* Where a browser says the request comes from (api.c's CSRF rule). */
  if ((v = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Origin"))) r->origin = arena_strdup(&q->a, v);
  if ((v = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Sec-Fetch-Site")))
    r->fetch_site = arena_strdup(&q->a, v);
  if ((v = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Host"))) r->host = arena_strdup(&q->a, v);
  r->body = q->body.data ? q->body.data : "";
  r->body_len = q->body.len;
  r->s = pool_take(&srv->pool);
  /* A time budget for the request's queries: a query past it is interrupted
   * (and the request fails) instead of holding a worker forever. */
  store_set_deadline(r->s, REQUEST_BUDGET_S * 1000L);
  api_handle(r);
  store_set_deadline(r->s, 0);
  pool_give(&srv->pool, r->s);
  r->s = NULL;
  return send_response(conn, q);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe) {
  (void)conn;
  server *srv = cls;
  request *q = *con_cls;
  if (!q) return;
  if (srv->o->log && q->r.path) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    double ms = (double)(now.tv_sec - q->start.tv_sec) * 1e3 +
                (double)(now.tv_nsec - q->start.tv_nsec) / 1e6;
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
    jw_kstr(&w, "client", q->client);
    jw_kstr(&w, "method", q->r.method);
    jw_kstr(&w, "path", q->r.path);
    jw_kint(&w, "status", q->r.status);
    jw_kreal(&w, "ms", (double)(long)(ms * 100) / 100);
    jw_kint(&w, "bytes", (int64_t)q->r.out.len);
    jw_kstr(&w, "user", q->r.signed_in ? q->r.who.user : NULL);
    if (toe != MHD_REQUEST_TERMINATED_COMPLETED_OK) {
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
  buf_free(&q->body);
  buf_free(&q->r.out);
  arena_free(&q->a);
  free(q);
  *con_cls = NULL;
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
  socklen_t sslen;
  int rc = parse_listen(o->listen, &ss, &sslen, e);
  int threads = o->threads < 1 ? 1 : o->threads > POOL_MAX ? POOL_MAX : o->threads;
  for (int i = 0; !rc && i < threads; i++) {
    rc = store_open(&srv.pool.stores[i], o->db_path, 0, e);
    if (!rc) rc = sqlfn_attach(srv.pool.stores[i], e);
    /* Many connections share the machine's memory: a smaller page cache each
     * (the operating system caches the file for all of them). */
    if (!rc) rc = store_set_cache_kib(srv.pool.stores[i], 6144, e);
    if (!rc) store_set_busy_timeout(srv.pool.stores[i], HTTP_BUSY_WAIT_MS);
    if (!rc) {
      srv.pool.free[i] = 1;
      srv.pool.n++;
    }
  }
  /* Signals are taken by this thread with sigwait; workers never see them. */
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop, NULL);
  signal(SIGPIPE, SIG_IGN);
  struct MHD_Daemon *d = NULL;
  if (!rc) {
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC;
    if (((struct sockaddr *)&ss)->sa_family == AF_INET6) flags |= MHD_USE_IPv6;
    d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, &srv,
                         MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
                         MHD_OPTION_THREAD_POOL_SIZE, (unsigned)threads,
                         MHD_OPTION_CONNECTION_LIMIT, (unsigned)o->max_connections,
                         MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)o->timeout_s,
                         MHD_OPTION_NOTIFY_COMPLETED, on_completed, &srv,
                         MHD_OPTION_LISTENING_ADDRESS_REUSE, 1u,
                         MHD_OPTION_END);
    if (!d) rc = err_set(e, ERR_IO, "cannot listen on %s (address in use or not allowed?)", o->listen);
  }
  if (!rc) {
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    char host[128];
    snprintf(host, sizeof host, "%.*s", (int)(strrchr(o->listen, ':') - o->listen), o->listen);
    if (o->announce) {
      fprintf(o->announce, "listening on http://%s:%u\n", host, di ? di->port : 0);
      fflush(o->announce);
    }
    int sig;
    sigwait(&stop, &sig);
    /* Stop accepting; let in-flight requests finish. */
    MHD_socket fd = MHD_quiesce_daemon(d);
    for (int waited = 0; waited < 1000; waited++) {
      const union MHD_DaemonInfo *ci = MHD_get_daemon_info(d, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
      if (!ci || ci->num_connections == 0) break;
      struct timespec ts = {0, 10 * 1000 * 1000};
      nanosleep(&ts, NULL);
    }
    MHD_stop_daemon(d);
    if (fd != MHD_INVALID_SOCKET) close(fd);
  }
  for (int i = 0; i < srv.pool.n; i++) store_close(srv.pool.stores[i]);
  pthread_mutex_destroy(&srv.log_mu);
  pthread_mutex_destroy(&srv.pool.mu);
  pthread_cond_destroy(&srv.pool.cv);
  return rc;
}
