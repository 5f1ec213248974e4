// The scoring sheet: a live total, inline checks, and an autosave a few seconds after the last change.
// Without JavaScript the form posts normally with the 一時保存 and 提出 buttons.
(function () {
  'use strict';
  var form = document.querySelector('form[data-sheet-api]');
  // a sheet that cannot be edited (submitted, closed) has no 提出 button and nothing to save
  if (!form || !window.fetch || !form.querySelector('button[value=submit]')) return;
  var api = form.getAttribute('data-sheet-api');
  var totalOut = document.getElementById('running-total');
  var saveStatus = document.getElementById('save-status');
  var versionInput = form.querySelector('input[name=version]');
  var timer = null;
  var saving = false;
  var stopped = false;
  var banner = document.getElementById('sheet-conflict');
  var bannerMessage = document.getElementById('sheet-conflict-message');
  // tabs of the same browser tell each other of a save, so a stale tab stops before anything is typed into it
  var channel = window.BroadcastChannel ? new BroadcastChannel('sheet-saves') : null;

  // The sheet changed elsewhere (another tab, a submission, the close): stop editing here, say so and offer the latest version.
  function stop(message) {
    if (stopped) return;
    stopped = true;
    clearTimeout(timer);
    Array.prototype.forEach.call(form.querySelectorAll('input, select, textarea, button'), function (el) {
      if (el.type !== 'hidden') el.disabled = true;
    });
    // the buttons go: nothing on this page can be saved any more
    Array.prototype.forEach.call(form.querySelectorAll('.actions, #submit-help'), function (el) { el.style.display = 'none'; });
    saveStatus.textContent = '';
    if (banner) {
      banner.hidden = false;
      if (bannerMessage) bannerMessage.textContent = message;
      banner.focus();
      banner.scrollIntoView({ block: 'center' });
    }
  }

  var staleMessage = '別の画面（タブ）でこの採点票が更新されました。';

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
    if (stopped || saving || !fields().every(check)) return;
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
          if (channel) channel.postMessage({ api: api, version: r.body.sheet.version });
        } else if (r.status === 409) {
          stop((r.body && r.body.error && r.body.error.message) || staleMessage);
        } else {
          saveStatus.textContent = (r.body && r.body.error && r.body.error.message) || '保存できませんでした。';
        }
      })
      .catch(function () {
        saveStatus.textContent = '通信できないため保存できませんでした。接続を確認してください。';
      })
      .then(function () { saving = false; });
  }

  // a save in another tab of this browser makes this one stale
  if (channel) {
    channel.onmessage = function (e) {
      var d = e.data || {};
      if (d.api === api && Number(d.version) > Number(versionInput.value)) stop(staleMessage);
    };
  }

  // on coming back to the tab, ask for the stored version: any other change (another browser, a submission) stops editing too
  function recheck() {
    if (stopped || saving || document.visibilityState === 'hidden') return;
    fetch(api, { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
      .then(function (res) {
        return res.status === 200 ? res.json() : null;
      })
      .then(function (body) {
        if (!body || !body.sheet || saving) return;
        if (body.sheet.status === 'submitted') stop('この採点票は別の画面で提出されました。');
        else if (Number(body.sheet.version) !== Number(versionInput.value)) stop(staleMessage);
      })
      .catch(function () {});
  }
  document.addEventListener('visibilitychange', recheck);
  window.addEventListener('focus', recheck);

  form.addEventListener('input', function (e) {
    if (stopped) return;
    if (e.target && e.target.hasAttribute && e.target.hasAttribute('data-criterion')) check(e.target);
    updateTotal();
    clearTimeout(timer);
    timer = setTimeout(autosave, 2500);
  });
  form.addEventListener('submit', function (e) {
    if (stopped) e.preventDefault();
    clearTimeout(timer);
  });
  updateTotal();
})();
