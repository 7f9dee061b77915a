#!/usr/bin/env bash
# Check a bluehelm dataset folder against the native layout of FORMATS.md
# sections 1-2, without bluehelm: file names are record kinds, header columns
# belong to the kind, required columns are filled, vocabulary values, dates,
# numbers and yes/no are valid, ids are unique, and every reference resolves
# within the dataset or to the bundled gazetteer (ids gn-<geonameid>, or a
# place name / alt name, matched ignoring case and accents).
#
# usage: data/demo/check.sh [DATASET_DIR [GAZETTEER_TSV]]
#   defaults: the folder of this script, data/gazetteer/mali_places.tsv
# Errors are printed as FILE:LINE: COLUMN: reason; exit status 1 if any.
# Warnings (W: ...) do not fail the check.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
dir=${1:-$here}
gaz=${2:-$here/../gazetteer/mali_places.tsv}
[ -d "$dir" ] || { echo "check.sh: no such folder: $dir" >&2; exit 2; }
[ -r "$gaz" ] || { echo "check.sh: cannot read gazetteer $gaz" >&2; exit 2; }

schema=$(mktemp)
trap 'rm -f "$schema"' EXIT

UT='infantry_battalion|combat_convoy_battalion|combat_convoy_company|special_forces|quick_reaction_force|mobile_task_force|formed_police_unit|helicopter_medium_utility|helicopter_armed|engineering|medical|forward_surgical_team|isr_fixed_wing|uas|signals|transport|explosive_ordnance_disposal|other'

# kind  column  required(*|-)  type[:argument]
# types: id key text list date datetime count int num lat lon bool alpha3
#        vocab:a|b ref:KIND reflist:KIND place placelist sector (a sector that
#        a place or sector area of the dataset uses)
cat > "$schema" <<EOF
places place_id * id
places name * text
places alt_names - list
places kind - vocab:town|village|neighbourhood|camp|airfield|road|area
places admin1 - text
places admin2 - text
places latitude * lat
places longitude * lon
places sector - text
places parent_place - place
sector_areas admin1 * id
sector_areas sector * text
units unit_id * id
units name * text
units component * vocab:military|police
units unit_type * vocab:$UT
units contributor - alpha3
units parent_unit - ref:units
units sector - text
units location - place
units authorized_strength - count
units deployed_strength - count
units status - vocab:pledged|advance_team|deploying|deployed|rotating|repatriated
units status_since - date
units note - text
unit_changes unit_id * ref:units
unit_changes date * date
unit_changes location - place
unit_changes sector - sector
unit_changes status - vocab:pledged|advance_team|deploying|deployed|rotating|repatriated
unit_changes deployed_strength - count
unit_changes note - text
equipment equipment_id * id
equipment unit_id * ref:units
equipment category * vocab:apc|mpv|truck|helicopter|uav|other
equipment model - text
equipment registration - text
equipment note - text
equipment_status equipment_id * ref:equipment
equipment_status date * date
equipment_status status * vocab:serviceable|unserviceable|written_off
equipment_status cause - vocab:explosive_incident|hostile_fire|accident|mechanical|not_fit_for_purpose|missing_parts|other
equipment_status event_id - ref:events
equipment_status note - text
evaluations evaluation_id * id
evaluations unit_id * ref:units
evaluations date * date
evaluations kind * vocab:unit_evaluation|police_paer|coe_inspection
evaluations strength - count
evaluations result * vocab:satisfactory|partially_satisfactory|unsatisfactory
evaluations mitigation - text
evaluations note - text
findings finding_id * id
findings evaluation_id * ref:evaluations
findings sub_unit - text
findings area * vocab:intelligence|logistics|execution_of_duties|protection_of_civilians|training|equipment|command_and_control|medical|conduct_and_discipline|other
findings rating * vocab:satisfactory|needs_improvement|unsatisfactory
findings note - text
caveats caveat_id * id
caveats unit_id - ref:units
caveats contributor - alpha3
caveats kind * vocab:geographic|casevac|task|rotation|rules_of_engagement|other
caveats description * text
caveats declared_on - date
caveats reported_on - date
caveats lifted_on - date
caveats impact - text
rotations rotation_id * id
rotations unit_id * ref:units
rotations planned_start * date
rotations planned_end * date
rotations actual_start - date
rotations actual_end - date
rotations note - text
windows window_id * id
windows name * text
windows start * date
windows end * date
windows tempo * vocab:high|normal
windows sector - text
operations operation_id * id
operations name * text
operations kind - vocab:area_security|mobile_task_force|show_of_strength|monitoring_verification|protection_of_civilians|deterrence|redeployment_support|relocation|other
operations sector - text
operations admin1 - text
operations start * date
operations end - date
operations lead_component - vocab:military|police|civilian|integrated
operations objective - text
operations places - placelist
operations units - reflist:units
operations note - text
activities activity_id * id
activities operation_id - ref:operations
activities kind * vocab:patrol|long_range_patrol|integrated_mission|cimic|community_engagement|human_rights_investigation|escort|deployment|relocation|other
activities start * date
activities end - date
activities origin - place
activities destination - place
activities places - placelist
activities units - reflist:units
activities note - text
events event_id_cnty * id
events event_date * date
events year - int
events time_precision - int
events disorder_type - text
events event_type * vocab:Battles|Explosions/Remote violence|Violence against civilians|Protests|Riots|Strategic developments
events sub_event_type * text
events actor1 - text
events assoc_actor_1 - text
events inter1 - int
events actor2 - text
events assoc_actor_2 - text
events inter2 - int
events interaction - int
events civilian_targeting - text
events iso - int
events region - text
events country - text
events admin1 - text
events admin2 - text
events admin3 - text
events location - text
events latitude - lat
events longitude - lon
events geo_precision - int
events source - text
events source_scale - text
events notes - text
events fatalities - count
events tags - text
events timestamp - int
events place_id - place
events site - text
events weapon - vocab:ied|vbied|indirect_fire|small_arms|drone|mine|suicide|other
events ied_outcome - vocab:detonated|neutralized
events target - vocab:mission|civilians|national_forces|international_forces|armed_groups|other
events civilians_killed - count
events civilians_injured - count
events peacekeepers_killed - count
events peacekeepers_injured - count
events forces_killed - count
events forces_injured - count
events attackers - count
events poc - bool
events operation_id - ref:operations
events classification - vocab:unclassified|restricted|confidential
casevac casevac_id * id
casevac event_id - ref:events
casevac place - place
casevac unit_id - ref:units
casevac casualties * count
casevac priority - vocab:urgent|priority|routine
casevac injured_at * datetime
casevac requested_at - datetime
casevac airborne_at - datetime
casevac resuscitation_at - datetime
casevac surgery_at - datetime
casevac asset - vocab:helicopter|fixed_wing|ground
casevac provider - ref:units
casevac note - text
restrictions restriction_id * id
restrictions kind * vocab:road_blockage|checkpoint|access_denial|protest
restrictions place * place
restrictions start * date
restrictions end - date
restrictions actor - text
restrictions response - vocab:dialogue|negotiation|force|none
restrictions note - text
convoy_notifications notification_id * id
convoy_notifications date * date
convoy_notifications movement * text
convoy_notifications vehicles * count
convoy_notifications heavy_weapons - bool
convoy_notifications origin - place
convoy_notifications destination - place
convoy_notifications note - text
convoy_sightings sighting_id * id
convoy_sightings date * date
convoy_sightings movement - text
convoy_sightings vehicles * count
convoy_sightings heavy_weapons - bool
convoy_sightings place - place
convoy_sightings notification_id - ref:convoy_notifications
convoy_sightings source - text
capabilities capability_id * id
capabilities capability * vocab:$UT
capabilities sector - text
capabilities quantity - count
capabilities status * vocab:gap|pledged|deploying|deployed
capabilities source - vocab:military|commercial|either
capabilities needed_by - date
capabilities note - text
infrastructure project_id * id
infrastructure name * text
infrastructure place - place
infrastructure area_ha - num
infrastructure purpose - text
infrastructure planned_start - date
infrastructure planned_end - date
infrastructure progress_pct - num
infrastructure status - vocab:planned|under_construction|completed|delayed
infrastructure note - text
benchmarks benchmark_id * id
benchmarks phase * text
benchmarks title * text
benchmarks condition - text
benchmarks status * vocab:not_started|in_progress|achieved|off_track
benchmarks due - date
benchmarks evidence - text
programmes programme_id * id
programmes name * text
programmes partners - list
programmes places - placelist
programmes start - date
programmes end - date
programmes domain - text
programmes status - text
programmes note - text
meetings meeting_id * id
meetings forum * text
meetings date * date
meetings participants - list
meetings topics - text
meetings decisions - text
EOF

shopt -s nullglob
files=("$dir"/*.csv)
[ ${#files[@]} -gt 0 ] || { echo "check.sh: no .csv files in $dir" >&2; exit 2; }
empty=0
for f in "${files[@]}"; do
    if [ ! -s "$f" ]; then echo "$(basename "$f"):1: -: empty file (0 bytes)"; empty=1; fi
done
[ "$empty" = 0 ] || exit 1

LC_ALL=C awk -v NFILES="${#files[@]}" '
BEGIN {
    # ACLED event taxonomy: event_type -> allowed sub_event_type values
    sub_ok["Battles"] = "|Armed clash|Government regains territory|Non-state actor overtakes territory|"
    sub_ok["Explosions/Remote violence"] = "|Chemical weapon|Air/drone strike|Suicide bomb|Shelling/artillery/missile attack|Remote explosive/landmine/IED|Grenade|"
    sub_ok["Violence against civilians"] = "|Sexual violence|Attack|Abduction/forced disappearance|"
    sub_ok["Protests"] = "|Peaceful protest|Protest with intervention|Excessive force against protesters|"
    sub_ok["Riots"] = "|Violent demonstration|Mob violence|"
    sub_ok["Strategic developments"] = "|Agreement|Arrests|Change to group/activity|Disrupted weapons use|Headquarters or base established|Looting/property destruction|Non-violent transfer of territory|Other|"
    # accent folding for name matching (UTF-8 byte sequences)
    nacc = split("à a á a â a ã a ä a å a ç c è e é e ê e ë e ì i í i î i ï i ñ n ò o ó o ô o õ o ö o ù u ú u û u ü u ý y ÿ y À a Á a Â a Ä a Ç c È e É e Ê e Ë e Î i Ï i Ô o Ö o Ù u Û u Ü u ɛ e ɔ o ’ \047 – -", acc, " ")
    errors = 0; warnings = 0
}
function fold(s,    i) {
    if (s ~ /[\200-\377]/)
        for (i = 1; i < nacc; i += 2) gsub(acc[i], acc[i + 1], s)
    s = tolower(s)
    gsub(/^ +| +$/, "", s)
    return s
}
function err(file, line, col, msg) { printf("%s:%d: %s: %s\n", file, line, col, msg); errors++ }
function warn(file, line, col, msg) { printf("W: %s:%d: %s: %s\n", file, line, col, msg); warnings++ }
function valid_date(d,    y, m, dd, md) {
    if (d !~ /^[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]$/) return 0
    y = substr(d, 1, 4) + 0; m = substr(d, 6, 2) + 0; dd = substr(d, 9, 2) + 0
    if (m < 1 || m > 12 || dd < 1) return 0
    md = substr("312831303130313130313031", 2 * m - 1, 2) + 0
    if (m == 2 && (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))) md = 29
    return dd <= md
}
# RFC 4180 record -> f[1..n]; returns n, or -1 unterminated quote,
# -2 text after a closing quote, -3 quote inside an unquoted field
function parse_csv(s, f,    n, p, fld) {
    n = 0
    while (1) {
        if (substr(s, 1, 1) == "\"") {
            s = substr(s, 2); fld = ""
            while (1) {
                p = index(s, "\"")
                if (p == 0) return -1
                fld = fld substr(s, 1, p - 1)
                if (substr(s, p + 1, 1) == "\"") { fld = fld "\""; s = substr(s, p + 2); continue }
                s = substr(s, p + 1); break
            }
            if (s != "" && substr(s, 1, 1) != ",") return -2
        } else {
            p = index(s, ",")
            if (p == 0) { fld = s; s = "" } else { fld = substr(s, 1, p - 1); s = substr(s, p) }
            if (index(fld, "\"")) return -3
        }
        f[++n] = fld
        if (s == "") return n
        s = substr(s, 2)                  # the comma
        if (s == "") { f[++n] = ""; return n }
    }
}
function store(kind, file, line, rec,    n, f, j, msg) {
    n = parse_csv(rec, f)
    if (n < 0) {
        msg = (n == -1) ? "unterminated quoted field" : (n == -2) ? "text after a closing quote" : "quote inside an unquoted field"
        err(file, line, "-", msg); return
    }
    if (!((kind, "#header") in seenhdr)) {
        seenhdr[kind, "#header"] = 1
        if (n >= 1) sub(/^\357\273\277/, "", f[1])      # UTF-8 BOM
        nh[kind] = n
        for (j = 1; j <= n; j++) {
            hc[kind, j] = f[j]
            if (!((kind, f[j]) in ctype)) err(file, line, f[j], "not a column of " kind)
            if ((kind, "#has", f[j]) in hdrcol) err(file, line, f[j], "column repeated")
            hdrcol[kind, "#has", f[j]] = j
        }
        for (j = 1; j <= ncol[kind]; j++)
            if (creq[kind, col[kind, j]] && !((kind, "#has", col[kind, j]) in hdrcol))
                err(file, line, col[kind, j], "required column missing")
        return
    }
    if (n != nh[kind]) { err(file, line, "-", "wrong number of fields (" n ", header has " nh[kind] ")"); return }
    r = ++nrec[kind]
    rline[kind, r] = line
    for (j = 1; j <= n; j++) val[kind, r, hc[kind, j]] = f[j]
}
# --- input: schema, gazetteer, then the dataset files
FNR == 1 { part = (part < 3) ? part + 1 : 3 }
part == 1 {
    k = $1; c = $2
    if (!(k in ncol)) { kinds[++nkinds] = k; ncol[k] = 0 }
    col[k, ++ncol[k]] = c
    creq[k, c] = ($3 == "*")
    t = $0; sub(/^[^ ]+ +[^ ]+ +[^ ]+ +/, "", t)      # the type may hold spaces
    ctype[k, c] = t
    if (!(k in keycol)) keycol[k] = c
    next
}
part == 2 {
    if (FNR == 1) next
    split($0, g, "\t")
    gaz["gn-" g[1]] = 1
    gname[fold(g[2])] = 1
    na = split(g[9], al, ";")
    for (i = 1; i <= na; i++) gname[fold(al[i])] = 1
    ngaz++
    next
}
FNR == 1 {
    if (buf != "") err(curfile, bufline, "-", "unterminated quoted field at end of file")
    buf = ""
    curfile = FILENAME; sub(/^.*\//, "", curfile)
    curkind = curfile; sub(/\.csv$/, "", curkind)
    if (!(curkind in ncol)) { err(curfile, 1, "-", "file name is not a record kind"); skip = 1 } else skip = 0
    if (curkind in files_seen) err(curfile, 1, "-", "kind given twice")
    files_seen[curkind] = curfile
}
skip { next }
{
    line = $0
    sub(/\r$/, "", line)
    if (buf == "") { bufline = FNR; buf = line } else buf = buf "\n" line
    t = buf
    if (gsub(/"/, "", t) % 2) next            # odd number of quotes: record continues
    if (buf == "") { err(curfile, FNR, "-", "empty line"); next }
    store(curkind, curfile, bufline, buf)
    buf = ""
}
# --- checks
function is_place(v,    k) {
    if (v in dsplace) return "id"
    if (v in gaz) return "gazetteer"
    k = fold(v)
    if (k in dsname) return "name"
    if (k in gname) return "name"
    return ""
}
function check_value(kind, file, line, c, v, t,    arg, n, it, i, how, key) {
    arg = t; sub(/^[^:]*:?/, "", arg); sub(/:.*$/, "", t)
    if (t == "text" || t == "id") return
    if (t == "list") {
        n = split(v, it, ";")
        for (i = 1; i <= n; i++) if (it[i] ~ /^ *$/) err(file, line, c, "empty list item")
        return
    }
    if (t == "date") { if (!valid_date(v)) err(file, line, c, "not a valid YYYY-MM-DD date: " v); return }
    if (t == "datetime") {
        if (v !~ /^[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-2][0-9]:[0-5][0-9]$/ || !valid_date(substr(v, 1, 10)) ||
            substr(v, 12, 2) + 0 > 23)
            err(file, line, c, "not a valid YYYY-MM-DDTHH:MM date and time: " v)
        return
    }
    if (t == "sector") { if (!(v in sectors)) err(file, line, c, "no place or sector area uses the sector " v); return }
    if (t == "count") { if (v !~ /^[0-9]+$/) err(file, line, c, "not a non-negative integer: " v); return }
    if (t == "int") { if (v !~ /^-?[0-9]+$/) err(file, line, c, "not an integer: " v); return }
    if (t == "num" || t == "lat" || t == "lon") {
        if (v !~ /^-?[0-9]+(\.[0-9]+)?$/) { err(file, line, c, "not a number: " v); return }
        if (t == "lat" && (v + 0 < -90 || v + 0 > 90)) err(file, line, c, "latitude out of range: " v)
        if (t == "lon" && (v + 0 < -180 || v + 0 > 180)) err(file, line, c, "longitude out of range: " v)
        return
    }
    if (t == "bool") { if (v != "yes" && v != "no") err(file, line, c, "not yes/no: " v); return }
    if (t == "alpha3") { if (v !~ /^[A-Z][A-Z][A-Z]$/) err(file, line, c, "not three capital letters: " v); return }
    if (t == "vocab") { if (index("|" arg "|", "|" v "|") == 0 || v ~ /\|/) err(file, line, c, "not in vocabulary: " v); return }
    if (t == "ref" || t == "reflist") {
        n = (t == "ref") ? 1 : split(v, it, ";")
        if (t == "ref") it[1] = v
        for (i = 1; i <= n; i++)
            if (!((arg, it[i]) in ids)) err(file, line, c, "unknown " arg " id: " it[i])
        return
    }
    if (t == "place" || t == "placelist") {
        n = (t == "place") ? 1 : split(v, it, ";")
        if (t == "place") it[1] = v
        for (i = 1; i <= n; i++) {
            how = is_place(it[i])
            if (how == "") err(file, line, c, "place does not resolve: " it[i])
            else if (how == "name") { warn(file, line, c, "place given by name, not id: " it[i]); nbyname++ }
            else nplaceref++
        }
        return
    }
    err(file, line, c, "checker: unknown type " t)
}
END {
    if (buf != "") err(curfile, bufline, "-", "unterminated quoted field at end of file")
    if (ngaz < 1000) err("gazetteer", 1, "-", "gazetteer looks empty (" ngaz " rows)")
    # ids (first pass) and place names of the dataset
    for (ki = 1; ki <= nkinds; ki++) {
        k = kinds[ki]
        if (!(k in files_seen)) continue
        f = files_seen[k]
        for (r = 1; r <= nrec[k]; r++) {
            if (k == "equipment_status") key = val[k, r, "equipment_id"] SUBSEP val[k, r, "date"]
            else if (k == "unit_changes") key = val[k, r, "unit_id"] SUBSEP val[k, r, "date"]
            else key = val[k, r, keycol[k]]
            if (key == "" || key == SUBSEP) continue
            if ((k, key) in ids) err(f, rline[k, r], keycol[k], "duplicate id " key " (first on line " ids[k, key] ")")
            else ids[k, key] = rline[k, r]
            if (k == "places") {
                dsplace[key] = 1
                if (key in gaz) err(f, rline[k, r], "place_id", "id " key " is a gazetteer id")
                if (key ~ /^gn-/) warn(f, rline[k, r], "place_id", "own place id in the gazetteer id space: " key)
                dsname[fold(val[k, r, "name"])] = 1
                n = split(val[k, r, "alt_names"], it, ";")
                for (i = 1; i <= n; i++) dsname[fold(it[i])] = 1
            }
            if (k == "sector_areas") { sectors[val[k, r, "sector"]] = 1; areas[fold(key)] = 1 }
            if (k == "places" && val[k, r, "sector"] != "") sectors[val[k, r, "sector"]] = 1
        }
    }
    # field checks
    for (ki = 1; ki <= nkinds; ki++) {
        k = kinds[ki]
        if (!(k in files_seen)) continue
        f = files_seen[k]
        nfile++
        for (r = 1; r <= nrec[k]; r++) {
            L = rline[k, r]
            for (j = 1; j <= nh[k]; j++) {
                c = hc[k, j]
                if (!((k, c) in ctype)) continue
                v = val[k, r, c]
                if (v == "") { if (creq[k, c]) err(f, L, c, "required value missing"); continue }
                if (v ~ /^ | $/) warn(f, L, c, "leading or trailing space")
                check_value(k, f, L, c, v, ctype[k, c])
            }
            # kind-specific rules
            if (k == "places" && val[k, r, "parent_place"] == val[k, r, "place_id"] && val[k, r, "place_id"] != "")
                err(f, L, "parent_place", "a place cannot be its own parent")
            if (k == "events") {
                et = val[k, r, "event_type"]; st = val[k, r, "sub_event_type"]
                if ((et in sub_ok) && st != "" && index(sub_ok[et], "|" st "|") == 0)
                    err(f, L, "sub_event_type", "not an ACLED sub-event type of " et ": " st)
                la = val[k, r, "latitude"]; lo = val[k, r, "longitude"]
                if ((la == "") != (lo == "")) err(f, L, "latitude", "latitude and longitude go together")
                if (la == "" && val[k, r, "place_id"] == "") {
                    if (val[k, r, "location"] == "" || !(fold(val[k, r, "location"]) in gname))
                        err(f, L, "location", "no coordinates, no place_id and location not in the gazetteer")
                }
                if (la != "" && (la + 0 < 10 || la + 0 > 25.1 || lo + 0 < -12.3 || lo + 0 > 4.3))
                    warn(f, L, "latitude", "point outside Mali: " la "," lo)
                if (val[k, r, "year"] != "" && val[k, r, "year"] != substr(val[k, r, "event_date"], 1, 4))
                    err(f, L, "year", "year differs from event_date")
                if (val[k, r, "ied_outcome"] != "" && val[k, r, "weapon"] !~ /^(ied|vbied)$/)
                    warn(f, L, "ied_outcome", "ied_outcome on an event whose weapon is not ied/vbied")
                if (val[k, r, "admin1"] != "" && !(fold(val[k, r, "admin1"]) in areas) && ("sector_areas" in files_seen))
                    warn(f, L, "admin1", "admin1 not in sector_areas: " val[k, r, "admin1"])
            }
            if (k == "operations" || k == "activities" || k == "restrictions" || k == "windows" || k == "programmes")
                if (val[k, r, "end"] != "" && val[k, r, "start"] != "" && val[k, r, "end"] < val[k, r, "start"])
                    err(f, L, "end", "ends before it starts")
            if (k == "rotations" && val[k, r, "planned_end"] < val[k, r, "planned_start"])
                err(f, L, "planned_end", "ends before it starts")
            if (k == "casevac") {
                # times never run backwards along the evacuation
                prev = ""; prevc = ""
                nt = split("injured_at requested_at airborne_at resuscitation_at surgery_at", tc, " ")
                for (i = 1; i <= nt; i++) {
                    v = val[k, r, tc[i]]
                    if (v == "") continue
                    if (prev != "" && v < prev) { err(f, L, tc[i], "times run backwards: " tc[i] " " v " is before " prevc " " prev); continue }
                    prev = v; prevc = tc[i]
                }
                if (val[k, r, "place"] == "" && val[k, r, "unit_id"] == "")
                    err(f, L, "place", "give the place of the casualties, their unit, or both")
            }
            if (k == "units" && val[k, r, "parent_unit"] != "" && val[k, r, "parent_unit"] == val[k, r, "unit_id"])
                err(f, L, "parent_unit", "a unit cannot be its own parent")
            if ((k == "places" || k == "units" || k == "operations" || k == "capabilities" || k == "windows") &&
                val[k, r, "sector"] != "" && ("sector_areas" in files_seen) && !(val[k, r, "sector"] in sectors))
                warn(f, L, "sector", "sector not used in sector_areas: " val[k, r, "sector"])
            nrows++
        }
        printf("%-24s %5d rows\n", f, nrec[k])
    }
    printf("%d files, %d rows, %d place references (%d by name), gazetteer %d places: %d errors, %d warnings\n",
        nfile, nrows, nplaceref + nbyname, nbyname, ngaz, errors, warnings)
    exit errors > 0
}
' "$schema" "$gaz" "${files[@]}"
