// session.js: who is signed in, the build's manifest and configuration, the
// reporting period the pages share, and navigation.
import { count } from './api.js';
import { addDays, todayIso, validDate } from './ui.js';

export const state = {
  me: null, // {user, role, sector, classification, csrf}
  manifest: {},
  config: {}, // from /ui-config.json: {tile_url, tile_attribution, tile_max_zoom}
};

export const canWrite = () => state.me && (state.me.role === 'editor' || state.me.role === 'admin');

let navigateFn = null;
export const setNavigate = (fn) => (navigateFn = fn);
export const navigate = (url, opts) => navigateFn && navigateFn(url, opts);

// The period: ?from=&to= on the page, else the last one used, else the 30
// days up to today, or up to the latest recorded event when today's 30 days
// hold none (a fresh demo or archive database).
const PERIOD_KEY = 'bh.period';
export function storedPeriod() {
  try {
    const p = JSON.parse(localStorage.getItem(PERIOD_KEY) || 'null');
    if (p && validDate(p.from) && validDate(p.to)) return p;
  } catch {
    /* ignore */
  }
  return null;
}
export function rememberPeriod(p) {
  try {
    localStorage.setItem(PERIOD_KEY, JSON.stringify({ from: p.from, to: p.to }));
  } catch {
    /* private mode: fine */
  }
}
export async function periodFrom(query) {
  const f = query.get('from');
  const t = query.get('to');
  if (validDate(f) && validDate(t) && f <= t) return { from: f, to: t };
  const s = storedPeriod();
  if (s) return s;
  const to = todayIso();
  let p = { from: addDays(to, -29), to };
  try {
    if ((await count('events', { event_date: [`ge:${p.from}`, `le:${p.to}`] })) === 0) {
      const last = await latestEventMonthEnd();
      if (last) p = { from: addDays(last, -29), to: last, auto: true };
    }
  } catch {
    /* keep today's */
  }
  return p;
}

// The last day of the latest month that holds an event (few small requests:
// years newest first, six at a time, then that year's months).
async function latestEventMonthEnd() {
  const now = new Date();
  const thisYear = now.getFullYear();
  const range = (a, b) => ({ event_date: [`ge:${a}`, `le:${b}`] });
  for (let y = thisYear; y >= 1990; y -= 6) {
    const years = [];
    for (let i = y; i > y - 6 && i >= 1990; i--) years.push(i);
    const counts = await Promise.all(years.map((yy) => count('events', range(`${yy}-01-01`, `${yy}-12-31`))));
    const hit = years.find((_, i) => counts[i] > 0);
    if (hit === undefined) continue;
    const months = Array.from({ length: 12 }, (_, i) => 12 - i);
    const ends = months.map((m) => new Date(Date.UTC(hit, m, 0)).toISOString().slice(0, 10));
    const mc = await Promise.all(months.map((m, i) => count('events', range(`${hit}-${String(m).padStart(2, '0')}-01`, ends[i]))));
    const j = mc.findIndex((c) => c > 0);
    const end = ends[j >= 0 ? j : 0];
    return end > todayIso() ? todayIso() : end;
  }
  return null;
}
