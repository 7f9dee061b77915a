// login.js: the sign-in page.
import { api } from '../api.js';
import { h, field } from '../ui.js';
import { navigate } from '../session.js';
import { t, errorMessage } from '../i18n.js';

// langSwitch: the header's language switch, offered here too.
export async function loginPage({ main, next, onSignedIn, langSwitch }) {
  const user = h('input', { name: 'user', autocomplete: 'username', required: true, autocapitalize: 'none', spellcheck: 'false' });
  const pw = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const msg = h('div', { class: 'alert error', role: 'alert', hidden: true });
  const btn = h('button', { type: 'submit', class: 'primary' }, t('login.sign_in'));
  const form = h(
    'form',
    { class: 'login card', novalidate: true },
    h('h1', { tabindex: '-1' }, h('span', { class: 'logo big', 'aria-hidden': 'true' }), 'bluehelm'),
    h('p', { class: 'muted' }, t('login.intro')),
    msg,
    field(t('login.user'), user),
    field(t('login.password'), pw),
    btn,
    langSwitch ? h('p', { class: 'login-lang' }, langSwitch()) : null,
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    msg.hidden = true;
    if (!user.value || !pw.value) {
      msg.textContent = t('login.give_both');
      msg.hidden = false;
      (user.value ? pw : user).focus();
      return;
    }
    btn.disabled = true;
    btn.textContent = t('login.signing_in');
    try {
      await api('login', { method: 'POST', body: { user: user.value, password: pw.value } });
      const me = await api('me');
      await onSignedIn(me);
      navigate(next && next.startsWith('/') && !next.startsWith('/login') ? next : '/', { replace: true });
    } catch (err) {
      msg.textContent = err.status === 401 ? t('login.wrong') : err.status === 429 ? errorMessage(err) : t('login.failed', { why: errorMessage(err) });
      msg.hidden = false;
      pw.value = '';
      pw.focus();
    } finally {
      btn.disabled = false;
      btn.textContent = t('login.sign_in');
    }
  });
  main.append(h('div', { class: 'login-wrap' }, form));
  user.focus();
}
