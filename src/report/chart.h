/* chart.h: the charts a report can hold (weekly incidents by type, IED
 * outcomes, serviceability by cause, convoy notifications by month, the map
 * of events), drawn by bluehelm itself as SVG, or as a Markdown table. */
#ifndef BH_CHART_H
#define BH_CHART_H

#include <jansson.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/lang.h"
#include "store/store.h"

/* chart_collect: gathers the data of chart name over from..to (day numbers)
 * with extra KEY=VALUE args; *data (owned by the caller) holds what the
 * drawing needs and "records", the ids behind it; *title (malloc'd) names
 * it in language l. Returns 0, or ERR_USAGE for an unknown chart or argument. */
int chart_collect(store *s, const char *name, int from, int to, lang l, int nargs, const char **args,
                  const char *visibility, json_t **data, char **title, err *e);

/* chart_svg: appends the chart (from chart_collect's data) as inline SVG,
 * its labels, legend and notes in language l. */
void chart_svg(const char *name, const char *title, json_t *data, lang l, buf *out);

/* chart_markdown: appends the chart's numbers as a Markdown table in language l. */
void chart_markdown(const char *name, const char *title, json_t *data, lang l, buf *out);

#endif
