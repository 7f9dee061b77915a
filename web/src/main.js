// main.js: starts the interface: who is signed in, the header (with the
// language switch), the router. Pages are plain functions (page(ctx)) that
// fill <main>; switching the language draws the page again, still signed in.
import { api, setCsrf, setUnauthorizedHandler } from './api.js';
import { t, setLang, getLang, browserLang, errorMessage, LANGS } from './i18n.js';
import { loadKinds } from './kinds.js';
import { state, setNavigate, canWrite } from './session.js';
import * as outbox from './outbox.js';
import { h, clear, announce, append, vocabLabel, sectorLabel } from './ui.js';
import { loginPage } from './pages/login.js';
import { dashboardPage } from './pages/dashboard.js';
import { mapPage } from './pages/map.js';
import { incidentPage } from './pages/incident.js';
import { casevacPage } from './pages/casevac.js';
import { recordsIndexPage, recordsListPage, recordPage } from './pages/records.js';
import { forcePage, unitPage, contributorsPage } from './pages/force.js';
import { rotationsPage } from './pages/rotations.js';
import { operationsPage, operationPage } from './pages/operations.js';
import { reportPage } from './pages/report.js';
import { duplicatesPage } from './pages/duplicates.js';

// Routes: [pattern, page, catalogue key of the page's title].
const routes = [
  [/^\/$/, dashboardPage, 'nav.dashboard'],
  [/^\/map$/, mapPage, 'nav.map'],
  [/^\/incident\/new$/, incidentPage, 'nav.new_incident'],
  [/^\/casevac\/new$/, casevacPage, 'nav.casevac_title'],
  [/^\/records$/, recordsIndexPage, 'nav.records'],
  [/^\/records\/([^/]+)$/, recordsListPage, 'nav.records'],
  [/^\/records\/([^/]+)\/(.+)$/, recordPage, 'nav.records'],
  [/^\/force$/, forcePage, 'nav.force'],
  [/^\/force\/rotations$/, rotationsPage, 'nav.rotations'],
  [/^\/force\/contributors$/, contributorsPage, 'nav.contributors'],
  [/^\/force\/([^/]+)$/, unitPage, 'nav.force'],
  [/^\/operations$/, operationsPage, 'nav.operations'],
  [/^\/operations\/([^/]+)$/, operationPage, 'nav.operations'],
  [/^\/report$/, reportPage, 'nav.report'],
  [/^\/duplicates$/, duplicatesPage, 'nav.duplicates'],
];

const NAV = [
  ['/', 'nav.dashboard'],
  ['/map', 'nav.map'],
  ['/incident/new', 'nav.new_incident', () => canWrite()],
  ['/casevac/new', 'nav.casevac', () => canWrite()],
  ['/records', 'nav.records'],
  ['/duplicates', 'nav.duplicates'],
  ['/force', 'nav.force'],
  ['/force/rotations', 'nav.rotations'],
  ['/operations', 'nav.operations'],
  ['/report', 'nav.report'],
];

const main = document.getElementById('main');
// Pages append lists that may hold null (a part that does not apply).
main.append = (...children) => append(main, children);
const top = document.getElementById('top');
let current = null; // AbortController of the page on screen
let shownPage = ''; // path and query of the page on screen
let firstRender = true;

// The language switch: the other language's name, in that language. The
// choice is stored with the user (PATCH /api/v1/me) and the page is drawn
// again in it, without signing out.
function langSwitch() {
  const other = LANGS.find((l) => l !== getLang());
  return h(
    'button',
    {
      type: 'button',
      class: 'link lang-switch',
      lang: other,
      id: 'lang-switch',
      title: t('header.lang_title'),
      onclick: () => chooseLang(other),
    },
    t(`lang.${other}`),
  );
}

// A language chosen on the sign-in page, stored with the user once signed in.
let pendingLang = null;

async function chooseLang(l) {
  setLang(l);
  if (!state.me) pendingLang = l;
  if (state.me) {
    try {
      const me = await api('me', { method: 'PATCH', body: { lang: l } });
      state.me = { ...state.me, lang: me.lang, lang_chosen: me.lang_chosen };
    } catch (e) {
      announce(t('header.lang_not_saved', { why: errorMessage(e) }), 'warn');
    }
  } else {
    try {
      localStorage.setItem('bh.lang', l);
    } catch {
      /* private mode: for this page only */
    }
  }
  renderStatic();
  renderHeader();
  await render();
  const sw = document.getElementById('lang-switch');
  if (sw) sw.focus();
  announce(t('header.lang_done'));
}

// The words of index.html itself (the skip link).
function renderStatic() {
  const skip = document.querySelector('a.skip');
  if (skip) skip.textContent = t('header.skip');
}

function renderHeader() {
  clear(top);
  if (!state.me) {
    top.hidden = true;
    return;
  }
  top.hidden = false;
  const me = state.me;
  const levelWord = me.classification || 'restricted';
  const level = vocabLabel(levelWord).toLocaleUpperCase(getLang());
  const navList = h(
    'ul',
    { id: 'nav-list' },
    NAV.filter(([, , ok]) => !ok || ok()).map(([href, key]) => h('li', {}, h('a', { href, dataset: { nav: href } }, t(key)))),
  );
  const toggle = h('button', { type: 'button', class: 'nav-toggle', 'aria-expanded': 'false', 'aria-controls': 'nav-list' }, t('header.menu'));
  toggle.addEventListener('click', () => {
    const open = toggle.getAttribute('aria-expanded') !== 'true';
    toggle.setAttribute('aria-expanded', String(open));
    top.classList.toggle('nav-open', open);
  });
  const net = h('span', { class: 'net', id: 'net' });
  const out = h('button', {
    type: 'button',
    class: 'outbox',
    id: 'outbox',
    hidden: true,
    onclick: async () => {
      const n = await outbox.flush();
      if (n) announce(t('outbox.sent', { n }));
      updateNet();
    },
  });
  top.append(
    h('a', { class: 'brand', href: '/' }, h('span', { class: 'logo', 'aria-hidden': 'true' }), 'bluehelm'),
    toggle,
    h('nav', { 'aria-label': t('header.nav') }, navList),
    h(
      'div',
      { class: 'who' },
      net,
      out,
      h('span', { class: 'user', title: t('header.signed_in_as') }, me.user),
      h('span', { class: 'role' }, t(`role.${me.role}`) + (me.sector ? ` · ${sectorLabel(me.sector)}` : '')),
      h('span', { class: ['level', 'lvl-' + levelWord], title: t('header.level_title') }, level),
      langSwitch(),
      h('button', { type: 'button', class: 'link', onclick: signOut }, t('header.sign_out')),
    ),
  );
  updateNet();
  markNav();
}

function updateNet() {
  const net = document.getElementById('net');
  const out = document.getElementById('outbox');
  if (!net) return;
  net.textContent = navigator.onLine ? '' : t('header.offline');
  net.className = navigator.onLine ? 'net' : 'net off';
  const q = outbox.queued().length;
  const r = outbox.refused().length;
  out.hidden = !q && !r;
  out.textContent = q ? t('outbox.waiting', { n: q }) : r ? t('outbox.refused', { n: r }) : '';
  out.title = q ? t('outbox.send_now') : t('outbox.refused_title');
}

function markNav() {
  const path = location.pathname;
  top.querySelectorAll('[data-nav]').forEach((a) => {
    const href = a.dataset.nav;
    const best = NAV.map(([p]) => p)
      .filter((p) => (p === '/' ? path === '/' : path === p || path.startsWith(p + '/')))
      .sort((a2, b) => b.length - a2.length)[0];
    if (href === best) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  });
}

async function signOut() {
  try {
    await api('logout', { method: 'POST' });
  } catch {
    /* the session may be gone already */
  }
  state.me = null;
  setCsrf(null);
  renderHeader();
  navigate('/login', { replace: true });
}

export async function signedIn(me) {
  state.me = me;
  setCsrf(me.csrf);
  if (pendingLang && pendingLang !== me.lang) {
    try {
      state.me = me = { ...me, ...(await api('me', { method: 'PATCH', body: { lang: pendingLang } })) };
    } catch {
      /* the choice stays for this page */
    }
  }
  pendingLang = null;
  setLang(me.lang);
  renderStatic();
  await loadKinds();
  renderHeader();
  outbox.flush().then(updateNet);
}

async function render() {
  if (current) current.abort();
  const ctl = new AbortController();
  current = ctl;
  const url = new URL(location.href);
  shownPage = url.pathname + url.search;
  const path = url.pathname.replace(/\/+$/, '') || '/';
  top.classList.remove('nav-open');
  const toggle = top.querySelector('.nav-toggle');
  if (toggle) toggle.setAttribute('aria-expanded', 'false');
  clear(main);
  if (!state.me || path === '/login') {
    if (state.me && path === '/login') return navigate('/', { replace: true });
    document.title = `${t('login.title')} · bluehelm`;
    await loginPage({ main, query: url.searchParams, signal: ctl.signal, next: path === '/login' ? url.searchParams.get('next') || '/' : url.pathname + url.search, onSignedIn: signedIn, langSwitch });
    return;
  }
  markNav();
  let match = null;
  for (const [re, fn, title] of routes) {
    const m = path.match(re);
    if (m) {
      match = { fn, title, params: m.slice(1).map(decodeURIComponent) };
      break;
    }
  }
  if (!match) {
    document.title = `${t('page.not_found_title')} · bluehelm`;
    main.append(h('h1', { tabindex: '-1' }, t('page.not_found')), h('p', {}, h('a', { href: '/' }, t('page.back_to_dashboard'))));
  } else {
    document.title = `${t(match.title)} · bluehelm`;
    try {
      await match.fn({ main, params: match.params, query: url.searchParams, signal: ctl.signal, url });
    } catch (e) {
      if (e.name === 'AbortError' || ctl.signal.aborted) return;
      console.error(e);
      main.append(h('div', { class: 'alert error', role: 'alert' }, t('page.failed', { why: e.code || e.status != null ? errorMessage(e) : e.message })));
    }
  }
  if (!firstRender) {
    const h1 = main.querySelector('h1');
    if (h1) h1.focus({ preventScroll: true });
    window.scrollTo(0, 0);
  }
  firstRender = false;
}

function navigateTo(href, { replace = false } = {}) {
  const url = new URL(href, location.href);
  if (url.origin !== location.origin) {
    location.href = href;
    return;
  }
  if (replace) history.replaceState(null, '', url.pathname + url.search + url.hash);
  else history.pushState(null, '', url.pathname + url.search + url.hash);
  render();
}
const navigate = navigateTo;
setNavigate(navigateTo);

// Same-origin links are handled here, without a page load.
document.addEventListener('click', (e) => {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const a = e.target.closest && e.target.closest('a[href]');
  if (!a || a.target || a.hasAttribute('download')) return;
  const href = a.getAttribute('href');
  if (!href.startsWith('/') || href.startsWith('/api/') || href.startsWith('//')) return;
  e.preventDefault();
  navigateTo(href);
});
// A fragment link (the skip link, a table of contents) fires popstate too:
// only a change of page, path or query, renders again.
window.addEventListener('popstate', () => {
  if (location.pathname + location.search !== shownPage) render();
});
window.addEventListener('online', () => {
  updateNet();
  outbox.flush().then((n) => {
    if (n) announce(t('outbox.back_sent', { n }));
    updateNet();
  });
});
window.addEventListener('offline', () => {
  updateNet();
  announce(t('outbox.offline'), 'warn');
});
outbox.onChange(updateNet);
setInterval(() => {
  if (state.me && outbox.queued().length) outbox.flush().then(updateNet);
}, 30000);

setUnauthorizedHandler(() => {
  if (!state.me) return;
  state.me = null;
  renderHeader();
  announce(t('login.session_ended'), 'warn');
  const here = location.pathname + location.search;
  navigateTo('/login?next=' + encodeURIComponent(here), { replace: true });
});

// Before sign-in: the language last chosen in this browser, else the one
// the server read from Accept-Language (/ui-config.json), else the
// browser's own list, else English.
function signedOutLang() {
  let stored = null;
  try {
    stored = localStorage.getItem('bh.lang');
  } catch {
    /* private mode */
  }
  return LANGS.includes(stored) ? stored : state.config.lang || browserLang() || 'en';
}

async function boot() {
  try {
    state.manifest = JSON.parse(document.getElementById('bh-manifest').textContent || '{}');
  } catch {
    state.manifest = {};
  }
  const config = fetch('/ui-config.json', { credentials: 'same-origin' })
    .then((r) => (r.ok ? r.json() : {}))
    .then((c) => (state.config = c || {}))
    .catch(() => {});
  let me = null;
  try {
    me = await api('me');
  } catch (e) {
    if (e.status !== 401) {
      await config;
      setLang(signedOutLang());
      renderStatic();
      clear(main);
      main.append(h('div', { class: 'alert error', role: 'alert' }, t('page.unreachable', { why: errorMessage(e) })));
      if (!e.offline) return;
    }
  }
  if (me) await signedIn(me);
  else {
    await config;
    setLang(signedOutLang());
    renderStatic();
  }
  render();
}
boot();
