// Re-rank without a full page reload: on a change of the controls, fetch the ranking part of
// the overview (/partials/priority, server-rendered HTML) and swap it in. Without JavaScript
// the form still works: it submits to / and the whole page is rendered.
(function () {
  "use strict";
  var form = document.getElementById("controls");
  var target = document.getElementById("ranking");
  var status = document.getElementById("rerank-status");
  if (!form || !target || !window.fetch) { return; }
  var pending = null;
  var timer = null;

  function query() {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, key) {
      if (String(value).trim() !== "") { params.append(key, value); }
    });
    return params.toString();
  }

  function rerank() {
    var qs = query();
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
          history.replaceState(null, "", "/?" + qs);
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

  form.addEventListener("submit", function (event) { event.preventDefault(); rerank(); });
  form.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(rerank, 400);  // wait until typing pauses
  });
}());
