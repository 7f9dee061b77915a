/* render.c: Markdown, HTML (CommonMark via cmark, safe mode) and JSON output. */
#include "report/render.h"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>
#include <pthread.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/date.h"
#include "core/jw.h"
#include "core/lang.h"
#include "report/chart.h"

#define APPENDIX_IDS_SHOWN 400

int render_format_parse(const char *name, report_format *out, err *e) {
  if (!strcmp(name, "md")) *out = REPORT_MD;
  else if (!strcmp(name, "html")) *out = REPORT_HTML;
  else if (!strcmp(name, "json")) *out = REPORT_JSON;
  else return err_set(e, ERR_USAGE, "unknown report format '%.40s' (md, html or json)", name);
  return 0;
}

static void html_text(buf *out, const char *s) {
  for (; s && *s; s++) {
    switch (*s) {
      case '<': buf_puts(out, "&lt;"); break;
      case '>': buf_puts(out, "&gt;"); break;
      case '&': buf_puts(out, "&amp;"); break;
      case '"': buf_puts(out, "&quot;"); break;
      case '\'': buf_puts(out, "&#39;"); break;
      default: buf_putc(out, *s);
    }
  }
}

/* The Markdown with figures filled in: plain values, or links to the appendix. */
static void fill_markdown(const report_doc *doc, int links, buf *out) {
  const char *p = buf_cstr((buf *)&doc->md);
  while (*p) {
    const char *m = strchr(p, '\x01');
    if (!m) {
      buf_puts(out, p);
      break;
    }
    buf_append(out, p, (size_t)(m - p));
    char *end;
    long id = strtol(m + 1, &end, 10);
    if (*end != '\x02' || id < 0 || id >= doc->nfigs) {
      p = m + 1;
      continue;
    }
    const report_figure *f = &doc->figs[id];
    if (links && f->indicator) buf_printf(out, "[%s](#fig-%ld)", f->display, id);
    else buf_puts(out, f->display);
    p = end + 1;
  }
}

static void markdown(const report_doc *doc, buf *out) {
  buf filled;
  buf_init(&filled, 0);
  fill_markdown(doc, 0, &filled);
  const char *p = buf_cstr(&filled);
  while (*p) {
    const char *c = strstr(p, "BHCHART-");
    if (!c) {
      buf_puts(out, p);
      break;
    }
    buf_append(out, p, (size_t)(c - p));
    char *end;
    long id = strtol(c + 8, &end, 10);
    if (id >= 0 && id < doc->ncharts) {
      const report_chart *ch = &doc->charts[id];
      chart_markdown(ch->name, ch->title, ch->data, doc->lang, out);
    }
    p = end;
  }
  buf_free(&filled);
}

static const char *STYLE =
    "body{font:15px/1.5 Georgia,'Times New Roman',serif;color:#1a1a1a;max-width:50em;margin:2em auto;padding:0 1em}"
    "h1,h2,h3{font-family:Helvetica,Arial,sans-serif;line-height:1.25}h1{font-size:1.6em}h2{font-size:1.25em;"
    "border-bottom:1px solid #ccc;margin-top:2em}a{color:#0b4f8a}table{border-collapse:collapse;margin:.8em 0}"
    "td,th{border:1px solid #bbb;padding:.2em .5em;font-size:.9em}figure{margin:1.2em 0}svg{width:100%;height:auto}"
    ".ct{font:bold 13px Helvetica,Arial,sans-serif}.ax{font:10px Helvetica,Arial,sans-serif;fill:#444}"
    ".grid{stroke:#ddd}.region{fill:#f3efe6;stroke:#8a8170;stroke-width:.8}figcaption{font-size:.85em;color:#555}"
    ".appendix section{border-top:1px solid #eee;font-size:.85em}.appendix code{font-size:.95em}"
    ".ids{font-family:monospace;font-size:.85em;word-break:break-all}"
    "header p{color:#555}@media print{a{color:inherit;text-decoration:none}body{max-width:none}"
    "figure,table{page-break-inside:avoid}.appendix{page-break-before:always}}";

static pthread_once_t extensions_once = PTHREAD_ONCE_INIT;

static void register_extensions(void) { cmark_gfm_core_extensions_ensure_registered(); }

/* CommonMark with GitHub's tables, in safe mode (raw HTML is dropped). */
static char *markdown_to_html(const char *md, size_t len) {
  pthread_once(&extensions_once, register_extensions);
  cmark_parser *p = cmark_parser_new(CMARK_OPT_DEFAULT);
  cmark_syntax_extension *table = cmark_find_syntax_extension("table");
  if (table) cmark_parser_attach_syntax_extension(p, table);
  cmark_parser_feed(p, md, len);
  cmark_node *root = cmark_parser_finish(p);
  char *html = cmark_render_html(root, CMARK_OPT_DEFAULT, cmark_parser_get_syntax_extensions(p));
  cmark_node_free(root);
  cmark_parser_free(p);
  return html;
}

/* The HTML report's own words, in each language. */
typedef struct words {
  const char *title_from, *title_to, *header, *period_from, *period_to, *links, *behind, *appendix,
      *figure, *line, *indicator, *figure_path, *record, *records, *more_a, *more_b, *sources;
} words;

static const words html_words[LANG_COUNT] = {
    {"Report ", " to ", "bluehelm report, template ", ", period ", " to ",
     ". Every figure links to the records behind it.", "The records behind it",
     "Appendix: the records behind each figure", "Figure ", ", template line ", ": indicator ", ", figure ",
     " record", " records", " and ", " more (the JSON report lists them all)",
     "Gazetteer: GeoNames (CC BY 4.0). Boundaries: geoBoundaries (Runfola et al. 2020, CC BY 4.0). "
     "Event data as imported, with their sources' attribution."},
    {"Rapport du ", " au ", "Rapport bluehelm, modèle ", ", période du ", " au ",
     ". Chaque chiffre renvoie aux fiches dont il est tiré.", "Les fiches correspondantes",
     "Annexe : les fiches dont chaque chiffre est tiré", "Chiffre ", ", ligne du modèle ", " : indicateur ",
     ", chiffre ", "\xc2\xa0" "fiche", "\xc2\xa0" "fiches", " et ", " autres (le rapport JSON les donne toutes)",
     "Répertoire géographique : GeoNames (CC BY 4.0). Limites : geoBoundaries (Runfola et al. 2020, "
     "CC BY 4.0). Données sur les événements telles qu'importées, avec l'attribution de leurs sources."},
};

static void html(const report_doc *doc, buf *out) {
  const words *w = &html_words[doc->lang];
  buf md;
  buf_init(&md, 0);
  fill_markdown(doc, 1, &md);
  char *body = markdown_to_html(buf_cstr(&md), md.len);
  buf_free(&md);
  buf d1, d2;
  buf_init(&d1, 256);
  buf_init(&d2, 256);
  if (doc->from != INT_MIN) lang_date(&d1, doc->from, doc->lang);
  if (doc->to != INT_MAX) lang_date(&d2, doc->to, doc->lang);
  buf_printf(out, "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">"
                  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>",
             lang_code(doc->lang));
  buf_printf(out, "%s%s%s%s", w->title_from, buf_cstr(&d1), w->title_to, buf_cstr(&d2));
  buf_printf(out, "</title><style>%s</style></head><body><header><p>%s", STYLE, w->header);
  if (doc->lang == LANG_FR) buf_puts(out, "\xc2\xab\xc2\xa0"); /* « */
  html_text(out, doc->name);
  if (doc->lang == LANG_FR) buf_puts(out, "\xc2\xa0\xc2\xbb"); /* » */
  buf_printf(out, "%s%s%s%s%s</p></header><main>\n", w->period_from, buf_cstr(&d1), w->period_to, buf_cstr(&d2),
             w->links);
  buf_free(&d1);
  buf_free(&d2);
  /* Charts replace their marker paragraphs. */
  const char *p = body ? body : "";
  while (*p) {
    const char *c = strstr(p, "<p>BHCHART-");
    if (!c) {
      buf_puts(out, p);
      break;
    }
    buf_append(out, p, (size_t)(c - p));
    char *end;
    long id = strtol(c + 11, &end, 10);
    if (strncmp(end, "</p>", 4) != 0 || id < 0 || id >= doc->ncharts) {
      buf_puts(out, "<p>");
      p = c + 3;
      continue;
    }
    const report_chart *ch = &doc->charts[id];
    buf_printf(out, "<figure id=\"chart-%ld\">", id);
    chart_svg(ch->name, ch->title, ch->data, doc->lang, out);
    buf_printf(out, "<figcaption>");
    html_text(out, ch->title);
    buf_printf(out, ". <a href=\"#fig-%d\">%s</a>.</figcaption></figure>", ch->figure, w->behind);
    p = end + 4;
  }
  free(body);
  buf_printf(out, "</main>\n<section class=\"appendix\"><h2>%s</h2>\n", w->appendix);
  for (int i = 0; i < doc->nfigs; i++) {
    const report_figure *f = &doc->figs[i];
    if (!f->indicator) continue; /* dates and names: nothing to trace */
    buf_printf(out, "<section id=\"fig-%d\"><h3>%s%d%s ", i, w->figure, i, doc->lang == LANG_FR ? "\xc2\xa0:" : ":");
    html_text(out, f->display);
    buf_puts(out, "</h3><p><code>{{ ");
    html_text(out, f->source);
    buf_printf(out, " }}</code>%s%ld", w->line, f->line);
    if (f->indicator && strcmp(f->indicator, "chart") != 0) {
      buf_printf(out, "%s<code>", w->indicator);
      html_text(out, f->indicator);
      buf_puts(out, " ");
      html_text(out, f->params);
      buf_printf(out, "</code>%s<code>", w->figure_path);
      html_text(out, f->path);
      buf_puts(out, "</code>");
    }
    buf_puts(out, ".</p><p>");
    lang_number(out, (double)f->nids, 0, doc->lang);
    buf_puts(out, lang_singular((double)f->nids, doc->lang) ? w->record : w->records);
    if (f->nids) {
      buf_puts(out, doc->lang == LANG_FR ? "\xc2\xa0:</p><p class=\"ids\">" : ":</p><p class=\"ids\">");
      for (long j = 0; j < f->nids && j < APPENDIX_IDS_SHOWN; j++) {
        if (j) buf_puts(out, ", ");
        html_text(out, f->ids[j]);
      }
      if (f->nids > APPENDIX_IDS_SHOWN) {
        buf_puts(out, w->more_a);
        lang_number(out, (double)(f->nids - APPENDIX_IDS_SHOWN), 0, doc->lang);
        buf_puts(out, w->more_b);
      }
    } else {
      buf_puts(out, ".");
    }
    buf_puts(out, "</p></section>\n");
  }
  buf_printf(out, "<p><small>%s</small></p></section></body></html>\n", w->sources);
}

static void json_out(const report_doc *doc, buf *out) {
  jw w;
  jw_init(&w, out, 1);
  jw_obj(&w);
  char d[11];
  jw_kstr(&w, "template", doc->name);
  jw_kstr(&w, "lang", lang_code(doc->lang));
  jw_kstr(&w, "from", doc->from == INT_MIN ? NULL : date_format(doc->from, d));
  jw_kstr(&w, "to", doc->to == INT_MAX ? NULL : date_format(doc->to, d));
  jw_key(&w, "figures");
  jw_arr(&w);
  for (int i = 0; i < doc->nfigs; i++) {
    const report_figure *f = &doc->figs[i];
    jw_obj(&w);
    jw_kint(&w, "id", i);
    jw_kint(&w, "line", f->line);
    jw_kstr(&w, "placeholder", f->source);
    jw_kstr(&w, "indicator", f->indicator);
    jw_kstr(&w, "params", f->params);
    jw_kstr(&w, "figure", f->path);
    jw_kstr(&w, "text", f->display);
    jw_key(&w, "value");
    char *v = f->value ? json_dumps(f->value, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;
    if (v) jw_raw(&w, v);
    else jw_null(&w);
    free(v);
    jw_key(&w, "records");
    jw_arr(&w);
    for (long j = 0; j < f->nids; j++) jw_str(&w, f->ids[j]);
    jw_arr_end(&w);
    jw_obj_end(&w);
  }
  jw_arr_end(&w);
  jw_key(&w, "markdown");
  buf md;
  buf_init(&md, 0);
  markdown(doc, &md);
  jw_strn(&w, buf_cstr(&md), md.len);
  buf_free(&md);
  jw_obj_end(&w);
  buf_putc(out, '\n');
}

int render_report(const report_doc *doc, report_format f, buf *out, err *e) {
  if (f == REPORT_MD) markdown(doc, out);
  else if (f == REPORT_HTML) html(doc, out);
  else json_out(doc, out);
  if (out->overflow) return err_set(e, ERR_TOO_LARGE, "the report is larger than its limit");
  return 0;
}
