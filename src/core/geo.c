/* geo.c: haversine distance and grid-cell covering. */
#include "core/geo.h"

#include <math.h>

#define DEG2RAD (M_PI / 180.0)

double geo_distance_km(double lat1, double lon1, double lat2, double lon2) {
  double dlat = (lat2 - lat1) * DEG2RAD, dlon = (lon2 - lon1) * DEG2RAD;
  double a = sin(dlat / 2) * sin(dlat / 2) +
             cos(lat1 * DEG2RAD) * cos(lat2 * DEG2RAD) * sin(dlon / 2) * sin(dlon / 2);
  if (a > 1) a = 1;
  return 2 * GEO_EARTH_RADIUS_KM * asin(sqrt(a));
}

static long cell_row(double lat) {
  long r = (long)floor((lat + 90.0) / GEO_CELL_DEG);
  return r < 0 ? 0 : r > 719 ? 719 : r;
}

static long cell_col(double lon) {
  long c = (long)floor((lon + 180.0) / GEO_CELL_DEG);
  return c < 0 ? 0 : c >= GEO_CELL_COLS ? GEO_CELL_COLS - 1 : c;
}

long geo_cell(double lat, double lon) { return cell_row(lat) * GEO_CELL_COLS + cell_col(lon); }

int geo_cell_ranges(double lat, double lon, double km, geo_range *out, int max) {
  double km_per_deg = GEO_EARTH_RADIUS_KM * DEG2RAD;
  double dlat = km / km_per_deg * 1.0001 + 1e-9;
  double lat_lo = lat - dlat, lat_hi = lat + dlat;
  /* Widest longitude span of the circle, at the band edge nearest a pole. */
  double far = fmax(fabs(lat_lo), fabs(lat_hi));
  int whole_rows = far >= 89.9;
  double dlon = 0;
  if (!whole_rows) {
    double s = sin(km / GEO_EARTH_RADIUS_KM) / cos(far * DEG2RAD);
    if (s >= 1 || km / GEO_EARTH_RADIUS_KM >= M_PI / 2) whole_rows = 1;
    else dlon = asin(s) / DEG2RAD * 1.0001 + 1e-9;
  }
  long r0 = cell_row(fmax(lat_lo, -90)), r1 = cell_row(fmin(lat_hi, 90));
  int n = 0;
  for (long r = r0; r <= r1; r++) {
    long base = r * GEO_CELL_COLS;
    if (whole_rows) {
      if (n >= max) return -1;
      out[n++] = (geo_range){base, base + GEO_CELL_COLS - 1};
      continue;
    }
    double lo = lon - dlon, hi = lon + dlon;
    if (lo < -180 || hi > 180) {
      /* Wraps the antimeridian: two pieces. */
      double lo2 = lo < -180 ? lo + 360 : -180, hi2 = hi > 180 ? hi - 360 : 180;
      if (n + 2 > max) return -1;
      out[n++] = (geo_range){base + cell_col(lo < -180 ? -180 : lo),
                             base + cell_col(hi > 180 ? 180 : hi)};
      out[n++] = (geo_range){base + cell_col(lo < -180 ? lo2 : -180),
                             base + cell_col(hi > 180 ? hi2 : 180)};
    } else {
      if (n >= max) return -1;
      out[n++] = (geo_range){base + cell_col(lo), base + cell_col(hi)};
    }
  }
  return n;
}

/* A cell wholly inside needs its corners this much inside the circle: an
 * edge along a parallel bows out from the great circle through its corners
 * by under 8 m for a quarter degree of longitude, and rounding is far
 * smaller. */
#define GEO_INSIDE_MARGIN_KM 0.05

int geo_cell_split(double lat, double lon, double km, long *inside, int *ninside, long *edge, int *nedge,
                   int max) {
  *ninside = *nedge = 0;
  /* The circle must be convex on the sphere and the cells away from the
   * poles for the corners to tell. */
  if (km > 2000 || fabs(lat) > 80) return -1;
  geo_range r[64];
  int nr = geo_cell_ranges(lat, lon, km, r, 64);
  if (nr < 0) return -1;
  for (int i = 0; i < nr; i++)
    for (long c = r[i].lo; c <= r[i].hi; c++) {
      long row = c / GEO_CELL_COLS, col = c % GEO_CELL_COLS;
      double la0 = row * GEO_CELL_DEG - 90, la1 = la0 + GEO_CELL_DEG;
      double lo0 = col * GEO_CELL_DEG - 180, lo1 = lo0 + GEO_CELL_DEG;
      int in = fabs(la0) <= 85 && fabs(la1) <= 85 && km > GEO_INSIDE_MARGIN_KM;
      double lim = km - GEO_INSIDE_MARGIN_KM;
      if (in)
        in = geo_distance_km(lat, lon, la0, lo0) <= lim && geo_distance_km(lat, lon, la0, lo1) <= lim &&
             geo_distance_km(lat, lon, la1, lo0) <= lim && geo_distance_km(lat, lon, la1, lo1) <= lim;
      if (in) {
        if (*ninside == max) return -1;
        inside[(*ninside)++] = c;
      } else {
        if (*nedge == max) return -1;
        edge[(*nedge)++] = c;
      }
    }
  return 0;
}
