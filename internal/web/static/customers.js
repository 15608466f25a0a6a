// 客户 pages: the segment builder's one-click chips put a term into the rule box at the
// cursor (joined with AND when needed) and let htmx count it again; the rule-tag
// examples fill the form; a remark form swapped in by htmx gets the cursor.
(function () {
  'use strict';

  var OPS = ['AND', 'OR', 'NOT', '(', ')'];

  function insertTerm(box, text) {
    var start = box.selectionStart == null ? box.value.length : box.selectionStart;
    var end = box.selectionEnd == null ? start : box.selectionEnd;
    if (document.activeElement !== box) { start = end = box.value.length; }
    var before = box.value.slice(0, start);
    var after = box.value.slice(end);
    var head = before.replace(/\s+$/, '');
    var isOp = OPS.indexOf(text) >= 0;
    if (!isOp && head && !/(\(|\bAND|\bOR|\bNOT)$/i.test(head)) text = 'AND ' + text;
    var lead = head && !/\($/.test(head) ? ' ' : '';
    var joined = head + lead + text + (after && !/^\s/.test(after) ? ' ' : '');
    box.value = joined + after;
    var pos = joined.length;
    box.focus();
    box.setSelectionRange(pos, pos);
    box.dispatchEvent(new Event('input', { bubbles: true }));
  }

  document.addEventListener('click', function (ev) {
    var chip = ev.target.closest('[data-insert]');
    if (chip) {
      var form = chip.closest('form');
      var box = form && form.querySelector('.rule-input');
      if (box) insertTerm(box, chip.getAttribute('data-insert'));
      return;
    }
    var ex = ev.target.closest('[data-fill-rule]');
    if (ex) {
      var f = document.querySelector(ex.getAttribute('data-fill-form'));
      if (!f) return;
      var name = f.querySelector('input[name=name]');
      var rule = f.querySelector('textarea[name=rule]');
      if (name && !name.value) name.value = ex.getAttribute('data-fill-name');
      if (rule) {
        rule.value = ex.getAttribute('data-fill-rule');
        rule.focus();
        rule.dispatchEvent(new Event('input', { bubbles: true }));
      }
    }
  });

  // New content from htmx: a remark form just swapped in takes the cursor.
  document.addEventListener('htmx:load', function (ev) {
    var elt = ev.detail.elt;
    if (!elt || !elt.querySelector) return;
    var el = elt.querySelector('[data-autofocus]');
    if (!el) return;
    el.focus();
    var n = el.value.length;
    el.setSelectionRange(n, n);
  });
})();
