// recordform.js: what the incident and casualty-evacuation forms share. A
// form over one record of a kind: what is typed is kept in this browser as
// a draft (restored when the page opens again), a save creates the record
// (POST) or updates it (PUT), a save made while the connection is down waits
// in the outbox, and a record the server later refused from the outbox can
// be opened again here. The server's validation messages appear next to the
// fields they name and in a summary above the form. Each page keeps its own
// controls, layout and what it does after a save.
import { api } from './api.js';
import { kindMeta, fieldLabel } from './kinds.js';
import { h, select, showFieldErrors, clearFieldErrors, todayIso, announce, fieldReason } from './ui.js';
import { t, errorMessage, fmtMoment, colon } from './i18n.js';
import * as outbox from './outbox.js';

// newId(prefix): an id for a new record, PREFIX-YYYYMMDD-xxxx.
export function newId(prefix) {
  const d = todayIso().replace(/-/g, '');
  const r = Math.random().toString(36).slice(2, 6);
  return `${prefix}-${d}-${r}`;
}

// controls(idPrefix): {c, inp, sel}. inp(name, attrs) and sel(name, options,
// value, attrs) make an input or a select named for its column, with id
// IDPREFIX-NAME, and keep it in c[name] (the values the form reads and fills).
export function controls(idPrefix) {
  const c = {};
  const inp = (name, attrs = {}) => (c[name] = h('input', { name, id: `${idPrefix}-${name}`, ...attrs }));
  const sel = (name, options, value, attrs = {}) => (c[name] = select(name, options, value, { id: `${idPrefix}-${name}`, ...attrs }));
  return { c, inp, sel };
}

function loadDraft(key) {
  try {
    return JSON.parse(localStorage.getItem(key) || 'null');
  } catch {
    return null;
  }
}

// recordForm(o): the form's shared machinery. o:
//   kind        the kind's name, also its API path ('events', 'casevac')
//   idField     its key column, a control of c
//   editId      the id of the record edited, or null for a new one
//   stored      that record as the API gave it, or null (not on the server)
//   draft       the localStorage key of a new record's draft (an edited
//               record's is DRAFT.ID)
//   c, picker, placeName   the controls (controls()), the place picker and
//               the column its place goes to
//   refusedKey, notRecordedKey   catalogue keys: "N records were refused"
//               above the form, "not recorded" at the head of the summary
//   toValue(name, text)   the value sent for a control's text (not empty)
//   finish(b)   optional: completes the body before it is sent
//   onlyChanges an edit sends only the values changed since the form opened
//   fromRecord(rec)  optional: the form's values for a stored record
//   afterSet(v) optional: called after the form took the values v
//   blank()     empties the form for a new record
//   errorHref(field)  optional: the href of a field's link in the summary
//               (by default the link focuses the field's control)
//   queued(body)  after a save was put in the outbox
//   saved(rec)  after a save succeeded (the draft is dropped already)
// Returns rf: rf.errSummary, rf.done and rf.draftNote for the page's layout;
// rf.start(form, submit) once the form is built; rf.editId and rf.stored (the
// page may update them); values(), setValues(v), saveDraft(), dropDraft(),
// discard(), edit(id) (go on as the edit of the record id) and showDone(...)
// (a success message that takes the focus).
export function recordForm(o) {
  const { c, picker, placeName } = o;
  const k = kindMeta(o.kind);
  const fromRecord = o.fromRecord || ((r) => r);
  let form = null;
  let draftKey = o.editId ? `${o.draft}.${o.editId}` : o.draft;
  let initial = null;
  let saveT = null;

  const rf = {
    editId: o.editId,
    stored: o.stored,
    errSummary: h('div', { class: 'alert error', role: 'alert', hidden: true, tabindex: '-1' }),
    done: h('div', { class: 'alert ok', role: 'status', hidden: true, tabindex: '-1' }),
    draftNote: h('div', { class: 'alert', hidden: true }),
  };

  // --- values in and out
  rf.values = () => {
    const out = {};
    for (const [name, el] of Object.entries(c)) out[name] = el.value;
    out[placeName] = picker.hidden.value;
    out.place_label = picker.input.value;
    return out;
  };
  rf.setValues = (v) => {
    for (const [name, el] of Object.entries(c)) {
      if (v[name] !== undefined && v[name] !== null) el.value = v[name] === true ? 'yes' : v[name] === false ? 'no' : String(v[name]);
      else if (v[name] === null) el.value = '';
    }
    picker.hidden.value = v[placeName] || '';
    picker.input.value = v.place_label || v[placeName] || '';
    if (o.afterSet) o.afterSet(v);
  };
  // What a save sends; on an edit an emptied control sends null.
  function body() {
    const b = {};
    for (const [name, val] of Object.entries(rf.values())) {
      if (name === 'place_label') continue;
      if (initial && name !== o.idField && String(val ?? '') === String(initial[name] ?? '')) continue;
      if (val === '' || val == null) {
        if (rf.editId) b[name] = null;
        continue;
      }
      b[name] = o.toValue(name, val);
    }
    return o.finish ? o.finish(b) : b;
  }

  // --- the draft
  rf.saveDraft = () => {
    clearTimeout(saveT);
    saveT = setTimeout(() => {
      try {
        localStorage.setItem(draftKey, JSON.stringify({ at: new Date().toISOString(), values: rf.values() }));
      } catch {
        /* storage full: nothing to do */
      }
    }, 300);
  };
  rf.dropDraft = () => {
    clearTimeout(saveT);
    localStorage.removeItem(draftKey);
  };
  rf.discard = () => {
    rf.dropDraft();
    clearFieldErrors(form);
    rf.errSummary.hidden = true;
    rf.draftNote.hidden = true;
    if (rf.stored) rf.setValues(fromRecord(rf.stored));
    else o.blank();
    announce(t('incident.cleared'));
  };
  rf.edit = (id) => {
    rf.editId = id;
    draftKey = `${o.draft}.${id}`;
  };

  // --- messages
  rf.showDone = (...content) => {
    rf.done.replaceChildren(...content);
    rf.done.hidden = false;
    rf.done.focus();
  };
  function fieldLink(f) {
    const label = fieldLabel(o.kind, f.field);
    if (o.errorHref) return h('a', { href: o.errorHref(f.field) }, label);
    const focus = (e) => {
      e.preventDefault();
      const ctl = form.querySelector(`[data-place-input="${CSS.escape(f.field)}"]`) || form.querySelector(`[name="${CSS.escape(f.field)}"]:not([type=hidden])`);
      if (ctl) ctl.focus();
    };
    return h('a', { href: `#err-${f.field}`, onclick: focus }, label);
  }
  function showErrors(err) {
    const left = showFieldErrors(form, err.fields, k);
    rf.errSummary.replaceChildren(
      h('p', {}, h('strong', {}, t(o.notRecordedKey)), ' ', err.code || err.status != null ? errorMessage(err) : err.message),
      err.fields && err.fields.length ? h('ul', {}, err.fields.map((f) => h('li', {}, fieldLink(f), `${colon()}${fieldReason(k, f)}`))) : null,
    );
    rf.errSummary.hidden = false;
    if (!err.fields || !err.fields.length || left.length === err.fields.length) rf.errSummary.focus();
  }

  // Records of this kind the server refused from the outbox, above the form.
  function showRefused() {
    const refused = outbox.refused().filter((r) => r.path === o.kind || r.path.startsWith(`${o.kind}/`));
    if (!refused.length) return;
    const box = h('div', { class: 'alert error', role: 'alert' }, h('p', {}, t(o.refusedKey, { n: refused.length })));
    const open = (r) => {
      rf.setValues(r.body);
      outbox.dropRefused(r.at);
      box.remove();
      showErrors(r.error);
    };
    const item = (r) =>
      h(
        'li',
        {},
        `${r.body[o.idField]} (${r.error.code ? errorMessage(r.error) : r.error.message}) `,
        h('button', { type: 'button', class: 'link', onclick: () => open(r) }, t('incident.open_here')),
      );
    box.append(h('ul', {}, refused.map(item)));
    form.before(box);
  }

  // The draft of an earlier visit, if any, over the stored values.
  function restoreDraft() {
    const draft = loadDraft(draftKey);
    if (!draft || !draft.values) return;
    rf.setValues(draft.values);
    rf.draftNote.replaceChildren(
      t('incident.draft_back', { at: fmtMoment(draft.at) }) + ' ',
      h('button', { type: 'button', class: 'link', onclick: rf.discard }, rf.stored ? t('incident.undo') : t('incident.start_afresh')),
    );
    rf.draftNote.hidden = false;
  }

  async function onSubmit(e, submit) {
    e.preventDefault();
    clearFieldErrors(form);
    rf.errSummary.hidden = true;
    rf.done.hidden = true;
    const b = body();
    const req = rf.editId ? { path: `${o.kind}/${encodeURIComponent(rf.editId)}`, method: 'PUT' } : { path: o.kind, method: 'POST' };
    const queue = () => {
      outbox.enqueue({ ...req, body: b, label: b[o.idField] });
      o.queued(b);
    };
    if (!navigator.onLine) return queue();
    submit.disabled = true;
    try {
      const rec = await api(req.path, { method: req.method, body: b });
      rf.dropDraft();
      o.saved(rec);
    } catch (err) {
      if (err.offline) return queue();
      showErrors(err.status === 409 ? { code: err.code, status: err.status, fields: [{ field: o.idField, rule: 'exists', reason: '' }] } : err);
    } finally {
      submit.disabled = false;
    }
  }

  // start(form, submit): once the form is built (and holds errSummary and
  // draftNote): the refused records, the draft kept as the user types, the
  // stored record's values, the draft of an earlier visit, the submit.
  rf.start = (f, submit) => {
    form = f;
    showRefused();
    form.addEventListener('input', rf.saveDraft);
    form.addEventListener('change', rf.saveDraft);
    if (rf.stored) {
      rf.setValues(fromRecord(rf.stored));
      if (o.onlyChanges) initial = rf.values();
    }
    restoreDraft();
    form.addEventListener('submit', (e) => onSubmit(e, submit));
  };
  return rf;
}
