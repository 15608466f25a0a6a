// 发现: ranking tabs switch without a reload (the links work without script too), and
// times show in the visitor's own zone.

import { fmtWhen } from './common.js';

document.querySelectorAll('[data-tab]').forEach((tab) => {
  tab.addEventListener('click', (ev) => {
    ev.preventDefault();
    const name = tab.getAttribute('data-tab');
    document.querySelectorAll('[data-tab]').forEach((x) => x.setAttribute('aria-selected', x === tab ? 'true' : 'false'));
    document.querySelectorAll('[data-panel]').forEach((p) => { p.hidden = p.getAttribute('data-panel') !== name; });
    history.replaceState(null, '', '?rank=' + name);
  });
});

document.querySelectorAll('time[datetime]').forEach((el) => {
  const s = fmtWhen(el.getAttribute('datetime'));
  if (s) el.textContent = s;
});
