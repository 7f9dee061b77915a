/* test_perf.c: issue 12's shortcuts give what the long way gives: numbers
 * read without strtod/strtoll, the cells wholly inside a near= circle, the
 * map's regions without a JSON tree, and counts sharing one pass. */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/indicator.h"
#include "core/embed.h"
#include "core/geo.h"
#include "core/str.h"
#include "model/filter.h"
#include "model/kind.h"
#include "model/query.h"
#include "model/record.h"
#include "model/sqlfn.h"
#include "report/chart.h"
#include "store/store.h"
#include "test.h"

/* str_to_double and str_to_int64 against strtod and strtoll on numbers of
 * every length and precision (their fast paths must round the same). */
TEST(numbers_fast_paths) {
  unsigned seed = 7;
  long bad = 0;
  for (long i = 0; i < 300000; i++) {
    char b[64];
    seed = seed * 1103515245u + 12345u;
    double x = (double)(seed % 1000000007u) / pow(10, seed % 12);
    snprintf(b, sizeof b, "%s%.*f", (seed >> 3) & 1 ? "-" : "", (int)((seed >> 8) % 12), x);
    double got, want = strtod(b, NULL);
    if (str_to_double(b, &got) || memcmp(&got, &want, sizeof got)) bad++;
    seed = seed * 1103515245u + 12345u;
    long long n = ((long long)seed << 31 | seed) % 1000000000000000000LL;
    snprintf(b, sizeof b, "%s%lld", (seed >> 5) & 1 ? "-" : "", n >> (seed % 60));
    int64_t gi;
    if (str_to_int64(b, &gi) || gi != strtoll(b, NULL, 10)) bad++;
  }
  CHECK_INT(bad, 0);
  int64_t v;
  CHECK(str_to_int64("9223372036854775807", &v) == 0 && v == INT64_MAX);
  CHECK(str_to_int64("9223372036854775808", &v) < 0);
  CHECK(str_to_int64("12a", &v) < 0);
  CHECK(str_to_int64("-", &v) < 0);
  double d;
  CHECK(str_to_double("-0.0", &d) == 0 && d == 0 && signbit(d));
  CHECK(str_to_double("1.2.3", &d) < 0);
  CHECK(str_to_double(".", &d) < 0);
  CHECK(str_to_double("1e3", &d) == 0 && d == 1000);
  CHECK(str_to_double("1234567890123456.5", &d) == 0 && d == strtod("1234567890123456.5", NULL));
}

/* Every point of a cell that geo_cell_split calls inside (its edges walked
 * densely) is within the distance; inside and edge cells together are the
 * cells of geo_cell_ranges. */
TEST(geo_cells_inside_circle) {
  unsigned seed = 11;
  long checked = 0, bad = 0;
  for (int t = 0; t < 60; t++) {
    seed = seed * 1103515245u + 12345u;
    double lat = -70 + (seed % 14000) / 100.0;
    seed = seed * 1103515245u + 12345u;
    double lon = -179 + (seed % 35800) / 100.0;
    double km = 5 + (seed >> 8) % 300;
    long in[4096], edge[4096];
    int nin, nedge;
    if (geo_cell_split(lat, lon, km, in, &nin, edge, &nedge, 4096)) continue;
    geo_range r[64];
    int nr = geo_cell_ranges(lat, lon, km, r, 64);
    long cells = 0;
    for (int i = 0; i < nr; i++) cells += r[i].hi - r[i].lo + 1;
    CHECK(cells == nin + nedge);
    for (int c = 0; c < nin; c++) {
      double la0 = (in[c] / GEO_CELL_COLS) * GEO_CELL_DEG - 90, lo0 = (in[c] % GEO_CELL_COLS) * GEO_CELL_DEG - 180;
      for (int a = 0; a <= 40; a++)
        for (int b = 0; b <= 40; b += (a == 0 || a == 40) ? 1 : 40) {
          double la = la0 + GEO_CELL_DEG * a / 40, lo = lo0 + GEO_CELL_DEG * b / 40;
          checked++;
          if (geo_distance_km(lat, lon, la, lo) > km) bad++;
          if (geo_distance_km(lat, lon, la0 + GEO_CELL_DEG * b / 40, lo0 + GEO_CELL_DEG * a / 40) > km) bad++;
        }
    }
  }
  CHECK(checked > 10000);
  CHECK_INT(bad, 0);
}

/* The map's regions read without a JSON tree are what jansson gives. */
TEST(map_regions_fast_read) {
  const embed_file *f = embed_find("data/boundaries/geoboundaries_mli_adm1_simplified.geojson");
  REQUIRE(f);
  buf fast, slow;
  buf_init(&fast, 0);
  buf_init(&slow, 0);
  CHECK_INT(chart_regions_fast((const char *)f->data, f->len, &fast), 0);
  CHECK_INT(chart_regions_json((const char *)f->data, f->len, &slow), 0);
  CHECK(fast.len > 1000);
  CHECK(fast.len == slow.len && !memcmp(fast.data, slow.data, fast.len));
  /* Not that layout: the fast reader says so. */
  buf_reset(&fast);
  const char *odd = "{\"features\":[{\"geometry\":{\"coordinates\":[[[1,2]]]},\"properties\":{\"shapeName\":\"X\"}}]}";
  CHECK(chart_regions_fast(odd, strlen(odd), &fast) < 0);
  buf_free(&fast);
  buf_free(&slow);
}

/* Counts that share one pass (indicator_eval_many) give what each count
 * alone gives, ids and all: counts over one period with other filters,
 * one with a part of the rule of what counts lifted, one over another
 * period, and one in error. */
TEST(counts_share_a_pass) {
  store *s = NULL;
  err e;
  REQUIRE(!store_open(&s, ":memory:", STORE_CREATE, &e) && !sqlfn_attach(s, &e));
  const kind *k = kind_find("events");
  static const char *const types[][2] = {{"Battles", "Armed clash"},
                                         {"Violence against civilians", "Attack"},
                                         {"Explosions/Remote violence", "Remote explosive/landmine/IED"},
                                         {"Riots", "Mob violence"}};
  writer *w;
  REQUIRE(!writer_open(&w, s, k, NULL, &e));
  err_list errs;
  err_list_init(&errs, 10);
  arena a;
  arena_init(&a);
  for (int i = 0; i < 400; i++) {
    record r;
    record_init(&r, k);
    char id[32], date[16], lat[16];
    snprintf(id, sizeof id, "ev-%03d", (i * 37) % 400);
    snprintf(date, sizeof date, "2021-%02d-%02d", 1 + i % 6, 1 + i % 28);
    snprintf(lat, sizeof lat, "%.2f", 14 + (i % 50) * 0.1);
    const char *kv[] = {"event_id_cnty", id, "event_date", date, "event_type", types[i % 4][0],
                        "sub_event_type", types[i % 4][1], "latitude", lat, "longitude", "-1.5",
                        "verification", i % 9 == 0 ? "rejected" : "verified", NULL};
    for (int j = 0; kv[j]; j += 2) {
      int fi = kind_field_index(k, kv[j]);
      CHECK(field_parse(s, &k->fields[fi], kv[j + 1], &r.v[fi], &a, &e) == 0);
      r.present[fi] = 1;
    }
    CHECK(writer_put(w, &r, &errs) == WRITE_INSERTED);
  }
  writer_close(w);
  static const char *const c0[] = {"of=events", "event_date>=2021-02-01", "event_date<=2021-04-30"};
  static const char *const c1[] = {"of=events", "event_date>=2021-02-01", "event_date<=2021-04-30", "event_type=Battles"};
  static const char *const c2[] = {"of=events", "explosive=yes", "event_date>=2021-02-01", "event_date<=2021-04-30"};
  static const char *const c3[] = {"of=events", "event_date>=2021-02-01", "event_date<=2021-04-30", "verification=rejected"};
  static const char *const c4[] = {"of=events", "event_date>=2021-01-01", "event_date<=2021-01-31"};
  static const char *const c5[] = {"of=events", "event_date>=2021-02-01", "event_date<=2021-04-30", "nosuch=1"};
  static const char *const c6[] = {"of=events", "event_date>=2021-02-01", "event_date<=2021-04-30", "near=nowhere:5"};
  static const char *const c7[] = {"of=nosuchkind", "event_date>=2021-02-01", "event_date<=2021-04-30"};
  ind_call calls[] = {{"count", 3, c0}, {"count", 4, c1}, {"count", 4, c2}, {"count", 4, c3},
                      {"count", 3, c4}, {"count", 4, c5}, {"count", 4, c6}, {"count", 3, c7}};
  int n = (int)(sizeof calls / sizeof calls[0]);
  buf outs[8];
  ind_records *recs[8];
  int rcs[8];
  err errs_many[8];
  for (int i = 0; i < n; i++) buf_init(&outs[i], 0);
  indicator_eval_many(s, n, calls, NULL, outs, recs, rcs, errs_many);
  for (int i = 0; i < n; i++) {
    buf one;
    buf_init(&one, 0);
    ind_records *r1 = NULL;
    err e1;
    int rc1 = indicator_eval(s, calls[i].name, calls[i].nargs, calls[i].args, NULL, &one, &r1, &e1);
    CHECK_INT(rcs[i], rc1);
    if (!rc1) {
      CHECK_STR(buf_cstr(&outs[i]), buf_cstr(&one));
      const char *const *ids1, *const *ids2;
      long n1 = ind_records_get(r1, "count", &ids1), n2 = ind_records_get(recs[i], "count", &ids2);
      CHECK(n1 == n2 && n1 > 0);
      for (long j = 0; j < n1 && j < n2; j++) CHECK_STR(ids1[j], ids2[j]);
    } else {
      CHECK_STR(errs_many[i].msg, e1.msg);
    }
    ind_records_free(r1);
    ind_records_free(recs[i]);
    buf_free(&one);
    buf_free(&outs[i]);
  }
  err_list_free(&errs);
  arena_free(&a);
  store_close(s);
}
