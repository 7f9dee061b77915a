/* csv.h: a streaming RFC 4180 CSV reader (comma separator). It reads a file
 * in large chunks with read(2), or walks a caller's memory buffer, and hands
 * out one record at a time; each field is NUL-terminated and unescaped.
 *
 * Accepted: quoted fields with commas, doubled quotes ("" -> ") and embedded
 * LF or CRLF newlines (kept as they are); records ending in LF or CRLF; a last
 * record without a newline; a leading UTF-8 BOM (skipped); completely empty
 * lines (skipped, but counted for line numbers). Lenient: a quote inside an
 * unquoted field is kept; bytes after a closing quote are appended as they are.
 *
 * Limits: a field longer than CSV_FIELD_MAX bytes, a record with more than
 * CSV_RECORD_MAX bytes of field content, or more than CSV_FIELDS_MAX fields is
 * refused as soon as the limit is crossed; the rest is never buffered.
 *
 * Errors: csv_next returns ERR_VALIDATION (or ERR_IO for a failed read) with
 * err filled: err->line = the physical line where the bad record starts
 * (1 = first line of the file), err->field = "-" for a whole-record error or
 * "#N" (0-based field index) for a field error, err->file = the base name
 * given at open. */
#ifndef BH_CSV_H
#define BH_CSV_H

#include <stddef.h>

#include "core/err.h"

typedef struct csv_reader csv_reader;

#define CSV_FIELD_MAX (1u << 20)   /* 1 MiB: a longer field is an error */
#define CSV_RECORD_MAX (16u << 20) /* a longer record is an error */
#define CSV_FIELDS_MAX 4096        /* more fields in one record is an error */

enum { CSV_EOF = 0, CSV_RECORD = 1 };

/* csv_open_file: opens path for streaming ("-" = stdin, reported as "stdin").
 * Returns 0 and sets *out, or ERR_IO (cannot open, is a directory) with e
 * filled and *out = NULL. The caller frees the reader with csv_close. */
int csv_open_file(csv_reader **out, const char *path, err *e);

/* csv_open_mem: a reader over data[0..len), which is not copied and must
 * outlive the reader; name (may be NULL) is used in error messages. Returns 0
 * and sets *out; cannot fail except by aborting on out-of-memory. The caller
 * frees the reader with csv_close. */
int csv_open_mem(csv_reader **out, const char *data, size_t len,
                 const char *name, err *e);

/* csv_next: reads the next record. Returns CSV_RECORD, CSV_EOF (again on every
 * later call), or a negative ERR_* code with e filled (see above and
 * csv_recoverable). After an error csv_nfields is 0. A fatal error is sticky:
 * later calls return it again. */
int csv_next(csv_reader *r, err *e);

/* csv_recoverable: after csv_next failed, 1 if the bad record was consumed
 * and csv_next may be called again (invalid UTF-8 in a field); 0 if reading
 * must stop (unterminated quote, a size or field-count limit, I/O error). */
int csv_recoverable(const csv_reader *r);

/* csv_nfields: the number of fields in the current record (0 before the first
 * record, after CSV_EOF and after an error). */
size_t csv_nfields(const csv_reader *r);

/* csv_field: field i (0-based, i < csv_nfields) of the current record,
 * NUL-terminated and unescaped (it may itself contain NUL bytes; *len, if len
 * is non-NULL, is the true length). Owned by the reader and valid until the
 * next csv_next or csv_close. Returns NULL (and *len = 0) when i is out of
 * range. */
const char *csv_field(const csv_reader *r, size_t i, size_t *len);

/* csv_line: the physical line (1-based) on which the current record, or the
 * record that caused the last error, starts; 0 before the first record. */
long csv_line(const csv_reader *r);

/* csv_bytes_read: input bytes consumed so far, i.e. the offset just past the
 * current record (for progress reports). */
unsigned long long csv_bytes_read(const csv_reader *r);

/* csv_bytes_total: the input size when known (regular file or memory),
 * else 0. */
unsigned long long csv_bytes_total(const csv_reader *r);

/* csv_set_window: for tests and fuzzing: caps the bytes handed to the parser
 * at a time (per read(2) or memory slice) at n, clamped to 1..512 KiB, to
 * exercise chunk boundaries. Only effective before the first csv_next; cannot
 * fail. Results never depend on it. */
void csv_set_window(csv_reader *r, size_t n);

/* csv_close: closes the file (not stdin) and frees the reader and all its
 * buffers. NULL is fine. */
void csv_close(csv_reader *r);

#endif
