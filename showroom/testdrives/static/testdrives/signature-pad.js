// The test-drive agreement's signature pad: draws with a finger, stylus or mouse (pointer events) and puts the
// drawing, as a PNG data URL, into the form's hidden `signature` field when the form is sent.
(function () {
  "use strict";

  function setUp(pad) {
    var canvas = pad.querySelector("canvas");
    var field = document.getElementById(pad.dataset.field);
    var clear = pad.querySelector("[data-clear]");
    var ctx = canvas.getContext("2d");
    var drawing = false;
    var drawn = false;
    var last = null;

    function fit() {
      // Draw at the screen's pixel density so the signature stays sharp; resizing clears the pad.
      var ratio = window.devicePixelRatio || 1;
      var box = canvas.getBoundingClientRect();
      canvas.width = Math.max(1, Math.round(box.width * ratio));
      canvas.height = Math.max(1, Math.round(box.height * ratio));
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      ctx.lineWidth = 2.5;
      ctx.lineCap = "round";
      ctx.lineJoin = "round";
      ctx.strokeStyle = "#142a6e";
      drawn = false;
      canvas.classList.remove("td-signed");
      field.value = "";
    }

    function point(event) {
      var box = canvas.getBoundingClientRect();
      return { x: event.clientX - box.left, y: event.clientY - box.top, p: event.pressure || 0.5 };
    }

    canvas.addEventListener("pointerdown", function (event) {
      event.preventDefault();
      canvas.setPointerCapture(event.pointerId);
      drawing = true;
      last = point(event);
      ctx.beginPath();
      ctx.arc(last.x, last.y, ctx.lineWidth / 2, 0, Math.PI * 2);
      ctx.fillStyle = ctx.strokeStyle;
      ctx.fill();
    });
    canvas.addEventListener("pointermove", function (event) {
      if (!drawing) return;
      event.preventDefault();
      var events = event.getCoalescedEvents ? event.getCoalescedEvents() : [event];
      events.forEach(function (e) {
        var next = point(e);
        ctx.lineWidth = event.pointerType === "pen" ? 1.5 + next.p * 2.5 : 2.5;
        ctx.beginPath();
        ctx.moveTo(last.x, last.y);
        ctx.lineTo(next.x, next.y);
        ctx.stroke();
        last = next;
      });
      drawn = true;
    });
    function stop() {
      if (!drawing) return;
      drawing = false;
      drawn = true;
      canvas.classList.add("td-signed");
      field.value = canvas.toDataURL("image/png");
    }
    canvas.addEventListener("pointerup", stop);
    canvas.addEventListener("pointercancel", stop);
    clear.addEventListener("click", function () { ctx.clearRect(0, 0, canvas.width, canvas.height); fit(); });
    pad.closest("form").addEventListener("submit", function () {
      field.value = drawn ? canvas.toDataURL("image/png") : "";
    });
    fit();
    // A turned tablet resizes the pad: fit it again unless the customer has signed (that would wipe the signature).
    window.addEventListener("resize", function () { if (!drawn) fit(); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-signature-pad]").forEach(setUp);
  });
})();
