// duplicates.js: the review of likely duplicate events (GET
// /api/v1/duplicates): each candidate pair side by side with both records'
// fields and a small map, and, for editors, buttons to merge (keeping one
// of the two) or to dismiss the pair. A merged event counts once, as the one
// kept, in every count, indicator, report, dashboard tile and map.
import { api, byIds, qs } from '../api.js';
import { kindMeta } from '../kinds.js';
import { h, pageHeading, errorBox, fmtDate, fieldLabel, valueText, announce, spinner, select } from '../ui.js';
import { t, fmtNum } from '../i18n.js';
import { canWrite, periodFrom, rememberPeriod, navigate } from '../session.js';
import { periodForm } from './dashboard.js';
import { recordHref } from './records.js';

const PER_PAGE = 10;
// The parts of a pair's score (duplicates.h), named in the language.
const PARTS = { place: 'dup.part_place', date: 'dup.part_date', type: 'dup.part_type', fatalities: 'dup.part_fatalities', actors: 'dup.part_actors' };
// The fields compared side by side, in this order (others are on the records' pages).
const SHOWN = [
  'event_date',
  'event_type',
  'sub_event_type',
  'location',
  'admin1',
  'admin2',
  'latitude',
  'longitude',
  'actor1',
  'actor2',
  'fatalities',
  'civilians_killed',
  'civilians_injured',
  'peacekeepers_killed',
  'peacekeepers_injured',
  'weapon',
  'target',
  'source',
  'verification',
  'reliability',
  'credibility',
  'notes',
];

export async function duplicatesPage({ main, query, signal }) {
  const p = await periodFrom(query);
  rememberPeriod(p);
  const km = query.get('km') || '10';
  const days = query.get('days') || '1';
  const page = Math.max(0, Number(query.get('p') || 0));
  const kmSel = select('km', ['1', '5', '10', '25', '50'], km, { id: 'd-km' });
  const daySel = select('days', ['0', '1', '2', '3', '7'], days, { id: 'd-days' });
  const extra = [
    h('div', { class: 'field' }, h('label', { for: 'd-km' }, t('dup.km')), kmSel),
    h('div', { class: 'field' }, h('label', { for: 'd-days' }, t('dup.days')), daySel),
  ];
  main.append(
    pageHeading(t('dup.title')),
    h('p', { class: 'muted' }, t('dup.intro')),
    periodForm(p, (np) => navigate('/duplicates?' + qs({ ...np, km: kmSel.value, days: daySel.value })), { extra }),
  );
  const box = h('div', { class: 'dup-pairs' }, spinner(t('dup.comparing')));
  main.append(box);
  let data;
  try {
    data = await api('duplicates', { params: { event_date: [`ge:${p.from}`, `le:${p.to}`], km, days, limit: 500 }, signal });
  } catch (e) {
    if (e.name === 'AbortError') return;
    box.replaceChildren(errorBox(e));
    return;
  }
  const pairs = data.pairs.slice(page * PER_PAGE, page * PER_PAGE + PER_PAGE);
  const ids = pairs.flatMap((x) => [x.a.event_id_cnty, x.b.event_id_cnty]);
  const recs = new Map();
  try {
    const ev = kindMeta('events');
    for (const r of await byIds(ev, ids, { signal })) recs.set(r.event_id_cnty, r);
  } catch (e) {
    if (e.name === 'AbortError') return;
    box.replaceChildren(errorBox(e));
    return;
  }
  box.replaceChildren(
    h(
      'p',
      { class: 'list-status', role: 'status' },
      [t('dup.found', { n: data.pairs_found, events: data.events_compared }), data.decided_left_out ? t('dup.decided_left_out', { n: data.decided_left_out }) : '', '.'].join(''),
    ),
  );
  if (!pairs.length) box.append(h('p', { class: 'empty' }, t('dup.none')));
  const mv = pairs.length ? await import('../mapview.js') : null;
  if (signal.aborted) return;
  for (const [i, pair] of pairs.entries()) {
    const { card, drawMap } = pairCard(pair, page * PER_PAGE + i + 1, recs, mv, signal);
    box.append(card);
    drawMap();
  }
  const pages = Math.ceil(Math.min(data.pairs.length, 500) / PER_PAGE);
  const here = (n) => '/duplicates?' + qs({ from: p.from, to: p.to, km, days, p: n || null });
  const pager = h('nav', { class: 'pager', 'aria-label': t('records.pages') });
  if (page > 0) pager.append(h('a', { href: here(page - 1), rel: 'prev' }, t('records.previous')));
  if (pages > 1) pager.append(h('span', {}, t('records.page_of', { page: page + 1, pages })));
  if (page + 1 < pages) pager.append(h('a', { href: here(page + 1), rel: 'next' }, t('records.next')));
  box.append(pager);
}

// One pair: its card, and a function that draws its map once the card is on the page.
function pairCard(pair, n, recs, mv, signal) {
  const a = recs.get(pair.a.event_id_cnty) || pair.a;
  const b = recs.get(pair.b.event_id_cnty) || pair.b;
  const title = t('dup.pair_title', { n, a: a.event_id_cnty, b: b.event_id_cnty });
  const headId = `dup-${n}`;
  const card = h('section', { class: 'card dup-pair', 'aria-labelledby': headId });
  const status = h('div', { role: 'status' });
  const parts = Object.entries(pair.parts || {})
    .map(([k, v]) => `${PARTS[k] ? t(PARTS[k]) : k} ${fmtNum(v, 2)}`)
    .join(', ');
  const row = (f) => {
    const va = valueText(a[f]);
    const vb = valueText(b[f]);
    return h(
      'tr',
      { class: va !== vb ? 'differs' : null },
      h('th', { scope: 'row' }, fieldLabel('events', f), va !== vb ? h('span', { class: 'sr-only' }, t('dup.differs')) : null),
      h('td', {}, f === 'event_date' ? fmtDate(a[f]) : va),
      h('td', {}, f === 'event_date' ? fmtDate(b[f]) : vb),
    );
  };
  const table = h(
    'table',
    { class: 'list dup-table' },
    h('caption', { class: 'sr-only' }, t('dup.table_caption', { n })),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, t('dup.field')),
        h('th', { scope: 'col' }, h('a', { href: recordHref('events', a) }, a.event_id_cnty), ` (${pair.a.source})`),
        h('th', { scope: 'col' }, h('a', { href: recordHref('events', b) }, b.event_id_cnty), ` (${pair.b.source})`),
      ),
    ),
    h('tbody', {}, SHOWN.filter((f) => a[f] != null || b[f] != null).map(row)),
  );
  const mapEl = h('div', { class: 'dup-map', role: 'region', 'aria-label': t('dup.map_label', { n }) });
  const actions = h('div', { class: 'actions' });
  if (canWrite()) {
    const merge = (keep, other) =>
      h(
        'button',
        {
          type: 'button',
          class: 'primary',
          onclick: async () => {
            try {
              await api('duplicates/merge', { method: 'POST', body: { keep: keep.event_id_cnty, others: [other.event_id_cnty] } });
              done(t('dup.merged', { other: other.event_id_cnty, keep: keep.event_id_cnty }), other.event_id_cnty);
            } catch (e) {
              status.replaceChildren(errorBox(e));
            }
          },
        },
        t('dup.merge_keep', { id: keep.event_id_cnty }),
      );
    actions.append(
      merge(a, b),
      merge(b, a),
      h(
        'button',
        {
          type: 'button',
          class: 'secondary',
          onclick: async () => {
            try {
              await api('duplicates/decide', { method: 'POST', body: { a: a.event_id_cnty, b: b.event_id_cnty, decision: 'dismiss' } });
              done(t('dup.dismissed'), null);
            } catch (e) {
              status.replaceChildren(errorBox(e));
            }
          },
        },
        t('dup.not_duplicates'),
      ),
    );
  }
  function done(text, merged) {
    actions.replaceChildren(
      h('p', { class: 'alert ok' }, text),
      merged
        ? h(
            'button',
            {
              type: 'button',
              class: 'link',
              onclick: async () => {
                try {
                  await api('duplicates/unmerge', { method: 'POST', body: { id: merged } });
                  actions.replaceChildren(h('p', { class: 'alert' }, t('curation.unmerged', { id: merged })));
                } catch (e) {
                  status.replaceChildren(errorBox(e));
                }
              },
            },
            t('dup.undo'),
          )
        : null,
    );
    announce(text);
  }
  card.append(
    h('h2', { id: headId }, title),
    h('p', { class: 'muted' }, t('dup.score', { score: fmtNum(pair.score, 2), km: pair.km, n: pair.days_apart, parts })),
    h('div', { class: 'dup-body' }, h('div', { class: 'scroll' }, table), mapEl),
    actions,
    status,
  );
  // The map: both events and the line between them.
  const drawMap = async () => {
    if (!mv || signal.aborted) return;
    const view = await mv.createMap(mapEl, { minZoom: 3 });
    signal.addEventListener('abort', () => view.map.remove());
    const pts = [a, b].filter((r) => r.latitude != null && r.longitude != null);
    pts.forEach((r) => mv.eventMarker(r).addTo(view.map));
    if (pts.length === 2) mv.L.polyline(pts.map((r) => [r.latitude, r.longitude]), { color: '#b34700', weight: 2, dashArray: '4 4' }).addTo(view.map);
    if (pts.length) view.map.fitBounds(mv.L.latLngBounds(pts.map((r) => [r.latitude, r.longitude])).pad(0.5), { maxZoom: 11 });
  };
  return { card, drawMap };
}
