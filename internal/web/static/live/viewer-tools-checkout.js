// Checkout in the room: the buy sheet for a showcase product (SKU, quantity, delivery
// address for physical goods, the best coupon) and the confirm sheet for an order a
// tool already made (flash sale, group buy, assist, comment-to-buy). Both end on the
// payment provider's page (the sandbox cashier); the order is remembered so the room
// shows how the payment went when the buyer comes back.

import { el, icon, t, toast } from './common.js';
import { makeSheet, makePopup, price, thumb, rtErr, tt, fill } from './viewer-tools-ui.js';
import { addressForm } from './viewer-tools-address.js';

const MAX_QTY = 999;

/**
 * ctx: root, sid, state, layers, call (viewer API), ask (nickname), openOrders().
 * Answers buyProduct(card), payOrder(id), resume() and coupons (set by the coupon tool).
 */
export function setupCheckout(ctx) {
  const { root, sid, layers, call } = ctx;
  const ui = makeSheet(root, 'buy', { title: t('js.rt.buy.title'), testid: 'buy-sheet', cls: 'rt-buy' });
  const result = makePopup(root, 'order-result', { testid: 'order-result', cls: 'rt-result', label: t('js.rt.order.result') });
  const payingKey = 'siyu.paying.' + sid;
  const api = { coupons: null }; // coupons: async (subtotal, productId) => [claims], set by viewer-tools-coupon.js

  let form = null; // the address form of the open sheet

  function head(name, image, priceFen, sub) {
    return el('div', { class: 'rt-buy-head' }, thumb(name, image, 'rt-thumb rt-thumb-lg'),
      el('div', { class: 'min0' }, price(priceFen, 'rt-price rt-price-lg'), el('p', { class: 'rt-buy-name', text: name }),
        sub ? el('p', { class: 'rt-buy-sub', text: sub }) : null));
  }

  function footer(totalFen, label, testid, onGo) {
    const total = el('span', { class: 'rt-total' }, el('span', { text: t('js.rt.buy.total') }), price(totalFen, 'rt-price'));
    const go = el('button', { type: 'button', class: 'pbtn rt-go', 'data-testid': testid, text: label });
    go.addEventListener('click', () => onGo(go));
    ui.foot.replaceChildren(total, go);
    ui.foot.hidden = false;
    return { total, go, setTotal: (f) => total.lastChild.replaceWith(price(f, 'rt-price')) };
  }

  // ---------- a showcase product ----------

  async function buyProduct(card, opts = {}) {
    if (!ctx.state.me) { ctx.ask(); return; }
    const skus = (card.skus || []).length ? card.skus : [{ id: 0, name: '', price: card.price, stock_left: card.stock_left }];
    let sku = skus.find((k) => k.id === opts.skuId && k.stock_left > 0) || skus.find((k) => k.stock_left > 0) || skus[0];
    let qty = 1;
    let coupon = null;
    let claims = [];
    ui.title.textContent = t('js.rt.buy.title');
    const top = el('div');
    const skuBox = el('div', { class: 'rt-skus', role: 'radiogroup', 'aria-label': t('js.rt.buy.sku') });
    const qtyVal = el('output', { class: 'rt-qty-val', 'data-testid': 'buy-qty', text: '1' });
    const minus = el('button', { type: 'button', class: 'rt-qty-btn', 'aria-label': t('js.rt.buy.less'), text: '−' });
    const plus = el('button', { type: 'button', class: 'rt-qty-btn', 'aria-label': t('js.rt.buy.more'), 'data-testid': 'buy-more' }, icon('plus'));
    const couponRow = el('button', { type: 'button', class: 'rt-row rt-coupon-row', 'data-testid': 'buy-coupon', hidden: true });
    const couponList = el('div', { class: 'rt-coupon-pick', hidden: true });
    const err = el('p', { class: 'perror', role: 'alert', hidden: true });
    form = card.virtual ? null : addressForm();
    fill(ui.body, top,
      skus.length > 1 || skus[0].name ? el('div', { class: 'rt-sec' }, el('h3', { text: t('js.rt.buy.sku') }), skuBox) : null,
      el('div', { class: 'rt-sec rt-row' }, el('h3', { text: t('js.rt.buy.qty') }), el('div', { class: 'rt-qty' }, minus, qtyVal, plus)),
      couponRow, couponList,
      form ? el('div', { class: 'rt-sec' }, el('h3', { text: t('js.rt.addr.title') }), form.node) : el('p', { class: 'rt-virtual', text: t('js.rt.buy.virtual') }),
      err);
    const bar = footer(0, t('js.rt.buy.submit'), 'buy-submit', submit);

    const subtotal = () => sku.price * qty;
    function render() {
      top.replaceChildren(head(card.name, card.image, sku.price,
        (sku.name ? sku.name + ' · ' : '') + t('js.rt.buy.stock', sku.stock_left)));
      skuBox.replaceChildren(...skus.map((k) => {
        const b = el('button', { type: 'button', role: 'radio', class: 'rt-chip' + (k === sku ? ' on' : ''), 'aria-checked': k === sku ? 'true' : 'false',
          'data-testid': 'buy-sku', 'data-sku-id': k.id, text: k.name || t('js.rt.buy.default_sku'), disabled: k.stock_left <= 0 });
        b.addEventListener('click', () => { sku = k; qty = Math.min(qty, Math.max(1, k.stock_left)); render(); });
        return b;
      }));
      qtyVal.textContent = String(qty);
      minus.disabled = qty <= 1;
      plus.disabled = qty >= Math.min(MAX_QTY, sku.stock_left);
      const usable = claims.filter((c) => c.min_spend <= subtotal());
      if (coupon && !usable.includes(coupon)) coupon = null;
      couponRow.hidden = !claims.length;
      couponRow.replaceChildren(el('span', { text: t('js.rt.buy.coupon') }),
        el('span', { class: 'rt-row-val' + (coupon ? ' rt-red' : '') , text: coupon ? '-' + fmt(coupon.discount) : usable.length ? t('js.rt.buy.coupon_n', usable.length) : t('js.rt.buy.coupon_none') }),
        icon('arrow', 'icon rt-chev'));
      couponList.replaceChildren(...[null, ...usable].map((c) => {
        const b = el('button', { type: 'button', class: 'rt-pick' + (c === coupon ? ' on' : ''), 'data-testid': 'coupon-pick',
          text: c ? c.name + ' · -' + fmt(c.discount) : t('js.rt.buy.coupon_skip') });
        b.addEventListener('click', () => { coupon = c; couponList.hidden = true; render(); });
        return b;
      }));
      bar.setTotal(Math.max(1, subtotal() - (coupon ? coupon.discount : 0)));
      bar.go.disabled = sku.stock_left <= 0;
      if (sku.stock_left <= 0) bar.go.textContent = t('js.rt.sold_out');
      else bar.go.textContent = t('js.rt.buy.submit');
    }
    minus.addEventListener('click', () => { if (qty > 1) { qty--; render(); } });
    plus.addEventListener('click', () => { if (qty < Math.min(MAX_QTY, sku.stock_left)) { qty++; render(); } });
    couponRow.addEventListener('click', () => { couponList.hidden = !couponList.hidden; });
    render();
    layers.show('buy');
    if (api.coupons) {
      claims = await api.coupons(card.id).catch(() => []);
      if (claims.length) {
        coupon = claims.filter((c) => c.min_spend <= subtotal()).sort((a, b) => b.discount - a.discount)[0] || null;
        render();
      }
    }

    async function submit(go) {
      err.hidden = true;
      const address = form ? form.value() : undefined;
      if (form && !address) return;
      go.disabled = true;
      const body = { lines: [{ product_id: card.id, quantity: qty }] };
      if (sku.id) body.lines[0].sku_id = sku.id;
      if (address) body.address = address;
      if (coupon) body.coupon_claim_id = coupon.id;
      try {
        const order = await call(`/api/v1/sessions/${sid}/orders`, { method: 'POST', body });
        if (form) form.remember();
        await pay(order.id);
      } catch (e) {
        go.disabled = false;
        if (!(form && form.showError(e))) { err.textContent = rtErr(e); err.hidden = false; }
        if (e.code === 'sold_out') { sku.stock_left = 0; render(); }
      }
    }
  }

  // ---------- an order a tool made ----------

  async function payOrder(id) {
    if (!ctx.state.me) { ctx.ask(); return; }
    let o;
    try { o = await call(`/api/v1/viewer/orders/${id}`); } catch (e) { toast(rtErr(e)); return; }
    if (o.status !== 'created') { showResult(o); return; }
    ui.title.textContent = t('js.rt.confirm.title');
    const needs = o.needs_address && !o.address;
    form = needs ? addressForm() : null;
    const err = el('p', { class: 'perror', role: 'alert', hidden: true });
    fill(ui.body,
      ...o.lines.map((l) => el('div', { class: 'rt-line' }, thumb(l.name, l.image, 'rt-thumb'),
        el('div', { class: 'min0' }, el('b', { text: l.name }), el('span', { class: 'muted', text: [l.sku_name, '×' + l.quantity].filter(Boolean).join(' ') })),
        price(l.amount))),
      o.discount ? el('div', { class: 'rt-row' }, el('span', { text: t('js.rt.buy.coupon') }), el('span', { class: 'rt-red', text: '-' + fmt(o.discount) })) : null,
      o.address ? el('div', { class: 'rt-sec rt-addr-done' }, icon('store'), el('span', { text: addrLine(o.address) })) : null,
      form ? el('div', { class: 'rt-sec' }, el('h3', { text: t('js.rt.addr.title') }), form.node) : null,
      o.expires_at ? el('p', { class: 'rt-hint', text: t('js.rt.confirm.expires', new Date(o.expires_at).toTimeString().slice(0, 5)) }) : null,
      err);
    footer(o.total, t('js.rt.confirm.pay'), 'confirm-pay', async (go) => {
      err.hidden = true;
      const address = form ? form.value() : null;
      if (form && !address) return;
      go.disabled = true;
      try {
        if (address) {
          await call(`/api/v1/viewer/orders/${id}/address`, { method: 'PUT', body: address });
          form.remember();
        }
        await pay(id);
      } catch (e) {
        go.disabled = false;
        if (!(form && form.showError(e))) { err.textContent = rtErr(e); err.hidden = false; }
      }
    });
    layers.show('buy');
  }

  async function pay(orderId) {
    const res = await call(`/api/v1/viewer/orders/${orderId}/pay`, { method: 'POST', body: {} });
    localStorage.setItem(payingKey, String(orderId));
    location.assign(res.pay_url);
  }

  // ---------- back from the cashier ----------

  async function resume() {
    const id = Number(localStorage.getItem(payingKey) || 0);
    if (!id || !ctx.state.me) return;
    localStorage.removeItem(payingKey);
    let o = null;
    for (let i = 0; i < 3; i++) { // the provider's callback may land a moment after the redirect
      try { o = await call(`/api/v1/viewer/orders/${id}`); } catch { return; }
      if (o.status !== 'created') break;
      await new Promise((r) => setTimeout(r, 700));
    }
    showResult(o);
  }

  function showResult(o) {
    const paid = ['paid', 'shipped', 'completed'].includes(o.status);
    const box = result.box;
    box.dataset.status = o.status;
    const line = o.lines && o.lines[0];
    const more = paid ? t('js.rt.result.paid_text') : o.status === 'created' ? t('js.rt.result.unpaid_text') : tt('js.rt.result.' + o.status + '_text');
    const actions = el('div', { class: 'rt-result-actions' });
    if (o.status === 'created') {
      const again = el('button', { type: 'button', class: 'pbtn pbtn-block', 'data-testid': 'order-result-pay', text: t('js.rt.confirm.pay') });
      again.addEventListener('click', () => { layers.hide('order-result'); payOrder(o.id); });
      actions.append(again);
    }
    if (o.status !== 'created') {
      const back = el('button', { type: 'button', class: 'pbtn pbtn-block', 'data-close': true, 'data-testid': 'order-result-back', text: t('js.rt.result.back') });
      actions.append(back);
    }
    const view = el('button', { type: 'button', class: 'pbtn pbtn-block pbtn-light', 'data-testid': 'order-result-orders', text: t('js.rt.result.orders') });
    view.addEventListener('click', () => { layers.hide('order-result'); ctx.openOrders(); });
    actions.append(view);
    fill(box,
      el('div', { class: 'rt-result-ico ' + (paid ? 'ok' : 'wait') }, icon(paid ? 'check' : 'clock')),
      el('h2', { 'data-testid': 'order-result-title', text: t('js.rt.status.' + o.status) }),
      el('p', { class: 'rt-result-sum' }, price(o.total, 'rt-price rt-price-lg')),
      line ? el('p', { class: 'rt-result-line', text: line.name + (line.sku_name ? ' · ' + line.sku_name : '') + ' ×' + line.quantity }) : null,
      more ? el('p', { class: 'muted', text: more }) : null, actions);
    layers.show('order-result');
  }

  return { buyProduct, payOrder, resume, showResult, api };
}

function fmt(fen) {
  return '¥' + (fen % 100 === 0 ? fen / 100 : (fen / 100).toFixed(2));
}

/** One line of a delivery address. */
export function addrLine(a) {
  return [a.name, a.phone, [a.province, a.city, a.district, a.detail].filter(Boolean).join(' ')].join('  ');
}
