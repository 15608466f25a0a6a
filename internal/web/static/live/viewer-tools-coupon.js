// Coupons (优惠券) in the room: a coupon issued by the host pops up as a ticket with
// 立即领取; the 券 dock opens the session's coupons and the viewer's own (我的券), and
// checkout offers the best usable claim automatically (viewer-tools-checkout.js).

import { el, t, toast } from './common.js';
import { makeSheet, makePopup, rtErr, tt } from './viewer-tools-ui.js';

/** ctx: root, state, layers, call, dock, checkout, openShop. Answers onEvent(m), joined(). */
export function setupCoupons(ctx) {
  const { layers, call, dock, checkout } = ctx;
  const pop = makePopup(ctx.root, 'coupon', { testid: 'coupon-popup', cls: 'rt-card-pop rt-cp-pop', label: t('js.rt.cp.title') });
  const ui = makeSheet(ctx.root, 'coupons', { title: t('js.rt.cp.title'), testid: 'coupon-sheet', cls: 'rt-cp' });
  const coupons = new Map();

  // Checkout asks for the viewer's usable claims for a product.
  checkout.api.coupons = async (productId) => {
    const r = await call('/api/v1/viewer/coupons');
    const now = Date.now();
    return (r.items || []).filter((c) => c.status === 'unused' && new Date(c.expires_at).getTime() > now && (!c.product_id || c.product_id === productId));
  };

  const left = (c) => Math.max(0, (c.quantity || 0) - (c.claimed || 0));
  const claimable = () => [...coupons.values()].filter((c) => c.status === 'active' && !c.claimed_by_me && left(c) > 0);

  function upsert(c) {
    coupons.set(c.id, { ...(coupons.get(c.id) || {}), ...c });
    const n = claimable().length;
    const any = [...coupons.values()].some((x) => x.status === 'active');
    if (any) dock.set('cp', { kind: 'pink', icon: 'rt-ticket', label: t('js.rt.cp.dock'), badge: n, testid: 'dock-coupon', onClick: openSheet });
    else dock.remove('cp');
  }

  function ticket(c, { claim = true, claimed = false, status = '' } = {}) {
    const right = el('div', { class: 'rt-tk-r min0' }, el('b', { text: c.name }),
      el('span', { text: c.min_spend ? t('js.rt.cp.min', fmt(c.min_spend)) : t('js.rt.cp.no_min') }),
      c.product_id && c.product_name ? el('span', { text: t('js.rt.cp.only', c.product_name) }) : null,
      el('span', { class: 'muted', text: t('js.rt.cp.until', until(c.expires_at)) }));
    const tk = el('div', { class: 'rt-ticket' + (status && status !== 'unused' ? ' used' : ''), 'data-testid': 'coupon-ticket', 'data-coupon-id': c.coupon_id || c.id },
      el('div', { class: 'rt-tk-l' }, el('span', { class: 'rt-tk-amt' }, el('small', { text: '¥' }), document.createTextNode(yuan(c.discount))),
        el('span', { text: c.product_id ? t('js.rt.cp.product') : t('js.rt.cp.any') })), right);
    if (status) right.append(el('em', { class: 'rt-tk-st', text: tt('js.rt.cp.st.' + status) || status }));
    if (claim) {
      const b = el('button', { type: 'button', class: 'rt-tk-btn', 'data-testid': 'coupon-claim', text: claimed ? t('js.rt.cp.use') : t('js.rt.cp.claim') });
      b.addEventListener('click', () => (b.textContent === t('js.rt.cp.use') ? use() : claimIt(c, b)));
      tk.append(b);
    }
    return tk;
  }

  async function claimIt(c, b) {
    if (!ctx.state.me) { ctx.ask(); return; }
    b.disabled = true;
    try {
      await call(`/api/v1/coupons/${c.id}/claim`, { method: 'POST', body: {} });
      upsert({ id: c.id, claimed_by_me: true, claimed: (c.claimed || 0) + 1 });
      toast(t('js.rt.cp.claimed'));
      b.textContent = t('js.rt.cp.use');
    } catch (e) {
      if (e.code === 'already_claimed') { upsert({ id: c.id, claimed_by_me: true }); b.textContent = t('js.rt.cp.use'); } else toast(rtErr(e));
    }
    b.disabled = false;
  }

  function use() {
    layers.hide(layers.open);
    ctx.openShop();
  }

  function popup(c) {
    pop.box.replaceChildren(el('p', { class: 'rt-pop-kicker', text: t('js.rt.cp.kicker') }), ticket(c, { claimed: !!c.claimed_by_me }),
      el('p', { class: 'rt-hint', text: t('js.rt.cp.left', left(c)) }));
    layers.show('coupon');
  }

  async function openSheet() {
    let mine = [];
    if (ctx.state.me) {
      try { mine = (await call('/api/v1/viewer/coupons')).items || []; } catch { mine = []; }
      try { ((await call('/api/v1/viewer/session-coupons')).items || []).forEach(upsert); } catch { /* keep */ }
    }
    const session = [...coupons.values()].filter((c) => c.status === 'active');
    ui.body.replaceChildren(
      el('h3', { class: 'rt-lot-h', text: t('js.rt.cp.room') }),
      session.length ? el('div', { class: 'rt-tickets' }, ...session.map((c) => ticket(c, { claimed: !!c.claimed_by_me }))) : el('p', { class: 'empty-note', text: t('js.rt.cp.none') }),
      el('h3', { class: 'rt-lot-h', text: t('js.rt.cp.mine') }),
      mine.length ? el('div', { class: 'rt-tickets', 'data-testid': 'my-coupons' }, ...mine.map((c) => ticket(c, { claim: false, status: c.status }))) : el('p', { class: 'empty-note', text: t('js.rt.cp.mine_none') }));
    layers.show('coupons');
  }

  function onEvent(m) {
    if (m.type !== 'coupon' || !m.coupon) return false;
    const c = m.coupon;
    const fresh = !coupons.has(c.id) && c.status === 'active' && !localStorage.getItem('siyu.coupon.seen.' + c.id);
    upsert(c);
    if (fresh) offer(c.id);
    return true;
  }

  // offer pops a just-issued coupon up, once the session's list says this viewer has
  // not claimed it (the event is the same for everyone).
  async function offer(id) {
    if (ctx.state.me) {
      try { ((await call('/api/v1/viewer/session-coupons')).items || []).forEach(upsert); } catch { /* as the event said */ }
    }
    const c = coupons.get(id);
    if (c && c.status === 'active' && !c.claimed_by_me && left(c) > 0 && !layers.open) {
      localStorage.setItem('siyu.coupon.seen.' + id, '1'); // pops up once per device
      popup(c);
    }
  }

  async function joined() {
    try { ((await call('/api/v1/viewer/session-coupons')).items || []).forEach(upsert); } catch { /* from events */ }
  }

  return { onEvent, joined };
}

const yuan = (fen) => (fen % 100 === 0 ? String(fen / 100) : (fen / 100).toFixed(2));
const fmt = (fen) => '¥' + yuan(fen);

function until(iso) {
  const d = new Date(iso);
  if (isNaN(d)) return '';
  const p = (n) => (n < 10 ? '0' : '') + n;
  return (d.toDateString() === new Date().toDateString() ? '' : (d.getMonth() + 1) + '/' + d.getDate() + ' ') + p(d.getHours()) + ':' + p(d.getMinutes());
}
