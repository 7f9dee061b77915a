// dashboard.js: the period's headline figures, each linked to the records
// behind it (the ids an indicator returns), and weekly trend charts.
import { indicator, listAll, count, qs } from '../api.js';

const TREND_LIST_MAX = 600;
import { kindMeta, TYPE_COLORS, typeColor } from '../kinds.js';
import { h, fmtNum, fmtDate, addDays, dayNum, pageHeading, errorBox } from '../ui.js';
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
    ['7 days', 7],
    ['30 days', 30],
    ['90 days', 90],
    ['1 year', 365],
  ];
  const form = h(
    'form',
    { class: 'period', 'aria-label': 'Period' },
    h('div', { class: 'field' }, h('label', { for: 'p-from' }, 'From'), Object.assign(from, { id: 'p-from' })),
    h('div', { class: 'field' }, h('label', { for: 'p-to' }, 'To'), Object.assign(to, { id: 'p-to' })),
    extra || null,
    h('button', { type: 'submit', class: 'primary' }, 'Show'),
    h(
      'div',
      { class: 'presets', role: 'group', 'aria-label': 'Periods ending on the To date' },
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
      err.textContent = 'Give two dates, From on or before To.';
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
    h('p', { class: 'big' }, href ? h('a', { href, 'aria-label': `${value} ${title}: show the records` }, String(value)) : String(value)),
    sub && sub.length ? h('ul', { class: 'sub' }, sub.map((s) => h('li', {}, s.href ? h('a', { href: s.href }, s.text) : s.text))) : null,
    note ? h('p', { class: 'note' }, note) : null,
  );
}

export async function dashboardPage({ main, query, signal }) {
  const p = await periodFrom(query);
  rememberPeriod(p);
  const apply = (np) => navigate('/?' + qs(np));
  main.append(
    pageHeading('Dashboard'),
    periodForm(p, apply),
    p.auto
      ? h('p', { class: 'note' }, `No events were recorded in the last 30 days; showing the 30 days up to ${fmtDate(p.to)}, the end of the latest month with events.`)
      : null,
    h('p', { class: 'muted period-line' }, `${fmtDate(p.from)} to ${fmtDate(p.to)}, inclusive.`),
  );
  const tiles = h('div', { class: 'tiles' }, h('p', { class: 'loading' }, 'Computing the figures…'));
  const trends = h('div', { class: 'trends' }, h('p', { class: 'loading' }, 'Counting the weeks…'));
  main.append(tiles, h('h2', { class: 'section' }, 'Weekly trends'), trends);

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
  const [byType, ied, cas, poc, serv, restr, gaps, cv] = await Promise.all([
    safe(Promise.all(typeNames.map((t) => indicator('count', { of: 'events', event_type: t, ...range }, signal)))),
    safe(indicator('ied', { from: p.from, to: p.to }, signal)),
    safe(
      indicator(
        'change',
        { of: 'events', field: 'civilians_killed+civilians_injured', period: `${p.from}..${p.to}`, compare: `${yearAgo(p.from)}..${yearAgo(p.to)}` },
        signal,
      ),
    ),
    safe(indicator('count', { of: 'events', poc: 'yes', ...range }, signal)),
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
        title: 'Incidents',
        value: fmtNum(total),
        href: filterHref('events', range),
        sub: typeNames
          .map((t, i) => [t, byType[i]])
          .filter(([, c]) => c.count)
          .map(([t, c]) => ({ text: `${c.count} ${t}`, href: idsHref('events', c.records.count, `${t}, ${p.from} to ${p.to}`) })),
      }),
    );
  }
  if (ied.error) tiles.append(errorBox(ied.error));
  else
    tiles.append(
      tile({
        id: 't-ied',
        title: 'IEDs',
        value: fmtNum(ied.used),
        href: idsHref('events', ied.records.used, 'IEDs used'),
        sub: [
          { text: `${ied.against_mission} against the mission`, href: idsHref('events', ied.records.against_mission, 'IEDs against the mission') },
          { text: `${ied.neutralized} neutralized`, href: idsHref('events', ied.records.neutralized, 'IEDs neutralized') },
          { text: `${ied.detonated} detonated`, href: idsHref('events', ied.records.detonated, 'IEDs detonated') },
        ],
      }),
    );
  if (cas.error) tiles.append(errorBox(cas.error));
  else {
    const pct = cas.change_pct;
    tiles.append(
      tile({
        id: 't-civ',
        title: 'Civilian casualties',
        value: fmtNum(cas.current),
        href: idsHref('events', cas.records.current, 'Events with civilian casualties'),
        sub: [
          {
            text: `${fmtNum(cas.previous)} a year earlier${pct == null ? '' : ` (${pct > 0 ? '+' : ''}${Math.round(pct)}%)`}`,
            href: idsHref('events', cas.records.previous, 'Events with civilian casualties a year earlier'),
          },
        ],
        note: 'Killed and injured, all incidents.',
      }),
    );
  }
  if (poc.error) tiles.append(errorBox(poc.error));
  else tiles.append(tile({ id: 't-poc', title: 'POC incidents', value: fmtNum(poc.count), href: idsHref('events', poc.records.count, 'POC incidents') }));
  if (serv.error) tiles.append(errorBox(serv.error));
  else
    tiles.append(
      tile({
        id: 't-serv',
        title: 'Armoured vehicles unserviceable',
        value: fmtNum(serv.unserviceable),
        href: idsHref('equipment', serv.records.unserviceable, 'Armoured vehicles unserviceable'),
        sub: [
          { text: `of ${serv.total} APCs and MPVs`, href: idsHref('equipment', serv.records.total, 'Armoured vehicles') },
          ...Object.entries(serv.unserviceable_by_cause || {})
            .sort((a, b) => b[1] - a[1])
            .slice(0, 3)
            .map(([c, n]) => ({
            text: `${n} ${c.replace(/_/g, ' ')}`,
            href: serv.records[`unserviceable_by_cause.${c}`] ? idsHref('equipment', serv.records[`unserviceable_by_cause.${c}`], `Unserviceable: ${c}`) : null,
          })),
        ],
        note: `As of ${fmtDate(p.to)}.`,
      }),
    );
  if (restr.error) tiles.append(errorBox(restr.error));
  else
    tiles.append(
      tile({
        id: 't-restr',
        title: 'Active restrictions',
        value: fmtNum(restr.active.length),
        href: idsHref('restrictions', restr.records.active || restr.active.map((r) => r.restriction_id), 'Active restrictions'),
        sub: restr.active.slice(0, 4).map((r) => ({ text: `${r.place_name || r.place}: ${r.days} days`, href: `/records/restrictions/${encodeURIComponent(r.restriction_id)}` })),
        note: `Freedom of movement, as of ${fmtDate(p.to)}.`,
      }),
    );
  if (gaps.error) tiles.append(errorBox(gaps.error));
  else
    tiles.append(
      tile({
        id: 't-gaps',
        title: 'Capability gaps',
        value: fmtNum(gaps.gaps.length),
        href: idsHref('capabilities', gaps.records.gaps || gaps.gaps.map((g) => g.capability_id), 'Capability gaps'),
        sub: gaps.gaps.slice(0, 4).map((g) => ({ text: `${g.capability.replace(/_/g, ' ')}${g.sector ? ' (' + g.sector + ')' : ''}` })),
        note: 'Current state.',
      }),
    );

  if (cv.error) tiles.append(errorBox(cv.error));
  else {
    const pct = (v) => (v == null ? 'n/a' : `${Math.round(v)}%`);
    tiles.append(
      tile({
        id: 't-casevac',
        title: 'Casualty evacuations',
        value: fmtNum(cv.evacuations),
        href: idsHref('casevac', cv.records.evacuations, 'Casualty evacuations'),
        sub: cv.evacuations
          ? [
              { text: `${cv.within_1h} at resuscitation within 1 hour (${pct(cv.within_1h_pct)})`, href: idsHref('casevac', cv.records.within_1h, 'Evacuations: resuscitation within 1 hour') },
              { text: `${cv.within_2h} in surgery within 2 hours (${pct(cv.within_2h_pct)})`, href: idsHref('casevac', cv.records.within_2h, 'Evacuations: surgery within 2 hours') },
              cv.median_request_to_airborne_min != null ? { text: `median ${cv.median_request_to_airborne_min} min from request to take-off` } : null,
            ].filter(Boolean)
          : [],
        note: `${fmtNum(cv.patients)} patients. The 10-1-2 standard: first aid within 10 minutes, resuscitation within 1 hour, surgery within 2.`,
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
    const { items } = await listAll(ev, trendRange, { signal });
    const types = [...new Set(items.map((e) => e.event_type))].sort((a, b) => typeNames.indexOf(a) - typeNames.indexOf(b));
    series = types.map((t) => ({ name: t, color: typeColor(t), values: zeros() }));
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
    const present = (await Promise.all(typeNames.map((t) => count('events', { ...trendRange, event_type: t }, signal)))).map((n, i) => [typeNames[i], n]).filter(([, n]) => n);
    series = await Promise.all(
      present.map(async ([t]) => ({ name: t, color: typeColor(t), values: await Promise.all(labels.map((_, i) => count('events', { ...wk(i), event_type: t }, signal))) })),
    );
    ieds = await Promise.all(labels.map((_, i) => count('events', { ...wk(i), weapon: 'ied,vbied' }, signal)));
  }
  if (signal.aborted) return;
  trends.replaceChildren();
  trends.append(
    weeklyBars({ labels, series, title: `Incidents per week by type, ${weeks} weeks to ${fmtDate(p.to)}` }),
    weeklyBars({ labels, series: [{ name: 'IED incidents', color: '#d35400', values: ieds }], title: 'IED incidents per week' }),
    civK
      ? weeklyBars({
          labels,
          series: [
            { name: 'civilians killed', color: '#7b241c', values: civK },
            { name: 'civilians injured', color: '#e59866', values: civI },
          ],
          title: 'Civilian casualties per week',
          unit: 'people',
        })
      : '',
  );
  trends.after(h('p', { class: 'muted' }, `Weeks run from ${fmtDate(trendFrom)}; the last ends on ${fmtDate(p.to)}.${civK ? '' : ` (${fmtNum(inWindow)} events: the weekly civilian casualties chart is left out above ${TREND_LIST_MAX}.)`}`));
}
