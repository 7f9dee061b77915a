// e2e.mjs: end-to-end tests of the web interface in Debian's Chromium,
// driven by playwright-core (pinned in package-lock.json; no browser is ever
// downloaded: executablePath is /usr/bin/chromium). The last part runs a
// browser that asks for French (Accept-Language) through every page.
//
//   node tests/browser/e2e.mjs URL PASSWORD SCREENSHOT_DIR
//
// The server at URL holds the demo dataset and the users ed (editor) and vw
// (viewer), all with PASSWORD. Prints one line per check: "ok NAME" or
// "FAIL NAME: why" (tests/run.sh counts them); exits 0 when all passed.
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');

const [URL_, PASSWORD, SHOTS] = process.argv.slice(2);
if (!URL_ || !PASSWORD || !SHOTS) {
  console.error('usage: node e2e.mjs URL PASSWORD SCREENSHOT_DIR');
  process.exit(2);
}
const ORIGIN = new URL(URL_).origin;
fs.mkdirSync(SHOTS, { recursive: true });
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const T = 15000; // the longest wait for one thing to appear (an ASan server is slow)

let failures = 0;
const ok = (name) => console.log(`ok   ${name}`);
const fail = (name, why) => {
  failures++;
  console.log(`FAIL ${name}: ${String(why).split('\n')[0].slice(0, 400)}`);
};
async function check(name, fn) {
  try {
    await fn();
    ok(name);
    return true;
  } catch (e) {
    fail(name, e && e.message ? e.message : e);
    return false;
  }
}
const assert = (cond, why) => {
  if (!cond) throw new Error(why);
};

// A browser with a new empty profile (--user-data-dir), as the tests require.
const profiles = [];
const outside = [];
async function browser(viewport = { width: 1280, height: 800 }, { locale } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bluehelm-chromium-'));
  profiles.push(dir);
  const ctx = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport,
    acceptDownloads: true,
    timeout: 60000,
    ...(locale ? { locale, extraHTTPHeaders: { 'Accept-Language': `${locale},${locale.slice(0, 2)};q=0.9` } } : {}),
  });
  ctx.setDefaultTimeout(T);
  const page = ctx.pages()[0] || (await ctx.newPage());
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(e.message));
  page.on('request', (r) => {
    const u = r.url();
    if (!u.startsWith(ORIGIN) && !u.startsWith('data:') && !u.startsWith('blob:') && !u.startsWith('about:')) outside.push(u);
  });
  return { ctx, page };
}

async function signIn(page, user) {
  await page.goto(URL_ + '/login');
  await page.fill('input[name=user]', user);
  await page.fill('input[name=password]', PASSWORD);
  await page.click('form.login button[type=submit]');
  await page.waitForSelector('header#top:not([hidden]) .user');
}

// The records the API returns to this page's session.
const apiGet = (page, p) =>
  page.evaluate(async (u) => {
    const r = await fetch(u, { credentials: 'same-origin' });
    return { status: r.status, body: await r.json().catch(() => null) };
  }, p);

async function shot(page, name, full = true) {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(SHOTS, name), fullPage: full });
}

const eventId = `e2e-${Date.now().toString(36)}`;
const confId = `${eventId}-conf`;
const offlineId = `${eventId}-off`;
const refusedId = `${eventId}-refused`;
const casevacId = `cv-${eventId}`;

try {
  // ------------------------------------------------------------ the editor
  const { ctx, page } = await browser();

  await check('first-page-size', async () => {
    let bytes = 0;
    const sizes = [];
    page.on('requestfinished', async (req) => {
      const s = await req.sizes().catch(() => null);
      if (s) {
        bytes += s.responseBodySize + s.responseHeadersSize;
        sizes.push(s);
      }
    });
    await page.goto(URL_ + '/', { waitUntil: 'networkidle' });
    await page.waitForSelector('form.login');
    await page.waitForTimeout(300);
    page.removeAllListeners('requestfinished');
    console.log(`# first page (sign-in): ${sizes.length} responses, ${bytes} bytes transferred`);
    assert(bytes > 0 && bytes < 300 * 1024, `${bytes} bytes transferred, want under 300 KB`);
  });

  await check('assets-compressed-and-cached', async () => {
    const r = await page.evaluate(async () => {
      const s = [...document.scripts].find((x) => x.src);
      const res = await fetch(s.src);
      return { url: s.src, cc: res.headers.get('cache-control') };
    });
    assert(/\.[A-Z0-9]{8}\.js$/.test(r.url), `script name is not hashed: ${r.url}`);
    assert(/immutable/.test(r.cc || ''), `cache-control of ${r.url}: ${r.cc}`);
  });

  await check('sign-in-refused', async () => {
    await page.fill('input[name=user]', 'ed');
    await page.fill('input[name=password]', 'not the password at all');
    await page.click('form.login button[type=submit]');
    await page.waitForSelector('form.login [role=alert]:not([hidden])');
    const t = await page.textContent('form.login [role=alert]');
    assert(/wrong/i.test(t), `message: ${t}`);
  });

  await check('sign-in', async () => {
    await signIn(page, 'ed');
    const head = await page.textContent('header#top');
    assert(head.includes('ed') && head.includes('editor') && head.includes('CONFIDENTIAL'), `header: ${head}`);
  });

  await check('dashboard', async () => {
    await page.goto(URL_ + '/?from=2021-05-01&to=2021-05-31');
    await page.waitForSelector('#t-ied');
    await page.waitForSelector('svg.chart');
    for (const id of ['t-incidents', 't-ied', 't-civ', 't-poc', 't-unverified', 't-serv', 't-restr', 't-gaps', 't-casevac']) assert(await page.$(`#${id}`), `no tile ${id}`);
    await page.waitForLoadState('networkidle');
    await shot(page, 'dashboard.png');
  });

  await check('dashboard-figure-links-to-records', async () => {
    const n = Number((await page.textContent('section[aria-labelledby=t-ied] .big')).replace(/\D/g, ''));
    await page.click('section[aria-labelledby=t-ied] .big a');
    await page.waitForSelector('table.list tbody tr');
    const rows = await page.$$eval('table.list tbody tr', (r) => r.length);
    assert(n > 0 && rows === Math.min(n, 50), `tile says ${n}, list shows ${rows} rows`);
    assert((await page.textContent('.provenance')).includes('IEDs used'), 'no provenance line');
  });

  await check('validation-error-shown-at-field', async () => {
    await page.goto(URL_ + '/incident/new');
    await page.waitForSelector('form.incident');
    await page.fill('#i-event_date', '2021-05-20');
    await page.selectOption('#i-event_type', 'Battles');
    await page.selectOption('#i-sub_event_type', 'Armed clash');
    await page.fill('#i-latitude', '123');
    await page.fill('#i-longitude', '1');
    await page.fill('#i-civilians_killed', '-2');
    await page.click('form.incident button[type=submit]');
    await page.waitForSelector('#err-latitude:not([hidden])');
    const t = await page.textContent('#err-latitude');
    assert(/90/.test(t), `latitude message: ${t}`);
    assert(await page.isVisible('#err-civilians_killed'), 'no message at civilians_killed');
    assert((await page.getAttribute('#i-latitude', 'aria-invalid')) === 'true', 'latitude not marked invalid');
    assert(await page.isVisible('form.incident .alert.error'), 'no summary of the errors');
  });

  await check('incident-form', async () => {
    await page.click('text=Clear the form');
    await page.fill('#i-event_id_cnty', eventId);
    await page.fill('#i-event_date', '2021-05-20');
    await page.selectOption('#i-time_precision', '1');
    await page.fill('#i-place', 'Anson');
    await page.waitForSelector('[role=listbox] [role=option]:has-text("Ansongo")');
    await page.press('#i-place', 'ArrowDown');
    await page.press('#i-place', 'Enter');
    assert((await page.inputValue('input[name=place_id]')) !== '', 'no place chosen');
    await page.click('text=Pick on the map');
    await page.waitForSelector('.pick-map .leaflet-container, .pick-map.leaflet-container');
    await page.selectOption('#i-event_type', 'Explosions/Remote violence');
    await page.selectOption('#i-sub_event_type', 'Remote explosive/landmine/IED');
    await page.selectOption('#i-weapon', 'ied');
    await page.selectOption('#i-target', 'mission');
    await page.fill('#i-actor1', 'JNIM: Group for Support of Islam and Muslims');
    await page.fill('#i-actor2', 'MINUSMA');
    await page.fill('#i-peacekeepers_injured', '2');
    await page.fill('#i-civilians_killed', '0');
    await page.selectOption('#i-classification', 'restricted');
    await page.fill('#i-notes', 'IED struck a MINUSMA convoy on the Ansongo road (browser test).');
    await shot(page, 'incident-form.png');
    await page.click('form.incident button[type=submit]');
    await page.waitForSelector('.alert.ok:not([hidden])');
    const t = await page.textContent('.alert.ok');
    assert(t.includes(eventId) && /recorded/.test(t), `message: ${t}`);
  });

  await check('incident-on-map', async () => {
    await page.click('.alert.ok >> text=See it on the map');
    await page.waitForSelector(`.leaflet-marker-icon[title*="${eventId}"]`);
    await page.waitForSelector('.leaflet-popup-content .open-event');
    assert((await page.textContent('.leaflet-popup-content')).includes(eventId), 'popup does not name the event');
    await page.goto(URL_ + '/map?from=2021-04-01&to=2021-05-31');
    await page.waitForSelector('.ev-cluster, .ev-dot');
    await page.waitForLoadState('networkidle');
    await shot(page, 'map.png', false);
    await page.goto(URL_ + `/map?from=2021-05-20&to=2021-05-20`);
    const m = await page.waitForSelector(`.leaflet-marker-icon[title*="${eventId}"]`);
    await m.click();
    await page.click('.leaflet-popup-content .open-event');
    await page.waitForSelector('h1:has-text("Explosions/Remote violence")');
    assert(page.url().endsWith(`/records/events/${eventId}`), `opened ${page.url()}`);
  });

  await check('incident-in-list', async () => {
    await page.goto(URL_ + '/records/events');
    await page.waitForSelector('form.filter-add');
    await page.selectOption('#flt-col', 'event_id_cnty');
    await page.fill('#flt-val', eventId);
    await page.click('form.filter-add button[type=submit]');
    await page.waitForSelector(`table.list tbody a:has-text("${eventId}")`);
    const rows = await page.$$eval('table.list tbody tr', (r) => r.length);
    assert(rows === 1, `${rows} rows`);
  });

  // The same incident reported by another source (an id in another
  // namespace): the duplicates page pairs them; merging keeps one.
  const otherId = `ucdp:${eventId}`;
  await check('duplicates-page-merge', async () => {
    await page.goto(URL_ + '/incident/new');
    await page.waitForSelector('form.incident');
    await page.click('text=Clear the form');
    await page.fill('#i-event_id_cnty', otherId);
    await page.fill('#i-event_date', '2021-05-20');
    await page.fill('#i-place', 'Anson');
    await page.waitForSelector('[role=listbox] [role=option]:has-text("Ansongo")');
    await page.press('#i-place', 'ArrowDown');
    await page.press('#i-place', 'Enter');
    await page.selectOption('#i-event_type', 'Explosions/Remote violence');
    await page.selectOption('#i-sub_event_type', 'Remote explosive/landmine/IED');
    await page.click('form.incident button[type=submit]');
    await page.waitForSelector('.alert.ok:not([hidden])');
    await page.goto(URL_ + '/duplicates?from=2021-05-20&to=2021-05-20&km=10&days=1');
    const card = await page.waitForSelector(`section.dup-pair:has(h2:has-text("${otherId}"))`);
    assert((await card.textContent()).includes(eventId), 'the pair does not show both incidents');
    await card.waitForSelector('.dup-map .leaflet-container, .dup-map.leaflet-container');
    await shot(page, 'duplicates.png');
    await (await card.$(`button:has-text("Merge: keep ${eventId}")`)).click();
    await card.waitForSelector('.alert.ok');
    assert((await card.textContent()).includes('counts once'), 'no merge confirmation');
  });

  await check('merged-record-unmerge', async () => {
    await page.goto(URL_ + `/records/events/${encodeURIComponent(otherId)}`);
    await page.waitForSelector('section.curation');
    assert((await page.textContent('section.curation')).includes('merged into'), 'the merged report does not say so');
    await page.click(`section.curation button:has-text("Unmerge from ${eventId}")`);
    await page.waitForFunction(() => !document.querySelector('section.curation .alert'));
  });

  await check('verification-set-on-record', async () => {
    await page.waitForSelector('section.curation select[name=verification]');
    await page.selectOption('section.curation select[name=verification]', 'rejected');
    await page.selectOption('section.curation select[name=reliability]', 'B');
    await page.click('section.curation button[type=submit]');
    await page.waitForSelector('section.curation .alert:has-text("rejected")');
    assert(await page.$('dd:has-text("rejected")'), 'the record does not show its verification');
  });

  await check('list-sort-and-csv', async () => {
    await page.goto(URL_ + '/records/units');
    await page.waitForSelector('table.list tbody tr');
    await page.click('th a.sort:has-text("Deployed strength")');
    await page.waitForSelector('th[aria-sort=ascending]');
    const col = await page.$$eval('table.list thead th', (ths) => ths.findIndex((th) => th.getAttribute('aria-sort') === 'ascending'));
    const vals = await page.$$eval(`table.list tbody tr > :nth-child(${col + 1})`, (tds) => tds.map((t) => t.textContent.replace(/,/g, '')));
    const nums = vals.filter((v) => v !== '').map(Number);
    assert(nums.every((v, i) => i === 0 || nums[i - 1] <= v), `not ascending: ${nums.join(',')}`);
    const [dl] = await Promise.all([page.waitForEvent('download'), page.click('text=Export CSV')]);
    const text = fs.readFileSync(await dl.path(), 'utf8');
    assert(text.startsWith('unit_id,name,') && text.split('\n').length > 5, `csv: ${text.slice(0, 80)}`);
  });

  await check('record-edit-form', async () => {
    await page.goto(URL_ + '/records/units/inf-bn-ner/edit');
    await page.waitForSelector('form.record-form');
    const note = `Edited by the browser test ${eventId}`;
    await page.fill('form.record-form [name=note]', note);
    await page.fill('form.record-form [name=deployed_strength]', '-5');
    await page.click('form.record-form button[type=submit]');
    await page.waitForSelector('#err-deployed_strength:not([hidden])');
    await page.fill('form.record-form [name=deployed_strength]', '645');
    await page.click('form.record-form button[type=submit]');
    await page.waitForURL(/\/records\/units\/inf-bn-ner$/);
    await page.waitForSelector(`dd:has-text("${note}")`);
  });

  await check('draft-survives-reload', async () => {
    await page.goto(URL_ + '/incident/new');
    await page.waitForSelector('form.incident');
    await page.fill('#i-notes', 'a draft typed before the link dropped');
    await page.waitForTimeout(600);
    await page.reload();
    await page.waitForSelector('form.incident');
    assert((await page.inputValue('#i-notes')) === 'a draft typed before the link dropped', 'the draft was not restored');
  });

  await check('offline-outbox', async () => {
    await page.fill('#i-event_id_cnty', offlineId);
    await page.fill('#i-event_date', '2021-05-21');
    await page.fill('#i-latitude', '16.27');
    await page.fill('#i-longitude', '-0.05');
    await page.selectOption('#i-event_type', 'Strategic developments');
    await page.selectOption('#i-sub_event_type', 'Disrupted weapons use');
    await ctx.setOffline(true);
    await page.click('form.incident button[type=submit]');
    await page.waitForSelector('.alert.ok:has-text("kept in this browser")');
    await page.waitForSelector('#outbox:not([hidden])');
    await ctx.setOffline(false);
    await page.evaluate(() => window.dispatchEvent(new Event('online')));
    await page.waitForSelector('#outbox', { state: 'hidden', timeout: T });
    const r = await apiGet(page, `/api/v1/events/${offlineId}`);
    assert(r.status === 200, `the queued incident was not stored: ${r.status}`);
  });

  // A record the server refuses when the outbox sends it is kept aside; the
  // form of its kind (and only that one) offers to open it again, with the
  // server's message at the field (web/src/recordform.js).
  await check('outbox-refused-opened-again', async () => {
    await page.goto(URL_ + '/incident/new');
    await page.waitForSelector('form.incident');
    await page.fill('#i-event_id_cnty', refusedId);
    await page.fill('#i-event_date', '2021-05-22');
    await page.fill('#i-latitude', '123');
    await page.fill('#i-longitude', '1');
    await page.selectOption('#i-event_type', 'Strategic developments');
    await page.selectOption('#i-sub_event_type', 'Disrupted weapons use');
    await ctx.setOffline(true);
    await page.click('form.incident button[type=submit]');
    await page.waitForSelector('.alert.ok:has-text("kept in this browser")');
    await ctx.setOffline(false);
    await page.evaluate(() => window.dispatchEvent(new Event('online')));
    await page.waitForFunction(() => JSON.parse(localStorage.getItem('bh.outbox.refused') || '[]').length === 1, null, { timeout: T });
    const r = await apiGet(page, `/api/v1/events/${refusedId}`);
    assert(r.status === 404, `the refused incident was stored: ${r.status}`);
    await page.goto(URL_ + '/casevac/new');
    await page.waitForSelector('form.casevac');
    assert(!(await page.$('.alert.error:has-text("refused by the server")')), 'the evacuation form offers a refused incident');
    await page.goto(URL_ + '/incident/new');
    await page.waitForSelector('.alert.error:has-text("1 incident sent from the outbox was refused")');
    await page.click(`li:has-text("${refusedId}") >> text=open it here`);
    assert((await page.inputValue('#i-event_id_cnty')) === refusedId, 'the refused incident is not in the form');
    assert((await page.inputValue('#i-latitude')) === '123', 'its latitude is not in the form');
    await page.waitForSelector('#err-latitude:not([hidden])');
    assert(/90/.test(await page.textContent('#err-latitude')), `latitude message: ${await page.textContent('#err-latitude')}`);
    assert(!(await page.$(`li:has-text("${refusedId}")`)), 'the refused incident is still offered');
    const left = await page.evaluate(() => JSON.parse(localStorage.getItem('bh.outbox.refused') || '[]').length);
    assert(left === 0, `${left} refused records left in the outbox`);
  });

  // A casualty evacuation recorded as it happens: Now for each time, saved
  // after each step (the first save creates it, later ones update it).
  const nowValue = (sel) => page.inputValue(sel);
  await check('casevac-form-create', async () => {
    await page.goto(URL_ + '/casevac/new');
    await page.waitForSelector('form.casevac');
    for (const t of ['injured_at', 'requested_at', 'airborne_at', 'resuscitation_at', 'surgery_at'])
      assert(await page.$(`button[data-now="${t}"]`), `no Now button for ${t}`);
    await page.click('text=Clear the form');
    await page.fill('#c-casevac_id', casevacId);
    await page.click('button[data-now="injured_at"]');
    await page.fill('#c-casualties', '2');
    await page.selectOption('#c-priority', 'urgent');
    await page.fill('#c-place', 'Anson');
    await page.waitForSelector('[role=listbox] [role=option]:has-text("Ansongo")');
    await page.press('#c-place', 'ArrowDown');
    await page.press('#c-place', 'Enter');
    await page.selectOption('#c-unit_id', 'inf-bn-ner');
    await page.click('button[data-now="requested_at"]');
    assert(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(await nowValue('#c-requested_at')), `requested_at: ${await nowValue('#c-requested_at')}`);
    await page.fill('#c-note', 'Two injured by an IED near Ansongo (browser test).');
    await shot(page, 'casevac-form.png');
    await page.click('form.casevac button[type=submit]');
    await page.waitForSelector('.alert.ok:not([hidden])');
    const t = await page.textContent('.alert.ok');
    assert(t.includes(casevacId) && /recorded/.test(t), `message: ${t}`);
    assert(page.url().includes(`id=${casevacId}`), `the form did not go on with the record: ${page.url()}`);
    const r = await apiGet(page, `/api/v1/casevac/${casevacId}`);
    assert(r.status === 200 && r.body.casualties === 2 && r.body.unit_id === 'inf-bn-ner' && r.body.requested_at, `stored: ${JSON.stringify(r.body)}`);
  });

  await check('casevac-times-backwards-refused', async () => {
    await page.fill('#c-resuscitation_at', '2021-01-01T00:00');
    await page.click('form.casevac button[type=submit]');
    await page.waitForSelector('#err-resuscitation_at:not([hidden])');
    const t = await page.textContent('#err-resuscitation_at');
    assert(/backwards/.test(t), `message at resuscitation_at: ${t}`);
  });

  await check('casevac-form-update', async () => {
    await page.click('button[data-now="airborne_at"]');
    await page.click('button[data-now="resuscitation_at"]');
    await page.click('form.casevac button[type=submit]');
    await page.waitForSelector('.alert.ok:not([hidden])');
    const r = await apiGet(page, `/api/v1/casevac/${casevacId}`);
    assert(r.status === 200 && r.body.airborne_at && r.body.resuscitation_at && !r.body.surgery_at, `stored: ${JSON.stringify(r.body)}`);
    assert((await page.textContent('#el-resuscitation_at')).startsWith('+'), 'no time since the injury shown');
  });

  await check('casevac-draft-and-offline', async () => {
    await page.fill('#c-note', 'Surgery team warned (a draft).');
    await page.waitForTimeout(600);
    await page.reload();
    await page.waitForSelector('form.casevac');
    assert((await page.inputValue('#c-note')) === 'Surgery team warned (a draft).', 'the draft was not restored');
    await ctx.setOffline(true);
    await page.click('button[data-now="surgery_at"]');
    await page.click('form.casevac button[type=submit]');
    await page.waitForSelector('.alert.ok:has-text("kept in this browser")');
    await page.waitForSelector('#outbox:not([hidden])');
    await ctx.setOffline(false);
    await page.evaluate(() => window.dispatchEvent(new Event('online')));
    await page.waitForSelector('#outbox', { state: 'hidden', timeout: T });
    const r = await apiGet(page, `/api/v1/casevac/${casevacId}`);
    assert(r.status === 200 && r.body.surgery_at && r.body.note === 'Surgery team warned (a draft).', `stored: ${JSON.stringify(r.body)}`);
    const ind = await apiGet(page, `/api/v1/indicators/casevac?casevac_id=${casevacId}`);
    assert(ind.body.evacuations === 1 && ind.body.within_1h === 1 && ind.body.within_2h === 1, `indicator: ${JSON.stringify(ind.body).slice(0, 200)}`);
  });

  await check('contributors-page', async () => {
    await page.goto(URL_ + '/force/contributors?from=2021-01-01&to=2021-05-31');
    await page.waitForSelector('table.contributors tbody tr');
    const t = await page.textContent('table.contributors');
    assert(t.includes('Bangladesh') && t.includes('Sri Lanka') && t.includes('Not named'), `table: ${t.slice(0, 200)}`);
  });

  await check('unit-history', async () => {
    await page.goto(URL_ + '/force/sof-west?as_of=2021-01-15');
    await page.waitForSelector('#h-hist');
    const n = await page.$$eval('ol.history li', (l) => l.length);
    assert(n === 3, `${n} history items (the unit row and 2 changes)`);
    assert((await page.textContent('ol.history')).includes('Operation Mongoose'), 'the move is not in the history');
    assert(/centre/i.test(await page.textContent('dl.record')), 'the sector on 15 January is not centre');
  });

  await check('map-units-on-a-day', async () => {
    await page.goto(URL_ + '/map?from=2021-01-01&to=2021-01-31&units=2021-01-15');
    await page.waitForSelector('.unit-pin');
    await page.waitForSelector('.leaflet-marker-icon.unit-pin[title*="Special operations force"][title*="Mopti"], .leaflet-marker-icon.unit-pin[title*="Special operations force"]');
    const titles = await page.$$eval('.unit-pin', (m) => m.map((x) => x.getAttribute('title')));
    const sof = titles.find((x) => x.includes('Special operations force'));
    assert(sof && sof.includes('Senegal infantry battalion'), `the special operations force is not with the Mopti units on 15 January: ${sof}`);
  });

  await check('unit-page', async () => {
    await page.goto(URL_ + '/force');
    await page.waitForSelector('table.units');
    await page.click('table.units a:has-text("Togo infantry battalion")');
    await page.waitForSelector('#h-eq');
    await page.waitForSelector('#h-rt');
    await page.waitForSelector('svg.timeline');
    assert(/serviceable/.test(await page.textContent('section[aria-labelledby=h-eq]')), 'no serviceability');
    await shot(page, 'unit.png');
  });

  await check('rotation-timeline', async () => {
    await page.click('text=The rotation timeline of the sector');
    await page.waitForSelector('svg.timeline rect.overlap');
    await page.waitForSelector('svg.timeline rect.window');
    const rows = await page.$$eval('svg.timeline .row-label', (t) => t.length);
    assert(rows >= 2, `${rows} rows`);
    await page.goto(URL_ + '/force/rotations');
    await page.waitForSelector('svg.timeline rect.overlap');
    await shot(page, 'rotation-timeline.png');
  });

  await check('operation-page', async () => {
    await page.goto(URL_ + '/operations');
    await page.click('table.list a:has-text("Arer")');
    await page.waitForSelector('.tile.ph-before .big');
    await page.waitForSelector('svg.chart');
  });

  await check('report', async () => {
    await page.goto(URL_ + '/report');
    await page.fill('#rp-from', '2021-05-01');
    await page.fill('#rp-to', '2021-05-31');
    await page.click('form.report-form button[type=submit]');
    await page.waitForURL(/from=2021-05-01/);
    const frame = page.frameLocator('iframe.report-frame');
    // The frame starts blank: wait for the report's own heading.
    await frame.locator('h1').first().waitFor({ timeout: 90000 });
    const text = await frame.locator('body').innerText({ timeout: 60000 });
    assert(text.length > 500 && /IED/i.test(text), `preview: ${text.slice(0, 120)}`);
    await shot(page, 'report.png', false);
    const [dl] = await Promise.all([page.waitForEvent('download', { timeout: 60000 }), page.click('.downloads a:has-text("Markdown")')]);
    const md = fs.readFileSync(await dl.path(), 'utf8');
    assert(md.length > 500 && /IED/.test(md), `markdown: ${md.slice(0, 80)}`);
    assert(dl.suggestedFilename().endsWith('.md'), dl.suggestedFilename());
  });

  await check('csrf-header-required', async () => {
    const r = await page.evaluate(async () => {
      const res = await fetch('/api/v1/events', { method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' }, body: '{}' });
      return res.status;
    });
    assert(r === 403, `a POST without X-CSRF-Token answered ${r}`);
  });

  await check('confidential-incident-by-editor', async () => {
    const r = await page.evaluate(async (id) => {
      const me = await (await fetch('/api/v1/me')).json();
      const res = await fetch('/api/v1/events', {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf },
        body: JSON.stringify({ event_id_cnty: id, event_date: '2021-05-20', event_type: 'Explosions/Remote violence', sub_event_type: 'Remote explosive/landmine/IED', weapon: 'ied', place_id: 'ansongo-qh', classification: 'confidential', notes: 'confidential: source protection' }),
      });
      return res.status;
    }, confId);
    assert(r === 201, `create answered ${r}`);
    await page.goto(URL_ + `/map?from=2021-05-20&to=2021-05-20`);
    await page.waitForSelector(`.leaflet-marker-icon[title*="${confId}"], .ev-cluster`);
  });

  await check('keyboard-and-labels', async () => {
    for (const p of ['/incident/new', '/casevac/new', '/map', '/records/events', '/report', '/force/contributors']) {
      await page.goto(URL_ + p);
      await page.waitForLoadState('networkidle');
      const bad = await page.evaluate(() =>
        [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
          .filter((el) => el.offsetParent !== null)
          .filter((el) => !(el.labels && el.labels.length) && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby'))
          .map((el) => el.name || el.id || el.outerHTML.slice(0, 60)),
      );
      assert(!bad.length, `${p}: controls without a label: ${bad.join(', ')}`);
    }
    await page.goto(URL_ + '/');
    await page.waitForSelector('#t-ied');
    await page.keyboard.press('Tab');
    assert((await page.evaluate(() => document.activeElement.className)) === 'skip', 'the first Tab does not reach the skip link');
    await page.keyboard.press('Enter');
    assert((await page.evaluate(() => document.activeElement.id)) === 'main', 'the skip link does not move to the content');
  });

  await check('no-page-errors-editor', async () => {
    assert(!page.errors.length, page.errors.join(' | '));
  });
  await ctx.close();

  // ------------------------------------------------------------ the viewer
  const v = await browser();
  await check('viewer-sign-in', async () => {
    await signIn(v.page, 'vw');
    const head = await v.page.textContent('header#top');
    assert(head.includes('viewer') && head.includes('RESTRICTED') && !head.includes('CONFIDENTIAL'), `header: ${head}`);
    assert(!(await v.page.$('header#top a[href="/incident/new"]')), 'a viewer is offered the incident form');
  });
  await check('viewer-no-confidential-in-list', async () => {
    await v.page.goto(URL_ + `/records/events?event_id_cnty=${confId},${eventId}`);
    await v.page.waitForSelector(`table.list a:has-text("${eventId}")`);
    assert(!(await v.page.textContent('table.list')).includes(confId), 'the confidential incident is listed');
    const r = await apiGet(v.page, `/api/v1/events?event_id_cnty=${confId}`);
    assert(r.status === 200 && r.body.items.length === 0, 'the API lists it');
  });
  await check('viewer-no-confidential-detail', async () => {
    await v.page.goto(URL_ + `/records/events/${confId}`);
    await v.page.waitForSelector('h1:has-text("No such record")');
    assert(!(await v.page.textContent('main')).includes('source protection'), 'its notes are shown');
  });
  await check('viewer-no-confidential-on-map', async () => {
    await v.page.goto(URL_ + '/map?from=2021-05-20&to=2021-05-20');
    await v.page.waitForSelector(`.leaflet-marker-icon[title*="${eventId}"]`);
    assert(!(await v.page.$(`.leaflet-marker-icon[title*="${confId}"]`)), 'a marker for it');
    await v.page.click('details.map-list summary');
    assert(!(await v.page.textContent('details.map-list')).includes(confId), 'in the map list');
  });
  await check('viewer-no-confidential-in-figures', async () => {
    await v.page.goto(URL_ + '/?from=2021-05-20&to=2021-05-20');
    await v.page.waitForSelector('section[aria-labelledby=t-ied] .big a');
    await v.page.click('section[aria-labelledby=t-ied] .big a');
    await v.page.waitForSelector(`table.list a:has-text("${eventId}")`);
    assert(!(await v.page.textContent('main')).includes(confId), 'the IED figure counts it');
    const r = await apiGet(v.page, '/api/v1/report?from=2021-05-20&to=2021-05-20&format=json');
    assert(r.status === 200, `the report answered ${r.status}: ${JSON.stringify(r.body).slice(0, 200)}`);
    assert(!JSON.stringify(r.body).includes(confId), 'the report names it');
  });
  await check('viewer-cannot-write', async () => {
    await v.page.goto(URL_ + '/incident/new');
    await v.page.waitForSelector('main .alert');
    assert(!(await v.page.$('form.incident')), 'a viewer gets the form');
  });
  await check('no-page-errors-viewer', async () => {
    assert(!v.page.errors.length, v.page.errors.join(' | '));
  });
  await v.ctx.close();

  // ------------------------------------------------------------ a phone
  const p = await browser({ width: 390, height: 844 });
  await check('phone-390px', async () => {
    await signIn(p.page, 'vw');
    await p.page.goto(URL_ + '/?from=2021-05-01&to=2021-05-31');
    await p.page.waitForSelector('#t-ied');
    await p.page.waitForLoadState('networkidle');
    const w = await p.page.evaluate(() => document.documentElement.scrollWidth);
    assert(w <= 390, `the page is ${w} px wide`);
    await shot(p.page, 'dashboard-phone.png');
    assert(!(await p.page.isVisible('header nav a[href="/map"]')), 'the menu is open');
    await p.page.click('button.nav-toggle');
    await p.page.click('header nav a[href="/map"]');
    await p.page.waitForSelector('.leaflet-container');
    const w2 = await p.page.evaluate(() => document.documentElement.scrollWidth);
    assert(w2 <= 390, `the map page is ${w2} px wide`);
  });
  await p.ctx.close();


  // ------------------------------------------------------------ in French
  // A browser whose Accept-Language asks for French, and a user who never
  // chose a language: every page speaks French, with French numbers and
  // dates, and no English word of the interface is left (the English
  // catalogue's messages and the English labels of kinds and columns are
  // looked for in the page's text). The header's switch then changes the
  // language without signing out, and the choice is kept by the server.
  const catalogue = (l) => JSON.parse(fs.readFileSync(new URL(`../../web/src/i18n/${l}.json`, import.meta.url), 'utf8'));
  const en = catalogue('en');
  const fr = catalogue('fr');
  const frText = Object.values(fr).flatMap((m) => (typeof m === 'string' ? [m] : Object.values(m))).join('\n');
  // The English fragments to look for: each message split at its
  // placeholders, pieces of at least 4 letters that French does not share.
  const englishBits = [
    ...new Set(
      Object.keys(en)
        .flatMap((k) => (typeof en[k] === 'string' ? [en[k]] : Object.values(en[k])))
        .flatMap((m) => m.split(/\{\w+\}/))
        .map((x) => x.replace(/^[\s(),.:;·–—]+|[\s(),.:;·–—*]+$/g, ''))
        .filter((x) => /[a-z]{4}/i.test(x) && !frText.includes(x) && !['Markdown', 'HTML', 'JSON'].includes(x)),
    ),
  ];
  const f = await browser({ width: 1280, height: 800 }, { locale: 'fr-FR' });
  const fp = f.page;
  // English words of the interface left on the page: catalogue fragments
  // anywhere in its own text; kinds' and columns' English labels in
  // headings, labels, buttons, table heads and legends (records' own text,
  // such as a unit's name or an operation's objective, may be English: it is
  // data, and is left out of the search).
  const englishLeft = async (labels, dataHeading = false) =>
    fp.evaluate(
      ({ bits, labels: lab, skipH1 }) => {
        // The interface's own text: the page without the records' values
        // (details, cells, options, a timeline's unit and window names, the
        // notes of a unit's history), which are data.
        const copy = document.body.cloneNode(true);
        copy.querySelectorAll('dd, td, tbody th, option, .row-label, .row-sub, .opt-name, .opt-meta, .ev-popup, noscript, svg.timeline title, ol.history .note' + (skipH1 ? ', h1' : '')).forEach((e) => e.remove());
        const text = copy.textContent;
        const found = bits.filter((b) => new RegExp(`(^|[^A-Za-zÀ-ÿ])${b.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^A-Za-zÀ-ÿ])`).test(text));
        const chrome = [...document.querySelectorAll('h1, h2, h3, label, button, th, legend, summary, dt, nav a, figcaption')]
          .map((e) => e.innerText.trim())
          .join('\n');
        return [...found, ...lab.filter((l) => chrome.split('\n').some((c) => c === l || c.startsWith(l + ' ')))];
      },
      { bits: englishBits, labels, skipH1: dataHeading },
    );
  let enLabels = [];
  // dataHeading: the page's heading is a record's name (data).
  const frPage = async (name, url, ready, extra, dataHeading = false) => {
    await check(`fr-${name}`, async () => {
      await fp.goto(URL_ + url);
      await fp.waitForSelector(ready, { timeout: 60000 });
      await fp.waitForLoadState('networkidle');
      assert((await fp.getAttribute('html', 'lang')) === 'fr', 'html lang is not fr');
      const left = await englishLeft(enLabels, dataHeading);
      assert(!left.length, `English left on ${url}: ${left.slice(0, 8).join(' | ')}`);
      if (extra) await extra();
    });
  };
  await check('fr-sign-in-page', async () => {
    await fp.goto(URL_ + '/login');
    await fp.waitForSelector('form.login');
    assert((await fp.textContent('form.login button[type=submit]')) === 'Se connecter', 'the sign-in button is not in French');
    assert((await fp.textContent('a.skip')) === 'Aller au contenu', 'the skip link is not in French');
  });
  await check('fr-sign-in', async () => {
    await fp.fill('input[name=user]', 'adm');
    await fp.fill('input[name=password]', PASSWORD);
    await fp.click('form.login button[type=submit]');
    await fp.waitForSelector('header#top:not([hidden]) .user');
    const me = await apiGet(fp, '/api/v1/me');
    assert(me.body.lang === 'fr' && me.body.lang_chosen === false, `me: ${JSON.stringify(me.body)}`);
    const head = await fp.textContent('header#top');
    assert(head.includes('Tableau de bord') && head.includes('Se déconnecter') && head.includes('administrateur'), `header: ${head}`);
    const kinds = (await apiGet(fp, '/api/v1/kinds')).body;
    enLabels = [
      ...new Set(
        kinds.flatMap((k) => [k.label, ...k.fields.map((x) => x.label)]).filter((l) => l.en !== l.fr && l.en.length >= 4 && !frText.includes(l.en)).map((l) => l.en),
      ),
    ];
  });
  await frPage('dashboard', '/?from=2021-05-01&to=2021-05-31', '#t-ied svg, svg.chart', async () => {
    await fp.waitForSelector('#t-ied');
    const t = await fp.textContent('main');
    assert(t.includes('Tableau de bord') && t.includes('EEI') && t.includes('Évolution hebdomadaire'), 'dashboard words');
    assert(t.includes('Du 1er mai 2021 au 31 mai 2021 inclus.'), `French dates: ${t.slice(0, 300)}`);
    await shot(fp, 'fr-dashboard.png');
  });
  await frPage('map', '/map?from=2021-04-01&to=2021-05-31', '.ev-cluster, .ev-dot', async () => {
    assert((await fp.getAttribute('.leaflet-control-zoom-in', 'title')) === 'Zoom avant', 'zoom control in English');
    assert(/événements du 1er avril 2021 au 31 mai 2021/.test(await fp.textContent('.map-summary')), 'map summary');
  });
  await frPage('records', '/records', '.kind-list .count', async () => {
    await fp.waitForFunction(() => [...document.querySelectorAll('.kind-list .count')].every((c) => c.textContent !== '…'));
    const counts = await fp.$$eval('.kind-list .count', (c) => c.map((x) => x.textContent));
    assert(counts.some((c) => /^\d{1,3}(\u202f\d{3})+$/.test(c)), `no count grouped with a narrow no-break space: ${counts.join(' ')}`);
  });
  await frPage('records-events', '/records/events?event_date=ge:2021-05-01', 'table.list tbody tr', async () => {
    const head = await fp.$$eval('table.list thead th', (t) => t.map((x) => x.innerText.trim()));
    assert(head.includes('Identifiant de l’événement') || head.includes("Identifiant de l'événement"), `columns: ${head.join(', ')}`);
  });
  await frPage('record', '/records/units/inf-bn-ner', 'dl.record', null, true);
  await frPage('force', '/force', 'table.units tbody tr', async () => {
    assert((await fp.textContent('table.units thead')).includes('Effectif (déployé / autorisé)'), 'force columns');
  });
  await frPage('unit', '/force/inf-bn-tgo', 'svg.timeline', null, true);
  await frPage('contributors', '/force/contributors?from=2021-01-01&to=2021-05-31', 'table.contributors tbody tr', async () => {
    const text = await fp.textContent('table.contributors');
    assert(text.includes('Égypte') && text.includes('Tchad') && text.includes('Non précisé'), `country names: ${text.slice(0, 200)}`);
  });
  await frPage('casevac-form', '/casevac/new', 'form.casevac', async () => {
    assert((await fp.textContent('button[data-now="injured_at"]')) === 'Maintenant', 'the Now button is not in French');
  });
  await frPage('rotations', '/force/rotations', 'svg.timeline rect.overlap');
  await frPage('operations', '/operations', 'table.list tbody tr');
  await frPage('report', '/report?from=2021-05-01&to=2021-05-31', 'form.report-form', async () => {
    const frame = fp.frameLocator('iframe.report-frame');
    await frame.locator('h1').first().waitFor({ timeout: 90000 });
    const text = await frame.locator('body').innerText({ timeout: 60000 });
    assert(/^La Mission du 1er mai 2021 au 31 mai 2021/m.test(text) && text.includes('engins explosifs improvisés (EEI)'), `report: ${text.slice(0, 200)}`);
    assert((await fp.getAttribute('.downloads a:has-text("Markdown")', 'href')).includes('lang=fr'), 'downloads are not in French');
    await shot(fp, 'fr-report.png', false);
  });
  await frPage('incident-form', '/incident/new', 'form.incident', async () => {
    const labels = await fp.$$eval('form.incident label, form.incident legend', (l) => l.map((x) => x.textContent));
    assert(labels.includes('Civils tués') && labels.includes('Quand'), `labels: ${labels.slice(0, 8).join(', ')}`);
    // The sub-types follow the type, in French; the codes stay the values.
    await fp.selectOption('#i-event_type', 'Explosions/Remote violence');
    const subs = await fp.$$eval('#i-sub_event_type option', (o) => o.map((x) => [x.value, x.textContent]));
    assert(subs.some(([v, l]) => v === 'Remote explosive/landmine/IED' && l === 'Explosif télécommandé, mine terrestre ou EEI'), `sub-types: ${JSON.stringify(subs.slice(0, 3))}`);
    // Place search: accents ignored, alternate names known.
    for (const [typed, want] of [
      ['tombouctou', 'Timbuktu'],
      ['menaka', 'Ménaka'],
      ['TIMBUKTU', 'Timbuktu'],
    ]) {
      await fp.fill('#i-place', '');
      await fp.fill('#i-place', typed);
      await fp.waitForSelector(`[role=listbox] [role=option] .opt-name:text-is("${want}")`, { timeout: 20000 });
    }
    await fp.press('#i-place', 'Escape');
    // A refused value: the message comes from the rule, in French.
    await fp.fill('#i-event_date', '2021-05-20');
    await fp.selectOption('#i-sub_event_type', 'Grenade');
    await fp.fill('#i-latitude', '123');
    await fp.fill('#i-longitude', '1');
    await fp.click('form.incident button[type=submit]');
    await fp.waitForSelector('#err-latitude:not([hidden])');
    const msg = await fp.textContent('#err-latitude');
    assert(msg === 'Une latitude, comprise entre -90 et 90.', `latitude message: ${msg}`);
    const left = await englishLeft(enLabels);
    assert(!left.length, `English left after the refusal: ${left.join(' | ')}`);
    await fp.click('form.incident button.secondary:has-text("Effacer le formulaire")');
  });
  await check('fr-switch-language', async () => {
    await fp.goto(URL_ + '/?from=2021-05-01&to=2021-05-31');
    await fp.waitForSelector('#t-ied');
    assert((await fp.textContent('#lang-switch')) === 'English', 'the switch does not offer English');
    await fp.click('#lang-switch');
    await fp.waitForSelector('main h1:text-is("Dashboard")');
    await fp.waitForSelector('#t-ied');
    assert(fp.url().endsWith('/?from=2021-05-01&to=2021-05-31'), `moved to ${fp.url()}`);
    assert((await fp.getAttribute('html', 'lang')) === 'en', 'html lang is not en');
    assert((await fp.textContent('header#top')).includes('Sign out'), 'the header is not in English');
    const me = await apiGet(fp, '/api/v1/me');
    assert(me.status === 200 && me.body.lang === 'en' && me.body.lang_chosen === true, `still signed in, choice stored: ${JSON.stringify(me.body)}`);
    await fp.reload();
    await fp.waitForSelector('main h1:text-is("Dashboard")');
    await fp.click('#lang-switch');
    await fp.waitForSelector('main h1:text-is("Tableau de bord")');
    const me2 = await apiGet(fp, '/api/v1/me');
    assert(me2.body.lang === 'fr', `back to French: ${JSON.stringify(me2.body)}`);
  });
  await check('no-page-errors-french', async () => {
    assert(!fp.errors.length, fp.errors.join(' | '));
  });
  await f.ctx.close();

  await check('no-request-outside-the-server', async () => {
    assert(!outside.length, `requests to ${[...new Set(outside)].slice(0, 3).join(', ')}`);
  });
} catch (e) {
  fail('browser', e && e.stack ? e.stack : e);
} finally {
  for (const d of profiles) fs.rmSync(d, { recursive: true, force: true });
}
process.exit(failures ? 1 : 0);
