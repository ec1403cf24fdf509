/* The owner console's only script (served with the page's CSP nonce). Everything works
 * without it; it adds: the "New agent" disclosure, the revoke dialog, copy to clipboard,
 * the pairing code's countdown and live status, "load more" that appends the next page
 * to its table, and form posts that survive a lost answer (the form's one-time nonce makes "Try again" safe: the gateway never applies
 * the same form twice). */
/* global document, window, navigator, URLSearchParams, FormData, DOMParser, history, location, setInterval, clearInterval */
(function () {
  "use strict";
  var POLL_MS = 1000;
  var timers = [];

  function byId(id) {
    return document.getElementById(id);
  }

  function setupDisclosure() {
    var toggle = byId("new-agent-toggle");
    var form = byId("new-agent");
    if (!toggle || !form) return;
    if (form.getAttribute("data-collapsible") === "closed") form.hidden = true;
    toggle.setAttribute("aria-expanded", form.hidden ? "false" : "true");
  }

  function setupCountdown() {
    var box = byId("fresh-code");
    var out = byId("expiry-countdown");
    if (!box || !out) return;
    var end = Date.parse(box.getAttribute("data-expires-at"));
    function tick() {
      var left = Math.max(0, Math.round((end - Date.now()) / 1000));
      out.textContent = left > 0 ? " — " + Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0") + " left" : " — expired";
      return left > 0;
    }
    tick();
    var t = setInterval(function () {
      if (!tick()) clearInterval(t);
    }, 1000);
    timers.push(function () {
      clearInterval(t);
    });
  }

  function setupPairingStatus() {
    var box = byId("fresh-code");
    var status = byId("pairing-status");
    if (!box || !status) return;
    var url = "/console/agents/" + box.getAttribute("data-agent-id") + "/pairing-codes/" + box.getAttribute("data-code-id");
    var stopped = false;
    var handle = null;
    function finish(text, kind) {
      stopped = true;
      status.textContent = text;
      status.className = "pairing-status " + kind;
      timers.forEach(function (stop) {
        stop();
      });
    }
    function poll() {
      if (stopped) return;
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin", cache: "no-store" })
        .then(function (res) {
          if (res.status === 401) return finish("Signed out: reload the page to sign in again.", "failed");
          if (!res.ok) return null;
          return res.json().then(function (code) {
            if (code.status === "used") finish("Paired with " + (code.device_name || "an unnamed device"), "paired");
            else if (code.status === "expired") finish("The code expired before a device used it. Press Connect Codex for a new one.", "failed");
            else if (code.status === "cancelled") finish("This code was cancelled.", "failed");
          });
        })
        .catch(function () {
          /* offline for a moment: keep asking */
        })
        .then(function () {
          if (!stopped) handle = setTimeout(poll, POLL_MS);
        });
    }
    handle = setTimeout(poll, POLL_MS);
    timers.push(function () {
      stopped = true;
      if (handle) clearTimeout(handle);
    });
  }

  function focusAfterSwap() {
    var target = document.querySelector("[aria-invalid='true']") || byId("fresh-code") || document.querySelector(".form-error") || byId("notice") || document.querySelector("h1");
    if (!target) return;
    if (!target.hasAttribute("tabindex") && !/^(INPUT|SELECT|TEXTAREA|BUTTON|A)$/.test(target.tagName)) target.setAttribute("tabindex", "-1");
    target.focus();
  }

  /* "Load more" (LoadMore): fetch the link's page, append its rows to the named table, keep
   * the link for the page after (or drop it), focus the first new row and say what came.
   * If anything goes wrong the browser simply follows the link, as without the script. */
  function loadMore(link) {
    var table = byId(link.getAttribute("data-load-more"));
    if (!table || !table.tBodies[0]) return location.assign(link.href);
    if (link.getAttribute("aria-busy") === "true") return;
    var result = byId(table.id + "-more");
    link.setAttribute("aria-busy", "true");
    fetch(link.href, { headers: { Accept: "text/html" }, credentials: "same-origin", cache: "no-store" })
      .then(function (res) {
        if (!res.ok) throw new Error("status " + res.status);
        return res.text();
      })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        var page = doc.getElementById(table.id);
        if (!page || !page.tBodies[0]) throw new Error("no table in the answer");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(page.tBodies[0].rows);
        rows.forEach(function (row) {
          body.appendChild(document.adoptNode(row));
        });
        var next = doc.querySelector('a[data-load-more="' + table.id + '"]');
        if (next) {
          link.setAttribute("href", next.getAttribute("href"));
          link.removeAttribute("aria-busy");
        } else link.remove();
        if (result) result.textContent = rows.length + " more loaded, " + body.rows.length + " shown" + (next ? "." : ": that is all.");
        var first = rows.length ? rows[0].cells[0] : null;
        var target = first || (next ? link : table);
        if (!target.hasAttribute("tabindex") && !/^(A|BUTTON)$/.test(target.tagName)) target.setAttribute("tabindex", "-1");
        target.focus();
      })
      .catch(function () {
        location.assign(link.href);
      });
  }

  function init() {
    setupDisclosure();
    setupCountdown();
    setupPairingStatus();
  }

  function showNetError(retry) {
    var box = byId("net-error");
    var text = byId("net-error-text");
    if (!box || !text) return;
    text.textContent =
      "The connection was lost before the gateway answered, so it may already have done this. Trying again is safe: the same form is never applied twice.";
    box.hidden = false;
    byId("net-retry").onclick = function () {
      box.hidden = true;
      retry();
    };
    byId("net-retry").focus();
  }

  function swapIn(html, url) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    timers.forEach(function (stop) {
      stop();
    });
    timers = [];
    document.title = doc.title;
    document.body.replaceWith(document.adoptNode(doc.body));
    if (url) history.replaceState(null, "", url);
    init();
    focusAfterSwap();
  }

  function send(form, body, button) {
    if (button) button.setAttribute("aria-busy", "true");
    fetch(form.action, {
      method: "POST",
      body: body,
      headers: { Accept: "text/html", "Content-Type": "application/x-www-form-urlencoded" },
      credentials: "same-origin",
    })
      .then(function (res) {
        if (res.redirected) {
          location.assign(res.url);
          return;
        }
        return res.text().then(function (html) {
          // A fresh pairing code is shown once; a reload of the agent page must not post again.
          var agentPage = form.action.match(/^(.*\/console\/agents\/[0-9a-f-]{36})\/pairing-codes$/);
          swapIn(html, res.ok && agentPage ? agentPage[1] + "#connect" : null);
        });
      })
      .catch(function () {
        if (button) button.removeAttribute("aria-busy");
        showNetError(function () {
          send(form, body, button);
        });
      });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute || !form.hasAttribute("data-enhance") || form.method.toLowerCase() !== "post") return;
    var button = event.submitter || form.querySelector("button[type=submit]");
    if (button && button.getAttribute("aria-busy") === "true") {
      event.preventDefault();
      return;
    }
    event.preventDefault();
    var data = new FormData(form);
    if (event.submitter && event.submitter.name) data.append(event.submitter.name, event.submitter.value);
    send(form, new URLSearchParams(data).toString(), button);
  });

  document.addEventListener("click", function (event) {
    var more = event.target.closest ? event.target.closest("a[data-load-more]") : null;
    if (more && event.button === 0 && !event.ctrlKey && !event.metaKey && !event.shiftKey && !event.altKey) {
      event.preventDefault();
      loadMore(more);
      return;
    }
    var el = event.target.closest ? event.target.closest("button") : null;
    if (!el) return;
    if (el.id === "new-agent-toggle") {
      var form = byId("new-agent");
      form.hidden = !form.hidden;
      el.setAttribute("aria-expanded", form.hidden ? "false" : "true");
      if (!form.hidden) byId("agent-name").focus();
    } else if (el.id === "revoke-open") {
      byId("revoke-dialog").showModal();
    } else if (el.id === "revoke-cancel") {
      byId("revoke-dialog").close();
      byId("revoke-open").focus();
    } else if (el.id === "copy-command") {
      var code = byId(el.getAttribute("data-copy-target"));
      var result = byId("copy-result");
      var text = code ? code.textContent : "";
      var done = function () {
        result.textContent = "Copied.";
      };
      var manual = function () {
        var range = document.createRange();
        range.selectNodeContents(code);
        var sel = window.getSelection();
        sel.removeAllRanges();
        sel.addRange(range);
        result.textContent = "Selected: press Ctrl+C (or ⌘C) to copy.";
      };
      if (navigator.clipboard && navigator.clipboard.writeText) navigator.clipboard.writeText(text).then(done, manual);
      else manual();
    }
  });

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
