/* chart.h: the charts a report can hold (weekly incidents by type, IED
 * outcomes, serviceability by cause, convoy notifications by month, the map
 * of events), drawn by bluehelm itself as SVG, or as a Markdown table. */
#ifndef BH_CHART_H
#define BH_CHART_H

#include <jansson.h>

#include "analysis/indicator.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/lang.h"
#include "store/store.h"

/* How a chart runs an indicator: its result without `records` and, in
 * *recs, the ids behind its figures (both borrowed; the caller keeps them
 * as long as the chart's ids), or NULL with e filled. */
typedef json_t *(*chart_run_fn)(void *ctx, const char *name, int nargs, const char *const *args,
                                const ind_records **recs, err *e);

/* chart_collect: gathers the data of chart name over from..to (day numbers)
 * with extra KEY=VALUE args, running indicators through run(ctx, ...);
 * *data (owned by the caller) holds what the drawing needs; *ids (free
 * with ind_records_free) the ids behind it as figure "records" (some
 * borrowed from run's records); *title (malloc'd) names it in language l.
 * Returns 0, or ERR_USAGE for an unknown chart or argument. */
int chart_collect(store *s, const char *name, int from, int to, lang l, int nargs, const char **args,
                  const char *visibility, chart_run_fn run, void *ctx, json_t **data, char **title,
                  ind_records **ids, err *e);

/* chart_svg: appends the chart (from chart_collect's data) as inline SVG,
 * its labels, legend and notes in language l. */
void chart_svg(const char *name, const char *title, json_t *data, lang l, buf *out);

/* chart_markdown: appends the chart's numbers as a Markdown table in language l. */
void chart_markdown(const char *name, const char *title, json_t *data, lang l, buf *out);

/* chart_regions_fast, chart_regions_json: the map's regions (an SVG
 * <path> with a <title> per feature) from a GeoJSON text of n bytes,
 * appended to out; the first without a JSON tree, for the embedded file's
 * layout (returns -1, out partly written, when the text is not laid out
 * so), the second with jansson (-1 when it is not JSON). The map uses the
 * first and falls back on the second; they give the same for the embedded
 * file (tests/unit). */
int chart_regions_fast(const char *p, size_t n, buf *out);
int chart_regions_json(const char *p, size_t n, buf *out);

#endif
