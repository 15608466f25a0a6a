// 领奖 page: finds the prize among those of the viewers this browser kept (one token per
// session, 'siyu.viewer.{session}' in localStorage, set when entering a room), shows it
// and PUTs the delivery details with that viewer's token. Without such a token the prize
// can only be claimed on the device that entered the lottery.

import { api, jsonData, t, errText, fmtWhen, toast } from './common.js';

const boot = jsonData('prize-data');
const prizeId = Number(boot.prize_id);
const root = document.querySelector('[data-testid=prize-page]');
const $ = (s) => root.querySelector(s);
const form = $('[data-prize-form]');
const FIELDS = ['name', 'phone', 'address'];
let token = '';
let prize = null;

function show(state) {
  root.dataset.state = state;
  root.querySelectorAll('[data-show]').forEach((n) => { n.hidden = !n.dataset.show.split(' ').includes(state); });
}

/** The tokens of the guest viewers this browser kept, one per session. */
function tokens() {
  const out = [];
  for (let i = 0; i < localStorage.length; i++) {
    const k = localStorage.key(i);
    if (!k || !k.startsWith('siyu.viewer.')) continue;
    try {
      const v = JSON.parse(localStorage.getItem(k) || 'null');
      if (v && v.token) out.push(v.token);
    } catch { /* not ours */ }
  }
  return out;
}

function render() {
  $('[data-prize-name]').textContent = prize.prize;
  $('[data-prize-lottery]').textContent = t('js.prize.lottery', prize.lottery_id, prize.place);
  $('[data-prize-won]').textContent = t('js.prize.won_at', fmtWhen(prize.won_at));
  const st = $('[data-prize-status]');
  const done = !!prize.delivery;
  st.textContent = t(done ? 'js.prize.status.submitted' : 'js.prize.status.pending');
  st.className = 'pz-status ' + (done ? 'done' : 'todo');
  if (done) FIELDS.forEach((f) => { $('[data-saved="' + f + '"]').textContent = prize.delivery[f]; });
}

function fill() {
  const d = prize.delivery || {};
  FIELDS.forEach((f) => { form.elements[f].value = d[f] || ''; });
}

function clearErrors() {
  root.querySelectorAll('[data-error-for]').forEach((p) => { p.hidden = true; p.textContent = ''; });
  FIELDS.forEach((f) => form.elements[f].removeAttribute('aria-invalid'));
}

function fieldError(field, msg) {
  const known = FIELDS.includes(field);
  const p = root.querySelector('[data-error-for="' + (known ? field : '') + '"]');
  p.textContent = msg;
  p.hidden = false;
  if (known) {
    form.elements[field].setAttribute('aria-invalid', 'true');
    form.elements[field].focus();
  }
}

async function load() {
  const list = tokens();
  for (const tk of list) {
    try {
      const r = await api('/api/v1/viewer/prizes', { token: tk });
      const p = (r.items || []).find((x) => Number(x.id) === prizeId);
      if (p) { token = tk; prize = p; break; }
    } catch { /* an expired or foreign token: try the next */ }
  }
  if (!prize) { show('device'); return; }
  render();
  fill();
  show(prize.delivery ? 'saved' : 'ready');
}

form.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  clearErrors();
  const body = {};
  FIELDS.forEach((f) => { body[f] = form.elements[f].value.trim(); });
  const btn = form.querySelector('[type=submit]');
  btn.disabled = true;
  try {
    prize = await api('/api/v1/viewer/prizes/' + prizeId + '/delivery', { method: 'PUT', body, token });
    render();
    show('saved');
    toast(t('js.prize.saved'));
  } catch (e) {
    if (e.status === 401 || e.status === 404) show('device');
    else fieldError(e.code === 'invalid' ? e.field : '', errText(e));
  } finally {
    btn.disabled = false;
  }
});

$('[data-edit]').addEventListener('click', () => { clearErrors(); fill(); show('ready'); form.elements.name.focus(); });

load();
