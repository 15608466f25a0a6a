// Shared pieces of the live pages (viewer, preview, studio, discovery): message
// catalog, JSON API calls, the room WebSocket with reconnects, number and time
// formatting. Plain ES module, no build step; pages pass their data in JSON script
// tags because the CSP forbids inline scripts.

/** Reads the JSON of <script type="application/json" id=…>, {} when absent. */
export function jsonData(id) {
  const el = document.getElementById(id);
  if (!el) return {};
  try { return JSON.parse(el.textContent || '{}'); } catch { return {}; }
}

const catalog = jsonData('i18n');

/** Translates key with %s/%d placeholders filled in order; the key itself when missing. */
export function t(key, ...args) {
  let s = catalog[key];
  if (s == null) return key;
  let i = 0;
  return s.replace(/%[sd]/g, () => (i < args.length ? String(args[i++]) : ''));
}

/** Error carrying the API's error code ("muted", "not_found", …) and HTTP status. */
export class APIError extends Error {
  constructor(status, code, message, field) {
    super(message || code || ('HTTP ' + status));
    this.status = status;
    this.code = code || '';
    this.field = field || '';
  }
}

/**
 * Calls the JSON API. opts: method, body (object), token (bearer). Resolves to the
 * decoded answer ({} for 204) or rejects with an APIError.
 */
export async function api(path, opts = {}) {
  const headers = { Accept: 'application/json' };
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  if (opts.token) headers.Authorization = 'Bearer ' + opts.token;
  let res;
  try {
    res = await fetch(path, {
      method: opts.method || 'GET', headers, credentials: 'same-origin',
      body: opts.body !== undefined ? JSON.stringify(opts.body) : undefined,
    });
  } catch (err) {
    throw new APIError(0, 'network', t('js.err.network'));
  }
  if (res.status === 204) return {};
  let data = {};
  try { data = await res.json(); } catch { /* not JSON */ }
  if (!res.ok) {
    const e = data && data.error ? data.error : {};
    throw new APIError(res.status, e.code || '', e.message || '', e.field || '');
  }
  return data;
}

/** A user-facing message for an API error: a catalog text per code, else the server's. */
export function errText(err) {
  if (!err) return '';
  for (const key of ['js.err.' + err.code + '.' + err.field, 'js.err.' + err.code]) {
    if (err.code && catalog[key] != null) return t(key);
  }
  return err.message || t('js.err.generic');
}

/**
 * RoomSocket keeps one WebSocket to a room open: it unwraps `batch` messages into
 * single events for onEvent, reconnects with backoff after a drop, and stops for good
 * once the server said the viewer was kicked or banned, or close() was called.
 */
export class RoomSocket {
  constructor(sessionId, token, { onEvent, onState } = {}) {
    this.sessionId = sessionId;
    this.token = token;
    this.onEvent = onEvent || (() => {});
    this.onState = onState || (() => {});
    this.ws = null;
    this.closed = false;
    this.tries = 0;
    this.queue = [];
    this.pingTimer = null;
  }

  url() {
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    return `${proto}//${location.host}/api/v1/sessions/${this.sessionId}/ws?token=${encodeURIComponent(this.token)}`;
  }

  open() {
    if (this.closed) return;
    this.onState('connecting');
    let ws;
    try { ws = new WebSocket(this.url()); } catch { this.retry(); return; }
    this.ws = ws;
    ws.onopen = () => {
      this.tries = 0;
      this.onState('open');
      const q = this.queue;
      this.queue = [];
      q.forEach((m) => ws.send(m));
      clearInterval(this.pingTimer);
      this.pingTimer = setInterval(() => this.send({ type: 'ping' }), 25000);
    };
    ws.onmessage = (ev) => {
      let msg;
      try { msg = JSON.parse(ev.data); } catch { return; }
      this.dispatch(msg);
    };
    ws.onclose = (ev) => {
      clearInterval(this.pingTimer);
      if (this.ws !== ws) return;
      this.ws = null;
      if (this.closed) { this.onState('closed', ev.code); return; }
      this.onState('reconnecting', ev.code);
      this.retry();
    };
  }

  dispatch(msg) {
    if (!msg || typeof msg !== 'object') return;
    if (msg.type === 'batch' && Array.isArray(msg.events)) {
      msg.events.forEach((m) => this.dispatch(m));
      return;
    }
    if (msg.type === 'kicked' || msg.type === 'banned' || msg.type === 'ended') this.closed = true;
    try { this.onEvent(msg); } catch (err) { console.error(err); }
  }

  retry() {
    if (this.closed) return;
    const delay = Math.min(15000, 500 * Math.pow(2, this.tries++)) * (0.75 + Math.random() / 2);
    setTimeout(() => this.open(), delay);
  }

  /** Sends one message now, or when the connection is (re)opened. */
  send(msg) {
    const raw = JSON.stringify(msg);
    if (this.ws && this.ws.readyState === WebSocket.OPEN) this.ws.send(raw);
    else if (msg.type !== 'ping' && this.queue.length < 50) this.queue.push(raw);
  }

  close() {
    this.closed = true;
    clearInterval(this.pingTimer);
    if (this.ws) this.ws.close(1000);
  }
}

/** 12345 → "1.2万" in Chinese, "12.3k" in English; small numbers with separators. */
export function fmtNum(n) {
  n = Number(n) || 0;
  const zh = document.documentElement.lang !== 'en';
  if (zh && n >= 10000) return (n / 10000).toFixed(n >= 100000 ? 0 : 1).replace(/\.0$/, '') + '万';
  if (!zh && n >= 10000) return (n / 1000).toFixed(n >= 100000 ? 0 : 1).replace(/\.0$/, '') + 'k';
  return n.toLocaleString('en-US');
}

/** Money in fen → "¥12.80" (whole yuan without decimals). */
export function fmtYuan(fen) {
  fen = Number(fen) || 0;
  const y = fen / 100;
  return '¥' + (fen % 100 === 0 ? y.toLocaleString('en-US') : y.toFixed(2));
}

const pad = (n) => (n < 10 ? '0' : '') + n;

/** An instant as "11月28日 20:00" (or "Nov 28 20:00") in the browser's time zone. */
export function fmtWhen(iso) {
  const d = new Date(iso);
  if (isNaN(d)) return '';
  if (document.documentElement.lang === 'en') {
    return d.toLocaleString('en-US', { month: 'short', day: 'numeric' }) + ' ' + pad(d.getHours()) + ':' + pad(d.getMinutes());
  }
  return (d.getMonth() + 1) + '月' + d.getDate() + '日 ' + pad(d.getHours()) + ':' + pad(d.getMinutes());
}

/** An instant as "20:05" when it is today, else as fmtWhen does. */
export function fmtSoon(iso) {
  const d = new Date(iso);
  if (isNaN(d)) return '';
  if (d.toDateString() === new Date().toDateString()) return pad(d.getHours()) + ':' + pad(d.getMinutes());
  return fmtWhen(iso);
}

/** Time left until iso as "2天 03:04:05" / "03:04:05"; "" once it has passed. */
export function fmtCountdown(iso, now = Date.now()) {
  const ms = new Date(iso).getTime() - now;
  if (!(ms > 0)) return '';
  let s = Math.floor(ms / 1000);
  const d = Math.floor(s / 86400);
  s %= 86400;
  const hms = pad(Math.floor(s / 3600)) + ':' + pad(Math.floor((s % 3600) / 60)) + ':' + pad(s % 60);
  return d > 0 ? t('js.days', d) + ' ' + hms : hms;
}

/** Builds an element: el('div', {class: 'x', text: 'hi'}, child…). */
export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v == null || v === false) continue;
    if (k === 'text') e.textContent = v;
    else if (k === 'class') e.className = v;
    else if (k.startsWith('on') && typeof v === 'function') e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) if (c != null) e.append(c);
  return e;
}

/** An <svg><use href="#i-name"></svg> icon from the page's sprite. */
export function icon(name, cls = 'icon') {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('class', cls);
  svg.setAttribute('aria-hidden', 'true');
  const use = document.createElementNS(ns, 'use');
  use.setAttribute('href', '#i-' + name);
  svg.append(use);
  return svg;
}

/** First character of a name, upper-cased, for avatar circles. */
export function initial(s) {
  s = String(s || '').trim();
  return s ? Array.from(s)[0].toUpperCase() : '?';
}

/** Attaches an HLS (or plain) video URL to a <video>; returns a detach function. */
export function attachVideo(video, url) {
  if (!url) return () => {};
  const Hls = window.Hls;
  if (/\.m3u8(\?|$)/i.test(url) && Hls && Hls.isSupported()) {
    const hls = new Hls({ enableWorker: false, lowLatencyMode: true });
    hls.loadSource(url);
    hls.attachMedia(video);
    return () => hls.destroy();
  }
  video.src = url;
  return () => { video.removeAttribute('src'); video.load(); };
}

let toastTimer;
/** Shows a short message in the page's #toast element. */
export function toast(msg, ms = 2600) {
  const box = document.getElementById('toast');
  if (!box || !msg) return;
  box.textContent = msg;
  box.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { box.hidden = true; }, ms);
}

/** Copies text to the clipboard; resolves true when it worked. */
export async function copyText(text) {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch { /* fall back */ }
  const ta = el('textarea', { class: 'sr-only', readonly: true });
  ta.value = text;
  document.body.append(ta);
  ta.select();
  let ok = false;
  try { ok = document.execCommand('copy'); } catch { ok = false; }
  ta.remove();
  return ok;
}
