// kinds.js: the record kinds as GET /api/v1/kinds describes them (fields,
// types, required, vocabularies, references), loaded once; forms, lists and
// detail pages are generated from it. Also ACLED's event taxonomy and the
// colours of event types.
import { api } from './api.js';

let kinds = null;

export async function loadKinds() {
  if (!kinds) {
    const list = await api('kinds');
    kinds = new Map(list.map((k) => [k.name, { ...k, byName: new Map(k.fields.map((f) => [f.name, f])) }]));
  }
  return kinds;
}
export const kindMeta = (name) => kinds && kinds.get(name);
export const allKinds = () => (kinds ? [...kinds.values()] : []);

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
    case 'events':
      return `${r.event_type || 'Event'}${r.location ? ' — ' + r.location : ''} (${r.event_date || ''})`;
    case 'equipment_status':
      return `${r.equipment_id} on ${r.date}`;
    case 'equipment':
      return [r.category && r.category.toUpperCase(), r.model, r.registration || r.equipment_id].filter(Boolean).join(' ');
    case 'rotations':
      return `Rotation of ${r.unit_id} (${r.planned_start} to ${r.planned_end})`;
    case 'evaluations':
      return `${(r.kind || '').replace(/_/g, ' ')} of ${r.unit_id}, ${r.date}`;
    case 'findings':
      return `${(r.area || '').replace(/_/g, ' ')}: ${r.rating ? r.rating.replace(/_/g, ' ') : ''}`;
    case 'caveats':
      return r.description || r.caveat_id;
    case 'capabilities':
      return `${(r.capability || '').replace(/_/g, ' ')} (${r.status || ''})`;
    case 'restrictions':
    case 'activities':
      return `${(r.kind || '').replace(/_/g, ' ')}, ${r.start || ''}`;
    case 'sector_areas':
      return `${r.admin1} → ${r.sector}`;
    default:
      return r.name || r.title || r.movement || r.forum || r[k.key[0]];
  }
}

// Columns a list shows by default: the key, then required and dated fields,
// vocabularies, up to 7.
const PREFERRED = {
  events: ['event_id_cnty', 'event_date', 'event_type', 'sub_event_type', 'location', 'actor1', 'fatalities', 'classification'],
  places: ['place_id', 'name', 'kind', 'admin1', 'admin2', 'sector'],
  units: ['unit_id', 'name', 'unit_type', 'contributor', 'sector', 'deployed_strength', 'status'],
  operations: ['operation_id', 'name', 'kind', 'sector', 'start', 'end'],
  unit_changes: ['unit_id', 'date', 'location', 'sector', 'status', 'deployed_strength', 'note'],
  casevac: ['casevac_id', 'injured_at', 'place', 'unit_id', 'casualties', 'priority', 'resuscitation_at', 'surgery_at'],
};
export function defaultColumns(k) {
  if (PREFERRED[k.name]) return PREFERRED[k.name];
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

// ACLED's event types and their sub-event types.
export const ACLED = {
  Battles: ['Armed clash', 'Government regains territory', 'Non-state actor overtakes territory'],
  'Violence against civilians': ['Sexual violence', 'Attack', 'Abduction/forced disappearance'],
  'Explosions/Remote violence': [
    'Chemical weapon',
    'Air/drone strike',
    'Suicide bomb',
    'Shelling/artillery/missile attack',
    'Remote explosive/landmine/IED',
    'Grenade',
  ],
  Riots: ['Violent demonstration', 'Mob violence'],
  Protests: ['Peaceful protest', 'Protest with intervention', 'Excessive force against protesters'],
  'Strategic developments': [
    'Agreement',
    'Arrests',
    'Change to group/activity',
    'Disrupted weapons use',
    'Headquarters or base established',
    'Looting/property destruction',
    'Non-violent transfer of territory',
    'Other',
  ],
};

// Colours by event type (distinct, and readable against the light map).
export const TYPE_COLORS = {
  Battles: '#c0392b',
  'Violence against civilians': '#8e44ad',
  'Explosions/Remote violence': '#b34700',
  Riots: '#1f7a4d',
  Protests: '#2471a3',
  'Strategic developments': '#5d6d7e',
};
export const typeColor = (t) => TYPE_COLORS[t] || '#34495e';
export const typeClass = (t) => 't-' + String(t || 'other').toLowerCase().replace(/[^a-z]+/g, '-');
