# gen_acled.awk: a deterministic synthetic ACLED export for Mali.
#
#   awk -v rows=1000000 -v seed=20240601 -f bench/gen_acled.awk > events.csv
#
# Writes the 31 columns of ACLED's dyadic export (the header of
# acled_mali_1997-2020_dyadic.csv), one event per row, sorted by date from
# the newest (2022) to the oldest (1997) as ACLED's downloads are. Values
# follow the shape of the real Mali file: the event_type/sub_event_type pairs
# of ACLED's taxonomy weighted as they occur in Mali, actors by event type
# with their inter codes, admin1/admin2/admin3/location and coordinates from
# the 80 most frequent Mali locations (jittered by geo_precision), events per
# year growing from a few dozen (1997) to ~1,800 (2022). The notes hold
# commas, doubled quotes, newlines and UTF-8 accents; event_id_cnty is unique.
#
# The random numbers come from a Park-Miller generator (48271, 2^31-1) in
# exact double arithmetic, not rand(): the output is byte-identical under
# mawk, gawk and busybox awk for a given rows and seed.

function rnd() {
  state = (state * 48271) % 2147483647
  return state / 2147483647
}

function rint(n) { return int(rnd() * n) }

# Weighted choice in cum[1..n] (cumulative weights, total = cum[n]).
function pick(cum, n,    x, lo, hi, mid) {
  x = rnd() * cum[n]
  lo = 1; hi = n
  while (lo < hi) {
    mid = int((lo + hi) / 2)
    if (x < cum[mid]) hi = mid; else lo = mid + 1
  }
  return lo
}

function leap(y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

# Days since 1970-01-01 (H. Hinnant's days_from_civil).
function days_from_civil(y, m, d,    era, yoe, doy, doe) {
  if (m <= 2) y--
  era = int(y / 400)
  yoe = y - era * 400
  doy = int((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1
  doe = yoe * 365 + int(yoe / 4) - int(yoe / 100) + doy
  return era * 146097 + doe - 719468
}

function csvq(s) {
  if (s ~ /[",\n\r]/) { gsub(/"/, "\"\"", s); return "\"" s "\"" }
  return s
}

function add(arr, cum, n, item, w) {
  arr[n] = item
  cum[n] = (n > 1 ? cum[n - 1] : 0) + w
}

BEGIN {
  if (rows == "") rows = 1000000
  if (seed == "") seed = 20240601
  state = seed % 2147483646 + 1
  for (i = 0; i < 8; i++) rnd()

  split("January February March April May June July August September October November December", mname, " ")
  split("31 28 31 30 31 30 31 31 30 31 30 31", mdays, " ")

  # Events per year, 1997..2022 (the real file's counts to 2019, then ACLED's
  # yearly totals for Mali, rounded).
  split("14 3 10 4 5 2 3 3 2 10 12 21 10 18 29 278 311 152 178 167 473 751 820 1250 1400 1800", yw, " ")
  ny = 26
  ycum[0] = 0
  for (i = 1; i <= ny; i++) ycum[i] = ycum[i - 1] + yw[i]

  # event_type|sub_event_type, weighted as in the Mali file.
  np = 0
  add(pair, pcum, ++np, "Battles|Armed clash", 1303)
  add(pair, pcum, ++np, "Battles|Government regains territory", 28)
  add(pair, pcum, ++np, "Battles|Non-state actor overtakes territory", 54)
  add(pair, pcum, ++np, "Violence against civilians|Attack", 1049)
  add(pair, pcum, ++np, "Violence against civilians|Abduction/forced disappearance", 210)
  add(pair, pcum, ++np, "Violence against civilians|Sexual violence", 10)
  add(pair, pcum, ++np, "Explosions/Remote violence|Remote explosive/landmine/IED", 420)
  add(pair, pcum, ++np, "Explosions/Remote violence|Shelling/artillery/missile attack", 100)
  add(pair, pcum, ++np, "Explosions/Remote violence|Air/drone strike", 89)
  add(pair, pcum, ++np, "Explosions/Remote violence|Suicide bomb", 22)
  add(pair, pcum, ++np, "Explosions/Remote violence|Grenade", 5)
  add(pair, pcum, ++np, "Explosions/Remote violence|Chemical weapon", 1)
  add(pair, pcum, ++np, "Protests|Peaceful protest", 375)
  add(pair, pcum, ++np, "Protests|Protest with intervention", 26)
  add(pair, pcum, ++np, "Protests|Excessive force against protesters", 9)
  add(pair, pcum, ++np, "Riots|Violent demonstration", 139)
  add(pair, pcum, ++np, "Riots|Mob violence", 47)
  add(pair, pcum, ++np, "Strategic developments|Looting/property destruction", 189)
  add(pair, pcum, ++np, "Strategic developments|Non-violent transfer of territory", 47)
  add(pair, pcum, ++np, "Strategic developments|Other", 44)
  add(pair, pcum, ++np, "Strategic developments|Change to group/activity", 43)
  add(pair, pcum, ++np, "Strategic developments|Disrupted weapons use", 36)
  add(pair, pcum, ++np, "Strategic developments|Agreement", 34)
  add(pair, pcum, ++np, "Strategic developments|Arrests", 31)
  add(pair, pcum, ++np, "Strategic developments|Headquarters or base established", 8)

  # Non-state armed groups and their inter codes.
  na = 0
  add(armed, acum, ++na, "Unidentified Armed Group (Mali)|3", 815)
  add(armed, acum, ++na, "JNIM: Group for Support of Islam and Muslims|2", 768)
  add(armed, acum, ++na, "Fulani Ethnic Militia (Mali)|4", 229)
  add(armed, acum, ++na, "Islamic State (Greater Sahara)|2", 145)
  add(armed, acum, ++na, "MNLA: National Movement for the Liberation of Azawad|2", 119)
  add(armed, acum, ++na, "Dan Na Ambassagou|4", 90)
  add(armed, acum, ++na, "Dozo Communal Militia (Mali)|4", 70)
  add(armed, acum, ++na, "Ansar Dine|2", 60)
  add(armed, acum, ++na, "GATIA: Imghad Tuareg and Allies Self-Defense Group|2", 50)
  add(armed, acum, ++na, "Katiba Macina|2", 40)
  add(armed, acum, ++na, "CMA: Coordination of Azawad Movements|2", 35)
  add(armed, acum, ++na, "Unidentified Communal Militia (Mali)|4", 30)
  # State forces and missions ("@" is replaced by the period of the year).
  ns = 0
  add(stat, scum, ++ns, "Military Forces of Mali @|1", 600)
  add(stat, scum, ++ns, "Military Forces of France (2017-)|8", 250)
  add(stat, scum, ++ns, "MINUSMA: United Nations Multidimensional Integrated Stabilization Mission in Mali (2013-)|8", 215)
  add(stat, scum, ++ns, "Police Forces of Mali @|1", 94)
  add(stat, scum, ++ns, "Police Forces of Mali @ Gendarmerie|1", 94)
  add(stat, scum, ++ns, "Military Forces of Burkina Faso (2015-2022)|8", 20)
  add(stat, scum, ++ns, "Wagner Group|8", 40)
  # Associated actors of civilians.
  nc = 0
  add(civ, ccum, ++nc, "", 600)
  add(civ, ccum, ++nc, "Fulani Ethnic Group (Mali)", 150)
  add(civ, ccum, ++nc, "Dogon Ethnic Group (Mali); Farmers (Mali)", 80)
  add(civ, ccum, ++nc, "Bambara Ethnic Group (Mali)", 40)
  add(civ, ccum, ++nc, "Tuareg Ethnic Group (Mali)", 40)
  add(civ, ccum, ++nc, "Teachers (Mali)", 15)
  add(civ, ccum, ++nc, "Labour Group (Mali); Women (Mali)", 15)
  add(civ, ccum, ++nc, "Government of Mali @", 30)

  nsrc = 0
  add(src, srccum, ++nsrc, "Menastream|New media", 499)
  add(src, srccum, ++nsrc, "AFP|International", 385)
  add(src, srccum, ++nsrc, "Studio Tamani|National", 301)
  add(src, srccum, ++nsrc, "Undisclosed Source|Local partner-Other", 195)
  add(src, srccum, ++nsrc, "RFI|International", 131)
  add(src, srccum, ++nsrc, "Twitter|New media", 111)
  add(src, srccum, ++nsrc, "All Africa|Regional", 86)
  add(src, srccum, ++nsrc, "Koro Kibaru|Local partner-New media", 78)
  add(src, srccum, ++nsrc, "AP|International", 75)
  add(src, srccum, ++nsrc, "Xinhua|International", 65)
  add(src, srccum, ++nsrc, "Facebook; Kisal|New media", 60)
  add(src, srccum, ++nsrc, "Le Republicain (Mali); Maliweb|National", 55)
  add(src, srccum, ++nsrc, "Reuters; Sahel Intelligence|National-International", 45)
  add(src, srccum, ++nsrc, "MINUSMA|Other", 40)

  # admin1|admin2|admin3|location|latitude|longitude: the 80 most frequent
  # locations of the Mali file (Menaka as its own region, as ACLED has it
  # since 2016), weighted by their counts there.
  nl = 0
  add(loc, lcum, ++nl, "Bamako|Bamako|Bamako|Bamako|12.6500|-8.0000", 258)
  add(loc, lcum, ++nl, "Gao|Gao|Gao|Gao|16.2717|-0.0447", 257)
  add(loc, lcum, ++nl, "Tombouctou|Tombouctou|Tombouctou|Timbuktu|16.7705|-3.0056", 237)
  add(loc, lcum, ++nl, "Kidal|Kidal|Kidal|Kidal|18.4400|1.4100", 232)
  add(loc, lcum, ++nl, "Menaka|Menaka|Menaka|Menaka|15.9182|2.4022", 119)
  add(loc, lcum, ++nl, "Bamako|Bamako|Commune III|Bamako|12.6500|-8.0000", 80)
  add(loc, lcum, ++nl, "Kidal|Tessalit|Tessalit|Tessalit|20.2581|0.9905", 60)
  add(loc, lcum, ++nl, "Mopti|Douentza|Haire|Boni|15.0766|-2.2198", 59)
  add(loc, lcum, ++nl, "Mopti|Douentza|Douentza Commune|Douentza|14.9951|-2.9517", 57)
  add(loc, lcum, ++nl, "Kidal|Tessalit|Adjelhoc|Aguelhok|19.4695|0.8560", 56)
  add(loc, lcum, ++nl, "Gao|Ansongo|Ansongo|Ansongo|15.6597|0.5022", 54)
  add(loc, lcum, ++nl, "Tombouctou|Gourma-Rharous|Gossi|Gossi|15.8196|-1.2911", 42)
  add(loc, lcum, ++nl, "Mopti|Mopti|Mopti Commune|Mopti|14.4891|-4.1928", 37)
  add(loc, lcum, ++nl, "Segou|Niono|Diabaly|Diabaly|14.6800|-6.0160", 37)
  add(loc, lcum, ++nl, "Mopti|Douentza|Hombori|Hombori|15.2790|-1.7004", 33)
  add(loc, lcum, ++nl, "Mopti|Mopti|Konna|Kona|14.9462|-3.8931", 30)
  add(loc, lcum, ++nl, "Tombouctou|Goundam|Goundam Commune|Goundam|16.4167|-3.6667", 30)
  add(loc, lcum, ++nl, "Mopti|Koro|Koro|Koro|14.0778|-3.0832", 30)
  add(loc, lcum, ++nl, "Kayes|Kayes|Kayes Commune|Kayes|14.4417|-11.4341", 28)
  add(loc, lcum, ++nl, "Gao|Ansongo|Tessit|Tessit|15.2238|0.2925", 28)
  add(loc, lcum, ++nl, "Mopti|Douentza|Mondoro|Mondoro|14.6762|-1.9513", 28)
  add(loc, lcum, ++nl, "Mopti|Douentza|Mondoro|Boulikessi|14.7953|-1.3181", 27)
  add(loc, lcum, ++nl, "Mopti|Bandiagara|Bandiagara Commune|Bandiagara|14.3493|-3.6102", 25)
  add(loc, lcum, ++nl, "Kidal|Kidal|Anefif|Anefis|18.0400|0.6011", 23)
  add(loc, lcum, ++nl, "Gao|Ansongo|Talataye|I-n-Deliman|16.1506|1.4277", 22)
  add(loc, lcum, ++nl, "Tombouctou|Tombouctou|Ber|Ber|16.8349|-2.5319", 22)
  add(loc, lcum, ++nl, "Koulikoro|Kati|Kati Commune|Kati|12.7482|-8.0722", 21)
  add(loc, lcum, ++nl, "Gao|Bourem|Bourem|Bourem|16.9550|-0.3486", 21)
  add(loc, lcum, ++nl, "Mopti|Tenenkou|Diafarabe|Diafarabe|14.1409|-5.0169", 21)
  add(loc, lcum, ++nl, "Gao|Gao|N'tillit|Ntillit|15.5461|-0.4606", 20)
  add(loc, lcum, ++nl, "Tombouctou|Niafunke|Souboundou|Niafounke|15.9322|-3.9906", 20)
  add(loc, lcum, ++nl, "Mopti|Mopti|Mopti Commune|Sevare|14.5297|-4.0922", 20)
  add(loc, lcum, ++nl, "Gao|Ansongo|Talataye|Talataye|16.5333|1.5167", 19)
  add(loc, lcum, ++nl, "Mopti|Tenenkou|Tenenkou Commune|Tenenkou|14.4572|-4.9167", 19)
  add(loc, lcum, ++nl, "Kidal|Abeibara|Tinzawatene|Tin Zaouaten|19.9625|2.8575", 19)
  add(loc, lcum, ++nl, "Mopti|Djenne|Djenne Commune|Djenne|13.9045|-4.5599", 18)
  add(loc, lcum, ++nl, "Mopti|Koro|Diougani|Dioungani|14.3156|-2.7403", 18)
  add(loc, lcum, ++nl, "Tombouctou|Niafunke|Lere|Lere|15.7118|-4.9118", 17)
  add(loc, lcum, ++nl, "Segou|Niono|Niono|Niono|14.2526|-5.9930", 17)
  add(loc, lcum, ++nl, "Mopti|Djenne|Kewa|Kouakourou|14.2223|-4.4959", 16)
  add(loc, lcum, ++nl, "Mopti|Mopti|Dialloube|Dialloube|15.0191|-4.2324", 16)
  add(loc, lcum, ++nl, "Mopti|Bandiagara|Bara Sara|Parou|14.1891|-3.7488", 15)
  add(loc, lcum, ++nl, "Menaka|Anderamboukane|Anderamboukane|Anderamboukane|15.4275|3.0175", 15)
  add(loc, lcum, ++nl, "Gao|Gao|Anchawadi|Tamkoutat|16.4032|0.9921", 14)
  add(loc, lcum, ++nl, "Gao|Bourem|Tarkint|Tarkint|17.4794|0.1169", 14)
  add(loc, lcum, ++nl, "Mopti|Bankass|Bankass|Bankass|14.0775|-3.5159", 14)
  add(loc, lcum, ++nl, "Segou|Macina|Macina|Ke-Macina|13.9641|-5.3579", 14)
  add(loc, lcum, ++nl, "Mopti|Koro|Yoro|Yoro|14.2793|-2.1354", 14)
  add(loc, lcum, ++nl, "Kidal|Abeibara|Abeibara|Abeibara|19.1167|1.7500", 13)
  add(loc, lcum, ++nl, "Tombouctou|Dire|Dire|Dire|16.2570|-3.4013", 13)
  add(loc, lcum, ++nl, "Segou|Niono|Nampalari|Nampala|15.2797|-5.5534", 13)
  add(loc, lcum, ++nl, "Gao|Bourem|Tarkint|Almoustarat|17.3700|0.0900", 13)
  add(loc, lcum, ++nl, "Kidal|Abeibara|Abeibara|Ifoghas|19.1255|1.7456", 13)
  add(loc, lcum, ++nl, "Mopti|Koro|Dinangourou|Tondo Erkokoni|14.2579|-2.5728", 12)
  add(loc, lcum, ++nl, "Mopti|Koro|Dinangourou|Dinangorou|14.4510|-2.2442", 12)
  add(loc, lcum, ++nl, "Mopti|Bankass|Baye|Baye|13.6226|-3.3705", 12)
  add(loc, lcum, ++nl, "Gao|Gao|N'tillit|Doro|16.1433|-0.8439", 11)
  add(loc, lcum, ++nl, "Tombouctou|Goundam|Tonka|Tonka|16.1289|-3.7478", 11)
  add(loc, lcum, ++nl, "Mopti|Bankass|Ouonkoro|Ouenkoro|13.3821|-3.8308", 11)
  add(loc, lcum, ++nl, "Tombouctou|Gourma-Rharous|Bambara Maoude|Bambara-Maounde|15.8521|-2.7860", 11)
  add(loc, lcum, ++nl, "Segou|Niono|Sokolo|Sokolo|14.7328|-6.1219", 11)
  add(loc, lcum, ++nl, "Mopti|Douentza|Haire|Serma|14.8600|-2.2642", 11)
  add(loc, lcum, ++nl, "Mopti|Mopti|Sio|Somadougou|14.2846|-4.0647", 10)
  add(loc, lcum, ++nl, "Gao|Bourem|Bamba|Bamba|17.0350|-1.4016", 10)
  add(loc, lcum, ++nl, "Tombouctou|Gourma-Rharous|Gossi|NDaki|15.3584|-0.9241", 10)
  add(loc, lcum, ++nl, "Mopti|Koro|Madougou|Madougou|14.3992|-3.0788", 10)
  add(loc, lcum, ++nl, "Gao|Ansongo|Bourra|Tassiga|15.4729|0.6941", 10)
  add(loc, lcum, ++nl, "Mopti|Koro|Kassa|Berdossou|14.7354|-3.0544", 9)
  add(loc, lcum, ++nl, "Gao|Ansongo|Tin Hama|Amalaoulaou|15.4024|1.2970", 9)
  add(loc, lcum, ++nl, "Sikasso|Koutiala|Koutiala Commune|Koutiala|12.3917|-5.4642", 9)
  add(loc, lcum, ++nl, "Segou|Segou|Segou Commune|Segou|13.4312|-6.2492", 9)
  add(loc, lcum, ++nl, "Mopti|Douentza|Petaka|Petaka|15.0200|-2.8490", 9)
  add(loc, lcum, ++nl, "Sikasso|Sikasso|Lobougoula|Sikasso|11.0992|-5.9454", 9)
  add(loc, lcum, ++nl, "Koulikoro|Koulikoro|Koulikoro Commune|Koulikoro|12.8700|-7.5600", 9)
  add(loc, lcum, ++nl, "Gao|Ansongo|Ouattagouna|Fafa|15.3409|0.7167", 9)
  add(loc, lcum, ++nl, "Mopti|Douentza|Mondoro|Tiguila|14.8760|-1.8545", 9)
  add(loc, lcum, ++nl, "Mopti|Youwarou|Youwarou|Youwarou|15.3684|-4.2628", 9)
  add(loc, lcum, ++nl, "Mopti|Tenenkou|Kareri|Dioura|14.8252|-5.2547", 9)
  add(loc, lcum, ++nl, "Mopti|Douentza|Mondoro|Douna|15.1100|-1.7350", 9)
  add(loc, lcum, ++nl, "Mopti|Tenenkou|Toguere-Coumbe|Toguere-Koumbe|14.9169|-4.5948", 9)

  # Extra sentences of the notes: quotes, newlines, accents, long reports.
  nx = 0
  add(extra, xcum, ++nx, "", 760)
  add(extra, xcum, ++nx, " A local official said \"the attackers came on motorbikes, at dawn\", according to the report.", 90)
  add(extra, xcum, ++nx, " The assailants, reportedly numbering \"about fifty\", fled towards the border.", 40)
  add(extra, xcum, ++nx, "\nUpdate: the toll was revised by local sources the next day.", 30)
  add(extra, xcum, ++nx, " Wounded were evacuated to the hospital of Sévaré (Mopti); the préfet confirmed the figures.", 40)
  add(extra, xcum, ++nx, " Fatalities coded as 10 in the absence of a precise figure, as the reports spoke of \"several dozen\" victims.\nSources disagree on the number of wounded.", 20)
  add(extra, xcum, ++nx, " The same day, in the same commune, unidentified gunmen torched several granaries, stole livestock and burned motorbikes; villagers fled to the nearby town, where the humanitarian organisations recorded several hundred displaced persons, most of them women and children, who were hosted by relatives and in a school.", 20)

  split("1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 2 2 2 2 2 2 2 2 2 2 2 2 3 3", tprec, " ")

  print "data_id,iso,event_id_cnty,event_id_no_cnty,event_date,year,time_precision,event_type,sub_event_type,actor1,assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,region,country,admin1,admin2,admin3,location,latitude,longitude,geo_precision,source,source_scale,notes,fatalities,timestamp,iso3"

  for (r = 0; r < rows; r++) {
    # The date: the (r + 0.5)/rows quantile from the newest end, so the file
    # is sorted by date, newest first, as ACLED's exports are.
    x = (1 - (r + 0.5) / rows) * ycum[ny]
    for (yi = 1; yi < ny && x >= ycum[yi]; yi++) ;
    y = 1996 + yi
    ndays = leap(y) ? 366 : 365
    doy = int((x - ycum[yi - 1]) / yw[yi] * ndays)
    if (doy >= ndays) doy = ndays - 1
    m = 1
    while (1) {
      dm = mdays[m] + (m == 2 && leap(y))
      if (doy < dm) break
      doy -= dm
      m++
    }
    d = doy + 1
    epoch = days_from_civil(y, m, d)
    period = y >= 2021 ? "(2021-)" : y >= 2013 ? "(2013-2020)" : y >= 2002 ? "(2002-2012)" : "(1992-2002)"

    split(pair[pick(pcum, np)], pr, "|")
    etype = pr[1]; sub_ = pr[2]

    a1 = ""; i1 = 0; a2 = ""; i2 = 0; as1 = ""; as2 = ""
    if (etype == "Battles") {
      # At least one side is a non-state group.
      if (rnd() < 0.6) split(armed[pick(acum, na)], A, "|"); else split(stat[pick(scum, ns)], A, "|")
      do split((A[2] != 1 && A[2] != 8 && rnd() < 0.55 ? stat[pick(scum, ns)] : armed[pick(acum, na)]), B, "|"); while (B[1] == A[1])
      a1 = A[1]; i1 = A[2]; a2 = B[1]; i2 = B[2]
      verb = "clashed with"
    } else if (etype == "Violence against civilians") {
      if (rnd() < 0.85) split(armed[pick(acum, na)], A, "|"); else split(stat[pick(scum, ns)], A, "|")
      a1 = A[1]; i1 = A[2]; a2 = "Civilians (Mali)"; i2 = 7; as2 = civ[pick(ccum, nc)]
      verb = sub_ == "Attack" ? "attacked" : "abducted"
    } else if (etype == "Explosions/Remote violence") {
      if (sub_ == "Air/drone strike") split(stat[pick(scum, ns)], A, "|")
      else split(armed[pick(acum, na)], A, "|")
      a1 = A[1]; i1 = A[2]
      u = rnd()
      if (u < 0.6) { split(stat[pick(scum, ns)], B, "|"); a2 = B[1]; i2 = B[2] }
      else if (u < 0.9) { a2 = "Civilians (Mali)"; i2 = 7 }
      verb = "targeted"
    } else if (etype == "Protests") {
      a1 = "Protesters (Mali)"; i1 = 6
      if (rnd() < 0.3) as1 = civ[pick(ccum, nc)]
      if (sub_ != "Peaceful protest") { a2 = "Police Forces of Mali " period; i2 = 1 }
      verb = "demonstrated against"
    } else if (etype == "Riots") {
      a1 = "Rioters (Mali)"; i1 = 5
      u = rnd()
      if (u < 0.4) { a2 = "Police Forces of Mali " period; i2 = 1 }
      else if (u < 0.7) { a2 = "Civilians (Mali)"; i2 = 7 }
      verb = "clashed with"
    } else {
      if (rnd() < 0.6) split(armed[pick(acum, na)], A, "|"); else split(stat[pick(scum, ns)], A, "|")
      a1 = A[1]; i1 = A[2]
      u = rnd()
      if (u < 0.25) { a2 = "Civilians (Mali)"; i2 = 7 }
      else if (u < 0.4) { split(armed[pick(acum, na)], B, "|"); a2 = B[1]; i2 = B[2] }
      verb = "met"
    }
    sub(/@/, period, a1); sub(/@/, period, a2); sub(/@/, period, as1); sub(/@/, period, as2)
    interaction = i2 == 0 ? i1 * 10 : (i1 < i2 ? i1 * 10 + i2 : i2 * 10 + i1)

    split(loc[pick(lcum, nl)], L, "|")
    gp = 1 + (rnd() < 0.36) + (rnd() < 0.03)
    lat = L[5] + (gp == 1 ? 0 : (rnd() - 0.5) * (gp == 2 ? 0.3 : 0.8))
    lon = L[6] + (gp == 1 ? 0 : (rnd() - 0.5) * (gp == 2 ? 0.3 : 0.8))

    u = rnd()
    fat = u < 0.55 ? 0 : u < 0.70 ? 1 : u < 0.78 ? 2 : u < 0.83 ? 3 : int(-log(rnd()) * 8) + 1
    if (etype == "Protests" || etype == "Strategic developments") fat = 0

    split(src[pick(srccum, nsrc)], S, "|")

    notes = sprintf("On %d %s %d, %s %s %s in %s (%s, %s).", d, mname[m], y, a1, verb,
                    a2 == "" ? "the population" : a2, L[4], L[2], L[1])
    notes = notes (fat == 0 ? " No casualties reported." : fat == 1 ? " 1 fatality." : " " fat " fatalities, including women and children.")
    notes = notes extra[pick(xcum, nx)]

    id = rows - r
    printf "%d,466,MLI%d,%d,%04d-%02d-%02d,%d,%s,%s,%s,%s,%s,%d,%s,%s,%d,%d,Western Africa,Mali,%s,%s,%s,%s,%.4f,%.4f,%d,%s,%s,%s,%d,%d,MLI\n",
      7000000 + id, id, id, y, m, d, y, tprec[rint(33) + 1], etype, csvq(sub_),
      csvq(a1), csvq(as1), i1, csvq(a2), csvq(as2), i2, interaction,
      L[1], L[2], L[3], L[4], lat, lon, gp, csvq(S[1]), S[2], csvq(notes), fat,
      (epoch + 3 + rint(60)) * 86400 + rint(86400)
  }
}
