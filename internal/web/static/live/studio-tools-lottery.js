// 抽奖: prize, winner count, condition (none / follow / share / password), watched ≥ N
// minutes, draw delay. Open lotteries count down to the draw next to their commitment
// (sha256 of the secret seed, published at launch); drawn ones show the seed, the
// winners with their delivery details, and how anyone can verify the draw.

import { t, el, icon, fmtWhen, copyText, APIError } from './common.js';
import { Tool } from './studio-tools-base.js';
import { bindForm, intOf, secondsOf, statusBadge, fig, until, smallBtn, renderList, itemsOf, toolErr } from './studio-tools-kit.js';

export class Lotteries extends Tool {
  constructor(ctx) {
    super(ctx, 'lottery');
    this.winners = new Map(); // lottery id → winner details
    const f = this.form;
    const sync = () => { f.querySelector('[data-password]').hidden = f.elements.condition.value !== 'password'; };
    f.querySelectorAll('input[name=condition]').forEach((r) => r.addEventListener('change', sync));
    sync();
    bindForm(f, {
      build: (f) => {
        const body = {
          prize: f.elements.prize.value.trim(),
          winners: intOf(f.elements.winners.value, 'winners') ?? 0,
          condition: f.elements.condition.value,
        };
        if (!body.prize) throw new APIError(400, 'invalid', '', 'prize');
        if (body.condition === 'password') body.password = f.elements.password.value.trim();
        const watch = intOf(f.elements.min_watch_minutes.value, 'min_watch_minutes');
        if (watch) body.min_watch_minutes = watch;
        const delay = secondsOf(f, 'draw_after', 'draw_after_seconds');
        if (delay) body.draw_after_seconds = delay;
        return body;
      },
      send: (body) => this.call(`/api/v1/sessions/${this.sid}/lotteries`, { method: 'POST', body }),
      done: (l) => {
        this.merge(l);
        this.ok('js.tools.lot.launched', l.prize);
        f.elements.prize.value = '';
      },
    });
  }

  listPath() { return `/api/v1/sessions/${this.sid}/lotteries`; }

  running(l) { return l.status === 'open'; }

  wantsPoll(now) {
    // Entrants come without a room event; the draw comes with one (and is due at draw_at).
    return super.wantsPoll(now) || this.items.some((l) => l.status === 'open' && new Date(l.draw_at).getTime() <= now && now - this.lastLoad >= 1000);
  }

  async fetch() {
    await super.fetch();
    const missing = this.items.filter((l) => l.status === 'drawn' && !this.winners.has(l.id));
    for (const l of missing) await this.loadWinners(l, false);
    if (missing.length) this.render();
  }

  async loadWinners(l, render = true) {
    try {
      this.winners.set(l.id, itemsOf(await this.call(`/api/v1/lotteries/${l.id}/winners`)));
    } catch (e) {
      this.winners.set(l.id, { error: toolErr(e) });
    }
    if (render) this.render();
  }

  row(l) {
    const cond = t('js.tools.cond.' + l.condition) + (l.min_watch_minutes ? ' · ' + t('js.tools.lot.watch_n', l.min_watch_minutes) : '');
    const verify = `${location.origin}/api/v1/public/lotteries/${l.commitment}`;
    const li = el('li', { class: 'tl-item lot-item', 'data-testid': 'lottery-row', 'data-id': String(l.id), 'data-status': l.status },
      el('span', { class: 'lot-pic', 'aria-hidden': 'true' }, icon('star')),
      el('div', { class: 'tl-body' },
        el('div', { class: 'tl-line' }, el('span', { class: 'tl-title ellipsis', 'data-testid': 'lottery-prize', text: l.prize }), statusBadge('lot', l.status)),
        el('div', { class: 'tl-line tl-sub' },
          el('span', { class: 'muted small', text: t('js.tools.lot.winners_n', l.winner_count) + ' · ' + cond }),
          l.status === 'open' ? until(l.draw_at, 'js.tools.lot.draw_in') : el('span', { class: 'muted small', text: t('js.tools.lot.drawn_at', fmtWhen(l.drawn_at || l.draw_at)) })),
        el('div', { class: 'tl-figs' },
          fig(t('js.tools.lot.entrants'), l.entrant_count ?? (l.entrants || []).length, 'lottery-entrants'),
          fig(t('js.tools.lot.winners'), l.status === 'drawn' ? (l.winners || []).length : l.winner_count)),
        this.proof(l, verify)));
    if (l.status === 'drawn') li.append(this.winnerTable(l));
    return li;
  }

  /** Commitment (always), seed (once drawn) and the public verification data. */
  proof(l, verify) {
    const line = (label, value, testid) => el('div', { class: 'proof-line' }, el('span', { class: 'proof-label', text: label }),
      el('code', { class: 'proof-hash', title: value, 'data-testid': testid, text: value }),
      smallBtn('', async (b) => { if (await copyText(value)) { b.classList.add('copied'); this.ok('js.tools.copied'); } }, { cls: 'btn-ghost btn-icon btn-copy' }));
    const box = el('div', { class: 'proof' }, line(t('js.tools.lot.commitment'), l.commitment, 'lottery-commitment'));
    if (l.seed) box.append(line(t('js.tools.lot.seed'), l.seed, 'lottery-seed'));
    box.querySelectorAll('.btn-copy').forEach((b) => { b.textContent = t('js.tools.copy'); });
    const cmd = `siyu lottery verify --url ${location.origin} --commitment ${l.commitment}`;
    box.append(el('div', { class: 'proof-line proof-links' },
      el('a', { href: verify, target: '_blank', rel: 'noopener', 'data-testid': 'lottery-verify', text: t('js.tools.lot.verify_link') }),
      smallBtn(t('js.tools.lot.copy_cmd'), async () => { if (await copyText(cmd)) this.ok('js.tools.lot.cmd_copied'); }, { cls: 'btn-ghost' })));
    return box;
  }

  winnerTable(l) {
    const w = this.winners.get(l.id);
    const box = el('div', { class: 'winners', 'data-testid': 'lottery-winners' });
    const head = el('div', { class: 'winners-head' }, el('b', { text: t('js.tools.lot.winner_list') }),
      smallBtn(t('js.tools.refresh'), () => this.loadWinners(l), { cls: 'btn-ghost' }));
    box.append(head);
    if (!w) { box.append(el('p', { class: 'muted small', text: t('js.tools.loading') })); return box; }
    if (w.error) { box.append(el('p', { class: 'field-error', text: w.error })); return box; }
    if (!w.length) { box.append(el('p', { class: 'muted small', text: t('js.tools.lot.no_winners') })); return box; }
    const rows = w.map((x) => {
      const d = x.delivery;
      return el('tr', { 'data-testid': 'winner-row' },
        el('td', { class: 'num', text: String(x.place) }),
        el('td', { class: 'strong', text: x.nickname }),
        d ? el('td', {}, el('span', { text: d.name + ' · ' + d.phone }), el('br'), el('span', { class: 'muted small', text: d.address }))
          : el('td', {}, el('span', { class: 'badge badge-warn', text: t('js.tools.lot.no_delivery') })));
    });
    const table = el('table', { class: 'table winners-table' },
      el('thead', {}, el('tr', {}, el('th', { class: 'num', text: '#' }), el('th', { text: t('js.tools.lot.nickname') }), el('th', { text: t('js.tools.lot.delivery') }))),
      el('tbody'));
    renderList(table.tBodies[0], null, rows);
    box.append(el('div', { class: 'table-wrap' }, table));
    return box;
  }

  onEvent(m) {
    if (m.type === 'lottery' || m.type === 'lottery_drawn') { this.lastEvent = 0; this.load(); }
  }
}
