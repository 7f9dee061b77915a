/* export.h: records out as CSV (the import layout, so exports round-trip),
 * JSON, GeoJSON, and whole dataset folders. */
#ifndef BH_EXPORT_H
#define BH_EXPORT_H

#include <stdio.h>

#include "model/filter.h"

/* EXPORT_CSV writes values as stored (the import layout: it round-trips).
 * EXPORT_CSV_SHEET is the same CSV for spreadsheets: a text value that
 * begins with =, +, -, @, a tab or a carriage return gets a leading ' so
 * that a spreadsheet shows it instead of running it as a formula (OWASP's
 * CSV injection advice); numbers, dates and yes/no are never changed. */
typedef enum export_format { EXPORT_CSV, EXPORT_JSON, EXPORT_GEOJSON, EXPORT_CSV_SHEET } export_format;

/* export_format_parse: "csv", "json" or "geojson" -> *out (csv gives
 * EXPORT_CSV_SHEET); 0 or ERR_USAGE. */
int export_format_parse(const char *name, export_format *out, err *e);

/* export_kind: writes the records of fs->k matching fs to out, in key
 * order. GeoJSON needs a kind with coordinates. Returns 0, or ERR_USAGE /
 * ERR_DB / ERR_IO. */
int export_kind(store *s, filter_set *fs, export_format format, FILE *out, err *e);

/* export_all: writes every kind as <dir>/<kind>.csv (creating dir), a
 * dataset folder that `import` reads back. Gazetteer places that the mission
 * has not changed are left out: `init` loads them. Returns 0 or an ERR_*. */
int export_all(store *s, const char *dir, err *e);

#endif
