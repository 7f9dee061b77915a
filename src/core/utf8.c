/* utf8.c: UTF-8 validation and folding. */
#include "core/utf8.h"

#include <string.h>

size_t utf8_invalid_offset(const char *str, size_t n) {
  const unsigned char *s = (const unsigned char *)str;
  size_t i = 0;
  while (i < n) {
    unsigned c = s[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    size_t len;
    unsigned cp;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      cp = c & 0x07;
    } else {
      return i;
    }
    if (i + len > n) return i;
    for (size_t k = 1; k < len; k++) {
      if ((s[i + k] & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
        (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
      return i;
    i += len;
  }
  return n;
}

int utf8_valid(const char *s, size_t n) { return utf8_invalid_offset(s, n) == n; }

/* Base letter for U+00C0..U+017F (Latin-1 Supplement letters and Latin
 * Extended-A), lower case; 0 where there is no single base letter. */
static const char latin_base[] =
    /* C0 */ "aaaaaaaceeeeiiii"
    /* D0 */ "dnooooo\0ouuuuyts"
    /* E0 */ "aaaaaaaceeeeiiii"
    /* F0 */ "dnooooo\0ouuuuyty"
    /* 100 */ "aaaaaaccccccccdd"
    /* 110 */ "ddeeeeeeeeeegggg"
    /* 120 */ "gggghhhhiiiiiiii"
    /* 130 */ "iiiijjkkklllllll"
    /* 140 */ "lllnnnnnnnnnoooo"
    /* 150 */ "oooorrrrrrssssss"
    /* 160 */ "ssttttttuuuuuuuu"
    /* 170 */ "uuuuwwyyyzzzzzzs";

size_t utf8_fold(const char *str, char *out, size_t cap) {
  const unsigned char *s = (const unsigned char *)str;
  size_t o = 0;
  if (cap == 0) return 0;
  while (*s) {
    unsigned c = *s;
    if (c < 0x80) {
      if (o + 1 >= cap) break;
      out[o++] = (char)((c >= 'A' && c <= 'Z') ? c + 32 : c);
      s++;
      continue;
    }
    size_t len = (c >= 0xF0) ? 4 : (c >= 0xE0) ? 3 : (c >= 0xC0) ? 2 : 1;
    size_t avail = strnlen((const char *)s, len);
    if (avail < len) len = avail;
    if (len == 2 && (s[1] & 0xC0) == 0x80) {
      unsigned cp = ((c & 0x1F) << 6) | (s[1] & 0x3F);
      if (cp >= 0xC0 && cp <= 0x17F && latin_base[cp - 0xC0]) {
        if (o + 1 >= cap) break;
        out[o++] = latin_base[cp - 0xC0];
        s += 2;
        continue;
      }
    }
    if (o + len >= cap) break;
    memcpy(out + o, s, len);
    o += len;
    s += len;
  }
  out[o] = 0;
  return o;
}
