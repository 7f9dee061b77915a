/* cmd_duplicates.c: `bluehelm duplicates events [FILTER...]` lists likely
 * duplicate events from different sources, best first (among the events
 * that count: merged ones are not proposed again); `duplicates decide ID1
 * ID2 merge|dismiss` records an analyst's decision (decided pairs are not
 * listed again; merge keeps ID1); `duplicates merge KEEP OTHER...` and
 * `duplicates unmerge OTHER` merge events so that they count once, and undo
 * it; `duplicates decisions` lists the decisions. */
#include <stdio.h>
#include <string.h>

#include "analysis/duplicates.h"
#include "cli/cli.h"
#include "core/jw.h"
#include "core/str.h"

static const char *nz(const char *s) { return s ? s : ""; }

/* Writes s on one line (line breaks in a source's text become spaces). */
static void one_line(FILE *out, const char *s) {
  for (; *s; s++) fputc(*s == '\n' || *s == '\r' ? ' ' : *s, out);
}

static void text_event(FILE *out, const dup_event *ev) {
  fprintf(out, "   %-18s %s  %s / %s  ", ev->id, ev->date, nz(ev->type), nz(ev->sub_type));
  one_line(out, ev->location ? ev->location : "(no location)");
  if (ev->fatalities >= 0) fprintf(out, "  fatalities %ld", ev->fatalities);
  if (ev->actor1 || ev->actor2) fprintf(out, "  [%s | %s]", nz(ev->actor1), nz(ev->actor2));
  fputc('\n', out);
}

static void flush_to(void *ctx, buf *b) {
  fwrite(b->data, 1, b->len, (FILE *)ctx);
  buf_reset(b);
}

static void write_json(FILE *out, const dup_result *r) {
  buf b;
  buf_init(&b, 0);
  jw w;
  jw_init(&w, &b, 1);
  duplicates_json(&w, r, flush_to, out);
  buf_putc(&b, '\n');
  flush_to(out, &b);
  buf_free(&b);
}

static int list_pairs(cli *c, int argc, char **argv) {
  dup_options o;
  duplicates_options_default(&o);
  const char *format = "text", *val, *outp = NULL;
  const char *filters[256];
  int nfilters = 0;
  for (int i = 1; i < argc; i++) {
    double d;
    int64_t n;
    if (cli_flag(c, argc, argv, &i, "--km", &val)) {
      if (!val) return ERR_USAGE;
      if (str_to_double(val, &d) || d < 0 || d > 500)
        return cli_usage_error(c, "duplicates", "--km %s: give a distance from 0 to 500", val);
      o.km = d;
    } else if (cli_flag(c, argc, argv, &i, "--days", &val)) {
      if (!val) return ERR_USAGE;
      if (str_to_int64(val, &n) || n < 0 || n > 366)
        return cli_usage_error(c, "duplicates", "--days %s: give a whole number from 0 to 366", val);
      o.days = (int)n;
    } else if (cli_flag(c, argc, argv, &i, "--min-score", &val)) {
      if (!val) return ERR_USAGE;
      if (str_to_double(val, &d) || d < 0 || d > 1)
        return cli_usage_error(c, "duplicates", "--min-score %s: give a number from 0 to 1", val);
      o.min_score = d;
    } else if (cli_flag(c, argc, argv, &i, "--limit", &val)) {
      if (!val) return ERR_USAGE;
      if (str_to_int64(val, &n) || n < 1)
        return cli_usage_error(c, "duplicates", "--limit %s: give a whole number of at least 1", val);
      o.limit = (long)n;
    } else if (cli_flag(c, argc, argv, &i, "--any-source", NULL)) {
      o.any_source = 1;
    } else if (cli_flag(c, argc, argv, &i, "--format", &format)) {
      if (!format) return ERR_USAGE;
      if (strcmp(format, "text") && strcmp(format, "json"))
        return cli_usage_error(c, "duplicates", "--format %s: give text or json", format);
    } else if (cli_flag(c, argc, argv, &i, "-o", &outp)) {
      if (!outp) return ERR_USAGE;
    } else if (argv[i][0] == '-' && argv[i][1] == '-') {
      return cli_usage_error(c, "duplicates", "unknown option %s", argv[i]);
    } else if (nfilters < (int)(sizeof filters / sizeof filters[0])) {
      filters[nfilters++] = argv[i];
    } else {
      return cli_usage_error(c, "duplicates", "too many filters");
    }
  }
  store *s;
  int rc = cli_open(c, &s, 0); /* read-write: brings the decisions table in */
  if (rc) return rc;
  filter_set fs;
  filter_init(&fs, kind_find("events"));
  for (int i = 0; i < nfilters && !rc; i++) rc = filter_add(&fs, s, filters[i], &c->a, &c->e);
  dup_result r;
  memset(&r, 0, sizeof r);
  if (!rc) rc = duplicates_find(s, &fs, &o, &r, &c->e);
  if (!rc && outp) rc = cli_set_output(c, outp);
  if (!rc && !strcmp(format, "json")) {
    write_json(c->out, &r);
  } else if (!rc) {
    for (long i = 0; i < r.npairs; i++) {
      const dup_pair *p = &r.pairs[i];
      fprintf(c->out,
              "%ld. score %.2f  %.1f km apart, %d day%s apart  (place %.2f, date %.2f, type %.2f, "
              "fatalities %.2f, actors %.2f)%s\n",
              i + 1, p->score, p->km, p->days, p->days == 1 ? "" : "s", p->s_place, p->s_date,
              p->s_type, p->s_fatalities, p->s_actors,
              p->mutual_best ? "" : "  - one of them pairs better above");
      text_event(c->out, p->a);
      text_event(c->out, p->b);
    }
    fprintf(c->out, "%ld pair%s among %ld events (within %g km and %d day%s%s)", r.found,
            r.found == 1 ? "" : "s", r.nevents, o.km, o.days, o.days == 1 ? "" : "s",
            o.any_source ? "" : ", different sources");
    if (r.found > r.npairs) fprintf(c->out, "; the best %ld shown", r.npairs);
    if (r.decided) fprintf(c->out, "; %ld decided pair%s left out", r.decided, r.decided == 1 ? "" : "s");
    fputs(".\n", c->out);
    if (r.npairs) fputs("Decide with: bluehelm duplicates decide ID1 ID2 merge|dismiss\n", c->out);
  }
  duplicates_free(&r);
  filter_free(&fs);
  store_close(s);
  return rc;
}

static int decide(cli *c, int argc, char **argv) {
  const char *note = NULL;
  const char *pos[3];
  int npos = 0;
  for (int i = 1; i < argc; i++) {
    if (cli_flag(c, argc, argv, &i, "--note", &note)) {
      if (!note) return ERR_USAGE;
    } else if (npos < 3) {
      pos[npos++] = argv[i];
    } else {
      return cli_usage_error(c, "duplicates", "decide takes ID1 ID2 merge|dismiss [--note TEXT]");
    }
  }
  if (npos != 3) return cli_usage_error(c, "duplicates", "decide takes ID1 ID2 merge|dismiss [--note TEXT]");
  store *s;
  int rc = cli_open(c, &s, 0);
  if (rc) return rc;
  rc = store_begin(s, &c->e);
  if (!rc) {
    rc = duplicates_decide(s, cli_actor(c), pos[0], pos[1], pos[2], note, &c->e);
    if (!rc) rc = store_commit(s, &c->e);
    if (rc) store_rollback(s);
  }
  if (!rc && !strcmp(pos[2], "merge"))
    fprintf(c->out, "merge: %s merged into %s (kept)\n", pos[1], pos[0]);
  else if (!rc)
    fprintf(c->out, "%s: %s and %s\n", pos[2], pos[0], pos[1]);
  store_close(s);
  return rc;
}

static int merge(cli *c, int argc, char **argv) {
  const char *note = NULL;
  const char **ids = arena_alloc(&c->a, (size_t)argc * sizeof *ids);
  int n = 0;
  for (int i = 1; i < argc; i++) {
    if (cli_flag(c, argc, argv, &i, "--note", &note)) {
      if (!note) return ERR_USAGE;
    } else if (argv[i][0] == '-' && argv[i][1] == '-') {
      return cli_usage_error(c, "duplicates", "unknown option %s", argv[i]);
    } else {
      ids[n++] = argv[i];
    }
  }
  if (n < 2) return cli_usage_error(c, "duplicates", "merge takes KEEP OTHER [OTHER...] [--note TEXT]");
  store *s;
  int rc = cli_open(c, &s, 0);
  if (rc) return rc;
  int changed = 0;
  rc = store_begin(s, &c->e);
  if (!rc) {
    rc = duplicates_merge(s, cli_actor(c), ids[0], ids + 1, n - 1, note, &changed, &c->e);
    if (!rc) rc = store_commit(s, &c->e);
    if (rc) store_rollback(s);
  }
  if (!rc)
    fprintf(c->out, "merged %d event%s into %s (%d already merged into it); they count once, as %s\n",
            changed, changed == 1 ? "" : "s", ids[0], n - 1 - changed, ids[0]);
  store_close(s);
  return rc;
}

static int unmerge(cli *c, int argc, char **argv) {
  if (argc != 2) return cli_usage_error(c, "duplicates", "unmerge takes one event id");
  store *s;
  int rc = cli_open(c, &s, 0);
  if (rc) return rc;
  rc = store_begin(s, &c->e);
  if (!rc) {
    rc = duplicates_unmerge(s, cli_actor(c), argv[1], &c->e);
    if (!rc) rc = store_commit(s, &c->e);
    if (rc) store_rollback(s);
  }
  if (!rc) fprintf(c->out, "unmerged %s: it counts on its own again\n", argv[1]);
  store_close(s);
  return rc;
}

static int decisions(cli *c, int argc, char **argv) {
  (void)argv;
  if (argc > 1) return cli_usage_error(c, "duplicates", "decisions takes no arguments");
  store *s;
  int rc = cli_open(c, &s, 0);
  if (rc) return rc;
  stmt *st;
  rc = store_prepare(s,
                     "SELECT event_a, event_b, decision, decided_on, note FROM _duplicate_decisions "
                     "ORDER BY decided_on, event_a, event_b",
                     &st, &c->e);
  if (!rc) {
    while ((rc = stmt_step(st, &c->e)) == STMT_ROW) {
      const char *note = stmt_text(st, 4);
      fprintf(c->out, "%s\t%s\t%s\t%s\t%s\n", stmt_text(st, 0), stmt_text(st, 1),
              stmt_text(st, 2), stmt_text(st, 3), note ? note : "");
    }
    stmt_finalize(st);
    if (rc > 0) rc = 0;
  }
  store_close(s);
  return rc;
}

/* cmd_duplicates: `duplicates events|decide|merge|unmerge|decisions ...`; 0 or an ERR_* code. */
int cmd_duplicates(cli *c, int argc, char **argv) {
  if (argc < 1) return cli_usage_error(c, "duplicates", "give events, decide, merge, unmerge or decisions");
  if (!strcmp(argv[0], "events")) return list_pairs(c, argc, argv);
  if (!strcmp(argv[0], "decide")) return decide(c, argc, argv);
  if (!strcmp(argv[0], "merge")) return merge(c, argc, argv);
  if (!strcmp(argv[0], "unmerge")) return unmerge(c, argc, argv);
  if (!strcmp(argv[0], "decisions")) return decisions(c, argc, argv);
  return cli_usage_error(c, "duplicates",
                         "'%s': give events, decide, merge, unmerge or decisions (only events are compared)",
                         argv[0]);
}
