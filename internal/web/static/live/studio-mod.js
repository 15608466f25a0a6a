// The studio's comment stream with per-comment moderation: delete, timed mute, kick,
// ban. Comments arrive on the socket, those held back by the banned-word filter too,
// flagged for staff (hidden, hidden_reason "banned_word"), and are shown flagged
// "屏蔽词". The comment list API is read once, when the page opens, for the history.

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

  /** A comment from the socket; one held back by the filter comes flagged. */
  comment(m) {
    const li = this.line(m);
    if (li) this.push(li);
  }

  /** The list item of a comment, null when it is already shown. */
  line(m) {
    if (m.id && this.seen.has(m.id)) return null;
    if (m.id) this.seen.add(m.id);
    const hidden = isBanned(m);
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
    return li;
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
    if (li) deletedBadge(li);
  }

  async sanction(kind, body, okMsg, li) {
    try {
      await this.call(`/api/v1/sessions/${this.sid}/${kind}`, { method: 'POST', body });
      toast(okMsg);
      li.querySelector('.cm-line').append(el('span', { class: 'badge badge-warn', 'data-testid': 'sanction-flag', text: t('js.mod.flag.' + kind) }));
    } catch (e) { toast(errText(e)); }
  }

  /**
   * Loads the latest comments once, when the page opens, so a reloaded studio keeps
   * its history: older than anything the socket brought meanwhile, they go on top.
   */
  async loadHistory() {
    try {
      const r = await this.call(`/api/v1/sessions/${this.sid}/comments?limit=100`);
      const items = (Array.isArray(r) ? r : r.items || []).slice().sort((a, b) => a.id - b.id);
      const lines = items.map((c) => {
        const li = this.line(c);
        if (li && c.hidden_reason === 'deleted') deletedBadge(li);
        return li;
      }).filter(Boolean);
      if (!lines.length) return;
      this.list.prepend(...lines);
      while (this.list.children.length > MAX) this.list.firstElementChild.remove();
      this.empty.hidden = true;
      if (this.autoscroll.checked) this.list.scrollTop = this.list.scrollHeight;
    } catch { /* the socket brings what comes next */ }
  }
}

function isBanned(c) {
  return !!c.hidden && c.hidden_reason === 'banned_word';
}

function deletedBadge(li) {
  if (li.classList.contains('cm-deleted')) return;
  li.classList.add('cm-deleted');
  li.querySelector('.cm-line').append(el('span', { class: 'badge badge-muted', text: t('js.mod.deleted') }));
}

function clock(iso) {
  const d = iso ? new Date(iso) : new Date();
  if (isNaN(d)) return '';
  const p = (n) => (n < 10 ? '0' : '') + n;
  return p(d.getHours()) + ':' + p(d.getMinutes()) + ':' + p(d.getSeconds());
}
