// ui.js: small DOM helpers. Every text goes in through textContent or
// attributes set one by one, never through innerHTML, so no record value can
// become markup. Words come from the message catalogues (i18n.js).
import { t, errorMessage, hasMessage, fmtNum as fmtNumber, fmtDayTime } from './i18n.js';
import { fieldLabel, kindLabel, vocabLabel } from './kinds.js';

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

// Labels of kinds, columns, vocabulary words and sectors come from the
// kinds' declarations (kinds.js); numbers and dates from i18n.js.
export { fieldLabel, vocabLabel, vocabWords, kindLabel, sectorLabel } from './kinds.js';
export { fmtNum, fmtPct, fmtDate } from './i18n.js';

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
// "12 Mar 2021, 23:30" / "12 mars 2021 à 23 h 30"
export function fmtDateTime(v) {
  if (!v) return '—';
  if (!validDateTime(v)) return v;
  return fmtDayTime(v.slice(0, 10), v.slice(11));
}
// Minutes from one datetime to another (both YYYY-MM-DDTHH:MM), or null.
export function minutesBetween(a, b) {
  if (!validDateTime(a) || !validDateTime(b)) return null;
  return Math.round((Date.parse(b + ':00Z') - Date.parse(a + ':00Z')) / 60000);
}

// A value as text for tables (lists joined, booleans as yes/no, numbers
// in the language's digits).
export function valueText(v) {
  if (v == null || v === '') return '';
  if (Array.isArray(v)) return v.join('; ');
  if (v === true) return t('value.yes');
  if (v === false) return t('value.no');
  if (typeof v === 'number') return fmtNumber(v, 6);
  return String(v);
}

// A page heading; focused after navigation so screen readers announce it.
export function pageHeading(text, ...extra) {
  return h('div', { class: 'page-head' }, h('h1', { tabindex: '-1', text }), ...extra);
}

export function spinner(text) {
  return h('p', { class: 'loading', role: 'status' }, text || t('common.loading'));
}

// An error as a message in the interface's language: an API error by its
// stable code, anything else by its own text.
export function errorText(err) {
  if (err && (err.code || err.status != null)) return errorMessage(err);
  return err && err.message ? err.message : String(err);
}
export function errorBox(err) {
  return h('div', { class: 'alert error', role: 'alert' }, errorText(err));
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

// A refused value's message in the interface's language, from the stable
// word of the rule it breaks (fields[].rule) and the field's declaration
// (kind k: its type, range, referenced kind); never the server's English.
export function fieldReason(k, f) {
  const meta = k && k.byName ? k.byName.get(f.field) : null;
  const params = { field: meta ? fieldLabel(k, f.field) : f.field, kind: meta && meta.references ? kindLabel(meta.references) : '' };
  const key = `rule.${f.rule}`;
  if (f.rule && hasMessage(key)) return t(key, params);
  return t('rule.invalid', params);
}

// Shows server validation messages next to the fields they name; returns
// the ones no field on the form took. k: the kind, for the messages.
export function showFieldErrors(form, fields, k) {
  clearFieldErrors(form);
  const left = [];
  let first = null;
  for (const f of fields || []) {
    const slot = form.querySelector(`#err-${CSS.escape(f.field)}`);
    if (!slot) {
      left.push(f);
      continue;
    }
    const reason = fieldReason(k, f);
    slot.textContent = slot.hidden ? reason : `${slot.textContent}; ${reason}`;
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
  let timer;
  return (...a) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...a), ms);
  };
}
