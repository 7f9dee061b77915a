// incident.js: the incident entry form of the operations centre. Place by
// gazetteer search or a click on the map, date and its precision, type and
// sub-type, actors, casualties by category, classification. The server's
// validation messages appear next to the fields they name. What is typed is
// kept in this browser as a draft; an incident submitted while the
// connection is down waits in the outbox and is sent when it returns
// (recordform.js, shared with the casualty-evacuation form).
import { api, listAll } from '../api.js';
import { kindMeta, eventTypeList, subTypesOf, fieldLabel } from '../kinds.js';
import { h, field, pageHeading, todayIso, announce, vocabLabel, fmtDate } from '../ui.js';
import { t, getLang, errorMessage } from '../i18n.js';
import { canWrite } from '../session.js';
import { placePicker, placeLabel } from '../placepicker.js';
import { recordForm, controls, newId } from '../recordform.js';

const DRAFT = 'bh.draft.incident';
const CASUALTIES = ['civilians', 'peacekeepers', 'forces'];
const NUMERIC = new Set([
  'civilians_killed',
  'civilians_injured',
  'peacekeepers_killed',
  'peacekeepers_injured',
  'forces_killed',
  'forces_injured',
  'attackers',
  'fatalities',
  'latitude',
  'longitude',
  'time_precision',
]);

export async function incidentPage({ main, query, signal }) {
  const editId = query.get('id');
  const ev = kindMeta('events');
  const vocab = (f) => ev.byName.get(f).vocabulary || [];
  main.append(pageHeading(editId ? t('incident.edit_title', { id: editId }) : t('nav.new_incident')));
  if (!canWrite()) {
    main.append(h('p', { class: 'alert' }, t('incident.read_only')));
    return;
  }
  let stored = null;
  if (editId) {
    try {
      stored = await api(`events/${encodeURIComponent(editId)}`, { signal });
    } catch (e) {
      main.append(h('div', { class: 'alert error', role: 'alert' }, e.status === 404 ? t('incident.no_such', { id: editId }) : errorMessage(e)));
      return;
    }
  }
  const ops = await listAll(kindMeta('operations'), {}, { signal }).catch(() => ({ items: [] }));

  // --- controls
  const { c, inp, sel } = controls('i');

  inp('event_id_cnty', { value: newId('joc'), required: true, readonly: !!editId, autocomplete: 'off', spellcheck: 'false' });
  inp('event_date', { type: 'date', value: todayIso(), required: true, max: '2100-12-31' });
  sel('time_precision', [
    ['1', t('incident.precision_day')],
    ['2', t('incident.precision_week')],
    ['3', t('incident.precision_month')],
  ], '1');
  const picker = placePicker({
    name: 'place_id',
    id: 'i-place',
    onPick: (p) => {
      if (p) {
        c.location.value = p.name;
        setPoint(p.latitude, p.longitude, false);
      }
      rf.saveDraft();
    },
  });
  inp('site', { placeholder: t('incident.site_example'), autocomplete: 'off' });
  inp('location', { autocomplete: 'off' });
  inp('latitude', { type: 'number', step: 'any', inputmode: 'decimal' });
  inp('longitude', { type: 'number', step: 'any', inputmode: 'decimal' });
  sel('event_type', [['', t('incident.choose_type')], ...eventTypeList().map((ty) => [ty, vocabLabel(ty)])], '', { required: true });
  sel('sub_event_type', [['', t('incident.choose_type_first')]], '', { required: true });
  sel('weapon', [['', '—'], ...vocab('weapon')], '');
  sel('ied_outcome', [['', '—'], ...vocab('ied_outcome')], '');
  sel('target', [['', '—'], ...vocab('target')], '');
  inp('actor1', { autocomplete: 'off', placeholder: t('incident.actor1_example') });
  inp('assoc_actor_1', { autocomplete: 'off' });
  inp('actor2', { autocomplete: 'off', placeholder: t('incident.actor2_example') });
  inp('assoc_actor_2', { autocomplete: 'off' });
  for (const k of CASUALTIES) {
    inp(`${k}_killed`, { type: 'number', min: '0', step: '1', inputmode: 'numeric' });
    inp(`${k}_injured`, { type: 'number', min: '0', step: '1', inputmode: 'numeric' });
  }
  inp('fatalities', { type: 'number', min: '0', step: '1', inputmode: 'numeric' });
  inp('attackers', { type: 'number', min: '0', step: '1', inputmode: 'numeric' });
  sel('poc', [
    ['', t('incident.poc_default')],
    ['yes', t('value.yes_cap')],
    ['no', t('value.no_cap')],
  ], '');
  sel('classification', vocab('classification').map((v) => [v, vocabLabel(v).toLocaleUpperCase(getLang())]), 'restricted', { required: true });
  sel('verification', vocab('verification').map((v) => [v, vocabLabel(v)]), 'reported');
  sel('reliability', [['', '—'], ...vocab('reliability').map((v) => [v, vocabLabel(v)])], '');
  sel('credibility', [['', '—'], ...vocab('credibility').map((v) => [v, vocabLabel(v)])], '');
  sel('operation_id', [['', t('common.none')], ...ops.items.map((o) => [o.operation_id, `${o.name} (${o.operation_id})`])], '');
  inp('source', { value: t('incident.default_source'), autocomplete: 'off' });
  c.notes = h('textarea', { name: 'notes', id: 'i-notes', rows: '4' });

  function fillSubtypes(keep) {
    const ty = c.event_type.value;
    const subs = subTypesOf(ty);
    c.sub_event_type.replaceChildren(
      h('option', { value: '' }, ty ? t('incident.choose_subtype') : t('incident.choose_type_first')),
      ...subs.map((s) => h('option', { value: s, selected: s === keep }, vocabLabel(s))),
    );
    if (!subs.includes(keep) && keep) c.sub_event_type.append(h('option', { value: keep, selected: true }, vocabLabel(keep)));
  }
  c.event_type.addEventListener('change', () => fillSubtypes(''));

  // --- the shared machinery: drafts, the outbox, values in and out, submit
  const rf = recordForm({
    kind: 'events',
    idField: 'event_id_cnty',
    editId,
    stored,
    draft: DRAFT,
    c,
    picker,
    placeName: 'place_id',
    refusedKey: 'incident.outbox_refused',
    notRecordedKey: 'incident.not_recorded',
    toValue: (name, val) => (name === 'poc' ? val === 'yes' : NUMERIC.has(name) ? Number(val) : val),
    finish(b) {
      if (b.event_date) b.year = Number(b.event_date.slice(0, 4));
      if (!b.event_date && editId) delete b.year;
      return b;
    },
    // An edit sends only what changed: a value the stored record takes by
    // default (a weapon from the sub-type, a target from the event type)
    // stays a default instead of becoming a value given.
    onlyChanges: true,
    fromRecord: placeValues,
    afterSet(v) {
      fillSubtypes(v.sub_event_type || '');
      if (pick) pick.set(v.latitude, v.longitude, true);
    },
    blank() {
      form.reset();
      rf.setValues({ event_id_cnty: newId('joc'), event_date: todayIso(), time_precision: '1', classification: 'restricted', verification: 'reported', source: t('incident.default_source'), place_id: '', place_label: '' });
      c.event_type.value = '';
      fillSubtypes('');
    },
    queued,
    saved,
  });
  const { errSummary, done, draftNote } = rf;

  // --- layout
  const mapBox = h('div', { class: 'pick-map', hidden: true, role: 'region', 'aria-label': t('incident.map_region') });
  const mapBtn = h('button', { type: 'button', class: 'secondary', 'aria-expanded': 'false' }, t('incident.pick_on_map'));
  const submit = h('button', { type: 'submit', class: 'primary' }, editId ? t('incident.save') : t('incident.record'));
  // A column's label as the kinds declare it, with * when required.
  const L = (name, required) => fieldLabel('events', name) + (required ? ' *' : '');
  const form = h(
    'form',
    { class: 'incident', novalidate: true, 'aria-describedby': 'inc-help' },
    h('p', { id: 'inc-help', class: 'muted' }, t('incident.help')),
    errSummary,
    draftNote,
    h(
      'fieldset',
      {},
      h('legend', {}, t('incident.when')),
      h('div', { class: 'grid' }, field(L('event_date', true), c.event_date, { name: 'event_date' }), field(L('time_precision'), c.time_precision, { name: 'time_precision' })),
    ),
    h(
      'fieldset',
      {},
      h('legend', {}, t('incident.where')),
      h(
        'div',
        { class: 'grid' },
        field(t('incident.place'), picker.input, { name: 'place_id', hint: t('incident.place_hint'), wide: true, wrap: picker.el }),
        field(t('incident.site'), c.site, { name: 'site' }),
        field(t('incident.location'), c.location, { name: 'location', hint: t('incident.location_hint') }),
        field(L('latitude'), c.latitude, { name: 'latitude' }),
        field(L('longitude'), c.longitude, { name: 'longitude' }),
      ),
      h('p', {}, mapBtn),
      mapBox,
    ),
    h(
      'fieldset',
      {},
      h('legend', {}, t('incident.what')),
      h(
        'div',
        { class: 'grid' },
        field(L('event_type', true), c.event_type, { name: 'event_type' }),
        field(L('sub_event_type', true), c.sub_event_type, { name: 'sub_event_type' }),
        field(L('weapon'), c.weapon, { name: 'weapon' }),
        field(L('ied_outcome'), c.ied_outcome, { name: 'ied_outcome', hint: t('incident.ied_outcome_hint') }),
        field(L('target'), c.target, { name: 'target' }),
        field(L('poc'), c.poc, { name: 'poc' }),
      ),
    ),
    h(
      'fieldset',
      {},
      h('legend', {}, t('incident.who')),
      h(
        'div',
        { class: 'grid' },
        field(t('incident.actor1'), c.actor1, { name: 'actor1' }),
        field(L('assoc_actor_1'), c.assoc_actor_1, { name: 'assoc_actor_1' }),
        field(t('incident.actor2'), c.actor2, { name: 'actor2' }),
        field(L('assoc_actor_2'), c.assoc_actor_2, { name: 'assoc_actor_2' }),
        field(t('incident.attackers'), c.attackers, { name: 'attackers' }),
      ),
    ),
    h(
      'fieldset',
      { class: 'casualties' },
      h('legend', {}, t('incident.casualties')),
      h(
        'div',
        { class: 'grid cas' },
        CASUALTIES.flatMap((k) => [field(L(`${k}_killed`), c[`${k}_killed`], { name: `${k}_killed` }), field(L(`${k}_injured`), c[`${k}_injured`], { name: `${k}_injured` })]),
        field(t('incident.fatalities'), c.fatalities, { name: 'fatalities' }),
      ),
    ),
    h(
      'fieldset',
      {},
      h('legend', {}, t('incident.handling')),
      h(
        'div',
        { class: 'grid' },
        field(L('classification', true), c.classification, { name: 'classification', hint: t('incident.classification_hint') }),
        field(L('verification'), c.verification, { name: 'verification', hint: t('curation.verification_hint') }),
        field(L('reliability'), c.reliability, { name: 'reliability' }),
        field(L('credibility'), c.credibility, { name: 'credibility' }),
        field(L('operation_id'), c.operation_id, { name: 'operation_id' }),
        field(L('source'), c.source, { name: 'source' }),
        field(t('incident.id'), c.event_id_cnty, { name: 'event_id_cnty', hint: editId ? null : t('incident.id_hint') }),
        field(L('notes'), c.notes, { name: 'notes', wide: true }),
      ),
    ),
    h(
      'div',
      { class: 'actions' },
      submit,
      h('button', { type: 'button', class: 'secondary', onclick: () => rf.discard() }, editId ? t('incident.undo') : t('incident.clear')),
    ),
  );
  main.append(done, form);

  // --- map picking
  let pick = null;
  async function ensureMap() {
    if (pick) return pick;
    const mv = await import('../mapview.js');
    const view = await mv.createMap(mapBox, {});
    let marker = null;
    pick = {
      view,
      set(lat, lon, zoom) {
        if (lat == null || lon == null || lat === '' || lon === '') return;
        if (!marker) marker = mv.L.marker([lat, lon], { keyboard: false, title: t('incident.marker'), icon: mv.L.divIcon({ className: 'pick-pin', iconSize: [18, 18] }) }).addTo(view.map);
        else marker.setLatLng([lat, lon]);
        if (zoom) view.map.setView([lat, lon], Math.max(view.map.getZoom(), 8));
      },
    };
    view.map.on('click', (e) => {
      const lat = Math.round(e.latlng.lat * 100000) / 100000;
      const lon = Math.round(e.latlng.lng * 100000) / 100000;
      c.latitude.value = lat;
      c.longitude.value = lon;
      pick.set(lat, lon, false);
      announce(t('incident.placed', { lat: String(lat), lon: String(lon) }));
      rf.saveDraft();
    });
    signal.addEventListener('abort', () => view.map.remove());
    if (c.latitude.value && c.longitude.value) pick.set(Number(c.latitude.value), Number(c.longitude.value), true);
    return pick;
  }
  mapBtn.addEventListener('click', async () => {
    const show = mapBox.hidden;
    mapBox.hidden = !show;
    mapBtn.setAttribute('aria-expanded', String(show));
    mapBtn.textContent = show ? t('incident.hide_map') : t('incident.pick_on_map');
    if (show) {
      const p = await ensureMap();
      p.view.map.invalidateSize();
    }
  });
  function setPoint(lat, lon, zoom = true) {
    c.latitude.value = lat ?? '';
    c.longitude.value = lon ?? '';
    if (pick) pick.set(lat, lon, zoom);
  }

  function placeValues(r) {
    const v = { ...r };
    v.place_label = r.place_id ? `${r.location || r.place_id}` : '';
    v.poc = r.poc === true ? 'yes' : r.poc === false ? 'no' : '';
    return v;
  }
  rf.start(form, submit);

  // --- after a save: kept in the outbox, or recorded
  function queued(b) {
    rf.dropDraft();
    rf.showDone(h('p', {}, h('strong', {}, t('incident.kept', { id: b.event_id_cnty })), t('incident.kept_why')));
    if (!rf.editId) rf.discard();
  }
  function saved(rec) {
    const id = rec.event_id_cnty;
    rf.showDone(
      h('p', {}, h('strong', {}, t('incident.recorded', { id })), ` (${vocabLabel(rec.event_type)}, ${fmtDate(rec.event_date)}${rec.location ? ', ' + rec.location : ''}).`),
      h(
        'p',
        {},
        h('a', { href: `/records/events/${encodeURIComponent(id)}` }, t('incident.open_it')),
        ' · ',
        h('a', { href: `/map?from=${rec.event_date}&to=${rec.event_date}&focus=${encodeURIComponent(id)}` }, t('incident.see_on_map')),
        ' · ',
        h('a', { href: '/incident/new' }, t('incident.log_another')),
      ),
    );
    if (!rf.editId) {
      rf.discard();
      draftNote.hidden = true;
    } else rf.stored = rec;
    window.scrollTo(0, 0);
  }
}

export { placeLabel };
