// force.js: the units with their strength and status as of a day, a unit's
// page (its history, equipment serviceability, evaluations and findings,
// caveats, rotations) and the contributors page. A unit's location, sector,
// status and strength on a day come from the server (the unit-positions and
// deployment indicators), never worked out here.
import { api, indicator, listAll, byIds, qs } from '../api.js';
import { kindMeta, fieldLabel, sectorLabel, countryLabel } from '../kinds.js';
import { h, pageHeading, errorBox, fmtNum, fmtDate, vocabLabel, todayIso, validDate, select, addDays } from '../ui.js';
import { t, fmtPct, errorMessage, colon } from '../i18n.js';
import { navigate, storedPeriod, canWrite } from '../session.js';
import { hbars } from '../charts.js';
import { rotationTimeline, rotationTable } from '../timeline.js';
import { idsHref } from './dashboard.js';
import { recordHref } from './records.js';

function strength(u) {
  const d = u.deployed_strength;
  const a = u.authorized_strength;
  if (d == null && a == null) return '—';
  const pct = a ? Math.round((100 * (d || 0)) / a) : null;
  return h(
    'span',
    { class: 'strength' },
    h('span', { class: 'num' }, `${fmtNum(d)} / ${fmtNum(a)}`),
    a ? h('meter', { min: '0', max: String(a), value: String(d || 0), low: String(a * 0.6), high: String(a * 0.85), optimum: String(a), title: t('force.pct_of_authorized', { pct: fmtPct(pct) }) }, fmtPct(pct)) : null,
  );
}

// Each unit with its location, sector, status and strength as of the day.
function asOfUnits(units, positions) {
  const pos = new Map((positions.units || []).map((p) => [p.unit_id, p]));
  return units.map((u) => {
    const p = pos.get(u.unit_id);
    return p ? { ...u, location: p.location, sector: p.sector, status: p.status, status_since: p.since, deployed_strength: p.deployed_strength } : u;
  });
}

export async function forcePage({ main, query, signal }) {
  let asOf = query.get('as_of');
  if (!validDate(asOf)) asOf = todayIso();
  main.append(
    pageHeading(
      t('nav.force'),
      h('a', { class: 'button secondary', href: `/force/contributors?as_of=${asOf}` }, t('force.by_contributor')),
      h('a', { class: 'button secondary', href: '/force/rotations' }, t('rotations.title')),
    ),
  );
  const [units, dep, gaps, positions] = await Promise.all([
    listAll(kindMeta('units'), {}, { signal }),
    indicator('deployment', { as_of: asOf }, signal).catch((e) => ({ error: e })),
    indicator('capability-gaps', {}, signal).catch((e) => ({ error: e })),
    indicator('unit-positions', { as_of: asOf }, signal).catch(() => ({ units: [] })),
  ]);
  const sector = query.get('sector') || '';
  const status = query.get('status') || '';
  const component = query.get('component') || '';
  const all = asOfUnits(units.items, positions);
  const shown = all.filter((u) => (!sector || u.sector === sector) && (!status || u.status === status) && (!component || u.component === component));
  const locIds = [...new Set(shown.map((u) => u.location).filter(Boolean))];
  const placeMap = new Map((await byIds(kindMeta('places'), locIds, { signal }).catch(() => [])).map((p) => [p.place_id, p]));

  if (!dep.error)
    main.append(
      h(
        'ul',
        { class: 'facts' },
        h('li', {}, h('strong', {}, fmtNum(dep.deployed_strength_total)), ' ', t('force.deployed_of'), ' ', h('strong', {}, fmtNum(dep.authorized_strength_total)), ' ', t('force.authorized')),
        ...Object.entries(dep.by_status || {}).map(([s, n]) => h('li', {}, h('a', { href: `/force?${qs({ status: s, as_of: asOf })}` }, vocabLabel(s), colon(), h('strong', {}, fmtNum(n))))),
        dep.advance_team && dep.advance_team.length
          ? h('li', { class: 'warn' }, h('a', { href: idsHref('units', dep.records.advance_team, t('force.advance_team_units')) }, h('strong', {}, fmtNum(dep.advance_team.length)), ' ', t('force.at_advance_team')))
          : null,
        !gaps.error ? h('li', {}, h('a', { href: idsHref('capabilities', gaps.records.gaps, t('dash.gaps')) }, h('strong', {}, fmtNum(gaps.gaps.length)), ' ', t('force.capability_gaps', { n: gaps.gaps.length }))) : null,
      ),
    );
  const sectors = [...new Set(all.map((u) => u.sector).filter(Boolean))].sort();
  const fk = kindMeta('units');
  const form = h(
    'form',
    { class: 'period', 'aria-label': t('force.filter') },
    h('div', { class: 'field' }, h('label', { for: 'u-as-of' }, t('force.as_of')), h('input', { type: 'date', id: 'u-as-of', name: 'as_of', value: asOf })),
    h('div', { class: 'field' }, h('label', { for: 'u-sector' }, t('common.sector')), select('sector', [['', t('common.all')], ...sectors.map((x) => [x, sectorLabel(x)])], sector, { id: 'u-sector' })),
    h('div', { class: 'field' }, h('label', { for: 'u-status' }, fieldLabel('units', 'status')), select('status', [['', t('common.all')], ...fk.byName.get('status').vocabulary], status, { id: 'u-status' })),
    h('div', { class: 'field' }, h('label', { for: 'u-comp' }, fieldLabel('units', 'component')), select('component', [['', t('common.all')], ...fk.byName.get('component').vocabulary], component, { id: 'u-comp' })),
    h('button', { type: 'submit', class: 'primary' }, t('common.show')),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const fd = new FormData(form);
    navigate('/force?' + qs(Object.fromEntries(fd)));
  });
  main.append(form);
  const byParent = new Map();
  for (const u of all) if (u.parent_unit) byParent.set(u.parent_unit, [...(byParent.get(u.parent_unit) || []), u]);
  shown.sort((a, b) => (a.sector || '~').localeCompare(b.sector || '~') || a.name.localeCompare(b.name));
  main.append(
    h(
      'div',
      { class: 'scroll' },
      h(
        'table',
        { class: 'list units' },
        h('caption', { class: 'sr-only' }, t('force.units')),
        h('thead', {}, h('tr', {}, ['force.col_unit', 'force.col_type', 'force.col_country', 'common.sector', 'force.col_location', 'force.col_strength', 'force.col_status'].map((c) => h('th', { scope: 'col' }, t(c))))),
        h(
          'tbody',
          {},
          shown.map((u) =>
            h(
              'tr',
              {},
              h('th', { scope: 'row' }, h('a', { href: `/force/${encodeURIComponent(u.unit_id)}` }, u.name), u.parent_unit ? h('span', { class: 'muted small' }, ` (${t('force.part_of', { unit: u.parent_unit })})`) : null),
              h('td', {}, vocabLabel(u.unit_type)),
              h('td', {}, countryLabel(u.contributor)),
              h('td', {}, sectorLabel(u.sector)),
              h('td', {}, u.location ? placeMap.get(u.location)?.name || u.location : ''),
              h('td', {}, strength(u)),
              h('td', {}, h('span', { class: ['badge', 'st-' + (u.status || 'none')] }, vocabLabel(u.status) || '—'), u.status_since ? h('span', { class: 'muted small' }, ` ${t('force.since', { date: fmtDate(u.status_since) })}`) : null),
            ),
          ),
        ),
      ),
    ),
    h('p', { class: 'muted' }, t('force.n_of_units_as_of', { shown: fmtNum(shown.length), n: all.length, date: fmtDate(asOf) })),
  );
}

// The force by contributing country: units present, strengths, armoured
// vehicles and evaluations (the contributors indicator).
export async function contributorsPage({ main, query, signal }) {
  const p = storedPeriod();
  let to = query.get('to');
  if (!validDate(to)) to = p ? p.to : todayIso();
  let from = query.get('from');
  if (!validDate(from) || from > to) from = p && p.from <= to ? p.from : addDays(to, -364);
  main.append(h('p', { class: 'crumbs' }, h('a', { href: '/force' }, t('nav.force')), ' › ', t('force.by_contributor')), pageHeading(t('nav.contributors')));
  const form = h(
    'form',
    { class: 'period', 'aria-label': t('period.label') },
    h('div', { class: 'field' }, h('label', { for: 'ct-from' }, t('contrib.from')), h('input', { type: 'date', id: 'ct-from', name: 'from', value: from })),
    h('div', { class: 'field' }, h('label', { for: 'ct-to' }, t('contrib.to')), h('input', { type: 'date', id: 'ct-to', name: 'to', value: to })),
    h('button', { type: 'submit', class: 'primary' }, t('common.show')),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    navigate('/force/contributors?' + qs(Object.fromEntries(new FormData(form))));
  });
  main.append(form);
  let r;
  try {
    r = await indicator('contributors', { as_of: to, from, to }, signal);
  } catch (e) {
    if (e.name === 'AbortError') return;
    main.append(errorBox(e));
    return;
  }
  const ids = (code, col) => r.records[`contributors.${code}.${col}`] || [];
  const cell = (code, col, kind, value, label) => h('td', { class: 'num' }, value ? h('a', { href: idsHref(kind, ids(code, col), label) }, fmtNum(value)) : fmtNum(value));
  const sum = (col) => r.contributors.reduce((s, c) => s + (c[col] || 0), 0);
  main.append(
    h(
      'div',
      { class: 'scroll' },
      h(
        'table',
        { class: 'list contributors' },
        h('caption', {}, t('contrib.caption', { to: fmtDate(to), from: fmtDate(from) })),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['contrib.col_contributor', 'contrib.col_units', 'contrib.col_authorized', 'contrib.col_deployed', 'contrib.col_vehicles', 'contrib.col_unserviceable', 'contrib.col_evaluations', 'contrib.col_satisfactory'].map((c) =>
              h('th', { scope: 'col' }, t(c)),
            ),
          ),
        ),
        h(
          'tbody',
          {},
          r.contributors.map((c) => {
            const cn = c.name ? countryLabel(c.contributor) || c.name : '';
            const name = cn ? `${cn}${cn !== c.contributor ? ` (${c.contributor})` : ''}` : t('contrib.not_named');
            return h(
              'tr',
              {},
              h('th', { scope: 'row' }, name),
              cell(c.contributor, 'units', 'units', c.units, t('contrib.units_of', { name })),
              h('td', { class: 'num' }, fmtNum(c.authorized_strength)),
              h('td', { class: 'num' }, fmtNum(c.deployed_strength)),
              cell(c.contributor, 'armoured_vehicles', 'equipment', c.armoured_vehicles, t('contrib.vehicles_of', { name })),
              cell(c.contributor, 'armoured_unserviceable', 'equipment', c.armoured_unserviceable, t('contrib.unserviceable_of', { name })),
              cell(c.contributor, 'evaluations', 'evaluations', c.evaluations, t('contrib.evaluations_of', { name })),
              h('td', { class: 'num' }, fmtNum(c.evaluations_satisfactory)),
            );
          }),
        ),
        h(
          'tfoot',
          {},
          h(
            'tr',
            {},
            h('th', { scope: 'row' }, t('chart.all')),
            ...['units', 'authorized_strength', 'deployed_strength', 'armoured_vehicles', 'armoured_unserviceable', 'evaluations', 'evaluations_satisfactory'].map((col) => h('td', { class: 'num' }, fmtNum(sum(col)))),
          ),
        ),
      ),
    ),
    h('p', { class: 'muted' }, t('contrib.note')),
  );
}

// The unit's history: the units row, then each change (what it changed).
function historyTimeline(u, changes, placeMap) {
  const place = (id) => (id ? placeMap.get(id)?.name || id : null);
  const items = [...changes].sort((a, b) => (a.date < b.date ? -1 : 1));
  const what = (c) =>
    [
      c.location ? t('history.at', { place: place(c.location) }) : null,
      c.sector ? t('map.sector_lower', { sector: sectorLabel(c.sector) }) : null,
      c.status ? vocabLabel(c.status) : null,
      c.deployed_strength != null ? t('history.deployed', { n: c.deployed_strength }) : null,
    ].filter(Boolean);
  return h(
    'ol',
    { class: 'history' },
    h(
      'li',
      { class: 'first' },
      h('span', { class: 'when' }, items.length ? t('history.before', { date: fmtDate(items[0].date) }) : t('history.throughout')),
      h('span', { class: 'what' }, [t('history.as_recorded'), ...what({ location: u.location, sector: u.sector, status: u.status, deployed_strength: u.deployed_strength })].join(' ')),
    ),
    items.map((c) =>
      h(
        'li',
        {},
        h('span', { class: 'when' }, h('a', { href: recordHref('unit_changes', c) }, fmtDate(c.date))),
        h('span', { class: 'what' }, what(c).join(', ') || t('history.no_change')),
        c.note ? h('span', { class: 'note' }, c.note) : null,
      ),
    ),
  );
}

export async function unitPage({ main, params, query, signal }) {
  const id = params[0];
  let u;
  try {
    u = await api(`units/${encodeURIComponent(id)}`, { signal });
  } catch (e) {
    if (e.name === 'AbortError') return;
    main.append(pageHeading(t('force.no_such_unit')), h('p', {}, e.status === 404 ? t('force.no_unit', { id }) : errorMessage(e)), h('p', {}, h('a', { href: '/force' }, t('force.all_units'))));
    return;
  }
  const p = storedPeriod();
  let asOf = query.get('as_of');
  if (!validDate(asOf)) asOf = p ? p.to : todayIso();
  const ask = (kind, params2) => listAll(kindMeta(kind), params2, { signal }).then((r) => r.items);
  const [changes, pos] = await Promise.all([
    ask('unit_changes', { unit_id: id }).catch(() => []),
    indicator('unit-positions', { as_of: asOf, unit_id: id }, signal).catch(() => ({ units: [] })),
  ]);
  const unitRow = { ...u };
  if (pos.units && pos.units[0]) {
    const p0 = pos.units[0];
    Object.assign(u, { location: p0.location, sector: p0.sector, status: p0.status, status_since: p0.since, deployed_strength: p0.deployed_strength });
  }
  const histPlaces = [...new Set([unitRow.location, ...changes.map((c) => c.location)].filter(Boolean))];
  const [loc, parent, subs, equipment, evals, caveatsU, caveatsC, rots, wins, serv, histPlaceList] = await Promise.all([
    u.location ? api(`places/${encodeURIComponent(u.location)}`, { signal }).catch(() => null) : null,
    u.parent_unit ? api(`units/${encodeURIComponent(u.parent_unit)}`, { signal }).catch(() => null) : null,
    ask('units', { parent_unit: id }),
    ask('equipment', { unit_id: id }),
    ask('evaluations', { unit_id: id }),
    ask('caveats', { unit_id: id }),
    u.contributor ? ask('caveats', { contributor: u.contributor, unit_id: '' }).catch(() => []) : [],
    ask('rotations', { unit_id: id }),
    ask('windows', {}),
    indicator('serviceability', { as_of: asOf, units: id }, signal).catch((e) => ({ error: e })),
    byIds(kindMeta('places'), histPlaces, { signal }).catch(() => []),
  ]);
  main.append(
    h('p', { class: 'crumbs' }, h('a', { href: '/force' }, t('nav.force')), ' › ', u.name),
    pageHeading(
      u.name,
      h('a', { class: 'button secondary', href: recordHref('units', u) }, t('common.record')),
      canWrite() ? h('a', { class: 'button secondary', href: recordHref('units', u) + '/edit' }, t('common.edit')) : null,
    ),
    h(
      'dl',
      { class: 'record compact' },
      [
        [fieldLabel('units', 'unit_id'), u.unit_id],
        [fieldLabel('units', 'unit_type'), vocabLabel(u.unit_type)],
        [fieldLabel('units', 'component'), vocabLabel(u.component)],
        [fieldLabel('units', 'contributor'), u.contributor ? `${countryLabel(u.contributor)} (${u.contributor})` : null],
        [fieldLabel('units', 'sector'), sectorLabel(u.sector)],
        [fieldLabel('units', 'location'), loc ? h('a', { href: `/records/places/${encodeURIComponent(loc.place_id)}` }, loc.name) : u.location],
        [t('force.part_of_label'), parent ? h('a', { href: `/force/${encodeURIComponent(parent.unit_id)}` }, parent.name) : u.parent_unit],
        [t('force.col_strength'), strength(u)],
        [fieldLabel('units', 'status'), [vocabLabel(u.status), u.status_since ? ` ${t('force.since', { date: fmtDate(u.status_since) })}` : '']],
        [t('force.sub_units'), subs.length ? subs.map((s, i) => [i ? ', ' : '', h('a', { href: `/force/${encodeURIComponent(s.unit_id)}` }, s.name)]) : null],
        [fieldLabel('units', 'note'), u.note],
      ]
        .filter(([, v]) => v != null && v !== '' && !(Array.isArray(v) && !v.length))
        .map(([k, v]) => h('div', {}, h('dt', {}, k), h('dd', {}, v))),
    ),
    h('p', { class: 'muted small' }, t('force.as_they_stood', { date: fmtDate(asOf) })),
  );

  // History: where the unit was, with what status and strength.
  const placeMap = new Map(histPlaceList.map((pl) => [pl.place_id, pl]));
  main.append(
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'h-hist' },
      h('h2', { id: 'h-hist' }, t('history.title')),
      historyTimeline(unitRow, changes, placeMap),
      canWrite() ? h('p', {}, h('a', { href: `/records/unit_changes/new?unit_id=${encodeURIComponent(id)}` }, t('history.record_change'))) : null,
    ),
  );

  // Equipment serviceability as of a date.
  const eqSec = h('section', { class: 'card', 'aria-labelledby': 'h-eq' }, h('h2', { id: 'h-eq' }, t('force.serviceability')));
  const asForm = h(
    'form',
    { class: 'inline' },
    h('label', { for: 'as-of' }, t('force.as_of') + ' '),
    h('input', { type: 'date', id: 'as-of', name: 'as_of', value: asOf }),
    h('button', { type: 'submit' }, t('common.show')),
  );
  asForm.addEventListener('submit', (e) => {
    e.preventDefault();
    navigate(`/force/${encodeURIComponent(id)}?as_of=${asForm.elements.as_of.value}`);
  });
  eqSec.append(asForm);
  if (serv.error) eqSec.append(errorBox(serv.error));
  else {
    eqSec.append(
      h(
        'ul',
        { class: 'facts' },
        h('li', {}, h('a', { href: idsHref('equipment', serv.records.total, t('force.equipment_of', { unit: u.name })) }, h('strong', {}, fmtNum(serv.total))), ' ', t('force.items', { n: serv.total })),
        h('li', {}, vocabLabel('serviceable'), colon(), h('a', { href: idsHref('equipment', serv.records.serviceable, vocabLabel('serviceable')) }, h('strong', {}, fmtNum(serv.serviceable)))),
        h('li', { class: serv.unserviceable ? 'warn' : '' }, vocabLabel('unserviceable'), colon(), h('a', { href: idsHref('equipment', serv.records.unserviceable, vocabLabel('unserviceable')) }, h('strong', {}, fmtNum(serv.unserviceable)))),
        serv.written_off ? h('li', {}, vocabLabel('written_off'), colon(), h('strong', {}, fmtNum(serv.written_off))) : null,
      ),
    );
    const causes = Object.entries(serv.unserviceable_by_cause || {});
    if (causes.length)
      eqSec.append(
        hbars(
          causes.map(([c, n]) => {
            const label = c === 'unspecified' ? t('dash.cause_unspecified') : vocabLabel(c);
            return {
              label,
              value: n,
              href: serv.records[`unserviceable_by_cause.${c}`] ? idsHref('equipment', serv.records[`unserviceable_by_cause.${c}`], t('dash.unserviceable_cause', { cause: label })) : null,
              color: c === 'explosive_incident' ? '#d35400' : '#7f8c8d',
            };
          }),
          { title: t('force.by_cause') },
        ),
      );
  }
  if (equipment.length) {
    const hist = await listAll(kindMeta('equipment_status'), { equipment_id: equipment.map((e) => e.equipment_id.replace(/,/g, '\\,')).join(','), date: `le:${asOf}` }, { signal })
      .then((r) => r.items)
      .catch(() => []);
    const latest = new Map();
    for (const s of hist) if (!latest.has(s.equipment_id) || latest.get(s.equipment_id).date < s.date) latest.set(s.equipment_id, s);
    eqSec.append(
      h(
        'div',
        { class: 'scroll' },
        h(
          'table',
          { class: 'list' },
          h('caption', {}, t('force.items_caption', { date: fmtDate(asOf) })),
          h('thead', {}, h('tr', {}, [t('force.col_item'), fieldLabel('equipment', 'category'), fieldLabel('equipment', 'model'), fieldLabel('equipment_status', 'status'), t('force.col_since'), fieldLabel('equipment_status', 'cause')].map((c) => h('th', { scope: 'col' }, c)))),
          h(
            'tbody',
            {},
            equipment.map((e) => {
              const s = latest.get(e.equipment_id);
              return h(
                'tr',
                {},
                h('th', { scope: 'row' }, h('a', { href: recordHref('equipment', e) }, e.registration || e.equipment_id)),
                h('td', {}, vocabLabel(e.category)),
                h('td', {}, e.model || ''),
                h('td', {}, s ? h('span', { class: ['badge', 'st-' + s.status] }, vocabLabel(s.status)) : h('span', { class: 'muted' }, t('force.no_state'))),
                h('td', {}, s ? h('a', { href: recordHref('equipment_status', s) }, fmtDate(s.date)) : ''),
                h('td', {}, s && s.cause ? vocabLabel(s.cause) : ''),
              );
            }),
          ),
        ),
      ),
    );
  } else eqSec.append(h('p', { class: 'muted' }, t('force.no_equipment')));
  main.append(eqSec);

  // Evaluations and findings.
  const evSec = h('section', { class: 'card', 'aria-labelledby': 'h-ev' }, h('h2', { id: 'h-ev' }, t('force.evaluations')));
  if (evals.length) {
    evals.sort((a, b) => (a.date < b.date ? 1 : -1));
    const findings = await listAll(kindMeta('findings'), { evaluation_id: evals.map((e) => e.evaluation_id.replace(/,/g, '\\,')).join(',') }, { signal })
      .then((r) => r.items)
      .catch(() => []);
    evSec.append(
      h(
        'ul',
        { class: 'evals' },
        evals.map((e) => {
          const fs = findings.filter((f) => f.evaluation_id === e.evaluation_id);
          return h(
            'li',
            {},
            h('a', { href: recordHref('evaluations', e) }, `${fmtDate(e.date)}${colon()}${vocabLabel(e.kind)}`),
            ' — ',
            h('span', { class: ['badge', 'res-' + e.result] }, vocabLabel(e.result)),
            e.strength ? ` · ${t('force.strength', { n: e.strength })}` : '',
            e.mitigation ? h('p', { class: 'small' }, fieldLabel('evaluations', 'mitigation') + colon(), e.mitigation) : null,
            fs.length
              ? h(
                  'ul',
                  { class: 'findings' },
                  fs.map((f) => h('li', {}, h('a', { href: recordHref('findings', f) }, vocabLabel(f.area)), `${f.sub_unit ? ' (' + f.sub_unit + ')' : ''}${colon()}`, h('span', { class: ['badge', 'res-' + f.rating] }, vocabLabel(f.rating)), f.note ? ` — ${f.note}` : '')),
                )
              : null,
          );
        }),
      ),
    );
  } else evSec.append(h('p', { class: 'muted' }, t('force.no_evaluation')));
  main.append(evSec);

  // Caveats.
  const cvSec = h('section', { class: 'card', 'aria-labelledby': 'h-cv' }, h('h2', { id: 'h-cv' }, t('force.caveats')));
  const cavs = [...caveatsU, ...caveatsC.filter((c) => !c.unit_id)];
  if (cavs.length)
    cvSec.append(
      h(
        'ul',
        {},
        cavs.map((c) =>
          h(
            'li',
            {},
            h('a', { href: recordHref('caveats', c) }, vocabLabel(c.kind)),
            `${colon()}${c.description} `,
            h('span', { class: ['badge', c.declared_on ? 'ok' : 'warn'] }, c.declared_on ? t('force.declared', { date: fmtDate(c.declared_on) }) : t('force.undeclared')),
            c.lifted_on ? h('span', { class: 'badge' }, t('force.lifted', { date: fmtDate(c.lifted_on) })) : null,
            !c.unit_id ? h('span', { class: 'muted small' }, ` (${t('force.all_units_of', { country: countryLabel(c.contributor) })})`) : null,
          ),
        ),
      ),
    );
  else cvSec.append(h('p', { class: 'muted' }, t('force.no_caveat')));
  main.append(cvSec);

  // Rotations.
  const rtSec = h('section', { class: 'card', 'aria-labelledby': 'h-rt' }, h('h2', { id: 'h-rt' }, t('nav.rotations')));
  if (rots.length) {
    const dates = rots.flatMap((r) => [r.planned_start, r.planned_end, r.actual_start, r.actual_end].filter(Boolean)).sort();
    const from = dates[0];
    const to = dates[dates.length - 1];
    const d0 = new Date(from + 'T00:00:00Z');
    d0.setUTCDate(d0.getUTCDate() - 30);
    const d1 = new Date(to + 'T00:00:00Z');
    d1.setUTCDate(d1.getUTCDate() + 30);
    const f = d0.toISOString().slice(0, 10);
    const tEnd = d1.toISOString().slice(0, 10);
    const conflicts = await indicator('rotation-conflicts', { from: f, to: tEnd }, signal).catch(() => ({}));
    const mine = {
      overlaps: (conflicts.overlaps || []).filter((o) => o.units.includes(id)),
      late: (conflicts.late || []).filter((l) => l.unit_id === id),
      in_high_tempo: (conflicts.in_high_tempo || []).filter((l) => l.unit_id === id),
    };
    const rows = [{ unit_id: id, label: u.name, sector: u.sector, rotations: rots }];
    for (const o of mine.overlaps)
      for (const other of o.units)
        if (other !== id && !rows.some((r) => r.unit_id === other)) {
          const ou = await api(`units/${encodeURIComponent(other)}`, { signal }).catch(() => null);
          const orots = await listAll(kindMeta('rotations'), { unit_id: other }, { signal }).then((r) => r.items).catch(() => []);
          rows.push({ unit_id: other, label: ou ? ou.name : other, sector: ou ? ou.sector : null, rotations: orots });
        }
    rtSec.append(
      rotationTimeline({ rows, windows: wins, conflicts: { ...conflicts, overlaps: mine.overlaps }, from: f, to: tEnd, highlight: id }),
      rotationTable(rows.slice(0, 1), conflicts),
      h('p', {}, h('a', { href: `/force/rotations?${qs({ unit: id, sector: u.sector })}` }, t('force.sector_timeline'))),
    );
  } else rtSec.append(h('p', { class: 'muted' }, t('force.no_rotation')), h('p', {}, h('a', { href: '/force/rotations' }, t('rotations.title'))));
  main.append(rtSec);
}
