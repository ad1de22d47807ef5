// "Mina exporter": while an export is being made, ask the server for its state every five seconds and
// replace its row; the status region (role=status) says when one is finished. No page reload, so
// nothing moves under the reader's focus (WCAG 2.2.1; this replaced a meta refresh). Stops when every
// job shown is finished, and after 30 minutes at the latest (each request keeps the session alive).
(function () {
  "use strict";
  var region = document.getElementById("export-status");
  if (!region || !window.fetch) { return; }
  var url = region.getAttribute("data-status-url");
  var interval = 5000;
  var deadline = Date.now() + 30 * 60 * 1000;

  function unfinished() {
    return Array.prototype.slice.call(document.querySelectorAll("tr[data-export-id][data-export-finished='false']"));
  }

  function replaceRow(job) {
    var rows = document.querySelectorAll("tr[data-export-id]");
    for (var i = 0; i < rows.length; i++) {
      if (rows[i].getAttribute("data-export-id") !== job.id) { continue; }
      var template = document.createElement("template");
      template.innerHTML = job.row.trim();
      var fresh = template.content.firstElementChild;
      if (fresh && fresh.outerHTML !== rows[i].outerHTML) { rows[i].replaceWith(fresh); }
      return;
    }
  }

  function poll() {
    var rows = unfinished();
    if (!rows.length || Date.now() > deadline) { return; }
    var query = rows.map(function (row) {
      return "id=" + encodeURIComponent(row.getAttribute("data-export-id"));
    }).join("&");
    fetch(url + "?" + query, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error("status " + response.status); }
        return response.json();
      })
      .then(function (data) {
        var finished = [];
        data.jobs.forEach(function (job) {
          replaceRow(job);
          if (job.finished) { finished.push(job.announcement); }
        });
        if (finished.length) { region.textContent = finished.join(" "); }
        setTimeout(poll, interval);
      })
      .catch(function () {
        // Logged out or the server is away for a moment: ask again, less often.
        setTimeout(poll, interval * 3);
      });
  }

  setTimeout(poll, interval);
})();
