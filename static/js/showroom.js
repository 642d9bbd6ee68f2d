// Showroom: reveal-on-click of masked values and small htmx conveniences. No inline scripts (strict CSP).
document.addEventListener("htmx:afterSwap", function (event) {
  const focus = event.detail.target.querySelector("[autofocus]");
  if (focus) focus.focus();
});
document.addEventListener("htmx:responseError", function (event) {
  const flash = document.getElementById("flash");
  if (flash && event.detail.xhr.status >= 500) {
    flash.innerHTML = '<div class="alert alert-danger">' + (document.body.dataset.errorText || "Error") + "</div>";
  }
});
