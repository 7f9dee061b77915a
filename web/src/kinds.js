// kinds.js: the record kinds as GET /api/v1/kinds describes them (fields,
// types, required, vocabularies, references, the columns a list shows, the
// event types' sub-types, and every label in both languages, declared once
// with each kind on the server), loaded once; forms, lists and detail pages
// are generated from it. Also the colours of event types.
import { api } from './api.js';
import { getLang, t, fmtDate, colon } from './i18n.js';

let kinds = null;
// Labels of vocabulary words and sectors' names: word -> {en, fr}.
const words = new Map();
const sectorWords = new Map();
// Countries' names by ISO 3166 alpha-3 code: code -> {en, fr}.
const countries = new Map();
// ACLED's event types and the sub-event types of each (the PAIR check).
let eventTypes = new Map();

export async function loadKinds() {
  if (!kinds) {
    const list = await api('kinds');
    kinds = new Map(list.map((k) => [k.name, { ...k, byName: new Map(k.fields.map((f) => [f.name, f])) }]));
    for (const k of list)
      for (const f of k.fields) {
        for (const [w, l] of Object.entries(f.vocabulary_labels || {})) if (!words.has(w)) words.set(w, l);
        for (const [w, l] of Object.entries(f.value_labels || {})) (f.type === 'code' ? countries : sectorWords).set(w, l);
      }
    const ev = kinds.get('events');
    const pair = ev && (ev.pairs || []).find((p) => p.a === 'event_type' && p.b === 'sub_event_type');
    eventTypes = new Map();
    for (const type of ev ? ev.byName.get('event_type').vocabulary : []) eventTypes.set(type, []);
    for (const [a, b] of pair ? pair.allowed : []) (eventTypes.get(a) || eventTypes.set(a, []).get(a)).push(b);
  }
  return kinds;
}
export const kindMeta = (name) => kinds && kinds.get(name);
export const allKinds = () => (kinds ? [...kinds.values()] : []);

// ------------------------------------------------------------------ labels
const pick = (l, fallback) => (l && (l[getLang()] || l.en)) || fallback;

// A kind's label ("Incidents (événements)").
export const kindLabel = (name) => pick(kindMeta(name)?.label, name);

// A column's label; without the kind, the first kind that has the column.
export function fieldLabel(kindOrName, name) {
  if (name === undefined) {
    name = kindOrName;
    for (const k of allKinds()) if (k.byName.has(name)) return pick(k.byName.get(name).label, name);
    return name;
  }
  const k = typeof kindOrName === 'string' ? kindMeta(kindOrName) : kindOrName;
  const f = k && k.byName.get(name);
  return pick(f && f.label, name);
}

// A vocabulary word's label ("EEI"); a word without one reads with spaces.
export function vocabLabel(v) {
  if (v == null || v === '') return '';
  return pick(words.get(String(v)), String(v).replace(/_/g, ' '));
}
// The same in running text: first letter in lower case, except before an
// abbreviation ("incident lié à des explosifs", but "EEI").
export function vocabWords(v) {
  const s = vocabLabel(v);
  return s.length > 1 && s[1] === s[1].toLocaleLowerCase(getLang()) ? s[0].toLocaleLowerCase(getLang()) + s.slice(1) : s;
}
// A sector's name ("Nord"); a sector the server has no label for as written.
export const sectorLabel = (s) => (s == null ? '' : pick(sectorWords.get(s), s));
// A country's name from its ISO 3166 alpha-3 code ("TCD": "Chad", "Tchad").
export const countryLabel = (code) => (code == null ? '' : pick(countries.get(code), code));

// ACLED's event types, and the sub-types of one.
export const eventTypeList = () => [...eventTypes.keys()];
export const subTypesOf = (type) => eventTypes.get(type) || [];

// Fields of other kinds that refer to this kind: [{kind, field}].
export function reverseRefs(name) {
  const out = [];
  for (const k of allKinds())
    for (const f of k.fields)
      if (f.references === name && !(k.name === name && k.key.includes(f.name))) out.push({ kind: k.name, field: f.name, type: f.type });
  return out;
}

// A short human title for a record.
export function recordTitle(k, r) {
  if (!r) return '';
  switch (k.name) {
    case 'events': {
      const type = r.event_type ? vocabLabel(r.event_type) : t('title.event_default');
      return `${type}${r.location ? ' — ' + r.location : ''}${r.event_date ? ` (${fmtDate(r.event_date)})` : ''}`;
    }
    case 'equipment_status':
      return t('title.equipment_status', { id: r.equipment_id, date: fmtDate(r.date) });
    case 'equipment':
      return [r.category && vocabLabel(r.category), r.model, r.registration || r.equipment_id].filter(Boolean).join(' ');
    case 'rotations':
      return t('title.rotation', { unit: r.unit_id, from: fmtDate(r.planned_start), to: fmtDate(r.planned_end) });
    case 'evaluations':
      return t('title.evaluation', { kind: vocabLabel(r.kind), unit: r.unit_id, date: fmtDate(r.date) });
    case 'findings':
      return `${vocabLabel(r.area)}${colon()}${vocabWords(r.rating)}`;
    case 'caveats':
      return r.description || r.caveat_id;
    case 'capabilities':
      return `${vocabLabel(r.capability)} (${vocabWords(r.status)})`;
    case 'restrictions':
    case 'activities':
      return `${vocabLabel(r.kind)}, ${fmtDate(r.start)}`;
    case 'sector_areas':
      return `${r.admin1} → ${sectorLabel(r.sector)}`;
    default:
      return r.name || r.title || r.movement || r.forum || r[k.key[0]];
  }
}

// Columns a list shows by default: the kind's list columns (the CLI's
// `bluehelm list` shows the same), else the key, then required and dated
// fields, vocabularies, up to 7.
export function defaultColumns(k) {
  if (k.list_columns && k.list_columns.length) return k.list_columns.filter((c) => k.byName.has(c));
  const cols = [...k.key];
  const add = (f) => {
    if (cols.length < 7 && !cols.includes(f.name)) cols.push(f.name);
  };
  k.fields.filter((f) => f.required && !f.derived).forEach(add);
  if (k.date) add(k.byName.get(k.date));
  k.fields.filter((f) => f.type === 'vocabulary' || f.type === 'date').forEach(add);
  k.fields.filter((f) => !f.derived && f.type !== 'text').forEach(add);
  return cols;
}

// Colours by event type (distinct, and readable against the light map).
export const TYPE_COLORS = {
  Battles: '#c0392b',
  'Violence against civilians': '#8e44ad',
  'Explosions/Remote violence': '#b34700',
  Riots: '#1f7a4d',
  Protests: '#2471a3',
  'Strategic developments': '#5d6d7e',
};
export const typeColor = (t2) => TYPE_COLORS[t2] || '#34495e';
export const typeClass = (t2) => 't-' + String(t2 || 'other').toLowerCase().replace(/[^a-z]+/g, '-');
