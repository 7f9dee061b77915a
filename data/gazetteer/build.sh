#!/usr/bin/env bash
# Regenerate data/gazetteer/mali_places.tsv, the bundled Mali gazetteer, from
# the GeoNames extracts (and the geoBoundaries cercle polygons) in
# ../shared/data.  See README.md next to this script for the rules.
#
# usage: data/gazetteer/build.sh [SHARED_DATA_DIR [OUTPUT_TSV]]
#   SHARED_DATA_DIR  default: <repo>/../shared/data
#   OUTPUT_TSV       default: data/gazetteer/mali_places.tsv
#
# Needs only bash and a POSIX awk (tested with mawk 1.3.4).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
src=${1:-$repo/../shared/data}
out=${2:-$here/mali_places.tsv}

places=$src/gazetteer/geonames_ML_places.tsv
units=$src/gazetteer/geonames_ML_admin_units.tsv
codes=$src/gazetteer/geonames_ML_admin1_codes.json
adm2=$src/boundaries/geoboundaries_mli_adm2_simplified.geojson

for f in "$places" "$units" "$codes" "$adm2"; do
    [ -r "$f" ] || { echo "build.sh: cannot read $f" >&2; exit 1; }
done

tmp=$(mktemp "$out.XXXXXX")
trap 'rm -f "$tmp"' EXIT

# Byte semantics everywhere: names are UTF-8 and are copied, never re-encoded.
LC_ALL=C awk -F'\t' -v OFS='\t' -v TOL=0.1 '
# --- helpers -----------------------------------------------------------
# Display name of a cercle: "Cercle de Ménaka" -> "Ménaka", "Gao Cercle" -> "Gao".
function strip_cercle(s) {
    sub("^Cercle de ", "", s)
    sub("^Cercle d(\047|\342\200\231) ?", "", s)
    sub(" Cercle$", "", s)
    return s
}
# Matching key of an ASCII cercle name: lower case, letters only, no "cercle".
function fold(s) {
    s = tolower(s)
    gsub(/[^a-z]/, "", s)
    if (s ~ /^cercle/) {
        s = substr(s, 7)
        if (s ~ /^de/) s = substr(s, 3)
        else if (s ~ /^d/) s = substr(s, 2)
    }
    sub(/cercle$/, "", s)
    return s
}
function jsonval(s) {           # value of a  "key": "value"  line
    sub(/^[^:]*:[ ]*"/, "", s)
    sub(/".*$/, "", s)
    return s
}
function compatible(a, b) {     # same region, or one carved out of the other in 2016
    if (a == b) return 1
    if ((a == "Gao" && b == "Ménaka") || (a == "Ménaka" && b == "Gao")) return 1
    if ((a == "Tombouctou" && b == "Taoudénit") || (a == "Taoudénit" && b == "Tombouctou")) return 1
    return 0
}
# Parse the geoBoundaries ADM2 FeatureCollection (Polygon / MultiPolygon).
function parse_geojson(    n, feats, i, f, nm, p, c, e, multi, rings, nring, r, ring, nums, m, k) {
    n = split(gj, feats, "\"type\":\"Feature\",\"properties\"")
    for (i = 2; i <= n; i++) {
        f = feats[i]
        if (!match(f, /"shapeName":"[^"]*"/)) continue
        nm = substr(f, RSTART + 13, RLENGTH - 14)
        multi = (f ~ /"type":"MultiPolygon"/)
        p = index(f, "\"coordinates\":")
        if (p == 0) continue
        c = substr(f, p + 14)
        e = multi ? index(c, "]]]]") : index(c, "]]]")
        c = substr(c, 1, e - 1)
        gsub(/\[/, "", c)
        NP++
        pname[NP] = nm
        k = fold(nm)
        if (k in a2byfold) pcode[NP] = a2byfold[k]
        else { pcode[NP] = ""; printf("build.sh: warning: cercle polygon %s has no GeoNames ADM2 row\n", nm) > "/dev/stderr" }
        minx[NP] = 1e9; maxx[NP] = -1e9; miny[NP] = 1e9; maxy[NP] = -1e9
        nring = split(c, rings, "]]")
        nv = 0; nr[NP] = 0
        for (r = 1; r <= nring; r++) {
            ring = rings[r]
            gsub(/]/, "", ring)
            sub(/^,+/, "", ring)
            if (ring == "") continue
            m = split(ring, nums, ",")
            if (m < 6) continue
            nr[NP]++
            rs[NP, nr[NP]] = nv + 1
            for (k = 1; k + 1 <= m; k += 2) {
                nv++
                vx[NP, nv] = nums[k] + 0; vy[NP, nv] = nums[k + 1] + 0
                if (vx[NP, nv] < minx[NP]) minx[NP] = vx[NP, nv]
                if (vx[NP, nv] > maxx[NP]) maxx[NP] = vx[NP, nv]
                if (vy[NP, nv] < miny[NP]) miny[NP] = vy[NP, nv]
                if (vy[NP, nv] > maxy[NP]) maxy[NP] = vy[NP, nv]
            }
            re[NP, nr[NP]] = nv
        }
    }
}
function inside(P, x, y,    r, i, j, in_) {
    in_ = 0
    for (r = 1; r <= nr[P]; r++) {
        j = re[P, r]
        for (i = rs[P, r]; i <= re[P, r]; i++) {
            if (((vy[P, i] > y) != (vy[P, j] > y)) &&
                (x < (vx[P, j] - vx[P, i]) * (y - vy[P, i]) / (vy[P, j] - vy[P, i]) + vx[P, i]))
                in_ = !in_
            j = i
        }
    }
    return in_
}
# Squared distance (in degrees of latitude, longitude scaled by cos(lat))
# from (x,y) to the boundary of polygon P.
function dist2(P, x, y, cl,    r, i, j, ax, ay, bx, by, dx, dy, t, px, py, d, best) {
    best = 1e18
    for (r = 1; r <= nr[P]; r++) {
        j = re[P, r]
        for (i = rs[P, r]; i <= re[P, r]; i++) {
            ax = vx[P, j] * cl; ay = vy[P, j]; bx = vx[P, i] * cl; by = vy[P, i]
            dx = bx - ax; dy = by - ay
            t = (dx == 0 && dy == 0) ? 0 : ((x * cl - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)
            if (t < 0) t = 0; else if (t > 1) t = 1
            px = ax + t * dx - x * cl; py = ay + t * dy - y
            d = px * px + py * py
            if (d < best) best = d
            j = i
        }
    }
    return best
}
# Polygon index holding the point, else the nearest within TOL degrees, else 0.
function locate(x, y,    P, best, bestd, d, cl) {
    for (P = 1; P <= NP; P++)
        if (x >= minx[P] && x <= maxx[P] && y >= miny[P] && y <= maxy[P] && inside(P, x, y)) {
            located = "in"; return P
        }
    best = 0; bestd = TOL * TOL; cl = cos(y * 3.141592653589793 / 180)
    for (P = 1; P <= NP; P++) {
        if (x < minx[P] - TOL / cl || x > maxx[P] + TOL / cl || y < miny[P] - TOL || y > maxy[P] + TOL) continue
        d = dist2(P, x, y, cl)
        if (d <= bestd) { bestd = d; best = P }
    }
    located = best ? "near" : ""
    return best
}
BEGIN {
    LETTER = "[A-Za-z\200-\377]"
    # Hand corrections, kept to a minimum; each one is listed in README.md.
    # Tessit (commune of Ansongo cercle): its GeoNames point lies 6 km west of
    # the simplified Ansongo cercle polygon, which would put it in Gao cercle.
    OVR_A2["10343856"] = "Ansongo"
}
# --- input files, in order: admin1 codes JSON, admin units TSV, ADM2 GeoJSON, places TSV
FNR == 1 { part++; if (part == 4) parse_geojson() }

part == 1 {
    if ($0 ~ /"code"[ ]*:/) jcode = jsonval($0)
    else if ($0 ~ /"name"[ ]*:/ && jcode != "") { a1json[jcode] = jsonval($0); jcode = "" }
    next
}
part == 2 {
    if (FNR == 1) next
    if ($6 == "ADM1" && $8 != "") a1name[$7] = $8
    else if ($6 == "ADM2") {
        a2name[$7 SUBSEP $9] = strip_cercle($2)
        a2parent[$9] = $7
        a2byfold[fold($3)] = $9
    }
    next
}
part == 3 { gj = gj $0; next }

part == 4 && FNR == 1 {
    print "geonameid", "name", "latitude", "longitude", "kind", "admin1", "admin2", "population", "alt_names"
    next
}
part == 4 {
    id = $1; name = $2; ascii = $3; lat = $4; lon = $5; fc = $6
    a1c = $7; a1 = $8; a2c = $9; pop = $10; alts = $11
    rows++

    if (fc ~ /^(PPLC|PPLA|PPLA2|PPLA3|PPLA4)$/ || pop + 0 >= 5000) kind = "town"
    else if (fc == "PPLX") kind = "neighbourhood"
    else kind = "village"

    # admin1: the GeoNames name, else from the code, else from the cercle polygon
    if (a1 != "") n_a1_name++
    else if (a1c in a1name) { a1 = a1name[a1c]; n_a1_code++ }
    else if (a1c in a1json) { a1 = a1json[a1c]; n_a1_code++ }

    # admin2: the GeoNames ADM2 unit of (admin1_code, admin2_code), else the polygon
    a2 = ""
    if (a2c != "" && ((a1c SUBSEP a2c) in a2name)) { a2 = a2name[a1c SUBSEP a2c]; n_a2_code++ }

    if (a1 == "" || a2 == "") {
        P = locate(lon + 0, lat + 0)
        if (P && pcode[P] != "") {
            par = a2parent[pcode[P]]
            parname = (par in a1name) ? a1name[par] : a1json[par]
            if (a1 == "") { a1 = parname; n_a1_poly++ }
            if (a2 == "") {
                if (compatible(a1, parname)) {
                    a2 = a2name[par SUBSEP pcode[P]]
                    if (located == "in") n_a2_poly++; else n_a2_near++
                } else n_a2_conflict++
            }
        }
    }
    if (id in OVR_A2) { a2 = OVR_A2[id]; n_ovr++ }
    if (a1 == "") n_a1_none++
    if (a2 == "") n_a2_none++

    # alt_names: alternatenames + asciiname, deduplicated (ignoring ASCII case),
    # without the name itself, without entries holding ";" or a tab, without
    # entries that have no letter at all (codes, numbers) or look like URLs.
    split("", seen)
    seen[tolower(name)] = 1
    out = ""
    na = split(alts, al, ",")
    al[0] = ascii
    for (i = 0; i <= na; i++) {
        a = al[i]
        sub(/^[ ]+/, "", a); sub(/[ ]+$/, "", a)
        if (a == "" || index(a, ";") || index(a, "\t")) continue
        if (a !~ LETTER) continue
        if (a ~ /^(https?|ftp):\/\// || a ~ /^www\./) continue
        k = tolower(a)
        if (k in seen) continue
        seen[k] = 1
        out = (out == "") ? a : out ";" a
    }
    print id, name, lat, lon, kind, a1, a2, pop, out
    kinds[kind]++
}
END {
    printf("build.sh: %d places (town %d, village %d, neighbourhood %d); %d cercle polygons\n",
        rows, kinds["town"], kinds["village"], kinds["neighbourhood"], NP) > "/dev/stderr"
    printf("build.sh: admin1 from GeoNames name %d, from code %d, from cercle polygon %d, empty %d\n",
        n_a1_name, n_a1_code, n_a1_poly, n_a1_none) > "/dev/stderr"
    printf("build.sh: admin2 from GeoNames code %d, from polygon %d (+%d within %.2f deg), region conflict %d, empty %d\n",
        n_a2_code, n_a2_poly, n_a2_near, TOL, n_a2_conflict, n_a2_none) > "/dev/stderr"
    printf("build.sh: %d hand correction(s) applied\n", n_ovr) > "/dev/stderr"
}
' "$codes" "$units" "$adm2" "$places" > "$tmp"

# The places the demo and the letter rely on must be there.
missing=0
for id in 2457163 2461003 2455290 2449893 2461247 2449067 2453348 2451285 \
          2458334 2460489 2456917 2452830 2453514 10343856 2454210 2460596; do
    if ! awk -F'\t' -v id="$id" '$1 == id { ok = 1 } END { exit !ok }' "$tmp"; then
        echo "build.sh: geonameid $id missing" >&2; missing=1
    fi
done
[ "$missing" = 0 ] || exit 1

expected=$(( $(wc -l < "$places") ))
got=$(( $(wc -l < "$tmp") ))
[ "$got" = "$expected" ] || { echo "build.sh: $got lines written, $expected expected" >&2; exit 1; }

chmod 644 "$tmp"
mv "$tmp" "$out"
trap - EXIT
echo "build.sh: wrote $out" >&2
