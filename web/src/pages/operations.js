// operations.js: the operations, and one operation with its activities,
// units, places and the events in its area before, during and after it
// (the operation-effect indicator).
import { api, indicator, listAll, byIds, qs } from '../api.js';
import { kindMeta, TYPE_COLORS, typeColor } from '../kinds.js';
import { h, pageHeading, errorBox, fmtDate, vocabLabel, fmtNum } from '../ui.js';
import { canWrite, navigate } from '../session.js';
import { weeklyBars } from '../charts.js';
import { idsHref } from './dashboard.js';
import { recordHref } from './records.js';

export async function operationsPage({ main, signal }) {
  main.append(pageHeading('Operations', canWrite() ? h('a', { class: 'button', href: '/records/operations/new' }, 'New operation') : null));
  const { items } = await listAll(kindMeta('operations'), {}, { signal });
  items.sort((a, b) => (a.start < b.start ? 1 : -1));
  main.append(
    h(
      'div',
      { class: 'scroll' },
      h(
        'table',
        { class: 'list' },
        h('caption', { class: 'sr-only' }, 'Operations, newest first'),
        h('thead', {}, h('tr', {}, ['Operation', 'Kind', 'Sector', 'Region', 'Period', 'Lead', 'Units'].map((t) => h('th', { scope: 'col' }, t)))),
        h(
          'tbody',
          {},
          items.map((o) =>
            h(
              'tr',
              {},
              h('th', { scope: 'row' }, h('a', { href: `/operations/${encodeURIComponent(o.operation_id)}` }, o.name)),
              h('td', {}, vocabLabel(o.kind)),
              h('td', {}, o.sector || ''),
              h('td', {}, o.admin1 || ''),
              h('td', {}, `${fmtDate(o.start)} – `, o.end ? fmtDate(o.end) : h('span', { class: 'badge ok' }, 'ongoing')),
              h('td', {}, o.lead_component || ''),
              h('td', { class: 'num' }, String((o.units || []).length)),
            ),
          ),
        ),
      ),
    ),
    items.length ? null : h('p', { class: 'empty' }, 'No operations are recorded.'),
  );
}

export async function operationPage({ main, params, query, signal }) {
  const id = params[0];
  let o;
  try {
    o = await api(`operations/${encodeURIComponent(id)}`, { signal });
  } catch (e) {
    if (e.name === 'AbortError') return;
    main.append(pageHeading('No such operation'), h('p', {}, e.status === 404 ? `There is no operation ${id}.` : e.message), h('p', {}, h('a', { href: '/operations' }, 'All operations')));
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
    h('p', { class: 'crumbs' }, h('a', { href: '/operations' }, 'Operations'), ' › ', o.name),
    pageHeading(
      `Operation ${o.name}`,
      h('a', { class: 'button secondary', href: recordHref('operations', o) }, 'Record'),
      canWrite() ? h('a', { class: 'button secondary', href: recordHref('operations', o) + '/edit' }, 'Edit') : null,
    ),
    h(
      'dl',
      { class: 'record compact' },
      [
        ['Kind', vocabLabel(o.kind)],
        ['Period', [fmtDate(o.start), ' to ', o.end ? fmtDate(o.end) : 'ongoing']],
        ['Sector', o.sector],
        ['Region', o.admin1],
        ['Lead', o.lead_component],
        ['Objective', o.objective],
        ['Note', o.note],
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
        h('h2', { id: 'h-units' }, 'Units'),
        units.length ? h('ul', {}, units.map((u) => h('li', {}, h('a', { href: `/force/${encodeURIComponent(u.unit_id)}` }, u.name), ` · ${vocabLabel(u.unit_type)}`))) : h('p', { class: 'muted' }, 'None recorded.'),
      ),
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'h-places' },
        h('h2', { id: 'h-places' }, 'Places'),
        places.length
          ? h('ul', {}, places.map((p) => h('li', {}, h('a', { href: `/records/places/${encodeURIComponent(p.place_id)}` }, p.name), p.admin2 ? ` · ${p.admin2}` : '')))
          : h('p', { class: 'muted' }, 'None recorded.'),
      ),
    ),
  );
  const actSec = h('section', { class: 'card', 'aria-labelledby': 'h-acts' }, h('h2', { id: 'h-acts' }, 'Activities'));
  if (acts.length) {
    acts.sort((a, b) => (a.start < b.start ? -1 : 1));
    actSec.append(
      h(
        'div',
        { class: 'scroll' },
        h(
          'table',
          { class: 'list' },
          h('thead', {}, h('tr', {}, ['Activity', 'Kind', 'Start', 'End', 'Note'].map((t) => h('th', { scope: 'col' }, t)))),
          h(
            'tbody',
            {},
            acts.map((a) =>
              h(
                'tr',
                {},
                h('th', { scope: 'row' }, h('a', { href: recordHref('activities', a) }, a.activity_id)),
                h('td', {}, vocabLabel(a.kind)),
                h('td', {}, a.start),
                h('td', {}, a.end || ''),
                h('td', {}, a.note || ''),
              ),
            ),
          ),
        ),
      ),
    );
  } else actSec.append(h('p', { class: 'muted' }, 'No activities are recorded.'));
  main.append(actSec);

  // The effect: events in the area before, during and after.
  const effSec = h('section', { class: 'card', 'aria-labelledby': 'h-eff' }, h('h2', { id: 'h-eff' }, 'Events in its area: before, during, after'));
  const form = h(
    'form',
    { class: 'inline' },
    h('label', { for: 'op-r' }, 'Within '),
    h('input', { type: 'number', id: 'op-r', name: 'radius_km', min: '1', max: '500', value: String(radius), class: 'short' }),
    h('span', {}, ' km of its places, '),
    h('label', { for: 'op-w' }, 'weeks before and after '),
    h('input', { type: 'number', id: 'op-w', name: 'weeks', min: '1', max: '52', value: String(weeks), class: 'short' }),
    h('button', { type: 'submit' }, 'Show'),
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
        if (!x) return h('section', { class: 'tile' }, h('h3', {}, ph), h('p', { class: 'big' }, '—'), h('p', { class: 'note' }, ph === 'after' ? 'The operation is still going on.' : ''));
        return h(
          'section',
          { class: ['tile', 'ph-' + ph] },
          h('h3', {}, `${ph[0].toUpperCase()}${ph.slice(1)}`),
          h('p', { class: 'big' }, h('a', { href: idsHref('events', effect.records[ph], `Events ${ph} operation ${o.name}`) }, fmtNum(x.count))),
          h('p', {}, `${x.per_week} per week · ${fmtDate(x.from)} to ${fmtDate(x.to)}`),
          h('ul', { class: 'sub' }, Object.entries(x.by_type || {}).map(([t, n]) => h('li', {}, h('span', { class: 'swatch', style: `background:${typeColor(t)}` }), `${n} ${t}`))),
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
        series: types.map((t) => ({ name: t, color: typeColor(t), values: wk.map((w) => (w.by_type || {})[t] || 0) })),
        phases: wk.map((w) => 'ph-' + w.phase),
        title: `Events per week within ${effect.radius_km} km (shaded: before, during, after)`,
      }),
    );
  }
  // A map of the places and the events, coloured by phase.
  const mapEl = h('div', { class: 'map small', role: 'region', 'aria-label': 'Map of the operation area' });
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
  effSec.append(h('p', { class: 'muted' }, 'Markers: events (colour by type; ring: grey before, blue during, green after); circles: the area around each place.'));
}
