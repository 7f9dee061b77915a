/* audit.h: the append-only audit trail (table _audit). Every write appends
 * one entry in the same transaction as the write: who, when, what kind and
 * id, before and after. Each entry's hash covers its content and the
 * previous entry's hash, so a changed or removed entry breaks the chain from
 * there on.
 *
 * The chain is keyed: each hash is an HMAC-SHA-256 under a secret key kept
 * in a file outside the database (the audit key), so someone who can write
 * the database but not read the key cannot rewrite an entry and recompute
 * the chain. Truncation (dropping the last entries) leaves a valid chain:
 * it is caught by comparing with a checkpoint (the head hash and the count,
 * kept elsewhere; audit_checkpoint, audit_expect).
 *
 * The key file: $BLUEHELM_AUDIT_KEY when set (bluehelm's --audit-key sets
 * it), else, for a database file, the file's path with ".audit-key" added.
 * A PostgreSQL database (or SQLite's :memory:) has no default: without the
 * variable its chain is plain SHA-256. The file is text, mode 0600:
 *     key <64 hex digits>
 *     plain <N>
 * where N is the number of entries written before the key existed (0 for a
 * database made by `init`): those keep their plain SHA-256 hashes; every
 * later entry must carry an HMAC. */
#ifndef BH_AUDIT_H
#define BH_AUDIT_H

#include <stddef.h>

#include "core/err.h"
#include "store/store.h"

#define AUDIT_HASH_HEX 65 /* 64 hex digits and a NUL */
/* The hash an empty trail's checkpoint names, and the first entry's prev_hash. */
#define AUDIT_GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

/* audit_append: appends one entry (kind, record_id, before and after may be
 * NULL; before/after are JSON texts). Must run inside the caller's write
 * transaction. The first append on a store loads the audit key (creating
 * it when the database has none yet, see audit_key_load). Returns 0,
 * ERR_DB, or ERR_IO/ERR_VALIDATION for a key that is unreadable, missing
 * for a keyed trail, or not this trail's. */
int audit_append(store *s, const char *user, const char *action, const char *kind,
                 const char *record_id, const char *before, const char *after, err *e);

/* audit_key_path: the audit key file of s (see above) into out (cap bytes).
 * Returns 1, or 0 when s has none (PostgreSQL or :memory: without
 * $BLUEHELM_AUDIT_KEY). */
int audit_key_path(store *s, char *out, size_t cap);

/* audit_key_load: loads s's audit key once. With create, a missing key file
 * is created (random key, mode 0600, plain = the entries already there) as
 * long as the trail holds no entry signed with another key; without it, a
 * missing key leaves s unkeyed (only plain entries can be checked). Before
 * a store appends, the last entry is checked against the key: a key that is
 * not this trail's is refused. Returns 0, ERR_IO (unreadable, readable by
 * others, malformed) or ERR_VALIDATION (a key that does not fit the trail). */
int audit_key_load(store *s, int create, err *e);

/* audit_key_copy: copies s's audit key file to dest_db's key path
 * (dest_db + ".audit-key", mode 0600, replacing one there), for a backup
 * that verifies and takes writes on its own; path_out (cap bytes) receives
 * it. Returns 1 when copied, 0 when s has no key file, or ERR_IO. */
int audit_key_copy(store *s, const char *dest_db, char *path_out, size_t cap, err *e);

/* What audit_check found. */
typedef struct audit_status {
  long long count; /* entries read */
  long long bad;   /* seq of the first entry that does not hold, 0 if none */
  long long plain; /* entries that predate the key (checked as plain SHA-256) */
  int keyed;       /* 1 when the audit key was there to check the rest */
  char head[AUDIT_HASH_HEX]; /* the last entry's hash ("" for none) */
  char why[200];   /* why entry `bad` does not hold */
} audit_status;

/* audit_check: recomputes the chain, with the key when s has one (else as
 * plain SHA-256: signed entries then do not hold). Fills *st. Returns 0, or
 * an error code (database, key file). */
int audit_check(store *s, audit_status *st, err *e);

/* audit_verify: audit_check in short: *bad = seq of the first broken entry
 * (0 if none), *count = entries read. Returns 0 or an error code. */
int audit_verify(store *s, long long *bad, long long *count, err *e);

/* audit_checkpoint: the last entry's hash (hex, AUDIT_HASH_HEX bytes; "" when
 * the trail is empty) and the number of entries. Returns 0 or ERR_DB. */
int audit_checkpoint(store *s, char *hash, long long *count, err *e);

/* audit_expect: checks a checkpoint "HASH:COUNT" taken earlier against the
 * trail: entry COUNT must exist and carry HASH. Returns 0, ERR_USAGE for a
 * malformed checkpoint, or ERR_VALIDATION saying the trail was truncated
 * (fewer entries) or rewritten (another hash) with e filled. */
int audit_expect(store *s, const char *checkpoint, err *e);

/* audit_now: the current UTC time as "YYYY-MM-DDTHH:MM:SS.mmmZ" in out (>= 32 bytes). */
char *audit_now(char *out);

#endif
