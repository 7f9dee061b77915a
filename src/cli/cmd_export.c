/* cmd_export.c: `bluehelm export KIND [FILTER...] [--raw]` (CSV for
 * spreadsheets unless --raw) and `export --all DIR` (always raw: a dataset
 * folder for import). */
#include <string.h>

#include "cli/cli.h"
#include "io/export.h"

int cmd_export(cli *c, int argc, char **argv) {
  const char *all = NULL, *kname = NULL, *fmt = "csv", *outp = NULL;
  const char *filters[256];
  int nf = 0, raw = 0;
  for (int i = 0; i < argc; i++) {
    if (cli_flag(c, argc, argv, &i, "--raw", NULL)) {
      raw = 1;
    } else if (cli_flag(c, argc, argv, &i, "--all", &all)) {
      if (!all) return ERR_USAGE;
    } else if (cli_flag(c, argc, argv, &i, "--format", &fmt)) {
      if (!fmt) return ERR_USAGE;
    } else if (cli_flag(c, argc, argv, &i, "-o", &outp)) {
      if (!outp) return ERR_USAGE;
    } else if (!kname && !all) {
      kname = argv[i];
    } else if (nf < 256) {
      filters[nf++] = argv[i];
    } else {
      return cli_usage_error(c, "export", "too many filters");
    }
  }
  export_format format;
  if (export_format_parse(fmt, &format, &c->e)) return ERR_USAGE;
  if (raw && format != EXPORT_CSV_SHEET) return cli_usage_error(c, "export", "--raw applies to csv");
  if (raw) format = EXPORT_CSV; /* values as stored: for import and other programs */
  if (all && (kname || nf)) return cli_usage_error(c, "export", "--all takes only a folder");
  if (!all && !kname) return cli_usage_error(c, "export", "which kind?");
  const kind *k = kname ? kind_find(kname) : NULL;
  if (kname && !k) return cli_usage_error(c, "export", "unknown kind '%s'", kname);
  store *s;
  int rc = cli_open(c, &s, 0);
  if (rc) return rc;
  if (all) {
    rc = export_all(s, all, &c->e);
  } else {
    filter_set fs;
    filter_init_all(&fs, k);
    for (int i = 0; i < nf && !rc; i++) rc = filter_add(&fs, s, filters[i], &c->a, &c->e);
    if (!rc && outp) rc = cli_set_output(c, outp);
    if (!rc) rc = export_kind(s, &fs, format, c->out, &c->e);
    filter_free(&fs);
  }
  store_close(s);
  return rc;
}
