// The viewer room's controls: comment box, like (taps aggregated into one message
// every 300 ms), share, follow, on-mic request and the gift drawer. They act through
// the room socket and the page's state; setupControls wires them once.

import { api, t, el, toast, copyText, errText, fmtSoon } from './common.js';
import { heart, giftPic } from './ui.js';

/**
 * ctx: $ (query in the room), sid, boot, state (the page's state), layers, notice,
 * ask() (asks for a nickname), socket() (the current RoomSocket or null) and
 * renderLikes(). Returns renderFollow and renderMic for the socket's events.
 */
export function setupControls(ctx) {
  const { $, sid, boot, state, layers, notice, ask, renderLikes } = ctx;
  const send = (m) => { const so = ctx.socket(); if (so) so.send(m); };

  $('[data-say]').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const input = $('[data-testid=comment-input]');
    const text = input.value.trim();
    if (!text) return;
    if (!state.me) { ask(); return; }
    if (state.gone) return;
    if (state.mutedUntil > Date.now()) {
      notice.show(t('js.muted_refused', fmtSoon(new Date(state.mutedUntil).toISOString())), 'error');
      return;
    }
    send({ type: 'comment', text });
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
    if (state.pendingLikes > 0 && ctx.socket()) {
      const n = Math.min(state.pendingLikes, 100);
      send({ type: 'like', count: n });
      state.pendingLikes -= n;
    }
  }, 300);

  $('[data-share]').addEventListener('click', async () => {
    const ok = await copyText(boot.share_url || location.href);
    toast(ok ? t('js.share.copied') : t('js.share.manual', boot.share_url || location.href), 4000);
    send({ type: 'share' });
  });

  function renderFollow() {
    const b = $('[data-follow]');
    b.classList.toggle('on', state.follower);
    b.textContent = state.follower ? t('js.following') : t('js.follow');
  }
  $('[data-follow]').addEventListener('click', () => {
    if (!state.me) { ask(); return; }
    if (state.follower) return;
    send({ type: 'follow' });
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
      send({ type: 'mic_cancel' });
      state.mic = 'none';
      toast(t('js.mic.cancelled'));
    } else {
      send({ type: 'mic_request' });
      state.mic = 'requested';
      toast(t('js.mic.requested'));
    }
    renderMic();
  });

  // The gift drawer: the session's catalog, loaded on first open.
  let gifts = null;
  let chosen = null;
  $('[data-gift-open]').addEventListener('click', async () => {
    if (!state.me) { ask(); return; }
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
    if (!chosen || !ctx.socket()) return;
    send({ type: 'gift', gift_id: chosen.id });
    toast(t('js.gift.thanks', chosen.name));
    layers.hide('gifts');
  });

  return { renderFollow, renderMic };
}
