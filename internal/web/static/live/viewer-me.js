// The viewer's identity: the guest viewer kept per session (asked for a nickname on
// the first visit), their own sheet (nickname, phone verification to become a known
// customer) and the in-app notifications behind the bell.

import { api, APIError, t, el, errText, fmtWhen, initial, toast } from './common.js';

/** The viewer's identity for a session in localStorage: {viewer_id, token, nickname, known?}. */
export function viewerStore(sid) {
  return {
    key: 'siyu.viewer.' + sid,
    get() { try { return JSON.parse(localStorage.getItem(this.key) || 'null'); } catch { return null; } },
    set(v) { localStorage.setItem(this.key, JSON.stringify(v)); },
    clear() { localStorage.removeItem(this.key); },
  };
}

/**
 * Wires the nickname dialog: a first visit creates a guest viewer (with the entry code,
 * for attribution), stores it in state.me and calls joined(). Returns askNickname and
 * checkIdentity (false when the server no longer knows the stored token).
 */
export function setupIdentity(root, layers, { sid, boot, state, store, joined }) {
  const $ = (s) => root.querySelector(s);

  function askNickname() {
    const input = $('#nick-input');
    input.value = localStorage.getItem('siyu.nickname') || '';
    layers.show('nick');
  }

  $('[data-nick-form]').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const input = $('#nick-input');
    const err = $('[data-nick-error]');
    const nickname = input.value.trim();
    err.hidden = true;
    if (!nickname) { err.textContent = t('js.nick.required'); err.hidden = false; input.focus(); return; }
    const btn = ev.submitter || $('[data-testid=nickname-submit]');
    btn.disabled = true;
    try {
      const body = { nickname };
      if (boot.entry) body.entry = boot.entry;
      const v = await api(`/api/v1/sessions/${sid}/viewers`, { method: 'POST', body });
      state.me = { viewer_id: v.viewer_id, token: v.token, nickname: v.nickname || nickname, known: !!v.known };
      store.set(state.me);
      localStorage.setItem('siyu.nickname', nickname);
      layers.hide('nick');
      joined();
    } catch (e) {
      err.textContent = errText(e);
      err.hidden = false;
    } finally {
      btn.disabled = false;
    }
  });

  async function checkIdentity() {
    try {
      const v = await api('/api/v1/viewer/me', { token: state.me.token });
      if (v && v.viewer_id) {
        state.me.nickname = v.nickname || state.me.nickname;
        state.me.known = !!v.known;
        state.me.phone = v.phone || '';
        store.set(state.me);
      }
      return true;
    } catch (e) {
      if (e instanceof APIError && e.status === 401) return false;
      return true; // the check is a courtesy; the socket decides
    }
  }

  return { askNickname, checkIdentity };
}

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
