/* httpd.c: the HTTP/1.1 server loop (httpd.h).
 *
 * The loop thread owns every connection. A connection goes
 *   HEAD   (reading the request line and headers, deadline head_s)
 *   BODY   (reading the body: Content-Length or chunked, within its limit)
 *   WORK   (queued for or run by a worker; the socket is not watched)
 *   WRITE  (the answer going out)
 * and then back to HEAD for the next request on a kept-alive connection, or
 * to LINGER (our side shut, the client's last bytes read and dropped for up
 * to LINGER_MS, so that closing does not reset an answer still in flight).
 * Workers take complete requests from one queue and hand answers back
 * through a list and an eventfd. Requests that may write (any method but
 * GET and HEAD) run one at a time (opts.writers): the database takes one
 * writer at a time anyway, writers queued here do not sleep in SQLite's busy
 * handler between each other's transactions, and readers keep the other
 * threads even while a writer waits for a lock held elsewhere. */
#define _GNU_SOURCE /* accept4 */
#include "web/httpd.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "core/arena.h"
#include "web/http.h"

#define READ_CHUNK 16384 /* bytes per recv */
#define READS_PER_EVENT 4 /* then the next connection's turn */
#define LINGER_MS 2000
#define SWEEP_MS 100     /* deadlines are checked this often */
#define OVER_LIMIT 64    /* connections past the limit that still get a 503 */

typedef enum { ST_HEAD, ST_BODY, ST_WORK, ST_WRITE, ST_LINGER } conn_state;

typedef struct conn {
  int fd;
  conn_state st;
  int registered;        /* in the epoll set */
  unsigned events;       /* the events asked for */
  int dead;              /* closed; freed after the current batch of events */
  char client[64];
  buf in;                /* bytes read, not yet taken by the parser */
  int64_t head_by;       /* the head's deadline (ms), 0 while idle between requests */
  int64_t last_io;       /* ms of the last byte in or out */
  int64_t started;       /* ms of the request's first byte */
  arena a;               /* the request's strings */
  wire_req w;            /* the request being read (its head: w.head) */
  int have_head;
  int partial;           /* bytes of the next request have come */
  size_t limit;          /* body bytes allowed */
  buf body;
  int is_write;          /* a method that may write */
  int64_t queued_at;     /* ms when the request was complete */
  httpd_request rq;
  httpd_response rs;
  int answered;          /* rs holds an answer to log with done */
  buf out;               /* status line and headers of the answer */
  size_t send_len;       /* body bytes to send (0 for HEAD) */
  size_t off;            /* bytes of out, then of the body, written */
  int close_after;
  int64_t linger_by;
  struct conn *prev, *next; /* every connection */
  struct conn *qnext;       /* the work queue or the done list */
} conn;

struct httpd {
  httpd_opts o;
  int lfd, ep, wake;
  unsigned port;
  pthread_t loop;
  pthread_t *workers;
  int nworkers;
  pthread_mutex_t mu;     /* guards the queue, the done list, the counters and stopping */
  pthread_cond_t cv;
  conn *work;             /* FIFO */
  conn *done;
  int writes_running, writes_max;
  int stop_workers;
  int stopping;           /* set by httpd_stop (under mu) */
  int64_t stop_by;
  int lstop;              /* the loop's copy of stopping and stop_by */
  int64_t lstop_by;
  int listening;
  int64_t accept_again;   /* after running out of file descriptors */
  conn *conns;
  int nconns;
};

static int64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static const char *reason(int status) {
  switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
    default: return "Status";
  }
}

void httpd_add_header(httpd_response *rs, const char *name, const char *value) {
  if (strpbrk(name, "\r\n:") || strpbrk(value, "\r\n") || !*name) return;
  buf_printf(&rs->headers, "%s: %s\r\n", name, value);
}

static void set_events(httpd *h, conn *c, unsigned ev) {
  if (c->dead) return;
  if (!ev) {
    if (c->registered) epoll_ctl(h->ep, EPOLL_CTL_DEL, c->fd, NULL);
    c->registered = 0;
    c->events = 0;
    return;
  }
  if (c->registered && c->events == ev) return;
  struct epoll_event e = {.events = ev, .data.ptr = c};
  if (epoll_ctl(h->ep, c->registered ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, c->fd, &e) == 0) {
    c->registered = 1;
    c->events = ev;
  }
}

static void free_request(conn *c) {
  arena_free(&c->a);
  arena_init(&c->a);
  buf_free(&c->body);
  buf_free(&c->rs.headers);
  buf_free(&c->rs.body);
  buf_free(&c->out);
  c->have_head = 0;
  c->answered = 0;
  c->rq.user = NULL;
  c->off = c->send_len = 0;
  wire_end(&c->w);
}

static void conn_close(httpd *h, conn *c) {
  if (c->dead) return;
  set_events(h, c, 0);
  close(c->fd);
  c->dead = 1;
}

static void conn_free(httpd *h, conn *c) {
  if (c->prev) c->prev->next = c->next;
  else h->conns = c->next;
  if (c->next) c->next->prev = c->prev;
  h->nconns--;
  free_request(c);
  buf_free(&c->in);
  free(c);
}

static void consume(conn *c, size_t n) {
  if (n >= c->in.len) {
    buf_reset(&c->in);
  } else {
    memmove(c->in.data, c->in.data + n, c->in.len - n);
    c->in.len -= n;
    c->in.data[c->in.len] = 0;
  }
}

static void do_write(httpd *h, conn *c, int64_t t);
static void process(httpd *h, conn *c, int64_t t);

/* Builds the status line and headers of c->rs into c->out and starts
 * sending. */
static void start_answer(httpd *h, conn *c, int64_t t) {
  int status = c->rs.status ? c->rs.status : 500;
  c->rs.status = status;
  if (h->lstop || !c->have_head || !c->w.head.keep_alive) c->close_after = 1;
  buf_init(&c->out, 0);
  buf_printf(&c->out, "HTTP/1.1 %d %s\r\n", status, reason(status));
  char date[64];
  time_t now = time(NULL);
  struct tm tm;
  gmtime_r(&now, &tm);
  strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  buf_printf(&c->out, "Date: %s\r\n", date);
  if (h->o.headers) buf_puts(&c->out, h->o.headers);
  buf_append(&c->out, c->rs.headers.data ? c->rs.headers.data : "", c->rs.headers.len);
  int bodyless = status < 200 || status == 204 || status == 304;
  if (bodyless) buf_reset(&c->rs.body);
  else buf_printf(&c->out, "Content-Length: %zu\r\n", c->rs.body.len);
  if (c->close_after) buf_puts(&c->out, "Connection: close\r\n");
  buf_puts(&c->out, "\r\n");
  int head_only = c->have_head && !strcmp(c->w.head.method, "HEAD");
  c->send_len = head_only ? 0 : c->rs.body.len;
  c->off = 0;
  c->answered = 1;
  c->st = ST_WRITE;
  c->last_io = t;
  do_write(h, c, t);
}

/* Answers the request with the error envelope and closes after it. */
static void refuse(httpd *h, conn *c, int code, const char *msg, int64_t t) {
  buf_free(&c->rs.headers);
  buf_free(&c->rs.body);
  buf_init(&c->rs.headers, 0);
  buf_init(&c->rs.body, 0);
  http_envelope(&c->rs.body, code, msg, NULL);
  c->rs.status = err_http_status(code);
  httpd_add_header(&c->rs, "Content-Type", "application/json");
  if (code == ERR_BUSY) httpd_add_header(&c->rs, "Retry-After", "1");
  c->close_after = 1;
  c->rq.user = NULL;
  start_answer(h, c, t);
}

/* The answer went out (or could not): log it, then the next request,
 * lingering or closing. */
static void finish(httpd *h, conn *c, int64_t t, int aborted) {
  if (c->answered && h->o.done) {
    c->rq.head = c->have_head ? &c->w.head : NULL;
    c->rq.client = c->client;
    h->o.done(h->o.cls, &c->rq, c->rs.status, c->rs.body.len, (double)(t - c->started), aborted);
  }
  free_request(c);
  if (aborted) {
    conn_close(h, c);
    return;
  }
  if (c->close_after) {
    shutdown(c->fd, SHUT_WR);
    c->st = ST_LINGER;
    c->linger_by = t + LINGER_MS;
    buf_reset(&c->in);
    set_events(h, c, EPOLLIN);
    return;
  }
  c->st = ST_HEAD;
  c->head_by = 0;
  c->partial = 0;
  c->started = t;
  c->last_io = t;
  wire_begin(&c->w, &c->a, h->o.head_max);
  set_events(h, c, EPOLLIN);
  if (c->in.len) { /* a pipelined request came with the last one */
    c->head_by = t + (int64_t)h->o.head_s * 1000;
    c->partial = 1;
    process(h, c, t);
  }
}

static void do_write(httpd *h, conn *c, int64_t t) {
  size_t hl = c->out.len, total = hl + c->send_len;
  while (c->off < total) {
    struct iovec iov[2];
    int n = 0;
    if (c->off < hl) {
      iov[n].iov_base = c->out.data + c->off;
      iov[n++].iov_len = hl - c->off;
    }
    if (c->send_len) {
      size_t boff = c->off > hl ? c->off - hl : 0;
      iov[n].iov_base = c->rs.body.data + boff;
      iov[n++].iov_len = c->send_len - boff;
    }
    struct msghdr m;
    memset(&m, 0, sizeof m);
    m.msg_iov = iov;
    m.msg_iovlen = (size_t)n;
    ssize_t w = sendmsg(c->fd, &m, MSG_NOSIGNAL);
    if (w < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) {
        set_events(h, c, EPOLLOUT);
        return;
      }
      finish(h, c, t, 1);
      return;
    }
    c->off += (size_t)w;
    c->last_io = t;
  }
  finish(h, c, t, 0);
}

static void dispatch(httpd *h, conn *c) {
  set_events(h, c, 0);
  c->st = ST_WORK;
  c->rq.head = &c->w.head;
  c->rq.body = buf_cstr(&c->body);
  c->rq.body_len = c->body.len;
  c->rq.client = c->client;
  c->rq.user = NULL;
  c->is_write = strcmp(c->w.head.method, "GET") && strcmp(c->w.head.method, "HEAD");
  c->queued_at = now_ms();
  c->qnext = NULL;
  pthread_mutex_lock(&h->mu);
  conn **tail = &h->work;
  while (*tail) tail = &(*tail)->qnext;
  *tail = c;
  /* One request, one worker woken (a broadcast would wake them all to
   * fight over it); a write held back by the writers' limit is taken when
   * the running one ends, which wakes them all. */
  pthread_cond_signal(&h->cv);
  pthread_mutex_unlock(&h->mu);
}

/* Moves the request along with the bytes in c->in. */
static void process(httpd *h, conn *c, int64_t t) {
  while (!c->dead && (c->st == ST_HEAD || c->st == ST_BODY)) {
    if (!c->in.len && c->w.phase != WIRE_HEAD_DONE) return;
    err e;
    err_clear(&e);
    long n = wire_feed(&c->w, c->in.data, c->in.len, &e);
    if (n < 0) {
      refuse(h, c, (int)n, e.msg, t);
      return;
    }
    consume(c, (size_t)n);
    if (c->w.phase == WIRE_HEAD_DONE) {
      const wire_head *hd = &c->w.head;
      c->have_head = 1;
      c->limit = h->o.body_limit(h->o.cls, hd);
      if (hd->content_length > 0 && (uint64_t)hd->content_length > c->limit) {
        char msg[96];
        snprintf(msg, sizeof msg, "the request body is larger than %zu bytes", c->limit);
        refuse(h, c, ERR_TOO_LARGE, msg, t);
        return;
      }
      buf_init(&c->body, c->limit ? c->limit : 1);
      wire_body(&c->w, &c->body, c->limit);
      c->st = ST_BODY;
      if (hd->expect_continue && (hd->chunked || (uint64_t)hd->content_length > c->in.len)) {
        static const char cont[] = "HTTP/1.1 100 Continue\r\n\r\n";
        ssize_t w = send(c->fd, cont, sizeof cont - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
        (void)w; /* the client sends its body anyway after a while */
      }
      continue; /* wire_feed goes on with the body */
    }
    if (c->w.phase == WIRE_DONE) {
      dispatch(h, c);
      return;
    }
    if ((size_t)n == 0) return; /* more bytes needed */
  }
}

static void do_read(httpd *h, conn *c, int64_t t) {
  char tmp[READ_CHUNK];
  for (int k = 0; k < READS_PER_EVENT && !c->dead; k++) {
    if (c->st != ST_HEAD && c->st != ST_BODY && c->st != ST_LINGER) return;
    ssize_t n = recv(c->fd, tmp, sizeof tmp, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) conn_close(h, c);
      return;
    }
    if (n == 0) { /* the client is gone (or done, when lingering) */
      conn_close(h, c);
      return;
    }
    c->last_io = t;
    if (c->st == ST_LINGER) continue;
    if (c->st == ST_HEAD && !c->partial) {
      if (!c->head_by) c->head_by = t + (int64_t)h->o.head_s * 1000;
      c->started = t;
      c->partial = 1;
    }
    buf_append(&c->in, tmp, (size_t)n);
    process(h, c, t);
  }
}

static void accept_all(httpd *h, int64_t t) {
  for (int k = 0; k < 64; k++) {
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    int fd = accept4(h->lfd, (struct sockaddr *)&ss, &sl, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
        /* Out of descriptors: stop watching the socket for a moment
         * rather than spin on it. */
        epoll_ctl(h->ep, EPOLL_CTL_DEL, h->lfd, NULL);
        h->listening = 0;
        h->accept_again = t + 200;
      }
      return;
    }
    /* Past the limit: a 503 and closed; past it by more, closed at once. */
    int full = h->nconns >= h->o.max_connections;
    if (h->nconns >= h->o.max_connections + OVER_LIMIT) {
      close(fd);
      continue;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    conn *c = xcalloc(1, sizeof *c);
    c->fd = fd;
    c->st = ST_HEAD;
    snprintf(c->client, sizeof c->client, "?");
    if (ss.ss_family == AF_INET)
      inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, c->client, sizeof c->client);
    else if (ss.ss_family == AF_INET6)
      inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, c->client, sizeof c->client);
    buf_init(&c->in, h->o.head_max + READ_CHUNK);
    arena_init(&c->a);
    wire_begin(&c->w, &c->a, h->o.head_max);
    c->head_by = t + (int64_t)h->o.head_s * 1000; /* from the connection on */
    c->last_io = c->started = t;
    c->next = h->conns;
    if (h->conns) h->conns->prev = c;
    h->conns = c;
    h->nconns++;
    set_events(h, c, EPOLLIN);
    if (!c->registered) {
      conn_close(h, c);
    } else if (full) {
      char msg[96];
      snprintf(msg, sizeof msg, "the server has %d connections open; try again shortly",
               h->o.max_connections);
      refuse(h, c, ERR_BUSY, msg, t);
    }
  }
}

static void listen_stop(httpd *h) {
  if (h->lfd < 0) return;
  if (h->listening) epoll_ctl(h->ep, EPOLL_CTL_DEL, h->lfd, NULL);
  close(h->lfd);
  h->lfd = -1;
  h->listening = 0;
}

/* Answers from the workers. */
static void take_done(httpd *h, int64_t t) {
  pthread_mutex_lock(&h->mu);
  conn *list = h->done;
  h->done = NULL;
  pthread_mutex_unlock(&h->mu);
  while (list) {
    conn *c = list;
    list = c->qnext;
    c->qnext = NULL;
    if (h->lstop && t > h->lstop_by) { /* too late to answer */
      c->answered = 1;
      finish(h, c, t, 1);
      continue;
    }
    start_answer(h, c, t);
  }
}

/* Deadlines. */
static void sweep(httpd *h, int64_t t) {
  int64_t idle = (int64_t)h->o.idle_s * 1000;
  char msg[128];
  for (conn *c = h->conns; c; c = c->next) {
    if (c->dead) continue;
    switch (c->st) {
      case ST_HEAD:
        if (h->lstop && !c->partial) {
          conn_close(h, c);
        } else if ((c->head_by && t > c->head_by) || t - c->last_io > idle) {
          int late = c->head_by && t > c->head_by;
          if (!c->partial) {
            conn_close(h, c); /* nothing sent: nothing to answer */
          } else {
            if (late) snprintf(msg, sizeof msg, "the request line and headers took longer than %d s", h->o.head_s);
            else snprintf(msg, sizeof msg, "no bytes of the request for %d s", h->o.idle_s);
            refuse(h, c, ERR_REQUEST_TIMEOUT, msg, t);
          }
        }
        break;
      case ST_BODY:
        if (t - c->last_io > idle) {
          snprintf(msg, sizeof msg, "no bytes of the request body for %d s", h->o.idle_s);
          refuse(h, c, ERR_REQUEST_TIMEOUT, msg, t);
        }
        break;
      case ST_WRITE:
        if (t - c->last_io > idle) finish(h, c, t, 1);
        break;
      case ST_LINGER:
        if (t > c->linger_by) conn_close(h, c);
        break;
      case ST_WORK:
        break;
    }
    if (h->lstop && t > h->lstop_by && c->st != ST_WORK && !c->dead) {
      if (c->st == ST_WRITE) finish(h, c, t, 1);
      conn_close(h, c);
    }
  }
  if (!h->listening && h->lfd >= 0 && t >= h->accept_again) {
    struct epoll_event e = {.events = EPOLLIN, .data.ptr = &h->lfd};
    if (epoll_ctl(h->ep, EPOLL_CTL_ADD, h->lfd, &e) == 0) h->listening = 1;
  }
}

static void reap(httpd *h) {
  for (conn *c = h->conns, *next; c; c = next) {
    next = c->next;
    if (c->dead) conn_free(h, c);
  }
}

static void *loop_main(void *arg) {
  httpd *h = arg;
  struct epoll_event evs[64];
  int64_t next_sweep = now_ms() + SWEEP_MS;
  for (;;) {
    int n = epoll_wait(h->ep, evs, 64, SWEEP_MS);
    int64_t t = now_ms();
    int woken = 0;
    for (int i = 0; i < n; i++) {
      void *p = evs[i].data.ptr;
      if (p == &h->lfd) {
        if (h->lfd >= 0 && !h->lstop) accept_all(h, t);
        continue;
      }
      if (p == &h->wake) {
        uint64_t v;
        ssize_t r = read(h->wake, &v, sizeof v);
        (void)r;
        woken = 1;
        continue;
      }
      conn *c = p;
      if (c->dead) continue;
      unsigned ev = evs[i].events;
      if (c->st == ST_WRITE) {
        if (ev & (EPOLLOUT | EPOLLERR | EPOLLHUP)) do_write(h, c, t);
      } else if (c->st != ST_WORK) {
        if (ev & (EPOLLIN | EPOLLERR | EPOLLHUP)) do_read(h, c, t);
      }
    }
    if (woken) {
      pthread_mutex_lock(&h->mu);
      int stopping = h->stopping;
      int64_t stop_by = h->stop_by;
      pthread_mutex_unlock(&h->mu);
      if (stopping && !h->lstop) { /* httpd_stop has been called */
        h->lstop = 1;
        h->lstop_by = stop_by;
        listen_stop(h);
        for (conn *c = h->conns; c; c = c->next)
          if (!c->dead && c->st == ST_HEAD && !c->partial) conn_close(h, c);
      }
      take_done(h, t);
    }
    if (t >= next_sweep) {
      sweep(h, t);
      next_sweep = t + SWEEP_MS;
    }
    reap(h);
    if (h->lstop && !h->nconns) break;
  }
  return NULL;
}

/* Takes the oldest request a worker may run now; NULL when none. */
/* The next request to run: a write first while the writers' limit allows
 * one (a write holds the database's lock for others; behind a queue of
 * reads it would wait for all of them), else the oldest request. Writes
 * run one at a time, so reads keep the other workers. */
static conn *take_work(httpd *h) {
  conn **pick = NULL;
  for (conn **pp = &h->work; *pp; pp = &(*pp)->qnext) {
    conn *c = *pp;
    if (c->is_write && h->writes_running >= h->writes_max) continue;
    if (c->is_write) {
      pick = pp;
      break;
    }
    if (!pick) pick = pp;
  }
  if (!pick) return NULL;
  conn *c = *pick;
  *pick = c->qnext;
  c->qnext = NULL;
  return c;
}

static void *worker_main(void *arg) {
  httpd *h = arg;
  pthread_mutex_lock(&h->mu);
  for (;;) {
    conn *c = take_work(h);
    if (!c) {
      if (h->stop_workers) break;
      pthread_cond_wait(&h->cv, &h->mu);
      continue;
    }
    if (c->is_write) h->writes_running++;
    pthread_mutex_unlock(&h->mu);
    buf_init(&c->rs.headers, 0);
    buf_init(&c->rs.body, 0);
    c->rs.status = 0;
    c->rq.queued_ms = (long)(now_ms() - c->queued_at);
    h->o.handle(h->o.cls, &c->rq, &c->rs);
    pthread_mutex_lock(&h->mu);
    if (c->is_write) {
      h->writes_running--;
      pthread_cond_broadcast(&h->cv); /* a write may have been waiting for this */
    }
    c->qnext = h->done;
    h->done = c;
    pthread_mutex_unlock(&h->mu);
    uint64_t one = 1;
    ssize_t w = write(h->wake, &one, sizeof one);
    (void)w;
    pthread_mutex_lock(&h->mu);
  }
  pthread_mutex_unlock(&h->mu);
  return NULL;
}

static int listen_on(httpd *h, err *e) {
  const struct sockaddr *sa = h->o.addr;
  h->lfd = socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (h->lfd < 0) return err_set(e, ERR_IO, "cannot open a socket: %s", strerror(errno));
  int one = 1;
  setsockopt(h->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (bind(h->lfd, sa, h->o.addrlen) < 0 || listen(h->lfd, 511) < 0)
    return err_set(e, ERR_IO, "%s", strerror(errno));
  struct sockaddr_storage ss;
  socklen_t sl = sizeof ss;
  if (getsockname(h->lfd, (struct sockaddr *)&ss, &sl) == 0)
    h->port = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
                                              : ((struct sockaddr_in *)&ss)->sin_port);
  return 0;
}

int httpd_start(httpd **out, const httpd_opts *o, err *e) {
  httpd *h = xcalloc(1, sizeof *h);
  h->o = *o;
  if (h->o.workers < 1) h->o.workers = 1;
  h->writes_max = h->o.writers < 1 ? 1 : h->o.writers;
  h->lfd = h->ep = h->wake = -1;
  pthread_mutex_init(&h->mu, NULL);
  pthread_cond_init(&h->cv, NULL);
  wire_limit_head(h->o.head_max);
  int rc = listen_on(h, e);
  if (!rc) {
    h->ep = epoll_create1(EPOLL_CLOEXEC);
    h->wake = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    struct epoll_event le = {.events = EPOLLIN, .data.ptr = &h->lfd};
    struct epoll_event we = {.events = EPOLLIN, .data.ptr = &h->wake};
    if (h->ep < 0 || h->wake < 0 || epoll_ctl(h->ep, EPOLL_CTL_ADD, h->lfd, &le) ||
        epoll_ctl(h->ep, EPOLL_CTL_ADD, h->wake, &we))
      rc = err_set(e, ERR_IO, "cannot set up the event loop: %s", strerror(errno));
    h->listening = !rc;
  }
  if (!rc) {
    h->workers = xcalloc((size_t)h->o.workers, sizeof *h->workers);
    for (; h->nworkers < h->o.workers; h->nworkers++)
      if (pthread_create(&h->workers[h->nworkers], NULL, worker_main, h)) break;
    if (h->nworkers < h->o.workers || pthread_create(&h->loop, NULL, loop_main, h)) {
      rc = err_set(e, ERR_IO, "cannot start the server's threads");
      pthread_mutex_lock(&h->mu);
      h->stop_workers = 1;
      pthread_cond_broadcast(&h->cv);
      pthread_mutex_unlock(&h->mu);
      for (int i = 0; i < h->nworkers; i++) pthread_join(h->workers[i], NULL);
    }
  }
  if (rc) {
    if (h->lfd >= 0) close(h->lfd);
    if (h->ep >= 0) close(h->ep);
    if (h->wake >= 0) close(h->wake);
    free(h->workers);
    pthread_mutex_destroy(&h->mu);
    pthread_cond_destroy(&h->cv);
    free(h);
    return rc;
  }
  *out = h;
  return 0;
}

unsigned httpd_port(const httpd *h) { return h->port; }

void httpd_stop(httpd *h, int grace_s) {
  pthread_mutex_lock(&h->mu);
  h->stopping = 1;
  h->stop_by = now_ms() + (int64_t)grace_s * 1000;
  pthread_mutex_unlock(&h->mu);
  uint64_t one = 1;
  ssize_t w = write(h->wake, &one, sizeof one);
  (void)w;
  pthread_join(h->loop, NULL);
  pthread_mutex_lock(&h->mu);
  h->stop_workers = 1;
  pthread_cond_broadcast(&h->cv);
  pthread_mutex_unlock(&h->mu);
  for (int i = 0; i < h->nworkers; i++) pthread_join(h->workers[i], NULL);
  listen_stop(h);
  close(h->ep);
  close(h->wake);
  free(h->workers);
  pthread_mutex_destroy(&h->mu);
  pthread_cond_destroy(&h->cv);
  free(h);
}
