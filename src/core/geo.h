/* geo.h: great-circle distance and the grid cells of the events' spatial
 * index (a 0.25-degree cell number under an ordinary B-tree index). */
#ifndef BH_GEO_H
#define BH_GEO_H

#define GEO_EARTH_RADIUS_KM 6371.0088
#define GEO_CELL_DEG 0.25
#define GEO_CELL_COLS 1440 /* 360 / GEO_CELL_DEG */

/* geo_distance_km: haversine distance in km between two points in degrees. */
double geo_distance_km(double lat1, double lon1, double lat2, double lon2);

/* geo_cell: the grid cell holding (lat, lon); lat in [-90, 90], lon in [-180, 180]. */
long geo_cell(double lat, double lon);

typedef struct geo_range {
  long lo, hi; /* inclusive cell-number range */
} geo_range;

/* geo_cell_ranges: fills out[0..max) with cell ranges that together cover
 * every point within km of (lat, lon). Returns the number of ranges, or -1
 * when more than max would be needed (the caller then scans without cells). */
int geo_cell_ranges(double lat, double lon, double km, geo_range *out, int max);

/* geo_cell_split: the cells of geo_cell_ranges(lat, lon, km) apart: into
 * inside those wholly within km of (lat, lon) (every point of the cell, its
 * four corners with a margin for the curve of its edges along parallels and
 * for rounding), into edge the others. At most max of each; returns 0, or
 * -1 when more would be needed or the circle is too large or too near a
 * pole for the corners to decide (the caller then reads every cell's
 * events). */
int geo_cell_split(double lat, double lon, double km, long *inside, int *ninside, long *edge, int *nedge,
                   int max);

#endif
