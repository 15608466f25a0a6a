// The viewer's live room. Start-up: the session's public face comes in #room-data;
// a first visit asks for a nickname and creates a guest viewer (with the entry code,
// for attribution); the viewer's token is kept in localStorage per session, then the
// room WebSocket drives everything: comments, likes, gifts, stats, state changes.
// The nickname dialog and the viewer's own sheet are viewer-me.js, the card shown when
// there is no show to watch viewer-card.js, the buttons and gift drawer viewer-controls.js,
// the shop and the selling tools (红包, 福袋, 秒杀 …) viewer-tools.js.

import { jsonData, t, RoomSocket, fmtNum, fmtSoon, el, toast, attachVideo, initial } from './common.js';
import { CommentList, Layers, Notice } from './ui.js';
import { viewerStore, setupIdentity, setupMe, setupNotifications } from './viewer-me.js';
import { stateCard } from './viewer-card.js';
import { setupControls } from './viewer-controls.js';
import { setupTools } from './viewer-tools.js';

const boot = jsonData('room-data');
const sid = boot.session_id;
const root = document.getElementById('room');
const $ = (sel) => root.querySelector(sel);
const store = viewerStore(sid);

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
const card = stateCard($('[data-state-card]'), { sid, boot, state, ask: () => askNickname() });
let detachVideo = () => {};
let detachPair = [];

// ---------- identity ----------

const { askNickname, checkIdentity } = setupIdentity(root, layers, { sid, boot, state, store, joined: () => connect() });

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
  card.render(view);
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
      tools.joined();
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
    default:
      tools.onEvent(m); // the shop and the selling tools (viewer-tools.js)
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

const { renderFollow, renderMic } = setupControls({ $, sid, boot, state, layers, notice, ask: askNickname, socket: () => socket, renderLikes });
const tools = setupTools({ root, $, sid, boot, state, layers, comments, ask: askNickname });

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
