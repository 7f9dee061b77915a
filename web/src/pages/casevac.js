// casevac.js: recording a casualty evacuation as it happens. The times of
// the 10-1-2 standard (injury, request, take-off, arrival at damage-control
// resuscitation, arrival at surgery) each have a "Now" button; the clock
// since the injury shows against the one- and two-hour marks. Save as often
// as needed: the first save creates the record, later ones update it. What
// is typed is kept in this browser as a draft, and a save made while the
// connection is down waits in the outbox, like the incident form.
import { api, listAll } from '../api.js';
import { kindMeta } from '../kinds.js';
import { h, field, select, pageHeading, showFieldErrors, clearFieldErrors, todayIso, announce, vocabLabel, nowLocal, minutesBetween, fmtDateTime } from '../ui.js';
import { canWrite } from '../session.js';
import { placePicker } from '../placepicker.js';
import * as outbox from '../outbox.js';

const DRAFT = 'bh.draft.casevac';
// The times in the order they must follow, with the standard's mark (minutes
// after injury) where it has one.
const TIMES = [
  ['injured_at', 'Injury *', null],
  ['requested_at', 'Evacuation requested', null],
  ['airborne_at', 'Airborne (take-off)', null],
  ['resuscitation_at', 'Arrival at damage-control resuscitation', 60],
  ['surgery_at', 'Arrival at surgery', 120],
];

function newId() {
  const d = todayIso().replace(/-/g, '');
  const r = Math.random().toString(36).slice(2, 6);
  return `cv-${d}-${r}`;
}

function loadDraft(key) {
  try {
    return JSON.parse(localStorage.getItem(key) || 'null');
  } catch {
    return null;
  }
}

const fmtMinutes = (m) => (m < 60 ? `${m} min` : `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`);

export async function casevacPage({ main, query, signal }) {
  let editId = query.get('id');
  const k = kindMeta('casevac');
  const vocab = (f) => k.byName.get(f).vocabulary || [];
  const heading = pageHeading(editId ? `Casualty evacuation ${editId}` : 'New casualty evacuation');
  main.append(heading);
  if (!canWrite()) {
    main.append(h('p', { class: 'alert' }, 'Your role may read records but not write them. Ask an administrator for an editor account.'));
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
        main.append(h('div', { class: 'alert error', role: 'alert' }, e.message));
        return;
      }
    }
  }
  let draftKey = editId ? `${DRAFT}.${editId}` : DRAFT;
  const units = await listAll(kindMeta('units'), {}, { signal }).then((r) => r.items).catch(() => []);
  units.sort((a, b) => a.name.localeCompare(b.name));
  const unitOpts = units.map((u) => [u.unit_id, `${u.name} (${u.unit_id})`]);

  // --- controls
  const c = {};
  const inp = (name, attrs = {}) => (c[name] = h('input', { name, id: `c-${name}`, ...attrs }));
  const sel = (name, options, value, attrs = {}) => (c[name] = select(name, options, value, { id: `c-${name}`, ...attrs }));
  inp('casevac_id', { value: newId(), required: true, readonly: !!editId, autocomplete: 'off', spellcheck: 'false' });
  inp('casualties', { type: 'number', min: '1', step: '1', inputmode: 'numeric', value: '1', required: true });
  sel('priority', [['', '—'], ...vocab('priority').map((v) => [v, vocabLabel(v)])], 'urgent');
  sel('unit_id', [['', '—'], ...unitOpts], '');
  inp('event_id', { autocomplete: 'off', spellcheck: 'false', placeholder: 'e.g. joc-20210402-ab12' });
  sel('asset', [['', '—'], ...vocab('asset').map((v) => [v, vocabLabel(v)])], 'helicopter');
  sel('provider', [['', '—'], ...unitOpts], '');
  c.note = h('textarea', { name: 'note', id: 'c-note', rows: '3' });
  const picker = placePicker({ name: 'place', id: 'c-place', onPick: () => saveDraft() });
  const elapsed = {};
  const timeFields = TIMES.map(([name, label, mark]) => {
    inp(name, { type: 'datetime-local', step: '60', required: name === 'injured_at' });
    elapsed[name] = h('span', { class: 'elapsed', id: `el-${name}`, 'aria-live': 'polite' });
    const now = h('button', { type: 'button', class: 'secondary now', dataset: { now: name }, 'aria-label': `${label.replace(' *', '')}: now` }, 'Now');
    now.addEventListener('click', () => {
      c[name].value = nowLocal();
      update();
      saveDraft();
      announce(`${label.replace(' *', '')}: ${fmtDateTime(c[name].value)}.`);
    });
    const hint = mark ? `The standard: within ${mark / 60} hour${mark > 60 ? 's' : ''} of the injury.` : name === 'injured_at' ? 'Local time, to the minute.' : null;
    return field(label, c[name], { name, hint, wrap: h('div', { class: 'with-now' }, c[name], now, elapsed[name]) });
  });

  // --- layout
  const errSummary = h('div', { class: 'alert error', role: 'alert', hidden: true, tabindex: '-1' });
  const done = h('div', { class: 'alert ok', role: 'status', hidden: true, tabindex: '-1' });
  const draftNote = h('div', { class: 'alert', hidden: true });
  const clock = h('p', { class: 'clock', id: 'cv-clock', role: 'timer', 'aria-live': 'off' });
  const submit = h('button', { type: 'submit', class: 'primary' }, editId ? 'Save the times' : 'Record the evacuation');
  const form = h(
    'form',
    { class: 'casevac', novalidate: true, 'aria-describedby': 'cv-help' },
    h(
      'p',
      { id: 'cv-help', class: 'muted' },
      'Record the evacuation as it happens: press Now as each step occurs and save as often as you like. Fields marked * are required. What you type is kept in this browser until it is recorded, even if the connection drops.',
    ),
    errSummary,
    draftNote,
    clock,
    h('fieldset', {}, h('legend', {}, 'Times (10-1-2)'), h('div', { class: 'grid times' }, timeFields)),
    h(
      'fieldset',
      {},
      h('legend', {}, 'Casualties and place'),
      h(
        'div',
        { class: 'grid' },
        field('Patients *', c.casualties, { name: 'casualties' }),
        field('Priority', c.priority, { name: 'priority' }),
        field('Place', picker.input, { name: 'place', hint: 'Where the casualties were picked up. Give the place, the unit, or both.', wrap: picker.el }),
        field('Unit of the casualties', c.unit_id, { name: 'unit_id' }),
        field('Incident', c.event_id, { name: 'event_id', hint: 'The id of the incident, if it is recorded.' }),
      ),
    ),
    h(
      'fieldset',
      {},
      h('legend', {}, 'Evacuation'),
      h(
        'div',
        { class: 'grid' },
        field('Asset', c.asset, { name: 'asset' }),
        field('Provider (unit)', c.provider, { name: 'provider' }),
        field('Evacuation id *', c.casevac_id, { name: 'casevac_id', hint: editId ? null : 'Made up for you; change it to the MEDEVAC request number if there is one.' }),
        field('Note', c.note, { name: 'note', wide: true }),
      ),
    ),
    h('div', { class: 'actions' }, submit, h('button', { type: 'button', class: 'secondary', onclick: () => discard() }, editId ? 'Undo my changes' : 'Clear the form')),
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
      el.textContent = m < 0 ? 'before the injury' : `+${fmtMinutes(m)}`;
      if (m < 0) el.classList.add('late');
      else if (mark) el.classList.add(m <= mark ? 'in-time' : 'late');
    }
    const since = minutesBetween(injured, nowLocal());
    if (since == null || since < 0 || c.surgery_at.value) clock.hidden = true;
    else {
      clock.hidden = false;
      const next = !c.resuscitation_at.value ? 60 : 120;
      clock.textContent = `${fmtMinutes(since)} since the injury; ${since <= next ? `${fmtMinutes(next - since)} left to reach ${next === 60 ? 'resuscitation' : 'surgery'} within the standard` : `past the ${next / 60}-hour mark`}.`;
      clock.className = since <= next ? 'clock' : 'clock late';
    }
  }
  const tick = setInterval(update, 20000);
  signal.addEventListener('abort', () => clearInterval(tick));

  // --- refused records from the outbox
  const refused = outbox.refused().filter((r) => r.path === 'casevac' || r.path.startsWith('casevac/'));
  if (refused.length) {
    const box = h('div', { class: 'alert error', role: 'alert' }, h('p', {}, `${refused.length} evacuation record${refused.length === 1 ? '' : 's'} sent from the outbox ${refused.length === 1 ? 'was' : 'were'} refused by the server:`));
    const ul = h('ul');
    refused.forEach((r) =>
      ul.append(
        h(
          'li',
          {},
          `${r.body.casevac_id} (${r.error.message}) `,
          h(
            'button',
            {
              type: 'button',
              class: 'link',
              onclick: () => {
                setValues(r.body);
                outbox.dropRefused(r.at);
                box.remove();
                showErrors(r.error);
              },
            },
            'open it here',
          ),
        ),
      ),
    );
    box.append(ul);
    form.before(box);
  }

  // --- values in and out
  function values() {
    const out = {};
    for (const [name, el] of Object.entries(c)) out[name] = el.value;
    out.place = picker.hidden.value;
    out.place_label = picker.input.value;
    return out;
  }
  function setValues(v) {
    for (const [name, el] of Object.entries(c)) {
      if (v[name] !== undefined && v[name] !== null) el.value = String(v[name]);
      else if (v[name] === null) el.value = '';
    }
    picker.hidden.value = v.place || '';
    picker.input.value = v.place_label || v.place || '';
    update();
  }
  function body() {
    const b = {};
    for (const [name, val] of Object.entries(values())) {
      if (name === 'place_label') continue;
      if (val === '' || val == null) {
        if (editId) b[name] = null;
        continue;
      }
      b[name] = name === 'casualties' ? Number(val) : val;
    }
    return b;
  }
  let saveT = null;
  function saveDraft() {
    clearTimeout(saveT);
    saveT = setTimeout(() => {
      try {
        localStorage.setItem(draftKey, JSON.stringify({ at: new Date().toISOString(), values: values() }));
      } catch {
        /* storage full: nothing to do */
      }
    }, 300);
  }
  function dropDraft() {
    clearTimeout(saveT);
    localStorage.removeItem(draftKey);
  }
  function fresh() {
    return { casevac_id: newId(), casualties: '1', priority: 'urgent', asset: 'helicopter', injured_at: nowLocal(), place: '', place_label: '' };
  }
  function discard() {
    dropDraft();
    clearFieldErrors(form);
    errSummary.hidden = true;
    draftNote.hidden = true;
    if (stored) setValues(stored);
    else {
      form.reset();
      for (const [name] of TIMES) c[name].value = '';
      setValues(fresh());
    }
    announce('The form is cleared.');
  }
  // After the first save the form goes on with the same evacuation.
  function becomeEdit(id) {
    if (editId) return;
    editId = id;
    draftKey = `${DRAFT}.${id}`;
    c.casevac_id.readOnly = true;
    submit.textContent = 'Save the times';
    heading.querySelector('h1').textContent = `Casualty evacuation ${id}`;
    history.replaceState(history.state, '', `/casevac/new?id=${encodeURIComponent(id)}`);
  }
  form.addEventListener('input', () => {
    update();
    saveDraft();
  });
  form.addEventListener('change', saveDraft);

  if (stored) setValues(stored);
  else setValues(fresh());
  const draft = loadDraft(draftKey);
  if (draft && draft.values) {
    setValues(draft.values);
    draftNote.replaceChildren(
      `Your draft of ${new Date(draft.at).toLocaleString('en-GB')} is back in the form. `,
      h('button', { type: 'button', class: 'link', onclick: discard }, stored ? 'Undo my changes' : 'Start afresh'),
    );
    draftNote.hidden = false;
  }

  // --- submit
  function showErrors(err) {
    const left = showFieldErrors(form, err.fields);
    errSummary.replaceChildren(
      h('p', {}, h('strong', {}, 'The evacuation was not recorded: '), err.message),
      err.fields && err.fields.length ? h('ul', {}, err.fields.map((f) => h('li', {}, h('a', { href: `#c-${f.field}` }, vocabLabel(f.field)), `: ${f.reason}`))) : null,
    );
    errSummary.hidden = false;
    if (!err.fields || !err.fields.length || left.length === err.fields.length) errSummary.focus();
  }
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFieldErrors(form);
    errSummary.hidden = true;
    done.hidden = true;
    const b = body();
    const id = b.casevac_id;
    const req = editId ? { path: `casevac/${encodeURIComponent(editId)}`, method: 'PUT' } : { path: 'casevac', method: 'POST' };
    const queue = () => {
      outbox.enqueue({ ...req, body: b, label: id });
      becomeEdit(id);
      saveDraft();
      done.replaceChildren(
        h('p', {}, h('strong', {}, `Evacuation ${id} is kept in this browser`), ': there is no connection to the server. It will be sent by itself when the connection returns (the header shows what waits). Go on recording the times.'),
      );
      done.hidden = false;
      done.focus();
    };
    if (!navigator.onLine) return queue();
    submit.disabled = true;
    try {
      const rec = await api(req.path, { method: req.method, body: b });
      dropDraft();
      stored = rec;
      becomeEdit(rec.casevac_id);
      const r = minutesBetween(rec.injured_at, rec.resuscitation_at);
      const s = minutesBetween(rec.injured_at, rec.surgery_at);
      done.replaceChildren(
        h(
          'p',
          {},
          h('strong', {}, `Evacuation ${rec.casevac_id} is recorded`),
          ` (${rec.casualties} patient${rec.casualties === 1 ? '' : 's'}, injured ${fmtDateTime(rec.injured_at)}${r != null ? `, resuscitation after ${fmtMinutes(r)}` : ''}${s != null ? `, surgery after ${fmtMinutes(s)}` : ''}).`,
        ),
        h(
          'p',
          {},
          h('a', { href: `/records/casevac/${encodeURIComponent(rec.casevac_id)}` }, 'Open the record'),
          ' · ',
          h('a', { href: '/casevac/new' }, 'Record another evacuation'),
        ),
      );
      done.hidden = false;
      done.focus();
      window.scrollTo(0, 0);
    } catch (err) {
      if (err.offline) return queue();
      showErrors(err.status === 409 ? { message: err.message, fields: [{ field: 'casevac_id', reason: 'an evacuation with this id exists: change the id' }] } : err);
    } finally {
      submit.disabled = false;
    }
  });
}
