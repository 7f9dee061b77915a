/* source.c: column layouts of native, ACLED and UCDP files. */
#include "io/source.h"

#include <stdio.h>
#include <string.h>

#include "core/date.h"

/* ACLED columns accepted and not stored. */
static const char *const acled_legacy[] = {"data_id", "iso3", "event_id_no_cnty"};

/* UCDP GED columns stored, and where (FORMATS.md, events). */
static const struct {
  const char *column, *field;
  transform tx;
} ucdp_map[] = {
    {"id", "event_id_cnty", TX_PREFIX_UCDP},
    {"date_start", "event_date", TX_EXPORT_DATE},
    {"type_of_violence", "event_type", TX_UCDP_TYPE},
    {"type_of_violence", "sub_event_type", TX_UCDP_SUBTYPE},
    {"side_a", "actor1", TX_NONE},
    {"side_b", "actor2", TX_NONE},
    {"adm_1", "admin1", TX_DROP_REGION},
    {"adm_2", "admin2", TX_DROP_CERCLE},
    {"where_description", "location", TX_NONE},
    {"best", "fatalities", TX_NONE},
    {"deaths_civilians", "civilians_killed", TX_NONE},
    {"date_prec", "time_precision", TX_NONE},
    {"where_prec", "geo_precision", TX_NONE},
    {"latitude", "latitude", TX_NONE},
    {"longitude", "longitude", TX_NONE},
};

/* The other GED columns: accepted, not stored. */
static const char *const ucdp_other[] = {
    "relid", "year", "active_year", "code_status", "conflict_dset_id", "conflict_new_id",
    "conflict_name", "dyad_dset_id", "dyad_new_id", "dyad_name", "side_a_dset_id",
    "side_a_new_id", "side_b_dset_id", "side_b_new_id", "number_of_sources", "source_article",
    "source_office", "source_date", "source_headline", "source_original", "where_coordinates",
    "geom_wkt", "priogrid_gid", "country", "country_id", "region", "event_clarity", "date_end",
    "deaths_a", "deaths_b", "deaths_unknown", "high", "low", "gwnoa", "gwnob"};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static int in_list(const char *name, const char *const *list, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (strcmp(name, list[i]) == 0) return 1;
  return 0;
}

int source_format_parse(const char *name, source_format *out, err *e) {
  if (strcmp(name, "acled") == 0) *out = SOURCE_ACLED;
  else if (strcmp(name, "ucdp") == 0) *out = SOURCE_UCDP;
  else if (strcmp(name, "acled-deletions") == 0) *out = SOURCE_ACLED_DELETIONS;
  else if (strcmp(name, "native") == 0) *out = SOURCE_NATIVE;
  else return err_set(e, ERR_USAGE, "unknown format '%.40s' (acled, ucdp, acled-deletions or native)", name);
  return 0;
}

static int add_map(source_layout *l, int column, int fieldno, transform tx) {
  if (l->nmaps >= SOURCE_MAPS_MAX) return -1;
  l->maps[l->nmaps++] = (source_map){column, fieldno, tx};
  return 0;
}

int source_layout_build(source_layout *l, source_format format, const kind *k,
                        const char *const *names, int n, int lenient,
                        void (*report)(void *ctx, const char *column, const char *msg),
                        void *ctx) {
  int problems = 0;
  char msg[512];
  memset(l, 0, sizeof *l);
  l->format = format;
  l->k = k;
  unsigned char given[KIND_FIELDS_MAX] = {0};
  for (int c = 0; c < n; c++) {
    for (int d = 0; d < c; d++)
      if (strcmp(names[c], names[d]) == 0) {
        report(ctx, names[c], "this column appears twice in the header");
        problems++;
      }
    if (format == SOURCE_UCDP) {
      int mapped = 0;
      for (size_t i = 0; i < COUNT(ucdp_map); i++)
        if (strcmp(ucdp_map[i].column, names[c]) == 0) {
          int fi = kind_field_index(k, ucdp_map[i].field);
          add_map(l, c, fi, ucdp_map[i].tx);
          given[fi] = 1;
          mapped = 1;
        }
      if (mapped || in_list(names[c], ucdp_other, COUNT(ucdp_other)) || lenient) continue;
      report(ctx, names[c], "unknown column for a UCDP GED file (give --lenient to ignore it)");
      problems++;
      continue;
    }
    int fi = kind_field_index(k, names[c]);
    if (fi >= 0 && (k->fields[fi].flags & F_DERIVED)) continue;
    if (fi >= 0) {
      transform tx = TX_NONE;
      if (format == SOURCE_ACLED && k->fields[fi].type == FT_DATE) tx = TX_EXPORT_DATE;
      if (add_map(l, c, fi, tx)) {
        report(ctx, names[c], "too many columns");
        problems++;
      }
      given[fi] = 1;
      continue;
    }
    if (format == SOURCE_ACLED && in_list(names[c], acled_legacy, COUNT(acled_legacy))) continue;
    if (lenient) continue;
    snprintf(msg, sizeof msg, "unknown column for %s (give --lenient to ignore it)", k->name);
    report(ctx, names[c], msg);
    problems++;
  }
  /* Required columns: each missing one is named in the COLUMN slot. A
   * native file that has the id columns may leave others out: it updates
   * those columns of existing records (a row naming no stored record is
   * then refused by the writer, naming the missing columns). */
  int keys_given = 1;
  for (int i = 0; i < k->nkey; i++) keys_given &= given[k->key[i]];
  for (int i = 0; i < k->nfields; i++) {
    const field *f = &k->fields[i];
    int required = (f->flags & F_REQUIRED) && !(f->flags & F_DERIVED);
    if (format != SOURCE_NATIVE && (!strcmp(f->name, "latitude") || !strcmp(f->name, "longitude")))
      required = 1;
    if (format == SOURCE_NATIVE && keys_given && !(f->flags & F_KEY)) required = 0;
    if (required && !given[i]) {
      report(ctx, f->name, "this required column is missing from the header");
      problems++;
    }
  }
  if (format == SOURCE_ACLED) {
    int has_actor1 = kind_field_index(k, "actor1"), has_actor2 = kind_field_index(k, "actor2");
    l->monadic = has_actor1 >= 0 && given[has_actor1] && !given[has_actor2];
  }
  return problems;
}

static const char *drop_suffix(const char *raw, const char *suffix, arena *a) {
  size_t n = strlen(raw), sn = strlen(suffix);
  if (n > sn && strcmp(raw + n - sn, suffix) == 0) return arena_strndup(a, raw, n - sn);
  return raw;
}

const char *source_transform(transform tx, const char *raw, arena *a, err *e) {
  if (!raw[0] && tx != TX_NONE) return raw;
  switch (tx) {
    case TX_NONE:
      return raw;
    case TX_EXPORT_DATE: {
      int d;
      if (date_parse_export(raw, &d)) {
        err_set(e, ERR_VALIDATION, "'%.40s' is not a date", raw);
        return NULL;
      }
      char *out = arena_alloc(a, 11);
      return date_format(d, out);
    }
    case TX_PREFIX_UCDP:
      return arena_printf(a, "ucdp:%s", raw);
    case TX_UCDP_TYPE:
    case TX_UCDP_SUBTYPE:
      if (!strcmp(raw, "1") || !strcmp(raw, "2"))
        return tx == TX_UCDP_TYPE ? "Battles" : "Armed clash";
      if (!strcmp(raw, "3")) return tx == TX_UCDP_TYPE ? "Violence against civilians" : "Attack";
      err_set(e, ERR_VALIDATION, "'%.40s' is not a UCDP type of violence (1, 2 or 3)", raw);
      return NULL;
    case TX_DROP_REGION:
      return drop_suffix(raw, " region", a);
    case TX_DROP_CERCLE:
      return drop_suffix(raw, " cercle", a);
  }
  return raw;
}
