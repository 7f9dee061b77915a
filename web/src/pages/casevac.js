// casevac.js: recording a casualty evacuation as it happens. The times of
// the 10-1-2 standard (injury, request, take-off, arrival at damage-control
// resuscitation, arrival at surgery) each have a "Now" button; the clock
// since the injury shows against the one- and two-hour marks. Save as often
// as needed: the first save creates the record, later ones update it. What
// is typed is kept in this browser as a draft, and a save made while the
// connection is down waits in the outbox (recordform.js, as for incidents).
import { api, listAll } from '../api.js';
import { kindMeta, fieldLabel } from '../kinds.js';
import { h, field, pageHeading, announce, vocabLabel, nowLocal, minutesBetween, fmtDateTime } from '../ui.js';
import { t, errorMessage, colon } from '../i18n.js';
import { canWrite } from '../session.js';
import { placePicker } from '../placepicker.js';
import { recordForm, controls, newId } from '../recordform.js';

const DRAFT = 'bh.draft.casevac';
// The times in the order they must follow (with the catalogue key of their
// label), with the standard's mark (minutes after injury) where it has one.
const TIMES = [
  ['injured_at', 'casevac.injury', null],
  ['requested_at', 'casevac.requested', null],
  ['airborne_at', 'casevac.airborne', null],
  ['resuscitation_at', 'casevac.resuscitation', 60],
  ['surgery_at', 'casevac.surgery', 120],
];

const fmtMinutes = (m) => (m < 60 ? t('casevac.minutes', { n: m }) : t('casevac.hours_minutes', { h: Math.floor(m / 60), m: String(m % 60).padStart(2, '0') }));

export async function casevacPage({ main, query, signal }) {
  const editId = query.get('id');
  const k = kindMeta('casevac');
  const vocab = (f) => k.byName.get(f).vocabulary || [];
  const heading = pageHeading(editId ? t('casevac.title_id', { id: editId }) : t('casevac.title_new'));
  main.append(heading);
  if (!canWrite()) {
    main.append(h('p', { class: 'alert' }, t('incident.read_only')));
    return;
  }
  let stored = null;
  if (editId) {
    try {
      stored = await api(`casevac/${encodeURIComponent(editId)}`, { signal });
    } catch (e) {
      if (e.name === 'AbortError') return;
      // Not on the server yet (it may wait in the outbox): the draft may hold it.
      if (e.status !== 404 && !e.offline) {
        main.append(h('div', { class: 'alert error', role: 'alert' }, errorMessage(e)));
        return;
      }
    }
  }
  const units = await listAll(kindMeta('units'), {}, { signal }).then((r) => r.items).catch(() => []);
  units.sort((a, b) => a.name.localeCompare(b.name));
  const unitOpts = units.map((u) => [u.unit_id, `${u.name} (${u.unit_id})`]);

  // --- controls
  const { c, inp, sel } = controls('c');
  inp('casevac_id', { value: newId('cv'), required: true, readonly: !!editId, autocomplete: 'off', spellcheck: 'false' });
  inp('casualties', { type: 'number', min: '1', step: '1', inputmode: 'numeric', value: '1', required: true });
  sel('priority', [['', '—'], ...vocab('priority').map((v) => [v, vocabLabel(v)])], 'urgent');
  sel('unit_id', [['', '—'], ...unitOpts], '');
  inp('event_id', { autocomplete: 'off', spellcheck: 'false', placeholder: t('casevac.event_example') });
  sel('asset', [['', '—'], ...vocab('asset').map((v) => [v, vocabLabel(v)])], 'helicopter');
  sel('provider', [['', '—'], ...unitOpts], '');
  c.note = h('textarea', { name: 'note', id: 'c-note', rows: '3' });
  const picker = placePicker({ name: 'place', id: 'c-place', onPick: () => rf.saveDraft() });
  const elapsed = {};
  const timeFields = TIMES.map(([name, key, mark]) => {
    const label = t(key);
    inp(name, { type: 'datetime-local', step: '60', required: name === 'injured_at' });
    elapsed[name] = h('span', { class: 'elapsed', id: `el-${name}`, 'aria-live': 'polite' });
    const now = h('button', { type: 'button', class: 'secondary now', dataset: { now: name }, 'aria-label': `${label}${colon()}${t('casevac.now_lower')}` }, t('casevac.now'));
    now.addEventListener('click', () => {
      c[name].value = nowLocal();
      update();
      rf.saveDraft();
      announce(`${label}${colon()}${fmtDateTime(c[name].value)}.`);
    });
    const hint = mark ? t('casevac.standard', { n: mark / 60 }) : name === 'injured_at' ? t('records.hint_datetime') + '.' : null;
    return field(label + (name === 'injured_at' ? ' *' : ''), c[name], { name, hint, wrap: h('div', { class: 'with-now' }, c[name], now, elapsed[name]) });
  });

  // --- the shared machinery: drafts, the outbox, values in and out, submit
  const rf = recordForm({
    kind: 'casevac',
    idField: 'casevac_id',
    editId,
    stored,
    draft: DRAFT,
    c,
    picker,
    placeName: 'place',
    refusedKey: 'casevac.outbox_refused',
    notRecordedKey: 'casevac.not_recorded',
    toValue: (name, val) => (name === 'casualties' ? Number(val) : val),
    afterSet: () => update(),
    blank() {
      form.reset();
      for (const [name] of TIMES) c[name].value = '';
      rf.setValues(fresh());
    },
    errorHref: (name) => `#c-${name}`,
    queued,
    saved,
  });
  const { errSummary, done, draftNote } = rf;

  // --- layout
  const clock = h('p', { class: 'clock', id: 'cv-clock', role: 'timer', 'aria-live': 'off' });
  const submit = h('button', { type: 'submit', class: 'primary' }, editId ? t('casevac.save') : t('casevac.record'));
  const form = h(
    'form',
    { class: 'casevac', novalidate: true, 'aria-describedby': 'cv-help' },
    h(
      'p',
      { id: 'cv-help', class: 'muted' },
      t('casevac.help'),
    ),
    errSummary,
    draftNote,
    clock,
    h('fieldset', {}, h('legend', {}, t('casevac.times')), h('div', { class: 'grid times' }, timeFields)),
    h(
      'fieldset',
      {},
      h('legend', {}, t('casevac.casualties_place')),
      h(
        'div',
        { class: 'grid' },
        field(t('casevac.patients'), c.casualties, { name: 'casualties' }),
        field(fieldLabel('casevac', 'priority'), c.priority, { name: 'priority' }),
        field(fieldLabel('casevac', 'place'), picker.input, { name: 'place', hint: t('casevac.place_hint'), wrap: picker.el }),
        field(t('casevac.unit'), c.unit_id, { name: 'unit_id' }),
        field(fieldLabel('casevac', 'event_id'), c.event_id, { name: 'event_id', hint: t('casevac.event_hint') }),
      ),
    ),
    h(
      'fieldset',
      {},
      h('legend', {}, t('casevac.evacuation')),
      h(
        'div',
        { class: 'grid' },
        field(fieldLabel('casevac', 'asset'), c.asset, { name: 'asset' }),
        field(t('casevac.provider'), c.provider, { name: 'provider' }),
        field(t('casevac.id'), c.casevac_id, { name: 'casevac_id', hint: editId ? null : t('casevac.id_hint') }),
        field(fieldLabel('casevac', 'note'), c.note, { name: 'note', wide: true }),
      ),
    ),
    h('div', { class: 'actions' }, submit, h('button', { type: 'button', class: 'secondary', onclick: () => rf.discard() }, editId ? t('incident.undo') : t('incident.clear'))),
  );
  main.append(done, form);

  // --- the clock and the marks
  function update() {
    const injured = c.injured_at.value;
    for (const [name, , mark] of TIMES) {
      const el = elapsed[name];
      if (name === 'injured_at') {
        el.textContent = '';
        continue;
      }
      const m = minutesBetween(injured, c[name].value);
      el.className = 'elapsed';
      if (m == null) {
        el.textContent = '';
        continue;
      }
      el.textContent = m < 0 ? t('casevac.before_injury') : `+${fmtMinutes(m)}`;
      if (m < 0) el.classList.add('late');
      else if (mark) el.classList.add(m <= mark ? 'in-time' : 'late');
    }
    const since = minutesBetween(injured, nowLocal());
    if (since == null || since < 0 || c.surgery_at.value) clock.hidden = true;
    else {
      clock.hidden = false;
      const next = !c.resuscitation_at.value ? 60 : 120;
      clock.textContent = t('casevac.since', { time: fmtMinutes(since) }) + (since <= next ? t(next === 60 ? 'casevac.left_resuscitation' : 'casevac.left_surgery', { time: fmtMinutes(next - since) }) : t('casevac.past_mark', { n: next / 60 })) + '.';
      clock.className = since <= next ? 'clock' : 'clock late';
    }
  }
  const tick = setInterval(update, 20000);
  signal.addEventListener('abort', () => clearInterval(tick));

  function fresh() {
    return { casevac_id: newId('cv'), casualties: '1', priority: 'urgent', asset: 'helicopter', injured_at: nowLocal(), place: '', place_label: '' };
  }
  // After the first save the form goes on with the same evacuation.
  function becomeEdit(id) {
    if (rf.editId) return;
    rf.edit(id);
    c.casevac_id.readOnly = true;
    submit.textContent = t('casevac.save');
    heading.querySelector('h1').textContent = t('casevac.title_id', { id });
    history.replaceState(history.state, '', `/casevac/new?id=${encodeURIComponent(id)}`);
  }
  form.addEventListener('input', update);
  if (!stored) rf.setValues(fresh());
  rf.start(form, submit);

  // --- after a save: kept in the outbox, or recorded
  function queued(b) {
    const id = b.casevac_id;
    becomeEdit(id);
    rf.saveDraft();
    rf.showDone(h('p', {}, h('strong', {}, t('casevac.kept', { id })), t('incident.kept_why'), ' ', t('casevac.go_on')));
  }
  function saved(rec) {
    rf.stored = rec;
    becomeEdit(rec.casevac_id);
    const r = minutesBetween(rec.injured_at, rec.resuscitation_at);
    const s = minutesBetween(rec.injured_at, rec.surgery_at);
    rf.showDone(
      h(
        'p',
        {},
        h('strong', {}, t('casevac.recorded', { id: rec.casevac_id })),
        ` (${t('dash.patients_lower', { n: rec.casualties })}, ${t('casevac.injured', { at: fmtDateTime(rec.injured_at) })}${r != null ? `, ${t('casevac.resuscitation_after', { time: fmtMinutes(r) })}` : ''}${s != null ? `, ${t('casevac.surgery_after', { time: fmtMinutes(s) })}` : ''}).`,
      ),
      h(
        'p',
        {},
        h('a', { href: `/records/casevac/${encodeURIComponent(rec.casevac_id)}` }, t('casevac.open_record')),
        ' · ',
        h('a', { href: '/casevac/new' }, t('casevac.another')),
      ),
    );
    window.scrollTo(0, 0);
  }
}
