// Re-rank without a full page reload: on a change of the controls, fetch the ranking part of
// the overview (/partials/priority, server-rendered HTML) and swap it in. Without JavaScript
// the form still works: it submits to / and the whole page is rendered.
// The address bar carries the view as soon as a re-rank starts (not only when the slow answer
// arrives, which made it lag one change behind), and the nav links marked data-keep-state
// (Overview, Data, Downloads, Plan) follow it.
(function () {
  "use strict";
  var form = document.getElementById("controls");
  var target = document.getElementById("ranking");
  var status = document.getElementById("rerank-status");
  var sidebar = document.getElementById("choices");
  if (sidebar && window.matchMedia && window.matchMedia("(max-width: 760px)").matches) {
    sidebar.open = false;  // on a phone the choices fold away above the list
  }
  if (!form || !target || !window.fetch) { return; }
  var pending = null;
  var timer = null;
  var asked = null;  // the query of the last re-rank started

  function query() {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, key) {
      if (String(value).trim() !== "") { params.append(key, value); }
    });
    return params.toString();
  }

  function keepState(qs) {
    history.replaceState(null, "", "/" + (qs ? "?" + qs : ""));
    var links = document.querySelectorAll("a[data-keep-state]");
    Array.prototype.forEach.call(links, function (link) {
      var url = new URL(link.getAttribute("href"), window.location.href);
      link.setAttribute("href", url.pathname + (qs ? "?" + qs : ""));
    });
  }

  function rerank() {
    var qs = query();
    if (qs === asked) { return; }  // "change" after "input": the same view
    asked = qs;
    keepState(qs);
    if (pending) { pending.abort(); }
    pending = new AbortController();
    status.textContent = "Re-ranking…";
    target.setAttribute("aria-busy", "true");
    fetch("/partials/priority?" + qs, { signal: pending.signal, headers: { "Accept": "text/html" } })
      .then(function (response) {
        return response.text().then(function (text) { return { ok: response.ok, text: text }; });
      })
      .then(function (result) {
        if (result.ok) {
          target.innerHTML = result.text;
          if (window.marketscoutTables) { window.marketscoutTables(target); }
          if (window.marketscoutCharts) { window.marketscoutCharts(target); }
          status.textContent = "";
        } else {
          var doc = new DOMParser().parseFromString(result.text, "text/html");
          var what = doc.querySelector(".what");
          status.textContent = what ? what.textContent : "Could not re-rank.";
        }
        target.removeAttribute("aria-busy");
      })
      .catch(function (error) {
        if (error.name !== "AbortError") {
          status.textContent = "Could not re-rank: " + error.message;
          target.removeAttribute("aria-busy");
        }
      });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    asked = null;  // an explicit re-rank runs again
    rerank();
  });
  form.addEventListener("change", function () { clearTimeout(timer); rerank(); });
  form.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(rerank, 400);  // wait until typing pauses
  });
}());
