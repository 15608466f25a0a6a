// 带货工具: the studio's selling-tools panel. One tab per tool (showcase and pin, flash
// sale, red envelope, lottery, group buy, assist, coupons, comment-to-buy). studio.js
// owns the token and the room socket and hands every room event to onEvent. The
// catalog is read once (and on demand); each tool reads its own list, keeps it fresh
// from room events and, while its tab is open and something runs, by polling.

import { t, el, fmtYuan, toast } from './common.js';
import { itemsOf, tickUntil, thumb } from './studio-tools-kit.js';
import { Showcase } from './studio-tools-showcase.js';
import { FlashSales } from './studio-tools-flash.js';
import { Envelopes } from './studio-tools-envelope.js';
import { Lotteries } from './studio-tools-lottery.js';
import { GroupBuys, Assists } from './studio-tools-deals.js';
import { Coupons } from './studio-tools-coupon.js';
import { CommentBuys } from './studio-tools-commentbuy.js';

const TAB_KEY = 'siyu.studio.tools.tab';

export class SellingTools {
  constructor({ sid, call, boot }) {
    this.root = document.querySelector('[data-tools]');
    this.catalog = [];
    this.tools = {};
    if (!this.root) return;
    const ctx = {
      sid, call, boot, root: this.root, toast,
      catalog: () => this.catalog,
      showcaseIds: () => new Set(this.tools.showcase ? this.tools.showcase.ids() : []),
      reloadCatalog: () => this.loadCatalog(),
      showcaseChanged: () => this.pickers(),
      setCount: (name, n) => this.setCount(name, n),
      setNow: (card) => this.setNow(card),
    };
    for (const T of [Showcase, FlashSales, Envelopes, Lotteries, GroupBuys, Assists, Coupons, CommentBuys]) {
      const tool = new T(ctx);
      this.tools[tool.name] = tool;
    }
    this.tabs = [...this.root.querySelectorAll('[role=tab]')];
    this.tabs.forEach((b) => {
      b.addEventListener('click', () => this.select(b.dataset.tab, true));
      b.addEventListener('keydown', (ev) => this.arrow(ev, b));
    });
    let first = 'showcase';
    try { first = sessionStorage.getItem(TAB_KEY) || first; } catch { /* private mode */ }
    this.select(this.tools[first] ? first : 'showcase', false);
  }

  /** Reads the catalog and every tool's list once; then ticks countdowns and polls. */
  async start() {
    if (!this.root) return;
    await this.loadCatalog();
    await this.tools.showcase.load();
    await Promise.all(Object.values(this.tools).filter((x) => x.name !== 'showcase').map((x) => x.load()));
    setInterval(() => this.tick(), 1000);
  }

  async loadCatalog() {
    const list = [];
    let cursor = '';
    try {
      for (let i = 0; i < 5; i++) { // up to 1,000 active products
        const r = await this.tools.showcase.call(`/api/v1/products?status=active&limit=200${cursor ? '&cursor=' + encodeURIComponent(cursor) : ''}`);
        list.push(...itemsOf(r));
        cursor = r.next_cursor || '';
        if (!cursor) break;
      }
    } catch { /* the showcase still shows; pickers stay empty */ }
    this.catalog = list;
    this.pickers();
    if (this.tools.showcase) this.tools.showcase.renderCatalog();
  }

  pickers() { Object.values(this.tools).forEach((x) => x.pickers()); }

  select(name, remember) {
    this.active = name;
    this.tabs.forEach((b) => {
      const on = b.dataset.tab === name;
      b.setAttribute('aria-selected', on ? 'true' : 'false');
      b.tabIndex = on ? 0 : -1;
      b.classList.toggle('on', on);
    });
    Object.values(this.tools).forEach((x) => { x.panel.hidden = x.name !== name; });
    if (remember) {
      try { sessionStorage.setItem(TAB_KEY, name); } catch { /* fine */ }
      const tool = this.tools[name];
      if (tool && Date.now() - tool.lastLoad > 1500) tool.load();
    }
  }

  arrow(ev, b) {
    const i = this.tabs.indexOf(b);
    const j = ev.key === 'ArrowRight' ? i + 1 : ev.key === 'ArrowLeft' ? i - 1 : -1;
    if (j < 0 || j >= this.tabs.length) return;
    ev.preventDefault();
    this.tabs[j].focus();
    this.select(this.tabs[j].dataset.tab, true);
  }

  setCount(name, n) {
    const b = this.tabs.find((x) => x.dataset.tab === name);
    if (!b) return;
    const c = b.querySelector('[data-tab-count]');
    c.textContent = n > 0 ? String(n) : '';
    c.hidden = !(n > 0);
    b.classList.toggle('has-live', n > 0 && name !== 'showcase');
  }

  /** The "讲解中" strip in the panel's head: the pinned product, or nothing. */
  setNow(card) {
    const box = this.root.querySelector('[data-tools-now]');
    box.hidden = !card;
    if (!card) return;
    box.replaceChildren(el('span', { class: 'badge tl-badge tl-live' }, el('span', { class: 'live-dot' }), t('js.tools.sc.now')),
      thumb(card.image, 'tl-thumb tl-thumb-xs'),
      el('span', { class: 'ellipsis strong', 'data-testid': 'tools-now-name', text: card.name }),
      el('b', { class: 'tl-price', text: fmtYuan(card.price) }));
  }

  tick() {
    const now = Date.now();
    this.root.querySelectorAll('[data-until]').forEach((s) => tickUntil(s, now));
    if (document.hidden) return;
    const tool = this.tools[this.active];
    if (tool && !tool.loading && tool.wantsPoll(now)) tool.load();
  }

  onEvent(m) {
    if (!this.root || !m || !m.type) return;
    for (const tool of Object.values(this.tools)) {
      try { tool.onEvent(m); } catch (err) { console.error(err); }
    }
  }
}
