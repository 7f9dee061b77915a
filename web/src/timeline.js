// timeline.js: the rotation timeline: one row per unit, the planned
// rotation as an outlined bar and the actual one as a filled bar, high-tempo
// windows of the operational calendar shaded (across every row when the
// window has no sector, else across that sector's rows), overlaps between
// rotations in one sector highlighted. SVG, with a table of the same facts.
import { h, dayNum, isoOfDay, fmtDate, todayIso } from './ui.js';

const S = (tag, attrs, ...c) => h('svg:' + tag, attrs, ...c);

// rows: [{unit_id, label, sector, rotations: [...]}]; windows: window
// records; conflicts: the rotation-conflicts indicator's answer.
export function rotationTimeline({ rows, windows = [], conflicts = {}, from, to, highlight }) {
  const W = 1000;
  const LABEL = 230;
  const R = 12;
  const TOP = 34;
  const ROW = 38;
  const H = TOP + rows.length * ROW + 8;
  const d0 = dayNum(from);
  const d1 = dayNum(to) + 1;
  const x = (iso) => LABEL + ((Math.min(Math.max(dayNum(iso), d0), d1) - d0) / (d1 - d0)) * (W - LABEL - R);
  const xEnd = (iso) => x(isoOfDay(dayNum(iso) + 1)); // an end day is included
  const svg = S('svg', {
    viewBox: `0 0 ${W} ${H}`,
    class: 'timeline',
    role: 'img',
    'aria-label': `Rotation timeline, ${fmtDate(from)} to ${fmtDate(to)}: ${rows.length} units`,
  });
  const defs = S(
    'defs',
    {},
    S(
      'pattern',
      { id: 'hatch', width: 6, height: 6, patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)' },
      S('rect', { width: 6, height: 6, fill: '#fdecea' }),
      S('line', { x1: 0, y1: 0, x2: 0, y2: 6, stroke: '#c0392b', 'stroke-width': 2.5 }),
    ),
  );
  svg.append(defs);

  // Month ticks.
  const start = new Date(from + 'T00:00:00Z');
  const months = [];
  for (let d = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), 1)); d <= new Date(to + 'T00:00:00Z'); d.setUTCMonth(d.getUTCMonth() + 1)) months.push(d.toISOString().slice(0, 10));
  const every = Math.max(1, Math.ceil(months.length / 12));
  months.forEach((m, i) => {
    if (m < from) return;
    svg.append(S('line', { x1: x(m), x2: x(m), y1: TOP - 6, y2: H - 8, class: 'tick' }));
    if (i % every === 0) {
      const d = new Date(m + 'T00:00:00Z');
      const lab = d.toLocaleDateString('en-GB', { month: 'short', timeZone: 'UTC' }) + (d.getUTCMonth() === 0 || i === 0 ? ' ' + d.getUTCFullYear() : '');
      svg.append(S('text', { x: x(m) + 3, y: TOP - 12, class: 'axis' }, lab));
    }
  });

  // Row backgrounds, then high-tempo windows over them.
  const rowY = (i) => TOP + i * ROW;
  rows.forEach((row, i) => {
    const y = rowY(i);
    if (i % 2) svg.append(S('rect', { x: 0, y, width: W, height: ROW, class: 'zebra' }));
    if (row.unit_id === highlight) svg.append(S('rect', { x: 0, y, width: W, height: ROW, class: 'row-hl' }));
  });
  for (const w of windows.filter((w) => w.tempo === 'high' && w.end >= from && w.start <= to)) {
    const targets = w.sector ? rows.map((r, i) => (r.sector === w.sector ? i : -1)).filter((i) => i >= 0) : null;
    const tip = `High-tempo window: ${w.name} (${fmtDate(w.start)} to ${fmtDate(w.end)}${w.sector ? ', sector ' + w.sector : ', all sectors'})`;
    if (!targets) {
      const r = S('rect', { x: x(w.start), y: TOP - 4, width: Math.max(1, xEnd(w.end) - x(w.start)), height: rows.length * ROW + 4, class: 'window' });
      r.append(S('title', {}, tip));
      svg.append(r);
    } else
      for (const i of targets) {
        const r = S('rect', { x: x(w.start), y: rowY(i) + 1, width: Math.max(1, xEnd(w.end) - x(w.start)), height: ROW - 2, class: 'window sector' });
        r.append(S('title', {}, tip));
        svg.append(r);
      }
  }

  // Rows.
  const late = new Map((conflicts.late || []).map((l) => [l.rotation_id, l.delay_days]));
  const hot = new Set((conflicts.in_high_tempo || []).map((l) => l.rotation_id));
  const today = todayIso();
  rows.forEach((row, i) => {
    const y = rowY(i);
    const a = S('a', { href: `/force/${encodeURIComponent(row.unit_id)}` });
    a.append(S('text', { x: 6, y: y + 16, class: 'row-label' }, clip(row.label, 30)));
    a.append(S('text', { x: 6, y: y + 30, class: 'row-sub' }, [row.unit_id, row.sector].filter(Boolean).join(' · ')));
    svg.append(a);
    for (const r of row.rotations) {
      const tip = `${r.rotation_id}: planned ${fmtDate(r.planned_start)} to ${fmtDate(r.planned_end)}; actual ${r.actual_start ? fmtDate(r.actual_start) : 'not started'} to ${r.actual_end ? fmtDate(r.actual_end) : r.actual_start ? 'under way' : '—'}${late.has(r.rotation_id) ? `; ${late.get(r.rotation_id)} days late` : ''}${hot.has(r.rotation_id) ? '; in a high-tempo window' : ''}`;
      const link = S('a', { href: `/records/rotations/${encodeURIComponent(r.rotation_id)}`, 'aria-label': tip });
      const planned = S('rect', { x: x(r.planned_start), y: y + 6, width: Math.max(2, xEnd(r.planned_end) - x(r.planned_start)), height: 11, class: 'planned' });
      planned.append(S('title', {}, tip));
      link.append(planned);
      if (r.actual_start) {
        const endIso = r.actual_end || (today < to ? today : to);
        const actual = S('rect', {
          x: x(r.actual_start),
          y: y + 20,
          width: Math.max(2, xEnd(endIso) - x(r.actual_start)),
          height: 11,
          class: ['actual', hot.has(r.rotation_id) ? 'hot' : '', r.actual_end ? '' : 'open'].filter(Boolean).join(' '),
        });
        actual.append(S('title', {}, tip));
        link.append(actual);
        if (late.has(r.rotation_id)) link.append(S('text', { x: Math.min(W - 60, xEnd(endIso) + 4), y: y + 30, class: 'late' }, `+${late.get(r.rotation_id)} d`));
      }
      svg.append(link);
    }
  });

  // Overlaps, on top.
  for (const o of conflicts.overlaps || []) {
    for (const u of o.units) {
      const i = rows.findIndex((r) => r.unit_id === u);
      if (i < 0) continue;
      const r = S('rect', { x: x(o.from), y: rowY(i) + 3, width: Math.max(3, xEnd(o.to) - x(o.from)), height: ROW - 6, class: 'overlap' });
      r.append(S('title', {}, `Overlap in sector ${o.sector}: ${o.units.join(' and ')} rotate at once, ${fmtDate(o.from)} to ${fmtDate(o.to)}`));
      svg.append(r);
    }
  }
  if (today >= from && today <= to) svg.append(S('line', { x1: x(today), x2: x(today), y1: TOP - 6, y2: H - 8, class: 'today' }), S('text', { x: x(today) + 3, y: H - 10, class: 'axis' }, 'today'));

  const legend = h(
    'ul',
    { class: 'legend tl-legend' },
    h('li', {}, h('span', { class: 'key planned' }), 'planned'),
    h('li', {}, h('span', { class: 'key actual' }), 'actual'),
    h('li', {}, h('span', { class: 'key hot' }), 'actual, in a high-tempo window'),
    h('li', {}, h('span', { class: 'key window' }), 'high-tempo window'),
    h('li', {}, h('span', { class: 'key overlap' }), 'overlap with another rotation in the sector'),
  );
  return h('figure', { class: 'timeline-box' }, h('div', { class: 'scroll' }, svg), legend);
}

// The same facts as a table.
export function rotationTable(rows, conflicts = {}) {
  const late = new Map((conflicts.late || []).map((l) => [l.rotation_id, l.delay_days]));
  const hot = new Map();
  for (const l of conflicts.in_high_tempo || []) hot.set(l.rotation_id, [...(hot.get(l.rotation_id) || []), l.window_id]);
  const over = new Map();
  for (const o of conflicts.overlaps || []) o.rotations.forEach((r, i) => over.set(r, [...(over.get(r) || []), `${o.units[1 - i] || ''} (${o.from} to ${o.to})`]));
  const trs = [];
  for (const row of rows)
    for (const r of row.rotations)
      trs.push(
        h(
          'tr',
          {},
          h('th', { scope: 'row' }, h('a', { href: `/records/rotations/${encodeURIComponent(r.rotation_id)}` }, r.rotation_id)),
          h('td', {}, h('a', { href: `/force/${encodeURIComponent(row.unit_id)}` }, row.label)),
          h('td', {}, `${r.planned_start} to ${r.planned_end}`),
          h('td', {}, r.actual_start ? `${r.actual_start} to ${r.actual_end || '(under way)'}` : '—'),
          h('td', { class: 'num' }, late.has(r.rotation_id) ? String(late.get(r.rotation_id)) : ''),
          h('td', {}, (hot.get(r.rotation_id) || []).join(', ')),
          h('td', { class: over.has(r.rotation_id) ? 'warn' : null }, (over.get(r.rotation_id) || []).join('; ')),
        ),
      );
  return h(
    'div',
    { class: 'scroll' },
    h(
      'table',
      { class: 'list' },
      h('caption', { class: 'sr-only' }, 'Rotations'),
      h('thead', {}, h('tr', {}, ['Rotation', 'Unit', 'Planned', 'Actual', 'Days late', 'High-tempo windows', 'Overlaps with'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, trs),
    ),
  );
}

function clip(s, n) {
  s = String(s || '');
  return s.length > n ? s.slice(0, n - 1) + '…' : s;
}
