// Portal-wide behaviour: move focus to a form's error summary; warn before the session times out.
(function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
})();

(function () {
  "use strict";
  var box = document.getElementById("session-warning");
  if (!box) { return; }
  var seconds = parseInt(box.getAttribute("data-session-seconds"), 10) || 0;
  var warnBefore = 120;
  if (seconds <= warnBefore) { return; }
  var timer = null;
  function schedule() {
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(function () {
      box.classList.remove("d-none");
      document.getElementById("session-keepalive").focus();
    }, (seconds - warnBefore) * 1000);
  }
  document.getElementById("session-keepalive").addEventListener("click", function () {
    fetch(box.getAttribute("data-keepalive-url"), { credentials: "same-origin" }).then(function () {
      box.classList.add("d-none");
      schedule();
    });
  });
  schedule();
})();

// Behaviour that would otherwise be inline handlers, which the Content-Security-Policy forbids:
// data-print buttons print the page, forms with data-confirm ask before they are sent.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-print]");
    if (button) { window.print(); }
  });
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) { event.preventDefault(); }
  });
})();
