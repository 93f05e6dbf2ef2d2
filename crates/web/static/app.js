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

// The navigation menu (<details id="menu">): open on a desktop, where its button is hidden (the
// stylesheet shows its links without script too); closed on a phone (≤ 600 px) until its button
// is tapped, and closed again when the window narrows.
(function () {
  var menu = document.getElementById("menu");
  if (!menu || !window.matchMedia) return;
  var wide = window.matchMedia("(min-width: 601px)");
  function fit() { menu.open = wide.matches; }
  fit();
  if (wide.addEventListener) wide.addEventListener("change", fit);
})();

// Header badge: the number of unread inbox items (GET /inbox/badge, plain text, empty when none).
(function () {
  var badge = document.getElementById("inbox-badge");
  if (!badge) return;
  fetch("/inbox/badge", { credentials: "same-origin" })
    .then(function (r) { return r.ok ? r.text() : ""; })
    .then(function (t) {
      t = (t || "").trim();
      if (!/^[0-9]+$/.test(t)) return;
      badge.textContent = t;
      badge.hidden = false;
      // The phone's closed menu shows the count on its button.
      var menuBadge = document.getElementById("menu-badge");
      if (menuBadge) { menuBadge.textContent = t; menuBadge.hidden = false; }
    })
    .catch(function () {});
})();

// <form data-autosave>: long forms (the inspection) save their draft on the server a few seconds
// after the last change, so a lost connection, a closed tab or an ended session loses at most
// those seconds. Posts the form's own fields (CSRF token included) with submit=draft and
// autosave=1; the server answers 204. The status line says when it was saved, or why not.
(function () {
  var form = document.querySelector("form[data-autosave]");
  if (!form) return;
  var status = document.getElementById("autosave-status");
  var timer = null, inFlight = false, pending = false;
  function say(text) { if (status) status.textContent = text; }
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function save() {
    timer = null;
    if (inFlight) { pending = true; return; }
    inFlight = true;
    var data = new URLSearchParams(new FormData(form));
    data.delete("submit");
    data.append("submit", "draft");
    data.append("autosave", "1");
    fetch(form.action, {
      method: "POST",
      credentials: "same-origin",
      redirect: "manual",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: data.toString()
    })
      .then(function (r) {
        if (r.status === 204) {
          var d = new Date();
          say("草稿已自动保存 " + pad(d.getHours()) + ":" + pad(d.getMinutes()) + ":" + pad(d.getSeconds()));
        } else if (r.status === 401) {
          say("登录已过期：请点击“保存草稿”，重新登录后填写的内容不会丢失");
        } else {
          say("自动保存未成功，请点击“保存草稿”");
        }
      })
      .catch(function () { say("网络不通，暂未自动保存；恢复后将再次保存"); pending = true; })
      .then(function () {
        inFlight = false;
        if (pending) { pending = false; timer = setTimeout(save, 5000); }
      });
  }
  function changed() {
    if (timer) clearTimeout(timer);
    timer = setTimeout(save, 3000);
  }
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("submit", function () { if (timer) { clearTimeout(timer); timer = null; } });
})();

// A form is sent once: while a POST form's submit is in flight its buttons are disabled and a
// second submit (a double click, Enter pressed twice) is dropped. The server answers a repeat
// with the first answer anyway (the form's one-time `_once` token, crates/web/src/idempotency.rs).
// The buttons come back when the page is shown again (the back button) or after 20 s (an answer
// that was a download leaves the page where it was).
(function () {
  function release(form) {
    delete form.dataset.sending;
    var buttons = form.querySelectorAll("button, input[type=submit]");
    for (var i = 0; i < buttons.length; i++) {
      if (buttons[i].dataset.sendingDisabled) {
        buttons[i].disabled = false;
        delete buttons[i].dataset.sendingDisabled;
      }
    }
  }
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (!form || (form.method || "").toLowerCase() !== "post" || e.defaultPrevented) return;
    if (form.dataset.sending) { e.preventDefault(); return; }
    form.dataset.sending = "1";
    // Disabled after this turn: the clicked button's own name and value still go with the form.
    setTimeout(function () {
      var buttons = form.querySelectorAll("button, input[type=submit]");
      for (var i = 0; i < buttons.length; i++) {
        if (!buttons[i].disabled && (buttons[i].type || "submit") === "submit") {
          buttons[i].disabled = true;
          buttons[i].dataset.sendingDisabled = "1";
        }
      }
    }, 0);
    setTimeout(function () { release(form); }, 20000);
  });
  window.addEventListener("pageshow", function () {
    var forms = document.querySelectorAll("form[data-sending]");
    for (var i = 0; i < forms.length; i++) release(forms[i]);
  });
})();

// <input data-division="code|prefix">: a division picker (province → city → county → street) next
// to a typed division code. Each level is a <select> filled from GET /api/v1/divisions?parent=…;
// choosing one writes its code into the input ("prefix": without the trailing zero pairs, as a
// filter by area wants: 330100 → 3301). The typed code stays possible, and a code already in the
// input is shown chosen. The lists hold only the user's jurisdiction and the levels above it; a
// level with one choice is shown chosen. Without the script the input works as before.
(function () {
  var inputs = document.querySelectorAll("input[data-division]");
  if (!inputs.length) return;
  var names = ["省", "市", "区县", "乡镇（街道）"];
  function children(parent) {
    var url = "/api/v1/divisions" + (parent ? "?parent=" + encodeURIComponent(parent) : "");
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : []; })
      .catch(function () { return []; });
  }
  function prefixOf(code) {
    while (code.length > 2 && code.slice(-2) === "00") code = code.slice(0, -2);
    return code;
  }
  // The codes of the levels above and including `code` (330106001 → 330000, 330100, 330106, 330106001).
  function chain(code) {
    if (!/^[0-9]{2,12}$/.test(code)) return [];
    var full = code.length < 6 ? (code + "000000").slice(0, 6) : code;
    var out = [full.slice(0, 2) + "0000"];
    if (full.slice(2, 4) !== "00") out.push(full.slice(0, 4) + "00");
    if (full.slice(4, 6) !== "00") out.push(full.slice(0, 6));
    if (full.length > 6) out.push(full);
    return out;
  }
  inputs.forEach(function (input) {
    var mode = input.getAttribute("data-division");
    // data-division-levels="3": stop at the county (the first-run setup's division).
    var levels = Math.min(names.length, +input.getAttribute("data-division-levels") || names.length);
    var box = document.createElement("span");
    box.className = "division-picker";
    input.insertAdjacentElement("afterend", box);
    function level(depth, parent, chosen) {
      while (box.children.length > depth) box.removeChild(box.lastChild);
      if (depth >= levels) return;
      children(parent).then(function (list) {
        if (!list.length) return;
        var select = document.createElement("select");
        select.setAttribute("aria-label", "选择" + names[depth]);
        var blank = document.createElement("option");
        blank.value = "";
        blank.textContent = "选择" + names[depth];
        select.appendChild(blank);
        list.forEach(function (d) {
          var o = document.createElement("option");
          o.value = d.code;
          o.textContent = d.name;
          select.appendChild(o);
        });
        box.appendChild(select);
        var want = chosen && chosen[depth];
        if (want) {
          select.value = want;
          if (select.value === want) level(depth + 1, want, chosen);
        } else if (list.length === 1) {
          // The list is the user's jurisdiction (GET /api/v1/divisions): one province or city
          // is the way down to it; shown chosen, the input left as typed.
          select.value = list[0].code;
          level(depth + 1, list[0].code, null);
        }
        select.addEventListener("change", function () {
          var code = select.value || (depth > 0 ? box.children[depth - 1].value : "");
          input.value = code ? (mode === "prefix" ? prefixOf(code) : code) : "";
          if (select.value) level(depth + 1, select.value, null);
          else while (box.children.length > depth + 1) box.removeChild(box.lastChild);
        });
      });
    }
    level(0, "", chain(input.value.trim()));
  });
})();

// <select data-kind-select> in the rule form: only the chosen kind's parameters ([data-kind="…"]
// in the same form) are shown. Without the script every kind's fields show and the server reads
// those of the chosen kind.
(function () {
  var selects = document.querySelectorAll("select[data-kind-select]");
  selects.forEach(function (select) {
    var form = select.form;
    if (!form) return;
    function show() {
      var parts = form.querySelectorAll("[data-kind]");
      for (var i = 0; i < parts.length; i++) {
        parts[i].hidden = parts[i].getAttribute("data-kind") !== select.value;
      }
    }
    select.addEventListener("change", show);
    show();
  });
})();

// <select data-devices-of="UNIT-SELECT-ID">: the devices of the unit chosen in that select, read
// from GET /api/v1/devices?unit_id=… (zh-CN names) when the unit changes. The first option (all
// devices) stays. Without the script the server fills the list for the unit in the address.
(function () {
  var selects = document.querySelectorAll("select[data-devices-of]");
  selects.forEach(function (select) {
    var unit = document.getElementById(select.getAttribute("data-devices-of"));
    if (!unit) return;
    var hint = document.getElementById(select.getAttribute("data-devices-hint") || "");
    function fill() {
      while (select.options.length > 1) select.remove(1);
      if (hint) hint.hidden = !!unit.value;
      if (!unit.value) return;
      var url = "/api/v1/devices?per_page=200&unit_id=" + encodeURIComponent(unit.value);
      var wanted = unit.value;
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (v) {
          if (!v || unit.value !== wanted) return;
          while (select.options.length > 1) select.remove(1);
          (v.items || []).forEach(function (d) {
            var o = document.createElement("option");
            o.value = d.id;
            o.textContent = d.name;
            select.appendChild(o);
          });
        })
        .catch(function () {});
    }
    unit.addEventListener("change", fill);
  });
})();

// A refused form is shown again with its reason in an `.error` box: open the page at that box
// (a long page would otherwise open at its top, the reason out of sight).
(function () {
  var e = document.querySelector("main .error");
  if (e && e.getBoundingClientRect().top > window.innerHeight * 0.6) e.scrollIntoView({ block: "center" });
})();

// Text typed in one form survives sending another form of the same page (an evidence upload
// reloads the hazard page; the 整改情况 being written beside it is kept): on each submit the
// non-empty text areas of the page's *other* forms are kept for this page in sessionStorage, and
// put back, once, into the same (still empty) text areas when the page loads again.
(function () {
  var key = "neibao.keep:" + location.pathname;
  try {
    var kept = JSON.parse(sessionStorage.getItem(key) || "null");
    sessionStorage.removeItem(key);
    if (kept) {
      var forms = Array.prototype.slice.call(document.querySelectorAll("form"));
      Object.keys(kept).forEach(function (id) {
        var parts = id.split("\u0001");
        var form = forms.filter(function (f, i) { return (f.id || "#" + i) === parts[0]; })[0];
        var area = form && form.querySelector('textarea[name="' + parts[1].replace(/"/g, "") + '"]');
        if (area && !area.value) area.value = kept[id];
      });
    }
  } catch (e) {}
  document.addEventListener("submit", function (ev) {
    var keep = {};
    var any = false;
    document.querySelectorAll("form").forEach(function (f, i) {
      if (f === ev.target) return;
      f.querySelectorAll("textarea[name]").forEach(function (a) {
        if (a.value.trim()) {
          keep[(f.id || "#" + i) + "\u0001" + a.name] = a.value;
          any = true;
        }
      });
    });
    try {
      if (any) sessionStorage.setItem(key, JSON.stringify(keep));
    } catch (e) {}
  }, true);
})();

// One-press alarms (docs/ALARMS.md): a page showing an open alarm ([data-alarm-open]: a row of
// the alert list or of the alarm list, the alarm's page) sounds a siren through the Web Audio API
// (no audio file), once per alarm in this browser tab. A browser that holds sound back until the
// page is touched sounds it at the first touch.
(function () {
  var open = document.querySelectorAll("[data-alarm-open]");
  var Audio = window.AudioContext || window.webkitAudioContext;
  if (!open.length || !Audio) return;
  var fresh = [];
  for (var i = 0; i < open.length; i++) {
    var key = "alarm-sounded:" + open[i].getAttribute("data-alarm-open");
    var seen = false;
    try { seen = !!window.sessionStorage.getItem(key); } catch (e) {}
    if (!seen) fresh.push(key);
  }
  if (!fresh.length) return;
  var ctx = new Audio();
  var done = false;
  function siren() {
    if (done || ctx.state !== "running") return;
    done = true;
    var t = ctx.currentTime;
    for (var n = 0; n < 8; n++) {
      var o = ctx.createOscillator();
      var g = ctx.createGain();
      o.type = "square";
      o.frequency.setValueAtTime(n % 2 ? 660 : 880, t + n * 0.4);
      g.gain.setValueAtTime(0.15, t + n * 0.4);
      o.connect(g);
      g.connect(ctx.destination);
      o.start(t + n * 0.4);
      o.stop(t + n * 0.4 + 0.35);
    }
    fresh.forEach(function (k) { try { window.sessionStorage.setItem(k, "1"); } catch (e) {} });
  }
  function wake() { ctx.resume().then(siren).catch(function () {}); }
  wake();
  document.addEventListener("pointerdown", wake, { once: true });
  document.addEventListener("keydown", wake, { once: true });
})();
