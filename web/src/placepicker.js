// placepicker.js: a gazetteer search box (the ARIA combobox pattern): type
// the start of a place's name, pick it with the arrow keys and Enter or a
// click. It asks GET /api/v1/places?q=TEXT, which matches the start of a
// place's name or of any of its alternate names, ignoring case and accents
// ("menaka" finds Ménaka, "Tombouctou" finds Timbuktu), and the place with
// that id, if any.
import { api } from './api.js';
import { h, nextId, debounce, vocabLabel } from './ui.js';
import { t } from './i18n.js';

export async function searchPlaces(text, signal) {
  const q = text.trim();
  if (q.length < 2) return [];
  const lists = await Promise.all([
    api('places', { params: { q, limit: 40 }, signal }).then((d) => d.items),
    api('places', { params: { place_id: q, limit: 1 }, signal })
      .then((d) => d.items)
      .catch(() => []),
  ]);
  const seen = new Map();
  for (const p of lists.flat()) seen.set(p.place_id, p);
  return [...seen.values()]
    .sort((a, b) => {
      const own = (p) => (p.place_id.startsWith('gn-') ? 1 : 0);
      return own(a) - own(b) || (b.population || 0) - (a.population || 0) || a.name.localeCompare(b.name);
    })
    .slice(0, 15);
}

export const placeLabel = (p) => `${p.name}${p.admin2 || p.admin1 ? ' — ' + [p.admin2, p.admin1].filter(Boolean).join(', ') : ''}`;

// placePicker({name, value, label, onPick}): {el, input, set(place)}. The
// chosen place id travels in a hidden input called name.
export function placePicker({ name, id, value = '', display = '', onPick, required }) {
  const listId = nextId('places');
  const input = h('input', {
    id: id || nextId('place'),
    type: 'text',
    role: 'combobox',
    autocomplete: 'off',
    'aria-autocomplete': 'list',
    'aria-expanded': 'false',
    'aria-controls': listId,
    placeholder: t('place.placeholder'),
    value: display || value,
    required,
    dataset: { placeInput: name },
  });
  const hidden = h('input', { type: 'hidden', name, value });
  const list = h('ul', { id: listId, role: 'listbox', class: 'combo-list', hidden: true, 'aria-label': t('place.list') });
  let items = [];
  let active = -1;
  let ctl = null;

  function open(results) {
    items = results;
    active = -1;
    list.replaceChildren(
      ...(results.length
        ? results.map((p, i) =>
            h(
              'li',
              {
                role: 'option',
                id: `${listId}-${i}`,
                'aria-selected': 'false',
                onmousedown: (e) => {
                  e.preventDefault();
                  pick(p);
                },
              },
              h('span', { class: 'opt-name' }, p.name),
              h('span', { class: 'opt-meta' }, [p.kind && vocabLabel(p.kind), p.admin2, p.admin1].filter(Boolean).join(' · ') + ` · ${p.place_id}`),
            ),
          )
        : [h('li', { class: 'empty', role: 'option', 'aria-disabled': 'true' }, t('place.none'))]),
    );
    list.hidden = false;
    input.setAttribute('aria-expanded', 'true');
  }
  function close() {
    list.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
  }
  function move(d) {
    if (!items.length) return;
    active = (active + d + items.length) % items.length;
    [...list.children].forEach((li, i) => li.setAttribute('aria-selected', String(i === active)));
    input.setAttribute('aria-activedescendant', `${listId}-${active}`);
    list.children[active].scrollIntoView({ block: 'nearest' });
  }
  function pick(p) {
    hidden.value = p ? p.place_id : '';
    input.value = p ? placeLabel(p) : '';
    close();
    if (onPick) onPick(p);
    hidden.dispatchEvent(new Event('input', { bubbles: true }));
  }
  const search = debounce(async () => {
    if (ctl) ctl.abort();
    ctl = new AbortController();
    const typed = input.value;
    if (typed.trim().length < 2) return close();
    try {
      open(await searchPlaces(typed, ctl.signal));
    } catch (e) {
      if (e.name !== 'AbortError') close();
    }
  }, 250);
  input.addEventListener('input', () => {
    hidden.value = '';
    search();
  });
  input.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      if (list.hidden) search();
      else move(1);
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      move(-1);
    } else if (e.key === 'Enter' && !list.hidden && active >= 0) {
      e.preventDefault();
      pick(items[active]);
    } else if (e.key === 'Escape') {
      close();
    }
  });
  input.addEventListener('blur', () => setTimeout(close, 150));
  const el = h('div', { class: 'combo' }, input, hidden, list);
  return {
    el,
    input,
    hidden,
    set(p) {
      hidden.value = p ? p.place_id : '';
      input.value = p ? placeLabel(p) : '';
    },
    clear: () => pick(null),
  };
}
