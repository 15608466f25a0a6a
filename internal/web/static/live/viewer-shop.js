// The room's shop: the pinned product card ("讲解中", on screen the moment the host pins
// it) and the 购物袋 drawer with the session's showcase and the viewer's own orders.
// Buying goes through viewer-tools-checkout.js.

import { api, el, icon, t, toast } from './common.js';
import { makeSheet, price, thumb, rtErr, every, secsLeft, clock, tt } from './viewer-tools-ui.js';

/**
 * ctx: root, $, sid, state, layers, call, stack, checkout. Answers onEvent(m),
 * load() (the showcase, public) and openOrders().
 */
export function setupShop(ctx) {
  const { $, sid, layers, call, stack, checkout } = ctx;
  const ui = makeSheet(ctx.root, 'shop', { title: t('js.rt.shop.title'), testid: 'shop-drawer', cls: 'rt-shop' });
  const tabs = el('div', { class: 'tabs rt-tabs', role: 'tablist' });
  const list = el('div', { class: 'rt-list', 'data-testid': 'shop-list' });
  ui.body.append(tabs, list);
  let showcase = { items: [], pinned: null };
  let pinned = null; // the card on screen: PinnedCard or Card
  let hiddenPin = 0; // the product whose card the viewer closed
  let tab = 'products';

  // ---------- the showcase ----------

  async function load() {
    try {
      showcase = await api(`/api/v1/sessions/${sid}/showcase`);
    } catch { return; }
    const count = $('[data-shop-count]');
    count.hidden = !showcase.items.length;
    count.textContent = String(showcase.items.length);
    setPinned(showcase.pinned);
    if (!ui.layer.hidden && tab === 'products') renderProducts();
  }

  const cardOf = (id) => (showcase.items.find((it) => it.product.id === id) || {}).product;

  // ---------- analytics: products opened, time on them, checkouts ----------
  // POST /api/v1/viewer/events feeds the dashboard and the post-live report; a failure
  // never bothers the viewer.
  let viewing = null; // { id, since } of the product whose buy sheet is open
  const track = (events) => { if (ctx.state.me) call('/api/v1/viewer/events', { method: 'POST', body: { events } }).catch(() => {}); };
  function closed() {
    if (!viewing) return;
    track([{ type: 'product_leave', product_id: viewing.id, ms: Math.min(Date.now() - viewing.since, 1800000) }]);
    viewing = null;
  }
  function openProduct(c) {
    closed();
    if (ctx.state.me) { viewing = { id: c.id, since: Date.now() }; track([{ type: 'product_view', product_id: c.id }]); }
    checkout.buyProduct(c);
  }
  const buyLayer = ctx.root.querySelector('[data-layer="buy"]');
  if (buyLayer) new MutationObserver(() => { if (buyLayer.hidden) closed(); }).observe(buyLayer, { attributes: true, attributeFilter: ['hidden'] });
  ctx.root.addEventListener('click', (ev) => {
    if (viewing && ev.target.closest('[data-testid="buy-submit"]')) track([{ type: 'checkout', product_id: viewing.id }]);
  });

  async function buy(id) {
    let c = cardOf(id);
    if (!c || !c.skus) { await load(); c = cardOf(id); }
    if (!c) { toast(t('js.rt.shop.gone')); return; }
    openProduct(c);
  }

  // ---------- the pinned card ----------

  function setPinned(p) {
    pinned = p && p.id ? p : null;
    if (!pinned || hiddenPin === pinned.id) { stack.remove('pin'); return; }
    const soldOut = pinned.stock_left <= 0;
    const go = el('button', { type: 'button', class: 'rt-mini-btn', 'data-testid': 'pinned-buy', text: soldOut ? t('js.rt.sold_out') : t('js.rt.pin.buy'), disabled: soldOut });
    const x = el('button', { type: 'button', class: 'rt-card-x', 'aria-label': t('js.rt.close') }, icon('x'));
    const card = el('div', { class: 'rt-card rt-pin', 'data-testid': 'pinned-card', 'data-product-id': pinned.id },
      el('div', { class: 'rt-pin-pic' }, thumb(pinned.name, pinned.image, 'rt-thumb'),
        el('span', { class: 'rt-pin-tag' }, el('i', { class: 'rt-bars', 'aria-hidden': 'true' }, el('b'), el('b'), el('b')), document.createTextNode(t('js.rt.pin.live')))),
      el('div', { class: 'rt-pin-main min0' }, el('p', { class: 'rt-pin-name', text: pinned.name }),
        el('div', { class: 'rt-pin-row' }, price(pinned.price), pinned.stock_left > 0 && pinned.stock_left <= 20 ? el('span', { class: 'rt-pin-left', text: t('js.rt.pin.left', pinned.stock_left) }) : null, go)),
      x);
    const id = pinned.id;
    card.addEventListener('click', (ev) => { if (!ev.target.closest('.rt-card-x') && !soldOut) buy(id); });
    x.addEventListener('click', (ev) => { ev.stopPropagation(); hiddenPin = id; stack.remove('pin'); });
    stack.set('pin', card, 30);
  }

  // ---------- the drawer ----------

  function renderTabs() {
    const mk = (name, label) => {
      const b = el('button', { type: 'button', class: 'tab', role: 'tab', 'aria-selected': tab === name ? 'true' : 'false', 'data-testid': 'shop-tab-' + name, text: label });
      b.addEventListener('click', () => { tab = name; renderTabs(); render(); });
      return b;
    };
    tabs.replaceChildren(mk('products', t('js.rt.shop.products', showcase.items.length)), mk('orders', t('js.rt.shop.orders')));
  }

  function render() { return tab === 'orders' ? renderOrders() : renderProducts(); }

  function renderProducts() {
    if (!showcase.items.length) { list.replaceChildren(el('p', { class: 'empty-note', text: t('js.rt.shop.empty') })); return; }
    list.replaceChildren(...showcase.items.map((it, i) => {
      const p = it.product;
      const live = pinned && pinned.id === p.id;
      const go = el('button', { type: 'button', class: 'pbtn pbtn-sm', 'data-testid': 'shop-buy', text: p.sold_out ? t('js.rt.sold_out') : t('js.rt.pin.buy'), disabled: p.sold_out });
      go.addEventListener('click', () => openProduct(p));
      return el('div', { class: 'rt-item' + (live ? ' live' : ''), 'data-testid': 'shop-item', 'data-product-id': p.id },
        el('div', { class: 'rt-item-pic' }, thumb(p.name, p.image, 'rt-thumb rt-thumb-md'), el('span', { class: 'rt-item-no', text: String(i + 1) }),
          live ? el('span', { class: 'rt-pin-tag' }, el('i', { class: 'rt-bars', 'aria-hidden': 'true' }, el('b'), el('b'), el('b')), document.createTextNode(t('js.rt.pin.live'))) : null),
        el('div', { class: 'rt-item-main min0' }, el('p', { class: 'rt-item-name', text: p.name }),
          el('p', { class: 'rt-item-sub', text: p.sold_out ? t('js.rt.sold_out') : t('js.rt.buy.stock', p.stock_left) }),
          el('div', { class: 'rt-item-row' }, price(p.price), go)));
    }));
  }

  async function renderOrders() {
    if (!ctx.state.me) { list.replaceChildren(el('p', { class: 'empty-note', text: t('js.rt.shop.no_orders') })); return; }
    let orders = [];
    try { orders = (await call('/api/v1/viewer/orders?limit=50')).items || []; } catch (e) {
      list.replaceChildren(el('p', { class: 'empty-note', text: rtErr(e) }));
      return;
    }
    if (tab !== 'orders') return;
    if (!orders.length) { list.replaceChildren(el('p', { class: 'empty-note', text: t('js.rt.shop.no_orders') })); return; }
    list.replaceChildren(...orders.map(orderRow));
  }

  function orderRow(o) {
    const l = o.lines[0] || {};
    const acts = el('div', { class: 'rt-order-acts' });
    if (o.status === 'created') {
      const left = el('span', { class: 'rt-order-left' });
      const payBtn = el('button', { type: 'button', class: 'pbtn pbtn-sm', 'data-testid': 'order-pay', text: t('js.rt.confirm.pay') });
      const cancel = el('button', { type: 'button', class: 'pbtn pbtn-sm pbtn-light', 'data-testid': 'order-cancel', text: t('js.rt.order.cancel') });
      payBtn.addEventListener('click', () => checkout.payOrder(o.id));
      cancel.addEventListener('click', async () => {
        cancel.disabled = true;
        try { await call(`/api/v1/viewer/orders/${o.id}/cancel`, { method: 'POST', body: {} }); toast(t('js.rt.order.cancelled')); renderOrders(); } catch (e) { cancel.disabled = false; toast(rtErr(e)); }
      });
      acts.append(left, cancel, payBtn);
      if (o.expires_at) every(left, () => { const s = secsLeft(o.expires_at); left.textContent = s ? t('js.rt.order.left', clock(s)) : ''; });
    }
    return el('div', { class: 'rt-order', 'data-testid': 'order-item', 'data-order-id': o.id, 'data-status': o.status },
      el('div', { class: 'rt-order-top' }, el('span', { class: 'muted', text: t('js.rt.order.no', o.id) + (o.source && o.source !== 'showcase' && tt('js.rt.source.' + o.source) ? ' · ' + tt('js.rt.source.' + o.source) : '') }),
        el('span', { class: 'rt-status rt-status-' + o.status, text: t('js.rt.status.' + o.status) })),
      el('div', { class: 'rt-line' }, thumb(l.name, l.image, 'rt-thumb'),
        el('div', { class: 'min0' }, el('b', { text: l.name + (o.lines.length > 1 ? ' ' + t('js.rt.order.more', o.lines.length) : '') }),
          el('span', { class: 'muted', text: [l.sku_name, '×' + l.quantity].filter(Boolean).join(' ') })), price(o.total)),
      acts);
  }

  function open(which = 'products') {
    tab = which;
    renderTabs();
    render();
    layers.show('shop');
    if (which === 'products') load().then(renderTabs);
  }

  $('[data-shop-open]').addEventListener('click', () => open('products'));

  // ---------- room events ----------

  function onEvent(m) {
    switch (m.type) {
      case 'product_pinned':
        hiddenPin = 0;
        setPinned(m.product);
        load();
        return true;
      case 'product_unpinned':
        if (pinned && pinned.id === m.product_id) setPinned(null);
        load();
        return true;
      case 'showcase_changed':
        load();
        return true;
    }
    return false;
  }

  return { onEvent, load, openOrders: () => open('orders'), buy };
}
