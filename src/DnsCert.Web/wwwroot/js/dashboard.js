// Live dashboard: the server sends the dashboard's markup again (server-sent events) whenever what this person may see
// changes; it replaces #dashboard in place, without reloading. Without JavaScript the page is the snapshot it was.
(function () {
  'use strict';
  var status = document.getElementById('live-status');
  if (!status || !window.EventSource) { return; }
  var url = status.dataset.stream + '?last=' + encodeURIComponent(status.dataset.last || '');
  var source = new EventSource(url);
  var pad = function (n) { return (n < 10 ? '0' : '') + n; };
  source.addEventListener('open', function () { status.textContent = status.dataset.live; });
  source.addEventListener('error', function () { status.textContent = status.dataset.offline; });
  source.addEventListener('dashboard', function (event) {
    var current = document.getElementById('dashboard');
    var holder = document.createElement('div');
    holder.innerHTML = event.data;
    var next = holder.querySelector('#dashboard');
    if (!current || !next) { return; }
    current.replaceWith(next);
    var now = new Date();
    status.textContent = status.dataset.live + ' · ' + status.dataset.updated + ' ' + pad(now.getHours()) + ':' + pad(now.getMinutes()) + ':' + pad(now.getSeconds());
    status.dataset.updates = String(Number(status.dataset.updates || '0') + 1);
  });
}());
