/* audit.c: the hash-chained audit trail, keyed with HMAC-SHA-256 (libsodium). */
#include "store/audit.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/str.h"
#include "store/backend.h"

#define GENESIS AUDIT_GENESIS
#define KEY_FILE_MAX 4096

enum { KEY_UNLOADED = 0, KEY_NONE = 1, KEY_HELD = 2 };

#define ENTRY_COLS "seq, at, \"user\", action, kind, record_id, before, after, prev_hash, hash"
/* The lock that makes concurrent writers append one after the other
 * (store_serialize; PostgreSQL's writers do not otherwise wait for each other). */
#define AUDIT_APPEND_LOCK 0x626c7565L

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

/* The hash of one entry, in hex: over the previous hash, the sequence
 * number and the seven fields, each length-prefixed ("~" marks no value).
 * An HMAC-SHA-256 under key when key is given, else plain SHA-256 (entries
 * older than the key). */
static void entry_hash(const unsigned char *key, const char *prev, long long seq,
                       const char *fields[7], char *out) {
  buf b;
  buf_init(&b, 0);
  buf_printf(&b, "%s\n%lld\n", prev, seq);
  for (int i = 0; i < 7; i++) {
    const char *f = fields[i] ? fields[i] : "";
    buf_printf(&b, "%zu:%s%s\n", strlen(f), f, fields[i] ? "" : "~");
  }
  unsigned char h[crypto_hash_sha256_BYTES];
  if (key) crypto_auth_hmacsha256(h, (const unsigned char *)b.data, b.len, key);
  else crypto_hash_sha256(h, (const unsigned char *)b.data, b.len);
  sodium_bin2hex(out, AUDIT_HASH_HEX, h, sizeof h);
  buf_free(&b);
}

/* The key an entry numbered seq is signed with (NULL: plain). */
static const unsigned char *key_for(const store *s, long long seq) {
  return s->audit_state == KEY_HELD && seq > s->audit_plain ? s->audit_key : NULL;
}

int audit_key_path(store *s, char *out, size_t cap) {
  const char *env = getenv("BLUEHELM_AUDIT_KEY");
  if (env && *env) {
    if (strlen(env) >= cap) return 0;
    str_copy(out, cap, env);
    return 1;
  }
  if (store_dialect_of(s) != STORE_SQLITE) return 0;
  const char *p = store_path(s);
  if (!*p || !strcmp(p, ":memory:") || str_has_prefix(p, "file:")) return 0;
  int n = snprintf(out, cap, "%s.audit-key", p);
  return n > 0 && (size_t)n < cap;
}

/* Reads the key file. Returns 0 (loaded), 1 (no such file) or an error. */
static int key_read(const char *path, unsigned char key[32], long long *plain, err *e) {
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    if (errno == ENOENT) return 1;
    return err_set(e, ERR_IO, "cannot read the audit key %s: %s", path, strerror(errno));
  }
  struct stat sb;
  char text[KEY_FILE_MAX];
  ssize_t n = -1;
  int rc = 0;
  if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode))
    rc = err_set(e, ERR_IO, "the audit key %s is not a regular file", path);
  else if (sb.st_mode & 077)
    rc = err_set(e, ERR_IO, "the audit key %s may be read by others (mode %03o): chmod 600 it", path,
                 (unsigned)(sb.st_mode & 0777));
  else if ((n = read(fd, text, sizeof text - 1)) < 0)
    rc = err_set(e, ERR_IO, "cannot read the audit key %s: %s", path, strerror(errno));
  close(fd);
  if (rc) return rc;
  text[n] = 0;
  int have_key = 0, have_plain = 0;
  for (char *line = text; line && *line;) {
    char *nl = strchr(line, '\n');
    if (nl) *nl = 0;
    size_t bin = 0;
    if (str_has_prefix(line, "key ")) {
      have_key = sodium_hex2bin(key, 32, line + 4, strlen(line + 4), NULL, &bin, NULL) == 0 && bin == 32 &&
                 strlen(line + 4) == 64;
    } else if (str_has_prefix(line, "plain ")) {
      int64_t v;
      have_plain = !str_to_int64(line + 6, &v) && v >= 0;
      *plain = have_plain ? (long long)v : 0;
    }
    line = nl ? nl + 1 : NULL;
  }
  sodium_memzero(text, sizeof text);
  if (!have_key || !have_plain)
    return err_set(e, ERR_IO, "the audit key %s is malformed (want the lines 'key <64 hex digits>' and 'plain <N>')",
                   path);
  return 0;
}

/* Creates the key file. Returns 0 (created), 1 (it exists) or an error. */
static int key_write(const char *path, const unsigned char key[32], long long plain, err *e) {
  int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return 1;
    return err_set(e, ERR_IO, "cannot create the audit key %s: %s", path, strerror(errno));
  }
  char hex[65], text[400];
  sodium_bin2hex(hex, sizeof hex, key, 32);
  int n = snprintf(text, sizeof text,
                   "# bluehelm audit key: keep it secret (mode 0600), and a copy apart from the database.\n"
                   "# Entries after the first %lld are signed with it (HMAC-SHA-256).\n"
                   "key %s\nplain %lld\n",
                   plain, hex, plain);
  int ok = n > 0 && (size_t)n < sizeof text && fchmod(fd, 0600) == 0 && write(fd, text, (size_t)n) == n &&
           fsync(fd) == 0;
  sodium_memzero(text, sizeof text);
  sodium_memzero(hex, sizeof hex);
  if (close(fd) != 0) ok = 0;
  if (!ok) {
    int err_no = errno;
    unlink(path);
    return err_set(e, ERR_IO, "cannot write the audit key %s: %s", path, strerror(err_no));
  }
  return 0;
}

int audit_key_copy(store *s, const char *dest_db, char *path_out, size_t cap, err *e) {
  char src[4096];
  path_out[0] = 0;
  if (!audit_key_path(s, src, sizeof src)) return 0;
  unsigned char key[32];
  long long plain;
  int rc = key_read(src, key, &plain, e);
  if (rc) return rc < 0 ? rc : 0;
  int n = snprintf(path_out, cap, "%s.audit-key", dest_db);
  if (n < 0 || (size_t)n >= cap) return err_set(e, ERR_IO, "the path %s is too long", dest_db);
  if (unlink(path_out) != 0 && errno != ENOENT)
    rc = err_set(e, ERR_IO, "cannot replace %s: %s", path_out, strerror(errno));
  if (!rc) rc = key_write(path_out, key, plain, e);
  if (rc == 1) rc = err_set(e, ERR_IO, "cannot replace %s", path_out);
  sodium_memzero(key, sizeof key);
  return rc < 0 ? rc : 1;
}

/* Reads the columns of an _audit row (ENTRY_COLS) into seq and fields. */
static void entry_fields(stmt *st, long long *seq, const char *fields[7]) {
  *seq = stmt_int(st, 0);
  for (int i = 0; i < 7; i++) fields[i] = stmt_text(st, 1 + i);
}

/* Before appending: the last entry must hold under the key s will sign
 * with (or as plain SHA-256 when it predates the key or s has none). */
static int check_last(store *s, const char *path, err *e) {
  stmt *st;
  if (store_prepare(s, "SELECT " ENTRY_COLS " FROM _audit ORDER BY seq DESC LIMIT 1", &st, e)) return ERR_DB;
  int rc = stmt_step(st, e);
  if (rc == STMT_ROW) {
    long long seq;
    const char *fields[7], *prev = stmt_text(st, 8), *stored = stmt_text(st, 9);
    entry_fields(st, &seq, fields);
    char hash[AUDIT_HASH_HEX];
    entry_hash(key_for(s, seq), prev ? prev : "", seq, fields, hash);
    rc = 0;
    if (!stored || strcmp(stored, hash) != 0) {
      if (key_for(s, seq))
        rc = err_set(e, ERR_VALIDATION,
                     "the audit key %s does not fit this database's audit trail (entry %lld does not hold "
                     "under it): give the key made with this database (--audit-key), or run `bluehelm audit verify`",
                     path, seq);
      else
        rc = err_set(e, ERR_VALIDATION,
                     "the last audit entry (%lld) is signed with an audit key that is not here%s%s%s, or was "
                     "altered: copy the database's key beside it or give --audit-key; `bluehelm audit verify` "
                     "tells which",
                     seq, path ? " (" : "", path ? path : "", path ? ")" : "");
    }
  }
  stmt_finalize(st);
  return rc < 0 ? rc : 0;
}

/* The number of the last entry (0 for none). */
static int last_seq(store *s, long long *n, err *e) {
  stmt *st;
  if (store_prepare(s, "SELECT COALESCE(max(seq), 0) FROM _audit", &st, e)) return ERR_DB;
  int rc = stmt_step(st, e);
  *n = rc == STMT_ROW ? stmt_int(st, 0) : 0;
  stmt_finalize(st);
  return rc < 0 ? rc : 0;
}

int audit_key_load(store *s, int create, err *e) {
  if (s->audit_state != KEY_UNLOADED) return 0;
  char path[4096];
  if (!audit_key_path(s, path, sizeof path)) {
    s->audit_state = KEY_NONE;
    int rc = create ? check_last(s, NULL, e) : 0;
    if (rc) s->audit_state = KEY_UNLOADED;
    return rc;
  }
  int rc = key_read(path, s->audit_key, &s->audit_plain, e);
  if (rc < 0) return rc;
  if (rc == 1 && create) {
    /* No key yet (a database from before keys, or a new one): make it. Its
     * first entries, if any, stay a plain chain that the key file counts. */
    s->audit_state = KEY_NONE;
    long long n = 0;
    rc = check_last(s, path, e);
    if (!rc) rc = last_seq(s, &n, e);
    s->audit_state = KEY_UNLOADED;
    if (rc) return rc;
    randombytes_buf(s->audit_key, sizeof s->audit_key);
    s->audit_plain = n;
    rc = key_write(path, s->audit_key, n, e);
    if (rc == 1) rc = key_read(path, s->audit_key, &s->audit_plain, e); /* made meanwhile */
    if (rc) {
      sodium_memzero(s->audit_key, sizeof s->audit_key);
      return rc < 0 ? rc : err_set(e, ERR_IO, "cannot create the audit key %s", path);
    }
  } else if (rc == 1) {
    s->audit_state = KEY_NONE; /* checks see the plain entries only */
    return 0;
  }
  s->audit_state = KEY_HELD;
  if (create && (rc = check_last(s, path, e))) {
    s->audit_state = KEY_UNLOADED;
    sodium_memzero(s->audit_key, sizeof s->audit_key);
    return rc;
  }
  return 0;
}

int audit_append(store *s, const char *user, const char *action, const char *kind,
                 const char *record_id, const char *before, const char *after, err *e) {
  int lrc = store_serialize(s, AUDIT_APPEND_LOCK, e);
  if (lrc) return lrc;
  if (s->audit_state == KEY_UNLOADED) {
    int krc = audit_key_load(s, 1, e);
    if (krc) return krc;
  }
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
  entry_hash(key_for(s, seq), prev, seq, fields, hash);
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

int audit_check(store *s, audit_status *out, err *e) {
  memset(out, 0, sizeof *out);
  if (s->audit_state == KEY_UNLOADED) {
    int krc = audit_key_load(s, 0, e);
    if (krc) return krc;
  }
  out->keyed = s->audit_state == KEY_HELD;
  stmt *st;
  if (store_prepare(s, "SELECT " ENTRY_COLS " FROM _audit ORDER BY seq", &st, e)) return ERR_DB;
  char prev[AUDIT_HASH_HEX] = GENESIS;
  long long expect = 1;
  int rc;
  while ((rc = stmt_step(st, e)) == STMT_ROW) {
    long long seq;
    const char *fields[7];
    entry_fields(st, &seq, fields);
    const char *stored_prev = stmt_text(st, 8);
    const char *stored = stmt_text(st, 9);
    const unsigned char *key = key_for(s, seq);
    char hash[AUDIT_HASH_HEX];
    entry_hash(key, prev, seq, fields, hash);
    out->count++;
    if (!key) out->plain++;
    const char *why = NULL;
    if (seq != expect) why = "entries are missing before it (its number does not follow)";
    else if (!stored_prev || strcmp(stored_prev, prev)) why = "it does not follow the previous entry's hash";
    else if (!stored || strcmp(stored, hash))
      why = key ? "its HMAC does not hold under the audit key"
            : out->keyed ? "its hash does not hold (it predates the audit key)"
                         : "its hash does not hold as plain SHA-256 (signed with an audit key that is not here?)";
    if (why) {
      out->bad = seq;
      snprintf(out->why, sizeof out->why, "%s", why);
      break;
    }
    snprintf(prev, sizeof prev, "%s", stored);
    expect++;
  }
  stmt_finalize(st);
  if (rc < 0) return rc;
  if (!out->bad && out->keyed && out->count < s->audit_plain) {
    /* The key file counts more entries than the trail holds. */
    out->bad = out->count + 1;
    snprintf(out->why, sizeof out->why, "the key file counts %lld entries before the key: entries were removed",
             s->audit_plain);
  }
  if (!out->bad && out->count) snprintf(out->head, sizeof out->head, "%s", prev);
  return 0;
}

int audit_verify(store *s, long long *bad, long long *count, err *e) {
  audit_status st;
  int rc = audit_check(s, &st, e);
  *bad = st.bad;
  *count = st.count;
  return rc;
}

int audit_checkpoint(store *s, char *hash, long long *count, err *e) {
  hash[0] = 0;
  *count = 0;
  stmt *st;
  if (store_prepare(s, "SELECT seq, hash FROM _audit ORDER BY seq DESC LIMIT 1", &st, e)) return ERR_DB;
  int rc = stmt_step(st, e);
  if (rc == STMT_ROW) {
    *count = stmt_int(st, 0);
    snprintf(hash, AUDIT_HASH_HEX, "%s", stmt_text(st, 1) ? stmt_text(st, 1) : "");
  }
  stmt_finalize(st);
  return rc < 0 ? rc : 0;
}

int audit_expect(store *s, const char *checkpoint, err *e) {
  const char *colon = strchr(checkpoint, ':');
  int64_t want;
  if (!colon || colon - checkpoint != 64 || str_to_int64(colon + 1, &want) || want < 0)
    return err_set(e, ERR_USAGE, "a checkpoint is HASH:COUNT, as `bluehelm audit checkpoint` prints it");
  char hash[AUDIT_HASH_HEX];
  long long count;
  int rc = audit_checkpoint(s, hash, &count, e);
  if (rc) return rc;
  if (count < want)
    return err_set(e, ERR_VALIDATION,
                   "the audit trail was truncated: it holds %lld entries, the checkpoint counts %lld", count,
                   (long long)want);
  if (want == 0) return 0;
  stmt *st;
  if (store_prepare(s, "SELECT hash FROM _audit WHERE seq = ?", &st, e)) return ERR_DB;
  stmt_bind_int(st, 1, want);
  rc = stmt_step(st, e);
  int same = rc == STMT_ROW && stmt_text(st, 0) && !strncmp(stmt_text(st, 0), checkpoint, 64) &&
             strlen(stmt_text(st, 0)) == 64;
  stmt_finalize(st);
  if (rc < 0) return rc;
  if (!same)
    return err_set(e, ERR_VALIDATION,
                   "entry %lld is not the one the checkpoint names (another hash): the audit trail was rewritten",
                   (long long)want);
  return 0;
}
