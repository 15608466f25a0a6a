// The viewer's live room. Start-up: the session's public face comes in #room-data;
// a first visit asks for a nickname and creates a guest viewer (with the entry code,
// for attribution); the viewer's token is kept in localStorage per session, then the
// room WebSocket drives everything: comments, likes, gifts, stats, state changes.

import { api, APIError, jsonData, t, RoomSocket, fmtNum, fmtWhen, fmtSoon, fmtCountdown, el, icon, toast, copyText, errText, attachVideo, initial } from './common.js';
import { CommentList, heart, Layers, Notice, giftPic } from './ui.js';
import { setupMe, setupNotifications } from './viewer-me.js';

const boot = jsonData('room-data');
const sid = boot.session_id;
const root = document.getElementById('room');
const $ = (sel) => root.querySelector(sel);
const store = {
  key: 'siyu.viewer.' + sid,
  get() { try { return JSON.parse(localStorage.getItem(this.key) || 'null'); } catch { return null; } },
  set(v) { localStorage.setItem(this.key, JSON.stringify(v)); },
  clear() { localStorage.removeItem(this.key); },
};

const state = {
  me: store.get(),           // {viewer_id, token, nickname, known?}
  session: { status: boot.status, scheduled_at: boot.scheduled_at, host_name: boot.host_name, title: boot.title },
  stats: { online: 0, likes: 0, viewers: 0, comments: 0 },
  shownLikes: 0,
  pendingLikes: 0,
  mutedUntil: 0,
  follower: false,
  mic: 'none',
  gone: '',                  // "kicked" | "banned" once the room sent us away
  partner: null,
  reserved: localStorage.getItem('siyu.reserved.' + sid) === '1',
};

const layers = new Layers(root);
const notice = new Notice($('[data-notice]'));
const comments = new CommentList($('[data-comments]'), () => state.me && state.me.viewer_id);
let socket = null;
let detachVideo = () => {};
let detachPair = [];
let countdownTimer = null;

// ---------- identity ----------

function askNickname() {
  const input = $('#nick-input');
  input.value = localStorage.getItem('siyu.nickname') || '';
  layers.show('nick');
}

$('[data-nick-form]').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const input = $('#nick-input');
  const err = $('[data-nick-error]');
  const nickname = input.value.trim();
  err.hidden = true;
  if (!nickname) { err.textContent = t('js.nick.required'); err.hidden = false; input.focus(); return; }
  const btn = ev.submitter || $('[data-testid=nickname-submit]');
  btn.disabled = true;
  try {
    const body = { nickname };
    if (boot.entry) body.entry = boot.entry;
    const v = await api(`/api/v1/sessions/${sid}/viewers`, { method: 'POST', body });
    state.me = { viewer_id: v.viewer_id, token: v.token, nickname: v.nickname || nickname, known: !!v.known };
    store.set(state.me);
    localStorage.setItem('siyu.nickname', nickname);
    layers.hide('nick');
    connect();
  } catch (e) {
    err.textContent = errText(e);
    err.hidden = false;
  } finally {
    btn.disabled = false;
  }
});

async function checkIdentity() {
  try {
    const v = await api('/api/v1/viewer/me', { token: state.me.token });
    if (v && v.viewer_id) {
      state.me.nickname = v.nickname || state.me.nickname;
      state.me.known = !!v.known;
      state.me.phone = v.phone || '';
      store.set(state.me);
    }
    return true;
  } catch (e) {
    if (e instanceof APIError && e.status === 401) return false;
    return true; // the check is a courtesy; the socket decides
  }
}

// ---------- room state ----------

function setState(s) {
  Object.assign(state.session, s);
  const ss = state.session;
  let view = ss.status;
  if (ss.status === 'live' && ss.interrupted) view = 'interrupted';
  if (state.gone) view = state.gone;
  root.dataset.state = view;
  $('[data-live-dot]').hidden = view !== 'live';
  if (typeof ss.announcement === 'string') showAnnouncement(ss.announcement);
  renderCard(view);
  const playing = view === 'live' && ss.video_url;
  if (playing && !root.dataset.playing) {
    const video = $('[data-video]');
    video.hidden = false;
    detachVideo = attachVideo(video, ss.video_url);
    root.dataset.playing = ss.video_url;
  } else if (!playing && root.dataset.playing) {
    detachVideo();
    $('[data-video]').hidden = true;
    delete root.dataset.playing;
  }
  renderPair();
}

function renderCard(view) {
  const card = $('[data-state-card]');
  clearInterval(countdownTimer);
  if (view === 'live') { card.hidden = true; return; }
  card.hidden = false;
  card.replaceChildren();
  const ss = state.session;
  const head = (ic, title, text) => {
    card.append(el('div', { class: 'state-icon' }, icon(ic)), el('h2', { text: title }));
    if (text) card.append(el('p', { text }));
  };
  if (view === 'scheduled' || view === 'draft') {
    const when = ss.scheduled_at ? fmtWhen(ss.scheduled_at) : '';
    head('calendar', t('js.state.scheduled'), when ? t('js.state.scheduled_at', ss.host_name || boot.host_name, when) : t('js.state.soon'));
    if (ss.scheduled_at) {
      const count = el('span', { class: 'count', 'data-testid': 'countdown' });
      card.append(count);
      const tick = () => { count.textContent = fmtCountdown(ss.scheduled_at) || t('js.state.starting'); };
      tick();
      countdownTimer = setInterval(tick, 1000);
    }
    const btn = el('button', { type: 'button', class: 'pbtn' + (state.reserved ? ' done' : ''), 'data-testid': 'room-reserve' },
      icon('bell'), el('span', { text: state.reserved ? t('js.reserved') : t('js.reserve') }));
    btn.disabled = state.reserved;
    btn.addEventListener('click', () => reserve(sid, btn, () => {
      state.reserved = true;
      localStorage.setItem('siyu.reserved.' + sid, '1');
    }));
    card.append(btn);
  } else if (view === 'interrupted') {
    head('pause', t('js.state.interrupted'), t('js.state.interrupted.text'));
  } else if (view === 'ended') {
    head('stop', t('js.state.ended'), t('js.state.ended.text', ss.host_name || boot.host_name));
    const st = state.stats;
    if (state.statsSeen) card.append(el('div', { class: 'state-stats' },
      el('div', {}, el('b', { text: fmtNum(st.viewers) }), el('span', { text: t('js.stat.viewers') })),
      el('div', {}, el('b', { text: fmtNum(Math.max(st.likes, state.shownLikes)) }), el('span', { text: t('js.stat.likes') })),
      el('div', {}, el('b', { text: fmtNum(st.comments) }), el('span', { text: t('js.stat.comments') }))));
    nextShow(card);
  } else if (view === 'kicked') {
    head('alert', t('js.state.kicked'), t('js.state.kicked.text'));
    const btn = el('button', { type: 'button', class: 'pbtn pbtn-ghost' }, el('span', { text: t('js.state.rejoin') }));
    btn.addEventListener('click', () => location.reload());
    card.append(btn);
  } else if (view === 'banned') {
    head('lock', t('js.state.banned'), t('js.state.banned.text'));
  }
}

/** At the end: the brand's next show, if one is scheduled, with a 预约 button. */
async function nextShow(card) {
  try {
    const d = await api('/api/v1/discover');
    const next = (d.upcoming || []).find((r) => r.brand === boot.brand && r.session_id !== sid);
    if (!next || !card.isConnected || root.dataset.state !== 'ended') return;
    // With an identity the reservation happens here; without one (a visitor who came
    // after the end cannot join this session any more) the next show's preview page
    // takes them through it.
    const btn = state.me
      ? el('button', { type: 'button', class: 'pbtn pbtn-sm', 'data-testid': 'next-reserve' }, el('span', { text: t('js.reserve_next') }))
      : el('a', { class: 'pbtn pbtn-sm', href: `/live/s/${next.session_id}/preview`, 'data-testid': 'next-reserve' }, el('span', { text: t('js.reserve_next') }));
    card.append(el('div', { class: 'next-card', 'data-testid': 'next-show' },
      el('h3', { text: t('js.next_show') + ' · ' + next.title }),
      el('p', { text: next.scheduled_at ? t('js.state.scheduled_at', next.host_name, fmtWhen(next.scheduled_at)) : next.host_name }), btn));
    if (state.me) btn.addEventListener('click', () => reserve(next.session_id, btn));
  } catch { /* no next show to offer */ }
}

async function reserve(sessionId, btn, done) {
  if (!state.me) { askNickname(); return; }
  btn.disabled = true;
  try {
    await api(`/api/v1/sessions/${sessionId}/reservations`, { method: 'POST', body: {}, token: state.me.token });
    btn.classList.add('done');
    btn.querySelector('span').textContent = t('js.reserved');
    toast(t('js.reserved.toast'));
    if (done) done();
  } catch (e) {
    btn.disabled = false;
    toast(errText(e));
  }
}

function showAnnouncement(text) {
  const box = $('[data-announce]');
  box.hidden = !text;
  $('[data-announce-text]').textContent = text || '';
}
$('[data-announce]').addEventListener('click', (ev) => ev.currentTarget.classList.toggle('open'));

function renderPair() {
  const pair = $('[data-pair]');
  detachPair.forEach((f) => f());
  detachPair = [];
  const p = state.partner;
  const live = root.dataset.state === 'live';
  if (!p || !live) {
    pair.hidden = true;
    delete root.dataset.paired;
    return;
  }
  pair.hidden = false;
  root.dataset.paired = '1';
  const self = state.session.host_name || boot.host_name;
  $('[data-pair-l]').textContent = self;
  $('[data-pair-r]').textContent = p.host_name || p.title || '';
  $('[data-pair-av-r]').textContent = initial(p.host_name || p.title);
  const pane = (sel, url) => {
    const v = $(sel);
    v.hidden = !url;
    if (url) detachPair.push(attachVideo(v, url));
  };
  pane('[data-pair-self]', state.session.video_url);
  pane('[data-pair-partner]', p.video_url);
}

function setStats(st) {
  Object.assign(state.stats, st);
  state.statsSeen = true;
  $('[data-online]').textContent = fmtNum(st.online);
  state.shownLikes = Math.max(state.shownLikes, (st.likes || 0) + state.pendingLikes);
  renderLikes();
}

function renderLikes() {
  $('[data-likes]').textContent = fmtNum(state.shownLikes);
  $('[data-host-sub]').textContent = t('js.likes_n', fmtNum(state.shownLikes));
}

function setMuted(until) {
  state.mutedUntil = until || 0;
  if (until && until > Date.now()) {
    notice.show(t('js.muted', fmtSoon(new Date(until).toISOString())), 'error');
    setTimeout(() => { if (Date.now() >= state.mutedUntil) { notice.hide(); state.mutedUntil = 0; } }, until - Date.now() + 500);
  }
}

function goneFor(kind) {
  state.gone = kind;
  root.classList.add('gone');
  $('[data-testid=comment-input]').disabled = true;
  notice.hide(); // the card in the middle says it
  setState({});
}

// ---------- the socket ----------

function onEvent(m) {
  switch (m.type) {
    case 'welcome':
      if (m.member) {
        state.follower = !!m.member.follower;
        renderFollow();
        if (m.member.muted_until) setMuted(m.member.muted_until);
        if (m.member.nickname && state.me) state.me.nickname = m.member.nickname;
      }
      if (m.stats) setStats(m.stats);
      state.partner = m.co_stream && m.co_stream.session_id ? m.co_stream : null;
      if (m.session) setState(m.session);
      break;
    case 'session':
      setState(m);
      break;
    case 'stats':
      setStats(m);
      break;
    case 'comment':
      comments.comment(m);
      break;
    case 'comment_deleted':
      comments.remove(m.id);
      break;
    case 'gift': {
      const li = comments.system(m.nickname, '', 'dm-gift');
      li.append(document.createTextNode(t('js.gift.sent') + ' '), el('b', { text: m.name + (m.count > 1 ? ' ×' + m.count : '') }));
      break;
    }
    case 'share':
      comments.system(m.nickname, t('js.shared'));
      break;
    case 'follow':
      comments.system(m.nickname, t('js.followed'));
      break;
    case 'announcement':
      showAnnouncement(m.text);
      break;
    case 'muted':
      if (m.until) setMuted(m.until);
      else { state.mutedUntil = 0; notice.hide(); }
      break;
    case 'unmuted':
      state.mutedUntil = 0;
      notice.hide();
      break;
    case 'kicked':
    case 'banned':
      goneFor(m.type);
      break;
    case 'ended':
      if (socket) socket.close();
      setState({ status: 'ended' });
      break;
    case 'co_stream':
      state.partner = m.partner && m.partner.session_id ? m.partner : null;
      if (state.partner) comments.system('', t('js.costream', state.session.host_name || boot.host_name, state.partner.host_name || ''));
      renderPair();
      break;
    case 'mic':
      state.mic = m.state || 'none';
      renderMic();
      if (m.state === 'approved') toast(t('js.mic.approved'));
      else if (m.state === 'refused') toast(t('js.mic.refused'));
      break;
    case 'error':
      onError(m);
      break;
  }
}

function onError(m) {
  switch (m.code) {
    case 'muted':
      setMuted(m.until || Date.now() + (m.remaining || 60) * 1000);
      notice.show(t('js.muted_refused', m.until ? fmtSoon(new Date(m.until).toISOString()) : ''), 'error');
      break;
    case 'slow_mode':
      notice.show(t('js.slow_mode', m.remaining || 1), 'info', 3000);
      break;
    case 'followers_only':
      notice.show(t('js.followers_only'), 'info', 4000);
      break;
    case 'session_ended':
      setState({ status: 'ended' });
      break;
    case 'not_open':
      state.notOpen = true; // a draft: the socket keeps knocking quietly until it opens
      break;
    case 'not_live':
      toast(t('js.not_live'));
      break;
    case 'rate_limited':
      toast(t('js.err.rate_limited'));
      break;
    default:
      toast(m.message || t('js.err.generic'));
  }
}

function connect() {
  if (!state.me) return;
  renderMe();
  let failures = 0;
  socket = new RoomSocket(sid, state.me.token, {
    onEvent,
    onState: async (s) => {
      if (s === 'open') {
        failures = 0;
        if (!state.mutedUntil && !state.gone) notice.hide();
        return;
      }
      if (s !== 'reconnecting' || state.gone) return;
      if (!state.notOpen) notice.show(t('js.reconnecting'), 'info');
      // A refused upgrade (a token the server no longer knows) looks like any drop to
      // a browser: after a few, ask the API who we are and start over if nobody.
      if (++failures === 3 && !(await checkIdentity())) {
        socket.close();
        store.clear();
        state.me = null;
        notice.hide();
        askNickname();
      }
    },
  });
  socket.open();
  notes.start(state.me);
}

// ---------- controls ----------

$('[data-say]').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const input = $('[data-testid=comment-input]');
  const text = input.value.trim();
  if (!text) return;
  if (!state.me) { askNickname(); return; }
  if (state.gone) return;
  if (state.mutedUntil > Date.now()) {
    notice.show(t('js.muted_refused', fmtSoon(new Date(state.mutedUntil).toISOString())), 'error');
    return;
  }
  socket.send({ type: 'comment', text });
  input.value = '';
});

$('[data-like]').addEventListener('click', () => {
  if (!state.me || state.gone) return;
  state.pendingLikes++;
  state.shownLikes++;
  renderLikes();
  heart($('[data-hearts]'));
});
setInterval(() => {
  if (state.pendingLikes > 0 && socket) {
    const n = Math.min(state.pendingLikes, 100);
    socket.send({ type: 'like', count: n });
    state.pendingLikes -= n;
  }
}, 300);

$('[data-share]').addEventListener('click', async () => {
  const ok = await copyText(boot.share_url || location.href);
  toast(ok ? t('js.share.copied') : t('js.share.manual', boot.share_url || location.href), 4000);
  if (socket) socket.send({ type: 'share' });
});

function renderFollow() {
  const b = $('[data-follow]');
  b.classList.toggle('on', state.follower);
  b.textContent = state.follower ? t('js.following') : t('js.follow');
}
$('[data-follow]').addEventListener('click', () => {
  if (!state.me) { askNickname(); return; }
  if (state.follower) return;
  socket.send({ type: 'follow' });
  state.follower = true;
  renderFollow();
  toast(t('js.follow.toast', state.session.host_name || boot.host_name));
});

function renderMic() {
  const b = $('[data-mic-btn]');
  b.classList.toggle('on', state.mic === 'requested' || state.mic === 'approved');
  b.setAttribute('aria-pressed', state.mic === 'requested' ? 'true' : 'false');
}
$('[data-mic-btn]').addEventListener('click', () => {
  if (!state.me || state.gone) return;
  if (state.mic === 'requested') {
    socket.send({ type: 'mic_cancel' });
    state.mic = 'none';
    toast(t('js.mic.cancelled'));
  } else {
    socket.send({ type: 'mic_request' });
    state.mic = 'requested';
    toast(t('js.mic.requested'));
  }
  renderMic();
});

// ---------- gifts ----------

let gifts = null;
let chosen = null;
$('[data-gift-open]').addEventListener('click', async () => {
  if (!state.me) { askNickname(); return; }
  layers.show('gifts');
  if (gifts) return;
  const grid = $('[data-gift-grid]');
  try {
    const res = await api(`/api/v1/sessions/${sid}/gifts`);
    gifts = Array.isArray(res) ? res : (res.items || []);
  } catch (e) {
    grid.replaceChildren(el('p', { class: 'muted', text: errText(e) }));
    return;
  }
  grid.replaceChildren(...gifts.map((g) => {
    const b = el('button', { type: 'button', class: 'gift', role: 'option', 'aria-selected': 'false', 'data-testid': 'gift-item', 'data-gift-id': g.id, 'data-gift-name': g.name },
      giftPic(g.icon, boot.gift_icons), el('span', { class: 'gift-name', text: g.name }), el('span', { class: 'gift-price', text: fmtGiftValue(g.value) }));
    b.addEventListener('click', () => {
      chosen = g;
      grid.querySelectorAll('.gift').forEach((x) => { x.classList.toggle('sel', x === b); x.setAttribute('aria-selected', x === b ? 'true' : 'false'); });
      $('[data-gift-send]').disabled = false;
    });
    return b;
  }));
});

function fmtGiftValue(fen) {
  return t('js.gift.value', (fen / 100).toFixed(fen % 100 ? 2 : 0));
}

$('[data-gift-send]').addEventListener('click', () => {
  if (!chosen || !socket) return;
  socket.send({ type: 'gift', gift_id: chosen.id });
  toast(t('js.gift.thanks', chosen.name));
  layers.hide('gifts');
});

// ---------- me, phone, notifications ----------

const renderMe = setupMe(root, layers, () => state.me, (v) => { Object.assign(state.me, v); store.set(state.me); });
const notes = setupNotifications(root, layers);
$('[data-me]').addEventListener('click', () => {
  if (!state.me) { askNickname(); return; }
  renderMe();
  layers.show('me');
});

// ---------- start ----------

setState({});
(async () => {
  if (!state.me && boot.status === 'ended') return; // nothing to join: the card says it is over
  if (!state.me) { askNickname(); return; }
  if (!(await checkIdentity())) {
    store.clear();
    state.me = null;
    askNickname();
    return;
  }
  connect();
})();
