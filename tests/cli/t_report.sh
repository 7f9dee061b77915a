#!/usr/bin/env bash
# t_report.sh: `bluehelm report`: the built-in templates over the demo, the
# three formats, provenance (every figure's ids re-count to it), template
# errors naming their line, and the HTML report rendered by Chromium.
source "$(dirname "$0")/lib.sh"

fresh_db && bh import "$ROOT/data/demo" >/dev/null || { fail report_setup "cannot load the demo: $(cat "$WORK/stderr")"; exit 0; }

# The default report over the letter's period, in every format.
if bh report from=2021-01-01 to=2021-05-31 >"$WORK/r.md"; then ok report_md; else fail report_md "$(cat "$WORK/stderr")"; fi
expect_grep report_md_sections '^## Progress in mission operations' "$WORK/r.md"
expect_grep report_md_ied 'improvised explosive devices were used' "$WORK/r.md"
if bh report from=2021-01-01 to=2021-05-31 --format html -o "$WORK/r.html"; then ok report_html; else fail report_html "$(cat "$WORK/stderr")"; fi
expect_grep report_html_svg '<svg' "$WORK/r.html"
expect_grep report_html_appendix 'id="fig-[0-9]+"' "$WORK/r.html"
# Self-contained: no src/href pointing outside the file.
if grep -Eo '(src|href)="[a-z]+:[^"]*"' "$WORK/r.html" | grep -v '^href="#' >"$WORK/ext"; [[ ! -s "$WORK/ext" ]]; then
  ok report_html_self_contained
else
  fail report_html_self_contained "outside references: $(head -3 "$WORK/ext")"
fi
if bh report from=2021-01-01 to=2021-05-31 --format json -o "$WORK/r.json"; then ok report_json; else fail report_json "$(cat "$WORK/stderr")"; fi

# Provenance: for every figure of the count indicator, its ids re-count to
# its value; for every figure, each id it lists exists as a record.
bad=$(sqlite3 :memory: "select count(*) from json_each(json_extract(readfile('$WORK/r.json'), '\$.figures')) f
  where json_extract(f.value, '\$.indicator') = 'count'
    and json_extract(f.value, '\$.value') != json_array_length(json_extract(f.value, '\$.records'))")
expect_eq report_json_counts_recount "$bad" 0
n=$(sqlite3 :memory: "select count(*) from json_each(json_extract(readfile('$WORK/r.json'), '\$.figures')) f
  where json_extract(f.value, '\$.indicator') = 'ied' and json_extract(f.value, '\$.figure') = 'used'
    and json_extract(f.value, '\$.value') = json_array_length(json_extract(f.value, '\$.records'))")
[[ "$n" -ge 1 ]] && ok report_json_ied_recount || fail report_json_ied_recount "the ied figure's ids do not re-count to it"
ids=$(sqlite3 :memory: "select distinct r.value from json_each(json_extract(readfile('$WORK/r.json'), '\$.figures')) f,
  json_each(json_extract(f.value, '\$.records')) r where json_extract(f.value, '\$.indicator') = 'count'" | head -50)
missing=0
for id in $ids; do
  c=$(db_sql "select (select count(*) from events where event_id_cnty='$id') + (select count(*) from activities where activity_id='$id') + (select count(*) from meetings where meeting_id='$id') + (select count(*) from benchmarks where benchmark_id='$id') + (select count(*) from operations where operation_id='$id')")
  [[ "$c" -ge 1 ]] || missing=$((missing + 1))
done
expect_eq report_json_ids_exist "$missing" 0

# The sitrep: the day `to`, sector by sector.
if bh report to=2021-04-02 --template sitrep >"$WORK/s.md"; then ok report_sitrep; else fail report_sitrep "$(cat "$WORK/stderr")"; fi
expect_grep report_sitrep_title '^# Daily situation report, 2 April 2021' "$WORK/s.md"
expect_grep report_sitrep_sector '^## Sector ' "$WORK/s.md"

# A period with no records is said plainly, not an error.
if bh report from=1990-01-01 to=1990-01-31 >"$WORK/empty.md"; then ok report_empty_period; else fail report_empty_period "$(cat "$WORK/stderr")"; fi
expect_grep report_empty_says_so 'No incidents were recorded' "$WORK/empty.md"

# Bad input: each a precise message and a non-zero exit.
bad_template() { # NAME TEMPLATE-TEXT EXPECTED-STDERR-PATTERN
  printf '%s' "$2" >"$WORK/$1.md"
  if bh report from=2021-01-01 to=2021-05-31 --template "$WORK/$1.md" >/dev/null; then
    fail "$1" "accepted a bad template"
  else
    expect_grep "$1" "$3" "$WORK/stderr"
  fi
}
bad_template report_unclosed $'# T\n\nIEDs: {{ied from=$from | used\nnext line }}\n' 'report_unclosed.md:3: a placeholder must end on the line'
bad_template report_unclosed_end $'# T\n{{ied from=$from | used' 'is not closed with'
bad_template report_unknown_indicator $'line one\n{{nosuch a=1 | x}}\n' ':2: unknown indicator .nosuch.'
bad_template report_bad_param $'\n\n{{ied from=2021-13-45 | used}}\n' ':3: from=2021-13-45 is not a date'
bad_template report_unknown_figure $'{{ied from=$from | nosuch}}\n' ':1: ied has no figure .nosuch.'
bad_template report_unclosed_block $'{{#if $from}}\nyes\n' ':1: this \{\{#if\}\} is never closed'
bad_template report_unknown_variable $'{{$nosuch}}\n' ':1: unknown variable'
# {{#if }}, {{#each }} and {{chart }} (nothing after the word) took the text of the
# placeholder: a copy of length -1, a crash (found by fuzz_template).
bad_template report_empty_if $'text\n{{#if }}\n' ':2: unknown block'
bad_template report_empty_each $'{{#each }}\n' ':1: unknown block'
bad_template report_empty_chart $'{{chart }}\n' ':1: unknown indicator .chart.'
bad_template report_invalid_utf8 $'# T\n\nA \xff byte\n' ':3: the template is not valid UTF-8'
if bh report --template "$WORK/does-not-exist.md" >/dev/null; then fail report_missing_template "accepted"; else expect_grep report_missing_template 'cannot read the template' "$WORK/stderr"; fi
if bh report from=2021-06-01 to=2021-05-31 >/dev/null; then fail report_from_after_to "accepted"; else expect_grep report_from_after_to 'ends before it starts' "$WORK/stderr"; fi
if bh report from=2021-01-01 to=2021-05-31 -o /nonexistent-dir/r.md; then fail report_unwritable "accepted"; else expect_grep report_unwritable 'cannot write' "$WORK/stderr"; fi
if bh report --format pdf >/dev/null; then fail report_bad_format "accepted"; else expect_grep report_bad_format 'unknown report format' "$WORK/stderr"; fi

# The HTML report in a real browser: sections, charts and the map render.
CHROME=$(command -v chromium || true)
if [[ -z "$CHROME" ]]; then
  if [[ "${CI:-}" == "true" ]]; then fail report_screenshot "chromium is not installed"; else skip report_screenshot "chromium is not installed"; fi
else
  mkdir -p "$ROOT/build/screenshots"
  timeout 60 "$CHROME" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$WORK/chrome" --window-size=1280,4000 \
    --screenshot="$ROOT/build/screenshots/report.png" "file://$WORK/r.html" >/dev/null 2>&1
  size=$(stat -c %s "$ROOT/build/screenshots/report.png" 2>/dev/null || echo 0)
  [[ "$size" -gt 20000 ]] && ok report_screenshot || fail report_screenshot "no screenshot (size $size)"
fi
