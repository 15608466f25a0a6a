// 社群 members' page (/g/{code}): joins the group with this device's guest token (one per
// brand, kept in localStorage), then shows the group's red envelopes (grab → amount) and
// 接龙 chains (one numbered line per member, editable while open). A live viewer token
// of the same brand found on this device is sent along the first time, so the member is
// the customer the brand already knows from its live room.

import { api, jsonData, t, fmtWhen, fmtCountdown, fmtYuan, errText, toast, el, icon } from './common.js';

const boot = jsonData('group-data');
const code = boot.code;
const key = 'siyu.group.' + boot.brand_key;
const $ = (s) => document.querySelector(s);
let token = localStorage.getItem(key) || '';
let page = null;

document.querySelectorAll('[data-when]').forEach((w) => { w.textContent = fmtWhen(w.getAttribute('data-when')); });
const cd = $('[data-countdown]');
if (cd) {
  const out = cd.querySelector('[data-countdown-text]');
  const tick = () => { out.textContent = fmtCountdown(cd.getAttribute('data-countdown')) || t('js.state.starting'); };
  tick();
  setInterval(tick, 1000);
}

/** A live viewer token of this device, the linked session's first. */
function viewerToken() {
  const keys = [];
  if (boot.session_id) keys.push('siyu.viewer.' + boot.session_id);
  for (let i = 0; i < localStorage.length; i++) {
    const k = localStorage.key(i);
    if (k && k.startsWith('siyu.viewer.') && !keys.includes(k)) keys.push(k);
  }
  for (const k of keys) {
    try {
      const v = JSON.parse(localStorage.getItem(k) || 'null');
      if (v && v.token) return v.token;
    } catch { /* not ours */ }
  }
  return '';
}

async function load() {
  try {
    page = await api(`/api/v1/g/${code}`, { token });
  } catch (e) {
    if (e.status === 401 && token) {
      localStorage.removeItem(key);
      token = '';
      return load();
    }
    toast(errText(e));
    return;
  }
  if (token && page.me && !page.me.member && (boot.join_mode === 'open' || boot.invite)) {
    await join({});
    return;
  }
  render();
}

async function join(body) {
  const err = $('[data-join-error]');
  err.hidden = true;
  if (boot.invite) body.invite = boot.invite;
  if (!token) {
    const v = viewerToken();
    if (v) body.viewer_token = v;
  }
  try {
    const j = await api(`/api/v1/g/${code}/join`, { method: 'POST', body, token });
    if (j.token) {
      token = j.token;
      localStorage.setItem(key, token);
    }
    if (j.nickname) localStorage.setItem('siyu.nickname', j.nickname);
    toast(t('js.community.joined', boot.name || ''));
    await load();
  } catch (e) {
    render();
    err.textContent = e.code === 'invite_required' ? t('js.community.invite_required') : errText(e);
    err.hidden = false;
  }
}

function render() {
  const me = page.me;
  const member = !!(me && me.member);
  $('[data-member-count]').textContent = t('js.community.members', page.community.member_count);
  const meBox = $('[data-me]');
  meBox.hidden = !member;
  if (member) meBox.textContent = me.nickname;

  const joinBox = $('[data-join]');
  joinBox.hidden = member;
  const locked = page.community.join_mode === 'invite' && !boot.invite && !member;
  $('[data-join-form]').hidden = locked;
  $('[data-locked]').hidden = !locked;
  const nick = $('#gp-nick');
  if (me) {
    nick.value = me.nickname;
  } else if (!nick.value) {
    nick.value = localStorage.getItem('siyu.nickname') || '';
  }

  const teaser = $('[data-teaser]');
  const waiting = [];
  if (page.open_envelopes) waiting.push(t('js.community.teaser_envelopes', page.open_envelopes));
  if (page.open_chains) waiting.push(t('js.community.teaser_chains', page.open_chains));
  teaser.hidden = member || waiting.length === 0;
  teaser.textContent = t('js.community.teaser', waiting.join(t('js.community.and')));

  $('[data-envelopes]').hidden = !member || page.envelopes.length === 0;
  $('[data-chains]').hidden = !member || page.chains.length === 0;
  if (!member) return;
  const envList = $('[data-envelope-list]');
  envList.replaceChildren(...page.envelopes.map(envelopeCard));
  const chainList = $('[data-chain-list]');
  chainList.replaceChildren(...page.chains.map(chainCard));
}

function envelopeCard(e) {
  const mine = e.my_amount > 0;
  let state = '';
  if (mine) state = t('js.community.got', fmtYuan(e.my_amount));
  else if (e.status === 'empty') state = t('js.community.gone');
  else if (e.status === 'expired') state = t('js.community.expired');
  const open = e.status === 'open' && !mine;
  const card = el('article', { class: 'gp-env' + (open ? ' open' : ' done'), 'data-testid': 'group-envelope', 'data-id': e.id },
    el('div', { class: 'gp-env-top' },
      el('span', { class: 'gp-env-ico' }, icon('gift')),
      el('div', { class: 'gp-env-text' },
        el('b', { text: e.message }),
        el('span', { text: (e.sent_by ? e.sent_by + ' · ' : '') + t('js.community.env_kind.' + e.mode) }))),
    open
      ? el('button', { type: 'button', class: 'gp-env-grab', 'data-testid': 'group-grab', onclick: () => grab(e) }, t('js.community.grab'))
      : el('p', { class: 'gp-env-state', 'data-testid': 'group-envelope-state', text: state }));
  if (e.grabs && e.grabs.length) {
    const list = el('ol', { class: 'gp-grabs' }, ...e.grabs.map((g) => el('li', {},
      el('span', { text: g.nickname }),
      g.best ? el('em', { text: t('js.community.best') }) : null,
      el('b', { text: fmtYuan(g.amount) }))));
    card.append(el('details', { class: 'gp-env-more' },
      el('summary', { text: t('js.community.grabbed_n', e.grabbed_count, e.count) }), list));
  }
  return card;
}

async function grab(e) {
  try {
    const r = await api(`/api/v1/g/${code}/envelopes/${e.id}/grab`, { method: 'POST', token });
    showOpen(e, r.amount, '');
  } catch (err) {
    const msg = { empty: 'js.community.gone', already_grabbed: 'js.community.already', expired: 'js.community.expired' }[err.code];
    if (msg) showOpen(e, 0, t(msg));
    else toast(errText(err));
  }
  await load();
}

function showOpen(e, amount, note) {
  const layer = $('[data-layer="envelope"]');
  $('[data-open-from]').textContent = e.sent_by ? t('js.community.from', e.sent_by) : '';
  $('[data-open-msg]').textContent = e.message;
  $('[data-open-amount]').textContent = amount ? fmtYuan(amount) : '';
  $('[data-open-amount]').hidden = !amount;
  $('[data-open-note]').textContent = amount ? t('js.community.saved') : note;
  layer.hidden = false;
}

function chainCard(c) {
  const mine = (c.entries || []).find((x) => x.mine);
  const meta = [];
  if (c.template) meta.push(t('js.community.template', c.template));
  if (c.max_entries) meta.push(t('js.community.limit', c.entry_count, c.max_entries));
  if (c.deadline) meta.push(t('js.community.deadline', fmtWhen(c.deadline)));
  const lines = el('ol', { class: 'gp-lines' }, ...(c.entries || []).map((x) => el('li', { class: x.mine ? 'mine' : '', 'data-testid': 'group-chain-line' },
    el('span', { class: 'gp-seq', text: String(x.seq) }),
    el('span', { class: 'gp-line-note', text: x.note }))));
  const card = el('article', { class: 'gp-card gp-chain', 'data-testid': 'group-chain', 'data-id': c.id },
    el('div', { class: 'gp-chain-head' },
      el('h3', { text: c.title }),
      el('span', { class: 'gp-tag' + (c.status === 'open' ? ' on' : ''), text: c.status === 'open' ? (c.full ? t('js.community.full') : t('js.community.open')) : t('js.community.closed') })),
    meta.length ? el('p', { class: 'gp-small', text: meta.join(' · ') }) : null,
    c.entries && c.entries.length ? lines : el('p', { class: 'gp-small', text: t('js.community.first') }));
  if (c.status === 'open' && (mine || !c.full)) {
    const input = el('input', { class: 'pinput', type: 'text', maxlength: '100', 'data-testid': 'group-chain-input',
      placeholder: c.template || t('js.community.note_ph'), 'aria-label': t('js.community.note_ph') });
    input.value = mine ? mine.note : '';
    const form = el('form', { class: 'gp-chain-form' }, input,
      el('button', { type: 'submit', class: 'pbtn pbtn-sm', 'data-testid': 'group-chain-submit' }, mine ? t('js.community.edit') : t('js.community.sign')));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const note = input.value.trim();
      if (!note) { toast(t('js.community.note_required')); return; }
      try {
        const r = await api(`/api/v1/g/${code}/chains/${c.id}/entry`, { method: 'PUT', body: { note }, token });
        toast(t('js.community.signed', r.seq));
      } catch (err) {
        toast(err.code === 'closed' ? t('js.community.closed') : err.code === 'full' ? t('js.community.full') : errText(err));
      }
      await load();
    });
    card.append(form);
  }
  return card;
}

$('[data-join-form]').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const nickname = $('#gp-nick').value.trim();
  if (!nickname && !token) {
    const err = $('[data-join-error]');
    err.textContent = t('js.community.nick_required');
    err.hidden = false;
    return;
  }
  join({ nickname });
});
$('[data-layer="envelope"]').addEventListener('click', (ev) => {
  if (ev.target.closest('[data-close]')) $('[data-layer="envelope"]').hidden = true;
});

load();
