/* audit.h: the append-only, hash-chained audit trail (table _audit). Every
 * write appends one entry in the same transaction as the write: who, when,
 * what kind and id, before and after. Each entry's hash covers its content
 * and the previous entry's hash, so a changed or removed entry breaks the
 * chain from there on. */
#ifndef BH_AUDIT_H
#define BH_AUDIT_H

#include "core/err.h"
#include "store/store.h"

#define AUDIT_HASH_HEX 65 /* 64 hex digits and a NUL */

/* audit_append: appends one entry (kind, record_id, before and after may be
 * NULL; before/after are JSON texts). Must run inside the caller's write
 * transaction. Returns 0 or ERR_DB. */
int audit_append(store *s, const char *user, const char *action, const char *kind,
                 const char *record_id, const char *before, const char *after, err *e);

/* audit_verify: recomputes the chain. Returns 0 and sets *bad = 0 when every
 * entry holds; sets *bad to the seq of the first broken entry otherwise (and
 * returns 0); *count receives the number of entries. ERR_DB on failure. */
int audit_verify(store *s, long long *bad, long long *count, err *e);

/* audit_now: the current UTC time as "YYYY-MM-DDTHH:MM:SS.mmmZ" in out (>= 32 bytes). */
char *audit_now(char *out);

#endif
