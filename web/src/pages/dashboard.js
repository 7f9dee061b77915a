// dashboard.js: the period's headline figures, each linked to the records
// behind it (the ids an indicator returns), and weekly trend charts.
import { indicator, listAll, count, qs } from '../api.js';

const TREND_LIST_MAX = 600;
import { kindMeta, TYPE_COLORS, typeColor, vocabLabel, sectorLabel } from '../kinds.js';
import { h, fmtNum, fmtDate, addDays, dayNum, pageHeading, errorBox } from '../ui.js';
import { t, fmtPct, colon } from '../i18n.js';
import { weeklyBars } from '../charts.js';
import { periodFrom, rememberPeriod, navigate } from '../session.js';

// A link to a list of records: by ids (provenance) or by filters.
export function idsHref(kind, ids, label) {
  return `/records/${kind}?` + qs({ ids: (ids || []).join(','), label });
}
export function filterHref(kind, params) {
  return `/records/${kind}?` + qs(params);
}

export function periodForm(p, onApply, { extra } = {}) {
  const from = h('input', { type: 'date', name: 'from', value: p.from, required: true });
  const to = h('input', { type: 'date', name: 'to', value: p.to, required: true });
  const err = h('p', { class: 'field-error', role: 'alert', hidden: true });
  const presets = [
    [t('period.days', { n: 7 }), 7],
    [t('period.days', { n: 30 }), 30],
    [t('period.days', { n: 90 }), 90],
    [t('period.year'), 365],
  ];
  const form = h(
    'form',
    { class: 'period', 'aria-label': t('period.label') },
    h('div', { class: 'field' }, h('label', { for: 'p-from' }, t('period.from')), Object.assign(from, { id: 'p-from' })),
    h('div', { class: 'field' }, h('label', { for: 'p-to' }, t('period.to')), Object.assign(to, { id: 'p-to' })),
    extra || null,
    h('button', { type: 'submit', class: 'primary' }, t('common.show')),
    h(
      'div',
      { class: 'presets', role: 'group', 'aria-label': t('period.presets') },
      presets.map(([label, days]) =>
        h('button', {
          type: 'button',
          class: 'chip',
          onclick: () => {
            from.value = addDays(to.value || p.to, -(days - 1));
            form.requestSubmit();
          },
          text: label,
        }),
      ),
    ),
    err,
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!from.value || !to.value || from.value > to.value) {
      err.textContent = t('period.invalid');
      err.hidden = false;
      return;
    }
    err.hidden = true;
    onApply({ from: from.value, to: to.value }, form);
  });
  return form;
}

function tile({ title, value, href, sub, note, id }) {
  return h(
    'section',
    { class: 'tile', 'aria-labelledby': id },
    h('h2', { id }, title),
    h('p', { class: 'big' }, href ? h('a', { href, 'aria-label': t('dash.show_records', { value, title }) }, String(value)) : String(value)),
    sub && sub.length ? h('ul', { class: 'sub' }, sub.map((s) => h('li', {}, s.href ? h('a', { href: s.href }, s.text) : s.text))) : null,
    note ? h('p', { class: 'note' }, note) : null,
  );
}

export async function dashboardPage({ main, query, signal }) {
  const p = await periodFrom(query);
  rememberPeriod(p);
  const apply = (np) => navigate('/?' + qs(np));
  main.append(
    pageHeading(t('nav.dashboard')),
    periodForm(p, apply),
    p.auto ? h('p', { class: 'note' }, t('dash.auto_period', { to: fmtDate(p.to) })) : null,
    h('p', { class: 'muted period-line' }, t('period.inclusive', { from: fmtDate(p.from), to: fmtDate(p.to) })),
  );
  const tiles = h('div', { class: 'tiles' }, h('p', { class: 'loading' }, t('dash.computing')));
  const trends = h('div', { class: 'trends' }, h('p', { class: 'loading' }, t('dash.counting_weeks')));
  main.append(tiles, h('h2', { class: 'section' }, t('dash.weekly_trends')), trends);

  const ev = kindMeta('events');
  const span = dayNum(p.to) - dayNum(p.from) + 1;
  let weeks = Math.min(52, Math.max(12, Math.ceil(span / 7)));
  let trendFrom = addDays(p.to, -(weeks * 7 - 1));
  const range = { event_date: [`ge:${p.from}`, `le:${p.to}`] };
  const yearAgo = (iso) => {
    const [y, m, d] = iso.split('-').map(Number);
    const dd = m === 2 && d === 29 ? 28 : d;
    return `${y - 1}-${String(m).padStart(2, '0')}-${String(dd).padStart(2, '0')}`;
  };

  const safe = (pr) => pr.catch((e) => (e.name === 'AbortError' ? Promise.reject(e) : { error: e }));
  const typeNames = Object.keys(TYPE_COLORS);
  const [byType, ied, cas, poc, unverified, serv, restr, gaps, cv] = await Promise.all([
    safe(Promise.all(typeNames.map((ty) => indicator('count', { of: 'events', event_type: ty, ...range }, signal)))),
    safe(indicator('ied', { from: p.from, to: p.to }, signal)),
    safe(
      indicator(
        'change',
        { of: 'events', field: 'civilians_killed+civilians_injured', period: `${p.from}..${p.to}`, compare: `${yearAgo(p.from)}..${yearAgo(p.to)}` },
        signal,
      ),
    ),
    safe(indicator('count', { of: 'events', poc: 'yes', ...range }, signal)),
    safe(indicator('count', { of: 'events', verification: 'reported', ...range }, signal)),
    safe(indicator('serviceability', { as_of: p.to, category: 'apc,mpv' }, signal)),
    safe(indicator('restrictions', { as_of: p.to }, signal)),
    safe(indicator('capability-gaps', {}, signal)),
    safe(indicator('casevac', { from: p.from, to: p.to }, signal)),
  ]);
  if (signal.aborted) return;
  tiles.replaceChildren();

  // Incidents by type (count indicator: the ids behind each figure).
  if (byType.error) tiles.append(errorBox(byType.error));
  else {
    const total = byType.reduce((s, c) => s + c.count, 0);
    tiles.append(
      tile({
        id: 't-incidents',
        title: t('dash.incidents'),
        value: fmtNum(total),
        href: filterHref('events', range),
        // A count of a vocabulary word reads "Label: n", so no plural
        // agreement can go wrong in either language.
        sub: typeNames
          .map((ty, i) => [ty, byType[i]])
          .filter(([, c]) => c.count)
          .map(([ty, c]) => ({ text: `${vocabLabel(ty)}${colon()}${fmtNum(c.count)}`, href: idsHref('events', c.records.count, t('dash.type_period', { type: vocabLabel(ty), from: fmtDate(p.from), to: fmtDate(p.to) })) })),
      }),
    );
  }
  if (ied.error) tiles.append(errorBox(ied.error));
  else
    tiles.append(
      tile({
        id: 't-ied',
        title: t('dash.ieds'),
        value: fmtNum(ied.used),
        href: idsHref('events', ied.records.used, t('dash.ieds_used')),
        sub: [
          { text: t('dash.ied_against_mission', { n: ied.against_mission }), href: idsHref('events', ied.records.against_mission, t('dash.ieds_against_mission')) },
          { text: t('dash.ied_neutralized', { n: ied.neutralized }), href: idsHref('events', ied.records.neutralized, t('dash.ieds_neutralized')) },
          { text: t('dash.ied_detonated', { n: ied.detonated }), href: idsHref('events', ied.records.detonated, t('dash.ieds_detonated')) },
        ],
      }),
    );
  if (cas.error) tiles.append(errorBox(cas.error));
  else {
    const pct = cas.change_pct;
    tiles.append(
      tile({
        id: 't-civ',
        title: t('dash.civilian_casualties'),
        value: fmtNum(cas.current),
        href: idsHref('events', cas.records.current, t('dash.civ_events')),
        sub: [
          {
            text: t('dash.year_earlier', { n: fmtNum(cas.previous) }) + (pct == null ? '' : ` (${pct > 0 ? '+' : ''}${fmtPct(pct)})`),
            href: idsHref('events', cas.records.previous, t('dash.civ_events_year_earlier')),
          },
        ],
        note: t('dash.civ_note'),
      }),
    );
  }
  if (poc.error) tiles.append(errorBox(poc.error));
  else tiles.append(tile({ id: 't-poc', title: t('dash.poc'), value: fmtNum(poc.count), href: idsHref('events', poc.records.count, t('dash.poc')) }));
  if (unverified.error) tiles.append(errorBox(unverified.error));
  else
    tiles.append(
      tile({
        id: 't-unverified',
        title: t('dash.unverified'),
        value: fmtNum(unverified.count),
        href: idsHref('events', unverified.records.count, t('dash.unverified_link')),
        note: t('dash.unverified_note'),
      }),
    );
  if (serv.error) tiles.append(errorBox(serv.error));
  else
    tiles.append(
      tile({
        id: 't-serv',
        title: t('dash.vehicles_unserviceable'),
        value: fmtNum(serv.unserviceable),
        href: idsHref('equipment', serv.records.unserviceable, t('dash.vehicles_unserviceable')),
        sub: [
          { text: t('dash.vehicles_of', { n: serv.total }), href: idsHref('equipment', serv.records.total, t('dash.vehicles')) },
          ...Object.entries(serv.unserviceable_by_cause || {})
            .sort((a, b) => b[1] - a[1])
            .slice(0, 3)
            .map(([c, n]) => ({
              text: `${c === 'unspecified' ? t('dash.cause_unspecified') : vocabLabel(c)}${colon()}${fmtNum(n)}`,
              href: serv.records[`unserviceable_by_cause.${c}`]
                ? idsHref('equipment', serv.records[`unserviceable_by_cause.${c}`], t('dash.unserviceable_cause', { cause: c === 'unspecified' ? t('dash.cause_unspecified') : vocabLabel(c) }))
                : null,
            })),
        ],
        note: t('dash.as_of', { date: fmtDate(p.to) }),
      }),
    );
  if (restr.error) tiles.append(errorBox(restr.error));
  else
    tiles.append(
      tile({
        id: 't-restr',
        title: t('dash.restrictions'),
        value: fmtNum(restr.active.length),
        href: idsHref('restrictions', restr.records.active || restr.active.map((r) => r.restriction_id), t('dash.restrictions')),
        sub: restr.active.slice(0, 4).map((r) => ({ text: `${r.place_name || r.place}${colon()}${t('common.days', { n: r.days })}`, href: `/records/restrictions/${encodeURIComponent(r.restriction_id)}` })),
        note: t('dash.restrictions_note', { date: fmtDate(p.to) }),
      }),
    );
  if (gaps.error) tiles.append(errorBox(gaps.error));
  else
    tiles.append(
      tile({
        id: 't-gaps',
        title: t('dash.gaps'),
        value: fmtNum(gaps.gaps.length),
        href: idsHref('capabilities', gaps.records.gaps || gaps.gaps.map((g) => g.capability_id), t('dash.gaps')),
        sub: gaps.gaps.slice(0, 4).map((g) => ({ text: `${vocabLabel(g.capability)}${g.sector ? ' (' + sectorLabel(g.sector) + ')' : ''}` })),
        note: t('dash.current_state'),
      }),
    );

  if (cv.error) tiles.append(errorBox(cv.error));
  else {
    const pct = (v) => (v == null ? t('dash.na') : fmtPct(v));
    tiles.append(
      tile({
        id: 't-casevac',
        title: t('dash.casevac'),
        value: fmtNum(cv.evacuations),
        href: idsHref('casevac', cv.records.evacuations, t('dash.casevac')),
        sub: cv.evacuations
          ? [
              { text: t('dash.casevac_1h', { n: cv.within_1h, pct: pct(cv.within_1h_pct) }), href: idsHref('casevac', cv.records.within_1h, t('dash.casevac_1h_list')) },
              { text: t('dash.casevac_2h', { n: cv.within_2h, pct: pct(cv.within_2h_pct) }), href: idsHref('casevac', cv.records.within_2h, t('dash.casevac_2h_list')) },
              cv.median_request_to_airborne_min != null ? { text: t('dash.casevac_median', { n: cv.median_request_to_airborne_min }) } : null,
            ].filter(Boolean)
          : [],
        note: `${t('dash.patients', { n: cv.patients })} ${t('dash.casevac_standard')}`,
      }),
    );
  }

  // Weekly trends over the weeks ending on `to`: from the events themselves
  // when they are few, else from one count per week and type (small answers,
  // more requests: better on a slow link than megabytes of records).
  const labels = Array.from({ length: weeks }, (_, i) => addDays(trendFrom, i * 7));
  const weekOf = (d) => Math.floor((dayNum(d) - dayNum(trendFrom)) / 7);
  const trendRange = { event_date: [`ge:${trendFrom}`, `le:${p.to}`] };
  let inWindow;
  try {
    inWindow = await count('events', trendRange, signal);
  } catch (e) {
    if (e.name === 'AbortError') return;
    trends.append(errorBox(e));
    return;
  }
  const zeros = () => new Array(weeks).fill(0);
  let series;
  let ieds = zeros();
  let civK = null;
  let civI = null;
  if (inWindow <= TREND_LIST_MAX) {
    // Only the events that count (the server's rule: not rejected, merged or deleted).
    const { items } = await listAll(ev, { ...trendRange, counted: 'yes' }, { signal });
    const types = [...new Set(items.map((e) => e.event_type))].sort((a, b) => typeNames.indexOf(a) - typeNames.indexOf(b));
    series = types.map((ty) => ({ name: vocabLabel(ty), color: typeColor(ty), values: zeros() }));
    civK = zeros();
    civI = zeros();
    for (const e of items) {
      const w = weekOf(e.event_date);
      if (w < 0 || w >= weeks) continue;
      series[types.indexOf(e.event_type)].values[w]++;
      if (e.weapon === 'ied' || e.weapon === 'vbied') ieds[w]++;
      civK[w] += e.civilians_killed || 0;
      civI[w] += e.civilians_injured || 0;
    }
  } else {
    // Count mode: at most the last 12 weeks (6 types x 12 weeks requests).
    if (weeks > 12) {
      const cut = weeks - 12;
      labels.splice(0, cut);
      weeks = 12;
      trendFrom = labels[0];
      trendRange.event_date = [`ge:${trendFrom}`, `le:${p.to}`];
    }
    const wk = (i) => ({ event_date: [`ge:${labels[i]}`, `le:${addDays(labels[i], 6)}`] });
    const present = (await Promise.all(typeNames.map((ty) => count('events', { ...trendRange, event_type: ty }, signal)))).map((n, i) => [typeNames[i], n]).filter(([, n]) => n);
    series = await Promise.all(
      present.map(async ([ty]) => ({ name: vocabLabel(ty), color: typeColor(ty), values: await Promise.all(labels.map((_, i) => count('events', { ...wk(i), event_type: ty }, signal))) })),
    );
    ieds = await Promise.all(labels.map((_, i) => count('events', { ...wk(i), weapon: 'ied,vbied' }, signal)));
  }
  if (signal.aborted) return;
  trends.replaceChildren();
  trends.append(
    weeklyBars({ labels, series, title: t('dash.chart_types', { n: weeks, to: fmtDate(p.to) }) }),
    weeklyBars({ labels, series: [{ name: t('dash.series_ied'), color: '#d35400', values: ieds }], title: t('dash.chart_ied') }),
    civK
      ? weeklyBars({
          labels,
          series: [
            { name: t('dash.series_civ_killed'), color: '#7b241c', values: civK },
            { name: t('dash.series_civ_injured'), color: '#e59866', values: civI },
          ],
          title: t('dash.chart_civ'),
          unit: 'people',
        })
      : '',
  );
  trends.after(
    h(
      'p',
      { class: 'muted' },
      t('dash.weeks_run', { from: fmtDate(trendFrom), to: fmtDate(p.to) }) + (civK ? '' : ' ' + t('dash.civ_left_out', { n: inWindow, max: TREND_LIST_MAX })),
    ),
  );
}
