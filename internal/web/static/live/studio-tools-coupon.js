// 优惠券: a name, a discount and a minimum spend in yuan (fen on the wire), how many,
// how long they stay valid, optionally one product. Claims and uses come without a room
// event, so the open tab reads the list while a coupon is active.

import { t, el, fmtYuan, APIError } from './common.js';
import { Tool } from './studio-tools-base.js';
import { bindForm, yuanToFen, intOf, statusBadge, fig, smallBtn, until, toolErr, productName } from './studio-tools-kit.js';

export class Coupons extends Tool {
  constructor(ctx) {
    super(ctx, 'coupon');
    this.pollMs = 3000;
    bindForm(this.form, {
      build: (f) => {
        const body = {
          name: f.elements.name.value.trim(),
          discount: yuanToFen(f.elements.discount.value, 'discount') ?? 0,
          min_spend: yuanToFen(f.elements.min_spend.value, 'min_spend') ?? 0,
          quantity: intOf(f.elements.quantity.value, 'quantity') ?? 0,
        };
        if (!body.name) throw new APIError(400, 'invalid', '', 'name');
        const mins = intOf(f.elements.valid_minutes.value, 'valid_minutes');
        if (mins) body.valid_minutes = mins;
        const pid = Number(f.elements.product_id.value);
        if (pid) body.product_id = pid;
        return body;
      },
      send: (body) => this.call(`/api/v1/sessions/${this.sid}/coupons`, { method: 'POST', body }),
      done: (c) => { this.merge(c); this.ok('js.tools.coupon.issued', c.name); },
    });
  }

  listPath() { return `/api/v1/sessions/${this.sid}/coupons`; }

  running(c) { return c.status === 'active'; }

  row(c) {
    const catalog = this.ctx.catalog();
    const terms = c.min_spend ? t('js.tools.coupon.terms', fmtYuan(c.min_spend), fmtYuan(c.discount)) : t('js.tools.coupon.no_min', fmtYuan(c.discount));
    const li = el('li', { class: 'tl-item cp-item', 'data-testid': 'coupon-row', 'data-id': String(c.id), 'data-status': c.status },
      el('span', { class: 'cp-pic' }, el('b', { text: fmtYuan(c.discount) }), el('span', { text: c.min_spend ? t('js.tools.coupon.min_short', fmtYuan(c.min_spend)) : t('js.tools.coupon.any') })),
      el('div', { class: 'tl-body' },
        el('div', { class: 'tl-line' }, el('span', { class: 'tl-title ellipsis', text: c.name }), statusBadge('coupon', c.status)),
        el('div', { class: 'tl-line tl-sub' }, el('span', { class: 'muted small', text: terms + ' · ' + (c.product_id ? productName(c, catalog) : t('js.tools.any_product')) }),
          c.status === 'active' && c.expires_at ? until(c.expires_at, 'js.tools.coupon.expires_in') : null),
        el('progress', { class: 'tl-progress', max: String(Math.max(c.quantity, 1)), value: String(c.claimed || 0) }),
        el('div', { class: 'tl-figs' },
          fig(t('js.tools.coupon.claimed'), t('js.tools.env.of', c.claimed || 0, c.quantity), 'coupon-claimed'),
          fig(t('js.tools.coupon.used'), c.used || 0))));
    if (c.status === 'active') li.append(el('div', { class: 'tl-acts' }, smallBtn(t('js.tools.stop'), async () => {
      try { this.merge(await this.call(`/api/v1/coupons/${c.id}/stop`, { method: 'POST' })); } catch (e) { li.append(el('p', { class: 'field-error', text: toolErr(e) })); }
    }, { cls: 'btn-danger-ghost', testid: 'coupon-stop', confirmText: t('js.tools.coupon.stop_confirm', c.name) })));
    return li;
  }

  onEvent(m) { if (m.type === 'coupon' && m.coupon) this.merge(m.coupon); }
}
