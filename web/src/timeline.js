// timeline.js: the rotation timeline: one row per unit, the planned
// rotation as an outlined bar and the actual one as a filled bar, high-tempo
// windows of the operational calendar shaded (across every row when the
// window has no sector, else across that sector's rows), overlaps between
// rotations in one sector highlighted. SVG, with a table of the same facts.
import { h, dayNum, isoOfDay, fmtDate, todayIso } from './ui.js';
import { sectorLabel } from './kinds.js';
import { t, monthShort, fmtNum } from './i18n.js';

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
    'aria-label': t('timeline.label', { from: fmtDate(from), to: fmtDate(to), n: rows.length }),
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
      const lab = monthShort(d.getUTCMonth() + 1) + (d.getUTCMonth() === 0 || i === 0 ? ' ' + d.getUTCFullYear() : '');
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
    const tip = t(w.sector ? 'timeline.window_sector' : 'timeline.window_all', { name: w.name, from: fmtDate(w.start), to: fmtDate(w.end), sector: sectorLabel(w.sector) });
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
    a.append(S('text', { x: 6, y: y + 30, class: 'row-sub' }, [row.unit_id, sectorLabel(row.sector)].filter(Boolean).join(' · ')));
    svg.append(a);
    for (const r of row.rotations) {
      const tip =
        t('timeline.tip', {
          id: r.rotation_id,
          pfrom: fmtDate(r.planned_start),
          pto: fmtDate(r.planned_end),
          afrom: r.actual_start ? fmtDate(r.actual_start) : t('timeline.not_started'),
          ato: r.actual_end ? fmtDate(r.actual_end) : r.actual_start ? t('timeline.under_way') : '—',
        }) +
        (late.has(r.rotation_id) ? t('timeline.tip_late', { n: late.get(r.rotation_id) }) : '') +
        (hot.has(r.rotation_id) ? t('timeline.tip_hot') : '');
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
        if (late.has(r.rotation_id)) link.append(S('text', { x: Math.min(W - 60, xEnd(endIso) + 4), y: y + 30, class: 'late' }, t('timeline.late_days', { n: late.get(r.rotation_id) })));
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
      r.append(S('title', {}, t('timeline.overlap', { sector: sectorLabel(o.sector), units: o.units.join(t('common.and')), from: fmtDate(o.from), to: fmtDate(o.to) })));
      svg.append(r);
    }
  }
  if (today >= from && today <= to) svg.append(S('line', { x1: x(today), x2: x(today), y1: TOP - 6, y2: H - 8, class: 'today' }), S('text', { x: x(today) + 3, y: H - 10, class: 'axis' }, t('timeline.today')));

  const legend = h(
    'ul',
    { class: 'legend tl-legend' },
    h('li', {}, h('span', { class: 'key planned' }), t('timeline.key_planned')),
    h('li', {}, h('span', { class: 'key actual' }), t('timeline.key_actual')),
    h('li', {}, h('span', { class: 'key hot' }), t('timeline.key_hot')),
    h('li', {}, h('span', { class: 'key window' }), t('timeline.key_window')),
    h('li', {}, h('span', { class: 'key overlap' }), t('timeline.key_overlap')),
  );
  return h('figure', { class: 'timeline-box' }, h('div', { class: 'scroll' }, svg), legend);
}

// The same facts as a table.
export function rotationTable(rows, conflicts = {}) {
  const late = new Map((conflicts.late || []).map((l) => [l.rotation_id, l.delay_days]));
  const hot = new Map();
  for (const l of conflicts.in_high_tempo || []) hot.set(l.rotation_id, [...(hot.get(l.rotation_id) || []), l.window_id]);
  const over = new Map();
  for (const o of conflicts.overlaps || []) o.rotations.forEach((r, i) => over.set(r, [...(over.get(r) || []), `${o.units[1 - i] || ''} (${t('common.from_to', { from: fmtDate(o.from), to: fmtDate(o.to) })})`]));
  const trs = [];
  for (const row of rows)
    for (const r of row.rotations)
      trs.push(
        h(
          'tr',
          {},
          h('th', { scope: 'row' }, h('a', { href: `/records/rotations/${encodeURIComponent(r.rotation_id)}` }, r.rotation_id)),
          h('td', {}, h('a', { href: `/force/${encodeURIComponent(row.unit_id)}` }, row.label)),
          h('td', {}, t('common.from_to', { from: fmtDate(r.planned_start), to: fmtDate(r.planned_end) })),
          h('td', {}, r.actual_start ? t('common.from_to', { from: fmtDate(r.actual_start), to: r.actual_end ? fmtDate(r.actual_end) : `(${t('timeline.under_way')})` }) : '—'),
          h('td', { class: 'num' }, late.has(r.rotation_id) ? fmtNum(late.get(r.rotation_id)) : ''),
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
      h('caption', { class: 'sr-only' }, t('nav.rotations')),
      h('thead', {}, h('tr', {}, ['timeline.col_rotation', 'timeline.col_unit', 'timeline.col_planned', 'timeline.col_actual', 'timeline.col_late', 'timeline.col_windows', 'timeline.col_overlaps'].map((c) => h('th', { scope: 'col' }, t(c))))),
      h('tbody', {}, trs),
    ),
  );
}

function clip(s, n) {
  s = String(s || '');
  return s.length > n ? s.slice(0, n - 1) + '…' : s;
}
