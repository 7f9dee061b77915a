/* recjson.h: records as JSON objects (API.md, "Records travel as JSON
 * objects"): out through the one JSON writer, in through jansson with each
 * JSON type checked against the field before the usual validation. */
#ifndef BH_RECJSON_H
#define BH_RECJSON_H

#include <jansson.h>
#include <stdint.h>

#include "core/jw.h"
#include "model/record.h"

/* recjson_write: writes r as one JSON object: numbers, true/false, arrays of
 * strings for lists, "YYYY-MM-DD" dates, null for no value. */
void recjson_write(jw *w, const record *r);

/* recjson_write_hidden: as recjson_write, but the fields whose bit is set
 * in hidden (bit i: field i) are written as null and named in a last key
 * "_hidden": ["field", ...] (references to records the reader may not see). */
void recjson_write_hidden(jw *w, const record *r, uint64_t hidden);

/* recjson_read: fills r (of kind k) from the JSON object obj: keys are the
 * kind's columns (derived ones are ignored); a key present with null clears
 * the value. A key that is not a column, or a value of the wrong JSON type,
 * adds an error naming the field to errs; so does every validation failure.
 * Strings live in a. Returns 0 or ERR_VALIDATION. */
int recjson_read(store *s, const kind *k, json_t *obj, record *r, arena *a, err_list *errs);

#endif
