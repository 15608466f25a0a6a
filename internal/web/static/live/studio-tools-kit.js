// Shared pieces of the studio's selling tools (带货工具): exact yuan → fen parsing, a
// form binder that shows API errors next to the form in the page's language, product
// and SKU pickers, status badges and small list helpers. Each tool's own file builds
// its panel from these.

import { t, el, icon, errText, fmtYuan, fmtCountdown, APIError } from './common.js';

/**
 * "12.8" → 1280 fen, exactly (string arithmetic, never floats). Empty → null. Anything
 * that is not a plain amount with at most two decimals throws an APIError with code
 * "yuan" naming field, so the form shows it (js.tools.err.yuan) like a server refusal.
 */
export function yuanToFen(raw, field) {
  const s = String(raw ?? '').trim().replace(/^¥/, '').replace(/,/g, '');
  if (s === '') return null;
  const m = /^(\d{1,9})(?:\.(\d{0,2}))?$/.exec(s);
  if (!m) throw new APIError(400, 'yuan', '', field);
  return Number(m[1]) * 100 + Number(((m[2] || '') + '00').slice(0, 2));
}

/** 1280 → "12.80" for an input's value (no ¥, always two decimals unless whole). */
export function fenToInput(fen) {
  return fen % 100 === 0 ? String(fen / 100) : (fen / 100).toFixed(2);
}

/** A whole number from an input; empty → null; anything else throws code "int" for field. */
export function intOf(raw, field) {
  const s = String(raw ?? '').trim();
  if (s === '') return null;
  if (!/^\d{1,9}$/.test(s)) throw new APIError(400, 'int', '', field);
  return Number(s);
}

/**
 * A tool's error in the page's language: a tool text for the code and field first
 * (js.tools.err.<code>.<field>, js.tools.err.<code>), then the studio's shared ones.
 */
export function toolErr(e) {
  if (!e) return '';
  for (const key of ['js.tools.err.' + e.code + '.' + e.field, 'js.tools.err.' + e.code]) {
    if (e.code && t(key) !== key) return t(key);
  }
  return errText(e);
}

/**
 * Binds a launch form: on submit, build(form) makes the body (it may throw an invalid
 * APIError), send(body) calls the API. The button waits meanwhile; an error shows in
 * the form's [data-form-error] and marks the field the API named. done(result) runs
 * after success.
 */
export function bindForm(form, { build, send, done }) {
  const box = form.querySelector('[data-form-error]');
  const btn = form.querySelector('[type=submit]');
  const clear = () => {
    box.hidden = true;
    box.textContent = '';
    form.querySelectorAll('.has-error').forEach((n) => n.classList.remove('has-error'));
  };
  form.addEventListener('input', clear);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (btn.disabled) return;
    clear();
    btn.disabled = true;
    form.setAttribute('aria-busy', 'true');
    try {
      const res = await send(build(form));
      if (done) await done(res);
    } catch (e) {
      box.textContent = toolErr(e);
      box.hidden = false;
      const q = e.field && CSS.escape(e.field);
      const f = q && form.querySelector(`[name="${q}"], [data-field="${q}"]`);
      if (f) {
        (f.closest('.field') || f).classList.add('has-error');
        f.focus();
      }
    } finally {
      btn.disabled = false;
      form.removeAttribute('aria-busy');
    }
  });
}

/**
 * Fills a product <select> from the catalog: the showcase's products first, then the
 * rest. keep keeps the current choice when it is still there. Answers whether any
 * product exists.
 */
export function fillProducts(select, catalog, showcaseIds, { any = false } = {}) {
  const cur = select.value;
  const inShow = catalog.filter((p) => showcaseIds.has(p.id));
  const rest = catalog.filter((p) => !showcaseIds.has(p.id));
  const opt = (p) => el('option', { value: String(p.id), text: p.name + ' · ' + fmtYuan(p.price) });
  const kids = [];
  if (any) kids.push(el('option', { value: '', text: t('js.tools.any_product') }));
  else if (!catalog.length) kids.push(el('option', { value: '', text: t('js.tools.no_products') }));
  if (inShow.length) kids.push(el('optgroup', { label: t('js.tools.optgroup.showcase') }, ...inShow.map(opt)));
  if (rest.length) kids.push(el('optgroup', { label: t('js.tools.optgroup.catalog') }, ...rest.map(opt)));
  select.replaceChildren(...kids);
  if (cur && [...select.options].some((o) => o.value === cur)) select.value = cur;
  return catalog.length > 0;
}

/**
 * Keeps a form's SKU picker in step with its product picker: shown only when the
 * product has several SKUs; the price hint shows the chosen SKU's (or product's) price.
 */
export function bindSKU(form, products) {
  const prod = form.elements.product_id;
  const sku = form.elements.sku_id;
  const hint = form.querySelector('[data-price-hint]');
  const sync = () => {
    const p = products().find((x) => String(x.id) === prod.value);
    const skus = (p && p.skus) || [];
    if (sku) {
      const was = sku.value;
      sku.replaceChildren(...skus.map((k) => el('option', { value: String(k.id), text: k.name + ' · ' + fmtYuan(k.price) + ' · ' + t('js.tools.stock_n', k.stock) })));
      if ([...sku.options].some((o) => o.value === was)) sku.value = was;
      sku.closest('.field').hidden = skus.length < 2;
    }
    if (hint) {
      const k = skus.find((x) => sku && String(x.id) === sku.value);
      const price = k ? k.price : p ? p.price : 0;
      hint.textContent = p ? t('js.tools.original_price', fmtYuan(price)) : '';
    }
  };
  prod.addEventListener('change', sync);
  if (sku) sku.addEventListener('change', sync);
  return sync;
}

/** The SKU id to send: only when the picker is shown (a product with several SKUs). */
export function skuOf(form) {
  const f = form.elements.sku_id;
  return f && !f.closest('.field').hidden && f.value ? Number(f.value) : undefined;
}

/** Seconds from a number input and its unit select (1 or 60). */
export function secondsOf(form, name, field) {
  const n = intOf(form.elements[name].value, field || name);
  if (n == null) return null;
  const unit = form.elements[name + '_unit'];
  return n * (unit ? Number(unit.value) : 1);
}

const statusTone = {
  running: 'live', open: 'live', active: 'live', collecting: 'live', forming: 'live',
  scheduled: 'info', sold_out: 'warn', empty: 'muted', drawn: 'ok', succeeded: 'ok', unlocked: 'ok', ordered: 'ok',
  ended: 'muted', closed: 'muted', stopped: 'muted', expired: 'muted', failed: 'danger',
};

/** A status badge with the tool's wording (js.tools.<tool>.status.<status>). */
export function statusBadge(tool, status) {
  const tone = statusTone[status] || 'muted';
  const b = el('span', { class: 'badge tl-badge tl-' + tone, 'data-status': status, 'data-testid': 'tool-status' });
  if (tone === 'live') b.append(el('span', { class: 'live-dot' }));
  b.append(t('js.tools.' + tool + '.status.' + status));
  return b;
}

/** One labelled figure of a list card ("剩余 12"). */
export function fig(label, value, testid) {
  return el('span', { class: 'tl-fig' }, el('span', { class: 'tl-fig-label', text: label }),
    el('b', { class: 'tl-fig-num', text: String(value), 'data-testid': testid || null }));
}

/** A product thumbnail (the image, or a bag icon when there is none). */
export function thumb(src, cls = 'tl-thumb') {
  const box = el('span', { class: cls });
  if (src) box.append(el('img', { src, alt: '', loading: 'lazy', referrerpolicy: 'no-referrer' }));
  else box.append(icon('bag'));
  return box;
}

/** A small button; danger ones ask confirmText first when given. */
export function smallBtn(label, onClick, { cls = '', testid, confirmText } = {}) {
  const b = el('button', { type: 'button', class: 'btn btn-sm ' + cls, text: label, 'data-testid': testid || null });
  b.addEventListener('click', async () => {
    if (confirmText && !window.confirm(confirmText)) return;
    b.disabled = true;
    try { await onClick(b); } finally { b.disabled = false; }
  });
  return b;
}

/** Countdown text until iso, refreshed by the panel's ticker through [data-until]. */
export function until(iso, prefixKey) {
  const span = el('span', { class: 'tl-until', 'data-until': iso || '', 'data-prefix': prefixKey || '' });
  tickUntil(span);
  return span;
}

/** Refreshes one [data-until] countdown. */
export function tickUntil(span, now = Date.now()) {
  const left = fmtCountdown(span.getAttribute('data-until'), now);
  const key = span.getAttribute('data-prefix');
  span.textContent = left ? (key ? t(key, left) : left) : '';
  span.hidden = !left;
}

/** Replaces a list's items; shows its empty note when there are none. */
export function renderList(list, empty, nodes) {
  list.replaceChildren(...nodes);
  if (empty) empty.hidden = nodes.length > 0;
}

/** Items of a list answer ({items:[…]}) or a bare array. */
export const itemsOf = (r) => (Array.isArray(r) ? r : (r && r.items) || []);

/** The product name a tool row shows, from the row or the catalog. */
export function productName(row, catalog) {
  if (row.product_name) return row.product_name;
  const p = catalog.find((x) => x.id === row.product_id);
  return p ? p.name : '#' + row.product_id;
}
