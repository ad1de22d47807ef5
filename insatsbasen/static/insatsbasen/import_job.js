// An import job's page: while the check or the commit runs, ask for its state every two seconds and move the
// progress bar; when it is finished, fetch the page again and put its content in place of the old (no reload, so
// nothing moves under the reader's focus), and say so in the status region. Stops after 30 minutes at the latest.
// Without JavaScript the page has a link that updates it.
(function () {
  "use strict";
  var region = document.getElementById("import-status");
  if (!region || !window.fetch || region.getAttribute("data-working") !== "true") { return; }
  var url = region.getAttribute("data-status-url");
  var interval = 2000;
  var deadline = Date.now() + 30 * 60 * 1000;

  function showFinished(label) {
    fetch(window.location.href, { credentials: "same-origin" })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("import-job");
        var current = document.getElementById("import-job");
        if (fresh && current) { current.replaceWith(fresh); }
        region.textContent = label;
      })
      .catch(function () { window.location.reload(); });
  }

  function poll() {
    if (Date.now() > deadline) { return; }
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error("status " + response.status); }
        return response.json();
      })
      .then(function (job) {
        if (!job.working) { showFinished(job.label); return; }
        var bar = document.getElementById("import-progress");
        if (bar) { bar.value = job.progress; bar.textContent = job.progress + " %"; }
        var label = document.querySelector("[data-import-label]");
        if (label && label.textContent !== job.label) {
          label.textContent = job.label;
          region.textContent = job.label;
          if (job.status === "committing" && bar) { bar.parentNode.remove(); }
        }
        setTimeout(poll, interval);
      })
      .catch(function () {
        // Logged out or the server is away for a moment: ask again, less often.
        setTimeout(poll, interval * 3);
      });
  }

  setTimeout(poll, interval);
})();
