// mapview.js: the map (Leaflet, with leaflet.markercluster for clusters),
// loaded only by the pages that show one. The background is Mali's regions
// and cercles, embedded in the binary; a tile layer is added only when the
// configuration names a tile server the mission runs.
import L from './leaflet-global.js';
import 'leaflet.markercluster';
import { state } from './session.js';
import { h, fmtDate, valueText } from './ui.js';
import { typeColor, typeClass, vocabLabel, fieldLabel } from './kinds.js';
import { t, fmtNum, colon } from './i18n.js';

export { L };

const MALI = [
  [10.1, -12.3],
  [25.1, 4.3],
];
const cache = {};
async function geo(url) {
  if (!url) return null;
  if (!cache[url])
    cache[url] = fetch(url).then((r) => {
      if (!r.ok) throw new Error(`${url}: ${r.status}`);
      return r.json();
    });
  return cache[url];
}

// createMap(el, {adm2}): a map fitted to Mali with the regions drawn.
export async function createMap(el, { adm2 = false, minZoom = 4 } = {}) {
  const map = L.map(el, { minZoom, maxZoom: 16, zoomSnap: 0.5, worldCopyJump: false, preferCanvas: false, keyboard: true, zoomControl: false });
  L.control.zoom({ zoomInTitle: t('map.zoom_in'), zoomOutTitle: t('map.zoom_out') }).addTo(map);
  map.attributionControl.setPrefix('Leaflet');
  map.fitBounds(MALI);
  const c = state.config || {};
  if (c.tile_url) {
    L.tileLayer(c.tile_url, { attribution: c.tile_attribution || '', maxZoom: c.tile_max_zoom || 18 }).addTo(map);
    el.classList.add('with-tiles');
  }
  map.attributionControl.addAttribution(t('map.attribution'));
  const m = state.manifest || {};
  const layers = {};
  try {
    const adm1 = await geo(m.adm1);
    if (adm1) {
      layers.adm1 = L.geoJSON(adm1, { style: { color: '#44617b', weight: 1.5, fillColor: '#f4f1e8', fillOpacity: c.tile_url ? 0 : 1 }, interactive: false }).addTo(map);
      layers.labels = L.layerGroup(
        adm1.features.map((f) => {
          const center = L.geoJSON(f).getBounds().getCenter();
          return L.marker(center, {
            icon: L.divIcon({ className: 'region-label', html: '', iconSize: null }),
            interactive: false,
            keyboard: false,
          }).on('add', (e) => {
            const icon = e.target.getElement();
            if (icon) icon.textContent = f.properties.name === 'Koulikouro' ? 'Koulikoro' : f.properties.name;
          });
        }),
      ).addTo(map);
    }
  } catch (e) {
    console.warn('boundaries', e);
  }
  const api = {
    map,
    layers,
    async showAdm2(on) {
      if (on && !layers.adm2) {
        const adm2 = await geo(m.adm2);
        layers.adm2 = L.geoJSON(adm2, { style: { color: '#8da2b5', weight: 0.7, fill: false, dashArray: '3 3' }, interactive: false });
      }
      if (layers.adm2) on ? layers.adm2.addTo(map) : layers.adm2.remove();
    },
  };
  if (adm2) await api.showAdm2(true);
  setTimeout(() => map.invalidateSize(), 0);
  return api;
}

// A marker for one event: a dot coloured by type, focusable, with a title.
export function eventMarker(f, onOpen) {
  const p = f.properties || f;
  const lat = f.geometry ? f.geometry.coordinates[1] : p.latitude;
  const lon = f.geometry ? f.geometry.coordinates[0] : p.longitude;
  const title = `${fmtDate(p.event_date)} ${vocabLabel(p.event_type)}${p.location ? ' — ' + p.location : ''} (${p.event_id_cnty})`;
  const m = L.marker([lat, lon], {
    icon: L.divIcon({ className: 'ev-dot ' + typeClass(p.event_type), iconSize: [14, 14], html: '' }),
    title,
    alt: title,
    keyboard: true,
    riseOnHover: true,
  });
  m.eventId = p.event_id_cnty;
  m.eventType = p.event_type;
  m.bindPopup(() => eventPopup(p, onOpen), { maxWidth: 300 });
  return m;
}

export function eventPopup(p, onOpen) {
  const href = `/records/events/${encodeURIComponent(p.event_id_cnty)}`;
  const cas = ['civilians_killed', 'civilians_injured', 'peacekeepers_killed', 'peacekeepers_injured', 'forces_killed', 'forces_injured']
    .filter((k) => p[k])
    .map((k) => `${fieldLabel('events', k)}${colon()}${fmtNum(p[k])}`);
  return h(
    'div',
    { class: 'ev-popup' },
    h('p', { class: 'ev-type' }, h('span', { class: 'swatch', style: `background:${typeColor(p.event_type)}` }), `${vocabLabel(p.event_type)} · ${vocabLabel(p.sub_event_type)}`),
    h('p', {}, h('strong', {}, fmtDate(p.event_date)), p.location ? ` · ${p.location}` : '', p.site ? ` (${p.site})` : ''),
    p.actor1 ? h('p', {}, valueText(p.actor1), p.actor2 ? ` ${t('map.versus')} ${p.actor2}` : '') : null,
    cas.length ? h('p', {}, cas.join(', ')) : p.fatalities ? h('p', {}, t('map.fatalities', { n: p.fatalities })) : null,
    p.notes ? h('p', { class: 'notes' }, p.notes.length > 220 ? p.notes.slice(0, 220) + '…' : p.notes) : null,
    h(
      'p',
      {},
      h(
        'a',
        {
          href,
          class: 'open-event',
          onclick: (e) => {
            if (onOpen) {
              e.preventDefault();
              onOpen(p.event_id_cnty);
            }
          },
        },
        t('map.open_event', { id: p.event_id_cnty }),
      ),
      p.classification ? h('span', { class: 'cls' }, ' · ' + vocabLabel(p.classification)) : null,
    ),
  );
}

// A cluster layer whose cluster icons show the count and the main type.
export function clusterLayer() {
  return L.markerClusterGroup({
    showCoverageOnHover: false,
    maxClusterRadius: 45,
    spiderfyOnMaxZoom: true,
    chunkedLoading: true,
    iconCreateFunction(cluster) {
      const n = cluster.getChildCount();
      const counts = {};
      for (const m of cluster.getAllChildMarkers()) counts[m.eventType] = (counts[m.eventType] || 0) + 1;
      const main = Object.entries(counts).sort((a, b) => b[1] - a[1])[0][0];
      const size = n < 10 ? 30 : n < 100 ? 38 : 46;
      return L.divIcon({
        html: `<span>${n}</span>`,
        className: 'ev-cluster ' + typeClass(main),
        iconSize: [size, size],
      });
    },
  });
}
