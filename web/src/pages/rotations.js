// rotations.js: the rotation timeline of the whole force (or a sector):
// planned against actual, high-tempo windows, overlaps, late rotations.
import { indicator, listAll, qs } from '../api.js';
import { kindMeta, sectorLabel } from '../kinds.js';
import { h, pageHeading, errorBox, addDays, validDate, fmtDate, select } from '../ui.js';
import { t, fmtNum } from '../i18n.js';
import { navigate } from '../session.js';
import { rotationTimeline, rotationTable } from '../timeline.js';

export async function rotationsPage({ main, query, signal }) {
  main.append(pageHeading(t('rotations.title')));
  const [rots, units, wins] = await Promise.all([
    listAll(kindMeta('rotations'), {}, { signal }),
    listAll(kindMeta('units'), {}, { signal }),
    listAll(kindMeta('windows'), {}, { signal }),
  ]);
  const rotations = rots.items;
  if (!rotations.length) {
    main.append(h('p', { class: 'empty' }, t('rotations.none')));
    return;
  }
  const ends = rotations.flatMap((r) => [r.planned_start, r.planned_end, r.actual_start, r.actual_end].filter(Boolean)).sort();
  let from = query.get('from');
  let to = query.get('to');
  if (!validDate(from)) from = addDays(ends[0], -14);
  if (!validDate(to)) to = addDays(ends[ends.length - 1], 14);
  if (from > to) [from, to] = [to, from];
  const sector = query.get('sector') || '';
  const highlight = query.get('unit') || '';
  const unitById = new Map(units.items.map((u) => [u.unit_id, u]));
  const sectors = [...new Set(units.items.map((u) => u.sector).filter(Boolean))].sort();

  const form = h(
    'form',
    { class: 'period', 'aria-label': t('rotations.form') },
    h('div', { class: 'field' }, h('label', { for: 'r-from' }, t('period.from')), h('input', { type: 'date', id: 'r-from', name: 'from', value: from })),
    h('div', { class: 'field' }, h('label', { for: 'r-to' }, t('period.to')), h('input', { type: 'date', id: 'r-to', name: 'to', value: to })),
    h('div', { class: 'field' }, h('label', { for: 'r-sector' }, t('common.sector')), select('sector', [['', t('common.all_sectors')], ...sectors.map((x) => [x, sectorLabel(x)])], sector, { id: 'r-sector' })),
    h('button', { type: 'submit', class: 'primary' }, t('common.show')),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const fd = new FormData(form);
    navigate('/force/rotations?' + qs({ from: fd.get('from'), to: fd.get('to'), sector: fd.get('sector'), unit: highlight }));
  });
  main.append(form);

  let conflicts = {};
  try {
    conflicts = await indicator('rotation-conflicts', { from, to }, signal);
  } catch (e) {
    if (e.name === 'AbortError') return;
    main.append(errorBox(e));
  }
  const inRange = (r) => {
    const s = [r.planned_start, r.actual_start].filter(Boolean).sort()[0];
    const e = [r.planned_end, r.actual_end || r.planned_end].filter(Boolean).sort().pop();
    return e >= from && s <= to;
  };
  const byUnit = new Map();
  for (const r of rotations.filter(inRange)) {
    const u = unitById.get(r.unit_id) || { unit_id: r.unit_id, name: r.unit_id };
    if (sector && u.sector !== sector) continue;
    if (!byUnit.has(r.unit_id)) byUnit.set(r.unit_id, { unit_id: r.unit_id, label: u.name || r.unit_id, sector: u.sector, rotations: [] });
    byUnit.get(r.unit_id).rotations.push(r);
  }
  const rows = [...byUnit.values()].sort(
    (a, b) => (a.sector || '~').localeCompare(b.sector || '~') || a.rotations[0].planned_start.localeCompare(b.rotations[0].planned_start),
  );
  const ov = (conflicts.overlaps || []).length;
  const lt = (conflicts.late || []).length;
  const hot = (conflicts.in_high_tempo || []).length;
  main.append(
    h(
      'ul',
      { class: 'facts' },
      h('li', {}, h('strong', {}, fmtNum(rows.reduce((s, r) => s + r.rotations.length, 0))), ' ', t('rotations.of_units'), ' ', h('strong', {}, fmtNum(rows.length)), ' ', t('rotations.units')),
      h('li', { class: ov ? 'warn' : '' }, h('strong', {}, fmtNum(ov)), ' ', t('rotations.overlaps_in_sector', { n: ov })),
      h('li', { class: hot ? 'warn' : '' }, h('strong', {}, fmtNum(hot)), ' ', t('rotations.in_high_tempo')),
      h('li', {}, h('strong', {}, fmtNum(lt)), ' ', t('rotations.late', { n: lt })),
    ),
    rows.length ? rotationTimeline({ rows, windows: wins.items, conflicts, from, to, highlight }) : h('p', { class: 'empty' }, t('rotations.none_in_period')),
    h('p', { class: 'muted' }, t('rotations.note', { from: fmtDate(from), to: fmtDate(to) })),
    h('h2', { class: 'section' }, t('rotations.the_rotations')),
    rotationTable(rows, conflicts),
  );
  if (ov)
    main.append(
      h('h2', { class: 'section' }, t('rotations.overlaps')),
      h(
        'ul',
        {},
        conflicts.overlaps.map((o) =>
          h(
            'li',
            {},
            t('rotations.overlap_sector', { sector: sectorLabel(o.sector) }),
            o.units.map((u, i) => [i ? t('common.and') : '', h('a', { href: `/force/${encodeURIComponent(u)}` }, unitById.get(u)?.name || u)]),
            t('rotations.overlap_rest', { from: fmtDate(o.from), to: fmtDate(o.to) }),
          ),
        ),
      ),
    );
}
