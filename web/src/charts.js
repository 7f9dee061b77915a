// charts.js: small SVG charts drawn in the browser (no library): weekly
// stacked bars and horizontal bars. Each chart has a title, a <title> on
// every bar (a tooltip, read by screen readers) and a data table beside it.
import { h, fmtDate } from './ui.js';
import { t, fmtNum, fmtDayMonth } from './i18n.js';

const S = (tag, attrs, ...c) => h('svg:' + tag, attrs, ...c);

// weeklyBars({labels, series: [{name, color, values}], title, phases?, unit?})
// labels: week start dates; phases (optional): one class per week (shading);
// unit: 'events' or 'people' (the data table's caption). Names and the title
// are already in the interface's language.
export function weeklyBars({ labels, series, title, phases, unit = 'events' }) {
  const W = 460;
  const H = 200;
  const L = 30;
  const B = 30;
  const T = 10;
  const n = labels.length;
  const totals = labels.map((_, i) => series.reduce((s, x) => s + (x.values[i] || 0), 0));
  const max = Math.max(1, ...totals);
  const step = niceStep(max);
  const top = Math.ceil(max / step) * step;
  const bw = (W - L - 8) / Math.max(1, n);
  const y = (v) => T + (H - T - B) * (1 - v / top);
  const svg = S('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart', role: 'img', 'aria-label': title });
  if (phases) {
    phases.forEach((p, i) => {
      if (p) svg.append(S('rect', { x: L + i * bw, y: T, width: bw, height: H - T - B, class: 'phase ' + p }));
    });
  }
  for (let v = 0; v <= top; v += step) {
    svg.append(S('line', { x1: L, x2: W - 4, y1: y(v), y2: y(v), class: 'grid' }));
    svg.append(S('text', { x: L - 4, y: y(v) + 4, class: 'axis', 'text-anchor': 'end' }, fmtNum(v)));
  }
  labels.forEach((lab, i) => {
    let acc = 0;
    for (const s of series) {
      const v = s.values[i] || 0;
      if (!v) continue;
      const r = S('rect', { x: L + i * bw + 1, y: y(acc + v), width: Math.max(1, bw - 2), height: y(acc) - y(acc + v), fill: s.color });
      r.append(S('title', {}, t('chart.bar_title', { week: fmtDate(lab), n: v, name: s.name })));
      svg.append(r);
      acc += v;
    }
    const every = Math.ceil(n / 6);
    if (i % every === 0) svg.append(S('text', { x: L + i * bw + bw / 2, y: H - B + 14, class: 'axis', 'text-anchor': 'middle' }, fmtDayMonth(lab)));
  });
  svg.append(S('line', { x1: L, x2: W - 4, y1: y(0), y2: y(0), class: 'base' }));
  const legend = h(
    'ul',
    { class: 'legend' },
    series.filter((s) => s.values.some((v) => v)).map((s) => h('li', {}, h('span', { class: 'swatch', style: `background:${s.color}` }), s.name)),
  );
  const table = h(
    'table',
    { class: 'data' },
    h('caption', { class: 'sr-only' }, title),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('chart.week_of')), series.map((s) => h('th', { scope: 'col' }, s.name)), h('th', { scope: 'col' }, t('chart.all')))),
    h(
      'tbody',
      {},
      labels.map((lab, i) => h('tr', {}, h('th', { scope: 'row' }, fmtDate(lab)), series.map((s) => h('td', {}, fmtNum(s.values[i] || 0))), h('td', {}, fmtNum(totals[i])))),
    ),
  );
  return h(
    'figure',
    { class: 'chart-box' },
    h('figcaption', {}, title),
    svg,
    legend,
    h('details', { class: 'chart-data' }, h('summary', {}, t(unit === 'people' ? 'chart.figures_people' : 'chart.figures_events')), h('div', { class: 'scroll' }, table)),
  );
}

// hbars([{label, value, color?, href?}], {title, max?}): horizontal bars as
// an HTML list (each line a label, a bar, the value).
export function hbars(rows, { title, max } = {}) {
  const m = Math.max(1, max || 0, ...rows.map((r) => r.value || 0));
  return h(
    'div',
    { class: 'hbars' },
    title ? h('h3', {}, title) : null,
    h(
      'ul',
      {},
      rows.map((r) =>
        h(
          'li',
          {},
          h('span', { class: 'hb-label' }, r.href ? h('a', { href: r.href }, r.label) : r.label),
          h('span', { class: 'hb-track', 'aria-hidden': 'true' }, h('span', { class: 'hb-bar', style: `width:${(100 * (r.value || 0)) / m}%;${r.color ? 'background:' + r.color : ''}` })),
          h('span', { class: 'hb-value' }, fmtNum(r.value ?? 0)),
        ),
      ),
    ),
  );
}

function niceStep(max) {
  const raw = max / 4;
  const p = Math.pow(10, Math.floor(Math.log10(raw || 1)));
  for (const m of [1, 2, 5, 10]) if (raw <= m * p) return Math.max(1, m * p);
  return Math.max(1, 10 * p);
}
