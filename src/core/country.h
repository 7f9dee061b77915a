/* country.h: country names of ISO 3166-1, from Debian's iso-codes
 * (/usr/share/iso-codes/json/iso_3166-1.json), embedded in the binary at
 * build time: the running program needs no outside file. */
#ifndef BH_COUNTRY_H
#define BH_COUNTRY_H

/* country_name: the short English name of the country whose alpha-3 code is
 * code ("BGD" -> "Bangladesh"), or NULL when code is not an ISO 3166-1 code.
 * Static storage; safe from several threads. */
const char *country_name(const char *code);

#endif
