// The urgent board's countdowns (紧急信息): the server computed each timer's seconds left when it drew the page
// (data-countdown, negative once overdue); this only counts them down in the browser, in the words the server
// used, and marks a timer overdue when it passes zero. No request is made; reloading the page re-reads the truth.
(function () {
  "use strict";
  var timers = document.querySelectorAll("[data-countdown]");
  if (!timers.length) { return; }
  var started = Date.now();
  function words(seconds) {
    var minutes = Math.floor(Math.abs(seconds) / 60);
    var days = Math.floor(minutes / 1440), hours = Math.floor((minutes % 1440) / 60), mins = minutes % 60;
    var text = (days ? days + "天" : "") + (hours || days ? hours + "小时" : "") + (mins < 10 ? "0" : "") + mins + "分";
    return seconds >= 0 ? "剩余 " + text : "已超时 " + text;
  }
  function tick() {
    var passed = Math.floor((Date.now() - started) / 1000);
    timers.forEach(function (node) {
      var left = parseInt(node.getAttribute("data-countdown"), 10) - passed;
      node.textContent = words(left);
      if (left < 0) {
        node.classList.add("text-danger", "fw-semibold");
        var row = node.closest("[data-event-row]");
        if (row) { row.classList.add("table-danger"); }
      }
    });
  }
  setInterval(tick, 1000);
})();
