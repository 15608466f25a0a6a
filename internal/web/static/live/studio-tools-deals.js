// 拼团 and 助力: both sell one product (SKU) at a lower price once enough people join —
// a group of N paying members within the time limit, or K friends helping a viewer
// unlock it. Launch, follow the counts live (room events on launch/close, polling while
// open: groups and helpers change without a room-wide event), and close.

import { t, el, fmtYuan, APIError } from './common.js';
import { Tool } from './studio-tools-base.js';
import { bindForm, yuanToFen, intOf, skuOf, secondsOf, statusBadge, fig, thumb, smallBtn, until, toolErr, productName } from './studio-tools-kit.js';

/** The product, SKU and price every deal form starts with. */
function dealBody(f) {
  const body = { product_id: Number(f.elements.product_id.value) };
  if (!body.product_id) throw new APIError(400, 'invalid', '', 'product_id');
  const sku = skuOf(f);
  if (sku) body.sku_id = sku;
  body.price = yuanToFen(f.elements.price.value, 'price') ?? 0;
  body.time_limit_seconds = secondsOf(f, 'time_limit', 'time_limit_seconds') ?? 0;
  return body;
}

class Deal extends Tool {
  running(d) { return d.status === 'open'; }

  head(d, badge, terms) {
    return [thumb(d.image), el('div', { class: 'tl-body' },
      el('div', { class: 'tl-line' }, el('span', { class: 'tl-title ellipsis', text: productName(d, this.ctx.catalog()) }), badge),
      el('div', { class: 'tl-line tl-sub' }, el('b', { class: 'tl-price', text: fmtYuan(d.price) }),
        d.original_price ? el('s', { class: 'muted small', text: fmtYuan(d.original_price) }) : null,
        el('span', { class: 'muted small', text: terms })))];
  }

  async close(path, li) {
    try {
      this.merge(await this.call(path, { method: 'POST' }));
    } catch (e) {
      li.append(el('p', { class: 'field-error', role: 'alert', text: toolErr(e) }));
    }
  }
}

export class GroupBuys extends Deal {
  constructor(ctx) {
    super(ctx, 'group');
    this.pollMs = 4000;
    this.open = new Set();
    bindForm(this.form, {
      build: (f) => ({ ...dealBody(f), group_size: intOf(f.elements.group_size.value, 'group_size') ?? 0 }),
      send: (body) => this.call(`/api/v1/sessions/${this.sid}/group-buys`, { method: 'POST', body }),
      done: (g) => { this.merge(g); this.ok('js.tools.group.launched', productName(g, this.ctx.catalog())); this.form.elements.price.value = ''; },
    });
  }

  listPath() { return `/api/v1/sessions/${this.sid}/group-buys`; }

  row(g) {
    const li = el('li', { class: 'tl-item', 'data-testid': 'group-row', 'data-id': String(g.id), 'data-status': g.status },
      ...this.head(g, statusBadge('group', g.status), t('js.tools.group.terms', g.group_size, Math.round((g.time_limit_seconds || 0) / 60))));
    li.querySelector('.tl-body').append(el('div', { class: 'tl-figs' },
      fig(t('js.tools.group.forming'), g.groups_forming ?? 0),
      fig(t('js.tools.group.succeeded'), g.groups_succeeded ?? 0, 'group-succeeded'),
      fig(t('js.tools.group.failed'), g.groups_failed ?? 0)));
    const groups = el('ol', { class: 'groups', hidden: !this.open.has(g.id) });
    const acts = el('div', { class: 'tl-acts' }, smallBtn(t(this.open.has(g.id) ? 'js.tools.group.hide' : 'js.tools.group.show'), async (b) => {
      if (this.open.has(g.id)) { this.open.delete(g.id); groups.hidden = true; b.textContent = t('js.tools.group.show'); return; }
      this.open.add(g.id);
      b.textContent = t('js.tools.group.hide');
      await this.groups(g, groups);
    }, { cls: 'btn-ghost' }));
    if (g.status === 'open') acts.append(smallBtn(t('js.tools.end'), () => this.close(`/api/v1/group-buys/${g.id}/close`, li),
      { cls: 'btn-danger-ghost', testid: 'group-close', confirmText: t('js.tools.group.close_confirm') }));
    li.append(acts, groups);
    if (this.open.has(g.id)) this.groups(g, groups);
    return li;
  }

  async groups(g, box) {
    try {
      const full = await this.call(`/api/v1/group-buys/${g.id}`);
      const list = full.groups || [];
      // The detail carries fresher counts than the list: take them (one re-render at most).
      const { groups: _, ...fresh } = full;
      if (['status', 'groups_forming', 'groups_succeeded', 'groups_failed'].some((k) => fresh[k] !== undefined && fresh[k] !== g[k])) {
        this.merge(fresh);
        return;
      }
      box.replaceChildren(...list.map((x) => el('li', { class: 'grp' },
        el('div', { class: 'tl-line' }, el('b', { text: t('js.tools.group.of', x.leader_nickname) }),
          el('span', { class: 'muted small', text: t('js.tools.group.paid', x.paid_count, x.size) }),
          statusBadge('grp', x.status), x.status === 'forming' ? until(x.expires_at, 'js.tools.group.left') : null),
        el('div', { class: 'chips' }, ...(x.members || []).map((m) => el('span', { class: 'chip' + (m.paid ? ' chip-ok' : ''), text: m.nickname + (m.paid ? ' ✓' : '') }))))));
      if (!list.length) box.append(el('li', { class: 'muted small', text: t('js.tools.group.none') }));
      box.hidden = false;
    } catch (e) {
      box.replaceChildren(el('li', { class: 'field-error', text: toolErr(e) }));
      box.hidden = false;
    }
  }

  onEvent(m) { if (m.type === 'group_buy' && m.group_buy) this.merge(m.group_buy); }
}

export class Assists extends Deal {
  constructor(ctx) {
    super(ctx, 'assist');
    this.pollMs = 4000;
    bindForm(this.form, {
      build: (f) => ({ ...dealBody(f), helpers_needed: intOf(f.elements.helpers_needed.value, 'helpers_needed') ?? 0 }),
      send: (body) => this.call(`/api/v1/sessions/${this.sid}/assists`, { method: 'POST', body }),
      done: (a) => { this.merge(a); this.ok('js.tools.assist.launched', productName(a, this.ctx.catalog())); this.form.elements.price.value = ''; },
    });
  }

  listPath() { return `/api/v1/sessions/${this.sid}/assists`; }

  row(a) {
    const li = el('li', { class: 'tl-item', 'data-testid': 'assist-row', 'data-id': String(a.id), 'data-status': a.status },
      ...this.head(a, statusBadge('assist', a.status), t('js.tools.assist.terms', a.helpers_needed, Math.round((a.time_limit_seconds || 0) / 60))));
    li.querySelector('.tl-body').append(el('div', { class: 'tl-figs' },
      fig(t('js.tools.assist.campaigns'), a.campaigns ?? 0),
      fig(t('js.tools.assist.unlocked'), a.unlocked ?? 0, 'assist-unlocked')));
    if (a.status === 'open') li.append(el('div', { class: 'tl-acts' }, smallBtn(t('js.tools.end'), () => this.close(`/api/v1/assists/${a.id}/close`, li),
      { cls: 'btn-danger-ghost', testid: 'assist-close', confirmText: t('js.tools.assist.close_confirm') })));
    return li;
  }

  onEvent(m) { if (m.type === 'assist' && m.assist) this.merge(m.assist); }
}
