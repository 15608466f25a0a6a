// The viewer's own sheet (nickname, phone verification to become a known customer)
// and the in-app notifications behind the bell.

import { api, t, el, errText, fmtWhen, initial, toast } from './common.js';

/**
 * Wires the phone form. getMe returns the stored identity; update merges changes
 * into it. Returns a function that re-renders the sheet's header.
 */
export function setupMe(root, layers, getMe, update) {
  const $ = (s) => root.querySelector(s);
  const form = $('[data-phone-form]');
  const err = $('[data-phone-error]');
  const phone = $('#ph-num');
  const code = $('#ph-code');
  const sendBtn = $('[data-phone-send]');
  let wait = 0;

  const render = () => {
    const me = getMe();
    if (!me) return;
    $('[data-me-avatar]').textContent = initial(me.nickname);
    $('[data-me-name]').textContent = me.nickname || '';
    const tag = $('[data-me-tag]');
    tag.textContent = me.known ? t('js.me.known') : t('js.me.guest');
    tag.classList.toggle('guest', !me.known);
    $('[data-phone-ok]').hidden = !me.known;
    $('[data-phone-ok-text]').textContent = t('js.phone.verified', me.phone || '');
    form.hidden = !!me.known;
  };

  const fail = (msg) => { err.textContent = msg; err.hidden = false; };

  sendBtn.addEventListener('click', async () => {
    err.hidden = true;
    const me = getMe();
    const p = phone.value.replace(/\s+/g, '');
    if (!/^1[3-9]\d{9}$/.test(p)) { fail(t('js.phone.invalid')); phone.focus(); return; }
    sendBtn.disabled = true;
    try {
      await api('/api/v1/viewer/phone/code', { method: 'POST', body: { phone: p }, token: me.token });
      toast(t('js.phone.sent'));
      code.focus();
      wait = 60;
      const tick = setInterval(() => {
        wait--;
        sendBtn.textContent = wait > 0 ? t('js.phone.resend_in', wait) : t('js.phone.resend');
        if (wait <= 0) { clearInterval(tick); sendBtn.disabled = false; }
      }, 1000);
    } catch (e) {
      sendBtn.disabled = false;
      fail(errText(e));
    }
  });

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    err.hidden = true;
    const me = getMe();
    const p = phone.value.replace(/\s+/g, '');
    const c = code.value.trim();
    if (!/^1[3-9]\d{9}$/.test(p)) { fail(t('js.phone.invalid')); return; }
    if (!/^\d{4,8}$/.test(c)) { fail(t('js.phone.code_invalid')); return; }
    try {
      const v = await api('/api/v1/viewer/phone/verify', { method: 'POST', body: { phone: p, code: c }, token: me.token });
      update({ known: true, phone: v.phone || p });
      render();
      toast(t('js.phone.ok'));
    } catch (e) {
      fail(errText(e));
    }
  });

  return render;
}

/** Polls the viewer's notifications every 30 s and shows them behind the bell. */
export function setupNotifications(root, layers) {
  const $ = (s) => root.querySelector(s);
  const badge = $('[data-bell-badge]');
  const list = $('[data-notes]');
  const empty = $('[data-notes-empty]');
  let me = null;
  let items = [];
  let timer = null;
  const seenKey = 'siyu.notes.seen';
  const seen = () => Number(localStorage.getItem(seenKey) || 0);

  const unread = () => items.filter((n) => !n.read && n.id > seen());

  const render = () => {
    const u = unread().length;
    badge.hidden = u === 0;
    badge.textContent = u > 9 ? '9+' : String(u);
    empty.hidden = items.length > 0;
    list.replaceChildren(...items.map((n) => el('li', { class: !n.read && n.id > seen() ? 'unread' : '' },
      el('b', { text: n.title || t('js.notes.reminder') }),
      n.body ? el('p', { text: n.body }) : null,
      n.link ? el('a', { href: n.link, class: 'note-link', text: t('js.notes.open') }) : null,
      el('time', { datetime: n.created_at, text: fmtWhen(n.created_at) }))));
  };

  const load = async () => {
    if (!me) return;
    try {
      const res = await api('/api/v1/viewer/notifications', { token: me.token });
      items = Array.isArray(res) ? res : (res.items || []);
      render();
    } catch { /* the bell stays as it was */ }
  };

  $('[data-bell]').addEventListener('click', () => {
    if (!me) return;
    render();
    layers.show('notes');
    const fresh = unread();
    if (items.length) localStorage.setItem(seenKey, String(Math.max(seen(), ...items.map((n) => n.id))));
    fresh.forEach((n) => {
      api(`/api/v1/viewer/notifications/${n.id}/read`, { method: 'POST', body: {}, token: me.token }).catch(() => {});
    });
  });
  layers.onClose.notes = render;

  return {
    start(identity) {
      me = identity;
      clearInterval(timer);
      load();
      timer = setInterval(load, 30000);
    },
  };
}
