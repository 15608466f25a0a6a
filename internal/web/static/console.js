// Siyu console behaviour: small progressive enhancements on top of server-rendered
// pages. Everything works without this file; it adds copy buttons, confirmations for
// plain forms, local times, the htmx error toast and the sidebar toggle.
(function () {
  'use strict';

  function onReady(fn) {
    if (document.readyState !== 'loading') fn();
    else document.addEventListener('DOMContentLoaded', fn);
  }

  // Copy the text of the element named by data-copy (a CSS selector).
  document.addEventListener('click', function (ev) {
    var btn = ev.target.closest('[data-copy]');
    if (!btn) return;
    var el = document.querySelector(btn.getAttribute('data-copy'));
    if (!el) return;
    var text = el.textContent.trim();
    var done = function () {
      var label = btn.querySelector('span');
      if (!label) return;
      var old = label.textContent;
      label.textContent = btn.getAttribute('data-copied') || old;
      btn.classList.add('copied');
      setTimeout(function () { label.textContent = old; btn.classList.remove('copied'); }, 1800);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () { selectText(el); });
    } else {
      selectText(el);
      try { document.execCommand('copy'); done(); } catch (e) { /* the text stays selected */ }
    }
  });

  function selectText(el) {
    var range = document.createRange();
    range.selectNodeContents(el);
    var sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
  }

  // The rundown editor (直播脚本): "add segment" appends an empty row; blank rows are
  // skipped when saving, so there is no remove button to get wrong.
  document.addEventListener('click', function (ev) {
    if (!ev.target.closest('[data-rundown-add]')) return;
    var body = document.querySelector('[data-rundown]');
    var rows = body ? body.querySelectorAll('[data-rundown-row]') : [];
    if (!rows.length) return;
    var row = rows[rows.length - 1].cloneNode(true);
    row.querySelectorAll('input').forEach(function (i) { i.value = ''; });
    body.appendChild(row);
    body.querySelectorAll('[data-rundown-n]').forEach(function (n, i) { n.textContent = String(i + 1); });
    row.querySelector('input').focus();
  });

  // Plain (non-htmx) forms with data-confirm ask first; htmx forms use hx-confirm.
  document.addEventListener('submit', function (ev) {
    var form = ev.target;
    if (!form.hasAttribute('data-confirm') || form.hasAttribute('hx-post')) return;
    if (!window.confirm(form.getAttribute('data-confirm'))) ev.preventDefault();
  }, true);

  // Show times in the viewer's own time zone.
  function localTimes(root) {
    var pad = function (n) { return (n < 10 ? '0' : '') + n; };
    root.querySelectorAll('time[datetime]').forEach(function (el) {
      var d = new Date(el.getAttribute('datetime'));
      if (isNaN(d)) return;
      el.textContent = d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) +
        ' ' + pad(d.getHours()) + ':' + pad(d.getMinutes());
      el.title = d.toString();
    });
  }

  // A refused htmx request (403, 409, 500 …) shows the server's message as a toast.
  var toastTimer;
  function toast(msg) {
    var el = document.getElementById('toast');
    if (!el) return;
    el.textContent = msg;
    el.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(function () { el.hidden = true; }, 5000);
  }
  document.addEventListener('htmx:responseError', function (ev) {
    var xhr = ev.detail.xhr;
    var msg = '';
    try {
      var doc = new DOMParser().parseFromString(xhr.responseText, 'text/html');
      var el = doc.querySelector('[data-error-message]');
      if (el) msg = el.textContent.trim();
    } catch (e) { /* fall through */ }
    toast(msg || ('HTTP ' + xhr.status));
  });
  document.addEventListener('htmx:sendError', function () { toast('⚠'); });
  document.addEventListener('htmx:afterSwap', function (ev) { localTimes(ev.detail.target.parentNode || document); });

  onReady(function () {
    localTimes(document);
    // A form that came back with errors: put the cursor in the first field at fault.
    var bad = document.querySelector('.has-error input:not([type=hidden]), .has-error select');
    if (bad) bad.focus();
    var toggle = document.querySelector('[data-toggle-sidebar]');
    if (toggle) {
      toggle.addEventListener('click', function (ev) {
        ev.stopPropagation();
        document.body.classList.toggle('nav-open');
      });
      // A tap beside the open menu closes it.
      document.querySelector('.main').addEventListener('click', function () {
        document.body.classList.remove('nav-open');
      });
    }
  });
})();
