/* template.c: parsing and evaluating report templates. */
#include "report/template.h"

#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/indicator.h"
#include "core/arena.h"
#include "core/country.h"
#include "core/date.h"
#include "core/embed.h"
#include "core/jw.h"
#include "core/lang.h"
#include "core/str.h"
#include "core/utf8.h"
#include "model/filter.h"
#include "model/place.h"
#include "model/query.h"
#include "model/recjson.h"
#include "report/chart.h"
#include "report/label.h"

#define TOKENS_MAX 64
#define VARS_MAX 64
#define CACHE_MAX 512

typedef enum node_type { N_TEXT, N_EXPR, N_EACH, N_IF, N_CHART } node_type;

typedef struct node {
  node_type type;
  long line;
  char *text;                /* literal text, or the inside of {{ }} */
  struct node *child, *alt;  /* block body; else branch */
  struct node *next;
} node;

typedef struct var {
  const char *name;
  json_t *val; /* borrowed */
} var;

typedef struct cached {
  char *key;
  json_t *result;     /* owned */
  ind_records *recs;  /* the ids behind its figures (owned by the doc) */
} cached;

typedef struct eval {
  store *s;
  const char *vis;
  report_doc *doc;
  const char *tname;
  arena *a;
  err *e;
  var vars[VARS_MAX];
  int nvars;
  cached cache[CACHE_MAX];
  int ncache;
  json_t *owned; /* JSON values the variables point into (freed at the end) */
} eval;

/* ------------------------------------------------------------- errors */

__attribute__((format(printf, 3, 4))) static int fail(eval *ev, long line, const char *fmt, ...) {
  char msg[400];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  err_set(ev->e, ERR_VALIDATION, "%s:%ld: %s", ev->tname, line, msg);
  return ERR_VALIDATION;
}

/* ------------------------------------------------------------- parsing */

static node *new_node(arena *a, node_type t, long line, const char *text, size_t n) {
  node *nd = arena_alloc(a, sizeof *nd);
  nd->type = t;
  nd->line = line;
  nd->text = arena_strndup(a, text, n);
  return nd;
}

static long line_at(const char *start, const char *p) {
  long line = 1;
  for (const char *q = start; q < p; q++) line += *q == '\n';
  return line;
}

static int is_block_tag(const char *inner) {
  return inner[0] == '#' || inner[0] == '/' || inner[0] == '!' || !strcmp(inner, "else");
}

/* Parses tpl into a node list. A block tag alone on its line takes the line
 * with it, so blocks leave no blank lines. */
static int parse(eval *ev, const char *tpl, node **out) {
  node *root = NULL, **tail = &root;
  struct {
    node *block;
    node **tail;
    int in_else;
  } stack[REPORT_DEPTH_MAX];
  int depth = 0;
  const char *p = tpl;
  while (*p) {
    const char *open = strstr(p, "{{");
    const char *text_end = open ? open : p + strlen(p);
    const char *inner = NULL, *close = NULL;
    size_t inner_len = 0;
    if (open) {
      close = strstr(open + 2, "}}");
      if (!close) return fail(ev, line_at(tpl, open), "a placeholder opened with {{ is not closed with }}");
      const char *nl = memchr(open + 2, '\n', (size_t)(close - open - 2));
      const char *first = open + 2;
      while (*first == ' ') first++;
      if (nl && *first != '!') return fail(ev, line_at(tpl, open), "a placeholder must end on the line it starts ({{ without }})");
      inner = open + 2;
      while (inner < close && isspace((unsigned char)*inner)) inner++;
      const char *ie = close;
      while (ie > inner && isspace((unsigned char)ie[-1])) ie--;
      inner_len = (size_t)(ie - inner);
    }
    char tag[32] = "";
    if (inner) snprintf(tag, sizeof tag, "%.*s", (int)(inner_len < 31 ? inner_len : 31), inner);
    const char *after = close ? close + 2 : NULL;
    if (inner && is_block_tag(tag)) {
      /* Alone on its line? Then drop the indentation and the line end. */
      const char *ls = text_end;
      while (ls > p && (ls[-1] == ' ' || ls[-1] == '\t')) ls--;
      const char *le = after;
      while (*le == ' ' || *le == '\t') le++;
      if ((ls == tpl || ls[-1] == '\n') && (*le == '\n' || !*le)) {
        text_end = ls;
        after = *le == '\n' ? le + 1 : le;
      }
    }
    if (text_end > p) {
      *tail = new_node(ev->a, N_TEXT, line_at(tpl, p), p, (size_t)(text_end - p));
      tail = &(*tail)->next;
    }
    if (!open) break;
    long line = line_at(tpl, open);
    if (tag[0] == '!') {
      /* a comment */
    } else if ((inner_len > 6 && !strncmp(inner, "#each ", 6)) || (inner_len > 4 && !strncmp(inner, "#if ", 4))) {
      if (depth == REPORT_DEPTH_MAX) return fail(ev, line, "blocks nested deeper than %d", REPORT_DEPTH_MAX);
      node *b = new_node(ev->a, inner[1] == 'e' ? N_EACH : N_IF, line, inner + (inner[1] == 'e' ? 6 : 4),
                         inner_len - (inner[1] == 'e' ? 6 : 4));
      *tail = b;
      stack[depth].block = b;
      stack[depth].tail = &b->next;
      stack[depth].in_else = 0;
      depth++;
      tail = &b->child;
    } else if (!strcmp(tag, "else")) {
      if (!depth || stack[depth - 1].block->type != N_IF || stack[depth - 1].in_else)
        return fail(ev, line, "{{else}} outside an {{#if}}");
      stack[depth - 1].in_else = 1;
      tail = &stack[depth - 1].block->alt;
    } else if (!strcmp(tag, "/each") || !strcmp(tag, "/if")) {
      node_type want = tag[1] == 'e' ? N_EACH : N_IF;
      if (!depth || stack[depth - 1].block->type != want)
        return fail(ev, line, "{{%s}} closes nothing that is open", tag);
      depth--;
      tail = stack[depth].tail;
    } else if (tag[0] == '#' || tag[0] == '/') {
      return fail(ev, line, "unknown block {{%s}} (blocks: #each, #if, else, /each, /if)", tag);
    } else {
      int chart = inner_len > 6 && !strncmp(inner, "chart ", 6);
      *tail = new_node(ev->a, chart ? N_CHART : N_EXPR, line, inner + (chart ? 6 : 0),
                       inner_len - (chart ? 6 : 0));
      tail = &(*tail)->next;
    }
    p = after;
  }
  if (depth)
    return fail(ev, stack[depth - 1].block->line, "this {{#%s}} is never closed",
                stack[depth - 1].block->type == N_EACH ? "each" : "if");
  *out = root;
  return 0;
}

/* ------------------------------------------------------------- values */

/* Splits an expression into tokens: whitespace separates, double quotes
 * group, '|' always stands alone. */
static int tokenize(eval *ev, long line, const char *s, char **tok, int max) {
  int n = 0;
  while (*s) {
    while (isspace((unsigned char)*s)) s++;
    if (!*s) break;
    if (n == max) return fail(ev, line, "more than %d words in one placeholder", max);
    buf b;
    buf_init(&b, 4096);
    if (*s == '|') {
      buf_putc(&b, *s++);
    } else {
      int quoted = 0;
      while (*s && (quoted || (!isspace((unsigned char)*s) && *s != '|'))) {
        if (*s == '"') quoted = !quoted;
        else buf_putc(&b, *s);
        s++;
      }
      if (quoted) {
        buf_free(&b);
        return fail(ev, line, "a quote is not closed");
      }
    }
    tok[n++] = arena_strndup(ev->a, buf_cstr(&b), b.len);
    buf_free(&b);
  }
  return n;
}

static json_t *json_path(json_t *root, const char *path) {
  json_t *cur = root;
  char part[128];
  const char *p = path;
  while (cur && *p) {
    const char *dot = strchr(p, '.');
    size_t n = dot ? (size_t)(dot - p) : strlen(p);
    snprintf(part, sizeof part, "%.*s", (int)(n < sizeof part ? n : sizeof part - 1), p);
    if (json_is_object(cur)) {
      cur = json_object_get(cur, part);
    } else if (json_is_array(cur)) {
      char *end;
      long i = strtol(part, &end, 10);
      cur = (*end || i < 0) ? NULL : json_array_get(cur, (size_t)i);
    } else {
      cur = NULL;
    }
    p = dot ? dot + 1 : p + n;
  }
  return cur;
}

static var *find_var(eval *ev, const char *name, size_t n) {
  for (int i = ev->nvars - 1; i >= 0; i--)
    if (strlen(ev->vars[i].name) == n && !strncmp(ev->vars[i].name, name, n)) return &ev->vars[i];
  return NULL;
}

/* A JSON scalar as argument text. */
static const char *scalar_text(eval *ev, json_t *v) {
  if (!v || json_is_null(v)) return "";
  if (json_is_string(v)) return json_string_value(v);
  if (json_is_integer(v)) return arena_printf(ev->a, "%lld", (long long)json_integer_value(v));
  if (json_is_real(v)) {
    char tmp[32];
    return arena_strdup(ev->a, str_fmt_double(json_real_value(v), tmp));
  }
  if (json_is_boolean(v)) return json_is_true(v) ? "yes" : "no";
  if (json_is_array(v)) {
    buf b;
    buf_init(&b, 1 << 16);
    size_t i;
    json_t *it;
    json_array_foreach(v, i, it) {
      if (i) buf_putc(&b, ',');
      buf_puts(&b, scalar_text(ev, it));
    }
    const char *out = arena_strndup(ev->a, buf_cstr(&b), b.len);
    buf_free(&b);
    return out;
  }
  return "";
}

/* "$name.path" with an optional "+Nd"/"-Nd" day offset -> its JSON value
 * (*shifted receives a new date string when an offset applies). */
static json_t *var_value(eval *ev, long line, const char *ref, const char **shifted, int *rc) {
  *rc = 0;
  *shifted = NULL;
  const char *p = ref + 1;
  size_t n = strcspn(p, ".+-");
  var *v = find_var(ev, p, n);
  if (!v) {
    *rc = fail(ev, line, "unknown variable $%.*s", (int)n, p);
    return NULL;
  }
  const char *rest = p + n;
  char path[256] = "";
  if (*rest == '.') {
    size_t pn = strcspn(rest + 1, "+-");
    snprintf(path, sizeof path, "%.*s", (int)(pn < sizeof path ? pn : sizeof path - 1), rest + 1);
    rest = rest + 1 + pn;
  }
  json_t *val = path[0] ? json_path(v->val, path) : v->val;
  if (path[0] && !val) {
    *rc = fail(ev, line, "$%.*s has no field '%s'", (int)n, p, path);
    return NULL;
  }
  if (*rest == '+' || *rest == '-') {
    char *end;
    long days = strtol(rest, &end, 10);
    int d;
    if (*end != 'd' || end[1] || !json_is_string(val) || date_parse_iso(json_string_value(val), &d)) {
      *rc = fail(ev, line, "'%s': only a date can move by days (write $to-181d)", ref);
      return NULL;
    }
    char *out = arena_alloc(ev->a, 11);
    *shifted = date_format(d + (int)days, out);
  }
  return val;
}

/* An argument with its $variables resolved: "key=$to-7d",
 * "event_date>=$from", "period=$from..$to", "place_id=$d.destination". */
static int resolve_arg(eval *ev, long line, const char *tok, const char **out) {
  if (!strpbrk(tok, "=<>!")) return fail(ev, line, "'%s' is not KEY=VALUE", tok);
  if (!strchr(tok, '$')) {
    *out = tok;
    return 0;
  }
  buf b;
  buf_init(&b, 1 << 16);
  const char *p = tok;
  int rc = 0;
  while (*p && !rc) {
    const char *d = strchr(p, '$');
    if (!d) {
      buf_puts(&b, p);
      break;
    }
    buf_append(&b, p, (size_t)(d - p));
    /* The reference runs over name, .path and an optional +Nd / -Nd. */
    const char *q = d + 1;
    while (*q && (isalnum((unsigned char)*q) || *q == '_' || (*q == '.' && q[1] != '.'))) q++;
    if ((*q == '+' || *q == '-') && isdigit((unsigned char)q[1])) {
      const char *r = q + 1;
      while (isdigit((unsigned char)*r)) r++;
      if (*r == 'd') q = r + 1;
    }
    char *ref = arena_strndup(ev->a, d, (size_t)(q - d));
    const char *shifted;
    json_t *v = var_value(ev, line, ref, &shifted, &rc);
    if (!rc) buf_puts(&b, shifted ? shifted : scalar_text(ev, v));
    p = q;
  }
  *out = arena_strndup(ev->a, buf_cstr(&b), b.len);
  buf_free(&b);
  return rc;
}

/* The cache's key of an indicator run: its name and arguments. */
static void cache_key(buf *key, const char *name, int nargs, const char *const *args) {
  buf_init(key, 1 << 16);
  buf_puts(key, name);
  for (int i = 0; i < nargs; i++) {
    buf_putc(key, '\x1f');
    buf_puts(key, args[i]);
  }
}

static cached *cache_find(eval *ev, const buf *key) {
  for (int i = 0; i < ev->ncache; i++)
    if (!strcmp(ev->cache[i].key, key->data)) return &ev->cache[i];
  return NULL;
}

/* The doc keeps recs: its figures' ids point into them. */
static void doc_keep(report_doc *d, ind_records *recs) {
  if (!recs) return;
  if (d->nrecs == d->caprecs) {
    d->caprecs = d->caprecs ? d->caprecs * 2 : 16;
    d->recs = xrealloc(d->recs, (size_t)d->caprecs * sizeof *d->recs);
  }
  d->recs[d->nrecs++] = recs;
}

/* Keeps res (owned) and recs under key, or with the owned values when the
 * cache is full. */
static void cache_put(eval *ev, const buf *key, json_t *res, ind_records *recs) {
  doc_keep(ev->doc, recs);
  if (ev->ncache < CACHE_MAX) {
    ev->cache[ev->ncache].key = arena_strndup(ev->a, key->data, key->len);
    ev->cache[ev->ncache].result = res;
    ev->cache[ev->ncache].recs = recs;
    ev->ncache++;
  } else {
    json_array_append_new(ev->owned, res);
  }
}

/* Runs an indicator, cached by name and arguments: its result (figures
 * without `records`) and *recs are borrowed; NULL with e filled on error. */
static json_t *run_cached(eval *ev, const char *name, int nargs, const char *const *args, ind_records **recs,
                          err *e) {
  buf key;
  cache_key(&key, name, nargs, args);
  cached *hit = cache_find(ev, &key);
  if (hit) {
    buf_free(&key);
    *recs = hit->recs;
    return hit->result;
  }
  buf out;
  buf_init(&out, 0);
  json_t *res = NULL;
  if (!indicator_eval(ev->s, name, nargs, args, ev->vis, &out, recs, e)) {
    res = json_loadb(out.data, out.len, 0, NULL);
    if (!res) err_set(e, ERR_INTERNAL, "the indicator %s gave no JSON", name);
  }
  buf_free(&out);
  if (res) cache_put(ev, &key, res, *recs);
  else ind_records_free(*recs);
  if (!res) *recs = NULL;
  buf_free(&key);
  return res;
}

static json_t *chart_run(void *ctx, const char *name, int nargs, const char *const *args, const ind_records **recs,
                         err *e) {
  ind_records *r;
  json_t *res = run_cached(ctx, name, nargs, args, &r, e);
  *recs = r;
  return res;
}

/* Runs an indicator (cached by name and arguments); the result (its
 * figures, without `records`) and *recs (the ids behind them) are borrowed. */
static json_t *run_indicator(eval *ev, long line, const char *name, int nargs, const char *const *args,
                             ind_records **recs, int *rc) {
  err ie;
  json_t *res = run_cached(ev, name, nargs, args, recs, &ie);
  *rc = res ? 0 : fail(ev, line, "%s", ie.msg);
  return res;
}

/* The `records` object of an indicator's result, from its records (for a
 * template that names records.FIGURE; owned by ev). */
static json_t *records_json(eval *ev, const ind_records *recs) {
  json_t *o = json_object();
  for (int i = 0; recs && i < recs->n; i++) {
    json_t *arr = json_array();
    for (long j = 0; j < recs->figs[i].n; j++) json_array_append_new(arr, json_string(recs->figs[i].ids[j]));
    json_object_set_new(o, recs->figs[i].name, arr);
  }
  json_array_append_new(ev->owned, o);
  return o;
}

/* ------------------------------------------------------------- formatting */

static void md_escape(buf *out, const char *s) {
  for (; *s; s++) {
    if (strchr("\\`*_[]<>|", *s)) buf_putc(out, '\\');
    buf_putc(out, *s);
  }
}

/* A value as the report shows it, in its language: numbers with the
 * language's digits, yes/no as words, lists joined with ", ". */
static void display_text(eval *ev, json_t *v, buf *out) {
  lang l = ev->doc->lang;
  if (!v || json_is_null(v)) return;
  if (json_is_integer(v)) lang_number(out, (double)json_integer_value(v), 0, l);
  else if (json_is_real(v)) lang_number(out, json_real_value(v), 1, l);
  else if (json_is_boolean(v)) buf_puts(out, json_is_true(v) ? (l == LANG_FR ? "oui" : "yes") : (l == LANG_FR ? "non" : "no"));
  else if (json_is_array(v)) {
    size_t i;
    json_t *it;
    json_array_foreach(v, i, it) {
      if (i) buf_puts(out, ", ");
      display_text(ev, it, out);
    }
  } else md_escape(out, scalar_text(ev, v));
}

/* "none" where a list or a table is empty. */
static const char *none_text(lang l) { return l == LANG_FR ? "néant" : "none"; }

static void human_list(buf *out, const char **items, size_t n, lang l) {
  for (size_t i = 0; i < n; i++) {
    if (i) buf_puts(out, i + 1 == n ? lang_and(l) : ", ");
    buf_puts(out, items[i]); /* already Markdown */
  }
}

/* A key of a group or a column of a table, labelled and escaped. */
static void key_md(eval *ev, const char *key, int running, buf *out) {
  buf t;
  buf_init(&t, 4096);
  report_key_text(&t, key, ev->doc->lang, running);
  md_escape(out, buf_cstr(&t));
  buf_free(&t);
}

/* One cell of a record table: a vocabulary word (or a sector's name) by its
 * label, a date in words, a number in the language's digits. */
static void cell_md(eval *ev, const char *column, json_t *v, buf *out) {
  const char *t = json_string_value(v);
  int d;
  int words = report_vocab_column(column) || !strcmp(column, "sector");
  if (t && ((words && vocab_label(t, strlen(t), ev->doc->lang)) || !date_parse_iso(t, &d)))
    key_md(ev, t, 0, out);
  else display_text(ev, v, out);
}

static void table_md(eval *ev, json_t *v, buf *out) {
  lang l = ev->doc->lang;
  if (json_is_object(v) && json_object_size(v) == 0) {
    buf_printf(out, "%s.", none_text(l));
    return;
  }
  if (json_is_object(v)) {
    buf_puts(out, "\n\n| | |\n|---|---:|\n");
    const char *k;
    json_t *x;
    json_object_foreach(v, k, x) {
      buf_puts(out, "| ");
      key_md(ev, k, 0, out);
      buf_puts(out, " | ");
      display_text(ev, x, out);
      buf_puts(out, " |\n");
    }
    return;
  }
  if (!json_is_array(v) || json_array_size(v) == 0) {
    buf_printf(out, "\n(%s)\n", none_text(l));
    return;
  }
  json_t *first = json_array_get(v, 0);
  if (!json_is_object(first)) {
    size_t i;
    json_t *x;
    buf_puts(out, "\n\n");
    json_array_foreach(v, i, x) {
      buf_puts(out, "- ");
      display_text(ev, x, out);
      buf_puts(out, "\n");
    }
    return;
  }
  const char *k;
  json_t *x;
  buf_puts(out, "\n\n|");
  json_object_foreach(first, k, x) {
    buf_puts(out, " ");
    key_md(ev, k, 0, out);
    buf_puts(out, " |");
  }
  buf_puts(out, "\n|");
  json_object_foreach(first, k, x) buf_puts(out, json_is_number(x) ? "---:|" : "---|");
  buf_puts(out, "\n");
  size_t i;
  json_t *row;
  json_array_foreach(v, i, row) {
    buf_puts(out, "|");
    json_object_foreach(first, k, x) {
      buf_puts(out, " ");
      cell_md(ev, k, json_object_get(row, k), out);
      buf_puts(out, " |");
    }
    buf_puts(out, "\n");
  }
}

static int is_fmt(const char *fmt, const char *a, const char *b) {
  return fmt && (!strcmp(fmt, a) || (b && !strcmp(fmt, b)));
}

/* Writes v as text by format fmt (NULL: plain) in the report's language.
 * Returns 0 or an error. */
static int format_value(eval *ev, long line, json_t *v, const char *fmt, buf *out) {
  lang l = ev->doc->lang;
  if (!fmt || is_fmt(fmt, "1dp", "pct") || is_fmt(fmt, "abs", "abspct") || is_fmt(fmt, "percent", "abspercent")) {
    if (!v || json_is_null(v)) {
      buf_puts(out, lang_na(l));
      return 0;
    }
    if (json_is_number(v)) {
      double d = json_number_value(v);
      int whole = is_fmt(fmt, "pct", "abspct") || is_fmt(fmt, "percent", "abspercent");
      if (is_fmt(fmt, "abs", "abspct") || is_fmt(fmt, "abspercent", NULL)) d = fabs(d);
      if (is_fmt(fmt, "percent", "abspercent")) lang_percent(out, d, l);
      else if (json_is_integer(v) && !whole) lang_number(out, d, 0, l);
      else lang_number(out, d, whole ? 0 : 1, l);
      return 0;
    }
    if (fmt && strcmp(fmt, "1dp") != 0) return fail(ev, line, "| %s needs a number", fmt);
    if (json_is_array(v) || json_is_object(v))
      return fail(ev, line, "this is a list or a group: add | count, | list, | sum or | table");
    display_text(ev, v, out);
    return 0;
  }
  if (!strcmp(fmt, "count")) {
    lang_number(out, (double)(json_is_array(v) ? json_array_size(v) : json_is_object(v) ? json_object_size(v) : 0), 0, l);
    return 0;
  }
  if (!strcmp(fmt, "sum")) {
    double sum = 0;
    const char *k;
    json_t *x;
    size_t i;
    if (json_is_object(v)) json_object_foreach(v, k, x) sum += json_number_value(x);
    else if (json_is_array(v)) json_array_foreach(v, i, x) sum += json_number_value(x);
    else return fail(ev, line, "| sum needs a group or a list of numbers");
    lang_number(out, sum, 1, l);
    return 0;
  }
  if (!strcmp(fmt, "list") || !strcmp(fmt, "keys") || !strcmp(fmt, "places")) {
    const char *items[256];
    size_t n = 0;
    buf item;
    buf_init(&item, 1 << 16);
    if (json_is_array(v) && strcmp(fmt, "keys") != 0) {
      size_t i;
      json_t *x;
      json_array_foreach(v, i, x) {
        if (n == 256) break;
        buf_reset(&item);
        const char *id = json_string_value(x);
        place_match m;
        err pe;
        if (!strcmp(fmt, "places")) {
          if (!id) continue;
          md_escape(&item, place_resolve(ev->s, id, &m, ev->a, &pe) == 1 ? m.name : id);
        } else {
          display_text(ev, x, &item);
        }
        items[n++] = arena_strndup(ev->a, buf_cstr(&item), item.len);
      }
    } else if (json_is_object(v) && strcmp(fmt, "places") != 0) {
      const char *k;
      json_t *x;
      json_object_foreach(v, k, x) {
        if (n == 256) break;
        buf_reset(&item);
        if (!strcmp(fmt, "keys")) key_md(ev, k, 1, &item);
        else display_text(ev, x, &item);
        items[n++] = arena_strndup(ev->a, buf_cstr(&item), item.len);
      }
    } else {
      buf_free(&item);
      return fail(ev, line, "| %s needs a list%s", fmt, strcmp(fmt, "places") ? " or a group" : " of place ids");
    }
    buf_free(&item);
    if (!n) buf_puts(out, none_text(l));
    human_list(out, items, n, l);
    return 0;
  }
  if (!strcmp(fmt, "table")) {
    table_md(ev, v, out);
    return 0;
  }
  if (!strcmp(fmt, "date") || !strcmp(fmt, "month")) {
    const char *t = json_string_value(v);
    int d, y, m, dd;
    if (!t) {
      buf_puts(out, lang_na(l));
      return 0;
    }
    if (!strcmp(fmt, "month") && strlen(t) == 7 && sscanf(t, "%d-%d", &y, &m) == 2 && m >= 1 && m <= 12) {
      lang_month(out, y, m, l);
      return 0;
    }
    if (date_parse_day(t, &d)) return fail(ev, line, "| %s needs a date, not '%s'", fmt, t);
    date_to_ymd(d, &y, &m, &dd);
    if (!strcmp(fmt, "month")) lang_month(out, y, m, l);
    else lang_date(out, d, l);
    return 0;
  }
  if (!strcmp(fmt, "time")) {
    /* the time of a datetime: 2021-04-02T05:40 -> 05:40, in French 5 h 40 */
    const char *t = json_string_value(v);
    int d, minute;
    if (!t) {
      buf_puts(out, lang_na(l));
      return 0;
    }
    if (date_parse_datetime(t, &d, &minute)) return fail(ev, line, "| time needs a date and time, not '%s'", t);
    if (l == LANG_FR) buf_printf(out, "%d" LANG_NBSP "h" LANG_NBSP "%02d", minute / 60, minute % 60);
    else buf_printf(out, "%02d:%02d", minute / 60, minute % 60);
    return 0;
  }
  if (!strcmp(fmt, "words") || !strcmp(fmt, "label")) {
    /* A vocabulary word by its label (words: in running text, "combat
     * convoy company"); a word without one reads with spaces for '_'. */
    const char *t = scalar_text(ev, v);
    if (report_key_label(t, l)) {
      key_md(ev, t, !strcmp(fmt, "words"), out);
      return 0;
    }
    char *copy = arena_strdup(ev->a, t);
    for (char *q = copy; *q; q++)
      if (*q == '_') *q = ' ';
    md_escape(out, copy);
    return 0;
  }
  if (!strcmp(fmt, "country")) {
    /* an ISO 3166-1 alpha-3 code as the country's name in the report's language */
    const char *code = json_string_value(v);
    const char *name = code ? country_name_lang(code, l) : NULL;
    md_escape(out, name ? name : code ? code : lang_na(l));
    return 0;
  }
  if (!strcmp(fmt, "place")) {
    const char *id = json_string_value(v);
    place_match m;
    err pe;
    if (id && place_resolve(ev->s, id, &m, ev->a, &pe) == 1) md_escape(out, m.name);
    else md_escape(out, id ? id : lang_na(l));
    return 0;
  }
  return fail(ev, line,
              "unknown format | %s (1dp, pct, percent, abs, abspct, abspercent, count, sum, list, keys, table, "
              "date, month, time, place, places, country, words, label, plural, form)",
              fmt);
}

/* The number a format shows for v (a count's size, an absolute value, a
 * rounded percentage), for | plural and | form. Returns 0, or -1 when the
 * format shows no number. */
static int shown_number(json_t *v, const char *fmt, double *out) {
  if (is_fmt(fmt, "count", NULL)) {
    if (!json_is_array(v) && !json_is_object(v)) return -1;
    *out = (double)(json_is_array(v) ? json_array_size(v) : json_object_size(v));
    return 0;
  }
  if (is_fmt(fmt, "sum", NULL)) {
    double sum = 0;
    const char *k;
    json_t *x;
    size_t i;
    if (json_is_object(v)) json_object_foreach(v, k, x) sum += json_number_value(x);
    else if (json_is_array(v)) json_array_foreach(v, i, x) sum += json_number_value(x);
    else return -1;
    *out = round(sum * 10) / 10;
    return 0;
  }
  if (fmt && !is_fmt(fmt, "1dp", "pct") && !is_fmt(fmt, "abs", "abspct") && !is_fmt(fmt, "percent", "abspercent"))
    return -1;
  if (!json_is_number(v)) return -1;
  double d = json_number_value(v);
  if (is_fmt(fmt, "abs", "abspct") || is_fmt(fmt, "abspercent", NULL)) d = fabs(d);
  if (is_fmt(fmt, "pct", "abspct") || is_fmt(fmt, "percent", "abspercent")) d = round(d + (d >= 0 ? 1e-9 : -1e-9));
  else if (!json_is_integer(v)) d = round(d * 10 + (d >= 0 ? 1e-9 : -1e-9)) / 10;
  *out = d;
  return 0;
}

/* ------------------------------------------------------------- figures */

static report_figure *add_figure(eval *ev, long line, const char *source) {
  report_doc *d = ev->doc;
  if (d->nfigs == d->capfigs) {
    d->capfigs = d->capfigs ? d->capfigs * 2 : 64;
    d->figs = xrealloc(d->figs, (size_t)d->capfigs * sizeof *d->figs);
  }
  report_figure *f = &d->figs[d->nfigs];
  memset(f, 0, sizeof *f);
  f->id = d->nfigs++;
  f->line = line;
  f->source = xstrdup(source);
  return f;
}

static void add_ids(report_figure *f, const char *const *ids, long n) {
  if (!n) return;
  if (!f->nids) {
    /* One list: borrowed as it is. */
    f->ids = (const char **)ids;
    f->nids = n;
    f->ids_owned = 0;
    return;
  }
  const char **all = xmalloc((size_t)(f->nids + n) * sizeof *all);
  memcpy(all, f->ids, (size_t)f->nids * sizeof *all);
  memcpy(all + f->nids, ids, (size_t)n * sizeof *all);
  if (f->ids_owned) free(f->ids);
  f->ids = all;
  f->nids += n;
  f->ids_owned = 1;
}

/* The records behind path: records[path], else every records[path.*]. */
static void collect_ids(report_figure *f, const ind_records *recs, const char *path) {
  const char *const *ids;
  long n = ind_records_get(recs, path, &ids);
  if (n >= 0) {
    add_ids(f, ids, n);
    return;
  }
  size_t pl = strlen(path);
  for (int i = 0; recs && i < recs->n; i++)
    if (!strncmp(recs->figs[i].name, path, pl) && recs->figs[i].name[pl] == '.')
      add_ids(f, (const char *const *)recs->figs[i].ids, recs->figs[i].n);
}

/* ------------------------------------------------------------- evaluation */

typedef struct expr {
  const char *indicator; /* NULL for a variable */
  const char *args[IND_PARAMS_MAX];
  int nargs;
  const char *path, *fmt, *var;
  const char *agree;    /* "plural" or "form" (after fmt, if any), else NULL */
  const char *forms[3]; /* singular, plural and optional zero forms */
  int nforms;
  const char *cmp_op, *cmp_value; /* #if comparisons */
} expr;

/* Parses "NAME ARGS | path [| fmt] [| plural|form ONE OTHER [ZERO]]" or
 * "$var [| fmt] [| plural|form ...]" [op value]. */
static int parse_expr(eval *ev, long line, const char *text, expr *x, int allow_cmp) {
  char *tok[TOKENS_MAX];
  int n = tokenize(ev, line, text, tok, TOKENS_MAX);
  if (n < 0) return n;
  memset(x, 0, sizeof *x);
  if (n == 0) return fail(ev, line, "an empty placeholder");
  static const char *const ops[] = {"==", "!=", "<=", ">=", "<", ">"};
  if (allow_cmp && n >= 3) {
    for (unsigned i = 0; i < sizeof ops / sizeof ops[0]; i++)
      if (!strcmp(tok[n - 2], ops[i])) {
        x->cmp_op = ops[i];
        x->cmp_value = tok[n - 1];
        n -= 2;
        break;
      }
  }
  int i = 0;
  if (tok[0][0] == '$') {
    x->var = tok[0];
    i = 1;
  } else {
    x->indicator = tok[0];
    if (!indicator_find(x->indicator))
      return fail(ev, line, "unknown indicator '%s' (see `bluehelm indicator`)", x->indicator);
    for (i = 1; i < n && strcmp(tok[i], "|"); i++) {
      if (x->nargs == IND_PARAMS_MAX) return fail(ev, line, "too many parameters");
      int rc = resolve_arg(ev, line, tok[i], &x->args[x->nargs]);
      if (rc) return rc;
      x->nargs++;
    }
    if (i >= n - 1) return fail(ev, line, "say which figure of %s: add | FIGURE (e.g. | %s)", x->indicator, "count");
    x->path = tok[i + 1];
    i += 2;
  }
  while (i < n) {
    if (strcmp(tok[i], "|") || i + 1 >= n) return fail(ev, line, "expected | FORMAT after the figure");
    const char *f = tok[i + 1];
    i += 2;
    if (x->agree) return fail(ev, line, "nothing may follow | %s", x->agree);
    if (!strcmp(f, "plural") || !strcmp(f, "form")) {
      x->agree = f;
      while (i < n && strcmp(tok[i], "|")) {
        if (x->nforms == 3) return fail(ev, line, "| %s takes two or three forms (one, other, zero)", f);
        x->forms[x->nforms++] = tok[i++];
      }
      if (x->nforms < 2)
        return fail(ev, line, "| %s takes two or three forms: | %s \"incident\" \"incidents\"", f, f);
      if (allow_cmp) return fail(ev, line, "| %s writes words: it has no place in {{#if}}", f);
      continue;
    }
    if (x->fmt) return fail(ev, line, "one format only (then | plural or | form), not | %s", f);
    x->fmt = f;
    if (i < n && strcmp(tok[i], "|")) return fail(ev, line, "unexpected '%s' after | %s", tok[i], f);
  }
  return 0;
}

/* Evaluates x: *val is borrowed; *recs (for provenance) are the ids behind
 * the indicator's figures. */
static int eval_expr(eval *ev, long line, const expr *x, json_t **val, ind_records **recs) {
  *recs = NULL;
  int rc = 0;
  if (x->var) {
    const char *shifted;
    json_t *v = var_value(ev, line, x->var, &shifted, &rc);
    if (rc) return rc;
    if (shifted) {
      v = json_string(shifted);
      json_array_append_new(ev->owned, v);
    }
    *val = v;
    return 0;
  }
  json_t *res = run_indicator(ev, line, x->indicator, x->nargs, x->args, recs, &rc);
  if (rc) return rc;
  json_t *v;
  if (!strcmp(x->path, "records") || !strncmp(x->path, "records.", 8)) {
    json_t *wrap = json_pack("{s:O}", "records", records_json(ev, *recs));
    json_array_append_new(ev->owned, wrap);
    v = json_path(wrap, x->path);
  } else {
    v = json_path(res, x->path);
  }
  if (!v) {
    /* A group ("by_X": {...}) lists only the keys that have records: a key
     * missing from a group that exists counts 0. A missing top-level figure
     * is a mistake in the template. */
    const char *dot = strrchr(x->path, '.');
    json_t *parent = NULL;
    if (dot) {
      char *pp = arena_strndup(ev->a, x->path, (size_t)(dot - x->path));
      parent = json_path(res, pp);
    }
    if (!json_is_object(parent)) return fail(ev, line, "%s has no figure '%s'", x->indicator, x->path);
    v = json_integer(0);
    json_array_append_new(ev->owned, v);
  }
  *val = v;
  return 0;
}

static int truthy(json_t *v) {
  if (!v || json_is_null(v) || json_is_false(v)) return 0;
  if (json_is_number(v)) return json_number_value(v) != 0;
  if (json_is_string(v)) return json_string_length(v) > 0;
  if (json_is_array(v)) return json_array_size(v) > 0;
  if (json_is_object(v)) return json_object_size(v) > 0;
  return 1;
}

static int compare(eval *ev, long line, json_t *v, const char *op, const char *lit, int *out) {
  const char *rhs = lit;
  if (lit[0] == '$') {
    const char *shifted;
    int rc;
    json_t *rv = var_value(ev, line, lit, &shifted, &rc);
    if (rc) return rc;
    rhs = shifted ? shifted : scalar_text(ev, rv);
  }
  double a, b;
  int c;
  const char *lhs = scalar_text(ev, v);
  if (!str_to_double(lhs, &a) && !str_to_double(rhs, &b)) c = (a > b) - (a < b);
  else c = strcmp(lhs, rhs);
  c = c < 0 ? -1 : c > 0;
  if (!strcmp(op, "==")) *out = c == 0;
  else if (!strcmp(op, "!=")) *out = c != 0;
  else if (!strcmp(op, "<")) *out = c < 0;
  else if (!strcmp(op, "<=")) *out = c <= 0;
  else if (!strcmp(op, ">")) *out = c > 0;
  else *out = c >= 0;
  return 0;
}

static int eval_nodes(eval *ev, node *nd, int depth);

static int eval_placeholder(eval *ev, node *nd) {
  expr x;
  int rc = parse_expr(ev, nd->line, nd->text, &x, 0);
  if (rc) return rc;
  json_t *v;
  ind_records *res;
  if ((rc = eval_expr(ev, nd->line, &x, &v, &res))) return rc;
  buf text;
  buf_init(&text, 1 << 22);
  if (x.agree) {
    /* Plural and agreement: the form that the number shown takes in the
     * report's language ("1 incident", "2 incidents"; "0 incident" in
     * French); | plural writes the number and the form, | form only the
     * form, as template text. */
    double num;
    if (shown_number(v, x.fmt, &num)) {
      buf_free(&text);
      return fail(ev, nd->line, "| %s needs a number%s", x.agree, x.fmt ? " from the format before it" : "");
    }
    int zero = x.nforms == 3 && num == 0;
    const char *word = zero ? x.forms[2] : x.forms[lang_singular(num, ev->doc->lang) ? 0 : 1];
    if (!strcmp(x.agree, "form")) {
      buf_puts(&ev->doc->md, word);
      buf_free(&text);
      return 0;
    }
    if (!zero) {
      rc = format_value(ev, nd->line, v, x.fmt, &text);
      buf_putc(&text, ' ');
    }
    buf_puts(&text, word);
  } else {
    rc = format_value(ev, nd->line, v, x.fmt, &text);
  }
  if (!rc) {
    report_figure *f = add_figure(ev, nd->line, nd->text);
    f->display = xstrdup(buf_cstr(&text));
    f->value = json_incref(v);
    if (x.indicator) {
      f->indicator = xstrdup(x.indicator);
      buf params;
      buf_init(&params, 1 << 16);
      for (int i = 0; i < x.nargs; i++) buf_printf(&params, "%s%s", i ? " " : "", x.args[i]);
      f->params = xstrdup(buf_cstr(&params));
      buf_free(&params);
      f->path = xstrdup(x.path);
      collect_ids(f, res, x.path);
    }
    if (x.fmt && !strcmp(x.fmt, "table")) buf_puts(&ev->doc->md, f->display); /* tables stay Markdown */
    else buf_printf(&ev->doc->md, "\x01%d\x02", f->id);
  }
  buf_free(&text);
  return rc;
}

static int push_var(eval *ev, long line, const char *name, json_t *val) {
  if (ev->nvars == VARS_MAX) return fail(ev, line, "too many variables");
  ev->vars[ev->nvars].name = name;
  ev->vars[ev->nvars].val = val;
  ev->nvars++;
  return 0;
}

static int cmp_field(json_t *a, json_t *b, const char *fname) {
  json_t *x = json_object_get(a, fname), *y = json_object_get(b, fname);
  if (json_is_number(x) && json_is_number(y))
    return (json_number_value(x) > json_number_value(y)) - (json_number_value(x) < json_number_value(y));
  return strcmp(json_string_value(x) ? json_string_value(x) : "", json_string_value(y) ? json_string_value(y) : "");
}

/* Stable insertion sort of at most REPORT_EACH_MAX records by one field. */
static void sort_items(json_t *items, const char *fname, int desc) {
  size_t n = json_array_size(items);
  json_t **arr = xmalloc((n ? n : 1) * sizeof *arr);
  for (size_t i = 0; i < n; i++) arr[i] = json_incref(json_array_get(items, i));
  for (size_t i = 1; i < n; i++) {
    json_t *cur = arr[i];
    size_t j = i;
    while (j > 0) {
      int c = cmp_field(arr[j - 1], cur, fname);
      if (desc ? c >= 0 : c <= 0) break;
      arr[j] = arr[j - 1];
      j--;
    }
    arr[j] = cur;
  }
  json_array_clear(items);
  for (size_t i = 0; i < n; i++) json_array_append_new(items, arr[i]);
  free(arr);
}

/* #each KIND FILTER... [sort=FIELD|-FIELD] as NAME, or
 * #each INDICATOR ARGS | path as NAME. */
static int eval_each(eval *ev, node *nd, int depth) {
  char *tok[TOKENS_MAX];
  int n = tokenize(ev, nd->line, nd->text, tok, TOKENS_MAX);
  if (n < 0) return n;
  if (n < 3 || strcmp(tok[n - 2], "as") || tok[n - 1][0] == '$')
    return fail(ev, nd->line, "write {{#each KIND FILTER... as NAME}} or {{#each INDICATOR ARGS | FIGURE as NAME}}");
  const char *name = tok[n - 1];
  json_t *items = json_array();
  json_array_append_new(ev->owned, items);
  int rc = 0;
  const kind *k = kind_find(tok[0]);
  int has_bar = 0;
  for (int i = 0; i < n - 2; i++) has_bar |= !strcmp(tok[i], "|");
  if (k && !has_bar) {
    filter_set fs;
    filter_init(&fs, k);
    if (ev->vis && kind_field(k, "classification")) filter_add_sql(&fs, ev->vis);
    const char *sort = NULL;
    for (int i = 1; i < n - 2 && !rc; i++) {
      const char *arg;
      if ((rc = resolve_arg(ev, nd->line, tok[i], &arg))) break;
      if (str_has_prefix(arg, "sort=")) {
        sort = arg + 5;
        continue;
      }
      err fe;
      if (filter_add(&fs, ev->s, arg, ev->a, &fe)) rc = fail(ev, nd->line, "%s", fe.msg);
    }
    stmt *st = NULL;
    err qe;
    if (!rc && query_open(ev->s, &fs, REPORT_EACH_MAX + 1, &st, &qe)) rc = fail(ev, nd->line, "%s", qe.msg);
    record r;
    record_init(&r, k);
    int step = STMT_DONE;
    while (!rc && (step = stmt_step(st, &qe)) == STMT_ROW) {
      if (json_array_size(items) == REPORT_EACH_MAX) {
        rc = fail(ev, nd->line, "more than %d %s records: narrow the filters", REPORT_EACH_MAX, k->name);
        break;
      }
      query_row(st, &r);
      buf b;
      buf_init(&b, 0);
      jw w;
      jw_init(&w, &b, 0);
      recjson_write(&w, &r);
      json_t *obj = json_loadb(b.data, b.len, 0, NULL);
      buf_free(&b);
      if (obj) {
        json_object_set_new(obj, "id", json_string(r.v[k->key[0]].s));
        json_array_append_new(items, obj);
      }
    }
    if (!rc && step < 0) rc = fail(ev, nd->line, "%s", qe.msg);
    if (st) stmt_finalize(st);
    filter_free(&fs);
    if (!rc && sort) {
      int desc = sort[0] == '-';
      if (!kind_field(k, sort + desc)) rc = fail(ev, nd->line, "sort=%s: %s has no such column", sort, k->name);
      else sort_items(items, sort + desc, desc);
    }
  } else {
    /* An indicator's list. */
    buf joined;
    buf_init(&joined, 1 << 16);
    for (int i = 0; i < n - 2; i++) {
      /* Re-quote: tokens may hold spaces ("site=quartier hydraulique"). */
      buf_printf(&joined, strchr(tok[i], ' ') ? "\"%s\" " : "%s ", tok[i]);
    }
    char *text = arena_strndup(ev->a, buf_cstr(&joined), joined.len);
    buf_free(&joined);
    expr x;
    json_t *v;
    ind_records *res;
    if (!(rc = parse_expr(ev, nd->line, text, &x, 0)) && !(rc = eval_expr(ev, nd->line, &x, &v, &res))) {
      if (json_is_array(v)) {
        size_t i;
        json_t *it;
        json_array_foreach(v, i, it) json_array_append(items, it);
      } else if (json_is_object(v)) {
        const char *key;
        json_t *it;
        json_object_foreach(v, key, it) {
          json_t *pair = json_pack("{s:s, s:O}", "key", key, "value", it);
          json_array_append_new(items, pair);
        }
      } else {
        rc = fail(ev, nd->line, "%s is not a list", x.path);
      }
    }
  }
  size_t i;
  json_t *it;
  json_array_foreach(items, i, it) {
    if (rc) break;
    int saved = ev->nvars;
    if ((rc = push_var(ev, nd->line, name, it))) break;
    rc = eval_nodes(ev, nd->child, depth + 1);
    ev->nvars = saved;
  }
  return rc;
}

static int eval_if(eval *ev, node *nd, int depth) {
  expr x;
  int rc = parse_expr(ev, nd->line, nd->text, &x, 1);
  if (rc) return rc;
  json_t *v;
  ind_records *res;
  if ((rc = eval_expr(ev, nd->line, &x, &v, &res))) return rc;
  int yes;
  if (x.fmt && !strcmp(x.fmt, "count")) {
    size_t cnt = json_is_array(v) ? json_array_size(v) : json_is_object(v) ? json_object_size(v) : 0;
    v = json_integer((json_int_t)cnt);
    json_array_append_new(ev->owned, v);
  }
  if (x.cmp_op) {
    if ((rc = compare(ev, nd->line, v, x.cmp_op, x.cmp_value, &yes))) return rc;
  } else {
    yes = truthy(v);
  }
  return eval_nodes(ev, yes ? nd->child : nd->alt, depth + 1);
}

static int eval_chart(eval *ev, node *nd) {
  char *tok[TOKENS_MAX];
  int n = tokenize(ev, nd->line, nd->text, tok, TOKENS_MAX);
  if (n < 1) return n < 0 ? n : fail(ev, nd->line, "which chart?");
  const char *args[TOKENS_MAX];
  for (int i = 1; i < n; i++) {
    int rc = resolve_arg(ev, nd->line, tok[i], &args[i - 1]);
    if (rc) return rc;
  }
  json_t *data = NULL;
  char *title = NULL;
  ind_records *ids = NULL;
  err ce;
  if (chart_collect(ev->s, tok[0], ev->doc->from, ev->doc->to, ev->doc->lang, n - 1, args, ev->vis, chart_run, ev,
                    &data, &title, &ids, &ce))
    return fail(ev, nd->line, "%s", ce.msg);
  report_doc *d = ev->doc;
  doc_keep(d, ids);
  if (d->ncharts == d->capcharts) {
    d->capcharts = d->capcharts ? d->capcharts * 2 : 8;
    d->charts = xrealloc(d->charts, (size_t)d->capcharts * sizeof *d->charts);
  }
  report_chart *c = &d->charts[d->ncharts];
  c->id = d->ncharts++;
  c->line = nd->line;
  c->name = xstrdup(tok[0]);
  c->title = title;
  c->data = data;
  report_figure *f = add_figure(ev, nd->line, nd->text);
  f->display = xstrdup(title);
  f->indicator = xstrdup("chart");
  f->path = xstrdup(tok[0]);
  f->value = json_null();
  collect_ids(f, ids, "records");
  c->figure = f->id;
  buf_printf(&d->md, "\nBHCHART-%d\n", c->id);
  return 0;
}

static int eval_nodes(eval *ev, node *nd, int depth) {
  if (depth > REPORT_DEPTH_MAX) return fail(ev, nd ? nd->line : 0, "blocks nested too deep");
  for (; nd; nd = nd->next) {
    int rc = 0;
    switch (nd->type) {
      case N_TEXT: buf_puts(&ev->doc->md, nd->text); break;
      case N_EXPR: rc = eval_placeholder(ev, nd); break;
      case N_EACH: rc = eval_each(ev, nd, depth); break;
      case N_IF: rc = eval_if(ev, nd, depth); break;
      case N_CHART: rc = eval_chart(ev, nd); break;
    }
    if (rc) return rc;
    if (ev->doc->md.overflow) return fail(ev, nd->line, "the report is larger than its limit");
  }
  return 0;
}

/* Before the template is evaluated: the counts its placeholders name with
 * the report's own variables ($from, $to, ...; not those of a #each) are
 * run together, so that the counts over one period read it once
 * (indicator_run_many), and kept in the cache. A placeholder in error is
 * left to the evaluation, which reports it. */
#define PREFETCH_MAX 256
typedef struct prefetch {
  ind_call calls[PREFETCH_MAX];
  char *keys[PREFETCH_MAX];
  int n;
} prefetch;

static void prefetch_collect(eval *ev, node *nd, prefetch *p) {
  for (; nd; nd = nd->next) {
    if (nd->type == N_IF) {
      prefetch_collect(ev, nd->child, p);
      prefetch_collect(ev, nd->alt, p);
    }
    if (nd->type != N_EXPR && nd->type != N_IF) continue;
    expr x;
    err saved = *ev->e;
    int rc = parse_expr(ev, nd->line, nd->text, &x, nd->type == N_IF);
    *ev->e = saved;
    if (rc || !x.indicator || strcmp(x.indicator, "count") || p->n == PREFETCH_MAX) continue;
    buf key;
    cache_key(&key, x.indicator, x.nargs, x.args);
    int seen = cache_find(ev, &key) != NULL;
    for (int i = 0; i < p->n && !seen; i++) seen = !strcmp(p->keys[i], key.data);
    if (!seen) {
      const char **args = arena_alloc(ev->a, (size_t)(x.nargs ? x.nargs : 1) * sizeof *args);
      memcpy(args, x.args, (size_t)x.nargs * sizeof *args);
      p->calls[p->n] = (ind_call){x.indicator, x.nargs, args};
      p->keys[p->n++] = arena_strndup(ev->a, key.data, key.len);
    }
    buf_free(&key);
  }
}

static void prefetch_run(eval *ev, node *root) {
  prefetch *p = xcalloc(1, sizeof *p);
  prefetch_collect(ev, root, p);
  buf *outs = xcalloc((size_t)(p->n ? p->n : 1), sizeof *outs);
  ind_records **recs = xcalloc((size_t)(p->n ? p->n : 1), sizeof *recs);
  int *rcs = xcalloc((size_t)(p->n ? p->n : 1), sizeof *rcs);
  err *errs = xcalloc((size_t)(p->n ? p->n : 1), sizeof *errs);
  for (int i = 0; i < p->n; i++) buf_init(&outs[i], 0);
  if (p->n > 1) indicator_eval_many(ev->s, p->n, p->calls, ev->vis, outs, recs, rcs, errs);
  for (int i = 0; i < p->n && p->n > 1; i++) {
    json_t *res = rcs[i] ? NULL : json_loadb(outs[i].data, outs[i].len, 0, NULL);
    if (res) {
      buf key = {.data = p->keys[i], .len = strlen(p->keys[i])};
      cache_put(ev, &key, res, recs[i]);
    } else {
      ind_records_free(recs[i]);
    }
  }
  for (int i = 0; i < p->n; i++) buf_free(&outs[i]);
  free(outs);
  free(recs);
  free(rcs);
  free(errs);
  free(p);
}

/* ------------------------------------------------------------- entry points */

static void set_date_var(eval *ev, json_t *vars, const char *name, int days) {
  char d[11];
  json_object_set_new(vars, name, days == INT_MIN || days == INT_MAX ? json_null() : json_string(date_format(days, d)));
  push_var(ev, 0, name, json_object_get(vars, name));
}

int report_build(store *s, const char *template, const char *name, lang l, int from, int to,
                 const char *visibility, report_doc *doc, err *e) {
  memset(doc, 0, sizeof *doc);
  snprintf(doc->name, sizeof doc->name, "%s", name);
  doc->lang = l;
  doc->from = from;
  doc->to = to;
  buf_init(&doc->md, 64u << 20);
  arena a;
  arena_init(&a);
  eval *ev = xcalloc(1, sizeof *ev);
  ev->s = s;
  ev->vis = visibility;
  ev->doc = doc;
  ev->tname = name;
  ev->a = &a;
  ev->e = e;
  ev->owned = json_array();
  json_t *vars = json_object();
  json_array_append_new(ev->owned, vars);
  int days = to - from + 1;
  set_date_var(ev, vars, "from", from);
  set_date_var(ev, vars, "to", to);
  set_date_var(ev, vars, "from_year_ago", date_year_earlier(from));
  set_date_var(ev, vars, "to_year_ago", date_year_earlier(to));
  set_date_var(ev, vars, "prev_from", from - days);
  set_date_var(ev, vars, "prev_to", from - 1);
  set_date_var(ev, vars, "today", date_today());
  node *root = NULL;
  /* Reports go out as JSON and HTML too: their text must be UTF-8. */
  size_t tlen = strlen(template), bad = utf8_invalid_offset(template, tlen);
  int rc = bad < tlen ? fail(ev, line_at(template, template + bad), "the template is not valid UTF-8")
                      : parse(ev, template, &root);
  if (!rc) prefetch_run(ev, root);
  if (!rc) rc = eval_nodes(ev, root, 0);
  for (int i = 0; i < ev->ncache; i++) json_decref(ev->cache[i].result);
  json_decref(ev->owned);
  free(ev);
  arena_free(&a);
  if (rc) report_doc_free(doc);
  return rc;
}

void report_doc_free(report_doc *doc) {
  for (int i = 0; i < doc->nfigs; i++) {
    report_figure *f = &doc->figs[i];
    free(f->source);
    free(f->indicator);
    free(f->params);
    free(f->path);
    free(f->display);
    json_decref(f->value);
    if (f->ids_owned) free(f->ids);
  }
  free(doc->figs);
  for (int i = 0; i < doc->nrecs; i++) ind_records_free(doc->recs[i]);
  free(doc->recs);
  for (int i = 0; i < doc->ncharts; i++) {
    free(doc->charts[i].name);
    free(doc->charts[i].title);
    json_decref(doc->charts[i].data);
  }
  free(doc->charts);
  buf_free(&doc->md);
  memset(doc, 0, sizeof *doc);
}

const char *report_template_text(const char *name, lang l) {
  char path[128];
  if (strchr(name, '/') || strchr(name, '.')) return NULL;
  snprintf(path, sizeof path, "src/report/templates/%s%s.md", name, l == LANG_FR ? ".fr" : "");
  const embed_file *f = embed_find(path);
  return f ? (const char *)f->data : NULL;
}
