#!/usr/bin/env bash
# t_report_lang.sh: the reports in English and in French (FORMATS.md 4.2,
# issue 14). The default report and the sitrep in both languages and every
# format, on the demo dataset and on a generated one large enough for
# figures above 999; every figure of the English report is in the French
# one, written the French way and beside its French words
# (tests/cli/report_figures.mjs); the template language's plurals; dates,
# months and percentages in French; --lang refused when unknown.
source "$(dirname "$0")/lib.sh"
NNBSP=$'\u202f'

if ! command -v node >/dev/null; then
  if [[ "${CI:-}" == "true" ]]; then fail report-lang "node is not installed"; else skip report-lang "node is not installed (scripts/deps.sh build)"; fi
  exit 0
fi

# both_languages NAME FROM TO: renders the default report and the sitrep in
# English and French in every format into $WORK/NAME-*, and compares them.
both_languages() {
  local n=$1 from=$2 to=$3 l f t
  for t in default sitrep; do
    local period="from=$from to=$to"
    [[ $t == sitrep ]] && period="to=$to"
    for l in en fr; do
      for f in md html json; do
        # shellcheck disable=SC2086
        if ! bh report $period --template $t --lang $l --format $f -o "$WORK/$n-$t-$l.$f"; then
          fail "$n-$t-$l-$f" "$(cat "$WORK/stderr")"
          continue 2
        fi
      done
      ok "$n-$t-$l"
    done
    node "$ROOT/tests/cli/report_figures.mjs" "$WORK/$n-$t-en.json" "$WORK/$n-$t-fr.json" "$WORK/$n-$t-fr.html" "$n-$t" \
      "$([[ $t == default ]] && echo words)"
  done
  # No English left in the French reports' own words (the records' free
  # text, such as an operation's objective, stays as it was written; the
  # HTML appendix quotes each placeholder's code, which is not prose).
  local english
  english=$(sed 's|<code>[^<]*</code>||g' "$WORK/$n-default-fr.html" | cat - "$WORK/$n-default-fr.md" "$WORK/$n-sitrep-fr.md" |
    grep -ohwE 'were|was|recorded|against the|per cent|week|unserviceable|undeclared|as of|Appendix|template line|Every figure|records behind' |
    sort | uniq -c | sort -rn | head -5)
  if [[ -z "$english" ]]; then ok "$n-fr-no-english-words"; else fail "$n-fr-no-english-words" "$(echo $english)"; fi
}

# ---------------------------------------------------------------- the demo
fresh_db && bh import "$ROOT/data/demo" >/dev/null || { fail report-lang-setup "$(cat "$WORK/stderr")"; exit 0; }
both_languages demo 2021-01-01 2021-05-31
expect_grep demo-fr-title '^# La Mission du 1er janvier 2021 au 31 mai 2021$' "$WORK/demo-default-fr.md"
expect_grep demo-fr-ied 'Entre le 1er janvier 2021 et le 31 mai 2021, 69 engins explosifs improvisés \(EEI\) ont été utilisés, dont 25 contre la Mission' "$WORK/demo-default-fr.md"
expect_grep demo-fr-caveats "7 restrictions nationales sont en vigueur.: 0 déclarée au Secrétariat et 7 non déclarées\." "$WORK/demo-default-fr.md"
expect_grep demo-fr-vehicles "Dans l'ensemble de la Mission, 28 véhicules blindés sur 61 étaient hors d'usage au 31 mai 2021" "$WORK/demo-default-fr.md"
expect_grep demo-fr-percent "soit une baisse de 34${NNBSP}%\." "$WORK/demo-default-fr.md"
expect_grep demo-fr-week 'de 10 à 2 incidents par semaine' "$WORK/demo-default-fr.md"
expect_grep demo-fr-month '^\| février 2021 \| 4 \|$' "$WORK/demo-default-fr.md"
expect_grep demo-fr-labels '^\| fom-2021-04 \| gn-2449477 \| Tiné \| Poste de contrôle \|' "$WORK/demo-default-fr.md"
expect_grep demo-fr-html-lang '<html lang="fr">' "$WORK/demo-default-fr.html"
expect_grep demo-fr-appendix 'Annexe.: les fiches dont chaque chiffre est tiré' "$WORK/demo-default-fr.html"
expect_grep demo-fr-sitrep '^# Rapport de situation quotidien, 31 mai 2021$' "$WORK/demo-sitrep-fr.md"
# The English grammar: singular and plural by the number.
expect_grep demo-en-singular '^1 restriction of movement is in force as of 31 May 2021:' "$WORK/demo-default-en.md"
expect_grep demo-en-plural '^6 restrictions have been lifted as of 31 May 2021:' "$WORK/demo-default-en.md"
expect_grep demo-en-one-activity 'It recorded 1 activity \(1 patrol, 0 integrated missions, 0 civil-military and community activities\)' "$WORK/demo-default-en.md"
if grep -qE '(^|[^0-9.])1 (incidents|activities|patrols|restrictions|were)\b' "$WORK/demo-default-en.md" "$WORK/demo-sitrep-en.md"; then
  fail demo-en-no-1-plural "$(grep -ohE '(^|[^0-9.])1 (incidents|activities|patrols|restrictions|were)\b' "$WORK/demo-default-en.md" | head -3)"
else ok demo-en-no-1-plural; fi
# The sitrep of a day with one incident, in both languages.
bh report to=2021-04-02 --template sitrep --lang fr >"$WORK/s2.md"
expect_grep demo-fr-sitrep-one '^1 incident a été enregistré le 2 avril 2021.: 1 bataille, 0 acte de violence contre des civils' "$WORK/s2.md"
bh report to=2021-04-02 --template sitrep >"$WORK/s2en.md"
expect_grep demo-en-sitrep-one '^1 incident was recorded on 2 April 2021: 1 battle, 0 acts of violence against civilians' "$WORK/s2en.md"
# --lang: en or fr only; the CLI's own messages stay English.
if bh report --lang de >/dev/null; then fail report-lang-unknown "accepted --lang de"; else expect_grep report-lang-unknown '--lang de: en or fr' "$WORK/stderr"; fi

# The template language: plural and form, checked on a small template.
cat >"$WORK/plural.md" <<'EOF'
{{count of=events event_date=2021-04-02 | count | plural "incident" "incidents"}} {{count of=events event_date=2021-04-02 | count | form "was" "were"}}; {{count of=events event_date=2021-01-02 | count | plural "incident" "incidents" "no incident"}}; {{count of=events event_date>=2021-01-01 event_date<=2021-01-31 | count | plural "incident" "incidents"}}; {{ied from=2021-01-01 to=2021-05-31 | used | plural "engin explosif improvisé" "engins explosifs improvisés"}}; {{capability-gaps | gaps | count | plural "gap" "gaps"}}
EOF
bh report --template "$WORK/plural.md" >"$WORK/p-en.md"
bh report --template "$WORK/plural.md" --lang fr >"$WORK/p-fr.md"
n_jan=$(bh count events event_date\>=2021-01-01 event_date\<=2021-01-31)
expect_eq plural-en "$(cat "$WORK/p-en.md")" "1 incident was; no incident; $n_jan incidents; 69 engins explosifs improvisés; 7 gaps"
expect_eq plural-fr "$(cat "$WORK/p-fr.md")" "1 incident was; no incident; $n_jan incidents; 69 engins explosifs improvisés; 7 gaps"
printf '{{count of=events | count | plural "a"}}\n' >"$WORK/bad1.md"
if bh report --template "$WORK/bad1.md" >/dev/null; then fail plural-one-form "accepted"; else expect_grep plural-one-form 'bad1.md:1: \| plural takes two or three forms' "$WORK/stderr"; fi
printf 'x\n{{$from | plural "a" "b"}}\n' >"$WORK/bad2.md"
if bh report --template "$WORK/bad2.md" >/dev/null; then fail plural-not-a-number "accepted"; else expect_grep plural-not-a-number 'bad2.md:2: \| plural needs a number' "$WORK/stderr"; fi
printf '{{#if count of=events | count | form "a" "b"}}x{{/if}}\n' >"$WORK/bad3.md"
if bh report --template "$WORK/bad3.md" >/dev/null; then fail form-in-if "accepted"; else expect_grep form-in-if 'no place in \{\{#if\}\}' "$WORK/stderr"; fi
printf '{{count of=events | count | plural "a" "b" | pct}}\n' >"$WORK/bad4.md"
if bh report --template "$WORK/bad4.md" >/dev/null; then fail plural-last "accepted"; else expect_grep plural-last 'nothing may follow \| plural' "$WORK/stderr"; fi
# French singular for 0 and 1, plural from 2: form alone, and a zero form.
printf '{{count of=events event_date=2021-01-02 | count | form "a" "b"}}{{count of=events event_date=2021-04-02 | count | form "a" "b"}}{{count of=events | count | form "a" "b"}}\n' >"$WORK/forms.md"
expect_eq form-fr-0-1-many "$(bh report --template "$WORK/forms.md" --lang fr)" "aab"
expect_eq form-en-0-1-many "$(bh report --template "$WORK/forms.md")" "bab"

# ---------------------------------------------------------------- a generated dataset
# 12 towns with 2 places inside each; 3,600 events over 2020-01..2021-06
# (weapons, targets, casualties, POC); 80 units holding 1,600 armoured
# vehicles with 1 to 3 status rows; caveats, restrictions, deployments,
# convoy notifications and sightings. Deterministic (awk's srand(SEED)).
gen=$WORK/gen
mkdir -p "$gen"
awk -v SEED=20210601 -v dir="$gen" 'BEGIN {
  srand(SEED)
  secs[0] = "north"; secs[1] = "centre"; secs[2] = "east"; secs[3] = "west"
  print "place_id,name,kind,admin1,latitude,longitude,sector,parent_place" > dir "/places.csv"
  for (t = 0; t < 12; t++) {
    lat[t] = 12 + t * 0.7; lon[t] = -8 + t * 0.9
    printf "town-%d,Town %d,town,Region %d,%.4f,%.4f,%s,\n", t, t, t % 4, lat[t], lon[t], secs[t % 4] > dir "/places.csv"
    for (q = 0; q < 2; q++)
      printf "town-%d-q%d,Quarter %d of town %d,neighbourhood,Region %d,%.4f,%.4f,%s,town-%d\n", t, q, q, t, t % 4, lat[t] + 0.01 * (q + 1), lon[t], secs[t % 4], t > dir "/places.csv"
  }
  split("ied vbied indirect_fire small_arms drone mine suicide other", weap, " ")
  split("mission civilians national_forces armed_groups", targ, " ")
  print "event_id_cnty,event_date,event_type,sub_event_type,place_id,weapon,ied_outcome,target,civilians_killed,civilians_injured,peacekeepers_killed,peacekeepers_injured,fatalities,poc" > dir "/events.csv"
  for (i = 0; i < 3600; i++) {
    d = int(rand() * 547); y = d < 366 ? 2020 : 2021; dd = d < 366 ? d : d - 366
    split("31 29 31 30 31 30 31 31 30 31 30 31", ml, " "); if (y == 2021) ml[2] = 28
    m = 1; while (dd >= ml[m]) { dd -= ml[m]; m++ }
    date = sprintf("%d-%02d-%02d", y, m, dd + 1)
    t = int(rand() * 12); q = int(rand() * 3)
    place = q == 2 ? "town-" t : "town-" t "-q" q
    w = weap[1 + int(rand() * 8)]
    if (w == "ied" || w == "vbied" || w == "mine" || w == "suicide") { type = "Explosions/Remote violence"; subt = "Remote explosive/landmine/IED" }
    else if (w == "indirect_fire") { type = "Explosions/Remote violence"; subt = "Shelling/artillery/missile attack" }
    else if (w == "drone") { type = "Strategic developments"; subt = "Other" }
    else if (rand() < 0.5) { type = "Violence against civilians"; subt = "Attack" }
    else { type = "Battles"; subt = "Armed clash" }
    tg = targ[1 + int(rand() * 4)]; if (type == "Violence against civilians") tg = "civilians"
    out = (w == "ied" && tg == "mission") ? (rand() < 0.5 ? "neutralized" : "detonated") : ""
    ck = int(rand() * 4); ci = int(rand() * 6); pk = tg == "mission" ? int(rand() * 2) : 0; pi = tg == "mission" ? int(rand() * 3) : 0
    poc = type == "Violence against civilians" ? "yes" : "no"
    printf "gen-%05d,%s,%s,%s,%s,%s,%s,%s,%d,%d,%d,%d,%d,%s\n", i, date, type, subt, place, w, out, tg, ck, ci, pk, pi, ck + pk, poc > dir "/events.csv"
  }
  split("infantry_battalion combat_convoy_company formed_police_unit mobile_task_force", ut, " ")
  print "unit_id,name,component,unit_type,contributor,sector,location,authorized_strength,deployed_strength,status" > dir "/units.csv"
  for (u = 0; u < 80; u++)
    printf "unit-%02d,Unit %d,%s,%s,SEN,%s,town-%d,850,%d,%s\n", u, u, ut[1 + u % 4] == "formed_police_unit" ? "police" : "military", ut[1 + u % 4], secs[u % 4], u % 12, 500 + u * 3, u == 79 ? "advance_team" : "deployed" > dir "/units.csv"
  split("explosive_incident hostile_fire accident mechanical not_fit_for_purpose missing_parts", cause, " ")
  print "equipment_id,unit_id,category" > dir "/equipment.csv"
  print "equipment_id,date,status,cause" > dir "/equipment_status.csv"
  for (e = 0; e < 1600; e++) {
    printf "eq-%04d,unit-%02d,%s\n", e, e % 80, rand() < 0.6 ? "apc" : "mpv" > dir "/equipment.csv"
    printf "eq-%04d,2018-01-%02d,serviceable,\n", e, 1 + e % 28 > dir "/equipment_status.csv"
    if (rand() < 0.45) printf "eq-%04d,%d-03-%02d,unserviceable,%s\n", e, 2018 + int(rand() * 4), 1 + e % 28, cause[1 + int(rand() * 6)] > dir "/equipment_status.csv"
  }
  print "caveat_id,contributor,kind,description,declared_on,reported_on" > dir "/caveats.csv"
  split("geographic casevac task rotation rules_of_engagement other", ck2, " ")
  for (c = 0; c < 30; c++) printf "cav-%02d,SEN,%s,Caveat %d,%s,2020-0%d-01\n", c, ck2[1 + c % 6], c, c % 3 == 0 ? "2020-02-01" : "", 1 + c % 9 > dir "/caveats.csv"
  print "restriction_id,kind,place,start,end,actor,response" > dir "/restrictions.csv"
  for (r = 0; r < 20; r++) printf "fom-%02d,%s,town-%d,2021-0%d-0%d,%s,local population,dialogue\n", r, r % 2 ? "checkpoint" : "road_blockage", r % 12, 1 + r % 5, 1 + r % 9, r % 3 ? "2021-06-20" : "" > dir "/restrictions.csv"
  print "activity_id,kind,start,end,origin,destination,units" > dir "/activities.csv"
  for (a = 0; a < 4; a++) printf "dep-%d,deployment,2021-0%d-15,2021-0%d-15,town-%d,town-%d,unit-%02d\n", a, a + 2, a + 2, a, a + 4, a > dir "/activities.csv"
  print "notification_id,date,movement,vehicles,heavy_weapons" > dir "/convoy_notifications.csv"
  print "sighting_id,date,movement,vehicles,heavy_weapons,place,notification_id" > dir "/convoy_sightings.csv"
  for (n = 0; n < 40; n++) {
    printf "cn-%02d,2021-0%d-0%d,CMA,%d,no\n", n, 1 + n % 5, 1 + n % 8, 6 + n % 5 > dir "/convoy_notifications.csv"
    printf "cs-%02d,2021-0%d-0%d,CMA,%d,%s,town-%d,%s\n", n, 1 + n % 5, 2 + n % 8, 3 + n % 9, n % 4 ? "no" : "yes", n % 12, n % 3 ? "cn-" sprintf("%02d", n) : "" > dir "/convoy_sightings.csv"
  }
}'
fresh_db && bh import "$gen" >/dev/null || { fail gen-import "$(cat "$WORK/stderr")"; exit 0; }
expect_eq gen-events "$(bh count events)" 3600
both_languages gen 2021-01-01 2021-05-31
# Figures above 999 grouped by a narrow no-break space in French.
expect_grep gen-fr-thousands "[0-9]${NNBSP}[0-9]{3} incidents ont été enregistrés" "$WORK/gen-default-fr.md"
expect_grep gen-en-plain-digits '[0-9]{4} incidents were recorded' "$WORK/gen-default-en.md"
