/* import.h: loading CSV into the store (FORMATS.md §1): a dataset folder in
 * dependency order, or one file of a kind or of an outside format, all in one
 * transaction: either everything is stored or nothing.
 *
 * Events (FORMATS.md §4.1): a row whose id ACLED withdrew is skipped unless
 * its timestamp is later than the deletion (then the deletion is forgotten);
 * ACLED and UCDP rows new to the database are verified unless the file says
 * otherwise; a native file's `deleted=yes` records a deletion (so an export
 * restores it); --format acled-deletions records deletions. */
#ifndef BH_IMPORT_H
#define BH_IMPORT_H

#include <stdio.h>

#include "io/source.h"
#include "model/record.h"
#include "store/store.h"

#define IMPORT_ERRORS_MAX 100

/* What an import did, over all its files. skipped: rows of events ACLED
 * withdrew (FORMATS.md §4.1); marked, remembered: ids of a deletions file
 * that name a stored event, and that do not (kept for later imports). */
typedef struct import_result {
  long inserted, updated, unchanged, refused, skipped, marked, remembered;
} import_result;

typedef struct import_opts {
  source_format format; /* of a single file */
  const char *kind;     /* --kind: the kind of a single native file */
  int lenient;          /* unknown columns are ignored, not errors */
  const char *skip_bad; /* refused rows go to this CSV; the rest is stored */
  int progress;         /* show progress on stderr when it is a terminal */
  FILE *summary;        /* where to say what was done (NULL: nowhere) */
  import_result *result; /* filled with the totals when not NULL */
  const char *actor;     /* who imports, for the audit trail ("local:LOGIN"
                            on the console, the user over HTTP): the import's
                            entry, and one per stored event whose
                            verification it changes (action "update", the
                            event before and after) */
  /* Called before each record is written; a non-zero return refuses the
   * row with the reason in e (NULL: every row may be written). */
  int (*authorize)(void *ctx, store *s, const record *r, err *e);
  /* Called after each record was written (outcome WRITE_INSERTED, _UPDATED
   * or _UNCHANGED), in the same transaction; a non-zero return fails the
   * whole import with the reason in e (NULL: nothing to check). */
  int (*written)(void *ctx, store *s, const record *r, int outcome, err *e);
  /* Called after every row was written and checked, before the commit, in
   * the same transaction; non-zero aborts the import. */
  int (*before_commit)(void *ctx, store *s, const import_result *res, err *e);
  void *ctx;
} import_opts;

/* An import that changes records appends one audit entry (action
 * "import", user o->actor) in its transaction: its files with their counts,
 * a BLAKE2b-256 digest of every record inserted or updated (the lines
 * "KIND\tID[\x1fID2]\tI|U\n" in the order written) and the first 1,000
 * updated records as "KIND/ID[/ID2]". An import that changes nothing
 * appends nothing. */

/* import_path: imports path (a dataset folder, or one file with o->kind or
 * o->format). Bad rows go to errs (with file, line and column); then nothing
 * is stored and ERR_VALIDATION is returned, unless o->skip_bad is set, in
 * which case bad rows are written there and the good ones stored. A storage
 * fault (store_fault: a full disk, a read-only database, another writer past
 * the busy timeout...) stops the import at once, even with o->skip_bad:
 * nothing is stored, no skip file is left, errs holds that one error and
 * its code is returned. Returns 0 when stored, or a negative ERR_* code. */
int import_path(store *s, const char *path, const import_opts *o, err_list *errs);

/* import_buffer: as import_path for one CSV of kind k held in memory
 * (name is used in messages). */
int import_buffer(store *s, const kind *k, const char *data, size_t len, const char *name,
                  const import_opts *o, err_list *errs);

#endif
