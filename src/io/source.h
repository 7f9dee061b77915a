/* source.h: how the columns of an incoming CSV map onto a kind's fields:
 * the native layout (column = field), ACLED exports (legacy columns, three
 * date styles, monadic files) and UCDP GED rows (renamed, recoded columns). */
#ifndef BH_SOURCE_H
#define BH_SOURCE_H

#include <stddef.h>

#include "core/arena.h"
#include "core/err.h"
#include "model/kind.h"

/* SOURCE_ACLED_DELETIONS: ACLED's list of withdrawn events (event_id_cnty,
 * deleted_timestamp), read by import.c itself, not mapped onto a kind. */
typedef enum source_format { SOURCE_NATIVE, SOURCE_ACLED, SOURCE_UCDP, SOURCE_ACLED_DELETIONS } source_format;

typedef enum transform {
  TX_NONE,
  TX_EXPORT_DATE,     /* ACLED/UCDP date styles -> YYYY-MM-DD */
  TX_PREFIX_UCDP,     /* id -> "ucdp:<id>" */
  TX_UCDP_TYPE,       /* type_of_violence -> event_type */
  TX_UCDP_SUBTYPE,    /* type_of_violence -> sub_event_type */
  TX_DROP_REGION,     /* "Gao region" -> "Gao" */
  TX_DROP_CERCLE      /* "Menaka cercle" -> "Menaka" */
} transform;

#define SOURCE_MAPS_MAX 128

typedef struct source_map {
  int column;     /* index in the CSV header */
  int field;      /* index in the kind's fields */
  transform tx;
} source_map;

typedef struct source_layout {
  source_format format;
  const kind *k;
  source_map maps[SOURCE_MAPS_MAX];
  int nmaps;
  int monadic; /* ACLED monadic export: rows of one event_id_cnty are one event */
} source_layout;

/* source_layout_build: maps the header (names[0..n)) of a file of kind k in
 * the given format. Unknown columns are errors unless lenient; derived
 * columns and the format's accepted extra columns are ignored. Each problem
 * is reported through report(ctx, column, message); returns the number of
 * problems (0 = usable layout). */
int source_layout_build(source_layout *l, source_format format, const kind *k,
                        const char *const *names, int n, int lenient,
                        void (*report)(void *ctx, const char *column, const char *msg),
                        void *ctx);

/* source_transform: applies tx to raw; returns the new text (in a, or raw
 * itself), or NULL with a reason in e when raw cannot be converted. */
const char *source_transform(transform tx, const char *raw, arena *a, err *e);

/* source_format_parse: "acled", "ucdp", "acled-deletions" or "native" ->
 * *out; 0 or ERR_USAGE. */
int source_format_parse(const char *name, source_format *out, err *e);

#endif
