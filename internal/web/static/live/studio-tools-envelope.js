// 红包: send one now (total in yuan → fen, shares, 拼手气 or 普通, optionally for
// followers only, how long it stays open, a greeting), or pre-arm one for a likes
// milestone (点赞里程碑). The list shows what is left and every grab; grabs come with no
// room event, so the open tab reads the list every 3 s while an envelope is open.

import { t, el, fmtYuan, fmtNum, APIError } from './common.js';
import { Tool } from './studio-tools-base.js';
import { bindForm, yuanToFen, intOf, statusBadge, fig, smallBtn, until, renderList, itemsOf, toolErr } from './studio-tools-kit.js';

export class Envelopes extends Tool {
  constructor(ctx) {
    super(ctx, 'envelope');
    this.rules = [];
    this.open = new Set(); // envelopes whose grabs are shown
    this.ruleList = this.panel.querySelector('[data-rules]');
    this.ruleEmpty = this.panel.querySelector('[data-rules-empty]');
    const f = this.form;
    const sync = () => {
      f.querySelector('[data-milestone]').hidden = f.elements.when.value !== 'milestone';
      f.querySelector('[data-submit-now]').hidden = f.elements.when.value === 'milestone';
      f.querySelector('[data-submit-rule]').hidden = f.elements.when.value !== 'milestone';
      this.hint();
    };
    f.addEventListener('change', sync);
    f.addEventListener('input', () => this.hint());
    sync();
    bindForm(f, {
      build: (f) => {
        const body = {
          total: yuanToFen(f.elements.total.value, 'total') ?? 0,
          count: intOf(f.elements.count.value, 'count') ?? 0,
          mode: f.elements.mode.value,
          condition: f.elements.condition.value,
          expires_in_seconds: Number(f.elements.expires_in_seconds.value),
        };
        const msg = f.elements.message.value.trim();
        if (msg) body.message = msg;
        if (f.elements.when.value === 'milestone') {
          body.likes_milestone = intOf(f.elements.likes_milestone.value, 'likes_milestone') ?? 0;
          if (!body.likes_milestone) throw new APIError(400, 'invalid', '', 'likes_milestone');
        }
        return body;
      },
      send: (body) => body.likes_milestone
        ? this.call(`/api/v1/sessions/${this.sid}/red-envelope-rules`, { method: 'POST', body }).then((r) => ({ rule: r }))
        : this.call(`/api/v1/sessions/${this.sid}/red-envelopes`, { method: 'POST', body }),
      done: (r) => {
        if (r.rule) {
          this.rules = [r.rule, ...this.rules.filter((x) => x.id !== r.rule.id)];
          this.renderRules();
          this.ok('js.tools.env.rule_saved', fmtNum(r.rule.likes_milestone));
        } else {
          this.merge(r);
          this.ok('js.tools.env.sent', fmtYuan(r.total));
        }
        f.elements.total.value = '';
        this.hint();
      },
    });
  }

  /** "拼手气：¥100 分 20 个，平均 ¥5" under the form, as the host types. */
  hint() {
    const f = this.form;
    const box = f.querySelector('[data-env-hint]');
    let total = null;
    let count = null;
    try { total = yuanToFen(f.elements.total.value); count = intOf(f.elements.count.value); } catch { /* shown on submit */ }
    if (!total || !count) { box.textContent = ''; return; }
    const each = Math.floor(total / count);
    box.textContent = f.elements.mode.value === 'fixed'
      ? t('js.tools.env.hint_fixed', fmtYuan(total), count, fmtYuan(each))
      : t('js.tools.env.hint_random', fmtYuan(total), count, fmtYuan(each));
  }

  listPath() { return `/api/v1/sessions/${this.sid}/red-envelopes`; }

  async fetch() {
    await super.fetch();
    try {
      this.rules = itemsOf(await this.call(`/api/v1/sessions/${this.sid}/red-envelope-rules`));
      this.renderRules();
    } catch { /* the envelopes still show */ }
  }

  running(e) { return e.status === 'open'; }

  row(e) {
    const li = el('li', { class: 'tl-item env-item', 'data-testid': 'envelope-row', 'data-id': String(e.id), 'data-status': e.status },
      el('span', { class: 'env-pic', 'aria-hidden': 'true' }, el('span', { class: 'env-seal', text: '¥' })),
      el('div', { class: 'tl-body' },
        el('div', { class: 'tl-line' },
          el('span', { class: 'tl-title', 'data-testid': 'envelope-total', text: fmtYuan(e.total) + ' · ' + t('js.tools.env.shares', e.count) }),
          el('span', { class: 'badge badge-muted', text: t('js.tools.env.mode.' + e.mode) }),
          e.condition === 'follow' ? el('span', { class: 'badge badge-info', text: t('js.tools.cond.follow') }) : null,
          e.rule_id ? el('span', { class: 'badge badge-role', text: t('js.tools.env.auto') }) : null,
          statusBadge('env', e.status)),
        el('div', { class: 'tl-line tl-sub' }, el('span', { class: 'muted small ellipsis', text: e.message || '' }),
          e.status === 'open' ? until(e.expires_at, 'js.tools.env.expires_in') : null),
        el('progress', { class: 'tl-progress tl-progress-red', max: String(Math.max(e.count, 1)), value: String(e.grabbed_count || 0) }),
        el('div', { class: 'tl-figs' },
          fig(t('js.tools.env.grabbed'), t('js.tools.env.of', e.grabbed_count || 0, e.count), 'envelope-grabs'),
          fig(t('js.tools.env.grabbed_amount'), fmtYuan(e.grabbed || 0)),
          fig(t('js.tools.env.remaining'), fmtYuan(e.remaining || 0), 'envelope-remaining'),
          e.refunded ? fig(t('js.tools.env.refunded'), fmtYuan(e.refunded)) : null)));
    const grabs = el('ol', { class: 'grabs', hidden: !this.open.has(e.id) });
    const toggle = smallBtn(t(this.open.has(e.id) ? 'js.tools.env.hide_grabs' : 'js.tools.env.show_grabs'), async (b) => {
      if (this.open.has(e.id)) { this.open.delete(e.id); grabs.hidden = true; b.textContent = t('js.tools.env.show_grabs'); return; }
      this.open.add(e.id);
      b.textContent = t('js.tools.env.hide_grabs');
      await this.grabs(e, grabs);
    }, { cls: 'btn-ghost', testid: 'envelope-grabs-toggle' });
    if (e.grabbed_count) li.append(el('div', { class: 'tl-acts' }, toggle));
    li.append(grabs);
    if (this.open.has(e.id)) this.grabs(e, grabs);
    return li;
  }

  async grabs(e, box) {
    try {
      const full = await this.call(`/api/v1/red-envelopes/${e.id}`);
      const list = full.grabs || [];
      const best = e.mode === 'random' && full.status !== 'open' ? Math.max(0, ...list.map((g) => g.amount)) : -1;
      renderList(box, null, list.map((g) => el('li', { class: 'grab' + (g.amount === best ? ' grab-best' : '') },
        el('span', { class: 'ellipsis', text: g.nickname }),
        g.amount === best ? el('span', { class: 'badge badge-warn', text: t('js.tools.env.best') }) : null,
        el('b', { text: fmtYuan(g.amount) }))));
      box.hidden = false;
    } catch (err) {
      box.replaceChildren(el('li', { class: 'field-error', text: toolErr(err) }));
      box.hidden = false;
    }
  }

  renderRules() {
    renderList(this.ruleList, this.ruleEmpty, this.rules.map((r) => el('li', { class: 'rule-row', 'data-testid': 'rule-row', 'data-id': String(r.id) },
      el('span', { class: 'rule-likes', text: t('js.tools.env.rule_at', fmtNum(r.likes_milestone)) }),
      el('span', { class: 'grow ellipsis', text: fmtYuan(r.total) + ' · ' + t('js.tools.env.shares', r.count) + ' · ' + t('js.tools.env.mode.' + r.mode) +
        (r.condition === 'follow' ? ' · ' + t('js.tools.cond.follow') : '') }),
      r.fired_at ? el('span', { class: 'badge badge-ok', text: t('js.tools.env.fired') })
        : el('span', { class: 'badge badge-info', text: t('js.tools.env.armed') }),
      r.fired_at ? null : smallBtn(t('js.tools.delete'), () => this.deleteRule(r), { cls: 'btn-ghost', testid: 'rule-delete', confirmText: t('js.tools.env.rule_delete_confirm') }))));
  }

  async deleteRule(r) {
    try {
      await this.call(`/api/v1/red-envelope-rules/${r.id}`, { method: 'DELETE' });
      this.rules = this.rules.filter((x) => x.id !== r.id);
      this.renderRules();
    } catch (e) { this.ctx.toast(toolErr(e)); }
  }

  onEvent(m) {
    if (m.type === 'red_envelope' || m.type === 'red_envelope_empty') { this.lastEvent = 0; this.load(); }
  }
}
