// Keyboard triage of the office's intake (templates/articles/office/triage.html): R receive, T return, A adopt,
// D decline pick the action and put the cursor where it needs typing; Ctrl+Enter submits; J / K open the next /
// previous article of the queue; Esc leaves a field so the letters work again. Without this file the page
// works with the mouse: every field is shown and the server checks everything. A static file: the pages allow
// no inline script (Content-Security-Policy: script-src 'self').
(function () {
  "use strict";
  var form = document.getElementById("triage-form");

  function typing(target) {
    var tag = target && target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable);
  }

  // show only the fields of the chosen action (all are shown until one is chosen)
  function showFieldsOf(action) {
    if (!form) return;
    form.querySelectorAll("fieldset[data-for]").forEach(function (fieldset) {
      var uses = fieldset.getAttribute("data-for").split(" ");
      fieldset.hidden = Boolean(action) && uses.indexOf(action) < 0;
    });
  }

  function choose(radio) {
    if (!radio || radio.disabled) return;
    radio.checked = true;
    var action = radio.getAttribute("data-action");
    showFieldsOf(action);
    var first = null;
    if (action === "adopt") first = form.querySelector("fieldset[data-for~='adopt'] select");
    if (action === "return" || action === "decline") first = form.querySelector("fieldset[data-for~='return'] textarea");
    (first || document.getElementById("triage-submit")).focus();
  }

  if (form) {
    var checked = form.querySelector("input[type=radio][data-action]:checked");
    showFieldsOf(checked ? checked.getAttribute("data-action") : null);
    form.querySelectorAll("input[type=radio][data-action]").forEach(function (radio) {
      radio.addEventListener("change", function () { choose(radio); });
    });
  }

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && typing(event.target)) {
      event.target.blur();
      return;
    }
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && form && form.contains(event.target)) {
      event.preventDefault();
      form.requestSubmit ? form.requestSubmit() : form.submit();
      return;
    }
    if (typing(event.target) || event.ctrlKey || event.metaKey || event.altKey) return;
    var key = (event.key || "").toUpperCase();
    if (key.length !== 1) return;
    var link = document.querySelector("a[data-key='" + key + "']");
    if (link) {
      event.preventDefault();
      window.location.href = link.href;
      return;
    }
    if (form) {
      var radio = form.querySelector("input[type=radio][data-key='" + key + "']");
      if (radio) {
        event.preventDefault();
        choose(radio);
      }
    }
  });
})();
