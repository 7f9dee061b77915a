// report.js: the report to the Council or the daily sitrep: choose the
// period, the template and the report's language (the interface's, unless
// chosen), preview the HTML report, download Markdown, HTML or JSON
// (GET /api/v1/report, the same code as `bluehelm report`).
import { apiUrl, qs } from '../api.js';
import { h, pageHeading, field, select, validDate, todayIso, addDays, fmtDate } from '../ui.js';
import { storedPeriod, navigate } from '../session.js';
import { t, getLang, LANGS, errorMessage } from '../i18n.js';

export async function reportPage({ main, query, signal }) {
  const sp = storedPeriod();
  const template = query.get('template') === 'sitrep' ? 'sitrep' : 'default';
  let to = query.get('to');
  if (!validDate(to)) to = sp ? sp.to : todayIso();
  let from = query.get('from');
  if (!validDate(from)) from = template === 'sitrep' ? to : sp ? sp.from : addDays(to, -29);
  const lang = LANGS.includes(query.get('lang')) ? query.get('lang') : getLang();
  const tSel = select(
    'template',
    [
      ['default', t('report.default')],
      ['sitrep', t('report.sitrep')],
    ],
    template,
    { id: 'rp-template' },
  );
  const lSel = select(
    'lang',
    LANGS.map((l) => [l, t(`lang.${l}`)]),
    lang,
    { id: 'rp-lang' },
  );
  const fromIn = h('input', { type: 'date', name: 'from', id: 'rp-from', value: from, required: true });
  const toIn = h('input', { type: 'date', name: 'to', id: 'rp-to', value: to, required: true });
  const err = h('p', { class: 'field-error', role: 'alert', hidden: true });
  const form = h(
    'form',
    { class: 'period report-form', 'aria-label': t('nav.report') },
    field(t('report.template'), tSel, { name: 'template' }),
    field(t('period.from'), fromIn, { name: 'from' }),
    field(t('period.to'), toIn, { name: 'to' }),
    field(t('report.language'), lSel, { name: 'lang' }),
    h('button', { type: 'submit', class: 'primary' }, t('report.preview')),
    err,
  );
  tSel.addEventListener('change', () => {
    if (tSel.value === 'sitrep') fromIn.value = toIn.value;
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!fromIn.value || !toIn.value || fromIn.value > toIn.value) {
      err.textContent = t('period.invalid');
      err.hidden = false;
      return;
    }
    navigate('/report?' + qs({ template: tSel.value, from: fromIn.value, to: toIn.value, lang: lSel.value === getLang() ? null : lSel.value }));
  });
  const params = { from, to, template, lang };
  const url = (format) => apiUrl('report', { ...params, format });
  const base = `bluehelm-${template === 'sitrep' ? 'sitrep' : 'report'}-${from}-${to}${lang === 'en' ? '' : '-' + lang}`;
  // The preview: the HTML report in a sandboxed frame (no script runs in
  // it); an error answer is shown as a message instead.
  const frame = h('iframe', {
    class: 'report-frame',
    title: t('report.frame_title', { from: fmtDate(from), to: fmtDate(to) }),
    sandbox: 'allow-popups allow-popups-to-escape-sandbox',
    hidden: true,
  });
  const wait = h('p', { class: 'loading', role: 'status' }, t('report.computing'));
  main.append(
    pageHeading(t('nav.report')),
    h('p', { class: 'muted' }, t('report.intro')),
    form,
    h(
      'div',
      { class: 'downloads', role: 'group', 'aria-label': t('report.download') },
      h('span', {}, t('report.download_colon')),
      h('a', { class: 'button secondary', href: url('md'), download: `${base}.md` }, 'Markdown'),
      h('a', { class: 'button secondary', href: url('html'), download: `${base}.html` }, 'HTML'),
      h('a', { class: 'button secondary', href: url('json'), download: `${base}.json` }, 'JSON'),
      h('a', { class: 'button secondary', href: url('html'), target: '_blank', rel: 'noopener' }, t('report.new_tab')),
    ),
    wait,
    frame,
  );
  try {
    const res = await fetch(url('html'), { credentials: 'same-origin', signal });
    const text = await res.text();
    if (!res.ok) {
      let code = null;
      try {
        code = JSON.parse(text).error.code;
      } catch {
        /* not the error envelope */
      }
      wait.replaceWith(h('div', { class: 'alert error', role: 'alert' }, t('report.failed', { why: errorMessage({ code, status: res.status }) })));
      return;
    }
    frame.srcdoc = text;
    frame.hidden = false;
    wait.remove();
  } catch (e) {
    if (e.name === 'AbortError') return;
    wait.replaceWith(h('div', { class: 'alert error', role: 'alert' }, t('report.fetch_failed', { why: errorMessage({ code: 'offline', status: 0 }) })));
  }
}
