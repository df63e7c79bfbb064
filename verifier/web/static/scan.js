// Camera scan: the browser's BarcodeDetector where it exists, else the vendored jsQR (served by
// this app). The text read goes into the form, which is then submitted: the server verifies.
"use strict";
// Dropping a file (credential JSON, QR photo, certificate PDF) anywhere on the form puts it in
// the file field; the form is then submitted as usual.
(function () {
  var form = document.getElementById("verify-form");
  var file = document.getElementById("file");
  if (!form || !file) { return; }
  form.addEventListener("dragover", function (event) { event.preventDefault(); });
  form.addEventListener("drop", function (event) {
    if (!event.dataTransfer || !event.dataTransfer.files.length) { return; }
    event.preventDefault();
    file.files = event.dataTransfer.files;
    file.focus();
  });
})();
(function () {
  var start = document.getElementById("camera-start");
  var stop = document.getElementById("camera-stop");
  var video = document.getElementById("camera-video");
  var message = document.getElementById("camera-message");
  var form = document.getElementById("verify-form");
  var text = document.getElementById("text");
  if (!start || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) { return; }
  start.hidden = false;
  var stream = null, timer = null, detector = null, canvas = document.createElement("canvas");

  function halt() {
    if (timer) { clearTimeout(timer); timer = null; }
    if (stream) { stream.getTracks().forEach(function (t) { t.stop(); }); stream = null; }
    video.hidden = true; stop.hidden = true; start.hidden = false; start.focus();
  }

  function found(value) {
    halt();
    text.value = value;
    form.submit();
  }

  function loadJsQR(done) {
    if (window.jsQR) { done(); return; }
    var script = document.createElement("script");
    script.src = "/assets/jsQR.js";
    script.onload = done;
    document.head.appendChild(script);
  }

  function tick() {
    if (!stream) { return; }
    if (video.readyState >= 2) {
      if (detector) {
        detector.detect(video).then(function (codes) {
          if (codes.length) { found(codes[0].rawValue); } else { timer = setTimeout(tick, 200); }
        }, function () { timer = setTimeout(tick, 200); });
        return;
      }
      canvas.width = video.videoWidth; canvas.height = video.videoHeight;
      var ctx = canvas.getContext("2d");
      ctx.drawImage(video, 0, 0);
      var image = ctx.getImageData(0, 0, canvas.width, canvas.height);
      var code = window.jsQR(image.data, image.width, image.height);
      if (code && code.data) { found(code.data); return; }
    }
    timer = setTimeout(tick, 200);
  }

  start.addEventListener("click", function () {
    var begin = function () {
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (s) {
        stream = s; video.srcObject = s; video.hidden = false; video.play();
        start.hidden = true; stop.hidden = false; stop.focus(); tick();
      }, function () { message.textContent = message.getAttribute("data-none"); });
    };
    if ("BarcodeDetector" in window) {
      detector = new window.BarcodeDetector({ formats: ["qr_code"] });
      begin();
    } else {
      loadJsQR(begin);
    }
  });
  stop.addEventListener("click", halt);
})();
