/* wire.c: HTTP/1.1 requests off the socket (wire.h): http-parser reads
 * them; the callbacks below collect the pieces and add the checks the
 * library does not make. */
#include "web/wire.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static int is_tchar(unsigned char c) {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return 1;
  return c && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static int hexval(unsigned char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Percent-decodes s[0..n) into a new string in a; '+' becomes a space when
 * plus is set. A '%' not followed by two hex digits stays as it is. Sets
 * *nul when the result holds a NUL byte. */
static char *decode(arena *a, const char *s, size_t n, int plus, int *nul) {
  char *out = arena_alloc(a, n + 1), *w = out;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    int h = -1, l = -1;
    if (c == '%' && i + 2 < n) {
      h = hexval((unsigned char)s[i + 1]);
      l = hexval((unsigned char)s[i + 2]);
    }
    if (h >= 0 && l >= 0) {
      c = (unsigned char)(h * 16 + l);
      if (!c) *nul = 1;
      i += 2;
    } else if (c == '+' && plus) {
      c = ' ';
    }
    *w++ = (char)c;
  }
  *w = 0;
  return out;
}

/* Transfer-Encoding: the codings listed must be exactly "chunked". */
static int transfer_codings(const char *v, int *chunked, err *e) {
  const char *p = v;
  while (*p) {
    while (*p == ' ' || *p == '\t' || *p == ',') p++;
    if (!*p) break;
    const char *s = p;
    while (*p && *p != ',') p++;
    size_t n = (size_t)(p - s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t')) n--;
    if (n == 7 && !strncasecmp(s, "chunked", 7) && !*chunked) {
      *chunked = 1;
      continue;
    }
    return err_set(e, ERR_NOT_IMPLEMENTED, "the transfer coding '%.*s' is not supported (only chunked is)",
                   (int)(n > 40 ? 40 : n), s);
  }
  return 0;
}


/* Records a refusal made in a callback; returns -1 (the callback fails). */
static int refuse(wire_req *w, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int refuse(wire_req *w, int code, const char *fmt, ...) {
  if (w->code) return -1;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(w->msg, sizeof w->msg, fmt, ap);
  va_end(ap);
  w->code = code;
  return -1;
}

/* The header field read so far, with its value, joins the head. */
static int end_header(wire_req *w) {
  if (!w->got_field) return 0;
  w->got_field = w->in_value = 0;
  const char *name = buf_cstr(&w->field);
  /* http-parser as Debian builds it (not strict) lets "Host : x" through;
   * RFC 9112 5.1 says to refuse it. */
  for (const char *p = name; *p; p++)
    if (!is_tchar((unsigned char)*p))
      return refuse(w, ERR_BAD_REQUEST, "a header field name holds a space or a character not allowed");
  if (w->head.nheaders >= WIRE_HEADERS_MAX)
    return refuse(w, ERR_HEADERS_TOO_LARGE, "more than %d header fields", WIRE_HEADERS_MAX);
  const char *v = buf_cstr(&w->value);
  size_t vl = w->value.len;
  while (vl && (*v == ' ' || *v == '\t')) v++, vl--;
  while (vl && (v[vl - 1] == ' ' || v[vl - 1] == '\t')) vl--;
  wire_pair *pr = &w->head.headers[w->head.nheaders++];
  pr->name = arena_strndup(w->a, name, w->field.len);
  pr->value = arena_strndup(w->a, v, vl);
  buf_reset(&w->field);
  buf_reset(&w->value);
  return 0;
}

/* A request line past head_max: 414, or 400 when it holds more query
 * parameters than any route takes (so that any number of them is a 400). */
static int line_too_long(wire_req *w) {
  if (w->in_query && w->amps + 1 > WIRE_PARAMS_MAX)
    return refuse(w, ERR_VALIDATION, "more than %d query parameters", WIRE_PARAMS_MAX);
  return refuse(w, ERR_URI_TOO_LONG, "the request line is longer than %zu bytes", w->head_max);
}

static int on_url(http_parser *p, const char *at, size_t n) {
  wire_req *w = p->data;
  if (buf_append(&w->url, at, n) < 0) return line_too_long(w);
  return 0;
}

static int on_header_field(http_parser *p, const char *at, size_t n) {
  wire_req *w = p->data;
  if (w->phase != WIRE_HEAD) return 0; /* a trailer field: not kept */
  if (w->in_value && end_header(w)) return -1;
  w->got_field = 1;
  if (buf_append(&w->field, at, n) < 0)
    return refuse(w, ERR_HEADERS_TOO_LARGE, "a header field is longer than %zu bytes", w->head_max);
  return 0;
}

static int on_header_value(http_parser *p, const char *at, size_t n) {
  wire_req *w = p->data;
  if (w->phase != WIRE_HEAD) return 0;
  w->in_value = 1;
  if (buf_append(&w->value, at, n) < 0)
    return refuse(w, ERR_HEADERS_TOO_LARGE, "a header field is longer than %zu bytes", w->head_max);
  return 0;
}

/* The request target: a path ("/x?a=b"), or the absolute form
 * ("http://host/x", RFC 9112 3.2.2) reduced to its path, split by
 * http_parser_parse_url; the path and parameters decoded. */
static int take_target(wire_req *w) {
  wire_head *h = &w->head;
  const char *t = buf_cstr(&w->url);
  h->target = arena_strndup(w->a, t, w->url.len);
  struct http_parser_url u;
  http_parser_url_init(&u);
  if (http_parser_parse_url(t, w->url.len, 0, &u) ||
      (!(u.field_set & (1 << UF_PATH)) && !(u.field_set & (1 << UF_SCHEMA))))
    return refuse(w, ERR_BAD_REQUEST, "the request target must be a path starting with '/'");
  int nul = 0;
  if (u.field_set & (1 << UF_PATH))
    h->path = decode(w->a, t + u.field_data[UF_PATH].off, u.field_data[UF_PATH].len, 0, &nul);
  else
    h->path = "/";
  if (nul) return refuse(w, ERR_BAD_REQUEST, "the path holds a NUL byte (%%00)");
  if (h->path[0] != '/') /* "*" (OPTIONS) is a target http-parser takes */
    return refuse(w, ERR_BAD_REQUEST, "the request target must be a path starting with '/'");
  if (!(u.field_set & (1 << UF_QUERY))) return 0;
  const char *q = t + u.field_data[UF_QUERY].off, *qend = q + u.field_data[UF_QUERY].len;
  size_t n = 1;
  for (const char *p = q; p < qend; p++) n += *p == '&';
  h->params = arena_alloc(w->a, n * sizeof *h->params);
  for (const char *p = q; p < qend;) {
    const char *amp = memchr(p, '&', (size_t)(qend - p));
    size_t len = amp ? (size_t)(amp - p) : (size_t)(qend - p);
    if (len) {
      const char *eq = memchr(p, '=', len);
      size_t klen = eq ? (size_t)(eq - p) : len;
      wire_pair *pr = &h->params[h->nparams++];
      pr->name = decode(w->a, p, klen, 1, &nul);
      pr->value = eq ? decode(w->a, eq + 1, len - klen - 1, 1, &nul) : "";
      if (nul) return refuse(w, ERR_BAD_REQUEST, "a query parameter holds a NUL byte (%%00)");
    }
    p += len + (amp ? 1 : 0);
  }
  return 0;
}

static int on_headers_complete(http_parser *p) {
  wire_req *w = p->data;
  wire_head *h = &w->head;
  http_parser_pause(p, 1); /* the caller looks at the head before any body */
  if (end_header(w)) return 0;
  w->phase = WIRE_HEAD_DONE;
  h->method = http_method_str((enum http_method)p->method);
  if (p->http_major != 1) {
    refuse(w, ERR_HTTP_VERSION, "only HTTP/1.1 and HTTP/1.0 are spoken here");
    return 0;
  }
  h->minor = p->http_minor ? 1 : 0;
  if (take_target(w)) return 0;
  h->content_length = (p->flags & F_CONTENTLENGTH) ? (int64_t)p->content_length : -1;
  /* http-parser reads "gzip, chunked" as chunked, and refuses other codings
   * only once the body starts; we implement chunked alone (501 otherwise). */
  int chunked = 0;
  for (int i = 0; i < h->nheaders; i++)
    if (!strcasecmp(h->headers[i].name, "Transfer-Encoding")) {
      err e;
      if (transfer_codings(h->headers[i].value, &chunked, &e)) {
        refuse(w, e.code, "%s", e.msg);
        return 0;
      }
      if (!chunked) {
        refuse(w, ERR_NOT_IMPLEMENTED, "an empty Transfer-Encoding is not supported");
        return 0;
      }
    }
  h->chunked = (p->flags & F_CHUNKED) != 0;
  h->keep_alive = http_should_keep_alive(p) != 0;
  const char *ex = wire_header(h, "Expect");
  h->expect_continue = h->minor >= 1 && ex && !strcasecmp(ex, "100-continue");
  return 0;
}

static int on_chunk_header(http_parser *p) {
  wire_req *w = p->data;
  uint64_t n = p->content_length;
  if (n > w->limit || w->body->len + n > w->limit)
    return refuse(w, ERR_TOO_LARGE, "the request body is larger than %zu bytes", w->limit);
  w->chunk_left = n;
  return 0;
}

/* Checks the CRLF that must follow a chunk's data, from at on (the rest,
 * past the bytes given, at the next wire_feed). http-parser as Debian
 * builds it skips any two bytes there. */
static int check_crlf(wire_req *w, const char *at) {
  while (w->crlf_need && at < w->feed_end) {
    char want = w->crlf_need == 2 ? '\r' : '\n';
    if (*at++ != want) return refuse(w, ERR_BAD_REQUEST, "a chunk is longer than its size says");
    w->crlf_need--;
  }
  return 0;
}

static int on_body(http_parser *p, const char *at, size_t n) {
  wire_req *w = p->data;
  if (buf_append(w->body, at, n) < 0 || w->body->len > w->limit)
    return refuse(w, ERR_TOO_LARGE, "the request body is larger than %zu bytes", w->limit);
  if (w->head.chunked) {
    w->chunk_left = n < w->chunk_left ? w->chunk_left - n : 0;
    if (!w->chunk_left) {
      w->crlf_need = 2;
      return check_crlf(w, at + n);
    }
  }
  return 0;
}

static int on_message_complete(http_parser *p) {
  wire_req *w = p->data;
  w->phase = WIRE_DONE;
  http_parser_pause(p, 1); /* what follows is the next request */
  return 0;
}

static const http_parser_settings settings = {
    .on_url = on_url,
    .on_header_field = on_header_field,
    .on_header_value = on_header_value,
    .on_headers_complete = on_headers_complete,
    .on_body = on_body,
    .on_message_complete = on_message_complete,
    .on_chunk_header = on_chunk_header,
};

void wire_limit_head(size_t head_max) { http_parser_set_max_header_size((uint32_t)head_max); }

void wire_begin(wire_req *w, arena *a, size_t head_max) {
  wire_end(w);
  memset(w, 0, sizeof *w);
  http_parser_init(&w->p, HTTP_REQUEST);
  w->p.data = w;
  w->a = a;
  w->head_max = head_max;
  w->head.content_length = -1;
  w->head.headers = arena_alloc(a, WIRE_HEADERS_MAX * sizeof *w->head.headers);
  buf_init(&w->url, head_max);
  buf_init(&w->field, head_max);
  buf_init(&w->value, head_max);
}

void wire_body(wire_req *w, buf *body, size_t limit) {
  w->body = body;
  w->limit = limit;
}

void wire_end(wire_req *w) {
  buf_free(&w->url);
  buf_free(&w->field);
  buf_free(&w->value);
}

/* What http-parser refused, as our code and words. */
static int library_refusal(wire_req *w, enum http_errno er, err *e) {
  switch (er) {
    case HPE_HEADER_OVERFLOW:
      if (w->line_len > w->head_max) {
        line_too_long(w);
        return err_set(e, w->code, "%s", w->msg);
      }
      return err_set(e, ERR_HEADERS_TOO_LARGE, "the request line and headers are larger than %zu bytes",
                     w->head_max);
    case HPE_INVALID_TRANSFER_ENCODING:
      return err_set(e, ERR_NOT_IMPLEMENTED, "the transfer coding is not supported (only chunked is)");
    case HPE_UNEXPECTED_CONTENT_LENGTH: {
      /* a second Content-Length, or one with Transfer-Encoding: which? */
      int te = w->got_field && !strcasecmp(buf_cstr(&w->field), "Transfer-Encoding");
      for (int i = 0; i < w->head.nheaders && !te; i++)
        te = !strcasecmp(w->head.headers[i].name, "Transfer-Encoding");
      if (te) return err_set(e, ERR_BAD_REQUEST, "the request has both Content-Length and Transfer-Encoding");
      return err_set(e, ERR_BAD_REQUEST, "the request has more than one Content-Length");
    }
    default:
      return err_set(e, ERR_BAD_REQUEST, "the request is not valid HTTP/1.1: %s", http_errno_description(er));
  }
}

long wire_feed(wire_req *w, const char *data, size_t len, err *e) {
  if (w->phase == WIRE_HEAD_DONE) {
    w->phase = WIRE_BODY;
    /* http-parser paused on the head's last LF, which it takes now (and
     * then ends a request without a body by itself). */
    if (!len && !w->head.chunked && w->head.content_length <= 0) w->phase = WIRE_DONE;
  }
  if (w->phase == WIRE_DONE || !len) return 0;
  w->feed_end = data + len;
  /* The request line's length and parameters, for a refusal that says
   * which limit it passed (http-parser counts the line with the headers). */
  for (size_t i = 0; w->phase == WIRE_HEAD && !w->line_done && i < len; i++) {
    if (data[i] == '\n') w->line_done = 1;
    else if (data[i] == '?' && !w->in_query) w->in_query = 1;
    else if (data[i] == '&' && w->in_query) w->amps++;
    if (!w->line_done) w->line_len++;
  }
  if (w->crlf_need && check_crlf(w, data)) return err_set(e, w->code, "%s", w->msg);
  http_parser_pause(&w->p, 0);
  size_t n = http_parser_execute(&w->p, &settings, data, len);
  enum http_errno er = HTTP_PARSER_ERRNO(&w->p);
  if (w->code) return err_set(e, w->code, "%s", w->msg);
  if (er != HPE_OK && er != HPE_PAUSED) return library_refusal(w, er, e);
  return (long)n;
}

const char *wire_header(const wire_head *h, const char *name) {
  for (int i = 0; i < h->nheaders; i++)
    if (!strcasecmp(h->headers[i].name, name)) return h->headers[i].value;
  return NULL;
}

const char *wire_cookie(const wire_head *h, const char *name, arena *a) {
  size_t nl = strlen(name);
  for (int i = 0; i < h->nheaders; i++) {
    if (strcasecmp(h->headers[i].name, "Cookie")) continue;
    for (const char *p = h->headers[i].value; *p;) {
      while (*p == ' ' || *p == '\t' || *p == ';') p++;
      const char *end = strchr(p, ';');
      if (!end) end = p + strlen(p);
      const char *eq = memchr(p, '=', (size_t)(end - p));
      if (eq && (size_t)(eq - p) == nl && !strncmp(p, name, nl)) {
        const char *v = eq + 1, *ve = end;
        while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t')) ve--;
        if (ve - v >= 2 && v[0] == '"' && ve[-1] == '"') {
          v++;
          ve--;
        }
        return arena_strndup(a, v, (size_t)(ve - v));
      }
      p = end;
    }
  }
  return NULL;
}

size_t wire_query_count(const char *data, size_t len) {
  const char *q = memchr(data, '?', len);
  if (!q) return 0;
  size_t n = 1;
  for (const char *p = q + 1; p < data + len; p++) {
    if (*p == ' ' || *p == '\r' || *p == '\n') break;
    if (*p == '&') n++;
  }
  return n;
}

