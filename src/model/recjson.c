/* recjson.c: records to and from JSON. */
#include "model/recjson.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/str.h"

void recjson_write(jw *w, const record *r) { recjson_write_hidden(w, r, 0); }

void recjson_write_hidden(jw *w, const record *r, uint64_t hidden) {
  const kind *k = r->k;
  jw_obj(w);
  for (int i = 0; i < k->nfields; i++) {
    const field *f = &k->fields[i];
    const fval *v = &r->v[i];
    jw_key(w, f->name);
    if (!v->set || (hidden >> i & 1)) {
      jw_null(w);
      continue;
    }
    switch (f->type) {
      case FT_INT:
      case FT_COUNT:
        jw_int(w, v->i);
        break;
      case FT_BOOL:
        jw_bool(w, (int)v->i);
        break;
      case FT_REAL:
      case FT_AREA:
      case FT_PCT:
      case FT_LAT:
      case FT_LON:
        jw_real(w, v->d);
        break;
      case FT_LIST:
      case FT_REFLIST:
      case FT_PLACELIST:
        jw_arr(w);
        for (const char *p = v->s; p && *p;) {
          const char *semi = strchr(p, ';');
          size_t len = semi ? (size_t)(semi - p) : strlen(p);
          jw_strn(w, p, len);
          p = semi ? semi + 1 : NULL;
        }
        jw_arr_end(w);
        break;
      default:
        jw_str(w, v->s);
    }
  }
  if (hidden) {
    jw_key(w, "_hidden");
    jw_arr(w);
    for (int i = 0; i < k->nfields; i++)
      if (hidden >> i & 1) jw_str(w, k->fields[i].name);
    jw_arr_end(w);
  }
  jw_obj_end(w);
}

/* A refused value: the field, the stable word of the rule, the message. */
__attribute__((format(printf, 4, 5)))
static void bad(err_list *errs, const char *fieldname, const char *rule, const char *fmt, ...) {
  err e;
  va_list ap;
  va_start(ap, fmt);
  err_setv(&e, ERR_VALIDATION, fmt, ap);
  va_end(ap);
  str_copy(e.field, sizeof e.field, fieldname);
  err_rule(&e, rule);
  err_list_add(errs, &e);
}

/* The canonical text of a JSON value for field f, or NULL after reporting a
 * wrong type. */
static const char *as_text(const field *f, json_t *v, arena *a, err_list *errs) {
  switch (f->type) {
    case FT_INT:
    case FT_COUNT:
      if (!json_is_integer(v)) {
        bad(errs, f->name, "json_type", "%s must be a whole number", f->name);
        return NULL;
      }
      return arena_printf(a, "%lld", (long long)json_integer_value(v));
    case FT_REAL:
    case FT_AREA:
    case FT_PCT:
    case FT_LAT:
    case FT_LON: {
      if (!json_is_number(v)) {
        bad(errs, f->name, "json_type", "%s must be a number", f->name);
        return NULL;
      }
      char tmp[32];
      return arena_strdup(a, str_fmt_double(json_number_value(v), tmp));
    }
    case FT_BOOL:
      if (!json_is_boolean(v)) {
        bad(errs, f->name, "json_type", "%s must be true or false", f->name);
        return NULL;
      }
      return json_is_true(v) ? "yes" : "no";
    case FT_LIST:
    case FT_REFLIST:
    case FT_PLACELIST: {
      if (!json_is_array(v)) {
        bad(errs, f->name, "json_type", "%s must be an array of strings", f->name);
        return NULL;
      }
      buf b;
      buf_init(&b, 1u << 20);
      size_t i;
      json_t *item;
      json_array_foreach(v, i, item) {
        const char *t = json_string_value(item);
        if (!t || strchr(t, ';')) {
          buf_free(&b);
          bad(errs, f->name, "json_type", "%s must be an array of strings without ';'", f->name);
          return NULL;
        }
        if (i) buf_putc(&b, ';');
        buf_puts(&b, t);
      }
      const char *out = arena_strndup(a, buf_cstr(&b), b.len);
      buf_free(&b);
      return out;
    }
    default:
      if (!json_is_string(v)) {
        bad(errs, f->name, "json_type", "%s must be a string", f->name);
        return NULL;
      }
      if (strlen(json_string_value(v)) != json_string_length(v)) {
        bad(errs, f->name, "json_type", "%s must not contain a NUL character", f->name);
        return NULL;
      }
      return arena_strndup(a, json_string_value(v), json_string_length(v));
  }
}

int recjson_read(store *s, const kind *k, json_t *obj, record *r, arena *a, err_list *errs) {
  record_init(r, k);
  long before = errs->total;
  if (!json_is_object(obj)) {
    bad(errs, "-", "json_type", "%s", "a record must be a JSON object");
    return ERR_VALIDATION;
  }
  const char *key;
  json_t *v;
  json_object_foreach(obj, key, v) {
    int fi = kind_field_index(k, key);
    if (fi < 0) {
      bad(errs, key, "unknown_column", "'%s' is not a column of this kind", key);
      continue;
    }
    const field *f = &k->fields[fi];
    if (f->flags & F_DERIVED) continue;
    r->present[fi] = 1;
    if (json_is_null(v)) continue;
    const char *text = as_text(f, v, a, errs);
    if (!text) continue;
    err e;
    if (field_parse(s, f, text, &r->v[fi], a, &e)) {
      str_copy(e.field, sizeof e.field, f->name);
      err_list_add(errs, &e);
    }
  }
  return errs->total > before ? ERR_VALIDATION : 0;
}
