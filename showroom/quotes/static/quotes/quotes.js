// The quote sheet's print button (no inline script, so a strict CSP can forbid them).
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) { window.print(); }
});
