// api.js: the JSON API (/api/v1/) as the pages use it. The browser signs in
// with the HttpOnly session cookie; state-changing requests carry the
// X-CSRF-Token that login and /me return.

let csrf = null;
let onUnauthorized = null;

export const setCsrf = (t) => (csrf = t);
export const setUnauthorizedHandler = (fn) => (onUnauthorized = fn);

export class ApiError extends Error {
  constructor(status, code, message, fields) {
    super(message);
    this.status = status; // 0: no answer (offline)
    this.code = code;
    this.fields = fields || [];
  }
  get offline() {
    return this.status === 0;
  }
}

// qs({a: 1, b: ['x', 'y']}) → "a=1&b=x&b=y" (null/undefined/'' skipped).
export function qs(params) {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) {
    if (v == null || v === '') continue;
    for (const x of Array.isArray(v) ? v : [v]) if (x != null && x !== '') u.append(k, String(x));
  }
  return u.toString();
}

export function apiUrl(path, params) {
  const q = params instanceof URLSearchParams ? params.toString() : qs(params);
  return `/api/v1/${path}${q ? '?' + q : ''}`;
}

// api(path, {method, body, params, signal}): the parsed JSON answer; throws
// ApiError with the error envelope's code, message and fields.
export async function api(path, { method = 'GET', body, params, signal } = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD' && csrf) headers['X-CSRF-Token'] = csrf;
  let res;
  try {
    res = await fetch(apiUrl(path, params), {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      signal,
    });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, 'offline', 'No connection to the server: check the network and try again.');
  }
  if (res.status === 204) return null;
  let data = null;
  const text = await res.text();
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!res.ok) {
    const e = data && data.error ? data.error : {};
    const err = new ApiError(res.status, e.code || 'http_' + res.status, e.message || `the server answered ${res.status}`, e.fields);
    if (res.status === 401 && path !== 'login' && onUnauthorized) onUnauthorized(err);
    throw err;
  }
  return data;
}

// The key of a record as the API's path and cursor need it.
export function keyOf(kindMeta, rec) {
  return kindMeta.key.map((k) => rec[k]);
}
export function recordPath(kindMeta, rec) {
  return kindMeta.key.map((k) => encodeURIComponent(rec[k])).join('/');
}

// One page of a list. The cursor for the next page is the server's `next`,
// or, when the page came back full, the key of its last record (so paging
// never depends on more than the key order the API promises).
export async function listPage(kindMeta, params, limit = 50, after = null, signal) {
  const p = new URLSearchParams(params instanceof URLSearchParams ? params : qs(params));
  p.set('limit', String(limit));
  if (after) p.set('after', after);
  else p.delete('after');
  const data = await api(kindMeta.name, { params: p, signal });
  let next = data.next || null;
  if (!next && data.items.length === limit) next = keyOf(kindMeta, data.items[data.items.length - 1]).join('\x1f');
  return { items: data.items, next };
}

// Every record that matches, page by page, up to max; {items, truncated}.
export async function listAll(kindMeta, params, { max = 20000, signal, onProgress } = {}) {
  const items = [];
  let after = null;
  for (;;) {
    const page = await listPage(kindMeta, params, 1000, after, signal);
    items.push(...page.items);
    if (onProgress) onProgress(items.length);
    if (!page.next || page.items.length === 0) return { items, truncated: false };
    if (items.length >= max) return { items, truncated: true };
    after = page.next;
  }
}

// Records by id, fetched 100 at a time with the key=a,b,c filter (a comma
// inside an id is written \,).
export async function byIds(kindMeta, ids, { signal, extra } = {}) {
  const key = kindMeta.key[0];
  const out = [];
  const uniq = [...new Set(ids)];
  for (let i = 0; i < uniq.length; i += 100) {
    const chunk = uniq.slice(i, i + 100).map((s) => String(s).replace(/\\/g, '\\\\').replace(/,/g, '\\,'));
    const { items } = await listAll(kindMeta, { ...(extra || {}), [key]: chunk.join(',') }, { signal });
    out.push(...items);
  }
  return out;
}

export const indicator = (name, params, signal) => api(`indicators/${name}`, { params, signal });
export const count = async (kind, params, signal) => (await api(`count/${kind}`, { params, signal })).count;
