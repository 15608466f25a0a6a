// The card in the middle of the viewer room whenever there is no show to watch: the
// countdown and 预约 of a scheduled show, a paused stream, being kicked or banned, and
// the end with how the show went and the brand's next show to reserve.

import { api, t, fmtNum, fmtWhen, fmtCountdown, el, icon, toast, errText } from './common.js';

/**
 * stateCard drives card (the [data-state-card] element). ctx: sid, boot (the page's
 * boot data), state (the page's state: me, session, reserved, stats, statsSeen,
 * shownLikes) and ask() (asks for a nickname). render(view) shows a view: live (hidden),
 * scheduled, draft, interrupted, ended, kicked, banned.
 */
export function stateCard(card, { sid, boot, state, ask }) {
  let countdownTimer = null;

  function render(view) {
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
      const box = el('div', { class: 'ended-extras' });
      card.append(box);
      showEnded(box, { sid, boot, state, reserve });
    } else if (view === 'kicked') {
      head('alert', t('js.state.kicked'), t('js.state.kicked.text'));
      const btn = el('button', { type: 'button', class: 'pbtn pbtn-ghost' }, el('span', { text: t('js.state.rejoin') }));
      btn.addEventListener('click', () => location.reload());
      card.append(btn);
    } else if (view === 'banned') {
      head('lock', t('js.state.banned'), t('js.state.banned.text'));
    }
  }

  // reserve reserves a show of the brand (this one or the next) for the viewer.
  async function reserve(sessionId, btn, done) {
    if (!state.me) { ask(); return; }
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

  return { render };
}

/**
 * The ended card's figures and next show. The page's boot data has both at once, also
 * for a visitor who arrives after the end; the public preview answer, asked when the
 * card appears, brings the final figures of a show that ended before the viewer's eyes
 * and a next show scheduled since the page was opened.
 */
function showEnded(box, ctx) {
  const { sid, boot } = ctx;
  const draw = (final, next) => {
    box.replaceChildren();
    const figs = figures(final, ctx.state);
    if (figs) box.append(figs);
    if (next && next.id) box.append(nextCard(next, ctx));
  };
  draw(boot.final_stats, boot.next_session);
  api(`/api/v1/sessions/${sid}/preview`)
    .then((p) => { if (box.isConnected) draw(p.final_stats || boot.final_stats, p.next_session); })
    .catch(() => { /* keep what the page booted with */ });
}

/** The final public figures; the room's last stats while the answer is on its way. */
function figures(final, state) {
  let f = null;
  if (final) f = { viewers: final.viewers, likes: final.likes, peak: final.peak_online };
  else if (state.statsSeen) f = { viewers: state.stats.viewers, likes: state.stats.likes, peak: state.stats.peak };
  if (!f) return null;
  f.likes = Math.max(f.likes || 0, state.shownLikes || 0);
  const fig = (n, label) => el('div', {}, el('b', { text: fmtNum(n || 0) }), el('span', { text: t(label) }));
  return el('div', { class: 'state-stats', 'data-testid': 'final-stats' },
    fig(f.viewers, 'js.stat.viewers'), fig(f.likes, 'js.stat.likes'), fig(f.peak, 'js.stat.peak'));
}

/**
 * The next show. A viewer of this room reserves it on the spot (a viewer may reserve
 * any show of the brand); a visitor without an identity here goes to its preview page,
 * which creates one and reserves.
 */
function nextCard(next, { state, reserve }) {
  const key = 'siyu.reserved.' + next.id;
  let btn;
  if (localStorage.getItem(key) === '1') {
    btn = el('button', { type: 'button', class: 'pbtn pbtn-sm done', disabled: true, 'data-testid': 'next-reserve' },
      icon('check'), el('span', { text: t('js.reserved') }));
  } else if (state.me) {
    btn = el('button', { type: 'button', class: 'pbtn pbtn-sm', 'data-testid': 'next-reserve' }, icon('bell'), el('span', { text: t('js.reserve_next') }));
    btn.addEventListener('click', () => reserve(next.id, btn, () => localStorage.setItem(key, '1')));
  } else {
    btn = el('a', { class: 'pbtn pbtn-sm', href: next.preview_url, 'data-testid': 'next-reserve' }, icon('bell'), el('span', { text: t('js.reserve_next') }));
  }
  const when = next.scheduled_at ? fmtWhen(next.scheduled_at) : '';
  return el('div', { class: 'next-card', 'data-testid': 'next-show', 'data-session': next.id },
    el('h3', { text: t('js.next_show') + ' · ' + next.title }),
    el('p', { text: when ? t('js.state.scheduled_at', next.host_name || '', when) : next.host_name || '' }), btn);
}
