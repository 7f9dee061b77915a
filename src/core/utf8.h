/* utf8.h: UTF-8 validation and the case- and accent-folding used to match
 * place names ("Labézanga" and "LABEZANGA" fold to the same key). */
#ifndef BH_UTF8_H
#define BH_UTF8_H

#include <stddef.h>

/* utf8_valid: returns 1 when s[0..n) is well-formed UTF-8 (no overlongs, no
 * surrogates, nothing above U+10FFFF), else 0. Never reads past n. */
int utf8_valid(const char *s, size_t n);

/* utf8_invalid_offset: the byte offset of the first malformed sequence in
 * s[0..n), or n when s is valid. */
size_t utf8_invalid_offset(const char *s, size_t n);

/* utf8_fold: writes into out (cap bytes, NUL-terminated, truncated on a
 * character boundary) the folded form of s: lower case, Latin accents
 * removed, runs of spaces, hyphens and apostrophes kept as they are.
 * Invalid bytes are copied through. Returns the length written. */
size_t utf8_fold(const char *s, char *out, size_t cap);

#endif
