// Sends the proposal file with XMLHttpRequest so the progress of a large upload can be shown.
// Without JavaScript the same form posts normally and the page reloads when the upload ends.
(function () {
  'use strict';
  var form = document.querySelector('form[data-upload-api]');
  if (!form || !window.XMLHttpRequest || !window.FormData) return;
  var input = form.querySelector('input[type=file]');
  var bar = document.getElementById('upload-progress');
  var status = document.getElementById('upload-status');
  var button = form.querySelector('button[type=submit]');

  function megabytes(bytes) {
    return (bytes / 1024 / 1024).toFixed(1) + ' MB';
  }
  function duration(seconds) {
    if (!isFinite(seconds) || seconds < 0) return '—';
    var m = Math.floor(seconds / 60);
    var s = Math.round(seconds % 60);
    return m > 0 ? m + '分' + s + '秒' : s + '秒';
  }

  // back to the state before any upload: no bar, no message, the button usable
  function reset() {
    bar.hidden = true;
    bar.removeAttribute('value');
    bar.value = 0;
    bar.max = 100;
    status.textContent = '';
    status.className = '';
    button.disabled = false;
  }
  // a refused or broken upload: the message in the red box, the bar gone, the next try possible
  function refuse(message) {
    bar.hidden = true;
    bar.value = 0;
    status.textContent = message;
    status.className = 'error';
    button.disabled = false;
  }

  input.addEventListener('change', reset);

  form.addEventListener('submit', function (event) {
    if (!input.files || input.files.length === 0) return;
    event.preventDefault();
    reset();
    var file = input.files[0];
    var data = new FormData();
    data.append('file', file, file.name);
    var xhr = new XMLHttpRequest();
    var started = Date.now();
    xhr.open('POST', form.getAttribute('data-upload-api'));
    xhr.setRequestHeader('Accept', 'application/json');
    bar.hidden = false;
    bar.value = 0;
    button.disabled = true;
    status.textContent = '送信を開始しました…';
    xhr.upload.addEventListener('progress', function (e) {
      if (!e.lengthComputable) return;
      var elapsed = (Date.now() - started) / 1000;
      var rate = e.loaded / Math.max(elapsed, 0.001);
      bar.max = e.total;
      bar.value = e.loaded;
      var percent = Math.floor((e.loaded / e.total) * 100);
      status.textContent = percent + '%（' + megabytes(e.loaded) + ' / ' + megabytes(e.total) + '、' + megabytes(rate) + '/秒、残り約' + duration((e.total - e.loaded) / rate) + '）';
    });
    xhr.addEventListener('load', function () {
      var body = null;
      try { body = JSON.parse(xhr.responseText); } catch (e) { body = null; }
      if (xhr.status === 201 && body && body.file) {
        status.textContent = '受け付けました。受付日時 ' + new Date(body.file.receivedAt).toLocaleString('ja-JP') + '、SHA-256 ' + body.file.sha256;
        window.location.assign(form.getAttribute('data-done') + '&file=' + encodeURIComponent(body.file.id));
      } else {
        refuse((body && body.error && body.error.message) || '送信できませんでした（' + xhr.status + '）。');
      }
    });
    xhr.addEventListener('error', function () {
      refuse('通信が切れたため送信できませんでした。ファイルは受け付けていません。もう一度お試しください。');
    });
    xhr.send(data);
  });
})();
