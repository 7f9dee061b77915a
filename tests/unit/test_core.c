/* test_core.c: dates, distances, grid cells, folding, numbers, JSON. */
#include <math.h>
#include <string.h>

#include "core/buf.h"
#include "core/country.h"
#include "core/date.h"
#include "core/geo.h"
#include "core/jw.h"
#include "core/str.h"
#include "core/utf8.h"
#include "test.h"

TEST(date_parse_forms) {
  int d, e;
  CHECK_INT(date_parse_iso("2021-02-28", &d), 0);
  CHECK(date_parse_iso("2021-02-29", &d) < 0);
  CHECK(date_parse_iso("2021-02-30", &d) < 0);
  CHECK(date_parse_iso("2020-02-29", &d) == 0);
  CHECK(date_parse_iso("2021-2-3", &d) < 0);
  CHECK_INT(date_parse_export("31 December 2020", &d), 0);
  CHECK_INT(date_parse_iso("2020-12-31", &e), 0);
  CHECK_INT(d, e);
  CHECK_INT(date_parse_export("9-May-20", &d), 0);
  CHECK_INT(date_parse_iso("2020-05-09", &e), 0);
  CHECK_INT(d, e);
  CHECK_INT(date_parse_export("9-May-69", &d), 0);
  CHECK_INT(date_parse_iso("1969-05-09", &e), 0);
  CHECK_INT(d, e);
  CHECK_INT(date_parse_export("2019-01-01 00:00:00.000", &d), 0);
  CHECK_INT(date_parse_iso("2019-01-01", &e), 0);
  CHECK_INT(d, e);
  CHECK(date_parse_export("32 December 2020", &d) < 0);
  CHECK(date_parse_export("9-Mai-20", &d) < 0);
  char out[11];
  CHECK_STR(date_format(0, out), "1970-01-01");
  CHECK_INT(date_parse_iso("2020-02-29", &d), 0);
  CHECK_STR(date_format(date_year_earlier(d), out), "2019-02-28");
}

TEST(geo_distance_and_cells) {
  /* Gao to Ansongo: about 91 km. */
  double km = geo_distance_km(16.27167, -0.04472, 15.6597, 0.5022);
  CHECK(km > 85 && km < 95);
  CHECK(fabs(geo_distance_km(10, 10, 10, 10)) < 1e-9);
  /* Every point within the radius falls in one of the ranges. */
  geo_range r[64];
  double lat = 16.27167, lon = -0.04472, radius = 50;
  int n = geo_cell_ranges(lat, lon, radius, r, 64);
  REQUIRE(n > 0);
  int missed = 0;
  for (double dlat = -1; dlat <= 1; dlat += 0.01)
    for (double dlon = -1; dlon <= 1; dlon += 0.01) {
      if (geo_distance_km(lat, lon, lat + dlat, lon + dlon) > radius) continue;
      long c = geo_cell(lat + dlat, lon + dlon);
      int in = 0;
      for (int i = 0; i < n; i++) in |= c >= r[i].lo && c <= r[i].hi;
      missed += !in;
    }
  CHECK_INT(missed, 0);
  CHECK(geo_cell_ranges(0, 179.9, 100, r, 64) > 0); /* wraps the antimeridian */
}

TEST(utf8_fold_and_valid) {
  char out[64];
  utf8_fold("Labézanga", out, sizeof out);
  CHECK_STR(out, "labezanga");
  utf8_fold("SÉVARÉ", out, sizeof out);
  CHECK_STR(out, "sevare");
  utf8_fold("Niafunké", out, sizeof out);
  CHECK_STR(out, "niafunke");
  CHECK(utf8_valid("é", 2));
  CHECK(!utf8_valid("\xff", 1));
  CHECK(!utf8_valid("\xc3", 1));
  CHECK(!utf8_valid("\xed\xa0\x80", 3)); /* a surrogate */
}

TEST(numbers_strict) {
  int64_t i;
  double d;
  CHECK_INT(str_to_int64("42", &i), 0);
  CHECK(str_to_int64("4 2", &i) < 0);
  CHECK(str_to_int64("", &i) < 0);
  CHECK(str_to_int64("1e3", &i) < 0);
  CHECK_INT(str_to_double("-3.5", &d), 0);
  CHECK(str_to_double("nan", &d) < 0);
  CHECK(str_to_double("0x10", &d) < 0);
  char out[32];
  CHECK_STR(str_fmt_double(14.6488, out), "14.6488");
  CHECK_STR(str_fmt_double(0.1 + 0.2, out), "0.30000000000000004");
}

TEST(json_writer_escapes) {
  buf b;
  buf_init(&b, 0);
  jw w;
  jw_init(&w, &b, 0);
  jw_obj(&w);
  jw_key(&w, "a\"b");
  jw_str(&w, "line\nnext\x01");
  jw_key(&w, "n");
  jw_arr(&w);
  jw_int(&w, 3);
  jw_real(&w, 2.5);
  jw_null(&w);
  jw_arr_end(&w);
  jw_obj_end(&w);
  CHECK_STR(buf_cstr(&b), "{\"a\\\"b\":\"line\\nnext\\u0001\",\"n\":[3,2.5,null]}");
  buf_free(&b);
}

/* Datetimes: strict YYYY-MM-DDTHH:MM; the day of a date or a datetime. */
TEST(datetime_parse) {
  int d, m, e;
  CHECK_INT(date_parse_datetime("2021-03-12T23:30", &d, &m), 0);
  CHECK_INT(date_parse_iso("2021-03-12", &e), 0);
  CHECK_INT(d, e);
  CHECK_INT(m, 23 * 60 + 30);
  CHECK_INT(date_parse_datetime("2021-03-13T00:00", &d, &m), 0);
  CHECK_INT(d, e + 1);
  CHECK_INT(m, 0);
  CHECK(date_parse_datetime("2021-03-12 23:30", &d, &m) < 0);    /* a space */
  CHECK(date_parse_datetime("2021-03-12T23:30:00", &d, &m) < 0); /* seconds */
  CHECK(date_parse_datetime("2021-03-12T24:00", &d, &m) < 0);
  CHECK(date_parse_datetime("2021-03-12T12:60", &d, &m) < 0);
  CHECK(date_parse_datetime("2021-02-29T12:00", &d, &m) < 0);
  CHECK(date_parse_datetime("2021-03-12T9:30", &d, &m) < 0);
  CHECK(date_parse_datetime("2021-03-12", &d, &m) < 0);
  CHECK_INT(date_parse_day("2021-03-12T23:30", &d), 0);
  CHECK_INT(d, e);
  CHECK_INT(date_parse_day("2021-03-12", &d), 0);
  CHECK_INT(d, e);
  CHECK(date_parse_day("2021-03-12T23", &d) < 0);
}

/* Country names from the embedded iso-codes list; codes it lacks give NULL. */
TEST(country_names) {
  CHECK_STR(country_name("BGD"), "Bangladesh");
  CHECK_STR(country_name("CIV"), "C\xc3\xb4te d'Ivoire");
  CHECK_STR(country_name("BOL"), "Bolivia"); /* the common name */
  CHECK(country_name("XXX") == NULL);
  CHECK(country_name("bgd") == NULL);
  CHECK(country_name("") == NULL);
  CHECK(country_name(NULL) == NULL);
}
