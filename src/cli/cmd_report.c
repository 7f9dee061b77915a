/* cmd_report.c: `bluehelm report [from=DATE] [to=DATE] [--template ...] [--format ...]
 * [--lang en|fr]`. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/date.h"
#include "report/render.h"
#include "report/template.h"

#define TEMPLATE_MAX (4u << 20)

/* Reads a template file (bounded); the caller frees it. */
static char *read_template(cli *c, const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    err_set(&c->e, ERR_IO, "cannot read the template %s", path);
    return NULL;
  }
  buf b;
  buf_init(&b, TEMPLATE_MAX);
  char chunk[8192];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
    if (buf_append(&b, chunk, n) < 0) break;
  fclose(f);
  if (b.overflow) {
    buf_free(&b);
    err_set(&c->e, ERR_TOO_LARGE, "the template %s is larger than 4 MiB", path);
    return NULL;
  }
  char *out = xstrdup(buf_cstr(&b));
  buf_free(&b);
  return out;
}

int cmd_report(cli *c, int argc, char **argv) {
  const char *tname = "default", *fmt = "md", *outp = NULL, *lname = "en";
  int from = INT_MIN, to = INT_MAX, have_from = 0;
  for (int i = 0; i < argc; i++) {
    if (cli_flag(c, argc, argv, &i, "--template", &tname)) {
      if (!tname) return ERR_USAGE;
    } else if (cli_flag(c, argc, argv, &i, "--format", &fmt)) {
      if (!fmt) return ERR_USAGE;
    } else if (cli_flag(c, argc, argv, &i, "-o", &outp)) {
      if (!outp) return ERR_USAGE;
    } else if (cli_flag(c, argc, argv, &i, "--lang", &lname)) {
      if (!lname) return ERR_USAGE;
    } else if (!strncmp(argv[i], "from=", 5)) {
      if (date_parse_iso(argv[i] + 5, &from)) return cli_usage_error(c, "report", "from=%s is not a date (YYYY-MM-DD)", argv[i] + 5);
      have_from = 1;
    } else if (!strncmp(argv[i], "to=", 3)) {
      if (date_parse_iso(argv[i] + 3, &to)) return cli_usage_error(c, "report", "to=%s is not a date (YYYY-MM-DD)", argv[i] + 3);
    } else {
      return cli_usage_error(c, "report", "unknown argument %s", argv[i]);
    }
  }
  report_format format;
  if (render_format_parse(fmt, &format, &c->e)) return ERR_USAGE;
  lang l;
  if (lang_parse(lname, &l)) return cli_usage_error(c, "report", "--lang %s: en or fr", lname);
  if (to == INT_MAX) to = date_today();
  /* The sitrep covers the day `to`; other reports default to the 30 days up to it. */
  if (!have_from) from = !strcmp(tname, "sitrep") ? to : to - 29;
  if (from > to) return err_set(&c->e, ERR_USAGE, "from is after to: the period ends before it starts");
  const char *builtin = report_template_text(tname, l);
  char *text = builtin ? NULL : read_template(c, tname);
  if (!builtin && !text) return c->e.code;
  store *s;
  int rc = cli_open(c, &s, STORE_READONLY);
  report_doc doc;
  if (!rc) rc = report_build(s, builtin ? builtin : text, tname, l, from, to, NULL, &doc, &c->e);
  buf out;
  buf_init(&out, 512u << 20);
  if (!rc) {
    rc = render_report(&doc, format, &out, &c->e);
    report_doc_free(&doc);
  }
  if (!rc && outp) rc = cli_set_output(c, outp);
  if (!rc && fwrite(out.data, 1, out.len, c->out) != out.len) rc = err_set(&c->e, ERR_IO, "cannot write the report");
  buf_free(&out);
  free(text);
  store_close(s);
  return rc;
}
