// check-i18n.mjs: checks the web interface's message catalogues
// (web/src/i18n/en.json, fr.json) against each other and against the code.
// web/build.mjs runs it before building, so a missing translation fails the
// build, and with it `make` and `make test`; tests/cli/t_i18n.sh runs it too.
//
//   node web/check-i18n.mjs         prints "ok ..."/"FAIL ..." lines, exits 1 on a failure
//   I18N_DIR=DIR node web/check-i18n.mjs   checks the catalogues in DIR instead
//
// 1. Both catalogues hold the same keys; no message is empty; a message
//    with plural forms has "one" and "other" in both; a message's {names}
//    are the same in both languages.
// 2. Every key the code names (a string literal "namespace.key" given to
//    t(), or whose namespace the catalogues use) is in the catalogues, and every key of
//    the catalogues is used (keys reached only by a computed name are
//    exempt: lang.*, role.*, rule.*, error.*, ops.phase_*, ops.events_*).
// 3. Computed names are covered: every error code of src/core/err.h has
//    error.<code>; every rule word the C code gives a refused value
//    (err_rule, RULE, recjson's bad) has rule.<word>; every role of
//    src/web/auth.c has role.<role>; every language has lang.<code>.
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const read = (p) => fs.readFileSync(path.join(root, p), 'utf8');
const problems = [];
const fail = (what) => problems.push(what);

const langs = ['en', 'fr'];
const dir = process.env.I18N_DIR || path.join(root, 'web/src/i18n');
const cat = Object.fromEntries(langs.map((l) => [l, JSON.parse(fs.readFileSync(path.join(dir, `${l}.json`), 'utf8'))]));
const keys = (l) => Object.keys(cat[l]);
const names = (m) => [...new Set((typeof m === 'string' ? [m] : Object.values(m)).flatMap((s) => [...s.matchAll(/\{(\w+)\}/g)].map((x) => x[1])))].sort().join(',');

// 1. The catalogues against each other.
for (const [a, b] of [['en', 'fr'], ['fr', 'en']])
  for (const k of keys(a)) if (!(k in cat[b])) fail(`${b}.json lacks "${k}" (${a}.json has it: ${JSON.stringify(cat[a][k]).slice(0, 80)})`);
for (const l of langs)
  for (const [k, m] of Object.entries(cat[l])) {
    if (typeof m === 'object') {
      if (!m || typeof m.one !== 'string' || typeof m.other !== 'string') fail(`${l}.json "${k}": plural forms need "one" and "other"`);
      else if (!m.one.trim() || !m.other.trim()) fail(`${l}.json "${k}" has an empty form`);
    } else if (typeof m !== 'string' || !m.trim()) fail(`${l}.json "${k}" is empty`);
  }
for (const k of keys('en')) {
  if (!(k in cat.fr)) continue;
  if (typeof cat.en[k] !== typeof cat.fr[k]) fail(`"${k}" has plural forms in one language only`);
  if (names(cat.en[k]) !== names(cat.fr[k])) fail(`"${k}": placeholders {${names(cat.en[k])}} in English, {${names(cat.fr[k])}} in French`);
}

// 2. The keys the code names.
const sources = [];
(function walk(dir) {
  for (const f of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const p = path.join(dir, f.name);
    if (f.isDirectory()) walk(p);
    else if (/\.m?js$/.test(f.name)) sources.push(p);
  }
})('web/src');
const namespaces = new Set(keys('en').map((k) => k.split('.')[0]));
const computed = ['lang.', 'role.', 'rule.', 'error.', 'ops.phase_', 'ops.events_'];
const used = new Set();
for (const file of sources) {
  const text = read(file);
  // A literal given to t() is a key whatever its namespace; any other
  // literal of the catalogues' namespaces is one too (keys kept in tables).
  const direct = new Set([...text.matchAll(/\bt\(\s*['"`]([a-z][a-z0-9_]*\.[a-z0-9_]+)['"`]/g)].map((x) => x[1]));
  for (const [, k] of text.matchAll(/['"`]([a-z][a-z0-9_]*\.[a-z0-9_]+)['"`]/g)) {
    if (!direct.has(k) && !namespaces.has(k.split('.')[0])) continue;
    used.add(k);
    if (!(k in cat.en)) fail(`${file} names "${k}", which the catalogues lack`);
  }
}
for (const k of keys('en')) if (!used.has(k) && !computed.some((p) => k.startsWith(p))) fail(`"${k}" is in the catalogues but no code uses it`);

// 3. Computed names.
const need = (key, why) => {
  if (!(key in cat.en)) fail(`the catalogues lack "${key}" (${why})`);
};
for (const [, name] of read('src/core/err.h').matchAll(/X\(\w+, -?\d+, "(\w+)"/g)) if (name !== 'ok') need(`error.${name}`, 'an error code of src/core/err.h');
for (const k of ['error.offline', 'error.status', 'error.unknown']) need(k, 'web/src/i18n.js');
const cfiles = ['src/model/field.c', 'src/model/record.c', 'src/model/recjson.c', 'src/model/event.c'];
const rules = new Set(['exists', 'invalid']); // the interface's own (409 on create; no rule given)
for (const f of cfiles) {
  const text = read(f);
  for (const re of [/err_rule\([^,]+, "(\w+)"\)/g, /RULE\("(\w+)"/g, /bad\(errs, [^,]+, "(\w+)"/g]) for (const [, w] of text.matchAll(re)) rules.add(w);
}
for (const w of rules) need(`rule.${w}`, 'a rule word of the C code');
for (const k of keys('en')) if (k.startsWith('rule.') && !rules.has(k.slice(5))) fail(`"${k}" names no rule of the C code`);
const roles = /role_names\[\] = \{([^}]*)\}/.exec(read('src/web/auth.c'));
for (const [, r] of (roles ? roles[1] : '').matchAll(/"(\w+)"/g)) need(`role.${r}`, 'a role of src/web/auth.c');
for (const l of langs) need(`lang.${l}`, 'a language');

const n = keys('en').length;
if (problems.length) {
  for (const p of problems) console.log(`FAIL i18n: ${p}`);
  console.error(`check-i18n: ${problems.length} problem${problems.length === 1 ? '' : 's'} in the message catalogues`);
  process.exit(1);
}
console.log(`ok   i18n-catalogues (${n} messages in ${langs.join(' and ')}, ${used.size} named by the code, ${rules.size} rule words)`);
