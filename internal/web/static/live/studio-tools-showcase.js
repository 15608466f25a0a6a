// 商品橱窗 and 上链接: the host adds products from the catalog to the session's
// showcase, orders them, and pins the one being presented. A pin counts down 3-2-1
// first (as the host says it on camera); a second click cancels it.

import { t, el, icon, fmtYuan } from './common.js';
import { Tool } from './studio-tools-base.js';
import { thumb, smallBtn, toolErr } from './studio-tools-kit.js';

export class Showcase extends Tool {
  constructor(ctx) {
    super(ctx, 'showcase');
    this.pollMs = 5000;
    this.later = null; // a showcase that arrived during a countdown
    this.sc = { items: [], pinned: null };
    this.counting = null; // {id, timer}
    this.catList = this.panel.querySelector('[data-catalog]');
    this.search = this.panel.querySelector('[data-search]');
    this.countdown = this.panel.querySelector('[data-countdown]');
    this.err = this.panel.querySelector('[data-sc-error]');
    this.search.addEventListener('input', () => this.renderCatalog());
    this.panel.querySelector('[data-catalog-refresh]').addEventListener('click', () => ctx.reloadCatalog());
  }

  listPath() { return `/api/v1/sessions/${this.sid}/showcase`; }

  async fetch() {
    try {
      this.show(await this.call(this.listPath()));
    } catch (e) { this.fail(e); }
  }

  show(sc) {
    if (this.counting) { this.later = sc; return; } // redrawn once the 3-2-1 is over
    this.sc = { items: sc.items || [], pinned: sc.pinned || null };
    this.items = this.sc.items;
    this.render();
    this.renderCatalog();
    this.ctx.setNow(this.sc.pinned);
    this.ctx.showcaseChanged();
  }

  ids() { return this.sc.items.map((it) => it.product.id); }

  fail(e) {
    this.err.textContent = e ? toolErr(e) : '';
    this.err.hidden = !e;
  }

  async act(path, opts) {
    this.fail(null);
    try {
      this.show(await this.call(path, opts));
      return true;
    } catch (e) {
      this.fail(e);
      return false;
    }
  }

  running(it) { return it.pinned; }

  /** While a product is pinned, its stock is read every 5 s (not during a 3-2-1). */
  wantsPoll(now) { return !this.counting && super.wantsPoll(now); }

  render() {
    super.render();
    this.ctx.setCount(this.name, this.sc.items.length);
  }

  row(it) {
    const p = it.product;
    const manage = !!this.ctx.boot.manage;
    const n = this.sc.items.indexOf(it);
    const li = el('li', { class: 'sc-item' + (it.pinned ? ' sc-pinned' : ''), 'data-testid': 'showcase-item', 'data-product-id': String(p.id), 'data-pinned': it.pinned ? 'true' : 'false' },
      el('span', { class: 'sc-pos', text: String(n + 1) }),
      thumb(p.image, 'tl-thumb sc-thumb'),
      el('div', { class: 'sc-body' },
        el('div', { class: 'sc-name' }, it.pinned ? el('span', { class: 'badge tl-badge tl-live sc-now', 'data-testid': 'pinned-badge' }, el('span', { class: 'live-dot' }), t('js.tools.sc.now')) : null,
          el('span', { class: 'ellipsis', text: p.name })),
        el('div', { class: 'sc-meta' }, el('b', { class: 'tl-price', text: fmtYuan(p.price) }),
          el('span', { class: 'muted', text: p.sold_out ? t('js.tools.sold_out') : t('js.tools.stock_n', p.stock_left) }),
          p.skus && p.skus.length > 1 ? el('span', { class: 'muted', text: t('js.tools.skus_n', p.skus.length) }) : null)),
      el('span', { class: 'sc-count', 'data-count': '', hidden: true }));
    const acts = el('div', { class: 'sc-acts' });
    if (manage) {
      const up = smallBtn('', () => this.move(n, -1), { cls: 'btn-ghost btn-icon' });
      up.replaceChildren(icon('arrow', 'icon rot-up'));
      up.setAttribute('aria-label', t('js.tools.sc.up'));
      up.disabled = n === 0;
      const down = smallBtn('', () => this.move(n, 1), { cls: 'btn-ghost btn-icon' });
      down.replaceChildren(icon('arrow', 'icon rot-down'));
      down.setAttribute('aria-label', t('js.tools.sc.down'));
      down.disabled = n === this.sc.items.length - 1;
      acts.append(up, down);
    }
    if (it.pinned) {
      acts.append(smallBtn(t('js.tools.sc.unpin'), () => this.act(`/api/v1/sessions/${this.sid}/showcase/${p.id}/pin`, { method: 'DELETE' }), { cls: 'btn-ghost', testid: 'unpin' }));
    } else {
      const pin = el('button', { type: 'button', class: 'btn btn-sm btn-live sc-pin', 'data-testid': 'pin', text: t('js.tools.sc.pin') });
      pin.addEventListener('click', () => this.pinClick(p, li, pin));
      acts.append(pin);
    }
    if (manage && !it.pinned) {
      const rm = smallBtn('', () => this.act(`/api/v1/sessions/${this.sid}/showcase/${p.id}`, { method: 'DELETE' }), { cls: 'btn-ghost btn-icon', testid: 'showcase-remove' });
      rm.replaceChildren(icon('x'));
      rm.setAttribute('aria-label', t('js.tools.sc.remove'));
      rm.title = t('js.tools.sc.remove');
      acts.append(rm);
    }
    li.append(acts);
    return li;
  }

  /** 3-2-1 on the product's row, then the pin; clicking again while counting cancels. */
  pinClick(p, li, btn) {
    if (this.counting) {
      const same = this.counting.id === p.id;
      this.cancelCount();
      if (same) return;
    }
    if (!this.countdown.checked) { this.act(`/api/v1/sessions/${this.sid}/showcase/${p.id}/pin`, { method: 'POST', body: {} }); return; }
    const badge = li.querySelector('[data-count]');
    let n = 3;
    const paint = () => {
      badge.textContent = String(n);
      badge.classList.remove('pop');
      void badge.offsetWidth;
      badge.classList.add('pop');
    };
    badge.hidden = false;
    li.classList.add('sc-counting');
    btn.textContent = t('js.tools.sc.cancel');
    btn.classList.replace('btn-live', 'btn-danger-ghost');
    paint();
    const timer = setInterval(() => {
      n--;
      if (n > 0) { paint(); return; }
      this.cancelCount();
      this.act(`/api/v1/sessions/${this.sid}/showcase/${p.id}/pin`, { method: 'POST', body: {} })
        .then((ok) => { if (ok) this.ok('js.tools.sc.pinned', p.name); });
    }, 800);
    this.counting = { id: p.id, timer, li, btn };
  }

  cancelCount() {
    const c = this.counting;
    if (!c) return;
    clearInterval(c.timer);
    this.counting = null;
    c.li.classList.remove('sc-counting');
    const badge = c.li.querySelector('[data-count]');
    if (badge) badge.hidden = true;
    c.btn.textContent = t('js.tools.sc.pin');
    c.btn.classList.replace('btn-danger-ghost', 'btn-live');
    if (this.later) {
      const sc = this.later;
      this.later = null;
      this.show(sc);
    }
  }

  move(i, d) {
    const ids = this.ids();
    const j = i + d;
    if (j < 0 || j >= ids.length) return;
    [ids[i], ids[j]] = [ids[j], ids[i]];
    return this.act(`/api/v1/sessions/${this.sid}/showcase`, { method: 'PUT', body: { product_ids: ids } });
  }

  /** The catalog column: every active product, matching the search, with an add button. */
  renderCatalog() {
    const q = this.search.value.trim().toLowerCase();
    const inShow = new Set(this.ids());
    const rows = this.ctx.catalog().filter((p) => !q || p.name.toLowerCase().includes(q)).map((p) => {
      const added = inShow.has(p.id);
      const btn = added
        ? el('span', { class: 'badge badge-muted', text: t('js.tools.sc.added') })
        : smallBtn(t('js.tools.sc.add'), () => this.act(`/api/v1/sessions/${this.sid}/showcase`, { method: 'POST', body: { product_id: p.id } }), { cls: 'btn-primary-soft', testid: 'showcase-add' });
      if (!this.ctx.boot.manage && !added) btn.disabled = true;
      return el('li', { class: 'cat-item', 'data-testid': 'catalog-item', 'data-product-id': String(p.id) },
        thumb((p.images || [])[0], 'tl-thumb tl-thumb-sm'),
        el('div', { class: 'cat-body' }, el('span', { class: 'ellipsis strong', text: p.name }),
          el('span', { class: 'muted small', text: fmtYuan(p.price) + ' · ' + t('js.tools.stock_n', p.stock) })),
        btn);
    });
    this.catList.replaceChildren(...rows);
    this.panel.querySelector('[data-catalog-empty]').hidden = rows.length > 0;
  }

  onEvent(m) {
    if (m.type === 'product_pinned' || m.type === 'product_unpinned' || m.type === 'showcase_changed') {
      if (Number(m.session_id || this.sid) === Number(this.sid)) this.load();
    }
  }
}
