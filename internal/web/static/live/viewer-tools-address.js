// The delivery address in the room's checkout: a compact form (收货人, 手机号, 省/市/区,
// 详细地址) checked before it is sent, with the server's field errors shown under the
// input they name. The last address used on this device is offered again, as a
// shopping app would.

import { el, icon, t } from './common.js';

const KEY = 'siyu.address';
const FIELDS = [
  { name: 'name', max: 30, auto: 'name' },
  { name: 'phone', max: 20, auto: 'tel', type: 'tel', mode: 'tel' },
  { name: 'province', max: 20, auto: 'address-level1', half: true },
  { name: 'city', max: 20, auto: 'address-level2', half: true },
  { name: 'district', max: 20, auto: 'address-level3', half: true },
  { name: 'detail', max: 120, auto: 'address-line1' },
];

function saved() {
  try { return JSON.parse(localStorage.getItem(KEY) || 'null'); } catch { return null; }
}

/**
 * Answers {node, value(), showError(err), remember()}: value() is the address or null
 * (with the first problem shown); showError shows an API invalid error under its field
 * ("address.phone" or "phone") and answers whether it did.
 */
export function addressForm() {
  const prev = saved();
  const inputs = {};
  const errs = {};
  const grid = el('div', { class: 'rt-addr' });
  let region = null;
  for (const f of FIELDS) {
    const id = 'rt-addr-' + f.name;
    const input = el('input', { id, class: 'rt-f-i', name: f.name, type: f.type || 'text', maxlength: f.max, autocomplete: f.auto,
      inputmode: f.mode || null, placeholder: t('js.rt.addr.' + f.name + '.ph'), 'data-testid': 'addr-' + f.name });
    if (prev && prev[f.name]) input.value = prev[f.name];
    const err = el('p', { class: 'perror rt-f-err', role: 'alert', hidden: true });
    input.addEventListener('input', () => { err.hidden = true; input.removeAttribute('aria-invalid'); });
    inputs[f.name] = input;
    errs[f.name] = err;
    if (f.half) {
      // 省 / 市 / 区 share one row, like every shopping app's address form.
      if (!region) {
        region = el('div', { class: 'rt-f-3' });
        grid.append(el('div', { class: 'rt-f' }, el('span', { class: 'rt-f-l', text: t('js.rt.addr.region') }), region));
      }
      region.append(el('label', { for: id, class: 'sr-only', text: t('js.rt.addr.' + f.name) }), input);
      grid.append(err);
    } else {
      grid.append(el('div', { class: 'rt-f' }, el('label', { for: id, class: 'rt-f-l', text: t('js.rt.addr.' + f.name) }), input), err);
    }
  }
  const node = el('div', { class: 'rt-addr-box' });
  if (prev && prev.name && prev.detail) {
    // A remembered address shows as one line; 修改 opens the form.
    const edit = el('button', { type: 'button', class: 'rt-link', 'data-testid': 'addr-edit', text: t('js.rt.addr.edit') });
    const sum = el('div', { class: 'rt-addr-sum', 'data-testid': 'addr-saved' }, icon('store'),
      el('div', { class: 'min0' }, el('b', { text: prev.name + '  ' + prev.phone }),
        el('span', { text: [prev.province, prev.city, prev.district, prev.detail].join(' ') })), edit);
    grid.hidden = true;
    edit.addEventListener('click', () => { sum.remove(); grid.hidden = false; inputs.name.focus(); });
    node.append(sum);
  }
  node.append(grid);

  function clear() {
    for (const f of FIELDS) { errs[f.name].hidden = true; inputs[f.name].removeAttribute('aria-invalid'); }
  }

  function fail(name, msg) {
    grid.hidden = false;
    const sum = node.querySelector('.rt-addr-sum');
    if (sum) sum.remove();
    errs[name].textContent = msg;
    errs[name].hidden = false;
    inputs[name].setAttribute('aria-invalid', 'true');
    inputs[name].focus();
    return null;
  }

  return {
    node,
    value() {
      clear();
      const v = {};
      for (const f of FIELDS) v[f.name] = inputs[f.name].value.trim();
      for (const f of FIELDS) if (!v[f.name]) return fail(f.name, t('js.rt.addr.required', t('js.rt.addr.' + f.name)));
      const phone = v.phone.replace(/[\s-]/g, '').replace(/^(\+86|0086)/, '');
      if (!/^1[3-9]\d{9}$/.test(phone) && !/^0\d{9,11}$/.test(phone)) return fail('phone', t('js.rt.addr.phone_bad'));
      if (Array.from(v.detail).length < 4) return fail('detail', t('js.rt.addr.detail_short'));
      return v;
    },
    showError(e) {
      if (!e || e.code !== 'invalid') return false;
      const name = String(e.field || '').replace(/^address\./, '');
      if (!inputs[name]) return false;
      fail(name, name === 'phone' ? t('js.rt.addr.phone_bad') : t('js.rt.addr.check', t('js.rt.addr.' + name)));
      return true;
    },
    remember() {
      const v = {};
      for (const f of FIELDS) v[f.name] = inputs[f.name].value.trim();
      localStorage.setItem(KEY, JSON.stringify(v));
    },
  };
}
