/* render.h: a built report (report/template.h) as Markdown, as one
 * self-contained HTML file (charts and map inline as SVG, every figure linked
 * to an appendix listing its records) or as JSON for other tools. */
#ifndef BH_RENDER_H
#define BH_RENDER_H

#include "core/buf.h"
#include "core/err.h"
#include "report/template.h"

typedef enum report_format { REPORT_MD, REPORT_HTML, REPORT_JSON } report_format;

/* render_format_parse: "md", "html" or "json" -> *out; 0 or ERR_USAGE. */
int render_format_parse(const char *name, report_format *out, err *e);

/* render_report: appends doc in format f to out. Returns 0 or ERR_TOO_LARGE. */
int render_report(const report_doc *doc, report_format f, buf *out, err *e);

#endif
