// 公平验证 of a lottery: the commitment sha256(seed) published at launch, the seed
// revealed at the draw, a check in the browser that they match, and the published
// record (entrants and winners) anyone can recompute the draw from (docs/lottery.md).

import { el, icon, t } from './common.js';

/** The verify panel of lottery l; back() returns to the lottery. */
export function verifyView(l, back) {
  const status = el('p', { class: 'rt-verify-check', 'data-testid': 'verify-check' });
  const rows = el('dl', { class: 'rt-verify' },
    el('dt', { text: t('js.rt.verify.algorithm') }), el('dd', { text: l.algorithm || 'siyu-lottery-v1' }),
    el('dt', { text: t('js.rt.verify.commitment') }), el('dd', { class: 'mono', 'data-testid': 'verify-commitment', text: l.commitment || '' }),
    el('dt', { text: t('js.rt.verify.seed') }), el('dd', { class: 'mono', 'data-testid': 'verify-seed', text: l.seed || t('js.rt.verify.seed_later') }));
  if (l.seed) {
    status.textContent = t('js.rt.verify.checking');
    check(l.seed, l.commitment).then((ok) => {
      status.className = 'rt-verify-check ' + (ok === true ? 'ok' : ok === false ? 'bad' : '');
      status.replaceChildren(icon(ok === false ? 'alert' : 'check'),
        el('span', { text: ok === true ? t('js.rt.verify.ok') : ok === false ? t('js.rt.verify.bad') : t('js.rt.verify.manual') }));
    });
  } else {
    status.replaceChildren(icon('clock'), el('span', { text: t('js.rt.verify.pending') }));
  }
  const backBtn = el('button', { type: 'button', class: 'pbtn pbtn-light pbtn-block', 'data-testid': 'verify-back', text: t('js.rt.verify.back') });
  backBtn.addEventListener('click', back);
  return el('div', { class: 'rt-verify-box', 'data-testid': 'lottery-verify-panel' },
    el('h3', { class: 'rt-lot-h', text: t('js.rt.verify.title') }),
    el('p', { class: 'rt-hint', text: t('js.rt.verify.how') }), rows, status,
    l.commitment ? el('a', { class: 'rt-link', href: '/api/v1/public/lotteries/' + l.commitment, target: '_blank', rel: 'noopener', 'data-testid': 'verify-record', text: t('js.rt.verify.record') }) : null,
    backBtn);
}

/** true when sha256(seed bytes) is the commitment, false when not, null when the browser cannot hash here. */
async function check(seedHex, commitment) {
  try {
    if (!window.crypto || !crypto.subtle || !/^[0-9a-f]+$/i.test(seedHex) || seedHex.length % 2) return null;
    const bytes = new Uint8Array(seedHex.match(/../g).map((h) => parseInt(h, 16)));
    const sum = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
    const hex = Array.from(sum, (b) => b.toString(16).padStart(2, '0')).join('');
    return hex === String(commitment).toLowerCase();
  } catch { return null; }
}
