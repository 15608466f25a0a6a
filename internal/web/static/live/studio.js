// 直播中控台: the host's control panel. It takes a bearer token from the console (a
// CSRF-protected POST), joins the room's WebSocket as staff (host or moderator) and
// moderates through the REST API. Everything it shows comes from the room live.

import { api, jsonData, t, RoomSocket, fmtNum, fmtYuan, el, icon, toast, errText, initial, attachVideo } from './common.js';
import { giftPic } from './ui.js';
import { Moderation } from './studio-mod.js';
import { SellingTools } from './studio-tools.js';

const boot = jsonData('studio-data');
const sid = boot.session_id;
const $ = (s) => document.querySelector(s);
const csrf = (() => {
  try { return JSON.parse(document.body.getAttribute('hx-headers') || '{}')['X-CSRF-Token'] || ''; } catch { return ''; }
})();

// ---------- the token ----------

async function token() {
  const k = 'siyu.studio.token.' + boot.user_id;
  try {
    const c = JSON.parse(sessionStorage.getItem(k) || 'null');
    if (c && new Date(c.expires_at).getTime() - Date.now() > 60000) return c.token;
  } catch { /* fetch a new one */ }
  const r = await fetch(`/console/live/${sid}/token`, { method: 'POST', headers: { 'X-CSRF-Token': csrf }, credentials: 'same-origin' });
  if (!r.ok) throw new Error(t('js.studio.token_failed', r.status));
  const c = await r.json();
  sessionStorage.setItem(k, JSON.stringify(c));
  return c.token;
}

let tok = '';
const call = (path, opts = {}) => api(path, { ...opts, token: tok });
const tools = new SellingTools({ sid, call, boot }); // 带货工具 (studio-tools.js)

// ---------- stats ----------

function setStats(st) {
  document.querySelectorAll('[data-stat]').forEach((n) => {
    const k = n.getAttribute('data-stat');
    if (st[k] == null) return;
    const v = n.hasAttribute('data-money') ? fmtYuan(st[k]) : fmtNum(st[k]);
    if (n.textContent !== v) {
      n.textContent = v;
      n.classList.remove('bump');
      void n.offsetWidth;
      n.classList.add('bump');
    }
  });
}

// ---------- prompts (host aids) ----------

const promptList = $('[data-prompts]');
const giftLabel = (name, count) => name + (count > 1 ? ' ×' + count : '');

/** A prompt's wording in the page's language, from its fields; the server's text otherwise. */
function promptText(m) {
  const gift = giftLabel(m.gift_name || '', m.count || 1);
  switch (m.kind) {
    case 'welcome': return t('js.prompt.welcome', m.nickname);
    case 'thank_gift': return m.gift_name ? t('js.prompt.thank', m.nickname, gift) : m.text;
    case 'suggest_red_envelope': return m.gift_name ? t('js.prompt.envelope', m.nickname, gift, fmtYuan(m.gift_value || 0)) : m.text;
    case 'traffic_drop':
    case 'engagement_drop':
      return t('js.prompt.' + m.kind, m.window_minutes, Math.round(-(m.change || 0) * 100), m.previous, m.current);
  }
  return m.text || '';
}

function prompt(m) {
  const kinds = { welcome: ['users', 'p-welcome'], thank_gift: ['gift', 'p-thank'], suggest_red_envelope: ['zap', 'p-envelope'],
    traffic_drop: ['trend', 'p-alert'], engagement_drop: ['trend', 'p-alert'] };
  const [ic, cls] = kinds[m.kind] || ['zap', 'p-welcome'];
  const done = el('button', { type: 'button', class: 'btn btn-sm btn-ghost', text: t('js.prompt.done') });
  const li = el('li', { class: 'prompt ' + cls, 'data-testid': 'prompt', 'data-kind': m.kind },
    el('span', { class: 'prompt-ico' }, icon(ic)),
    el('div', { class: 'prompt-body' }, el('span', { class: 'prompt-kind', text: t('js.prompt.kind.' + m.kind) }), el('p', { text: promptText(m) })),
    done);
  done.addEventListener('click', () => { li.remove(); syncPrompts(); });
  promptList.prepend(li);
  while (promptList.children.length > 40) promptList.lastElementChild.remove();
  syncPrompts();
}
function syncPrompts() { $('[data-prompts-empty]').hidden = promptList.children.length > 0; }
$('[data-prompts-clear]').addEventListener('click', () => { promptList.replaceChildren(); syncPrompts(); });

// ---------- comments ----------

const mod = new Moderation({ sid, call, list: $('[data-comments]'), empty: $('[data-comments-empty]'), autoscroll: $('[data-autoscroll]') });

function giftLine(m) {
  const li = el('li', { class: 'cm cm-gift', 'data-testid': 'studio-gift' },
    giftPic((boot.gifts || {})[m.gift_id] || '', boot.gift_icons, 'cm-gift-pic'),
    el('div', { class: 'cm-body' }, el('span', { class: 'cm-name', text: m.nickname }),
      el('span', { class: 'cm-text', text: t('js.gift.line', giftLabel(m.name, m.count), fmtYuan(m.value)) })));
  mod.push(li);
}

// ---------- on-mic queue ----------

const micList = $('[data-mic]');
const mics = new Map();
function renderMics() {
  micList.replaceChildren(...[...mics.values()].map((m) => {
    const ok = el('button', { type: 'button', class: 'btn btn-sm btn-primary', text: t('js.mic.approve'), 'data-testid': 'mic-approve' });
    const no = el('button', { type: 'button', class: 'btn btn-sm', text: t('js.mic.refuse') });
    ok.addEventListener('click', () => decideMic(m.viewer_id, 'approve'));
    no.addEventListener('click', () => decideMic(m.viewer_id, 'refuse'));
    return el('li', { class: 'mic-row', 'data-testid': 'mic-row' }, el('span', { class: 'avatar avatar-sm', text: initial(m.nickname) }),
      el('span', { class: 'strong grow ellipsis', text: m.nickname }), ok, no);
  }));
  $('[data-mic-empty]').hidden = mics.size > 0;
  $('[data-mic-count]').textContent = String(mics.size);
}
async function decideMic(viewerId, what) {
  try {
    await call(`/api/v1/sessions/${sid}/mic-requests/${viewerId}/${what}`, { method: 'POST', body: {} });
  } catch (e) {
    if (e.status === 404 || e.status === 405) socket.send({ type: what === 'approve' ? 'mic_approve' : 'mic_refuse', viewer_id: viewerId });
    else { toast(errText(e)); return; }
  }
  const m = mics.get(viewerId);
  mics.delete(viewerId);
  renderMics();
  if (m) toast(t(what === 'approve' ? 'js.mic.approved_by' : 'js.mic.refused_by', m.nickname));
}
async function loadMics() {
  try {
    const r = await call(`/api/v1/sessions/${sid}/mic-requests`);
    (Array.isArray(r) ? r : r.items || []).forEach((m) => mics.set(m.viewer_id, m));
    renderMics();
  } catch { /* the socket fills the queue */ }
}

// ---------- video and co-stream ----------

let detach = [];
function renderVideo(selfURL, partner) {
  detach.forEach((f) => f());
  detach = [];
  const v = $('[data-video="self"]');
  v.hidden = !selfURL;
  $('[data-video-empty]').hidden = !!selfURL;
  if (selfURL) detach.push(attachVideo(v, selfURL));
  const pane = $('[data-partner-pane]');
  pane.hidden = !partner;
  $('[data-video-wrap]').classList.toggle('paired', !!partner);
  $('[data-pair-label]').hidden = !partner;
  $('[data-paired]').hidden = !partner;
  $('[data-costream-form]').hidden = !!partner;
  if (partner) {
    $('[data-partner-name]').textContent = partner.host_name || '';
    $('[data-pair-label]').textContent = t('js.costream.label', partner.title || '');
    $('[data-paired-text]').textContent = t('js.costream.paired', partner.host_name || '', partner.title || '');
    const pv = $('[data-video="partner"]');
    pv.hidden = !partner.video_url;
    $('[data-partner-empty]').hidden = !!partner.video_url;
    if (partner.video_url) detach.push(attachVideo(pv, partner.video_url));
  }
}

let invitedBy = 0;
function showInvite(m) {
  invitedBy = m.from_session_id;
  $('[data-invite]').hidden = false;
  $('[data-invite-text]').textContent = t('js.costream.invited', m.host_name || '', m.title || ('#' + m.from_session_id));
}
$('[data-invite-accept]').addEventListener('click', async () => {
  try {
    await call(`/api/v1/sessions/${sid}/co-stream/accept`, { method: 'POST', body: { session_id: invitedBy } });
    $('[data-invite]').hidden = true;
  } catch (e) { toast(errText(e)); }
});
$('[data-invite-dismiss]').addEventListener('click', () => { $('[data-invite]').hidden = true; });
$('[data-costream-form]').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const to = Number(ev.target.partner.value);
  if (!to) return;
  try {
    await call(`/api/v1/sessions/${sid}/co-stream`, { method: 'POST', body: { session_id: to } });
    toast(t('js.costream.sent'));
  } catch (e) { toast(errText(e)); }
});
$('[data-costream-end]').addEventListener('click', async () => {
  try { await call(`/api/v1/sessions/${sid}/co-stream`, { method: 'DELETE' }); } catch (e) { toast(errText(e)); }
});

// ---------- announcement and room settings ----------

async function patch(body, okMsg) {
  try {
    await call(`/api/v1/sessions/${sid}`, { method: 'PATCH', body });
    if (okMsg) toast(okMsg);
    return true;
  } catch (e) {
    toast(errText(e));
    return false;
  }
}
const annForm = $('[data-announce-form]');
annForm.addEventListener('submit', (ev) => {
  ev.preventDefault();
  patch({ announcement: annForm.announcement.value.trim() }, t('js.announce.pinned'));
});
const annClear = $('[data-announce-clear]');
if (annClear) annClear.addEventListener('click', async () => {
  if (await patch({ announcement: '' }, t('js.announce.cleared'))) annForm.announcement.value = '';
});
$('[data-slow]').addEventListener('change', (ev) => patch({ slow_mode_seconds: Number(ev.target.value) }, t('js.settings.saved')));
$('[data-followers]').addEventListener('change', (ev) => patch({ followers_only: ev.target.checked }, t('js.settings.saved')));

// ---------- the socket ----------

const conn = $('[data-conn]');
function setConn(s) {
  conn.setAttribute('data-conn', s);
  conn.querySelector('[data-conn-text]').textContent = t('js.conn.' + s);
}

let socket;
let shown = { status: boot.status, interrupted: !!boot.interrupted };
function onEvent(m) {
  tools.onEvent(m);
  switch (m.type) {
    case 'welcome':
      if (m.stats) setStats(m.stats);
      renderVideo((m.session && m.session.video_url) || boot.video_url, m.co_stream && m.co_stream.session_id ? m.co_stream : null);
      break;
    case 'stats': setStats(m); break;
    case 'comment': mod.comment(m); break;
    case 'comment_deleted': mod.markDeleted(m.id); break;
    case 'gift': giftLine(m); break;
    case 'share': mod.system(m.nickname, t('js.shared')); break;
    case 'follow': mod.system(m.nickname, t('js.followed')); break;
    case 'prompt': prompt(m); break;
    case 'mic_request': mics.set(m.viewer_id, m); renderMics(); break;
    case 'mic_cancel': mics.delete(m.viewer_id); renderMics(); break;
    case 'co_stream_invite': showInvite(m); break;
    case 'co_stream':
      renderVideo(boot.video_url, m.partner && m.partner.session_id ? m.partner : null);
      if (m.partner) toast(t('js.costream.started', m.partner.host_name || ''));
      break;
    case 'announcement': annForm.announcement.value = m.text || ''; break;
    case 'session':
      if (m.video_url !== undefined && m.video_url !== boot.video_url) { boot.video_url = m.video_url; renderVideo(boot.video_url, null); }
      if (m.status !== shown.status || !!m.interrupted !== shown.interrupted) {
        shown = { status: m.status, interrupted: !!m.interrupted };
        setTimeout(() => location.reload(), 600);
      }
      break;
    case 'ended':
      if (shown.status === 'ended') break;
      shown.status = 'ended';
      toast(t('js.state.ended'));
      setTimeout(() => location.reload(), 1200);
      break;
    case 'error': toast(m.message || t('js.err.generic')); break;
  }
}

// ---------- drop alerts ----------
// Analytics stores an alert when entries or engagement fall sharply against the minutes
// before (tenant settings); the host sees each once, as a prompt and a toast, while live.
const seenAlerts = new Set();
async function checkAlerts() {
  try {
    const d = await call(`/api/v1/sessions/${sid}/dashboard`);
    for (const a of d.alerts || []) {
      if (seenAlerts.has(a.id)) continue;
      seenAlerts.add(a.id);
      const m = { ...a, text: a.message };
      prompt(m);
      toast(promptText(m), 8000);
    }
  } catch { /* a missed poll is retried on the next one */ }
}

(async () => {
  renderVideo(boot.video_url, null);
  try {
    tok = await token();
  } catch (e) {
    setConn('failed');
    toast(e.message, 8000);
    return;
  }
  tools.start();
  if (boot.status === 'ended') {
    setConn('closed'); // the show is over: its comments stay readable, the room is closed
    mod.loadHistory();
    return;
  }
  socket = new RoomSocket(sid, tok, { onEvent, onState: setConn });
  socket.open();
  mod.loadHistory();
  loadMics();
  if (boot.can_analytics) {
    checkAlerts();
    setInterval(checkAlerts, 15000);
  }
})();
