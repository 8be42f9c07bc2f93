// Charts at the page's width (issue 12): each <img data-fit-width> chart is asked for again
// at its container's width (in steps of 40 px, so the server's cache stays useful). Without
// JavaScript the default width scales down to fit (CSS max-width).
(function () {
  "use strict";
  var MIN = 320, MAX = 1600, STEP = 40;

  function fit(root) {
    var images = (root || document).querySelectorAll("img[data-fit-width]");
    Array.prototype.forEach.call(images, function (img) {
      var box = img.parentNode.clientWidth;
      if (!box) { return; }
      var width = Math.max(MIN, Math.min(MAX, Math.floor(box / STEP) * STEP));
      var url = new URL(img.getAttribute("src"), window.location.href);
      if (url.searchParams.get("width") === String(width)) { return; }
      url.searchParams.set("width", String(width));
      img.setAttribute("src", url.pathname + "?" + url.searchParams.toString());
    });
  }

  window.marketscoutCharts = fit;
  var timer = null;
  window.addEventListener("resize", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { fit(document); }, 300);
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { fit(document); });
  } else {
    fit(document);
  }
}());
