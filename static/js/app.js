// LPSE Web behaviour that htmx attributes cannot express under a strict CSP
// (htmx's allowEval is off, so no hx-on: attributes; behaviour lives here).
(function () {
  "use strict";

  // Confirm destructive actions: <form data-confirm="..."> works with and without htmx.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var message = form.getAttribute && form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  // htmx does not swap 4xx/5xx answers (except 422): show what went wrong instead of
  // failing silently (an expired session, a refused permission, a rate limit).
  document.addEventListener("htmx:responseError", function (event) {
    var box = document.getElementById("messages");
    if (!box) { return; }
    var status = event.detail.xhr.status;
    var text = document.documentElement.lang === "en"
      ? "The request failed (code " + status + "). Reload the page and try again."
      : "Permintaan gagal (kode " + status + "). Muat ulang halaman lalu coba lagi.";
    var p = document.createElement("p");
    p.className = "flash flash-error";
    p.setAttribute("role", "alert");
    p.textContent = text;
    box.replaceChildren(p);
  });
  document.addEventListener("htmx:sendError", function () {
    var box = document.getElementById("messages");
    if (!box) { return; }
    var p = document.createElement("p");
    p.className = "flash flash-error";
    p.textContent = document.documentElement.lang === "en"
      ? "The server cannot be reached. Check the network and try again."
      : "Server tidak dapat dihubungi. Periksa jaringan lalu coba lagi.";
    box.replaceChildren(p);
  });
})();

// A print button (the ticket page): no inline onclick under the CSP.
document.addEventListener("click", function (event) {
  var button = event.target.closest && event.target.closest("[data-print]");
  if (button) { window.print(); }
});

// Desk forms posted with htmx (check-in, walk-in) are emptied after a successful post,
// ready for the next visitor; a refused one keeps what was typed.
document.addEventListener("htmx:afterRequest", function (event) {
  var form = event.detail.elt;
  if (form && form.hasAttribute && form.hasAttribute("data-reset-after-htmx") && event.detail.successful
      && event.detail.xhr.status === 200) {
    form.reset();
    var first = form.querySelector("input[type=text]");
    if (first) { first.focus(); }
  }
});

// The room grids load the reservation form into a panel: bring it into sight (under the
// grid on a narrow screen) and put the cursor in it.
document.addEventListener("htmx:afterSwap", function (event) {
  var panel = event.detail.target;
  if (panel && panel.id === "reservation-panel") {
    panel.scrollIntoView({ block: "nearest", behavior: "smooth" });
    var first = panel.querySelector("input[name=title]");
    if (first) { first.focus({ preventScroll: true }); }
  }
});
