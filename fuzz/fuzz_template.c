/* fuzz_template.c: libFuzzer target for the report template language
 * (docs/report.md: placeholders, #each, #if, charts, formats), over the
 * fixture database (fixture.c).
 *
 * An input is a template. It is built (report_build) for the month of March
 * 2021 of the demo dataset, as everything (odd-sized inputs) or as a viewer
 * sees it (even-sized ones), in English or in French (by the first byte),
 * and a built report is rendered in each format.
 *
 * Checked:
 *   - a template is built, or refused with ERR_VALIDATION and a message that
 *     names the template and a line ("fuzz:LINE: reason");
 *   - figures and charts are numbered in order, each chart's records are a
 *     figure of the report, every figure has its text;
 *   - a built report renders as Markdown, HTML and JSON, or is refused as
 *     too large; the JSON parses. */
#include <stdint.h>
#include <string.h>

#include "core/date.h"
#include "core/lang.h"
#include "fixture.h"
#include "report/render.h"
#include "report/template.h"
#include "web/auth.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int from, to;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  fixture_store();
  FZ_CHECK(date_parse_iso("2021-03-01", &from) == 0 && date_parse_iso("2021-03-31", &to) == 0);
  return 0;
}

/* The report's figures and charts hold together. */
static void check_doc(const report_doc *doc) {
  for (int c = 0; c < doc->ncharts; c++) {
    const report_chart *ch = &doc->charts[c];
    FZ_CHECK(ch->id == c && ch->name && ch->title && ch->data);
    FZ_CHECK(ch->figure >= 0 && ch->figure < doc->nfigs);
  }
  for (int f = 0; f < doc->nfigs; f++) {
    const report_figure *fig = &doc->figs[f];
    FZ_CHECK(fig->id == f && fig->source && fig->display);
    for (long k = 0; k < fig->nids; k++) FZ_CHECK(fig->ids[k] != NULL);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  store *s = fixture_store();
  char *tpl = fixture_text(data, size);
  principal viewer;
  memset(&viewer, 0, sizeof viewer);
  viewer.role = ROLE_VIEWER;
  const char *vis = size % 2 ? NULL : authz_visibility(&viewer);
  report_doc doc;
  err e;
  lang l = size && data[0] % 2 ? LANG_FR : LANG_EN;
  int rc = report_build(s, tpl, "fuzz", l, from, to, vis, &doc, &e);
  if (rc) {
    if (rc != ERR_VALIDATION || e.code != rc || strncmp(e.msg, "fuzz:", 5) != 0)
      fprintf(stderr, "report_build: %d: %s\n", rc, e.msg);
    FZ_CHECK(rc == ERR_VALIDATION && e.code == rc);
    FZ_CHECK(strncmp(e.msg, "fuzz:", 5) == 0);
    free(tpl);
    return 0;
  }
  check_doc(&doc);
  static const report_format formats[] = {REPORT_MD, REPORT_HTML, REPORT_JSON};
  for (unsigned i = 0; i < sizeof formats / sizeof formats[0]; i++) {
    buf out;
    buf_init(&out, 0);
    rc = render_report(&doc, formats[i], &out, &e);
    FZ_CHECK(rc == 0 || rc == ERR_TOO_LARGE);
    if (!rc && formats[i] == REPORT_JSON) {
      json_error_t je;
      json_t *j = json_loadb(out.data ? out.data : "", out.len, 0, &je);
      if (!j) fprintf(stderr, "the JSON report does not parse: %s (line %d)\n", je.text, je.line);
      FZ_CHECK(j != NULL);
      json_decref(j);
    }
    buf_free(&out);
  }
  report_doc_free(&doc);
  free(tpl);
  return 0;
}
