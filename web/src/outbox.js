// outbox.js: records written while the connection was down wait here (in
// localStorage) and are sent when it returns. A record the server refuses
// (validation) is kept aside, so its author can open it again as a draft.
import { api } from './api.js';

const KEY = 'bh.outbox';
const REFUSED = 'bh.outbox.refused';
const listeners = new Set();

function read(key) {
  try {
    const v = JSON.parse(localStorage.getItem(key) || '[]');
    return Array.isArray(v) ? v : [];
  } catch {
    return [];
  }
}
function write(key, v) {
  try {
    localStorage.setItem(key, JSON.stringify(v));
  } catch {
    /* full or private: nothing more to do */
  }
  listeners.forEach((fn) => fn());
}

export const queued = () => read(KEY);
export const refused = () => read(REFUSED);
export const onChange = (fn) => listeners.add(fn);

// enqueue({path, method, body, label}): keeps a write for later.
export function enqueue(item) {
  write(KEY, [...queued(), { ...item, at: new Date().toISOString() }]);
}
export function dropRefused(at) {
  write(
    REFUSED,
    refused().filter((r) => r.at !== at),
  );
}

let flushing = false;
// flush(): sends what waits, oldest first; stops at the first item that
// cannot be sent yet (offline, signed out). Returns the number sent.
export async function flush() {
  if (flushing || !navigator.onLine) return 0;
  flushing = true;
  let sent = 0;
  try {
    for (;;) {
      const [item] = queued();
      if (!item) break;
      try {
        await api(item.path, { method: item.method, body: item.body });
        sent++;
      } catch (e) {
        if (e.offline || e.status === 401 || e.status === 403 || e.status >= 500) break;
        // 409 after a POST: the first attempt did arrive; it is recorded.
        if (!(e.status === 409 && item.method === 'POST')) write(REFUSED, [...refused(), { ...item, error: { code: e.code, status: e.status, message: e.message, fields: e.fields } }]);
      }
      write(
        KEY,
        queued().filter((q) => q.at !== item.at),
      );
    }
  } finally {
    flushing = false;
  }
  return sent;
}
