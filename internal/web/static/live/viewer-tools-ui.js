// Shared pieces of the room's selling tools (viewer-tools*.js, viewer-shop.js): sheets
// and pop-ups built on demand as room layers, product pictures, prices, one ticking
// clock for every countdown, the dock of running tools under the title, the stack of
// cards above the comments, and error texts per tool.

import { el, icon, t, errText } from './common.js';

/** A catalog text, or '' when the key is missing (t answers the key itself then). */
export function tt(key, ...args) {
  const s = t(key, ...args);
  return s === key ? '' : s;
}

/** Replaces node's children with kids, leaving out null and false (conditional parts). */
export function fill(node, ...kids) {
  node.replaceChildren(...kids.filter((k) => k != null && k !== false));
  return node;
}

/** A user-facing text for an API error: js.rt.err.<code>.<field>, js.rt.err.<code>, then the room's. */
export function rtErr(err) {
  if (err && err.code) {
    for (const key of ['js.rt.err.' + err.code + '.' + err.field, 'js.rt.err.' + err.code]) {
      const s = tt(key);
      if (s) return s;
    }
  }
  return errText(err);
}

/** "¥599" / "¥12.80" as a price element with a small currency sign. */
export function price(fen, cls = 'rt-price') {
  fen = Number(fen) || 0;
  const yuan = fen % 100 === 0 ? String(fen / 100) : (fen / 100).toFixed(2);
  return el('span', { class: cls }, el('small', { text: '¥' }), document.createTextNode(yuan));
}

/** A product picture: the image, or a coloured tile with the first characters of the name. */
export function thumb(name, image, cls = 'rt-thumb') {
  if (image) return el('img', { class: cls, src: image, alt: '', loading: 'lazy', referrerpolicy: 'no-referrer' });
  const s = Array.from(String(name || '').trim()).slice(0, 2).join('') || '?';
  let h = 0;
  for (const ch of String(name || '')) h = (h * 31 + ch.codePointAt(0)) % 360;
  const tile = el('span', { class: cls + ' rt-thumb-tile', 'aria-hidden': 'true' }, el('span', { text: s }));
  tile.style.setProperty('--hue', String(h));
  return tile;
}

const ticking = new Set();
setInterval(() => {
  for (const f of ticking) {
    if (f.node && !f.node.isConnected) { ticking.delete(f); continue; }
    try { f.fn(); } catch (err) { console.error(err); }
  }
}, 1000);

/** Runs fn now and every second while node is in the page; returns a stop function. */
export function every(node, fn) {
  const f = { node, fn };
  ticking.add(f);
  fn();
  return () => ticking.delete(f);
}

/** Seconds until iso (0 when past). */
export const secsLeft = (iso) => Math.max(0, Math.ceil((new Date(iso).getTime() - Date.now()) / 1000));

/** mm:ss, or h:mm:ss for an hour or more. */
export function clock(secs) {
  const p = (n) => (n < 10 ? '0' : '') + n;
  const h = Math.floor(secs / 3600);
  const m = Math.floor((secs % 3600) / 60);
  return (h ? h + ':' + p(m) : p(m)) + ':' + p(secs % 60);
}

const closeBtn = () => el('button', { type: 'button', class: 'sheet-close', 'data-close': true, 'aria-label': t('js.rt.close') }, icon('x'));

/**
 * A bottom sheet as a room layer named name (shown with layers.show(name)). Answers
 * {layer, sheet, body, title, foot}: body is where the tool draws, foot a sticky bar.
 */
export function makeSheet(root, name, { title = '', testid = '', cls = '' } = {}) {
  const h = el('h2', { id: 'rt-' + name + '-h', text: title });
  const body = el('div', { class: 'rt-body' });
  const foot = el('div', { class: 'rt-foot', hidden: true });
  const sheet = el('section', { class: 'sheet rt-sheet ' + cls, role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': h.id, 'data-testid': testid || null },
    el('div', { class: 'sheet-handle' }), el('div', { class: 'sheet-head' }, h, closeBtn()), body, foot);
  const layer = el('div', { class: 'layer', 'data-layer': name, hidden: true }, el('div', { class: 'backdrop', 'data-close': true }), sheet);
  root.append(layer);
  return { layer, sheet, body, title: h, foot };
}

/** A centred pop-up (red envelope, coupon, result) with a round close button under it. */
export function makePopup(root, name, { testid = '', cls = '', label = '' } = {}) {
  const box = el('div', { class: 'rt-popup ' + cls, role: 'dialog', 'aria-modal': 'true', 'aria-label': label || null, 'data-testid': testid || null });
  const close = el('button', { type: 'button', class: 'rt-popup-close', 'data-close': true, 'aria-label': t('js.rt.close') }, icon('x'));
  const layer = el('div', { class: 'layer', 'data-layer': name, hidden: true },
    el('div', { class: 'backdrop rt-dim', 'data-close': true }), el('div', { class: 'rt-popup-wrap' }, box, close));
  root.append(layer);
  return { layer, box };
}

/**
 * The dock of running tools under the room title (福袋, 红包, 秒杀 …): set(key, spec)
 * adds or updates one, remove(key) drops it. spec: kind (colour), icon, label (text or
 * a function called every second), badge, testid, onClick.
 */
export function makeDock(host) {
  const box = el('div', { class: 'rt-dock', 'data-testid': 'tool-dock' });
  host.append(box);
  const items = new Map();
  return {
    set(key, spec) {
      let it = items.get(key);
      if (!it) {
        const lab = el('span', { class: 'rt-dock-label' });
        const badge = el('span', { class: 'rt-dock-badge', hidden: true });
        const btn = el('button', { type: 'button', class: 'rt-dock-item', 'data-testid': spec.testid || null, 'data-key': key },
          el('span', { class: 'rt-dock-ico rt-k-' + (spec.kind || 'red') }, icon(spec.icon || 'gift')), lab, badge);
        btn.addEventListener('click', () => it.spec.onClick && it.spec.onClick());
        it = { btn, lab, badge, spec, stop: null };
        items.set(key, it);
        box.append(btn);
      }
      it.spec = spec;
      if (it.stop) it.stop();
      const label = spec.label;
      it.stop = every(it.btn, () => { it.lab.textContent = typeof label === 'function' ? label() : (label || ''); });
      it.badge.hidden = !spec.badge;
      it.badge.textContent = spec.badge ? String(spec.badge) : '';
      it.btn.setAttribute('aria-label', spec.title || it.lab.textContent);
    },
    remove(key) {
      const it = items.get(key);
      if (!it) return;
      if (it.stop) it.stop();
      it.btn.remove();
      items.delete(key);
    },
    has: (key) => items.has(key),
  };
}

/** The stack of cards above the comments (pinned product, flash sale, notices), ordered by weight. */
export function makeStack(host, before) {
  const box = el('div', { class: 'rt-stack', 'data-testid': 'tool-stack' });
  host.insertBefore(box, before);
  const cards = new Map();
  return {
    set(key, node, weight = 50) {
      const old = cards.get(key);
      node.dataset.weight = String(weight);
      if (old && old !== node) {
        if (old.isConnected) node.classList.add('rt-again');
        old.replaceWith(node);
      }
      cards.set(key, node);
      const after = [...box.children].find((c) => c !== node && Number(c.dataset.weight) > weight);
      if (!node.isConnected || node.nextElementSibling !== after) box.insertBefore(node, after || null);
    },
    remove(key) {
      const n = cards.get(key);
      if (n) n.remove();
      cards.delete(key);
    },
    get: (key) => cards.get(key),
  };
}

/**
 * A notice card in the stack with a text and one action (去支付 …); it stays until
 * acted on or closed. Answers the card.
 */
export function actionCard({ kind = 'deal', title, text, action, onAction, testid }) {
  const btn = el('button', { type: 'button', class: 'rt-mini-btn', 'data-testid': testid ? testid + '-go' : null, text: action });
  const x = el('button', { type: 'button', class: 'rt-card-x', 'aria-label': t('js.rt.close') }, icon('x'));
  const card = el('div', { class: 'rt-card rt-note rt-note-' + kind, 'data-testid': testid || null, role: 'status' },
    el('div', { class: 'rt-note-text min0' }, el('b', { text: title }), text ? el('span', { text }) : null), btn, x);
  btn.addEventListener('click', () => onAction && onAction(card));
  x.addEventListener('click', () => card.remove());
  return card;
}

/** The room's share link with extra query parameters (?assist=code). */
export function shareLink(boot, params = {}) {
  const u = new URL(boot.share_url || location.href, location.href);
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
  return u.toString();
}
