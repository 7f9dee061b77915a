/* cmd_count.c: `bluehelm count KIND [FILTER...]`. */
#include "cli/cli.h"
#include "model/query.h"

int cmd_count(cli *c, int argc, char **argv) {
  if (argc < 1) return cli_usage_error(c, "count", "which kind?");
  const kind *k = kind_find(argv[0]);
  if (!k) return cli_usage_error(c, "count", "unknown kind '%s'", argv[0]);
  store *s;
  int rc = cli_open(c, &s, STORE_READONLY);
  if (rc) return rc;
  filter_set fs;
  filter_init(&fs, k);
  for (int i = 1; i < argc && !rc; i++) rc = filter_add(&fs, s, argv[i], &c->a, &c->e);
  int64_t n = 0;
  if (!rc) rc = query_count(s, &fs, &n, &c->e);
  if (!rc) fprintf(c->out, "%lld\n", (long long)n);
  filter_free(&fs);
  store_close(s);
  return rc;
}
