// 话术库 page behaviour. The pages work without it (every field shows, the send button
// still renders the filled-in text); it adds: one kind's fields per reply row, adding
// and removing rows, variable buttons that insert {variable} at the cursor, and copying
// a rendered script to the clipboard as soon as it arrives.
(function () {
  'use strict';

  function onReady(fn) {
    if (document.readyState !== 'loading') fn();
    else document.addEventListener('DOMContentLoaded', fn);
  }

  // ---------- the form's reply rows ----------
  function rowsBox() { return document.querySelector('[data-snippet-rows]'); }

  function syncKind(row) {
    var sel = row.querySelector('[data-snippet-kind]');
    if (sel) row.setAttribute('data-kind', sel.value);
  }

  function renumber(box) {
    box.querySelectorAll('[data-row-n]').forEach(function (n, i) { n.textContent = String(i + 1); });
  }

  function firstField(row) {
    var fields = row.querySelectorAll('textarea, input[type=text]');
    for (var i = 0; i < fields.length; i++) {
      if (fields[i].offsetParent !== null) return fields[i];
    }
    return null;
  }

  document.addEventListener('change', function (ev) {
    var sel = ev.target.closest('[data-snippet-kind]');
    if (!sel) return;
    var row = sel.closest('[data-snippet-row]');
    syncKind(row);
    var f = firstField(row);
    if (f) f.focus();
  });

  document.addEventListener('click', function (ev) {
    var box = rowsBox();
    if (ev.target.closest('[data-snippet-add]') && box) {
      var tpl = document.getElementById('sc-row-tpl');
      if (!tpl) return;
      var row = tpl.content.firstElementChild.cloneNode(true);
      box.appendChild(row);
      syncKind(row);
      renumber(box);
      var f = firstField(row);
      if (f) f.focus();
      return;
    }
    var rm = ev.target.closest('[data-snippet-remove]');
    if (rm && box) {
      var r = rm.closest('[data-snippet-row]');
      if (box.querySelectorAll('[data-snippet-row]').length > 1) {
        r.remove();
      } else {
        r.querySelectorAll('textarea, input[type=text]').forEach(function (i) { i.value = ''; });
      }
      renumber(box);
    }
  });

  // ---------- variable buttons ----------
  var lastText = null;
  document.addEventListener('focusin', function (ev) {
    if (ev.target.matches && ev.target.matches('textarea[name=sn_text]')) lastText = ev.target;
  });

  document.addEventListener('click', function (ev) {
    var btn = ev.target.closest('[data-var]');
    if (!btn) return;
    var box = rowsBox();
    var ta = lastText && document.body.contains(lastText) && lastText.offsetParent !== null ? lastText : null;
    if (!ta && box) {
      var all = box.querySelectorAll('textarea[name=sn_text]');
      for (var i = 0; i < all.length; i++) if (all[i].offsetParent !== null) { ta = all[i]; break; }
    }
    if (!ta) return;
    var token = '{' + btn.getAttribute('data-var') + '}';
    var start = ta.selectionStart == null ? ta.value.length : ta.selectionStart;
    var end = ta.selectionEnd == null ? start : ta.selectionEnd;
    ta.value = ta.value.slice(0, start) + token + ta.value.slice(end);
    ta.focus();
    ta.setSelectionRange(start + token.length, start + token.length);
  });

  // ---------- copy / send ----------
  document.addEventListener('submit', function (ev) {
    if (ev.target.hasAttribute('data-send-values')) ev.preventDefault(); // Enter in a value field
  });

  function copyText(text, ok, fail) {
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(ok, fail);
      return;
    }
    fail();
  }

  function selectNode(el) {
    var range = document.createRange();
    range.selectNodeContents(el);
    var sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
  }

  document.addEventListener('htmx:afterSwap', function (ev) {
    var box = ev.detail.target;
    if (!box || box.id !== 'send-result') return;
    var sent = box.querySelector('[data-sent]');
    var pre = box.querySelector('[data-send-text]');
    if (!sent || !pre) return;
    var state = sent.querySelector('[data-copy-state]');
    copyText(pre.textContent, function () {
      sent.classList.add('copied');
      if (state) state.textContent = box.getAttribute('data-copied');
    }, function () {
      selectNode(pre);
      var done = false;
      try { done = document.execCommand('copy'); } catch (e) { /* the text stays selected */ }
      if (done) sent.classList.add('copied');
      if (state) state.textContent = box.getAttribute(done ? 'data-copied' : 'data-copy-failed');
    });
    box.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
  });

  document.addEventListener('click', function (ev) {
    if (!ev.target.closest('[data-sent-close]')) return;
    var box = document.getElementById('send-result');
    if (box) box.innerHTML = '';
  });

  onReady(function () {
    var box = rowsBox();
    if (!box) return;
    box.classList.add('sc-js');
    box.querySelectorAll('[data-snippet-row]').forEach(syncKind);
  });
})();
