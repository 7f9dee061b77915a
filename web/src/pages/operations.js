// operations.js: the operations, and one operation with its activities,
// units, places and the events in its area before, during and after it
// (the operation-effect indicator).
import { api, indicator, listAll, byIds, qs } from '../api.js';
import { kindMeta, TYPE_COLORS, typeColor, sectorLabel } from '../kinds.js';
import { h, pageHeading, errorBox, fmtDate, vocabLabel, fmtNum } from '../ui.js';
import { t, errorMessage, colon } from '../i18n.js';
import { canWrite, navigate } from '../session.js';
import { weeklyBars } from '../charts.js';
import { idsHref } from './dashboard.js';
import { recordHref } from './records.js';

export async function operationsPage({ main, signal }) {
  main.append(pageHeading(t('nav.operations'), canWrite() ? h('a', { class: 'button', href: '/records/operations/new' }, t('ops.new')) : null));
  const { items } = await listAll(kindMeta('operations'), {}, { signal });
  items.sort((a, b) => (a.start < b.start ? 1 : -1));
  main.append(
    h(
      'div',
      { class: 'scroll' },
      h(
        'table',
        { class: 'list' },
        h('caption', { class: 'sr-only' }, t('ops.caption')),
        h('thead', {}, h('tr', {}, ['ops.col_operation', 'ops.col_kind', 'common.sector', 'ops.col_region', 'ops.col_period', 'ops.col_lead', 'ops.col_units'].map((c) => h('th', { scope: 'col' }, t(c))))),
        h(
          'tbody',
          {},
          items.map((o) =>
            h(
              'tr',
              {},
              h('th', { scope: 'row' }, h('a', { href: `/operations/${encodeURIComponent(o.operation_id)}` }, o.name)),
              h('td', {}, vocabLabel(o.kind)),
              h('td', {}, sectorLabel(o.sector)),
              h('td', {}, o.admin1 || ''),
              h('td', {}, `${fmtDate(o.start)} – `, o.end ? fmtDate(o.end) : h('span', { class: 'badge ok' }, t('ops.ongoing'))),
              h('td', {}, vocabLabel(o.lead_component)),
              h('td', { class: 'num' }, fmtNum((o.units || []).length)),
            ),
          ),
        ),
      ),
    ),
    items.length ? null : h('p', { class: 'empty' }, t('ops.none')),
  );
}

export async function operationPage({ main, params, query, signal }) {
  const id = params[0];
  let o;
  try {
    o = await api(`operations/${encodeURIComponent(id)}`, { signal });
  } catch (e) {
    if (e.name === 'AbortError') return;
    main.append(pageHeading(t('ops.no_such')), h('p', {}, e.status === 404 ? t('ops.no_operation', { id }) : errorMessage(e)), h('p', {}, h('a', { href: '/operations' }, t('ops.all'))));
    return;
  }
  const radius = Number(query.get('radius_km')) || 25;
  const weeks = Number(query.get('weeks')) || 8;
  const [acts, units, places, effect] = await Promise.all([
    listAll(kindMeta('activities'), { operation_id: id }, { signal }).then((r) => r.items),
    byIds(kindMeta('units'), o.units || [], { signal }).catch(() => []),
    byIds(kindMeta('places'), o.places || [], { signal }).catch(() => []),
    indicator('operation-effect', { operation: id, radius_km: radius, weeks }, signal).catch((e) => ({ error: e })),
  ]);
  main.append(
    h('p', { class: 'crumbs' }, h('a', { href: '/operations' }, t('nav.operations')), ' › ', o.name),
    pageHeading(
      t('ops.title', { name: o.name }),
      h('a', { class: 'button secondary', href: recordHref('operations', o) }, t('common.record')),
      canWrite() ? h('a', { class: 'button secondary', href: recordHref('operations', o) + '/edit' }, t('common.edit')) : null,
    ),
    h(
      'dl',
      { class: 'record compact' },
      [
        [t('ops.col_kind'), vocabLabel(o.kind)],
        [t('ops.col_period'), t('common.from_to', { from: fmtDate(o.start), to: o.end ? fmtDate(o.end) : t('ops.ongoing') })],
        [t('common.sector'), sectorLabel(o.sector)],
        [t('ops.col_region'), o.admin1],
        [t('ops.col_lead'), vocabLabel(o.lead_component)],
        [t('ops.objective'), o.objective],
        [t('ops.note'), o.note],
      ]
        .filter(([, v]) => v)
        .map(([k, v]) => h('div', {}, h('dt', {}, k), h('dd', {}, v))),
    ),
  );
  main.append(
    h(
      'div',
      { class: 'two-col' },
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'h-units' },
        h('h2', { id: 'h-units' }, t('ops.col_units')),
        units.length ? h('ul', {}, units.map((u) => h('li', {}, h('a', { href: `/force/${encodeURIComponent(u.unit_id)}` }, u.name), ` · ${vocabLabel(u.unit_type)}`))) : h('p', { class: 'muted' }, t('ops.none_recorded')),
      ),
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'h-places' },
        h('h2', { id: 'h-places' }, t('ops.places')),
        places.length
          ? h('ul', {}, places.map((p) => h('li', {}, h('a', { href: `/records/places/${encodeURIComponent(p.place_id)}` }, p.name), p.admin2 ? ` · ${p.admin2}` : '')))
          : h('p', { class: 'muted' }, t('ops.none_recorded')),
      ),
    ),
  );
  const actSec = h('section', { class: 'card', 'aria-labelledby': 'h-acts' }, h('h2', { id: 'h-acts' }, t('ops.activities')));
  if (acts.length) {
    acts.sort((a, b) => (a.start < b.start ? -1 : 1));
    actSec.append(
      h(
        'div',
        { class: 'scroll' },
        h(
          'table',
          { class: 'list' },
          h('thead', {}, h('tr', {}, ['ops.col_activity', 'ops.col_kind', 'ops.col_start', 'ops.col_end', 'ops.note'].map((c) => h('th', { scope: 'col' }, t(c))))),
          h(
            'tbody',
            {},
            acts.map((a) =>
              h(
                'tr',
                {},
                h('th', { scope: 'row' }, h('a', { href: recordHref('activities', a) }, a.activity_id)),
                h('td', {}, vocabLabel(a.kind)),
                h('td', {}, fmtDate(a.start)),
                h('td', {}, a.end ? fmtDate(a.end) : ''),
                h('td', {}, a.note || ''),
              ),
            ),
          ),
        ),
      ),
    );
  } else actSec.append(h('p', { class: 'muted' }, t('ops.no_activities')));
  main.append(actSec);

  // The effect: events in the area before, during and after.
  const effSec = h('section', { class: 'card', 'aria-labelledby': 'h-eff' }, h('h2', { id: 'h-eff' }, t('ops.effect')));
  const form = h(
    'form',
    { class: 'inline' },
    h('label', { for: 'op-r' }, t('ops.within') + ' '),
    h('input', { type: 'number', id: 'op-r', name: 'radius_km', min: '1', max: '500', value: String(radius), class: 'short' }),
    h('span', {}, ' ' + t('ops.km_of_places') + ' '),
    h('label', { for: 'op-w' }, t('ops.weeks_around') + ' '),
    h('input', { type: 'number', id: 'op-w', name: 'weeks', min: '1', max: '52', value: String(weeks), class: 'short' }),
    h('button', { type: 'submit' }, t('common.show')),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    navigate(`/operations/${encodeURIComponent(id)}?${qs({ radius_km: form.elements.radius_km.value, weeks: form.elements.weeks.value })}`);
  });
  effSec.append(form);
  main.append(effSec);
  if (effect.error) {
    effSec.append(errorBox(effect.error));
    return;
  }
  const phases = ['before', 'during', 'after'];
  effSec.append(
    h(
      'div',
      { class: 'tiles three' },
      phases.map((ph) => {
        const x = effect[ph];
        if (!x) return h('section', { class: 'tile' }, h('h3', {}, t(`ops.phase_${ph}`)), h('p', { class: 'big' }, '—'), h('p', { class: 'note' }, ph === 'after' ? t('ops.still_going') : ''));
        return h(
          'section',
          { class: ['tile', 'ph-' + ph] },
          h('h3', {}, t(`ops.phase_${ph}`)),
          h('p', { class: 'big' }, h('a', { href: idsHref('events', effect.records[ph], t(`ops.events_${ph}`, { name: o.name })) }, fmtNum(x.count))),
          h('p', {}, `${t('ops.per_week', { n: x.per_week })} · ${t('common.from_to', { from: fmtDate(x.from), to: fmtDate(x.to) })}`),
          h('ul', { class: 'sub' }, Object.entries(x.by_type || {}).map(([ty, n]) => h('li', {}, h('span', { class: 'swatch', style: `background:${typeColor(ty)}` }), `${vocabLabel(ty)}${colon()}${fmtNum(n)}`))),
        );
      }),
    ),
  );
  const wk = effect.weekly || [];
  if (wk.length) {
    const types = [...new Set(wk.flatMap((w) => Object.keys(w.by_type || {})))].sort((a, b) => Object.keys(TYPE_COLORS).indexOf(a) - Object.keys(TYPE_COLORS).indexOf(b));
    effSec.append(
      weeklyBars({
        labels: wk.map((w) => w.week_start),
        series: types.map((ty) => ({ name: vocabLabel(ty), color: typeColor(ty), values: wk.map((w) => (w.by_type || {})[ty] || 0) })),
        phases: wk.map((w) => 'ph-' + w.phase),
        title: t('ops.chart', { km: effect.radius_km }),
      }),
    );
  }
  // A map of the places and the events, coloured by phase.
  const mapEl = h('div', { class: 'map small', role: 'region', 'aria-label': t('ops.map') });
  effSec.append(mapEl);
  const ids = phases.flatMap((ph) => (effect.records[ph] || []).map((e) => [e, ph]));
  const phaseOf = new Map(ids);
  const [mv, evs] = await Promise.all([import('../mapview.js'), byIds(kindMeta('events'), ids.map((x) => x[0]), { signal }).catch(() => [])]);
  if (signal.aborted) return;
  const view = await mv.createMap(mapEl, {});
  signal.addEventListener('abort', () => view.map.remove());
  const L = mv.L;
  const group = L.featureGroup();
  for (const p of effect.places || []) {
    L.circle([p.latitude, p.longitude], { radius: effect.radius_km * 1000, color: '#1f5fa8', weight: 1, fillOpacity: 0.05 }).addTo(group);
    L.marker([p.latitude, p.longitude], { title: p.name, icon: L.divIcon({ className: 'place-pin', iconSize: [12, 12] }) }).addTo(group);
  }
  for (const e of evs) {
    if (e.latitude == null) continue;
    const m = mv.eventMarker(e);
    const el = () => m.getElement();
    m.on('add', () => el() && el().classList.add('ph-' + phaseOf.get(e.event_id_cnty)));
    group.addLayer(m);
  }
  group.addTo(view.map);
  if (group.getLayers().length) view.map.fitBounds(group.getBounds().pad(0.2), { maxZoom: 10 });
  effSec.append(h('p', { class: 'muted' }, t('ops.map_key')));
}
