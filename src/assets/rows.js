// 「行を追加」: adds a blank row to the table in place, without saving (without the script the button
// posts the rows typed so far and the page comes back with more blank rows).
(function () {
  'use strict';
  var buttons = document.querySelectorAll('button[data-add-row]');
  Array.prototype.forEach.call(buttons, function (button) {
    var body = document.getElementById(button.getAttribute('data-add-row'));
    if (!body) return;
    button.addEventListener('click', function (event) {
      var last = body.rows[body.rows.length - 1];
      if (!last) return;
      event.preventDefault();
      var row = last.cloneNode(true);
      var number = body.rows.length + 1;
      // a blank row carries no refusal of the row it was copied from
      Array.prototype.forEach.call(row.querySelectorAll('.field-error'), function (el) {
        el.parentNode.removeChild(el);
      });
      Array.prototype.forEach.call(row.querySelectorAll('input, select, textarea'), function (el) {
        if (el.type === 'checkbox' || el.type === 'radio') el.checked = false;
        else if (el.tagName === 'SELECT') el.selectedIndex = 0;
        else if (el.type !== 'hidden') el.value = '';
        var label = el.getAttribute('aria-label');
        // 「3行目の単価」 → 「4行目の単価」
        if (label) el.setAttribute('aria-label', label.replace(/^\d+(行目|問目)/, number + '$1'));
        el.removeAttribute('id');
        el.removeAttribute('aria-invalid');
        el.removeAttribute('aria-describedby');
      });
      body.appendChild(row);
      var first = row.querySelector('input:not([type=hidden]), select, textarea');
      if (first) first.focus();
    });
  });
})();
