// i18n.js: the interface's two languages (FORMATS.md 4.2). Every word the
// interface shows comes from a message catalogue (i18n/en.json,
// i18n/fr.json: the same keys, checked at build time by web/check-i18n.mjs),
// or, for kinds, columns and vocabulary words, from the labels the server
// declares with each kind (GET /api/v1/kinds). Numbers, percentages and
// dates follow the language: "1,234", "34%", "1 Jun 2021" in English;
// "1 234" (narrow no-break space), "2,5", "34 %", "1er juin 2021" in French.
import en from './i18n/en.json';
import fr from './i18n/fr.json';

export const LANGS = ['en', 'fr'];
const catalogues = { en, fr };
const LOCALE = { en: 'en-GB', fr: 'fr-FR' };
const NNBSP = '\u202f';

let lang = 'en';
const listeners = new Set();

export const getLang = () => lang;
export const locale = () => LOCALE[lang];

// setLang(l): switches the language of what is drawn from now on; the
// caller redraws the page. Unknown languages fall back to English.
export function setLang(l) {
  const next = LANGS.includes(l) ? l : 'en';
  if (next === lang && document.documentElement.lang === next) return;
  lang = next;
  document.documentElement.lang = lang;
  listeners.forEach((fn) => fn(lang));
}
export const onLangChange = (fn) => listeners.add(fn);

// The browser's preferred language among ours (navigator.languages), or null.
export function browserLang() {
  for (const l of navigator.languages || [navigator.language || '']) {
    const base = String(l).toLowerCase().split(/[-_]/)[0];
    if (LANGS.includes(base)) return base;
  }
  return null;
}

// t(key, params): the message in the current language, with {name}
// placeholders filled in. A message with plural forms ({one, other}) takes
// the form of params.n by the language's rule (French: 0 and 1 singular).
export function t(key, params) {
  let m = catalogues[lang][key];
  if (m === undefined) m = catalogues.en[key];
  if (m === undefined) return key; // check-i18n.mjs fails the build before this can ship
  if (typeof m === 'object') {
    const n = params && params.n != null ? Number(params.n) : 0;
    const cat = new Intl.PluralRules(LOCALE[lang]).select(n);
    m = m[cat] ?? m.other;
  }
  if (!params) return m;
  return m.replace(/\{(\w+)\}/g, (all, name) => {
    if (!(name in params)) return all;
    const v = params[name];
    return typeof v === 'number' ? fmtNum(v) : String(v ?? '');
  });
}

// ": " between a label and its value ("\u00a0: " in French typography).
export const colon = () => (lang === 'fr' ? '\u00a0: ' : ': ');

// 1 when the catalogues hold key (a message chosen by a server's code).
export const hasMessage = (key) => key in catalogues.en;

// ------------------------------------------------------------------ numbers
export function fmtNum(n, decimals = 1) {
  if (n == null || n === '' || Number.isNaN(Number(n))) return '—';
  const s = new Intl.NumberFormat(LOCALE[lang], { maximumFractionDigits: decimals }).format(Number(n));
  return lang === 'fr' ? s.replace(/[\u00a0 ]/g, NNBSP) : s;
}
// A whole percentage: "34%" / "34 %".
export function fmtPct(n) {
  if (n == null || Number.isNaN(Number(n))) return '—';
  const v = Math.sign(n) * Math.round(Math.abs(n));
  return lang === 'fr' ? `${fmtNum(v, 0)}${NNBSP}%` : `${fmtNum(v, 0)}%`;
}

// ------------------------------------------------------------------ dates
const MONTHS = {
  en: ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'],
  fr: ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre'],
};
const MONTHS_SHORT = {
  en: ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'],
  fr: ['janv.', 'févr.', 'mars', 'avr.', 'mai', 'juin', 'juil.', 'août', 'sept.', 'oct.', 'nov.', 'déc.'],
};
function ymd(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || '');
  if (!m) return null;
  const d = new Date(`${iso}T00:00:00Z`);
  if (Number.isNaN(d.getTime())) return null;
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}
const dayText = (d) => (lang === 'fr' && d === 1 ? '1er' : String(d));

// "1 Jun 2021" / "1er juin 2021" (long: "1 June 2021").
export function fmtDate(iso, { long = false } = {}) {
  if (!iso) return '—';
  const p = ymd(iso);
  if (!p) return iso;
  const names = lang === 'fr' || long ? MONTHS[lang] : MONTHS_SHORT[lang];
  return `${dayText(p[2])} ${names[p[1] - 1]} ${p[0]}`;
}
// "1 Jun" / "1er juin": for chart axes.
export function fmtDayMonth(iso) {
  const p = ymd(iso);
  if (!p) return iso || '';
  return `${dayText(p[2])} ${MONTHS_SHORT[lang][p[1] - 1]}`;
}
// "Jun" / "juin" (month m, 1-12): for timeline ticks.
export const monthShort = (m) => MONTHS_SHORT[lang][m - 1];
// A moment (a draft's time), in the language's usual form.
export const fmtMoment = (d) => new Date(d).toLocaleString(LOCALE[lang], { dateStyle: 'medium', timeStyle: 'short' });
// A time of day "HH:MM" as the language writes it: "23:30" / "23 h 30".
export const fmtTime = (hm) => (lang === 'fr' && /^\d\d:\d\d$/.test(hm || '') ? `${Number(hm.slice(0, 2))}\u00a0h\u00a0${hm.slice(3)}` : hm || '');
// A day and a time: "12 Mar 2021, 23:30" / "12 mars 2021 à 23 h 30".
export const fmtDayTime = (iso, hm) => (lang === 'fr' ? `${fmtDate(iso)} à ${fmtTime(hm)}` : `${fmtDate(iso)}, ${hm}`);

// ------------------------------------------------------------------ errors
// A message for an API error, from its stable code (never from the
// server's English text); field errors name the field by its label.
export function errorMessage(err) {
  if (!err) return t('error.unknown');
  if (err.code === 'offline' || err.status === 0) return t('error.offline');
  const key = `error.${err.code}`;
  if (err.code && hasMessage(key)) return t(key, { status: err.status });
  if (err.status) return t('error.status', { status: err.status });
  return t('error.unknown');
}
