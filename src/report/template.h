/* template.h: report templates: Markdown with placeholders that name
 * indicators and their parameters (docs/report.md). A template is parsed
 * into nodes, then evaluated against the store: every placeholder becomes a
 * figure that remembers its indicator, parameters, value and the ids of the
 * records behind it. No SQL and no code run from a template: it can only
 * call indicators and list records through the usual filters. */
#ifndef BH_TEMPLATE_H
#define BH_TEMPLATE_H

#include <jansson.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/lang.h"
#include "store/store.h"

#define REPORT_EACH_MAX 500   /* iterations of one #each */
#define REPORT_DEPTH_MAX 16   /* nesting of blocks */

typedef struct report_figure {
  int id;
  long line;
  char *source;    /* the placeholder as written */
  char *indicator; /* NULL for a variable */
  char *params;    /* the indicator's arguments, space-separated */
  char *path;      /* the figure inside the result */
  char *display;   /* the text put into the report */
  json_t *value;   /* owned reference */
  const char **ids; /* the records behind it (the strings belong to the doc) */
  long nids;
  int ids_owned;    /* the array (not the strings) is the figure's own */
} report_figure;

typedef struct report_chart {
  int id;
  long line;
  char *name;      /* weekly-incidents, ied-outcomes, serviceability-causes, notifications, map */
  char *title;
  json_t *data;    /* owned: what svg/table rendering needs */
  int figure;      /* the figure that holds its records, or -1 */
} report_chart;

typedef struct report_doc {
  char name[256];  /* the template's name */
  lang lang;       /* the language it is written in (numbers, dates, labels) */
  int from, to;    /* day numbers of the period */
  buf md;          /* Markdown; figures as \x01<id>\x02, charts as lines "BHCHART-<id>" */
  report_figure *figs;
  int nfigs, capfigs;
  report_chart *charts;
  int ncharts, capcharts;
  struct ind_records **recs; /* where the figures' ids live */
  int nrecs, caprecs;
} report_doc;

/* report_build: evaluates template (NUL-terminated Markdown named name, for
 * messages) over the period from..to (day numbers) into doc, writing
 * numbers, dates, lists and labels in language l. visibility is the SQL
 * condition on classified records (NULL: all). Errors name the template
 * line: "NAME:LINE: reason". Free doc with report_doc_free. Returns 0 or an
 * ERR_* code. */
int report_build(store *s, const char *template, const char *name, lang l, int from, int to,
                 const char *visibility, report_doc *doc, err *e);

/* report_doc_free: releases everything doc holds. */
void report_doc_free(report_doc *doc);

/* report_template_text: the text of a built-in template ("default",
 * "sitrep") in language l (src/report/templates/NAME.md, NAME.fr.md), or
 * NULL. Static storage. */
const char *report_template_text(const char *name, lang l);

#endif
