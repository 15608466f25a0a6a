// 一键触达 form helpers (plain script, no build step): audience rows added from the
// <template> and removed, variable chips that insert {variable} at the caret of the
// row's talk-track, and the send-time choices (the time field shows only for "at";
// "the day before at 20:00" names the date for the chosen live).
(function () {
  'use strict';
  var form = document.getElementById('reach-form');
  if (!form) return;
  var list = form.querySelector('[data-aud-list]');
  var tpl = form.querySelector('template[data-aud-template]');

  function renumber() {
    var rows = list.querySelectorAll('[data-aud-row]');
    rows.forEach(function (row, i) {
      var n = row.querySelector('[data-aud-n]');
      if (n) n.textContent = String(i + 1);
      var rm = row.querySelector('[data-aud-remove]');
      if (rm) rm.hidden = rows.length < 2;
    });
  }

  function changed() { form.dispatchEvent(new Event('change', { bubbles: true })); }

  form.addEventListener('click', function (ev) {
    if (ev.target.closest('[data-aud-add]')) {
      list.appendChild(tpl.content.cloneNode(true));
      renumber();
      var rows = list.querySelectorAll('[data-aud-row]');
      rows[rows.length - 1].querySelector('select').focus();
      return;
    }
    var rm = ev.target.closest('[data-aud-remove]');
    if (rm) {
      rm.closest('[data-aud-row]').remove();
      renumber();
      changed();
      return;
    }
    var chip = ev.target.closest('[data-var]');
    if (chip) {
      var area = chip.closest('[data-aud-row]').querySelector('textarea[data-talk]');
      var ins = '{' + chip.getAttribute('data-var') + '}';
      var s = area.selectionStart == null ? area.value.length : area.selectionStart;
      var e = area.selectionEnd == null ? s : area.selectionEnd;
      area.value = area.value.slice(0, s) + ins + area.value.slice(e);
      area.focus();
      area.setSelectionRange(s + ins.length, s + ins.length);
      changed();
    }
  });

  var at = form.querySelector('[data-when-at]');
  var session = form.querySelector('[data-session-select]');
  var dayBefore = form.querySelector('[data-day-before]');
  var dayBeforeText = dayBefore ? dayBefore.textContent : '';

  function pad(n) { return (n < 10 ? '0' : '') + n; }

  // The live's start in China time, minus a day, at 20:00 (the server does the same).
  function showDayBefore() {
    if (!dayBefore || !session) return;
    var opt = session.options[session.selectedIndex];
    var iso = opt && opt.getAttribute('data-at');
    if (!iso) { dayBefore.textContent = dayBeforeText; return; }
    var t = new Date(new Date(iso).getTime() + 8 * 3600 * 1000 - 24 * 3600 * 1000);
    dayBefore.textContent = (t.getUTCMonth() + 1) + '/' + t.getUTCDate() + ' 20:00 · ' + dayBeforeText;
    dayBefore.setAttribute('data-date', t.getUTCFullYear() + '-' + pad(t.getUTCMonth() + 1) + '-' + pad(t.getUTCDate()) + 'T20:00');
  }

  // Each live's start in the operator's own time zone, as the console shows every
  // other time (the server wrote its own zone's time into the option's text).
  function localStarts() {
    if (!session) return;
    Array.prototype.forEach.call(session.options, function (opt) {
      var d = new Date(opt.getAttribute('data-at') || '');
      var m = opt.textContent.match(/^([\s\S]*)\d{4}-\d\d-\d\d \d\d:\d\d/); // the last time in the text
      if (isNaN(d) || !m) return;
      opt.textContent = m[1] + d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + ' ' +
        pad(d.getHours()) + ':' + pad(d.getMinutes()) + opt.textContent.slice(m[0].length);
    });
  }

  function showAt() {
    var picked = form.querySelector('input[name=when]:checked');
    if (at) at.hidden = !picked || picked.value !== 'at';
  }

  form.addEventListener('change', function (ev) {
    if (ev.target.name === 'when') showAt();
    if (ev.target === session) showDayBefore();
  });
  renumber();
  localStarts();
  showAt();
  showDayBefore();
})();
