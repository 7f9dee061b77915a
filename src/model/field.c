/* field.c: text <-> typed values <-> SQL, for every field type. */
#include <ctype.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/date.h"
#include "core/str.h"
#include "core/utf8.h"
#include "model/place.h"
#include "model/record.h"
#include "model/sector.h"

void err_list_init(err_list *l, int max) {
  l->items = NULL;
  l->n = l->cap = 0;
  l->max = max;
  l->total = 0;
}

void err_list_add(err_list *l, const err *e) {
  l->total++;
  if (l->n >= l->max) return;
  if (l->n == l->cap) {
    l->cap = l->cap ? l->cap * 2 : 16;
    l->items = xrealloc(l->items, (size_t)l->cap * sizeof *l->items);
  }
  l->items[l->n++] = *e;
}

void err_list_free(err_list *l) {
  free(l->items);
  err_list_init(l, l->max);
}

void record_init(record *r, const kind *k) {
  memset(r->present, 0, sizeof r->present);
  memset(r->if_new, 0, sizeof r->if_new);
  for (int i = 0; i < k->nfields; i++) r->v[i] = (fval){0};
  r->k = k;
  r->file = NULL;
  r->line = 0;
}

const fval *record_get(const record *r, const char *name) {
  int i = kind_field_index(r->k, name);
  return i < 0 ? NULL : &r->v[i];
}

const char *field_column(const field *f, char *tmp, size_t cap) {
  if (!(f->flags & F_DEFAULTED)) return f->name;
  snprintf(tmp, cap, "_%s", f->name);
  return tmp;
}

/* Refuses a value: the message, and the stable word of the rule it breaks. */
#define RULE(rule, ...) (err_set(e, ERR_VALIDATION, __VA_ARGS__), err_rule(e, rule))

static int check_id(const char *s, err *e) {
  size_t n = strlen(s);
  if (n > 200) return RULE("identifier", "identifier longer than 200 bytes");
  if (isspace((unsigned char)s[0]) || isspace((unsigned char)s[n - 1]))
    return RULE("identifier", "identifier starts or ends with a space");
  for (size_t i = 0; i < n; i++) {
    if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
      return RULE("identifier", "identifier holds a control character");
    if (s[i] == '/') /* ids are path segments of the API's URLs */
      return RULE("identifier", "identifier holds a '/'");
  }
  return 0;
}

/* Splits a ';'-list, trims items, drops empty ones; each item goes through
 * item() (which may rewrite it); the result is joined with ';'. */
static int parse_list(store *s, const field *f, const char *raw, fval *out, arena *a,
                      err *e) {
  buf joined;
  buf_init(&joined, 1u << 20);
  const char *p = raw;
  int count = 0;
  while (*p) {
    const char *semi = strchr(p, ';');
    size_t len = semi ? (size_t)(semi - p) : strlen(p);
    size_t tl;
    const char *item = str_trim(p, len, &tl);
    if (tl) {
      char *it = arena_strndup(a, item, tl);
      if (f->type == FT_REFLIST && check_id(it, e)) goto fail;
      if (f->type == FT_PLACELIST) {
        place_match m;
        int found = place_resolve(s, it, &m, a, e);
        if (found < 0) goto fail;
        if (found) it = m.place_id;
      }
      if (count++) buf_putc(&joined, ';');
      buf_puts(&joined, it);
    }
    if (!semi) break;
    p = semi + 1;
  }
  if (joined.overflow) {
    RULE("too_long", "list longer than 1 MiB");
    goto fail;
  }
  if (count) {
    out->set = 1;
    out->s = arena_strndup(a, buf_cstr(&joined), joined.len);
  }
  buf_free(&joined);
  return 0;
fail:
  buf_free(&joined);
  return ERR_VALIDATION;
}

int field_parse(store *s, const field *f, const char *raw, fval *out, arena *a, err *e) {
  *out = (fval){0};
  if (!raw[0]) return 0;
  switch (f->type) {
    case FT_ID:
    case FT_REF:
      if (check_id(raw, e)) return ERR_VALIDATION;
      out->s = raw;
      break;
    case FT_TEXT:
      out->s = raw;
      break;
    case FT_INT:
    case FT_COUNT: {
      int64_t v;
      if (str_to_int64(raw, &v)) return RULE("integer", "'%.40s' is not a whole number", raw);
      if (f->type == FT_COUNT && v < 0)
        return RULE("count", "%lld is negative: a count is 0 or more", (long long)v);
      out->i = v;
      break;
    }
    case FT_REAL:
    case FT_AREA:
    case FT_PCT:
    case FT_LAT:
    case FT_LON: {
      double v;
      if (str_to_double(raw, &v)) return RULE("number", "'%.40s' is not a number", raw);
      /* -0 is stored as 0: SQLite keeps no negative zero, and both
       * backends must export the same text. */
      if (v == 0) v = 0;
      if (f->type == FT_LAT && (v < -90 || v > 90))
        return RULE("latitude", "latitude %.40s is outside -90..90", raw);
      if (f->type == FT_LON && (v < -180 || v > 180))
        return RULE("longitude", "longitude %.40s is outside -180..180", raw);
      if (f->type == FT_PCT && (v < 0 || v > 100))
        return RULE("percent", "%.40s is outside 0..100", raw);
      if (f->type == FT_AREA && v < 0)
        return RULE("area", "%.40s is negative", raw);
      out->d = v;
      break;
    }
    case FT_DATE: {
      int d;
      if (date_parse_iso(raw, &d))
        return RULE("date", "'%.40s' is not a date (YYYY-MM-DD, a real day)", raw);
      out->s = raw;
      break;
    }
    case FT_DATETIME: {
      int d, m;
      if (date_parse_datetime(raw, &d, &m) == 0) {
        out->s = raw;
        break;
      }
      size_t n = strlen(raw);
      if (n >= 16 && raw[10] == ' ')
        return RULE("datetime", "'%.40s': write a T between the day and the time (YYYY-MM-DDTHH:MM)", raw);
      if (n > 16 && raw[10] == 'T' && raw[16] == ':')
        return RULE("datetime", "'%.40s': give hours and minutes only, without seconds (YYYY-MM-DDTHH:MM)", raw);
      return RULE("datetime", "'%.40s' is not a date and time (YYYY-MM-DDTHH:MM, a real day, 00:00 to 23:59)", raw);
    }
    case FT_SECTOR: {
      int known = sector_known(s, raw);
      if (known < 0) return err_set(e, known, "could not check the sector '%.60s'", raw);
      if (!known)
        return RULE("sector",
                    "no place or sector area uses the sector '%.60s' (sectors are named by "
                    "places.sector and sector_areas.sector)", raw);
      out->s = raw;
      break;
    }
    case FT_BOOL:
      if (strcmp(raw, "yes") == 0) out->i = 1;
      else if (strcmp(raw, "no") == 0) out->i = 0;
      else return RULE("yes_no", "'%.40s' is not yes or no", raw);
      break;
    case FT_VOCAB:
      if (!vocab_has(f->arg, raw, strlen(raw))) {
        if (strlen(f->arg) < 200)
          return RULE("vocabulary", "'%.60s' is not one of %s", raw, f->arg);
        return RULE("vocabulary", "'%.60s' is not in the vocabulary of %s", raw, f->name);
      }
      out->s = raw;
      break;
    case FT_CODE3:
      if (strlen(raw) != 3 || !isupper((unsigned char)raw[0]) ||
          !isupper((unsigned char)raw[1]) || !isupper((unsigned char)raw[2]))
        return RULE("code3", "'%.40s' is not three capital letters", raw);
      out->s = raw;
      break;
    case FT_PLACE: {
      place_match m;
      int found = place_resolve(s, raw, &m, a, e);
      if (found < 0) return found;
      /* Not found: kept as an id and checked again at the end of the import. */
      out->s = found ? m.place_id : raw;
      if (!found && check_id(raw, e)) return ERR_VALIDATION;
      break;
    }
    case FT_LIST:
    case FT_REFLIST:
    case FT_PLACELIST:
      return parse_list(s, f, raw, out, a, e);
  }
  out->set = 1;
  return 0;
}

void field_format(const field *f, const fval *v, buf *out) {
  if (!v->set) return;
  char tmp[32];
  if (f->type == FT_BOOL) buf_puts(out, v->i ? "yes" : "no");
  else if (field_storage_of(f) == FS_INT) buf_printf(out, "%lld", (long long)v->i);
  else if (field_storage_of(f) == FS_REAL) buf_puts(out, str_fmt_double(v->d, tmp));
  else buf_puts(out, v->s);
}

void field_from_column(const field *f, stmt *st, int col, fval *out) {
  *out = (fval){0};
  if (stmt_is_null(st, col)) return;
  out->set = 1;
  switch (field_storage_of(f)) {
    case FS_INT: out->i = stmt_int(st, col); break;
    case FS_REAL: out->d = stmt_double(st, col); break;
    case FS_TEXT:
      out->s = stmt_text(st, col);
      if (!out->s) out->set = 0;
  }
}

void field_bind(const field *f, const fval *v, stmt *st, int idx) {
  if (!v->set) stmt_bind_null(st, idx);
  else if (field_storage_of(f) == FS_INT) stmt_bind_int(st, idx, v->i);
  else if (field_storage_of(f) == FS_REAL) stmt_bind_double(st, idx, v->d);
  else stmt_bind_text_ref(st, idx, v->s);
}
