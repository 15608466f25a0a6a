// Viewer-room widgets: the floating comment list, hearts, layers (sheets and
// dialogs), the notice bar and the gift pictures.

import { el, icon, t } from './common.js';

const MAX_LINES = 80;

/** The 弹幕-style comment list at the bottom-left of the stage. */
export class CommentList {
  constructor(ol, myId) {
    this.ol = ol;
    this.myId = myId;
  }

  stickToBottom() {
    const ol = this.ol;
    return ol.scrollHeight - ol.scrollTop - ol.clientHeight < 40;
  }

  push(li) {
    const stick = this.stickToBottom();
    this.ol.append(li);
    while (this.ol.children.length > MAX_LINES) this.ol.firstElementChild.remove();
    if (stick) this.ol.scrollTop = this.ol.scrollHeight;
  }

  comment(m) {
    const mine = m.viewer_id && m.viewer_id === this.myId();
    const cls = ['dm'];
    if (mine) cls.push('dm-mine');
    if (m.role === 'host' || m.role === 'moderator') cls.push('dm-host');
    const li = el('li', { class: cls.join(' '), 'data-comment-id': m.id || null, 'data-testid': 'comment' });
    if (m.role === 'host') li.append(el('span', { class: 'dm-tag', text: t('js.role.host') }));
    else if (m.role === 'moderator') li.append(el('span', { class: 'dm-tag', text: t('js.role.moderator') }));
    li.append(el('span', { class: 'dm-name', text: (m.nickname || t('js.someone')) + (mine ? t('js.me_suffix') : '') }),
      el('span', { class: 'dm-text', text: m.text || '' }));
    this.push(li);
  }

  system(name, text, extra) {
    const li = el('li', { class: 'dm dm-sys' + (extra ? ' ' + extra : '') });
    if (name) li.append(el('span', { class: 'dm-name', text: name }));
    li.append(el('span', { text }));
    this.push(li);
    return li;
  }

  remove(id) {
    const li = this.ol.querySelector(`[data-comment-id="${CSS.escape(String(id))}"]`);
    if (li) li.remove();
  }
}

/** Pops a floating heart above the like button. */
export function heart(box) {
  const colors = ['#ff4d6d', '#ff8fab', '#ffb703', '#7bdff2', '#b388ff', '#ff5c8a'];
  const h = el('span', { class: 'heart' });
  const svg = icon('heart');
  svg.style.fill = colors[Math.floor(Math.random() * colors.length)];
  h.append(svg);
  h.style.left = (10 + Math.random() * 26) + 'px';
  h.style.setProperty('--dx', (Math.random() * 60 - 40) + 'px');
  box.append(h);
  setTimeout(() => h.remove(), 1900);
}

/** Layers: one open at a time; Escape and the backdrop close them. */
export class Layers {
  constructor(root) {
    this.root = root;
    this.open = null;
    this.onClose = {};
    root.addEventListener('click', (ev) => {
      if (ev.target.closest('[data-close]') && this.open) this.hide(this.open);
    });
    document.addEventListener('keydown', (ev) => {
      if (ev.key === 'Escape' && this.open && this.open !== 'nick') this.hide(this.open);
    });
  }

  get(name) { return this.root.querySelector(`[data-layer="${name}"]`); }

  show(name) {
    if (this.open && this.open !== name) this.hide(this.open);
    const l = this.get(name);
    if (!l) return;
    l.hidden = false;
    this.open = name;
    const f = l.querySelector('input:not([type=hidden]), button:not([data-close])');
    if (f) setTimeout(() => f.focus(), 30);
  }

  hide(name) {
    const l = this.get(name);
    if (l) l.hidden = true;
    if (this.open === name) this.open = null;
    if (this.onClose[name]) this.onClose[name]();
  }
}

/** A gift picture: a drawn one for known emoji, an image for a URL, else the emoji. */
export function giftPic(iconText, names, cls = 'gift-ico') {
  const name = names && names[iconText];
  if (name) {
    const ns = 'http://www.w3.org/2000/svg';
    const svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('class', cls);
    svg.setAttribute('aria-hidden', 'true');
    const use = document.createElementNS(ns, 'use');
    use.setAttribute('href', '#g-' + name);
    svg.append(use);
    return svg;
  }
  if (/^https?:\/\//.test(iconText || '')) {
    return el('img', { class: cls, src: iconText, alt: '', referrerpolicy: 'no-referrer' });
  }
  return el('span', { class: cls + ' gift-emoji', text: iconText || '🎁' });
}

/** The notice bar over the input: kind "error" (red) or "info" (blue). */
export class Notice {
  constructor(box) {
    this.box = box;
    this.text = box.querySelector('[data-notice-text]');
    this.timer = null;
  }

  show(msg, kind = 'error', ms = 0) {
    this.text.textContent = msg;
    this.box.classList.toggle('info', kind === 'info');
    this.box.hidden = false;
    clearTimeout(this.timer);
    if (ms) this.timer = setTimeout(() => this.hide(), ms);
  }

  hide() { this.box.hidden = true; }
}
