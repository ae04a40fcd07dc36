// Score sheet page: entering a deduction on an item whose score was pre-filled from the reviewers' sheets
// replaces that score, so the sheet never holds both (the server applies the same rule when it saves:
// scoresheets.replaces_prefill). A score the lead typed is left alone. A static file: the pages allow no
// inline script (Content-Security-Policy: script-src 'self').
(function () {
  "use strict";
  function entered(input) {
    if (input.type === "checkbox") return input.checked;
    var value = input.value.trim();
    return value !== "" && value !== "0";
  }
  document.querySelectorAll(".kp-item").forEach(function (row) {
    var score = row.querySelector("input[data-prefilled]");
    if (!score) return;
    var note = row.querySelector("[data-prefill-note]");
    row.querySelectorAll("[data-scores]").forEach(function (input) {
      var replace = function () {
        if (entered(input) && score.value.trim() === score.dataset.prefilled) {
          score.value = "";
          if (note) note.textContent = "已改按扣分计算（预填的" + score.dataset.prefilled + "分已清除）";
        }
      };
      input.addEventListener("input", replace);
      input.addEventListener("change", replace);
    });
  });
})();
