/* lang.h: the languages bluehelm writes (English, French) and how each
 * writes numbers, dates and plurals (FORMATS.md section 4.2). English keeps
 * the report's figures as plain digits ("1234", "2.5"); French groups
 * thousands with a narrow no-break space (U+202F: "1 234"), takes a decimal
 * comma ("2,5") and writes "1er juin 2021". */
#ifndef BH_LANG_H
#define BH_LANG_H

#include "core/buf.h"

typedef enum lang { LANG_EN, LANG_FR } lang;

#define LANG_COUNT 2
#define LANG_NNBSP "\xe2\x80\xaf" /* U+202F NARROW NO-BREAK SPACE */
#define LANG_NBSP "\xc2\xa0"      /* U+00A0 NO-BREAK SPACE */

/* lang_parse: "en" or "fr" into *out; returns 0, or -1 for anything else. */
int lang_parse(const char *s, lang *out);

/* lang_code: "en" or "fr". */
const char *lang_code(lang l);

/* lang_from_accept: the language an Accept-Language header prefers among
 * English and French (by q value, then order; "fr-FR" counts as French);
 * English when the header is NULL, empty or names neither. */
lang lang_from_accept(const char *header);

/* lang_number: appends v with at most `decimals` (0 or 1) decimals, halves
 * away from zero; a whole value has no decimals. */
void lang_number(buf *out, double v, int decimals, lang l);

/* lang_percent: appends a whole percentage with its sign: "34%" (en),
 * "34 %" with U+202F (fr). */
void lang_percent(buf *out, double v, lang l);

/* lang_date: appends day number `day` as "1 June 2021" / "1er juin 2021". */
void lang_date(buf *out, int day, lang l);

/* lang_date_short: appends day number `day` as "1 Jun 2021" / "1er juin 2021"
 * (abbreviated months: "4 janv. 2021"). */
void lang_date_short(buf *out, int day, lang l);

/* lang_month: appends month m (1-12) of year y as "June 2021" / "juin 2021". */
void lang_month(buf *out, int y, int m, lang l);

/* lang_month_name: "June" / "juin" for m in 1..12, else "". Static text. */
const char *lang_month_name(int m, lang l);

/* lang_singular: 1 when a count of v takes the singular: v = 1 in English;
 * |v| < 2 in French ("0 incident", "1,5 kilomètre"). */
int lang_singular(double v, lang l);

/* lang_and: the word joining the last two items of a list (" and ", " et "). */
const char *lang_and(lang l);

/* lang_none / lang_na: "none" / "aucun"; "n/a" / "s.o." (no value). */
const char *lang_none(lang l);
const char *lang_na(lang l);

#endif
