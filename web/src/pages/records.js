// records.js: lists, detail pages and edit forms for every record kind,
// generated from GET /api/v1/kinds: filter, sort, page, open, edit (editors
// and admins), export CSV.
import { api, listAll, listPage, byIds, count, qs } from '../api.js';
import { kindMeta, allKinds, defaultColumns, recordTitle, reverseRefs, sectorLabel } from '../kinds.js';
import { h, field, select, pageHeading, errorBox, fieldLabel, kindLabel, vocabLabel, valueText, fmtDate, fmtDateTime, fmtNum, download, showFieldErrors, clearFieldErrors, announce, spinner, fieldReason } from '../ui.js';
import { t, getLang, errorMessage, colon } from '../i18n.js';
import { canWrite, navigate } from '../session.js';
import { placePicker, placeLabel } from '../placepicker.js';

const RESERVED = new Set(['ids', 'label', 'after', 'limit', 'back', 'sort', 'cols', 'p']);
const LONG_TEXT = new Set(['note', 'notes', 'description', 'objective', 'evidence', 'decisions', 'topics', 'mitigation', 'impact', 'condition']);
const NUMBER_TYPES = new Set(['integer', 'count', 'latitude', 'longitude', 'area', 'percent']);
// The index's groups of kinds: [catalogue key of the title, kinds].
const GROUPS = [
  ['records.group_incidents', ['events', 'places', 'sector_areas', 'restrictions']],
  ['records.group_force', ['units', 'unit_changes', 'equipment', 'equipment_status', 'evaluations', 'findings', 'caveats', 'rotations', 'capabilities', 'casevac']],
  ['records.group_operations', ['operations', 'activities', 'windows', 'convoy_notifications', 'convoy_sightings']],
  ['records.group_plan', ['infrastructure', 'benchmarks', 'programmes', 'meetings']],
];

export const recordHref = (kind, rec) => {
  const k = kindMeta(kind);
  return `/records/${kind}/` + k.key.map((f) => encodeURIComponent(rec[f])).join('/');
};

// Pages with more to say about a record than the generic one.
function specialPage(kind, rec) {
  if (kind === 'units') return { href: `/force/${encodeURIComponent(rec.unit_id)}`, text: t('records.unit_page') };
  if (kind === 'operations') return { href: `/operations/${encodeURIComponent(rec.operation_id)}`, text: t('records.operation_page') };
  if (kind === 'events') return { href: `/map?from=${rec.event_date}&to=${rec.event_date}&focus=${encodeURIComponent(rec.event_id_cnty)}`, text: t('records.show_on_map') };
  if (kind === 'rotations') return { href: `/force/rotations?unit=${encodeURIComponent(rec.unit_id)}`, text: t('rotations.title') };
  if (kind === 'unit_changes') return { href: `/force/${encodeURIComponent(rec.unit_id)}#h-hist`, text: t('records.unit_history') };
  if (kind === 'casevac') return { href: `/casevac/new?id=${encodeURIComponent(rec.casevac_id)}`, text: t('records.casevac_form') };
  return null;
}

// ------------------------------------------------------------------ index
export async function recordsIndexPage({ main, signal }) {
  main.append(pageHeading(t('nav.records')), h('p', { class: 'muted' }, t('records.intro')));
  const known = new Set(GROUPS.flatMap((g) => g[1]));
  const rest = allKinds()
    .map((k) => k.name)
    .filter((n) => !known.has(n));
  const groups = rest.length ? [...GROUPS, ['records.group_other', rest]] : GROUPS;
  const counters = [];
  for (const [title, names] of groups) {
    const ul = h('ul', { class: 'kind-list' });
    for (const n of names) {
      if (!kindMeta(n)) continue;
      const c = h('span', { class: 'count', 'aria-label': t('records.count_label') }, '…');
      counters.push([n, c]);
      ul.append(h('li', {}, h('a', { href: `/records/${n}` }, kindLabel(n)), ' ', c));
    }
    main.append(h('section', { class: 'card' }, h('h2', {}, t(title)), ul));
  }
  await Promise.all(
    counters.map(([n, c]) =>
      count(n, { counted: 'no' }, signal)
        .then((x) => (c.textContent = fmtNum(x)))
        .catch(() => (c.textContent = '')),
    ),
  );
}

// ------------------------------------------------------------------ list
function apiFilters(query) {
  const p = new URLSearchParams();
  for (const [k, v] of query) if (!RESERVED.has(k)) p.append(k, v);
  return p;
}
const OPS = [
  ['', '='],
  ['ne:', '≠'],
  ['ge:', '≥'],
  ['le:', '≤'],
  ['gt:', '>'],
  ['lt:', '<'],
];
function splitOp(v) {
  for (const [pre, sym] of OPS) if (pre && v.startsWith(pre)) return [pre, sym, v.slice(pre.length)];
  if (v.startsWith('eq:')) return ['eq:', '=', v.slice(3)];
  return ['', '=', v];
}

function cellValue(f, v, places) {
  if (v == null || v === '') return '';
  if (!f) return valueText(v);
  if (f.type === 'reference' && f.references) return h('a', { href: `/records/${f.references}/${encodeURIComponent(v)}` }, v);
  if (f.type === 'place') {
    const p = places && places.get(v);
    return h('a', { href: `/records/places/${encodeURIComponent(v)}` }, p ? p.name : v);
  }
  if (f.type === 'places' || f.type === 'references') {
    const target = f.type === 'places' ? 'places' : f.references;
    return v.map((x, i) => [i ? ', ' : '', h('a', { href: `/records/${target}/${encodeURIComponent(x)}` }, (places && target === 'places' && places.get(x)?.name) || x)]);
  }
  if (f.type === 'vocabulary') return vocabLabel(v);
  if (f.type === 'datetime') return fmtDateTime(v);
  if (f.type === 'date') return fmtDate(v);
  if (f.name === 'sector') return sectorLabel(v);
  return valueText(v);
}

async function placeNames(records, fields, signal) {
  const ids = new Set();
  for (const r of records)
    for (const f of fields) {
      if (f.type === 'place' && r[f.name]) ids.add(r[f.name]);
      if (f.type === 'places' && Array.isArray(r[f.name])) r[f.name].forEach((x) => ids.add(x));
    }
  const map = new Map();
  if (!ids.size) return map;
  try {
    for (const p of await byIds(kindMeta('places'), [...ids].slice(0, 2000), { signal })) map.set(p.place_id, p);
  } catch (e) {
    if (e.name === 'AbortError') throw e;
  }
  return map;
}

// CSV for spreadsheets, as `bluehelm export` writes it: text that begins
// with = + - @, a tab or a carriage return gets a leading ' so that no
// formula runs when the file is opened (numbers are left as they are).
function csvOf(k, items) {
  const cols = k.fields.map((f) => f.name);
  const esc = (v) => {
    let s = v == null ? '' : Array.isArray(v) ? v.join(';') : v === true ? 'yes' : v === false ? 'no' : String(v);
    if (typeof v !== 'number' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [cols.join(','), ...items.map((r) => cols.map((c) => esc(r[c])).join(','))].join('\r\n') + '\r\n';
}

function compare(a, b) {
  if (a == null || a === '') return b == null || b === '' ? 0 : 1;
  if (b == null || b === '') return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b), getLang(), { numeric: true });
}

export async function recordsListPage({ main, params, query, signal }) {
  const k = kindMeta(params[0]);
  if (!k) {
    main.append(pageHeading(t('records.no_such_kind')), h('p', {}, h('a', { href: '/records' }, t('records.all_kinds'))));
    return;
  }
  const ids = query.get('ids');
  const idList = ids != null ? ids.split(',').filter(Boolean) : null;
  const label = query.get('label');
  const filters = apiFilters(query);
  const limit = Number(query.get('limit')) || 50;
  const after = query.get('after');
  let back = [];
  try {
    back = JSON.parse(query.get('back') || '[]');
  } catch {
    back = [];
  }
  const explicitSort = query.get('sort');
  let sortParam = explicitSort || (k.date ? '-' + k.date : '');
  const colsKey = `bh.cols.${k.name}`;
  let cols = (query.get('cols') || localStorage.getItem(colsKey) || '').split(',').filter((c) => k.byName.has(c));
  if (!cols.length) cols = defaultColumns(k);

  const here = (changes) => {
    const q = new URLSearchParams(query);
    for (const [a, b] of Object.entries(changes)) {
      if (b == null || b === '') q.delete(a);
      else q.set(a, b);
    }
    return `/records/${k.name}?${q}`;
  };

  const heading = pageHeading(
    kindLabel(k.name),
    canWrite() && !idList ? h('a', { class: 'button', href: `/records/${k.name}/new` }, t('records.new')) : null,
  );
  main.append(heading);
  if (idList)
    main.append(
      h('p', { class: 'provenance' }, `${label || t('records.behind_figure')}${colon()}${t('records.n', { n: idList.length })}. `, h('a', { href: `/records/${k.name}` }, t('records.all_of_kind'))),
    );

  // Filters: chips for those in force, and a small form to add one.
  if (!idList) {
    const chips = h('ul', { class: 'chips', 'aria-label': t('records.filters_in_force') });
    for (const [col, v] of filters) {
      const [, sym, val] = splitOp(v);
      const q = new URLSearchParams(query);
      const all = q.getAll(col).filter((x) => x !== v);
      q.delete(col);
      all.forEach((x) => q.append(col, x));
      q.delete('after');
      q.delete('back');
      const shownVal = k.byName.get(col)?.type === 'vocabulary' ? vocabLabel(val) : val;
      chips.append(
        h(
          'li',
          { class: 'chip' },
          `${col === 'near' ? t('records.near') : fieldLabel(k, col)} ${col === 'near' ? '' : sym} ${shownVal}`,
          h('a', { href: `/records/${k.name}?${q}`, 'aria-label': t('records.remove_filter', { field: col === 'near' ? t('records.near') : fieldLabel(k, col) }), class: 'x' }, '×'),
        ),
      );
    }
    const fsel = select(
      'col',
      k.fields.map((f) => [f.name, fieldLabel(k, f.name) + (f.derived ? ` (${t('records.derived')})` : '')]),
      k.date || k.key[0],
      { id: 'flt-col' },
    );
    const osel = select('op', OPS.map(([p, s]) => [p, s]), '', { id: 'flt-op' });
    const valBox = h('span', { class: 'flt-val' });
    const mkValue = () => {
      const f = k.byName.get(fsel.value);
      let ctl;
      if (f.type === 'vocabulary') ctl = select('val', f.vocabulary.map((v) => [v, vocabLabel(v)]), '', { id: 'flt-val' });
      else if (f.type === 'yes/no')
        ctl = select(
          'val',
          [
            ['yes', t('value.yes')],
            ['no', t('value.no')],
          ],
          'yes',
          { id: 'flt-val' },
        );
      else if (f.type === 'date') ctl = h('input', { type: 'date', name: 'val', id: 'flt-val' });
      else if (f.type === 'datetime') ctl = h('input', { type: 'datetime-local', step: '60', name: 'val', id: 'flt-val' });
      else if (NUMBER_TYPES.has(f.type)) ctl = h('input', { type: 'number', step: 'any', name: 'val', id: 'flt-val' });
      else ctl = h('input', { type: 'text', name: 'val', id: 'flt-val', placeholder: t('records.value_placeholder') });
      valBox.replaceChildren(h('label', { for: 'flt-val', class: 'sr-only' }, t('records.value')), ctl);
    };
    fsel.addEventListener('change', mkValue);
    mkValue();
    const addForm = h(
      'form',
      { class: 'filter-add', 'aria-label': t('records.add_filter') },
      h('label', { for: 'flt-col' }, t('records.filter')),
      fsel,
      h('label', { for: 'flt-op', class: 'sr-only' }, t('records.comparison')),
      osel,
      valBox,
      h('button', { type: 'submit' }, t('records.add')),
    );
    addForm.addEventListener('submit', (e) => {
      e.preventDefault();
      const v = addForm.querySelector('[name=val]').value;
      const q = new URLSearchParams(query);
      q.append(fsel.value, osel.value + v);
      q.delete('after');
      q.delete('back');
      navigate(`/records/${k.name}?${q}`);
    });
    main.append(h('div', { class: 'filters' }, filters.toString() ? chips : null, addForm));
    // Incidents: the verification and the curation at one click.
    if (k.name === 'events') {
      const quick = [
        ['verification', 'reported', 'records.only_unverified'],
        ['verification', 'verified', 'records.only_verified'],
        ['verification', 'rejected', 'records.only_rejected'],
        ['duplicate_of', 'ne:', 'records.only_merged'],
        ['deleted', 'yes', 'records.only_deleted'],
      ];
      main.append(
        h(
          'p',
          { class: 'quick-filters' },
          t('records.show_only'),
          quick.map(([col, v, key], i) => {
            const q = new URLSearchParams(query);
            q.delete(col);
            q.set(col, v);
            q.delete('after');
            q.delete('back');
            return [i ? ' · ' : ' ', h('a', { href: `/records/events?${q}` }, t(key))];
          }),
        ),
      );
    }
  }

  const status = h('p', { class: 'muted list-status', role: 'status' });
  const tableBox = h('div', { class: 'scroll table-box' }, spinner());
  const pager = h('nav', { class: 'pager', 'aria-label': t('records.pages') });
  const tools = h('div', { class: 'list-tools' });
  main.append(status, tools, tableBox, pager);

  // Load: by ids, all (small kinds: sorted over everything), or a page.
  let items;
  let next = null;
  let whole = false;
  try {
    if (idList) {
      items = await byIds(k, idList, { signal });
      whole = true;
    } else {
      // Lists show every record, those that do not count too (rejected,
      // merged or deleted events): the total says the same.
      const all = new URLSearchParams(filters);
      all.set('counted', 'no');
      const total = await count(k.name, all, signal);
      status.textContent = filters.toString() ? t('records.n_match', { n: total }) : `${t('records.n', { n: total })}.`;
      if (total <= 1000 && !after) {
        items = (await listAll(k, filters, { signal })).items;
        whole = true;
      } else {
        const page = await listPage(k, filters, limit, after, signal);
        items = page.items;
        next = page.next;
      }
    }
  } catch (e) {
    if (e.name === 'AbortError') return;
    tableBox.replaceChildren(errorBox(e));
    return;
  }
  if (idList)
    status.textContent = t('records.n', { n: items.length }) + (items.length < idList.length ? ` (${t('records.not_visible', { n: idList.length - items.length })})` : '') + '.';

  // Sort (over everything when all is loaded, else within the page).
  if (!whole && !explicitSort) sortParam = '';
  const desc = sortParam.startsWith('-');
  const sortCol = sortParam.replace(/^-/, '');
  if (k.byName.has(sortCol)) {
    items.sort((a, b) => compare(a[sortCol], b[sortCol]) * (desc ? -1 : 1) || compare(a[k.key[0]], b[k.key[0]]));
  }
  let shown = items;
  let pageNo = 0;
  if (whole) {
    pageNo = Math.max(0, Number(query.get('p') || 0));
    shown = items.slice(pageNo * limit, pageNo * limit + limit);
  }

  const places = await placeNames(shown, cols.map((c) => k.byName.get(c)), signal);
  const table = h(
    'table',
    { class: 'list' },
    h('caption', { class: 'sr-only' }, `${kindLabel(k.name)}${whole ? '' : t('records.sorted_within_caption')}`),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        cols.map((c) => {
          const is = sortCol === c;
          const nextSort = is && !desc ? '-' + c : c;
          return h(
            'th',
            { scope: 'col', 'aria-sort': is ? (desc ? 'descending' : 'ascending') : null },
            h('a', { href: here({ sort: nextSort, p: null }), class: 'sort', title: t('records.sort_by', { field: fieldLabel(k, c) }) }, fieldLabel(k, c), is ? h('span', { 'aria-hidden': 'true' }, desc ? ' ▼' : ' ▲') : null),
          );
        }),
      ),
    ),
    h(
      'tbody',
      {},
      shown.map((r) =>
        h(
          'tr',
          {},
          cols.map((c, i) => {
            const f = k.byName.get(c);
            if (i === 0) return h('th', { scope: 'row' }, h('a', { href: recordHref(k.name, r) }, valueText(r[c]) || t('records.open')));
            return h('td', { class: NUMBER_TYPES.has(f.type) ? 'num' : null }, cellValue(f, r[c], places));
          }),
        ),
      ),
    ),
  );
  tableBox.replaceChildren(shown.length ? table : h('p', { class: 'empty' }, t('records.none')));
  if (!whole)
    tableBox.before(
      h(
        'p',
        { class: 'note' },
        sortCol
          ? t('records.sorted_within', { n: items.length, field: fieldLabel(k, k.key[0]), max: 1000 })
          : t('records.key_order', { field: fieldLabel(k, k.key[0]), limit, max: 1000 }),
      ),
    );

  // Pager.
  const limits = h(
    'label',
    {},
    t('records.per_page') + ' ',
    select('limit', ['25', '50', '100', '500'], String(limit), {
      onchange: (e) => navigate(here({ limit: e.target.value, after: null, back: null, p: null })),
    }),
  );
  if (whole) {
    const pages = Math.ceil(items.length / limit);
    if (pageNo > 0) pager.append(h('a', { href: here({ p: pageNo - 1 || null }), rel: 'prev' }, t('records.previous')));
    if (pages > 1) pager.append(h('span', {}, t('records.page_of', { page: pageNo + 1, pages })));
    if (pageNo + 1 < pages) pager.append(h('a', { href: here({ p: pageNo + 1 }), rel: 'next' }, t('records.next')));
  } else {
    if (after) pager.append(h('a', { href: here({ after: back.length ? back[back.length - 1] : null, back: back.length > 1 ? JSON.stringify(back.slice(0, -1)) : null }), rel: 'prev' }, t('records.previous')));
    if (next) pager.append(h('a', { href: here({ after: next, back: after ? JSON.stringify([...back, after]) : JSON.stringify([]) }), rel: 'next' }, t('records.next')));
    if (after && !back.length) {
      /* the previous page is the first */
    }
  }
  pager.append(limits);

  // Columns and export.
  const colBoxes = h(
    'fieldset',
    { class: 'cols' },
    h('legend', {}, t('records.columns')),
    k.fields.map((f) => h('label', { class: 'check' }, h('input', { type: 'checkbox', value: f.name, checked: cols.includes(f.name) }), fieldLabel(k, f.name))),
    h(
      'button',
      {
        type: 'button',
        onclick: () => {
          const chosen = [...colBoxes.querySelectorAll('input:checked')].map((i) => i.value);
          if (!chosen.length) return;
          localStorage.setItem(colsKey, chosen.join(','));
          navigate(here({ cols: null }));
        },
      },
      t('records.show_columns'),
    ),
  );
  const exportBtn = h('button', { type: 'button', class: 'secondary' }, t('records.export'));
  exportBtn.addEventListener('click', async () => {
    exportBtn.disabled = true;
    exportBtn.textContent = t('records.exporting');
    try {
      const all = idList ? items : (await listAll(k, filters, { max: 200000 })).items;
      download(`${k.name}.csv`, csvOf(k, all), 'text/csv');
      announce(t('records.exported', { n: all.length, file: `${k.name}.csv` }));
    } catch (e) {
      announce(t('records.export_failed', { why: errorMessage(e) }), 'error');
    } finally {
      exportBtn.disabled = false;
      exportBtn.textContent = t('records.export');
    }
  });
  tools.append(exportBtn, h('details', { class: 'col-pick' }, h('summary', {}, t('records.choose_columns')), colBoxes));
}

// ------------------------------------------------------------------ one record
export async function recordPage(ctx) {
  const { main, params, signal } = ctx;
  const k = kindMeta(params[0]);
  if (!k) {
    main.append(pageHeading(t('records.no_such_kind')));
    return;
  }
  const segs = params[1].split('/');
  if (segs.length === 1 && segs[0] === 'new') return editPage(ctx, k, null);
  const edit = segs[segs.length - 1] === 'edit' && segs.length === k.key.length + 1;
  const keyVals = segs.slice(0, k.key.length);
  if (keyVals.length !== k.key.length) {
    main.append(pageHeading(t('records.no_such_record')));
    return;
  }
  let rec;
  try {
    rec = await api(`${k.name}/${keyVals.map(encodeURIComponent).join('/')}`, { signal });
  } catch (e) {
    if (e.name === 'AbortError') return;
    main.append(
      pageHeading(e.status === 404 ? t('records.no_such_record') : t('records.cannot_show')),
      h('p', {}, e.status === 404 ? t('records.not_found', { kind: kindLabel(k.name), id: keyVals.join(' / ') }) : errorMessage(e)),
      h('p', {}, h('a', { href: `/records/${k.name}` }, t('records.all_of_kind'))),
    );
    return;
  }
  if (edit) return editPage(ctx, k, rec);

  const sp = specialPage(k.name, rec);
  const actions = h('div', { class: 'actions' });
  if (sp) actions.append(h('a', { class: 'button secondary', href: sp.href }, sp.text));
  if (canWrite()) {
    if (k.name === 'events') actions.append(h('a', { class: 'button secondary', href: `/incident/new?id=${encodeURIComponent(rec.event_id_cnty)}` }, t('records.edit_in_form')));
    actions.append(h('a', { class: 'button', href: `${recordHref(k.name, rec)}/edit` }, t('common.edit')));
    actions.append(
      h(
        'button',
        {
          type: 'button',
          class: 'danger',
          onclick: async () => {
            if (!confirm(t('records.confirm_delete', { kind: kindLabel(k.name), id: keyVals.join(' / ') }))) return;
            try {
              await api(`${k.name}/${keyVals.map(encodeURIComponent).join('/')}`, { method: 'DELETE' });
              announce(t('records.deleted'));
              navigate(`/records/${k.name}`);
            } catch (e) {
              announce(errorMessage(e), 'error');
            }
          },
        },
        t('common.delete'),
      ),
    );
  }
  main.append(
    h('p', { class: 'crumbs' }, h('a', { href: '/records' }, t('nav.records')), ' › ', h('a', { href: `/records/${k.name}` }, kindLabel(k.name))),
    pageHeading(recordTitle(k, rec) || keyVals.join(' / ')),
    rec.classification ? h('p', {}, h('span', { class: ['level', 'lvl-' + rec.classification] }, vocabLabel(rec.classification).toLocaleUpperCase(getLang()))) : null,
    actions,
  );
  if (k.name === 'events') main.append(eventCuration(k, rec));
  const places = await placeNames([rec], k.fields, signal);
  const dl = h('dl', { class: 'record' });
  for (const f of k.fields) {
    const v = rec[f.name];
    if (v == null || v === '' || (Array.isArray(v) && !v.length)) continue;
    let shown = cellValue(f, v, places);
    if (f.type === 'date') shown = `${fmtDate(v)} (${v})`;
    if (f.type === 'datetime') shown = `${fmtDateTime(v)} (${v})`;
    dl.append(h('div', {}, h('dt', {}, fieldLabel(k, f.name), f.derived ? h('span', { class: 'muted' }, ` (${t('records.derived')})`) : null), h('dd', {}, shown)));
  }
  const empty = k.fields.filter((f) => rec[f.name] == null || rec[f.name] === '' || (Array.isArray(rec[f.name]) && !rec[f.name].length)).map((f) => fieldLabel(k, f.name));
  main.append(h('section', { class: 'card' }, dl, empty.length ? h('p', { class: 'muted' }, `${t('records.no_value')}${colon()}${empty.join(', ')}.`) : null));

  // Records that refer to this one.
  const refs = reverseRefs(k.name);
  if (refs.length && k.key.length === 1) {
    const id = rec[k.key[0]];
    const box = h('section', { class: 'related' }, h('h2', {}, t('records.referring')));
    main.append(box);
    const results = await Promise.all(
      refs.map(({ kind, field: fname }) =>
        listPage(kindMeta(kind), { [fname]: id }, 20, null, signal)
          .then((p) => ({ kind, fname, items: p.items, more: !!p.next }))
          .catch(() => null),
      ),
    );
    let any = false;
    for (const r of results) {
      if (!r || !r.items.length) continue;
      any = true;
      const rk = kindMeta(r.kind);
      box.append(
        h(
          'div',
          { class: 'card' },
          h('h3', {}, `${kindLabel(r.kind)} (${t('records.by_field', { field: fieldLabel(r.kind, r.fname) })})`),
          h('ul', {}, r.items.map((x) => h('li', {}, h('a', { href: recordHref(r.kind, x) }, recordTitle(rk, x) || x[rk.key[0]])))),
          r.more ? h('p', {}, h('a', { href: `/records/${r.kind}?${qs({ [r.fname]: id })}` }, t('records.all_of_them'))) : null,
        ),
      );
    }
    if (!any) box.append(h('p', { class: 'muted' }, t('records.none_refer')));
  }
}

// An incident's verification and grading (set by editors), and whether it
// counts: rejected, merged into another (with unmerge) or withdrawn by ACLED.
function eventCuration(k, rec) {
  const id = rec.event_id_cnty;
  const path = `events/${encodeURIComponent(id)}`;
  const box = h('section', { class: 'card curation', 'aria-labelledby': 'cur-h' }, h('h2', { id: 'cur-h' }, fieldLabel(k, 'verification')));
  const why = [];
  if (rec.verification === 'rejected') why.push(t('curation.why_rejected'));
  if (rec.duplicate_of) why.push([t('curation.why_merged'), ' ', h('a', { href: `/records/events/${encodeURIComponent(rec.duplicate_of)}` }, rec.duplicate_of)]);
  if (rec.deleted) why.push(t('curation.why_deleted'));
  if (why.length) box.append(h('p', { class: 'alert' }, t('curation.not_counted'), colon(), why.map((w, i) => [i ? '; ' : '', w]), '.'));
  const status = h('div', { role: 'status' });
  if (!canWrite()) {
    box.append(
      h('p', {}, ['verification', 'reliability', 'credibility'].map((n, i) => [i ? ' · ' : '', fieldLabel(k, n), colon(), rec[n] ? vocabLabel(rec[n]) : '—'])),
    );
    return box;
  }
  const vocab = (name) => k.byName.get(name).vocabulary || [];
  const grade = (name, hint) =>
    field(
      fieldLabel(k, name),
      select(name, [...(name === 'verification' ? [] : [['', '—']]), ...vocab(name).map((v) => [v, vocabLabel(v)])], rec[name] || '', { id: `cur-${name}` }),
      { name, hint },
    );
  const form = h(
    'form',
    { class: 'grid', 'aria-label': t('curation.form') },
    grade('verification', t('curation.verification_hint')),
    grade('reliability', null),
    grade('credibility', null),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('records.save'))),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFieldErrors(form);
    const b = {};
    for (const n of ['verification', 'reliability', 'credibility']) {
      const v = form.elements.namedItem(n).value || null;
      if (v !== (rec[n] ?? null)) b[n] = v;
    }
    if (!Object.keys(b).length) {
      announce(t('curation.nothing_changed'));
      return;
    }
    try {
      await api(path, { method: 'PUT', body: b });
      announce(t('records.saved'));
      navigate(recordHref('events', rec));
    } catch (err) {
      showFieldErrors(form, err.fields, k);
      status.replaceChildren(errorBox(err));
    }
  });
  box.append(form);
  if (rec.duplicate_of)
    box.append(
      h(
        'p',
        {},
        h(
          'button',
          {
            type: 'button',
            class: 'secondary',
            onclick: async () => {
              try {
                await api('duplicates/unmerge', { method: 'POST', body: { id } });
                announce(t('curation.unmerged', { id }));
                navigate(recordHref('events', rec));
              } catch (err) {
                status.replaceChildren(errorBox(err));
              }
            },
          },
          t('curation.unmerge', { id: rec.duplicate_of }),
        ),
      ),
    );
  box.append(status);
  return box;
}

// ------------------------------------------------------------------ edit
async function optionsFor(kind, signal) {
  const k = kindMeta(kind);
  const n = await count(kind, { counted: 'no' }, signal).catch(() => 9999);
  if (n > 1000) return null;
  const { items } = await listAll(k, {}, { signal });
  return items.map((r) => [r[k.key[0]], `${recordTitle(k, r) || r[k.key[0]]}${recordTitle(k, r) && recordTitle(k, r) !== r[k.key[0]] ? ` (${r[k.key[0]]})` : ''}`]);
}

export function controlFor(f, value, { isNew, optionLists, places }) {
  const name = f.name;
  const id = `e-${name}`;
  const v = value;
  if (f.type === 'place') {
    const p = v && places.get(v);
    const pk = placePicker({ name, id, value: v || '', display: p ? placeLabel(p) : v || '' });
    return { input: pk.input, wrap: pk.el };
  }
  if (f.type === 'places') {
    const list = h('ul', { class: 'chips' });
    const hidden = h('input', { type: 'hidden', name, value: (v || []).join('\n'), dataset: { list: '1' } });
    const render = () => {
      const vals = hidden.value ? hidden.value.split('\n') : [];
      list.replaceChildren(
        ...vals.map((x) =>
          h(
            'li',
            { class: 'chip' },
            places.get(x)?.name || x,
            h(
              'button',
              {
                type: 'button',
                class: 'x',
                'aria-label': t('records.remove', { name: places.get(x)?.name || x }),
                onclick: () => {
                  hidden.value = vals.filter((y) => y !== x).join('\n');
                  render();
                },
              },
              '×',
            ),
          ),
        ),
      );
    };
    const pk = placePicker({
      name: `${name}__add`,
      id,
      onPick: (p) => {
        if (!p) return;
        places.set(p.place_id, p);
        const vals = hidden.value ? hidden.value.split('\n') : [];
        if (!vals.includes(p.place_id)) vals.push(p.place_id);
        hidden.value = vals.join('\n');
        pk.set(null);
        render();
      },
    });
    pk.input.dataset.placeInput = name;
    render();
    return { input: pk.input, wrap: h('div', {}, list, pk.el, hidden) };
  }
  if ((f.type === 'reference' || f.type === 'references') && optionLists[f.references]) {
    const opts = optionLists[f.references];
    if (f.type === 'reference') return { input: select(name, [['', '—'], ...opts], v || '', { id }) };
    const s = select(name, opts, '', { id, multiple: true, size: Math.min(6, opts.length) });
    [...s.options].forEach((o) => (o.selected = (v || []).includes(o.value)));
    return { input: s };
  }
  if (f.type === 'vocabulary') return { input: select(name, [['', '—'], ...f.vocabulary.map((x) => [x, vocabLabel(x)])], v || '', { id }) };
  if (f.type === 'yes/no')
    return {
      input: select(
        name,
        [
          ['', '—'],
          ['yes', t('value.yes')],
          ['no', t('value.no')],
        ],
        v === true ? 'yes' : v === false ? 'no' : '',
        { id },
      ),
    };
  if (f.type === 'date') return { input: h('input', { type: 'date', name, id, value: v || '' }) };
  if (f.type === 'datetime') return { input: h('input', { type: 'datetime-local', step: '60', name, id, value: v || '' }) };
  if (NUMBER_TYPES.has(f.type)) return { input: h('input', { type: 'number', step: f.type === 'count' || f.type === 'integer' ? '1' : 'any', name, id, value: v ?? '' }) };
  if (f.type === 'list' || f.type === 'references') return { input: h('input', { type: 'text', name, id, value: (v || []).join('; '), dataset: { semi: '1' } }) };
  if (LONG_TEXT.has(name)) return { input: h('textarea', { name, id, rows: '3', value: v || '' }) };
  return { input: h('input', { type: 'text', name, id, value: v ?? '', readonly: f.type === 'id' && !isNew, maxlength: f.type === 'code' ? '3' : null, autocomplete: 'off' }) };
}

// The form's values as the API's JSON (null for what was emptied).
export function formBody(k, form, isNew) {
  const b = {};
  for (const f of k.fields) {
    if (f.derived) continue;
    const el = form.elements.namedItem(f.name);
    if (!el) continue;
    let v;
    if (el instanceof HTMLSelectElement && el.multiple) v = [...el.selectedOptions].map((o) => o.value);
    else if (el.dataset && el.dataset.list) v = el.value ? el.value.split('\n') : [];
    else if (el.dataset && el.dataset.semi) v = el.value.split(';').map((s) => s.trim()).filter(Boolean);
    else v = el.value;
    if (v === '' || (Array.isArray(v) && !v.length)) {
      if (!isNew) b[f.name] = null;
      continue;
    }
    if (f.type === 'yes/no') v = v === 'yes';
    else if (NUMBER_TYPES.has(f.type)) v = Number(v);
    b[f.name] = v;
  }
  return b;
}

async function editPage({ main, signal, query }, k, rec) {
  const isNew = !rec;
  const title = isNew ? t('records.new_title', { kind: kindLabel(k.name) }) : t('records.edit_title', { title: recordTitle(k, rec) });
  main.append(h('p', { class: 'crumbs' }, h('a', { href: '/records' }, t('nav.records')), ' › ', h('a', { href: `/records/${k.name}` }, kindLabel(k.name))), pageHeading(title));
  if (!canWrite()) {
    main.append(h('p', { class: 'alert' }, t('records.read_only')));
    return;
  }
  main.append(spinner(t('records.preparing')));
  const refKinds = [...new Set(k.fields.filter((f) => (f.type === 'reference' || f.type === 'references') && f.references).map((f) => f.references))];
  const optionLists = {};
  await Promise.all(refKinds.map(async (rk) => (optionLists[rk] = await optionsFor(rk, signal))));
  const places = rec ? await placeNames([rec], k.fields, signal) : new Map();
  main.querySelector('.loading')?.remove();
  const errSummary = h('div', { class: 'alert error', role: 'alert', hidden: true, tabindex: '-1' });
  const form = h('form', { class: 'record-form', novalidate: true }, errSummary);
  const grid = h('div', { class: 'grid' });
  for (const f of k.fields) {
    if (f.derived) continue;
    // A new record may start from values in the address (?unit_id=...).
    const listy = f.type === 'list' || f.type === 'references' || f.type === 'places';
    const seed = isNew && !listy && query && query.get(f.name) ? query.get(f.name) : null;
    const { input, wrap } = controlFor(f, rec ? rec[f.name] : seed, { isNew, optionLists, places });
    const hint =
      f.type === 'list' || (f.type === 'references' && !optionLists[f.references])
        ? t('records.hint_list')
        : f.type === 'vocabulary' || f.type === 'date' || f.type === 'yes/no'
          ? null
          : f.type === 'datetime'
            ? t('records.hint_datetime')
            : f.type === 'code'
              ? t('records.hint_code3')
              : null;
    grid.append(field(fieldLabel(k, f.name) + (f.required ? ' *' : ''), input, { name: f.name, hint, wrap, wide: LONG_TEXT.has(f.name) || f.type === 'places' || f.type === 'references' }));
  }
  const submit = h('button', { type: 'submit', class: 'primary' }, isNew ? t('records.create') : t('records.save'));
  form.append(grid, h('div', { class: 'actions' }, submit, h('a', { class: 'button secondary', href: rec ? recordHref(k.name, rec) : `/records/${k.name}` }, t('common.cancel'))));
  main.append(form);
  // An edit sends only the fields that changed: values a record takes by
  // default stay defaults (the API returns the value in force).
  const initial = isNew ? null : formBody(k, form, false);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFieldErrors(form);
    errSummary.hidden = true;
    const b = formBody(k, form, isNew);
    if (initial)
      for (const f of Object.keys(b)) if (!k.key.includes(f) && JSON.stringify(b[f]) === JSON.stringify(initial[f])) delete b[f];
    submit.disabled = true;
    try {
      const path = isNew ? k.name : `${k.name}/${k.key.map((x) => encodeURIComponent(rec[x])).join('/')}`;
      const saved = await api(path, { method: isNew ? 'POST' : 'PUT', body: b });
      announce(isNew ? t('records.created') : t('records.saved'));
      navigate(recordHref(k.name, saved));
    } catch (err) {
      const left = showFieldErrors(form, err.status === 409 ? [{ field: k.key[0], rule: 'exists', reason: '' }] : err.fields, k);
      errSummary.replaceChildren(
        h('p', {}, h('strong', {}, t('records.not_saved')), ' ', errorMessage(err)),
        left.length ? h('ul', {}, left.map((f) => h('li', {}, `${f.field === '-' ? t('records.whole_record') : fieldLabel(k, f.field)}${colon()}${fieldReason(k, f)}`))) : null,
      );
      errSummary.hidden = false;
      if (!err.fields || !err.fields.length) errSummary.focus();
    } finally {
      submit.disabled = false;
    }
  });
}
