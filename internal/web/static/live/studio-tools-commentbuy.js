// 评论下单: a keyword ("+1") that turns a viewer's comment into an unpaid order for a
// product, at its price or a special one. The list follows `comment_buy` room events;
// drafts come without one, so the open tab reads the list while a keyword is active.

import { t, el, fmtYuan, APIError } from './common.js';
import { Tool } from './studio-tools-base.js';
import { bindForm, yuanToFen, intOf, skuOf, statusBadge, fig, smallBtn, toolErr, productName } from './studio-tools-kit.js';

export class CommentBuys extends Tool {
  constructor(ctx) {
    super(ctx, 'commentbuy');
    this.pollMs = 3000;
    bindForm(this.form, {
      build: (f) => {
        const body = { keyword: f.elements.keyword.value.trim(), product_id: Number(f.elements.product_id.value) };
        if (!body.keyword) throw new APIError(400, 'invalid', '', 'keyword');
        if (!body.product_id) throw new APIError(400, 'invalid', '', 'product_id');
        const sku = skuOf(f);
        if (sku) body.sku_id = sku;
        const price = yuanToFen(f.elements.price.value, 'price');
        if (price != null) body.price = price;
        const q = intOf(f.elements.quantity.value, 'quantity');
        if (q) body.quantity = q;
        return body;
      },
      send: (body) => this.call(`/api/v1/sessions/${this.sid}/comment-buys`, { method: 'POST', body }),
      done: (c) => { this.merge(c); this.ok('js.tools.cb.started', c.keyword); this.form.elements.price.value = ''; },
    });
  }

  listPath() { return `/api/v1/sessions/${this.sid}/comment-buys`; }

  running(c) { return c.status === 'active'; }

  row(c) {
    const product = this.ctx.catalog().find((p) => p.id === c.product_id);
    const variant = c.sku_name && product && product.skus && product.skus.length > 1 ? ' · ' + c.sku_name : '';
    const li = el('li', { class: 'tl-item', 'data-testid': 'commentbuy-row', 'data-id': String(c.id), 'data-status': c.status },
      el('span', { class: 'kw', text: c.keyword }),
      el('div', { class: 'tl-body' },
        el('div', { class: 'tl-line' }, el('span', { class: 'tl-title ellipsis', text: productName(c, this.ctx.catalog()) + variant }), statusBadge('cb', c.status)),
        el('div', { class: 'tl-line tl-sub' }, el('b', { class: 'tl-price', text: fmtYuan(c.price) }),
          el('span', { class: 'muted small', text: t('js.tools.cb.each', c.quantity || 1, c.keyword) })),
        el('div', { class: 'tl-figs' }, fig(t('js.tools.cb.drafts'), c.drafts || 0, 'commentbuy-drafts'))));
    if (c.status === 'active') li.append(el('div', { class: 'tl-acts' }, smallBtn(t('js.tools.stop'), async () => {
      try { this.merge(await this.call(`/api/v1/comment-buys/${c.id}/stop`, { method: 'POST' })); } catch (e) { li.append(el('p', { class: 'field-error', text: toolErr(e) })); }
    }, { cls: 'btn-danger-ghost', testid: 'commentbuy-stop' })));
    return li;
  }

  onEvent(m) { if (m.type === 'comment_buy' && m.comment_buy) this.merge(m.comment_buy); }
}
