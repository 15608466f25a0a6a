// Assists (助力) in the room: the 助力 sheet offers the price a viewer unlocks by getting
// K friends to help; 发起助力 starts the viewer's campaign, whose progress, countdown and
// share link (the room with ?assist=code) the sheet shows, and 立即购买 orders at the
// assist price once unlocked. A friend who opens the share link sees whose campaign it
// is and helps with one tap.

import { el, t, toast, copyText, initial } from './common.js';
import { makeSheet, makePopup, price, thumb, every, secsLeft, clock, rtErr, shareLink, fill } from './viewer-tools-ui.js';

/** ctx: root, boot, state, layers, call, dock, checkout, comments, ask. Answers onEvent(m), joined(). */
export function setupAssists(ctx) {
  const { boot, layers, call, dock, checkout } = ctx;
  const ui = makeSheet(ctx.root, 'assist', { title: t('js.rt.as.title'), testid: 'assist-sheet', cls: 'rt-as' });
  const help = makePopup(ctx.root, 'assist-help', { testid: 'assist-help', cls: 'rt-card-pop', label: t('js.rt.as.help_title') });
  const assists = new Map();
  let current = 0;
  const code = new URLSearchParams(location.search).get('assist') || '';
  let helpDone = false;

  function upsert(a) {
    assists.set(a.id, { ...(assists.get(a.id) || {}), ...a });
    const open = [...assists.values()].filter((x) => x.status === 'open').sort((x, y) => y.id - x.id)[0];
    if (open) dock.set('as', { kind: 'violet', icon: 'trend', label: t('js.rt.as.dock'), testid: 'dock-assist', onClick: () => show(open.id) });
    else dock.remove('as');
  }

  async function show(id) {
    current = id;
    if (ctx.state.me) {
      try { upsert(await call(`/api/v1/viewer/assists/${id}`)); } catch (e) { if (!assists.has(id)) { toast(rtErr(e)); return; } }
    }
    render(assists.get(id));
    layers.show('assist');
  }

  const head = (a) => el('div', { class: 'rt-buy-head' }, thumb(a.product_name, a.image, 'rt-thumb rt-thumb-lg'),
    el('div', { class: 'min0' }, el('span', { class: 'rt-tag violet', text: t('js.rt.as.need', a.helpers_needed) }), el('p', { class: 'rt-buy-name', text: a.product_name }),
      el('div', { class: 'rt-flash-prices' }, price(a.price, 'rt-price rt-price-lg'), a.original_price > a.price ? el('s', { text: fmt(a.original_price) }) : null)));

  function progress(c) {
    const slots = [];
    for (let i = 0; i < c.helpers_needed; i++) {
      const h = c.helpers[i];
      slots.push(el('span', { class: 'rt-slot' + (h ? ' paid' : ''), title: h || '' }, h ? initial(h) : '?'));
    }
    const st = el('p', { class: 'rt-gb-status', 'data-testid': 'assist-status', 'data-status': c.status });
    every(st, () => {
      st.textContent = c.status === 'collecting' ? t('js.rt.as.progress', c.helpers.length, c.helpers_needed, clock(secsLeft(c.expires_at)))
        : t('js.rt.as.st.' + c.status);
    });
    return [el('div', { class: 'rt-slots' }, ...slots), st];
  }

  function render(a) {
    const parts = [head(a)];
    const c = a.my_campaign;
    if (!c) {
      if (a.status === 'open') {
        const start = el('button', { type: 'button', class: 'pbtn pbtn-block', 'data-testid': 'assist-start', text: t('js.rt.as.start') });
        start.addEventListener('click', async () => {
          if (!ctx.state.me) { ctx.ask(); return; }
          start.disabled = true;
          try { a.my_campaign = await call(`/api/v1/assists/${a.id}/campaigns`, { method: 'POST', body: {} }); render(a); } catch (e) { start.disabled = false; toast(rtErr(e)); }
        });
        parts.push(el('p', { class: 'rt-hint', text: t('js.rt.as.how', a.helpers_needed, fmt(a.price)) }), start);
      } else parts.push(el('p', { class: 'empty-note', text: t('js.rt.as.closed') }));
      ui.body.replaceChildren(...parts);
      return;
    }
    parts.push(el('div', { class: 'rt-gb-mine', 'data-testid': 'assist-mine' }, el('h3', { class: 'rt-lot-h', text: t('js.rt.as.mine') }), ...progress(c)));
    if (c.status === 'collecting') {
      const link = shareLink(boot, { assist: c.code });
      const input = el('input', { class: 'pinput rt-share-input', readonly: true, value: link, 'data-testid': 'assist-link', 'aria-label': t('js.rt.as.share') });
      const copy = el('button', { type: 'button', class: 'pbtn pbtn-sm', 'data-testid': 'assist-share', text: t('js.rt.as.copy') });
      copy.addEventListener('click', async () => toast((await copyText(link)) ? t('js.rt.as.copied') : link, 3500));
      parts.push(el('div', { class: 'prow rt-share' }, input, copy));
    } else if (c.status === 'unlocked') {
      const buy = el('button', { type: 'button', class: 'pbtn pbtn-block', 'data-testid': 'assist-order', text: t('js.rt.as.order', fmt(a.price)) });
      buy.addEventListener('click', async () => {
        buy.disabled = true;
        try { const r = await call(`/api/v1/assist-campaigns/${encodeURIComponent(c.code)}/order`, { method: 'POST', body: {} }); c.order_id = r.order_id; c.status = 'ordered'; checkout.payOrder(r.order_id); } catch (e) { buy.disabled = false; toast(rtErr(e)); }
      });
      parts.push(buy);
    } else if (c.status === 'ordered' && c.order_id) {
      const pay = el('button', { type: 'button', class: 'pbtn pbtn-block pbtn-light', 'data-testid': 'assist-pay', text: t('js.rt.as.view_order') });
      pay.addEventListener('click', () => checkout.payOrder(c.order_id));
      parts.push(pay);
    }
    ui.body.replaceChildren(...parts);
  }

  // ---------- a friend's share link ----------

  async function helpFriend() {
    if (!code || helpDone || !ctx.state.me) return;
    helpDone = true;
    const u = new URL(location.href);
    u.searchParams.delete('assist'); // a reload does not ask again
    history.replaceState(null, '', u.pathname + u.search + u.hash);
    let c;
    try { c = await call(`/api/v1/viewer/assist-campaigns/${encodeURIComponent(code)}`); } catch (e) { toast(rtErr(e)); return; }
    let a = assists.get(c.assist_id);
    if (!a) { try { a = await call(`/api/v1/viewer/assists/${c.assist_id}`); upsert(a); } catch { a = null; } }
    const go = el('button', { type: 'button', class: 'pbtn pbtn-block', 'data-testid': 'assist-help-go', text: t('js.rt.as.help') });
    const out = el('p', { class: 'rt-hint', 'data-testid': 'assist-help-result', hidden: true });
    if (c.helped_by_me) {
      out.textContent = t('js.rt.as.helped_before');
      out.hidden = false;
    }
    const drawHelp = () => fill(help.box, el('p', { class: 'rt-pop-kicker', text: t('js.rt.as.help_title') }),
      el('h2', { text: t('js.rt.as.help_who', c.owner_nickname) }), a ? head(a) : null, ...progress(c), out, c.status === 'collecting' && !c.helped_by_me ? go : null);
    go.addEventListener('click', async () => {
      go.disabled = true;
      try {
        c = await call(`/api/v1/assist-campaigns/${encodeURIComponent(code)}/help`, { method: 'POST', body: {} });
        drawHelp();
        out.textContent = t('js.rt.as.helped');
      } catch (e) {
        out.textContent = e.code === 'own_campaign' ? t('js.rt.as.own') : rtErr(e);
        if (e.code === 'own_campaign' && a) { layers.hide('assist-help'); show(a.id); return; }
      }
      out.hidden = false;
      go.remove();
    });
    drawHelp();
    layers.show('assist-help');
  }

  function onEvent(m) {
    switch (m.type) {
      case 'assist':
        if (!m.assist) return true;
        if (!assists.has(m.assist.id) && m.assist.status === 'open') ctx.comments.system('', t('js.rt.as.launched', m.assist.product_name), 'dm-rp');
        upsert(m.assist);
        if (current === m.assist.id && !ui.layer.hidden) render(assists.get(current));
        return true;
      case 'assist_campaign': {
        const c = m.campaign;
        const a = c && assists.get(c.assist_id);
        if (a) { a.my_campaign = c; if (current === a.id && !ui.layer.hidden) render(a); }
        if (c && c.status === 'unlocked') toast(t('js.rt.as.unlocked'), 4000);
        else if (c && c.helpers.length) toast(t('js.rt.as.got_help', c.helpers[c.helpers.length - 1]));
        return true;
      }
    }
    return false;
  }

  async function joined() {
    try { ((await call('/api/v1/viewer/assists')).items || []).forEach(upsert); } catch { /* from events */ }
    helpFriend();
  }

  return { onEvent, joined };
}

function fmt(fen) {
  return '¥' + (fen % 100 === 0 ? fen / 100 : (fen / 100).toFixed(2));
}
