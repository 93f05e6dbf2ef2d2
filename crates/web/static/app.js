// neibao UI behaviour. No inline scripts: the CSP forbids them.
// Pages marked <main data-autorefresh="N"> reload every N seconds unless the user is typing,
// so new alerts show up without a manual refresh.
(function () {
  var main = document.querySelector("main[data-autorefresh]");
  if (!main) return;
  var seconds = parseInt(main.getAttribute("data-autorefresh"), 10) || 5;
  setInterval(function () {
    var a = document.activeElement;
    if (a && (a.tagName === "INPUT" || a.tagName === "TEXTAREA" || a.tagName === "SELECT")) return;
    window.location.reload();
  }, seconds * 1000);
})();
