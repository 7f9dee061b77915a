/* cmd_list.c: `bluehelm list KIND [FILTER...] [--json]`: the records of a
 * kind that match the filters, in id order, as a table for the terminal or
 * as a JSON array of records. The columns a table shows for each kind are
 * declared with the kind (LIST_COLUMNS in src/model/kinds/<kind>.def, the
 * columns the web interface's lists show too); a kind without shows its
 * first LIST_DEFAULT_COLUMNS columns. Column widths fit the first LIST_SAMPLE rows,
 * and no cell is wider than LIST_WIDTH_MAX characters (longer text is cut
 * with an ellipsis). */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/str.h"
#include "model/query.h"
#include "model/recjson.h"

#define LIST_DEFAULT_COLUMNS 6
#define LIST_COLUMNS_MAX 32
#define LIST_SAMPLE 1000
#define LIST_WIDTH_MAX 40
#define LIST_FILTERS_MAX 256

typedef struct list_col {
  int field;    /* index in the kind */
  size_t width; /* display characters */
  int right;    /* numbers are right-aligned */
} list_col;

/* Resolves a '|'- or ','-separated list of column names into cols; returns
 * the count, or a negative ERR_* (code: ERR_USAGE for the user's --columns,
 * ERR_INTERNAL for the kind's LIST_COLUMNS). */
static int resolve_columns(cli *c, const kind *k, const char *names, int code, list_col *cols) {
  int n = 0;
  for (const char *p = names; *p;) {
    size_t len = strcspn(p, "|,");
    if (len) {
      char name[64];
      if (len >= sizeof name) len = sizeof name - 1;
      memcpy(name, p, len);
      name[len] = 0;
      int idx = kind_field_index(k, name);
      if (idx < 0) return err_set(&c->e, code, "%s have no column '%s'", k->name, name);
      if (n == LIST_COLUMNS_MAX)
        return err_set(&c->e, code, "at most %d columns", LIST_COLUMNS_MAX);
      field_type t = k->fields[idx].type;
      cols[n].field = idx;
      cols[n].width = strlen(name);
      cols[n].right = t == FT_INT || t == FT_COUNT || t == FT_REAL || t == FT_AREA ||
                      t == FT_PCT || t == FT_LAT || t == FT_LON;
      n++;
    }
    p += len;
    while (*p == '|' || *p == ',') p++;
  }
  if (!n) return err_set(&c->e, code, "no columns to show");
  return n;
}

/* The number of display characters of s (UTF-8 code points). */
static size_t display_width(const char *s) {
  size_t n = 0;
  for (; *s; s++)
    if (((unsigned char)*s & 0xC0) != 0x80) n++;
  return n;
}

/* Appends to out the value text of one cell: control characters become
 * spaces, and text longer than width characters is cut to width - 1 and an
 * ellipsis. */
static void cell_fit(const char *s, size_t width, buf *out) {
  size_t chars = display_width(s);
  size_t keep = chars <= width ? chars : (width ? width - 1 : 0);
  size_t seen = 0;
  for (const char *p = s; *p; p++) {
    int start = ((unsigned char)*p & 0xC0) != 0x80;
    if (start && seen++ == keep) break;
    buf_putc(out, (unsigned char)*p < 0x20 || *p == 0x7f ? ' ' : *p);
  }
  if (chars > width && width) buf_puts(out, "\xe2\x80\xa6"); /* U+2026 … */
}

/* The text of column col of the current row, fitted to LIST_WIDTH_MAX, in a. */
static char *cell_text(const kind *k, const record *r, const list_col *col, buf *tmp, arena *a) {
  buf_reset(tmp);
  field_format(&k->fields[col->field], &r->v[col->field], tmp);
  char *raw = arena_strdup(a, buf_cstr(tmp));
  buf_reset(tmp);
  cell_fit(raw, LIST_WIDTH_MAX, tmp);
  return arena_strdup(a, buf_cstr(tmp));
}

/* Appends one cell to line, fitted to the column's width and aligned; ends
 * the line (without trailing spaces) after the last column. */
static void print_cell(buf *line, const char *text, const list_col *col, int last, buf *tmp) {
  buf_reset(tmp);
  cell_fit(text, col->width, tmp);
  size_t pad = col->width - display_width(buf_cstr(tmp));
  if (col->right)
    for (size_t i = 0; i < pad; i++) buf_putc(line, ' ');
  buf_puts(line, buf_cstr(tmp));
  if (!last) {
    if (!col->right)
      for (size_t i = 0; i < pad; i++) buf_putc(line, ' ');
    buf_puts(line, "  ");
    return;
  }
  while (line->len && line->data[line->len - 1] == ' ') line->data[--line->len] = 0;
  buf_putc(line, '\n');
}

/* Writes the finished line to out and empties it. */
static void flush_line(FILE *out, buf *line) {
  if (line->len) fwrite(line->data, 1, line->len, out);
  buf_reset(line);
}

static int list_table(cli *c, store *s, filter_set *fs, const char *user_cols, long limit) {
  const kind *k = fs->k;
  list_col cols[LIST_COLUMNS_MAX];
  int ncols;
  if (user_cols) {
    ncols = resolve_columns(c, k, user_cols, ERR_USAGE, cols);
  } else {
    if (k->list_columns[0]) {
      ncols = resolve_columns(c, k, k->list_columns, ERR_INTERNAL, cols);
    } else {
      ncols = k->nfields < LIST_DEFAULT_COLUMNS ? k->nfields : LIST_DEFAULT_COLUMNS;
      for (int i = 0; i < ncols; i++) {
        field_type t = k->fields[i].type;
        cols[i] = (list_col){i, strlen(k->fields[i].name),
                             t == FT_INT || t == FT_COUNT || t == FT_REAL || t == FT_AREA ||
                                 t == FT_PCT || t == FT_LAT || t == FT_LON};
      }
    }
  }
  if (ncols < 0) return ncols;
  stmt *st;
  int rc = query_open(s, fs, limit, &st, &c->e);
  if (rc) return rc;
  arena a;
  arena_init(&a);
  buf tmp;
  buf_init(&tmp, 1 << 20);
  record r;
  record_init(&r, k);
  /* Read a sample to size the columns. */
  char **sample = xmalloc((size_t)LIST_SAMPLE * (size_t)ncols * sizeof *sample);
  long nsample = 0;
  int step = STMT_DONE;
  while (nsample < LIST_SAMPLE && (step = stmt_step(st, &c->e)) == STMT_ROW) {
    query_row(st, &r);
    for (int j = 0; j < ncols; j++) {
      char *t = cell_text(k, &r, &cols[j], &tmp, &a);
      size_t w = display_width(t);
      if (w > cols[j].width) cols[j].width = w;
      sample[nsample * ncols + j] = t;
    }
    nsample++;
  }
  buf line;
  buf_init(&line, 1 << 20);
  for (int j = 0; j < ncols; j++)
    print_cell(&line, k->fields[cols[j].field].name, &cols[j], j == ncols - 1, &tmp);
  flush_line(c->out, &line);
  for (long i = 0; i < nsample; i++) {
    for (int j = 0; j < ncols; j++)
      print_cell(&line, sample[i * ncols + j], &cols[j], j == ncols - 1, &tmp);
    flush_line(c->out, &line);
  }
  /* Then the rest, streamed with those widths. */
  if (step == STMT_ROW) {
    while ((step = stmt_step(st, &c->e)) == STMT_ROW) {
      query_row(st, &r);
      for (int j = 0; j < ncols; j++) {
        buf_reset(&tmp);
        field_format(&k->fields[cols[j].field], &r.v[cols[j].field], &tmp);
        char *t = arena_strdup(&a, buf_cstr(&tmp));
        print_cell(&line, t, &cols[j], j == ncols - 1, &tmp);
      }
      flush_line(c->out, &line);
      arena_free(&a);
    }
  }
  if (step < 0) rc = step;
  free(sample);
  buf_free(&line);
  buf_free(&tmp);
  arena_free(&a);
  stmt_finalize(st);
  return rc;
}

static int list_json(cli *c, store *s, filter_set *fs, long limit) {
  stmt *st;
  int rc = query_open(s, fs, limit, &st, &c->e);
  if (rc) return rc;
  record r;
  record_init(&r, fs->k);
  buf b;
  buf_init(&b, 0);
  jw w;
  long n = 0;
  int step;
  fputc('[', c->out);
  while ((step = stmt_step(st, &c->e)) == STMT_ROW) {
    query_row(st, &r);
    buf_reset(&b);
    buf_puts(&b, n ? ",\n" : "\n");
    jw_init(&w, &b, 0);
    recjson_write(&w, &r);
    if (b.overflow) {
      rc = err_set(&c->e, ERR_TOO_LARGE, "a record is too large to write");
      break;
    }
    fwrite(b.data, 1, b.len, c->out);
    n++;
  }
  if (!rc && step < 0) rc = step;
  if (!rc) fputs(n ? "\n]\n" : "]\n", c->out);
  buf_free(&b);
  stmt_finalize(st);
  return rc;
}

int cmd_list(cli *c, int argc, char **argv) {
  const char *kname = NULL, *user_cols = NULL, *limit_text = NULL, *outp = NULL;
  const char *filters[LIST_FILTERS_MAX];
  int nf = 0, json = 0;
  for (int i = 0; i < argc; i++) {
    if (cli_flag(c, argc, argv, &i, "--json", NULL)) {
      json = 1;
    } else if (cli_flag(c, argc, argv, &i, "--columns", &user_cols)) {
      if (!user_cols) return ERR_USAGE;
    } else if (cli_flag(c, argc, argv, &i, "--limit", &limit_text)) {
      if (!limit_text) return ERR_USAGE;
    } else if (cli_flag(c, argc, argv, &i, "-o", &outp)) {
      if (!outp) return ERR_USAGE;
    } else if (!kname) {
      kname = argv[i];
    } else if (nf < LIST_FILTERS_MAX) {
      filters[nf++] = argv[i];
    } else {
      return cli_usage_error(c, "list", "too many filters (at most %d)", LIST_FILTERS_MAX);
    }
  }
  if (!kname) return cli_usage_error(c, "list", "which kind?");
  const kind *k = kind_find(kname);
  if (!k) return cli_usage_error(c, "list", "unknown kind '%s'", kname);
  long limit = -1;
  if (limit_text) {
    int64_t v;
    if (str_to_int64(limit_text, &v) || v < 0)
      return cli_usage_error(c, "list", "--limit takes a whole number >= 0");
    limit = (long)v;
  }
  if (json && user_cols) return cli_usage_error(c, "list", "--columns applies to the table, not --json");
  store *s;
  int rc = cli_open(c, &s, STORE_READONLY);
  if (rc) return rc;
  filter_set fs;
  filter_init_all(&fs, k);
  for (int i = 0; i < nf && !rc; i++) rc = filter_add(&fs, s, filters[i], &c->a, &c->e);
  if (!rc && outp) rc = cli_set_output(c, outp);
  if (!rc) rc = json ? list_json(c, s, &fs, limit) : list_table(c, s, &fs, user_cols, limit);
  filter_free(&fs);
  store_close(s);
  return rc;
}
