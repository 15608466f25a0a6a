// The studio's comment stream with per-comment moderation: delete, timed mute, kick,
// ban. Comments arrive on the socket; comments held back by the banned-word filter
// never reach staff there, so the comment list API is polled for them and they are
// shown flagged "屏蔽词".

import { el, t, toast, errText, initial } from './common.js';

const MAX = 300;

export class Moderation {
  constructor({ sid, call, list, empty, autoscroll }) {
    this.sid = sid;
    this.call = call;
    this.list = list;
    this.empty = empty;
    this.autoscroll = autoscroll;
    this.seen = new Set();
    this.after = 0;
    this.pollOK = true;
  }

  push(li) {
    const stick = this.autoscroll.checked;
    this.list.append(li);
    while (this.list.children.length > MAX) this.list.firstElementChild.remove();
    this.empty.hidden = true;
    if (stick) this.list.scrollTop = this.list.scrollHeight;
  }

  system(name, text) {
    this.push(el('li', { class: 'cm cm-sys' }, el('div', { class: 'cm-body' }, el('span', { class: 'cm-name', text: name || '' }), el('span', { class: 'cm-text', text }))));
  }

  /** A comment from the socket or the poll; hidden marks one held by the filter. */
  comment(m, hidden) {
    if (m.id && this.seen.has(m.id)) return;
    if (m.id) this.seen.add(m.id);
    const staff = m.role === 'host' || m.role === 'moderator';
    const li = el('li', { class: 'cm' + (hidden ? ' cm-hidden' : '') + (staff ? ' cm-staff' : ''), 'data-testid': 'studio-comment', 'data-comment-id': m.id || '', 'data-viewer-id': m.viewer_id || '' },
      el('span', { class: 'avatar avatar-sm', text: initial(m.nickname) }),
      el('div', { class: 'cm-body' },
        el('div', { class: 'cm-line' }, el('span', { class: 'cm-name', text: m.nickname || '' }),
          staff ? el('span', { class: 'badge badge-role', text: t('js.role.' + m.role) }) : null,
          hidden ? el('span', { class: 'badge badge-danger', 'data-testid': 'banned-flag', text: t('js.studio.banned_word') }) : null,
          el('time', { class: 'cm-time', text: clock(m.created_at) })),
        el('span', { class: 'cm-text', text: m.text || '' })));
    if (!staff && m.viewer_id) li.append(this.actions(m, li, hidden));
    this.push(li);
  }

  actions(m, li, hidden) {
    const box = el('div', { class: 'cm-actions', role: 'group', 'aria-label': t('js.studio.actions') });
    const act = (label, testid, fn, danger) => {
      const b = el('button', { type: 'button', class: 'btn btn-sm' + (danger ? ' btn-danger-ghost' : ''), text: label, 'data-testid': testid });
      b.addEventListener('click', fn);
      box.append(b);
    };
    if (m.id && !hidden) act(t('js.mod.delete'), 'mod-delete', () => this.del(m.id));
    act(t('js.mod.mute5'), 'mod-mute5', () => this.sanction('mutes', { viewer_id: m.viewer_id, seconds: 300 }, t('js.mod.muted', m.nickname, t('js.mod.5min')), li));
    act(t('js.mod.mute60'), 'mod-mute60', () => this.sanction('mutes', { viewer_id: m.viewer_id, seconds: 3600 }, t('js.mod.muted', m.nickname, t('js.mod.1h')), li));
    act(t('js.mod.kick'), 'mod-kick', () => this.sanction('kicks', { viewer_id: m.viewer_id }, t('js.mod.kicked', m.nickname), li), true);
    act(t('js.mod.ban'), 'mod-ban', () => {
      if (window.confirm(t('js.mod.ban_confirm', m.nickname))) this.sanction('bans', { viewer_id: m.viewer_id }, t('js.mod.banned', m.nickname), li);
    }, true);
    return box;
  }

  async del(id) {
    try {
      await this.call(`/api/v1/sessions/${this.sid}/comments/${id}`, { method: 'DELETE' });
      this.markDeleted(id);
    } catch (e) { toast(errText(e)); }
  }

  markDeleted(id) {
    const li = this.list.querySelector(`[data-comment-id="${CSS.escape(String(id))}"]`);
    if (!li || li.classList.contains('cm-deleted')) return;
    li.classList.add('cm-deleted');
    li.querySelector('.cm-line').append(el('span', { class: 'badge badge-muted', text: t('js.mod.deleted') }));
  }

  async sanction(kind, body, okMsg, li) {
    try {
      await this.call(`/api/v1/sessions/${this.sid}/${kind}`, { method: 'POST', body });
      toast(okMsg);
      li.querySelector('.cm-line').append(el('span', { class: 'badge badge-warn', 'data-testid': 'sanction-flag', text: t('js.mod.flag.' + kind) }));
    } catch (e) { toast(errText(e)); }
  }

  /**
   * Loads the latest comments once (so a reloaded studio keeps its history), then polls
   * for comments the filter held back: staff see them flagged.
   */
  startPolling(repeat) {
    let first = true;
    const poll = async () => {
      if (!this.pollOK) return;
      try {
        const r = await this.call(`/api/v1/sessions/${this.sid}/comments?limit=100`);
        const items = (Array.isArray(r) ? r : r.items || []).slice().sort((a, b) => a.id - b.id);
        items.filter((c) => !this.seen.has(c.id) && (first || isBanned(c))).forEach((c) => {
          this.comment(c, isBanned(c));
          if (c.hidden_reason === 'deleted') this.markDeleted(c.id);
        });
        first = false;
      } catch (e) {
        if ([401, 403, 404, 405].includes(e.status)) this.pollOK = false;
      }
    };
    poll();
    if (repeat) setInterval(poll, 2000);
  }
}

function isBanned(c) {
  return !!c.hidden && c.hidden_reason !== 'deleted';
}

function clock(iso) {
  const d = iso ? new Date(iso) : new Date();
  if (isNaN(d)) return '';
  const p = (n) => (n < 10 ? '0' : '') + n;
  return p(d.getHours()) + ':' + p(d.getMinutes()) + ':' + p(d.getSeconds());
}
