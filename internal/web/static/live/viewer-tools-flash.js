// Flash sales (秒杀) in the room: a card above the comments with the countdown to the
// start, then the price against the original, how much is gone (sold/stock) and the
// buy button; sold out it offers 加入候补 and shows the viewer's place in the waitlist.
// When returned stock is reserved for a waiting viewer (flash_sale_claim) a notice
// with 去支付 appears. Buying makes an unpaid order that is paid like any other.

import { el, icon, t, toast } from './common.js';
import { price, thumb, every, secsLeft, clock, rtErr, actionCard } from './viewer-tools-ui.js';

/** ctx: state, call, stack, checkout, ask, openOrders. Answers onEvent(m) and joined(). */
export function setupFlashSales(ctx) {
  const { call, stack, checkout } = ctx;
  const sales = new Map();

  function upsert(s) {
    const prev = sales.get(s.id) || { my_quantity: 0, my_waitlist_position: 0 };
    const next = { ...prev, ...s };
    sales.set(s.id, next);
    render(next);
    return next;
  }

  function render(s) {
    const key = 'flash-' + s.id;
    if (s.status === 'ended') {
      const old = stack.get(key);
      if (old) { old.classList.add('ended'); setTimeout(() => { if (sales.get(s.id).status === 'ended') stack.remove(key); }, 4000); }
      return;
    }
    const stock = Math.max(1, s.stock || 0);
    const pct = Math.min(100, Math.round(((s.sold || 0) / stock) * 100));
    const when = el('span', { class: 'rt-flash-when', 'data-testid': 'flash-countdown' });
    const btn = el('button', { type: 'button', class: 'rt-flash-btn', 'data-testid': 'flash-buy' });
    const bar = el('i', { class: 'rt-flash-fill' });
    bar.style.width = pct + '%';
    const card = el('div', { class: 'rt-card rt-flash', 'data-testid': 'flash-card', 'data-sale-id': s.id, 'data-status': s.status },
      el('div', { class: 'rt-flash-top' }, el('b', {}, icon('zap'), document.createTextNode(t('js.rt.fs.tag'))), when),
      el('div', { class: 'rt-flash-body' }, thumb(s.product_name, s.image, 'rt-thumb'),
        el('div', { class: 'min0 rt-flash-main' }, el('p', { class: 'rt-pin-name', text: s.product_name }),
          el('div', { class: 'rt-flash-prices' }, price(s.price, 'rt-price'), s.original_price > s.price ? el('s', { text: fmt(s.original_price) }) : null),
          el('div', { class: 'rt-flash-bar', role: 'progressbar', 'aria-valuemin': '0', 'aria-valuemax': '100', 'aria-valuenow': String(pct) }, el('i', { class: 'rt-flash-track' }, bar),
            el('span', { 'data-testid': 'flash-progress', text: s.status !== 'sold_out' ? t('js.rt.fs.sold_pct', pct)
              : s.my_quantity || s.my_waitlist_position ? t('js.rt.fs.sold_out') : t('js.rt.fs.gone_all') }))),
        btn));
    every(when, () => {
      const st = view(s);
      when.textContent = st === 'scheduled' ? t('js.rt.fs.starts_in', clock(secsLeft(s.starts_at)))
        : st === 'running' ? (s.ends_at ? t('js.rt.fs.ends_in', clock(secsLeft(s.ends_at))) : t('js.rt.fs.left', s.stock_left))
          : t('js.rt.fs.sold_out');
      button(s, btn, st);
    });
    btn.addEventListener('click', () => act(s, btn));
    stack.set(key, card, 20);
  }

  // A scheduled sale whose start has passed shows as running until the event says so.
  const view = (s) => (s.status === 'scheduled' && secsLeft(s.starts_at) === 0 ? 'running' : s.status);

  function button(s, btn, st) {
    const limit = s.per_user_limit || 0;
    let text; let dis = false; let kind = st;
    if (st === 'scheduled') { text = t('js.rt.fs.soon'); dis = true; }
    else if (limit && s.my_quantity >= limit) { text = t('js.rt.fs.got'); kind = 'got'; }
    else if (st === 'running') text = t('js.rt.fs.buy');
    else if (s.my_waitlist_position) { text = t('js.rt.fs.waiting', s.my_waitlist_position); kind = 'waiting'; }
    else text = t('js.rt.fs.join_wait');
    if (btn.textContent !== text) btn.textContent = text;
    btn.disabled = dis || btn.dataset.busy === '1';
    btn.dataset.kind = kind;
  }

  async function act(s, btn) {
    if (!ctx.state.me) { ctx.ask(); return; }
    const kind = btn.dataset.kind;
    if (kind === 'got') { ctx.openOrders(); return; }
    btn.disabled = true;
    btn.dataset.busy = '1';
    try {
      if (kind === 'running') {
        const r = await call(`/api/v1/flash-sales/${s.id}/orders`, { method: 'POST', body: { quantity: 1 } });
        upsert({ id: s.id, my_quantity: (s.my_quantity || 0) + (r.quantity || 1) });
        checkout.payOrder(r.order_id);
      } else if (kind === 'waiting') {
        await call(`/api/v1/flash-sales/${s.id}/waitlist`, { method: 'DELETE' });
        upsert({ id: s.id, my_waitlist_position: 0 });
        toast(t('js.rt.fs.wait_left'));
      } else {
        const r = await call(`/api/v1/flash-sales/${s.id}/waitlist`, { method: 'POST', body: {} });
        upsert({ id: s.id, my_waitlist_position: r.position });
        toast(t('js.rt.fs.wait_joined', r.position));
      }
    } catch (e) {
      btn.dataset.busy = '';
      btn.disabled = false;
      if (e.code === 'sold_out') upsert({ id: s.id, status: 'sold_out', stock_left: 0 });
      else if (e.code === 'not_sold_out') upsert({ id: s.id, status: 'running' });
      toast(e.code === 'limit_reached' ? t('js.rt.fs.limit', s.per_user_limit) : rtErr(e));
    }
  }

  function onEvent(m) {
    switch (m.type) {
      case 'flash_sale':
        if (m.sale) upsert(m.sale);
        return true;
      case 'flash_sale_claim': {
        const s = sales.get(m.sale_id);
        if (s) upsert({ id: s.id, my_waitlist_position: 0, my_quantity: (s.my_quantity || 0) + (m.quantity || 1) });
        stack.set('claim-' + m.order_id, actionCard({ kind: 'deal', testid: 'flash-claim', title: t('js.rt.fs.claim_title'),
          text: t('js.rt.fs.claim_text', s ? s.product_name : '', m.quantity || 1), action: t('js.rt.confirm.pay'),
          onAction: (c) => { c.remove(); checkout.payOrder(m.order_id); } }), 5);
        return true;
      }
    }
    return false;
  }

  async function joined() {
    let items;
    try { items = (await call('/api/v1/viewer/flash-sales')).items || []; } catch { return; }
    for (const s of items) {
      upsert(s);
      call(`/api/v1/viewer/flash-sales/${s.id}`).then(upsert).catch(() => {});
    }
  }

  return { onEvent, joined };
}

function fmt(fen) {
  return '¥' + (fen % 100 === 0 ? fen / 100 : (fen / 100).toFixed(2));
}
