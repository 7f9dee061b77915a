/* country.h: country names of ISO 3166-1, from Debian's iso-codes
 * (/usr/share/iso-codes/json/iso_3166-1.json, and its French translation
 * /usr/share/locale/fr/LC_MESSAGES/iso_3166-1.mo), embedded in the binary
 * at build time: the running program needs no outside file. */
#ifndef BH_COUNTRY_H
#define BH_COUNTRY_H

#include "core/lang.h"

/* country_name: the short English name of the country whose alpha-3 code is
 * code ("BGD" -> "Bangladesh"), or NULL when code is not an ISO 3166-1 code.
 * Static storage; safe from several threads. */
const char *country_name(const char *code);

/* country_name_lang: the country's short name in language l ("EGY" ->
 * "Égypte" in French); the English name when iso-codes gives no
 * translation; NULL when code is not an ISO 3166-1 code. Static storage;
 * safe from several threads. */
const char *country_name_lang(const char *code, lang l);

/* country_each: calls fn for every country, by code, with its English and
 * French names. */
void country_each(void (*fn)(void *ctx, const char *code, const char *en, const char *fr), void *ctx);

#endif
