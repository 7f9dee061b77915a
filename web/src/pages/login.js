// login.js: the sign-in page.
import { api } from '../api.js';
import { h, field } from '../ui.js';
import { navigate } from '../session.js';

export async function loginPage({ main, next, onSignedIn }) {
  const user = h('input', { name: 'user', autocomplete: 'username', required: true, autocapitalize: 'none', spellcheck: 'false' });
  const pw = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const msg = h('div', { class: 'alert error', role: 'alert', hidden: true });
  const btn = h('button', { type: 'submit', class: 'primary' }, 'Sign in');
  const form = h(
    'form',
    { class: 'login card', novalidate: true },
    h('h1', { tabindex: '-1' }, h('span', { class: 'logo big', 'aria-hidden': 'true' }), 'bluehelm'),
    h('p', { class: 'muted' }, 'Information system of the peace operation. Sign in with the account your administrator gave you.'),
    msg,
    field('User name', user),
    field('Password', pw),
    btn,
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    msg.hidden = true;
    if (!user.value || !pw.value) {
      msg.textContent = 'Give your user name and password.';
      msg.hidden = false;
      (user.value ? pw : user).focus();
      return;
    }
    btn.disabled = true;
    btn.textContent = 'Signing in…';
    try {
      await api('login', { method: 'POST', body: { user: user.value, password: pw.value } });
      const me = await api('me');
      await onSignedIn(me);
      navigate(next && next.startsWith('/') && !next.startsWith('/login') ? next : '/', { replace: true });
    } catch (err) {
      msg.textContent =
        err.status === 401 ? 'Wrong user name or password.' : err.status === 429 ? err.message : `Sign-in failed: ${err.message}`;
      msg.hidden = false;
      pw.value = '';
      pw.focus();
    } finally {
      btn.disabled = false;
      btn.textContent = 'Sign in';
    }
  });
  main.append(h('div', { class: 'login-wrap' }, form));
  user.focus();
}
