#!/usr/bin/env bash
# t_i18n.sh: the web interface's message catalogues (web/check-i18n.mjs,
# which the web build also runs): complete in both languages, every key the
# code names present, every error code and rule word of the C code covered;
# and the check fails when a translation is missing or a placeholder differs.
source "$(dirname "$0")/lib.sh"
if ! command -v node >/dev/null; then
  if [[ "${CI:-}" == "true" ]]; then fail i18n "node is not installed"; else skip i18n "node is not installed (scripts/deps.sh build)"; fi
  exit 0
fi
node "$ROOT/web/check-i18n.mjs" >"$WORK/out" 2>&1
rc=$?
cat "$WORK/out"
[[ $rc -eq 0 ]] || fail i18n-check-exit "exit $rc"

# Broken copies of the catalogues: each must be refused, naming the key.
broken() { # NAME PYTHON-EXPRESSION-ON-fr EXPECTED-PATTERN
  mkdir -p "$WORK/$1"
  cp "$ROOT/web/src/i18n/en.json" "$WORK/$1/en.json"
  node -e "const fs=require('fs');const fr=JSON.parse(fs.readFileSync('$ROOT/web/src/i18n/fr.json','utf8'));$2;fs.writeFileSync('$WORK/$1/fr.json',JSON.stringify(fr))"
  if I18N_DIR="$WORK/$1" node "$ROOT/web/check-i18n.mjs" >"$WORK/$1.out" 2>&1; then
    fail "$1" "a broken catalogue passed the check"
  else
    expect_grep "$1" "$3" "$WORK/$1.out"
  fi
}
broken i18n-missing-translation "delete fr['nav.map']" 'fr.json lacks "nav.map"'
broken i18n-empty-translation "fr['nav.map']=' '" 'fr.json "nav.map" is empty'
broken i18n-placeholder-differs "fr['map.not_on_map']='Événement absent de la carte.'" '"map.not_on_map": placeholders \{id\} in English, \{\} in French'
broken i18n-plural-forms "fr['records.n']='{n} fiches'" '"records.n" has plural forms in one language only'
broken i18n-extra-key "fr['nav.nowhere']='Nulle part'" 'en.json lacks "nav.nowhere"'
