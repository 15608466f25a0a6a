// Comment-to-buy (评论下单) in the room: while the host runs an offer, a card says which
// comment buys what (评论「+1」抢 …) with a button that sends the keyword as the viewer's
// comment; the unpaid order the comment made (order_draft) arrives as a notice with 去支付,
// and a comment that could not order (sold out …) says why.

import { el, icon, t, toast } from './common.js';
import { price, rtErr, actionCard } from './viewer-tools-ui.js';

/** ctx: state, stack, checkout, say(text). Answers onEvent(m). */
export function setupCommentBuys(ctx) {
  const { stack, checkout } = ctx;

  function offer(cb) {
    const key = 'cb-' + cb.id;
    if (cb.status !== 'active') { stack.remove(key); return; }
    const go = el('button', { type: 'button', class: 'rt-mini-btn', 'data-testid': 'commentbuy-say', text: t('js.rt.cb.say', cb.keyword) });
    go.addEventListener('click', () => {
      if (!ctx.state.me) { ctx.ask(); return; }
      ctx.say(cb.keyword);
      go.disabled = true;
      setTimeout(() => { go.disabled = false; }, 3000);
    });
    const x = el('button', { type: 'button', class: 'rt-card-x', 'aria-label': t('js.rt.close') }, icon('x'));
    x.addEventListener('click', () => stack.remove(key));
    // One compact line: the keyword, what it buys, the price and the one-tap comment.
    stack.set(key, el('div', { class: 'rt-card rt-cb', 'data-testid': 'commentbuy-card', 'data-keyword': cb.keyword },
      el('span', { class: 'rt-cb-kw', text: cb.keyword }),
      el('div', { class: 'min0 rt-cb-main' }, el('b', { text: t('js.rt.cb.title', cb.keyword) }), el('span', { text: cb.product_name })),
      price(cb.price), go, x), 25);
  }

  function onEvent(m) {
    switch (m.type) {
      case 'comment_buy':
        if (m.comment_buy) offer(m.comment_buy);
        return true;
      case 'order_draft':
        stack.set('draft-' + m.order_id, actionCard({ kind: 'deal', testid: 'order-draft', title: t('js.rt.draft.title', m.keyword || ''),
          text: t('js.rt.draft.text', m.product_name || '', fmt(m.total)), action: t('js.rt.confirm.pay'),
          onAction: (c) => { c.remove(); checkout.payOrder(m.order_id); } }), 10);
        return true;
      case 'order_draft_failed':
        toast(t('js.rt.draft.failed', m.keyword || '') + (m.reason ? rtErr({ code: m.reason, message: m.message }) : m.message || ''), 4000);
        return true;
    }
    return false;
  }

  return { onEvent };
}

function fmt(fen) {
  fen = Number(fen) || 0;
  return '¥' + (fen % 100 === 0 ? fen / 100 : (fen / 100).toFixed(2));
}
