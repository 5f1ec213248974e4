// The scoring sheet: a live total, inline checks, and an autosave a few seconds after the last change.
// Without JavaScript the form posts normally with the 一時保存 and 提出 buttons.
(function () {
  'use strict';
  var form = document.querySelector('form[data-sheet-api]');
  if (!form || !window.fetch) return;
  var api = form.getAttribute('data-sheet-api');
  var totalOut = document.getElementById('running-total');
  var saveStatus = document.getElementById('save-status');
  var versionInput = form.querySelector('input[name=version]');
  var timer = null;
  var saving = false;

  function fields() {
    return Array.prototype.slice.call(form.querySelectorAll('[data-criterion]'));
  }

  function scores() {
    var out = {};
    fields().forEach(function (el) {
      var code = el.getAttribute('data-criterion');
      var mode = el.getAttribute('data-mode');
      var value = el.value;
      if (value === '') return;
      if (mode === 'points') out[code] = Number(value);
      else if (mode === 'pass_fail') out[code] = value === 'true';
      else out[code] = value;
    });
    return out;
  }

  function check(el) {
    var message = '';
    if (el.getAttribute('data-mode') === 'points' && el.value !== '') {
      var max = Number(el.getAttribute('max'));
      var v = Number(el.value);
      if (!isFinite(v) || v < 0 || v > max) message = '0〜' + max + '点で入力してください';
      else if (!/^\d+(\.\d{1,2})?$/.test(String(v))) message = '小数第2位までで入力してください';
    }
    var hint = document.getElementById(el.id + '-error');
    if (hint) hint.textContent = message;
    el.setAttribute('aria-invalid', message ? 'true' : 'false');
    return message === '';
  }

  function updateTotal() {
    var total = 0;
    fields().forEach(function (el) {
      var mode = el.getAttribute('data-mode');
      if (el.value === '') return;
      if (mode === 'points' && check(el)) total += Number(el.value);
      if (mode === 'grade') total += Number(el.getAttribute('data-max')) * Number(el.selectedOptions[0].getAttribute('data-coefficient'));
    });
    totalOut.textContent = (Math.round(total * 100) / 100).toLocaleString('ja-JP');
  }

  function autosave() {
    if (saving || !fields().every(check)) return;
    saving = true;
    saveStatus.textContent = '保存しています…';
    var comment = form.querySelector('textarea[name=comment]');
    fetch(api, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      credentials: 'same-origin',
      body: JSON.stringify({ scores: scores(), comment: comment ? comment.value : undefined, version: Number(versionInput.value) })
    })
      .then(function (res) {
        return res.json().then(function (body) { return { status: res.status, body: body }; });
      })
      .then(function (r) {
        if (r.status === 200) {
          versionInput.value = String(r.body.sheet.version);
          saveStatus.textContent = '自動保存しました（' + new Date().toLocaleTimeString('ja-JP') + '）';
        } else {
          saveStatus.textContent = (r.body && r.body.error && r.body.error.message) || '保存できませんでした。';
        }
      })
      .catch(function () {
        saveStatus.textContent = '通信できないため保存できませんでした。接続を確認してください。';
      })
      .then(function () { saving = false; });
  }

  form.addEventListener('input', function (e) {
    if (e.target && e.target.hasAttribute && e.target.hasAttribute('data-criterion')) check(e.target);
    updateTotal();
    clearTimeout(timer);
    timer = setTimeout(autosave, 2500);
  });
  form.addEventListener('submit', function () { clearTimeout(timer); });
  updateTotal();
})();
