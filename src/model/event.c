/* event.c: the events kind's hook: coordinates from the place or location. */
#include "model/event.h"

#include <string.h>

#include "core/arena.h"
#include "model/place.h"
#include "model/record.h"


static int set_place_fields(record *r, const place_match *m, arena *a) {
  (void)a;
  const kind *k = r->k;
  int ilat = kind_field_index(k, "latitude"), ilon = kind_field_index(k, "longitude");
  r->v[ilat] = (fval){.set = 1, .d = m->latitude};
  r->v[ilon] = (fval){.set = 1, .d = m->longitude};
  r->present[ilat] = r->present[ilon] = 1;
  const char *names[2] = {"admin1", "admin2"};
  const char *vals[2] = {m->admin1, m->admin2};
  for (int i = 0; i < 2; i++) {
    int fi = kind_field_index(k, names[i]);
    if (vals[i] && !r->v[fi].set) {
      r->v[fi] = (fval){.set = 1, .s = vals[i]};
      r->present[fi] = 1;
    }
  }
  return 0;
}

/* A given poc or classification equal to its default is stored as "no value",
 * so it stays a default: an export imported back, then a later change of
 * event type, still moves poc. The rules mirror the generated columns of
 * 001_init.sql (poc: yes for Violence against civilians or when
 * civilian_targeting is set; classification: restricted). */
static void keep_defaults(record *r) {
  const kind *k = r->k;
  int ipoc = kind_field_index(k, "poc"), icls = kind_field_index(k, "classification");
  int ityp = kind_field_index(k, "event_type"), iciv = kind_field_index(k, "civilian_targeting");
  if (r->v[icls].set && !strcmp(r->v[icls].s, "restricted")) r->v[icls].set = 0;
  /* A record without civilian_targeting is taken as having none (true of
   * every new event; an update of one that has it would keep the default). */
  if (r->v[ipoc].set && r->present[ityp]) {
    int rule = (r->v[ityp].set && !strcmp(r->v[ityp].s, "Violence against civilians")) ||
               (r->present[iciv] && r->v[iciv].set);
    if (r->v[ipoc].i == rule) r->v[ipoc].set = 0;
  }
}

int event_prepare(store *s, record *r, err *e) {
  static arena scratch; /* holds looked-up place strings until the next call */
  arena_free(&scratch);
  const kind *k = r->k;
  keep_defaults(r);
  int ilat = kind_field_index(k, "latitude"), ilon = kind_field_index(k, "longitude");
  int ipid = kind_field_index(k, "place_id"), iloc = kind_field_index(k, "location");
  int has_lat = r->v[ilat].set, has_lon = r->v[ilon].set;
  if (has_lat != has_lon) {
    err_set(e, ERR_VALIDATION, "latitude and longitude must be given together");
    err_rule(e, "coordinates");
    return err_at(e, NULL, 0, has_lat ? "longitude" : "latitude");
  }
  if (has_lat) return 0;
  place_match m;
  if (r->v[ipid].set) {
    int found = place_resolve(s, r->v[ipid].s, &m, &scratch, e);
    if (found < 0) return found;
    if (found) return set_place_fields(r, &m, &scratch);
    return 0; /* an unknown place_id is reported by the reference check */
  }
  if (r->v[iloc].set) {
    int found = place_resolve(s, r->v[iloc].s, &m, &scratch, e);
    if (found < 0) return found;
    if (found) return set_place_fields(r, &m, &scratch);
    err_set(e, ERR_VALIDATION,
            "'%.80s' is not in the gazetteer: give latitude and longitude or a place_id",
            r->v[iloc].s);
    err_rule(e, "place");
    return err_at(e, NULL, 0, "location");
  }
  if (r->present[ilat] || r->present[ipid] || r->present[iloc] ||
      record_exists(s, k, r->v[k->key[0]].s) != 1) {
    err_set(e, ERR_VALIDATION,
            "an event needs latitude and longitude, a place_id, or a location the gazetteer knows");
    err_rule(e, "coordinates");
    return err_at(e, NULL, 0, "-");
  }
  return 0;
}
