// Lotteries (福袋) in the room: the sheet pops up at launch with the prize, the countdown
// to the draw and the condition (关注 / 分享 buttons, the 口令 input), 参与 enters; at the
// draw it shows the winners and whether the viewer won, with the link to the prize page.
// 验证 shows the commitment published at launch and the seed revealed at the draw, and
// checks in the browser that the one hashes to the other (docs/lottery.md).

import { el, icon, t, toast } from './common.js';
import { makeSheet, every, secsLeft, clock, rtErr, tt } from './viewer-tools-ui.js';
import { verifyView } from './viewer-tools-verify.js';

const wait = (ms) => new Promise((r) => setTimeout(r, ms));

/** ctx: root, $, state, layers, call, dock, comments. Answers onEvent(m) and joined(). */
export function setupLotteries(ctx) {
  const { $, state, layers, call, dock } = ctx;
  const ui = makeSheet(ctx.root, 'lottery', { title: t('js.rt.lot.title'), testid: 'lottery-sheet', cls: 'rt-lot' });
  const lots = new Map();
  let current = 0;
  let shared = false;
  const seenKey = (id) => 'siyu.lottery.seen.' + id;

  function upsert(l) {
    const prev = lots.get(l.id) || { winners: [], entered: false, entrant_count: 0 };
    const next = { ...prev, ...l };
    lots.set(l.id, next);
    renderDock();
    // Redraw an open sheet, unless the viewer is typing the password into it.
    const typing = ui.body.querySelector('[data-testid=lottery-password]');
    if (current === l.id && !ui.layer.hidden && !(typing && typing.value)) render(next);
    return next;
  }

  function renderDock() {
    const open = [...lots.values()].filter((l) => l.status === 'open').sort((a, b) => b.id - a.id)[0];
    const drawn = [...lots.values()].filter((l) => l.status === 'drawn' && l.entered && !localStorage.getItem(seenKey(l.id))).sort((a, b) => b.id - a.id)[0];
    const l = open || drawn;
    if (!l) { dock.remove('lot'); return; }
    dock.set('lot', { kind: 'gold', icon: 'gift', testid: 'dock-lottery', title: t('js.rt.lot.title'),
      label: () => (l.status === 'open' ? clock(secsLeft(l.draw_at)) : t('js.rt.lot.drawn_short')), onClick: () => show(l.id) });
  }

  function show(id) {
    const l = lots.get(id);
    if (!l) return;
    current = id;
    render(l);
    layers.show('lottery');
    refresh(); // how many are in by now
    if (l.status === 'drawn') { localStorage.setItem(seenKey(id), '1'); renderDock(); }
  }

  function render(l) {
    const hero = el('div', { class: 'rt-lot-hero' }, el('span', { class: 'rt-lot-bag' }, icon('gift')),
      el('p', { class: 'rt-lot-prize', 'data-testid': 'lottery-prize', text: l.prize }),
      el('p', { class: 'rt-lot-meta', text: t('js.rt.lot.meta', l.winner_count, l.entrant_count || 0) }));
    const verify = el('button', { type: 'button', class: 'rt-link rt-lot-verify', 'data-testid': 'lottery-verify' }, icon('lock'), el('span', { text: t('js.rt.lot.fair') }));
    verify.addEventListener('click', () => ui.body.replaceChildren(verifyView(l, () => render(l))));
    ui.foot.hidden = true;
    if (l.status === 'drawn') {
      ui.body.replaceChildren(hero, drawnView(l), verify);
      return;
    }
    const count = el('b', { class: 'rt-lot-count', 'data-testid': 'lottery-countdown' });
    every(count, () => { const s = secsLeft(l.draw_at); count.textContent = s ? clock(s) : t('js.rt.lot.drawing'); });
    const err = el('p', { class: 'perror', role: 'alert', hidden: true });
    const conds = el('div', { class: 'rt-lot-conds' });
    let pw = null;
    if (l.entered) conds.append(el('p', { class: 'rt-lot-free' }, icon('check'), el('span', { text: t('js.rt.lot.cond.met') })));
    else if (l.condition === 'follow') conds.append(condRow('follow', state.follower, () => { $('[data-follow]').click(); render(l); }));
    else if (l.condition === 'share') conds.append(condRow('share', shared, () => { $('[data-share]').click(); shared = true; render(l); }));
    else if (l.condition === 'password') {
      pw = el('input', { class: 'pinput', type: 'text', maxlength: 32, placeholder: t('js.rt.lot.pw_ph'), 'data-testid': 'lottery-password', 'aria-label': t('js.rt.lot.pw_ph'), autocomplete: 'off' });
      conds.append(el('div', { class: 'rt-lot-pw' }, pw, el('p', { class: 'rt-hint', text: t('js.rt.lot.pw_hint') })));
    } else conds.append(el('p', { class: 'rt-lot-free' }, icon('check'), el('span', { text: t('js.rt.lot.cond.none') })));
    if (l.min_watch_minutes && !l.entered) conds.append(el('p', { class: 'rt-lot-free' }, icon('clock'), el('span', { text: t('js.rt.lot.watch', l.min_watch_minutes) })));
    const go = el('button', { type: 'button', class: 'pbtn pbtn-block rt-lot-go', 'data-testid': 'lottery-enter',
      text: l.entered ? t('js.rt.lot.entered') : t('js.rt.lot.enter'), disabled: l.entered });
    go.addEventListener('click', () => enter(l, go, pw, err));
    ui.body.replaceChildren(hero, el('div', { class: 'rt-lot-timer' }, el('span', { text: t('js.rt.lot.draw_in') }), count),
      el('h3', { class: 'rt-lot-h', text: t('js.rt.lot.how') }), conds, err, go, verify);
  }

  function condRow(kind, done, act) {
    const b = el('button', { type: 'button', class: 'pbtn pbtn-sm' + (done ? ' done' : ''), 'data-testid': 'lottery-' + kind, disabled: done },
      done ? icon('check') : null, el('span', { text: done ? t('js.rt.lot.' + kind + '_done') : t('js.rt.lot.' + kind + '_go') }));
    b.addEventListener('click', act);
    return el('div', { class: 'rt-lot-cond' }, el('span', { text: t('js.rt.lot.cond.' + kind) }), b);
  }

  async function enter(l, go, pw, err) {
    if (!state.me) { ctx.ask(); return; }
    err.hidden = true;
    const body = {};
    if (pw) {
      body.password = pw.value.trim();
      if (!body.password) { err.textContent = t('js.rt.lot.pw_required'); err.hidden = false; pw.focus(); return; }
    }
    go.disabled = true;
    for (let tries = 0; ; tries++) {
      try {
        const e = await call(`/api/v1/lotteries/${l.id}/entries`, { method: 'POST', body });
        render(upsert({ id: l.id, entered: true, entrant_count: Math.max(l.entrant_count || 0, e.position || 0) }));
        toast(t('js.rt.lot.entered_toast'));
        return;
      } catch (e) {
        // A follow or share made a moment ago may not be booked yet.
        if (e.code === 'condition_not_met' && (l.condition === 'follow' || l.condition === 'share') && tries < 3) { await wait(700); continue; }
        go.disabled = false;
        err.textContent = e.code === 'condition_not_met' ? (l.min_watch_minutes && /watch/.test(e.message) ? t('js.rt.lot.watch', l.min_watch_minutes)
          : tt('js.rt.lot.not_met.' + (l.condition || 'none')) || rtErr(e)) : rtErr(e);
        err.hidden = false;
        return;
      }
    }
  }

  function drawnView(l) {
    const me = state.me && state.me.viewer_id;
    const won = l.winners.some((w) => w.viewer_id === me);
    const box = el('div', { class: 'rt-lot-result' + (won ? ' won' : ''), 'data-testid': 'lottery-result', 'data-won': won ? '1' : '0' });
    if (won) {
      box.append(el('p', { class: 'rt-lot-big', text: t('js.rt.lot.won') }), el('p', { class: 'muted', text: t('js.rt.lot.won_text') }));
      const link = el('a', { class: 'pbtn pbtn-block', 'data-testid': 'lottery-prize-link', href: l.my_prize_id ? '/live/prizes/' + l.my_prize_id : '#', text: t('js.rt.lot.claim') });
      if (!l.my_prize_id) findPrize(l).then((id) => { if (id) link.href = '/live/prizes/' + id; });
      box.append(link);
    } else {
      box.append(el('p', { class: 'rt-lot-big', text: l.entered ? t('js.rt.lot.lost') : t('js.rt.lot.drawn') }),
        el('p', { class: 'muted', text: l.entered ? t('js.rt.lot.lost_text') : t('js.rt.lot.drawn_text') }));
    }
    box.append(el('h3', { class: 'rt-lot-h', text: t('js.rt.lot.winners', l.winners.length) }),
      l.winners.length ? el('ol', { class: 'rt-winners' }, ...l.winners.map((w) => el('li', { 'data-testid': 'lottery-winner', class: w.viewer_id === me ? 'me' : '' },
        el('span', { class: 'rt-grab-av', text: (w.nickname || '?').slice(0, 1) }), el('span', { text: w.nickname || t('js.someone') }))))
        : el('p', { class: 'muted', text: t('js.rt.lot.nobody') }));
    return box;
  }

  async function findPrize(l) {
    try {
      const r = await call('/api/v1/viewer/prizes');
      const p = (r.items || []).find((x) => x.lottery_id === l.id);
      if (p) l.my_prize_id = p.id;
      return p ? p.id : 0;
    } catch { return 0; }
  }

  function onEvent(m) {
    switch (m.type) {
      case 'lottery': {
        const l = upsert({ id: m.id, prize: m.prize, winner_count: m.winners, draw_at: m.draw_at, commitment: m.commitment,
          condition: m.condition, min_watch_minutes: m.min_watch_minutes || 0, status: 'open', algorithm: 'siyu-lottery-v1' });
        ctx.comments.system('', t('js.rt.lot.launched', l.prize), 'dm-rp');
        if (!layers.open) show(l.id);
        return true;
      }
      case 'lottery_drawn': {
        const l = upsert({ id: m.id, prize: m.prize, winners: m.winners || [], seed: m.seed, status: 'drawn', drawn_at: new Date().toISOString() });
        ctx.comments.system('', l.winners.length ? t('js.rt.lot.announce', l.winners.map((w) => w.nickname).join('、'), l.prize) : t('js.rt.lot.announce_none', l.prize), 'dm-rp');
        if (l.entered && (!layers.open || layers.open === 'lottery')) show(l.id);
        else refresh();
        return true;
      }
      case 'lottery_won':
        upsert({ id: m.id, my_prize_id: m.prize_id });
        return true;
    }
    return false;
  }

  // refresh reads the session's lotteries back: entrant counts, what the viewer entered,
  // the draws they missed while away.
  async function refresh() {
    if (!state.me) return;
    try {
      const r = await call('/api/v1/viewer/lotteries');
      (r.items || []).reverse().forEach((l) => upsert(l));
    } catch { /* the dock fills from events */ }
  }

  return { onEvent, joined: refresh };
}
