// 秒杀: the host picks a product (and SKU), a price in yuan (sent as exact fen), stock,
// a per-person limit and a start (now, or in N seconds/minutes), optionally a duration.
// The list follows each sale live: `flash_sale` room events carry the whole sale; while
// one runs and no event came for 2 s, the open tab reads the list instead.

import { t, el, fmtYuan, APIError } from './common.js';
import { Tool } from './studio-tools-base.js';
import { bindForm, yuanToFen, intOf, skuOf, secondsOf, statusBadge, fig, thumb, smallBtn, until, toolErr, productName } from './studio-tools-kit.js';

export class FlashSales extends Tool {
  constructor(ctx) {
    super(ctx, 'flash');
    this.pollMs = 2000;
    const f = this.form;
    const later = () => { f.querySelector('[data-start-later]').hidden = f.elements.start.value !== 'later'; };
    f.querySelectorAll('input[name=start]').forEach((r) => r.addEventListener('change', later));
    later();
    bindForm(f, {
      build: (f) => {
        const body = { product_id: Number(f.elements.product_id.value) };
        if (!body.product_id) throw new APIError(400, 'invalid', '', 'product_id');
        const sku = skuOf(f);
        if (sku) body.sku_id = sku;
        body.price = yuanToFen(f.elements.price.value, 'price') ?? 0;
        body.stock = intOf(f.elements.stock.value, 'stock') ?? 0;
        body.per_user_limit = intOf(f.elements.per_user_limit.value, 'per_user_limit') ?? 1;
        if (f.elements.start.value === 'later') {
          const s = secondsOf(f, 'start_in', 'starts_at');
          if (!s) throw new APIError(400, 'invalid', '', 'starts_at');
          body.starts_at = new Date(Date.now() + s * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
        }
        const d = secondsOf(f, 'duration', 'duration_seconds');
        if (d) body.duration_seconds = d;
        return body;
      },
      send: (body) => this.call(`/api/v1/sessions/${this.sid}/flash-sales`, { method: 'POST', body }),
      done: (sale) => {
        this.merge(sale);
        this.ok(sale.status === 'scheduled' ? 'js.tools.flash.scheduled' : 'js.tools.flash.launched', productName(sale, this.ctx.catalog()));
        f.elements.price.value = '';
        f.elements.stock.value = '';
        this.ctx.reloadCatalog(); // the sale holds its units: the SKU has fewer left
      },
    });
  }

  listPath() { return `/api/v1/sessions/${this.sid}/flash-sales`; }

  running(s) { return s.status === 'scheduled' || s.status === 'running'; }

  wantsPoll(now) {
    // A sold-out sale still changes: its waitlist, and stock coming back from unpaid orders.
    return this.items.some((s) => this.running(s) || s.status === 'sold_out') &&
      now - this.lastLoad >= this.pollMs && now - this.lastEvent >= this.pollMs;
  }

  row(s) {
    const catalog = this.ctx.catalog();
    const product = catalog.find((p) => p.id === s.product_id);
    const variant = s.sku_name && product && product.skus && product.skus.length > 1 ? ' · ' + s.sku_name : '';
    const stock = Number(s.stock) || 0;
    const sold = Number(s.sold) || 0;
    const bar = el('progress', { class: 'tl-progress', max: String(Math.max(stock, 1)), value: String(Math.min(sold, stock)) });
    const when = s.status === 'scheduled' ? until(s.starts_at, 'js.tools.flash.starts_in')
      : s.status === 'running' && s.ends_at ? until(s.ends_at, 'js.tools.flash.ends_in') : null;
    const li = el('li', { class: 'tl-item', 'data-testid': 'flash-row', 'data-id': String(s.id), 'data-status': s.status },
      thumb(s.image),
      el('div', { class: 'tl-body' },
        el('div', { class: 'tl-line' }, el('span', { class: 'tl-title ellipsis', text: productName(s, catalog) + variant }), statusBadge('flash', s.status)),
        el('div', { class: 'tl-line tl-sub' },
          el('b', { class: 'tl-price', 'data-testid': 'flash-price', text: fmtYuan(s.price) }),
          s.original_price ? el('s', { class: 'muted small', text: fmtYuan(s.original_price) }) : null,
          el('span', { class: 'muted small', text: t('js.tools.flash.limit', s.per_user_limit) }),
          when),
        bar,
        el('div', { class: 'tl-figs' },
          s.status === 'ended' && s.returned != null ? fig(t('js.tools.flash.returned'), s.returned)
            : fig(t('js.tools.flash.left'), s.stock_left ?? stock - sold, 'flash-left'),
          fig(t('js.tools.flash.sold'), sold, 'flash-sold'),
          fig(t('js.tools.flash.paid'), s.paid ?? 0),
          fig(t('js.tools.flash.waitlist'), s.waitlist ?? 0, 'flash-waitlist'),
          fig(t('js.tools.flash.stock'), stock))));
    if (s.status === 'scheduled' || s.status === 'running' || s.status === 'sold_out') {
      li.append(el('div', { class: 'tl-acts' }, smallBtn(t('js.tools.end'), () => this.end(s, li),
        { cls: 'btn-danger-ghost', testid: 'flash-end', confirmText: t('js.tools.flash.end_confirm', productName(s, catalog)) })));
    }
    return li;
  }

  async end(s, li) {
    try {
      this.merge(await this.call(`/api/v1/flash-sales/${s.id}/end`, { method: 'POST', body: {} }));
    } catch (e) {
      li.append(el('p', { class: 'field-error', role: 'alert', text: toolErr(e) }));
    }
  }

  onEvent(m) {
    if (m.type === 'flash_sale' && m.sale) this.merge(m.sale);
  }
}
