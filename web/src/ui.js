// ui.js: small DOM helpers. Every text goes in through textContent or
// attributes set one by one, never through innerHTML, so no record value can
// become markup.

// h(tag, attrs, ...children): an element. attrs: class, text, on<event>
// functions, boolean properties (checked, disabled, selected, hidden,
// required, multiple), value, dataset {..}, anything else as an attribute
// (null/false skips it). Children: nodes, strings, numbers, arrays, null.
export function h(tag, attrs, ...children) {
  const svg = tag.startsWith('svg:');
  const el = svg ? document.createElementNS('http://www.w3.org/2000/svg', tag.slice(4)) : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v == null || v === false) continue;
    if (k === 'class') el.setAttribute('class', Array.isArray(v) ? v.filter(Boolean).join(' ') : v);
    else if (k === 'text') el.textContent = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (['checked', 'disabled', 'selected', 'hidden', 'required', 'multiple', 'value', 'open'].includes(k) && !svg) el[k] = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c == null || c === false) continue;
    el.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export function clear(el) {
  while (el.firstChild) el.firstChild.remove();
  return el;
}

let uid = 0;
export const nextId = (p = 'id') => `${p}-${++uid}`;

// Status messages for screen readers and everyone (the polite live region).
export function announce(msg, kind = 'info') {
  const s = document.getElementById('status');
  if (!s) return;
  s.textContent = msg;
  s.className = `status show ${kind}`;
  clearTimeout(announce.t);
  announce.t = setTimeout(() => (s.className = 'status'), kind === 'error' ? 8000 : 4000);
}

// Words for field names and vocabulary values.
const LABELS = {
  event_id_cnty: 'Event id',
  event_date: 'Date',
  event_type: 'Type',
  sub_event_type: 'Sub-type',
  actor1: 'Actor 1',
  actor2: 'Actor 2',
  assoc_actor_1: 'Associated with actor 1',
  assoc_actor_2: 'Associated with actor 2',
  inter1: 'Actor 1 type code',
  inter2: 'Actor 2 type code',
  admin1: 'Region (admin 1)',
  admin2: 'Cercle (admin 2)',
  admin3: 'Commune (admin 3)',
  place_id: 'Place',
  poc: 'POC incident',
  ied_outcome: 'IED outcome',
  time_precision: 'Date precision',
  geo_precision: 'Location precision',
  iso: 'ISO country number',
  unit_id: 'Unit',
  parent_unit: 'Parent unit',
  operation_id: 'Operation',
  evaluation_id: 'Evaluation',
  equipment_id: 'Equipment',
  notification_id: 'Notification',
  event_id: 'Event',
  parent_place: 'Inside place',
  area_ha: 'Area (ha)',
  progress_pct: 'Progress (%)',
  authorized_strength: 'Authorized strength',
  deployed_strength: 'Deployed strength',
  civilians_killed: 'Civilians killed',
  civilians_injured: 'Civilians injured',
  peacekeepers_killed: 'Peacekeepers killed',
  peacekeepers_injured: 'Peacekeepers injured',
  forces_killed: 'National forces killed',
  forces_injured: 'National forces injured',
};
export function fieldLabel(name) {
  if (LABELS[name]) return LABELS[name];
  const s = name.replace(/_/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}
export function vocabLabel(v) {
  if (v == null) return '';
  return String(v).replace(/_/g, ' ');
}

const KIND_LABELS = {
  events: 'Incidents (events)',
  places: 'Places',
  sector_areas: 'Sector areas',
  units: 'Units',
  equipment: 'Equipment',
  equipment_status: 'Equipment status',
  evaluations: 'Evaluations',
  findings: 'Findings',
  caveats: 'Caveats',
  rotations: 'Rotations',
  windows: 'Operational calendar (windows)',
  operations: 'Operations',
  activities: 'Activities',
  restrictions: 'Restrictions of movement',
  convoy_notifications: 'Convoy notifications',
  convoy_sightings: 'Convoy sightings',
  capabilities: 'Capabilities',
  infrastructure: 'Infrastructure',
  benchmarks: 'Benchmarks',
  programmes: 'Programmes',
  meetings: 'Meetings',
  unit_changes: 'Unit history (changes)',
  casevac: 'Casualty evacuations',
};
export const kindLabel = (k) => KIND_LABELS[k] || fieldLabel(k);

// Numbers and dates.
export const fmtNum = (n) => (n == null ? '—' : Number(n).toLocaleString('en-GB'));
export function todayIso() {
  const d = new Date();
  return isoOf(d);
}
export function isoOf(d) {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}
// Days are handled as UTC midnights so no time zone shifts a date.
export const dayNum = (iso) => Math.round(Date.parse(iso + 'T00:00:00Z') / 86400000);
export const isoOfDay = (n) => new Date(n * 86400000).toISOString().slice(0, 10);
export const addDays = (iso, n) => isoOfDay(dayNum(iso) + n);
export const validDate = (s) => /^\d{4}-\d{2}-\d{2}$/.test(s || '') && !Number.isNaN(Date.parse(s + 'T00:00:00Z'));
// A local date and time to the minute, as datetimes are written
// (YYYY-MM-DDTHH:MM, the mission's local time).
export function nowLocal() {
  const d = new Date();
  return `${isoOf(d)}T${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}
export const validDateTime = (s) => /^\d{4}-\d{2}-\d{2}T([01]\d|2[0-3]):[0-5]\d$/.test(s || '') && validDate(s.slice(0, 10));
// "12 Mar 2021, 23:30"
export function fmtDateTime(v) {
  if (!v) return '—';
  if (!validDateTime(v)) return v;
  return `${fmtDate(v.slice(0, 10))}, ${v.slice(11)}`;
}
// Minutes from one datetime to another (both YYYY-MM-DDTHH:MM), or null.
export function minutesBetween(a, b) {
  if (!validDateTime(a) || !validDateTime(b)) return null;
  return Math.round((Date.parse(b + ':00Z') - Date.parse(a + ':00Z')) / 60000);
}
export function fmtDate(iso) {
  if (!iso) return '—';
  const d = new Date(iso + 'T00:00:00Z');
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
}

// A value as text for tables (lists joined, booleans as yes/no).
export function valueText(v) {
  if (v == null || v === '') return '';
  if (Array.isArray(v)) return v.join('; ');
  if (v === true) return 'yes';
  if (v === false) return 'no';
  return String(v);
}

// A page heading; focused after navigation so screen readers announce it.
export function pageHeading(text, ...extra) {
  return h('div', { class: 'page-head' }, h('h1', { tabindex: '-1', text }), ...extra);
}

export function spinner(text = 'Loading…') {
  return h('p', { class: 'loading', role: 'status' }, text);
}

export function errorBox(err) {
  const msg = err && err.message ? err.message : String(err);
  return h('div', { class: 'alert error', role: 'alert' }, msg);
}

// A labelled form control: label above, message slot below (id err-NAME).
export function field(label, control, { hint, name, wide, wrap } = {}) {
  const id = control.id || (control.id = nextId('f'));
  const errId = `err-${name || id}`;
  const hintId = hint ? `${id}-hint` : null;
  const describedBy = [hintId, errId].filter(Boolean).join(' ');
  control.setAttribute('aria-describedby', describedBy);
  return h(
    'div',
    { class: ['field', wide && 'wide'], dataset: { field: name || '' } },
    h('label', { for: id, text: label }),
    wrap || control,
    hint ? h('p', { class: 'hint', id: hintId, text: hint }) : null,
    h('p', { class: 'field-error', id: errId, hidden: true }),
  );
}

// Shows server validation messages next to the fields they name; returns
// the ones no field on the form took.
export function showFieldErrors(form, fields) {
  clearFieldErrors(form);
  const left = [];
  let first = null;
  for (const f of fields || []) {
    const slot = form.querySelector(`#err-${CSS.escape(f.field)}`);
    if (!slot) {
      left.push(f);
      continue;
    }
    slot.textContent = slot.hidden ? f.reason : `${slot.textContent}; ${f.reason}`;
    slot.hidden = false;
    const ctl =
      form.querySelector(`[data-place-input="${CSS.escape(f.field)}"]`) || form.querySelector(`[name="${CSS.escape(f.field)}"]:not([type=hidden])`);
    if (ctl) {
      ctl.setAttribute('aria-invalid', 'true');
      first = first || ctl;
    }
  }
  if (first) first.focus();
  return left;
}
export function clearFieldErrors(form) {
  form.querySelectorAll('.field-error').forEach((p) => {
    p.hidden = true;
    p.textContent = '';
  });
  form.querySelectorAll('[aria-invalid]').forEach((c) => c.removeAttribute('aria-invalid'));
}

// Builds a <select>; options: [value, label] pairs or strings.
export function select(name, options, value, attrs = {}) {
  return h(
    'select',
    { name, ...attrs },
    options.map((o) => {
      const [v, l] = Array.isArray(o) ? o : [o, vocabLabel(o)];
      return h('option', { value: v, selected: String(v) === String(value ?? '') }, l);
    }),
  );
}

// Triggers a download of text made in the browser.
export function download(filename, text, type = 'text/plain') {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = h('a', { href: url, download: filename, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

export function debounce(fn, ms) {
  let t;
  return (...a) => {
    clearTimeout(t);
    t = setTimeout(() => fn(...a), ms);
  };
}
