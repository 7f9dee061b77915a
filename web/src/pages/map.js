// map.js: events as clustered points over Mali's boundaries, coloured by
// type, filtered by period, type, sector and actor; a point opens the event.
// With a date in "Units on", the units where they stood that day (the
// unit-positions indicator: their history applied by the server).
import { api, listAll, qs, indicator } from '../api.js';
import { kindMeta, TYPE_COLORS, typeColor, vocabLabel, sectorLabel } from '../kinds.js';
import { h, fmtDate, pageHeading, errorBox, announce, validDate } from '../ui.js';
import { t, fmtNum, errorMessage, colon } from '../i18n.js';
import { periodFrom, rememberPeriod, navigate } from '../session.js';

let sectorsCache = null;
async function sectors(signal) {
  if (!sectorsCache) {
    const [areas, units] = await Promise.all([
      listAll(kindMeta('sector_areas'), {}, { signal }).catch(() => ({ items: [] })),
      listAll(kindMeta('units'), {}, { signal }).catch(() => ({ items: [] })),
    ]);
    sectorsCache = [...new Set([...areas.items, ...units.items].map((r) => r.sector).filter(Boolean))].sort();
  }
  return sectorsCache;
}

export async function mapPage({ main, query, signal }) {
  const p = await periodFrom(query);
  rememberPeriod(p);
  const types = (query.getAll('type').join(',') || '').split(',').filter(Boolean);
  const sector = query.get('sector') || '';
  const actor = query.get('actor') || '';
  const adm2 = query.get('adm2') === '1';
  const focus = query.get('focus');
  const unitsOn = validDate(query.get('units')) ? query.get('units') : '';

  const typeBoxes = Object.keys(TYPE_COLORS).map((ty) =>
    h(
      'label',
      { class: 'check' },
      h('input', { type: 'checkbox', name: 'type', value: ty, checked: !types.length || types.includes(ty) }),
      h('span', { class: 'swatch', style: `background:${typeColor(ty)}` }),
      vocabLabel(ty),
      h('span', { class: 'type-count', dataset: { type: ty } }),
    ),
  );
  const sectorSel = h('select', { name: 'sector', id: 'm-sector' }, h('option', { value: '' }, t('common.all_sectors')));
  const actorIn = h('input', { name: 'actor', id: 'm-actor', type: 'search', value: actor, list: 'm-actors', placeholder: t('map.actor_example') });
  const actorList = h('datalist', { id: 'm-actors' });
  const adm2Box = h('input', { type: 'checkbox', name: 'adm2', value: '1', checked: adm2 });
  const summary = h('p', { class: 'map-summary', role: 'status' }, t('map.loading'));
  const form = h(
    'form',
    { class: 'map-filters', 'aria-label': t('map.filters') },
    h('div', { class: 'field' }, h('label', { for: 'm-from' }, t('period.from')), h('input', { type: 'date', id: 'm-from', name: 'from', value: p.from })),
    h('div', { class: 'field' }, h('label', { for: 'm-to' }, t('period.to')), h('input', { type: 'date', id: 'm-to', name: 'to', value: p.to })),
    h('fieldset', { class: 'types' }, h('legend', {}, t('map.type')), typeBoxes),
    h('div', { class: 'field' }, h('label', { for: 'm-sector' }, t('common.sector')), sectorSel),
    h('div', { class: 'field' }, h('label', { for: 'm-actor' }, t('map.actor')), actorIn, actorList),
    h('label', { class: 'check' }, adm2Box, t('map.show_cercles')),
    h('div', { class: 'field' }, h('label', { for: 'm-units' }, t('map.units_on')), h('input', { type: 'date', id: 'm-units', name: 'units', value: unitsOn })),
    h('button', { type: 'submit', class: 'primary' }, t('common.show')),
    summary,
  );
  const mapEl = h('div', { class: 'map', id: 'map', role: 'region', 'aria-label': t('map.region') });
  const listBox = h('details', { class: 'map-list' }, h('summary', {}, t('map.as_list')));
  main.append(pageHeading(t('nav.map')), h('div', { class: 'map-layout' }, form, h('div', { class: 'map-col' }, mapEl, listBox)));

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const fd = new FormData(form);
    const sel = fd.getAll('type');
    const params = {
      from: fd.get('from'),
      to: fd.get('to'),
      type: sel.length === Object.keys(TYPE_COLORS).length ? null : sel.join(',') || 'none',
      sector: fd.get('sector'),
      actor: fd.get('actor'),
      adm2: fd.get('adm2') ? '1' : null,
      units: fd.get('units') || null,
    };
    navigate('/map?' + qs(params));
  });

  sectors(signal).then((list) => {
    for (const s of list) sectorSel.append(h('option', { value: s, selected: s === sector }, sectorLabel(s)));
  });

  const mv = await import('../mapview.js');
  if (signal.aborted) return;
  const view = await mv.createMap(mapEl, { adm2 });
  signal.addEventListener('abort', () => view.map.remove());
  adm2Box.addEventListener('change', () => view.showAdm2(adm2Box.checked));

  if (unitsOn) showUnits(view, mv, unitsOn, sector, signal);

  const params = { event_date: [`ge:${p.from}`, `le:${p.to}`] };
  if (types.length && !types.includes('none')) params.event_type = types.join(',');
  if (sector) params.sector = sector;
  let fc;
  try {
    if (types.includes('none')) fc = { features: [] };
    else fc = await api('events.geojson', { params, signal });
  } catch (e) {
    if (e.name === 'AbortError') return;
    summary.replaceWith(errorBox(e));
    return;
  }
  const needle = actor.trim().toLowerCase();
  const actorOf = (pr) => [pr.actor1, pr.actor2, pr.assoc_actor_1, pr.assoc_actor_2].filter(Boolean);
  const feats = fc.features.filter((f) => f.geometry && (!needle || actorOf(f.properties).some((a) => a.toLowerCase().includes(needle))));
  const actors = new Set();
  fc.features.forEach((f) => actorOf(f.properties).forEach((a) => actors.size < 300 && actors.add(a)));
  [...actors].sort().forEach((a) => actorList.append(h('option', { value: a })));

  const cluster = mv.clusterLayer();
  const markers = new Map();
  const counts = {};
  for (const f of feats) {
    const m = mv.eventMarker(f);
    markers.set(f.properties.event_id_cnty, m);
    counts[f.properties.event_type] = (counts[f.properties.event_type] || 0) + 1;
    cluster.addLayer(m);
  }
  view.map.addLayer(cluster);
  form.querySelectorAll('.type-count').forEach((s) => (s.textContent = counts[s.dataset.type] ? ` (${fmtNum(counts[s.dataset.type])})` : ''));
  summary.textContent =
    t('map.summary', { n: feats.length, from: fmtDate(p.from), to: fmtDate(p.to) }) +
    (needle ? t('map.summary_actor', { actor }) : '') +
    (sector ? t('map.summary_sector', { sector: sectorLabel(sector) }) : '') +
    '.';

  // The list: the same events, newest first, for keyboard and screen reader users.
  const sorted = feats.map((f) => f.properties).sort((a, b) => (a.event_date < b.event_date ? 1 : a.event_date > b.event_date ? -1 : 0));
  listBox.append(
    h(
      'div',
      { class: 'scroll' },
      h(
        'table',
        { class: 'list' },
        h('thead', {}, h('tr', {}, [t('map.col_date'), t('map.col_type'), t('map.col_place'), t('map.col_event')].map((c) => h('th', { scope: 'col' }, c)))),
        h(
          'tbody',
          {},
          sorted.slice(0, 500).map((e) =>
            h(
              'tr',
              {},
              h('td', {}, fmtDate(e.event_date)),
              h('td', {}, h('span', { class: 'swatch', style: `background:${typeColor(e.event_type)}` }), vocabLabel(e.event_type)),
              h('td', {}, e.location || ''),
              h(
                'td',
                {},
                h('a', { href: `/records/events/${encodeURIComponent(e.event_id_cnty)}` }, e.event_id_cnty),
                ' ',
                h(
                  'button',
                  {
                    type: 'button',
                    class: 'link',
                    onclick: () => showOnMap(e.event_id_cnty),
                  },
                  t('map.show_on_map'),
                ),
              ),
            ),
          ),
        ),
      ),
      sorted.length > 500 ? h('p', { class: 'muted' }, t('map.first_500', { n: sorted.length })) : null,
    ),
  );

  function showOnMap(id) {
    const m = markers.get(id);
    if (!m) return;
    cluster.zoomToShowLayer(m, () => {
      m.openPopup();
      const el = m.getElement();
      if (el) el.focus();
    });
    mapEl.scrollIntoView({ block: 'nearest' });
  }
  if (focus) {
    if (markers.has(focus)) showOnMap(focus);
    else announce(t('map.not_on_map', { id: focus }), 'warn');
  } else if (feats.length) {
    const b = cluster.getBounds();
    if (b.isValid()) view.map.fitBounds(b.pad(0.2), { maxZoom: 9 });
  }
}

// The units on day `day`, one marker per place (a camp holds several units).
async function showUnits(view, mv, day, sector, signal) {
  let pos;
  try {
    pos = await indicator('unit-positions', { as_of: day, ...(sector ? { sector } : {}) }, signal);
  } catch (e) {
    if (e.name !== 'AbortError') announce(t('map.units_failed', { why: errorMessage(e) }), 'warn');
    return;
  }
  const at = new Map();
  for (const u of pos.units) {
    if (u.latitude == null || u.longitude == null || u.status === 'repatriated' || u.status === 'pledged') continue;
    const k = `${u.latitude},${u.longitude}`;
    at.set(k, [...(at.get(k) || []), u]);
  }
  const layer = mv.L.layerGroup();
  for (const list of at.values()) {
    const { latitude, longitude } = list[0];
    const title = `${t('map.units_title', { n: list.length, date: fmtDate(day) })}${colon()}${list.map((u) => u.name).join(', ')}`;
    const m = mv.L.marker([latitude, longitude], {
      title,
      alt: title,
      icon: mv.L.divIcon({ className: 'unit-pin', html: `<span>${list.length}</span>`, iconSize: [22, 22] }),
    });
    const box = document.createElement('div');
    box.append(
      h('p', {}, h('strong', {}, t('map.units_heading', { date: fmtDate(day) }))),
      h(
        'ul',
        { class: 'unit-list' },
        list.map((u) =>
          h(
            'li',
            {},
            h('a', { href: `/force/${encodeURIComponent(u.unit_id)}?as_of=${day}` }, u.name),
            ` — ${vocabLabel(u.status) || t('map.no_status')}${u.deployed_strength != null ? `, ${fmtNum(u.deployed_strength)}` : ''}${u.sector ? `, ${t('map.sector_lower', { sector: sectorLabel(u.sector) })}` : ''}`,
          ),
        ),
      ),
    );
    m.bindPopup(box);
    layer.addLayer(m);
  }
  view.map.addLayer(layer);
  const n = [...at.values()].reduce((s, l) => s + l.length, 0);
  announce(t('map.units_shown', { n, date: fmtDate(day) }));
}
