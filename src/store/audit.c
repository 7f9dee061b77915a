/* audit.c: hash-chained audit entries (SHA-256 from libsodium). */
#include "store/audit.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"

#define GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

char *audit_now(char *out) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  struct tm tm;
  gmtime_r(&ts.tv_sec, &tm);
  char head[24];
  strftime(head, sizeof head, "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf(out, 32, "%.19s.%03dZ", head, (int)(ts.tv_nsec / 1000000) % 1000);
  return out;
}

/* The hash of one entry: SHA-256 over length-prefixed fields, in hex. */
static void entry_hash(const char *prev, long long seq, const char *fields[7], char *out) {
  buf b;
  buf_init(&b, 0);
  buf_printf(&b, "%s\n%lld\n", prev, seq);
  for (int i = 0; i < 7; i++) {
    const char *f = fields[i] ? fields[i] : "";
    buf_printf(&b, "%zu:%s%s\n", strlen(f), f, fields[i] ? "" : "~");
  }
  unsigned char h[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(h, (const unsigned char *)b.data, b.len);
  sodium_bin2hex(out, AUDIT_HASH_HEX, h, sizeof h);
  buf_free(&b);
}

int audit_append(store *s, const char *user, const char *action, const char *kind,
                 const char *record_id, const char *before, const char *after, err *e) {
  stmt *last = store_cached(s, "SELECT seq, hash FROM _audit ORDER BY seq DESC LIMIT 1", e);
  if (!last) return ERR_DB;
  long long seq = 1;
  char prev[AUDIT_HASH_HEX] = GENESIS;
  int rc = stmt_step(last, e);
  if (rc == STMT_ROW) {
    seq = stmt_int(last, 0) + 1;
    snprintf(prev, sizeof prev, "%s", stmt_text(last, 1));
  }
  stmt_reset(last);
  if (rc < 0) return rc;
  char at[32];
  audit_now(at);
  const char *fields[7] = {at, user, action, kind, record_id, before, after};
  char hash[AUDIT_HASH_HEX];
  entry_hash(prev, seq, fields, hash);
  stmt *ins = store_cached(
      s,
      "INSERT INTO _audit(seq, at, \"user\", action, kind, record_id, before, after, prev_hash, hash) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
      e);
  if (!ins) return ERR_DB;
  stmt_bind_int(ins, 1, seq);
  for (int i = 0; i < 7; i++) stmt_bind_text(ins, 2 + i, fields[i]);
  stmt_bind_text(ins, 9, prev);
  stmt_bind_text(ins, 10, hash);
  return stmt_run(ins, e);
}

int audit_verify(store *s, long long *bad, long long *count, err *e) {
  stmt *st;
  if (store_prepare(s,
                    "SELECT seq, at, \"user\", action, kind, record_id, before, after, prev_hash, hash "
                    "FROM _audit ORDER BY seq",
                    &st, e))
    return ERR_DB;
  char prev[AUDIT_HASH_HEX] = GENESIS;
  long long expect = 1;
  *bad = 0;
  *count = 0;
  int rc;
  while ((rc = stmt_step(st, e)) == STMT_ROW) {
    long long seq = stmt_int(st, 0);
    const char *fields[7];
    for (int i = 0; i < 7; i++) fields[i] = stmt_text(st, 1 + i);
    const char *stored_prev = stmt_text(st, 8);
    const char *stored = stmt_text(st, 9);
    char hash[AUDIT_HASH_HEX];
    entry_hash(prev, seq, fields, hash);
    (*count)++;
    if (seq != expect || !stored_prev || strcmp(stored_prev, prev) || !stored || strcmp(stored, hash)) {
      *bad = seq;
      break;
    }
    snprintf(prev, sizeof prev, "%s", stored);
    expect++;
  }
  stmt_finalize(st);
  return rc < 0 ? rc : 0;
}
