// report.js: the report to the Council or the daily sitrep: choose the
// period and the template, preview the HTML report, download Markdown, HTML
// or JSON (GET /api/v1/report, the same code as `bluehelm report`).
import { apiUrl, qs } from '../api.js';
import { h, pageHeading, field, select, validDate, todayIso, addDays, fmtDate } from '../ui.js';
import { storedPeriod, navigate } from '../session.js';

export async function reportPage({ main, query, signal }) {
  const sp = storedPeriod();
  const template = query.get('template') === 'sitrep' ? 'sitrep' : 'default';
  let to = query.get('to');
  if (!validDate(to)) to = sp ? sp.to : todayIso();
  let from = query.get('from');
  if (!validDate(from)) from = template === 'sitrep' ? to : sp ? sp.from : addDays(to, -29);
  const tSel = select(
    'template',
    [
      ['default', 'Report to the Security Council (letter)'],
      ['sitrep', 'Daily situation report (the day To, by sector)'],
    ],
    template,
    { id: 'rp-template' },
  );
  const fromIn = h('input', { type: 'date', name: 'from', id: 'rp-from', value: from, required: true });
  const toIn = h('input', { type: 'date', name: 'to', id: 'rp-to', value: to, required: true });
  const err = h('p', { class: 'field-error', role: 'alert', hidden: true });
  const form = h(
    'form',
    { class: 'period report-form', 'aria-label': 'Report' },
    field('Template', tSel, { name: 'template' }),
    field('From', fromIn, { name: 'from' }),
    field('To', toIn, { name: 'to' }),
    h('button', { type: 'submit', class: 'primary' }, 'Preview'),
    err,
  );
  tSel.addEventListener('change', () => {
    if (tSel.value === 'sitrep') fromIn.value = toIn.value;
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!fromIn.value || !toIn.value || fromIn.value > toIn.value) {
      err.textContent = 'Give two dates, From on or before To.';
      err.hidden = false;
      return;
    }
    navigate('/report?' + qs({ template: tSel.value, from: fromIn.value, to: toIn.value }));
  });
  const params = { from, to, template };
  const url = (format) => apiUrl('report', { ...params, format });
  const base = `bluehelm-${template === 'sitrep' ? 'sitrep' : 'report'}-${from}-${to}`;
  // The preview: the HTML report in a sandboxed frame (no script runs in
  // it); an error answer is shown as a message instead.
  const frame = h('iframe', {
    class: 'report-frame',
    title: `Report preview, ${fmtDate(from)} to ${fmtDate(to)}`,
    sandbox: 'allow-popups allow-popups-to-escape-sandbox',
    hidden: true,
  });
  const wait = h('p', { class: 'loading', role: 'status' }, 'Computing the report…');
  main.append(
    pageHeading('Report'),
    h('p', { class: 'muted' }, 'Every figure is computed from the records you may see, and the HTML report links each one to an appendix that lists the records behind it.'),
    form,
    h(
      'div',
      { class: 'downloads', role: 'group', 'aria-label': 'Download' },
      h('span', {}, 'Download: '),
      h('a', { class: 'button secondary', href: url('md'), download: `${base}.md` }, 'Markdown'),
      h('a', { class: 'button secondary', href: url('html'), download: `${base}.html` }, 'HTML'),
      h('a', { class: 'button secondary', href: url('json'), download: `${base}.json` }, 'JSON'),
      h('a', { class: 'button secondary', href: url('html'), target: '_blank', rel: 'noopener' }, 'Open in a new tab'),
    ),
    wait,
    frame,
  );
  try {
    const res = await fetch(url('html'), { credentials: 'same-origin', signal });
    const text = await res.text();
    if (!res.ok) {
      let msg = `the server answered ${res.status}`;
      try {
        msg = JSON.parse(text).error.message;
      } catch {
        /* not the error envelope */
      }
      wait.replaceWith(h('div', { class: 'alert error', role: 'alert' }, `The report could not be made: ${msg}`));
      return;
    }
    frame.srcdoc = text;
    frame.hidden = false;
    wait.remove();
  } catch (e) {
    if (e.name === 'AbortError') return;
    wait.replaceWith(h('div', { class: 'alert error', role: 'alert' }, `The report could not be fetched: ${e.message}`));
  }
}
