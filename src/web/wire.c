/* wire.c: the HTTP/1.1 request head and chunked bodies, strictly (wire.h). */
#include "web/wire.h"

#include <string.h>
#include <strings.h>

static int is_tchar(unsigned char c) {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return 1;
  return c && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/* A field value's bytes: HTAB, SP, visible ASCII and obs-text (RFC 9110 5.5). */
static int is_vbyte(unsigned char c) { return c == '\t' || (c >= 0x20 && c != 0x7f); }

static int hexval(unsigned char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

size_t wire_head_end(const char *data, size_t len, size_t *scanned) {
  size_t i = *scanned > 2 ? *scanned - 2 : 0;
  while (i < len) {
    const char *nl = memchr(data + i, '\n', len - i);
    if (!nl) break;
    i = (size_t)(nl - data);
    if (i + 1 < len && data[i + 1] == '\n') return i + 2;
    if (i + 2 < len && data[i + 1] == '\r' && data[i + 2] == '\n') return i + 3;
    i++;
  }
  *scanned = len;
  return 0;
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

/* Parses a list of Content-Length values ("42" or "42, 42"); all must be
 * equal, within one header and with *cl (-1 before the first). */
static int content_length(const char *v, int64_t *cl, err *e) {
  const char *p = v;
  for (;;) {
    while (*p == ' ' || *p == '\t') p++;
    if (*p < '0' || *p > '9')
      return err_set(e, ERR_BAD_REQUEST, "Content-Length must be a number of bytes: '%.60s'", v);
    int64_t n = 0;
    for (; *p >= '0' && *p <= '9'; p++)
      n = n > (WIRE_CONTENT_LENGTH_HUGE - 9) / 10 ? WIRE_CONTENT_LENGTH_HUGE : n * 10 + (*p - '0');
    while (*p == ' ' || *p == '\t') p++;
    if (*cl >= 0 && *cl != n)
      return err_set(e, ERR_BAD_REQUEST, "the request has differing Content-Length values");
    *cl = n;
    if (!*p) return 0;
    if (*p != ',') return err_set(e, ERR_BAD_REQUEST, "Content-Length must be a number of bytes: '%.60s'", v);
    p++;
  }
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

/* 1 when the comma-separated list v holds token (any case). */
static int has_token(const char *v, const char *token) {
  size_t tl = strlen(token);
  for (const char *p = v; *p;) {
    while (*p == ' ' || *p == '\t' || *p == ',') p++;
    const char *s = p;
    while (*p && *p != ',') p++;
    size_t n = (size_t)(p - s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t')) n--;
    if (n == tl && !strncasecmp(s, token, tl)) return 1;
  }
  return 0;
}

static int parse_request_line(char *line, arena *a, wire_head *h, err *e) {
  char *sp1 = strchr(line, ' ');
  char *sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
  if (!sp1 || !sp2 || strchr(sp2 + 1, ' '))
    return err_set(e, ERR_BAD_REQUEST, "the request line is not METHOD TARGET HTTP/1.1");
  *sp1 = *sp2 = 0;
  const char *method = line, *target = sp1 + 1, *version = sp2 + 1;
  if (!*method || strlen(method) > 32)
    return err_set(e, ERR_BAD_REQUEST, "the request line is not METHOD TARGET HTTP/1.1");
  for (const char *p = method; *p; p++)
    if (!is_tchar((unsigned char)*p))
      return err_set(e, ERR_BAD_REQUEST, "the request line is not METHOD TARGET HTTP/1.1");
  if (strncmp(version, "HTTP/", 5) || version[5] < '0' || version[5] > '9' || version[6] != '.' ||
      version[7] < '0' || version[7] > '9' || version[8])
    return err_set(e, ERR_BAD_REQUEST, "the request line is not METHOD TARGET HTTP/1.1");
  if (version[5] != '1') return err_set(e, ERR_HTTP_VERSION, "only HTTP/1.1 and HTTP/1.0 are spoken here");
  h->minor = version[7] == '0' ? 0 : 1;
  /* The absolute form (as sent to a proxy) must be accepted too (RFC 9112
   * 3.2.2): its scheme and authority are dropped. */
  if (!strncasecmp(target, "http://", 7) || !strncasecmp(target, "https://", 8)) {
    const char *slash = strchr(strstr(target, "//") + 2, '/');
    target = slash ? slash : "/";
  }
  if (target[0] != '/')
    return err_set(e, ERR_BAD_REQUEST, "the request target must be a path starting with '/'");
  for (const unsigned char *p = (const unsigned char *)target; *p; p++)
    if (*p <= 0x20 || *p >= 0x7f)
      return err_set(e, ERR_BAD_REQUEST, "the request target holds a byte that must be percent-encoded");
  h->method = method;
  h->target = target;
  const char *q = strchr(target, '?');
  size_t plen = q ? (size_t)(q - target) : strlen(target);
  int nul = 0;
  h->path = decode(a, target, plen, 0, &nul);
  if (nul) return err_set(e, ERR_BAD_REQUEST, "the path holds a NUL byte (%%00)");
  if (!q) return 0;
  size_t n = wire_query_count(q, strlen(q));
  h->params = arena_alloc(a, (n ? n : 1) * sizeof *h->params);
  for (const char *p = q + 1; *p;) {
    const char *amp = strchr(p, '&');
    size_t len = amp ? (size_t)(amp - p) : strlen(p);
    if (len) {
      const char *eq = memchr(p, '=', len);
      size_t klen = eq ? (size_t)(eq - p) : len;
      wire_pair *pr = &h->params[h->nparams++];
      pr->name = decode(a, p, klen, 1, &nul);
      pr->value = eq ? decode(a, eq + 1, len - klen - 1, 1, &nul) : "";
      if (nul) return err_set(e, ERR_BAD_REQUEST, "a query parameter holds a NUL byte (%%00)");
    }
    p += len + (amp ? 1 : 0);
  }
  return 0;
}

int wire_parse_head(const char *data, size_t len, arena *a, wire_head *h, err *e) {
  memset(h, 0, sizeof *h);
  h->content_length = -1;
  if (memchr(data, 0, len)) return err_set(e, ERR_BAD_REQUEST, "the request holds a NUL byte");
  char *text = arena_strndup(a, data, len);
  /* Count the lines first: the header array is allocated once. */
  size_t nlines = 0;
  for (const char *p = text; (p = strchr(p, '\n')); p++) nlines++;
  h->headers = arena_alloc(a, (nlines ? nlines : 1) * sizeof *h->headers);
  int te = 0;
  char *line = text;
  for (size_t ln = 0; *line; ln++) {
    char *nl = strchr(line, '\n');
    if (!nl) return err_set(e, ERR_BAD_REQUEST, "the request head is not complete");
    *nl = 0;
    if (nl > line && nl[-1] == '\r') nl[-1] = 0;
    char *next = nl + 1;
    if (ln == 0) {
      if (strchr(line, '\r')) return err_set(e, ERR_BAD_REQUEST, "a bare CR in the request line");
      int rc = parse_request_line(line, a, h, e);
      if (rc) return rc;
      line = next;
      continue;
    }
    if (!*line) break; /* the empty line: the end of the head */
    if (line[0] == ' ' || line[0] == '\t')
      return err_set(e, ERR_BAD_REQUEST, "a header field folded over lines (obsolete line folding)");
    char *colon = strchr(line, ':');
    if (!colon || colon == line)
      return err_set(e, ERR_BAD_REQUEST, "a header line is not NAME: VALUE");
    for (const char *p = line; p < colon; p++)
      if (!is_tchar((unsigned char)*p))
        return err_set(e, ERR_BAD_REQUEST, "a header field name holds a space or a character not allowed");
    *colon = 0;
    char *v = colon + 1;
    while (*v == ' ' || *v == '\t') v++;
    size_t vl = strlen(v);
    while (vl && (v[vl - 1] == ' ' || v[vl - 1] == '\t')) v[--vl] = 0;
    for (const char *p = v; *p; p++)
      if (!is_vbyte((unsigned char)*p))
        return err_set(e, ERR_BAD_REQUEST, "the header field %.40s holds a control character", line);
    if (h->nheaders >= WIRE_HEADERS_MAX)
      return err_set(e, ERR_HEADERS_TOO_LARGE, "more than %d header fields", WIRE_HEADERS_MAX);
    h->headers[h->nheaders].name = line;
    h->headers[h->nheaders].value = v;
    h->nheaders++;
    int rc = 0;
    if (!strcasecmp(line, "Content-Length")) rc = content_length(v, &h->content_length, e);
    else if (!strcasecmp(line, "Transfer-Encoding")) te = 1;
    else if (!strcasecmp(line, "Expect") && !strcasecmp(v, "100-continue")) {
      h->expect_continue = h->minor >= 1;
    }
    if (rc) return rc;
    line = next;
  }
  if (!h->method) return err_set(e, ERR_BAD_REQUEST, "the request line is missing");
  if (te && h->content_length >= 0)
    return err_set(e, ERR_BAD_REQUEST, "the request has both Content-Length and Transfer-Encoding");
  for (int i = 0; te && i < h->nheaders; i++)
    if (!strcasecmp(h->headers[i].name, "Transfer-Encoding")) {
      int rc = transfer_codings(h->headers[i].value, &h->chunked, e);
      if (rc) return rc;
    }
  if (te && !h->chunked) return err_set(e, ERR_NOT_IMPLEMENTED, "an empty Transfer-Encoding is not supported");
  h->keep_alive = h->minor >= 1;
  for (int i = 0; i < h->nheaders; i++)
    if (!strcasecmp(h->headers[i].name, "Connection") && has_token(h->headers[i].value, "close"))
      h->keep_alive = 0;
  return 0;
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

enum { CH_SIZE, CH_SIZE_MORE, CH_EXT, CH_SIZE_LF, CH_DATA, CH_DATA_CR, CH_DATA_LF, CH_TRAILER,
       CH_TRAILER_LINE, CH_END_LF, CH_DONE };

#define CHUNK_LINE_MAX 4096  /* a chunk-size line with its extensions */
#define CHUNK_TRAILERS_MAX 8192

long wire_chunked_feed(wire_chunked *c, const char *in, size_t len, buf *body, size_t limit,
                       int *done, err *e) {
  size_t i = 0;
  *done = c->state == CH_DONE;
  while (i < len && c->state != CH_DONE) {
    unsigned char ch = (unsigned char)in[i];
    switch (c->state) {
      case CH_SIZE:
      case CH_SIZE_MORE: {
        int d = hexval(ch);
        if (d >= 0) {
          if (c->left >> 60) return err_set(e, ERR_BAD_REQUEST, "a chunk size is too long");
          c->left = c->left * 16 + (uint64_t)d;
          c->state = CH_SIZE_MORE;
        } else if (c->state == CH_SIZE) {
          return err_set(e, ERR_BAD_REQUEST, "a chunk does not start with its size in hexadecimal");
        } else if (ch == ';' || ch == ' ' || ch == '\t') {
          c->state = CH_EXT;
        } else if (ch == '\r') {
          c->state = CH_SIZE_LF;
        } else if (ch == '\n') {
          c->state = CH_SIZE_LF;
          continue; /* handled as the LF below */
        } else {
          return err_set(e, ERR_BAD_REQUEST, "a chunk size is followed by '%c'", ch >= 0x20 && ch < 0x7f ? ch : '?');
        }
        break;
      }
      case CH_EXT:
        if (ch == '\r') c->state = CH_SIZE_LF;
        else if (ch == '\n') {
          c->state = CH_SIZE_LF;
          continue;
        } else if (ch != '\t' && (ch < 0x20 || ch == 0x7f))
          return err_set(e, ERR_BAD_REQUEST, "a chunk extension holds a control character");
        break;
      case CH_SIZE_LF:
        if (ch != '\n') return err_set(e, ERR_BAD_REQUEST, "a chunk size line ends with a bare CR");
        c->line = 0;
        if (c->left == 0) {
          c->state = CH_TRAILER;
        } else {
          if (c->left > limit || body->len + c->left > limit)
            return err_set(e, ERR_TOO_LARGE, "the request body is larger than %zu bytes", limit);
          c->state = CH_DATA;
        }
        i++;
        continue;
      case CH_DATA: {
        size_t n = len - i < c->left ? len - i : (size_t)c->left;
        if (buf_append(body, in + i, n) < 0)
          return err_set(e, ERR_TOO_LARGE, "the request body is larger than %zu bytes", limit);
        c->left -= n;
        i += n;
        if (!c->left) c->state = CH_DATA_CR;
        continue;
      }
      case CH_DATA_CR:
        if (ch == '\r') c->state = CH_DATA_LF;
        else if (ch == '\n') c->state = CH_SIZE;
        else return err_set(e, ERR_BAD_REQUEST, "a chunk is longer than its size says");
        break;
      case CH_DATA_LF:
        if (ch != '\n') return err_set(e, ERR_BAD_REQUEST, "a chunk is longer than its size says");
        c->state = CH_SIZE;
        break;
      case CH_TRAILER:
        if (ch == '\r') c->state = CH_END_LF;
        else if (ch == '\n') c->state = CH_DONE;
        else {
          c->state = CH_TRAILER_LINE;
          continue;
        }
        break;
      case CH_TRAILER_LINE:
        if (++c->trailers > CHUNK_TRAILERS_MAX)
          return err_set(e, ERR_BAD_REQUEST, "the trailer fields are longer than %d bytes", CHUNK_TRAILERS_MAX);
        if (ch == '\n') c->state = CH_TRAILER;
        else if (ch != '\t' && ch != '\r' && (ch < 0x20 || ch == 0x7f))
          return err_set(e, ERR_BAD_REQUEST, "a trailer field holds a control character");
        break;
      case CH_END_LF:
        if (ch != '\n') return err_set(e, ERR_BAD_REQUEST, "the chunked body ends with a bare CR");
        c->state = CH_DONE;
        break;
      default:
        break;
    }
    if (c->state == CH_SIZE_MORE || c->state == CH_EXT) {
      if (++c->line > CHUNK_LINE_MAX)
        return err_set(e, ERR_BAD_REQUEST, "a chunk size line is longer than %d bytes", CHUNK_LINE_MAX);
    }
    i++;
  }
  *done = c->state == CH_DONE;
  return (long)i;
}
