// 直播预告 page: countdown, and 预约 — creating a guest viewer first when this browser
// has none for the session (the same identity the live room will use later).

import { api, jsonData, t, fmtCountdown, fmtWhen, errText, toast } from './common.js';

const boot = jsonData('room-data');
const sid = boot.session_id;
const key = 'siyu.viewer.' + sid;
const resKey = 'siyu.reserved.' + sid;
const $ = (s) => document.querySelector(s);
let me = null;
try { me = JSON.parse(localStorage.getItem(key) || 'null'); } catch { me = null; }

document.querySelectorAll('[data-when]').forEach((when) => { when.textContent = fmtWhen(when.getAttribute('data-when')); });

const cd = $('[data-countdown]');
if (cd) {
  const out = cd.querySelector('[data-countdown-text]');
  const tick = () => { out.textContent = fmtCountdown(cd.getAttribute('data-countdown')) || t('js.state.starting'); };
  tick();
  setInterval(tick, 1000);
}

const btn = $('[data-reserve]');
const layer = $('[data-layer="nick"]');

function showReserved() {
  if (!btn) return;
  btn.classList.add('done');
  btn.disabled = true;
  btn.querySelector('[data-reserve-text]').textContent = t('js.reserved');
  $('[data-reserved-note]').hidden = false;
}

async function reserve() {
  btn.disabled = true;
  try {
    const r = await fetch(`/api/v1/sessions/${sid}/reservations`, {
      method: 'POST', headers: { Authorization: 'Bearer ' + me.token, 'Content-Type': 'application/json' }, body: '{}',
    });
    if (r.status === 401) {
      localStorage.removeItem(key);
      me = null;
      btn.disabled = false;
      askNickname();
      return;
    }
    if (!r.ok) {
      let msg = '';
      try { msg = (await r.json()).error.message; } catch { /* none */ }
      throw new Error(msg || ('HTTP ' + r.status));
    }
    if (r.status === 201 || localStorage.getItem(resKey) !== '1') {
      const c = $('[data-res-count]');
      if (r.status === 201) c.textContent = String(Number(c.textContent || 0) + 1);
    }
    localStorage.setItem(resKey, '1');
    showReserved();
    toast(t('js.reserved.toast'));
  } catch (e) {
    btn.disabled = false;
    toast(e.message || t('js.err.generic'));
  }
}

function askNickname() {
  layer.hidden = false;
  const input = $('#nick-input');
  input.value = localStorage.getItem('siyu.nickname') || '';
  setTimeout(() => input.focus(), 30);
}

if (btn) {
  if (localStorage.getItem(resKey) === '1' && me) showReserved();
  btn.addEventListener('click', () => (me ? reserve() : askNickname()));
}

if (layer) {
  layer.addEventListener('click', (ev) => { if (ev.target.closest('[data-close]')) layer.hidden = true; });
  $('[data-nick-form]').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const err = $('[data-nick-error]');
    const nickname = $('#nick-input').value.trim();
    err.hidden = true;
    if (!nickname) { err.textContent = t('js.nick.required'); err.hidden = false; return; }
    try {
      const body = { nickname };
      if (boot.entry) body.entry = boot.entry;
      const v = await api(`/api/v1/sessions/${sid}/viewers`, { method: 'POST', body });
      me = { viewer_id: v.viewer_id, token: v.token, nickname: v.nickname || nickname };
      localStorage.setItem(key, JSON.stringify(me));
      localStorage.setItem('siyu.nickname', nickname);
      layer.hidden = true;
      reserve();
    } catch (e) {
      err.textContent = errText(e);
      err.hidden = false;
    }
  });
}
