// main.js: starts the interface: who is signed in, the header, the router.
// Pages are plain functions (page(ctx)) that fill <main>.
import { api, setCsrf, setUnauthorizedHandler } from './api.js';
import { loadKinds } from './kinds.js';
import { state, setNavigate, canWrite } from './session.js';
import * as outbox from './outbox.js';
import { h, clear, announce, append } from './ui.js';
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

const routes = [
  [/^\/$/, dashboardPage, 'Dashboard'],
  [/^\/map$/, mapPage, 'Map'],
  [/^\/incident\/new$/, incidentPage, 'New incident'],
  [/^\/casevac\/new$/, casevacPage, 'Casualty evacuation'],
  [/^\/records$/, recordsIndexPage, 'Records'],
  [/^\/records\/([^/]+)$/, recordsListPage, 'Records'],
  [/^\/records\/([^/]+)\/(.+)$/, recordPage, 'Records'],
  [/^\/force$/, forcePage, 'Force'],
  [/^\/force\/rotations$/, rotationsPage, 'Rotations'],
  [/^\/force\/contributors$/, contributorsPage, 'Contributors'],
  [/^\/force\/([^/]+)$/, unitPage, 'Force'],
  [/^\/operations$/, operationsPage, 'Operations'],
  [/^\/operations\/([^/]+)$/, operationPage, 'Operations'],
  [/^\/report$/, reportPage, 'Report'],
];

const NAV = [
  ['/', 'Dashboard'],
  ['/map', 'Map'],
  ['/incident/new', 'New incident', () => canWrite()],
  ['/casevac/new', 'Evacuation', () => canWrite()],
  ['/records', 'Records'],
  ['/force', 'Force'],
  ['/force/rotations', 'Rotations'],
  ['/operations', 'Operations'],
  ['/report', 'Report'],
];

const main = document.getElementById('main');
// Pages append lists that may hold null (a part that does not apply).
main.append = (...children) => append(main, children);
const top = document.getElementById('top');
let current = null; // AbortController of the page on screen
let firstRender = true;

function renderHeader() {
  clear(top);
  if (!state.me) {
    top.hidden = true;
    return;
  }
  top.hidden = false;
  const me = state.me;
  const level = (me.classification || 'restricted').toUpperCase();
  const navList = h(
    'ul',
    { id: 'nav-list' },
    NAV.filter(([, , ok]) => !ok || ok()).map(([href, label]) => h('li', {}, h('a', { href, dataset: { nav: href } }, label))),
  );
  const toggle = h('button', { type: 'button', class: 'nav-toggle', 'aria-expanded': 'false', 'aria-controls': 'nav-list' }, 'Menu');
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
      if (n) announce(`${n} queued record${n === 1 ? '' : 's'} sent.`);
      updateNet();
    },
  });
  top.append(
    h('a', { class: 'brand', href: '/' }, h('span', { class: 'logo', 'aria-hidden': 'true' }), 'bluehelm'),
    toggle,
    h('nav', { 'aria-label': 'Main' }, navList),
    h(
      'div',
      { class: 'who' },
      net,
      out,
      h('span', { class: 'user', title: 'Signed in as' }, me.user),
      h('span', { class: 'role' }, me.role + (me.sector ? ` · ${me.sector}` : '')),
      h('span', { class: ['level', 'lvl-' + level.toLowerCase()], title: 'The highest classification you may see' }, level),
      h('button', { type: 'button', class: 'link', onclick: signOut }, 'Sign out'),
    ),
  );
  updateNet();
  markNav();
}

function updateNet() {
  const net = document.getElementById('net');
  const out = document.getElementById('outbox');
  if (!net) return;
  net.textContent = navigator.onLine ? '' : 'Offline';
  net.className = navigator.onLine ? 'net' : 'net off';
  const q = outbox.queued().length;
  const r = outbox.refused().length;
  out.hidden = !q && !r;
  out.textContent = q ? `${q} waiting to be sent` : r ? `${r} refused by the server` : '';
  out.title = q ? 'Send now' : 'Records the server refused: open the incident form to correct them';
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
  await loadKinds();
  renderHeader();
  outbox.flush().then(updateNet);
}

async function render() {
  if (current) current.abort();
  const ctl = new AbortController();
  current = ctl;
  const url = new URL(location.href);
  const path = url.pathname.replace(/\/+$/, '') || '/';
  top.classList.remove('nav-open');
  const t = top.querySelector('.nav-toggle');
  if (t) t.setAttribute('aria-expanded', 'false');
  clear(main);
  if (!state.me || path === '/login') {
    if (state.me && path === '/login') return navigate('/', { replace: true });
    document.title = 'Sign in · bluehelm';
    await loginPage({ main, query: url.searchParams, signal: ctl.signal, next: path === '/login' ? url.searchParams.get('next') || '/' : url.pathname + url.search, onSignedIn: signedIn });
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
    document.title = 'Not found · bluehelm';
    main.append(h('h1', { tabindex: '-1' }, 'No such page'), h('p', {}, h('a', { href: '/' }, 'Back to the dashboard')));
  } else {
    document.title = `${match.title} · bluehelm`;
    try {
      await match.fn({ main, params: match.params, query: url.searchParams, signal: ctl.signal, url });
    } catch (e) {
      if (e.name === 'AbortError' || ctl.signal.aborted) return;
      console.error(e);
      main.append(h('div', { class: 'alert error', role: 'alert' }, `This page could not be shown: ${e.message}`));
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
window.addEventListener('popstate', render);
window.addEventListener('online', () => {
  updateNet();
  outbox.flush().then((n) => {
    if (n) announce(`Connection back: ${n} queued record${n === 1 ? '' : 's'} sent.`);
    updateNet();
  });
});
window.addEventListener('offline', () => {
  updateNet();
  announce('The connection is down: what you enter is kept in this browser.', 'warn');
});
outbox.onChange(updateNet);
setInterval(() => {
  if (state.me && outbox.queued().length) outbox.flush().then(updateNet);
}, 30000);

setUnauthorizedHandler(() => {
  if (!state.me) return;
  state.me = null;
  renderHeader();
  announce('Your session has ended: sign in again.', 'warn');
  const here = location.pathname + location.search;
  navigateTo('/login?next=' + encodeURIComponent(here), { replace: true });
});

async function boot() {
  try {
    state.manifest = JSON.parse(document.getElementById('bh-manifest').textContent || '{}');
  } catch {
    state.manifest = {};
  }
  fetch('/ui-config.json', { credentials: 'same-origin' })
    .then((r) => (r.ok ? r.json() : {}))
    .then((c) => (state.config = c || {}))
    .catch(() => {});
  try {
    const me = await api('me');
    await signedIn(me);
  } catch (e) {
    if (e.status !== 401) {
      clear(main);
      main.append(h('div', { class: 'alert error', role: 'alert' }, `The server cannot be reached: ${e.message}`));
      if (!e.offline) return;
    }
  }
  render();
}
boot();
