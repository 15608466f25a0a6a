// Red envelopes (红包) in the room: the envelope pops up the moment the host sends one
// (with its condition), a tap on 開 grabs a share and shows the amount, 手慢了 when it
// is gone, or what the viewer already got; "看看大家的手气" lists every grab with the
// best luck marked. Open envelopes wait in the dock for whoever closed the pop-up or
// joined late.

import { el, icon, t, initial, fmtSoon } from './common.js';
import { makePopup, price, rtErr, fill, tt } from './viewer-tools-ui.js';

const wait = (ms) => new Promise((r) => setTimeout(r, ms));

/** ctx: root, $, boot, state, layers, call, dock. Answers onEvent(m) and joined(). */
export function setupEnvelopes(ctx) {
  const { $, boot, state, layers, call, dock } = ctx;
  const pop = makePopup(ctx.root, 'envelope', { testid: 'envelope-popup', cls: 'rt-rp', label: t('js.rt.rp.title') });
  const envs = new Map(); // id → envelope: {id,total,count,mode,message,condition,expires_at,status,mine}
  let showing = 0;

  const host = () => state.session.host_name || boot.host_name || '';
  const open = () => [...envs.values()].filter((e) => e.status === 'open' && !e.mine && new Date(e.expires_at) > new Date());

  function renderDock() {
    const list = open();
    if (!list.length) { dock.remove('rp'); return; }
    dock.set('rp', { kind: 'red', icon: 'rt-envelope', label: t('js.rt.rp.dock'), badge: list.length > 1 ? list.length : 0,
      testid: 'dock-envelope', onClick: () => show(list[0].id) });
  }

  function add(e, popup) {
    const prev = envs.get(e.id) || {};
    envs.set(e.id, { ...prev, ...e, status: e.status || prev.status || 'open', mine: e.my_amount || prev.mine || 0 });
    renderDock();
    // Pop up at once unless the viewer is busy in a sheet (buying, typing a nickname).
    if (popup && (!layers.open || layers.open === 'envelope')) show(e.id);
  }

  // ---------- the pop-up ----------

  function frame(e, ...body) {
    pop.box.dataset.envelope = e.id;
    fill(pop.box, el('div', { class: 'rt-rp-top' },
      el('span', { class: 'rt-rp-avatar', text: initial(host()) }), el('p', { class: 'rt-rp-from', text: t('js.rt.rp.from', host()) }),
      el('p', { class: 'rt-rp-msg', text: e.message || t('js.rt.rp.default_msg') })), ...body);
  }

  function show(id) {
    const e = envs.get(id);
    if (!e) return;
    showing = id;
    if (e.mine) { result(e, 'won', e.mine); layers.show('envelope'); return; }
    if (e.status !== 'open') { result(e, e.status === 'expired' ? 'expired' : 'empty'); layers.show('envelope'); return; }
    pop.box.classList.remove('opened', 'list');
    const cond = e.condition && e.condition !== 'none';
    const label = cond && e.condition === 'follow' && !state.follower ? t('js.rt.rp.follow_grab') : t('js.rt.rp.open');
    const btn = el('button', { type: 'button', class: 'rt-rp-open', 'data-testid': 'envelope-open', 'aria-label': label }, el('span', { text: t('js.rt.rp.open_char') }));
    btn.addEventListener('click', () => grab(e, btn));
    frame(e, btn, el('p', { class: 'rt-rp-hint', text: label }),
      cond ? el('p', { class: 'rt-rp-cond', 'data-testid': 'envelope-condition' }, icon('lock'), el('span', { text: tt('js.rt.rp.cond.' + e.condition) || e.condition })) : null,
      el('p', { class: 'rt-rp-kind', text: (e.mode === 'random' ? t('js.rt.rp.random') : t('js.rt.rp.fixed')) + ' · ' + t('js.rt.rp.count', e.count) }));
    layers.show('envelope');
  }

  async function grab(e, btn) {
    if (!state.me) { ctx.ask(); return; }
    btn.disabled = true;
    btn.classList.add('spin');
    if (e.condition === 'follow' && !state.follower) { $('[data-follow]').click(); await wait(600); }
    if (e.condition === 'share') { $('[data-share]').click(); await wait(600); }
    let tries = 0;
    for (;;) {
      try {
        const r = await call(`/api/v1/red-envelopes/${e.id}/grab`, { method: 'POST' });
        e.mine = r.amount;
        await wait(350); // let the coin turn once
        result(e, 'won', r.amount);
        break;
      } catch (err) {
        // A follow or share made a moment ago may not be booked yet: try again briefly.
        if (err.code === 'condition_not_met' && e.condition !== 'none' && ++tries < 4) { await wait(700); continue; }
        if (err.code === 'already_grabbed') {
          const v = await call(`/api/v1/viewer/red-envelopes/${e.id}`).catch(() => ({}));
          e.mine = v.my_amount || 0;
          result(e, 'already', e.mine);
        } else if (err.code === 'empty' || err.code === 'expired') {
          e.status = err.code;
          result(e, err.code);
        } else {
          result(e, 'error', 0, rtErr(err));
        }
        break;
      }
    }
    renderDock();
  }

  function result(e, kind, amount = 0, msg = '') {
    const more = el('button', { type: 'button', class: 'rt-rp-more', 'data-testid': 'envelope-list-open' }, el('span', { text: t('js.rt.rp.luck') }), icon('arrow'));
    more.addEventListener('click', () => grabs(e));
    const body = el('div', { class: 'rt-rp-result', 'data-testid': 'envelope-result', 'data-result': kind });
    if (kind === 'won' || (kind === 'already' && amount)) {
      body.append(el('p', { class: 'rt-rp-amount', 'data-testid': 'envelope-amount', 'data-fen': amount }, price(amount, 'rt-price')),
        el('p', { class: 'rt-rp-note', text: kind === 'won' ? t('js.rt.rp.won') : t('js.rt.rp.already') }));
    } else {
      body.append(el('p', { class: 'rt-rp-sad', text: msg || t('js.rt.rp.' + kind) }));
    }
    frame(e, body, kind === 'error' ? null : more);
    pop.box.classList.add('opened');
  }

  async function grabs(e) {
    let v;
    try { v = await call(`/api/v1/viewer/red-envelopes/${e.id}`); } catch (err) { return; }
    const done = v.status !== 'open';
    const best = done && v.mode === 'random' && v.grabs.length > 1 ? Math.max(...v.grabs.map((g) => g.amount)) : -1;
    const back = el('button', { type: 'button', class: 'rt-rp-more', 'data-testid': 'envelope-back' }, el('span', { text: t('js.rt.rp.back') }));
    back.addEventListener('click', () => { pop.box.classList.remove('list'); show(e.id); });
    pop.box.classList.add('list');
    fill(pop.box,
      el('div', { class: 'rt-rp-top slim' }, el('p', { class: 'rt-rp-from', text: t('js.rt.rp.from', host()) }),
        v.my_amount ? el('p', { class: 'rt-rp-amount' }, price(v.my_amount, 'rt-price')) : null),
      el('p', { class: 'rt-rp-stat', text: t('js.rt.rp.stat', v.grabbed_count, v.count, fmt(v.grabbed), fmt(v.total)) }),
      el('ol', { class: 'rt-grabs', 'data-testid': 'envelope-grabs' }, ...v.grabs.map((g) => el('li', { 'data-testid': 'envelope-grab', 'data-fen': g.amount, class: g.viewer_id === (state.me && state.me.viewer_id) ? 'me' : '' },
        el('span', { class: 'rt-grab-av', text: initial(g.nickname) }),
        el('div', { class: 'min0' }, el('b', { text: g.nickname || t('js.someone') }), el('time', { datetime: g.grabbed_at, text: fmtSoon(g.grabbed_at) })),
        el('div', { class: 'rt-grab-amt' }, el('span', { text: fmt(g.amount) }), g.amount === best ? el('em', { 'data-testid': 'envelope-best' }, icon('star'), document.createTextNode(t('js.rt.rp.best'))) : null)))),
      back);
  }

  layers.onClose.envelope = () => { pop.box.classList.remove('opened', 'list'); showing = 0; };

  function onEvent(m) {
    switch (m.type) {
      case 'red_envelope':
        add({ id: m.id, total: m.total, count: m.count, mode: m.mode, message: m.message, condition: m.condition, expires_at: m.expires_at }, true);
        ctx.comments.system(host(), t('js.rt.rp.sent'), 'dm-rp');
        return true;
      case 'red_envelope_empty': {
        const e = envs.get(m.id);
        if (e) e.status = 'empty';
        renderDock();
        // Someone still looking at the closed envelope learns it is gone.
        if (e && showing === m.id && !e.mine && !pop.box.classList.contains('opened') && !pop.box.querySelector('.spin')) result(e, 'empty');
        return true;
      }
    }
    return false;
  }

  async function joined() {
    try {
      const r = await call('/api/v1/viewer/red-envelopes');
      (r.items || []).forEach((e) => add(e, false));
    } catch { /* the dock fills from events */ }
  }

  return { onEvent, joined };
}

function fmt(fen) {
  return '¥' + (fen % 100 === 0 ? fen / 100 : (fen / 100).toFixed(2));
}
