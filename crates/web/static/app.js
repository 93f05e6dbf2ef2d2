// neibao UI behaviour. No inline scripts: the CSP forbids them.
//
// <main data-watch-alerts>: polls the alert list once a second (same-origin API with the session
// cookie) and reloads the page as soon as an alert is raised or changes, so a device event shows
// up within a second.
// <main data-autorefresh="N">: reloads every N seconds.
// Neither reloads while the user is typing in a form field.
(function () {
  var main = document.querySelector("main");
  if (!main) return;
  function typing() {
    var a = document.activeElement;
    return a && (a.tagName === "INPUT" || a.tagName === "TEXTAREA" || a.tagName === "SELECT");
  }
  if (main.hasAttribute("data-watch-alerts")) {
    var last = null;
    var poll = function () {
      fetch("/api/v1/alerts?per_page=1", { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (v) {
          if (!v) return;
          var top = v.items && v.items[0];
          var sig = v.total + "|" + (top ? top.id + "|" + top.last_seen + "|" + top.event_count + "|" + top.status : "");
          if (last !== null && sig !== last && !typing()) window.location.reload();
          last = sig;
        })
        .catch(function () {});
    };
    poll();
    setInterval(poll, 1000);
  }
  var seconds = parseInt(main.getAttribute("data-autorefresh"), 10);
  if (seconds > 0) {
    setInterval(function () { if (!typing()) window.location.reload(); }, seconds * 1000);
  }
})();

// Header badge: the number of unread inbox items (GET /inbox/badge, plain text, empty when none).
(function () {
  var badge = document.getElementById("inbox-badge");
  if (!badge) return;
  fetch("/inbox/badge", { credentials: "same-origin" })
    .then(function (r) { return r.ok ? r.text() : ""; })
    .then(function (t) {
      t = (t || "").trim();
      if (/^[0-9]+$/.test(t)) { badge.textContent = t; badge.hidden = false; }
    })
    .catch(function () {});
})();
