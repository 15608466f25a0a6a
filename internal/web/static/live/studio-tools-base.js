// The common shape of one selling tool's tab: its launch form, its live list read from
// the API (and kept fresh from room events, or by polling while something runs), the
// count on its tab, and a note when this server does not offer the tool yet.

import { t, APIError } from './common.js';
import { itemsOf, renderList, fillProducts, bindSKU } from './studio-tools-kit.js';

export class Tool {
  /** ctx: {sid, call, boot, root, catalog(), showcaseIds(), setCount(name, n), toast}. */
  constructor(ctx, name) {
    this.ctx = ctx;
    this.name = name;
    this.panel = ctx.root.querySelector(`[data-panel="${name}"]`);
    this.list = this.panel.querySelector('[data-list]');
    this.empty = this.panel.querySelector('[data-empty]');
    this.form = this.panel.querySelector('form[data-form]');
    this.items = [];
    this.lastLoad = 0;
    this.lastEvent = 0;
    this.loading = null;
    this.syncSKU = null;
    this.pollMs = 3000;
    const refresh = this.panel.querySelector('[data-refresh]');
    if (refresh) refresh.addEventListener('click', () => this.load());
  }

  call(path, opts) { return this.ctx.call(path, opts); }
  get sid() { return this.ctx.sid; }

  /** The list route of the tool; null for a tool without one. */
  listPath() { return null; }

  /** Reads the list once (a second call while one runs waits for it). */
  load() {
    if (!this.loading) this.loading = this.fetch().finally(() => { this.loading = null; this.lastLoad = Date.now(); });
    return this.loading;
  }

  async fetch() {
    const path = this.listPath();
    if (!path) return;
    let r;
    try {
      r = await this.call(path);
    } catch (e) {
      if (e instanceof APIError && (e.status === 404 || e.status === 405)) this.setOff(true);
      return;
    }
    this.setOff(false);
    this.items = itemsOf(r);
    this.render();
  }

  /** Marks the tool as not offered by this server (its routes answer 404). */
  setOff(off) {
    this.panel.classList.toggle('tp-off', off);
    const note = this.panel.querySelector('[data-off]');
    if (note) note.hidden = !off;
    if (off && this.empty) this.empty.hidden = true;
    if (this.form) this.form.querySelectorAll('button[type=submit]').forEach((b) => { b.disabled = off; });
  }

  /** Draws the list from this.items; subclasses build the rows. */
  render() {
    renderList(this.list, this.empty, this.items.map((x) => this.row(x)));
    this.ctx.setCount(this.name, this.items.filter((x) => this.running(x)).length);
  }

  row() { return document.createElement('li'); }

  /** Whether an item still changes (counts on the tab, and polling while shown). */
  running() { return false; }

  /** Whether the open tab should poll now. */
  wantsPoll(now) {
    return this.items.some((x) => this.running(x)) && now - this.lastLoad >= this.pollMs && now - this.lastEvent >= this.pollMs;
  }

  /** Puts an item from a room event (or an answer) in the list: replaced, or newest first. */
  merge(item) {
    if (!item || item.id == null) return;
    this.lastEvent = Date.now();
    const i = this.items.findIndex((x) => x.id === item.id);
    if (i >= 0) this.items[i] = { ...this.items[i], ...item };
    else this.items.unshift(item);
    this.render();
  }

  onEvent() {}

  /** Refreshes the form's product pickers from the catalog. */
  pickers() {
    if (!this.form) return;
    const ids = this.ctx.showcaseIds();
    this.form.querySelectorAll('select[data-products]').forEach((s) => fillProducts(s, this.ctx.catalog(), ids, { any: s.hasAttribute('data-any') }));
    if (this.form.elements.sku_id) {
      if (!this.syncSKU) this.syncSKU = bindSKU(this.form, this.ctx.catalog);
      this.syncSKU();
    }
  }

  /** A short success message in the page's toast. */
  ok(key, ...args) { this.ctx.toast(t(key, ...args)); }
}
