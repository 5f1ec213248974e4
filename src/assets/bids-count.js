// Keeps the count of received bids up to date while the secretariat waits for the deadline (no amounts).
(function () {
  'use strict';
  var out = document.querySelector('[data-bid-count]');
  if (!out || !window.fetch) return;
  var api = out.getAttribute('data-bid-count');
  function refresh() {
    fetch(api, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(function (res) { return res.ok ? res.json() : null; })
      .then(function (body) {
        if (!body) return;
        var current = body.rounds[body.rounds.length - 1];
        if (current && current.received !== undefined) out.textContent = String(current.received);
      })
      .catch(function () {});
  }
  setInterval(refresh, 10000);
})();
