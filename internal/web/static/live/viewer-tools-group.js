// Group buys (拼团) in the room: the 拼团 sheet shows the group price against buying
// alone, 发起拼团 to lead a group, the groups forming now with how many are missing and
// their countdown (去参团), and the viewer's own group: members (paid or not), the time
// left, an invite link and how it ended (成团 / 未成团, refunded).

import { el, t, toast, copyText, initial } from './common.js';
import { makeSheet, price, thumb, every, secsLeft, clock, rtErr, shareLink } from './viewer-tools-ui.js';

/** ctx: root, boot, state, layers, call, dock, checkout, comments, ask. Answers onEvent(m), joined(). */
export function setupGroupBuys(ctx) {
  const { boot, layers, call, dock, checkout } = ctx;
  const ui = makeSheet(ctx.root, 'group', { title: t('js.rt.gb.title'), testid: 'group-sheet', cls: 'rt-gb' });
  const buys = new Map();
  let current = 0;
  const orderKey = (gid) => 'siyu.group.order.' + gid;

  function upsert(g) {
    buys.set(g.id, { ...(buys.get(g.id) || {}), ...g });
    const open = [...buys.values()].filter((b) => b.status === 'open').sort((a, b) => b.id - a.id)[0];
    if (open) dock.set('gb', { kind: 'orange', icon: 'users', label: t('js.rt.gb.dock', open.group_size), testid: 'dock-group', onClick: () => show(open.id) });
    else dock.remove('gb');
  }

  async function show(id) {
    current = id;
    if (ctx.state.me) {
      try { upsert(await call(`/api/v1/viewer/group-buys/${id}`)); } catch (e) { if (!buys.has(id)) { toast(rtErr(e)); return; } }
    }
    render(buys.get(id));
    layers.show('group');
  }

  function render(g) {
    const me = ctx.state.me && ctx.state.me.viewer_id;
    const head = el('div', { class: 'rt-buy-head' }, thumb(g.product_name, g.image, 'rt-thumb rt-thumb-lg'),
      el('div', { class: 'min0' }, el('span', { class: 'rt-tag', text: t('js.rt.gb.size', g.group_size) }), el('p', { class: 'rt-buy-name', text: g.product_name }),
        el('div', { class: 'rt-flash-prices' }, price(g.price, 'rt-price rt-price-lg'), g.original_price > g.price ? el('s', { text: t('js.rt.gb.alone', fmt(g.original_price)) }) : null)));
    const parts = [head];
    if (g.status !== 'open' && !g.my_group) parts.push(el('p', { class: 'empty-note', text: t('js.rt.gb.closed') }));
    const mine = g.my_group;
    if (mine) parts.push(groupPanel(g, mine, me));
    else if (g.status === 'open') {
      const start = el('button', { type: 'button', class: 'pbtn pbtn-block', 'data-testid': 'group-start', text: t('js.rt.gb.start', fmt(g.price)) });
      start.addEventListener('click', () => act(start, `/api/v1/group-buys/${g.id}/groups`));
      parts.push(start);
      const forming = (g.forming || []).filter((x) => x.status === 'forming');
      if (forming.length) {
        parts.push(el('h3', { class: 'rt-lot-h', text: t('js.rt.gb.forming', forming.length) }));
        parts.push(el('div', { class: 'rt-groups' }, ...forming.map((x) => {
          const left = el('span', { class: 'muted' });
          every(left, () => { left.textContent = t('js.rt.gb.missing', x.size - x.paid_count, clock(secsLeft(x.expires_at))); });
          const join = el('button', { type: 'button', class: 'pbtn pbtn-sm', 'data-testid': 'group-join', text: t('js.rt.gb.join') });
          join.addEventListener('click', () => act(join, `/api/v1/group-buy-groups/${x.id}/join`));
          return el('div', { class: 'rt-group', 'data-testid': 'group-forming' }, el('span', { class: 'rt-grab-av', text: initial(x.leader_nickname) }),
            el('div', { class: 'min0' }, el('b', { text: t('js.rt.gb.whose', x.leader_nickname) }), left), join);
        })));
      }
    }
    ui.body.replaceChildren(...parts);
  }

  function groupPanel(g, grp, me) {
    const slots = [];
    for (let i = 0; i < grp.size; i++) {
      const m = grp.members[i];
      slots.push(el('span', { class: 'rt-slot' + (m ? (m.paid ? ' paid' : ' unpaid') : ''), title: m ? m.nickname : '' },
        m ? initial(m.nickname) : '?', i === 0 && m ? el('em', { text: t('js.rt.gb.leader') }) : null));
    }
    const status = el('p', { class: 'rt-gb-status', 'data-testid': 'group-status', 'data-status': grp.status });
    every(status, () => {
      status.textContent = grp.status === 'forming' ? t('js.rt.gb.need', Math.max(0, grp.size - grp.paid_count), clock(secsLeft(grp.expires_at)))
        : t('js.rt.gb.st.' + grp.status);
    });
    const box = el('div', { class: 'rt-gb-mine', 'data-testid': 'group-mine' }, el('h3', { class: 'rt-lot-h', text: t('js.rt.gb.mine') }), el('div', { class: 'rt-slots' }, ...slots), status);
    const meM = grp.members.find((m) => m.viewer_id === me);
    if (grp.status === 'forming' && meM && !meM.paid) {
      const oid = g.my_order_id || Number(localStorage.getItem(orderKey(grp.id)) || 0);
      const pay = el('button', { type: 'button', class: 'pbtn pbtn-block', 'data-testid': 'group-pay', text: t('js.rt.confirm.pay') });
      pay.addEventListener('click', () => (oid ? checkout.payOrder(oid) : ctx.openOrders()));
      box.append(pay);
    }
    if (grp.status === 'forming') {
      const inv = el('button', { type: 'button', class: 'pbtn pbtn-block pbtn-light', 'data-testid': 'group-invite', text: t('js.rt.gb.invite') });
      inv.addEventListener('click', async () => toast((await copyText(shareLink(boot))) ? t('js.rt.gb.invited') : shareLink(boot), 3500));
      box.append(inv);
    }
    return box;
  }

  async function act(btn, path) {
    if (!ctx.state.me) { ctx.ask(); return; }
    btn.disabled = true;
    try {
      const r = await call(path, { method: 'POST', body: {} });
      localStorage.setItem(orderKey(r.group.id), String(r.order_id));
      const g = buys.get(current);
      if (g) { g.my_group = r.group; render(g); }
      checkout.payOrder(r.order_id);
    } catch (e) {
      btn.disabled = false;
      toast(rtErr(e));
    }
  }

  function onEvent(m) {
    switch (m.type) {
      case 'group_buy':
        if (!m.group_buy) return true;
        if (!buys.has(m.group_buy.id) && m.group_buy.status === 'open') ctx.comments.system('', t('js.rt.gb.launched', m.group_buy.product_name), 'dm-rp');
        upsert(m.group_buy);
        if (current === m.group_buy.id && !ui.layer.hidden) render(buys.get(current));
        return true;
      case 'group_buy_group': {
        const grp = m.group;
        if (!grp) return true;
        const g = buys.get(grp.group_buy_id);
        if (g) { g.my_group = grp; if (current === g.id && !ui.layer.hidden) render(g); }
        if (grp.status === 'succeeded') toast(t('js.rt.gb.st.succeeded'));
        if (grp.status === 'failed') toast(t('js.rt.gb.st.failed'));
        return true;
      }
    }
    return false;
  }

  async function joined() {
    try { ((await call('/api/v1/viewer/group-buys')).items || []).forEach(upsert); } catch { /* from events */ }
  }

  return { onEvent, joined };
}

function fmt(fen) {
  return '¥' + (fen % 100 === 0 ? fen / 100 : (fen / 100).toFixed(2));
}
