// Kaoping's page behaviour, loaded by every page (templates/base.html). The Content-Security-Policy allows no
// inline script and no on…= handler (webapp/core/security_headers.py), so the templates only mark elements and
// this file acts on the marks:
//   data-confirm="问题"     on a button: a click asks first; on a form: submitting asks first (取消 sends nothing)
//   data-autosubmit         on a select (or any field): a change submits its form
//   data-check-all="name"   on a checkbox: checking it checks every checkbox named ``name`` (unchecking clears)
//   data-reorder="form-id"  on a table body: its rows (tr[data-item]) can be dragged; a drop writes the ids in
//                           the new order into the form's ``order`` field and shows the form
// Everything is event delegation on the document, so content added later behaves the same.
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target.closest("[data-confirm]") : null;
    if (!target || target.tagName === "FORM") return;
    if (!window.confirm(target.getAttribute("data-confirm"))) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-confirm")) return;
    if (!window.confirm(form.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (!(target instanceof Element)) return;
    if (target.hasAttribute("data-autosubmit") && target.form) {
      target.form.submit();
      return;
    }
    var name = target.getAttribute("data-check-all");
    if (name) {
      document.querySelectorAll('input[type="checkbox"][name="' + CSS.escape(name) + '"]').forEach(function (box) {
        box.checked = target.checked;
      });
    }
  });

  // Drag the rows to reorder; the order form then appears and posts the ids in the new order. Without script
  // the 上移/下移 buttons do the same, one step at a time.
  document.querySelectorAll("[data-reorder]").forEach(function (body) {
    var form = document.getElementById(body.getAttribute("data-reorder"));
    if (!form) return;
    var dragged = null;
    body.addEventListener("dragstart", function (e) { dragged = e.target.closest("tr"); });
    body.addEventListener("dragover", function (e) {
      e.preventDefault();
      var over = e.target.closest("tr");
      if (!dragged || !over || over === dragged) return;
      var box = over.getBoundingClientRect();
      body.insertBefore(dragged, (e.clientY - box.top) > box.height / 2 ? over.nextSibling : over);
    });
    body.addEventListener("drop", function (e) {
      e.preventDefault();
      var ids = Array.prototype.map.call(body.querySelectorAll("tr[data-item]"), function (row) {
        return row.dataset.item;
      });
      form.querySelector("input[name=order]").value = ids.join(",");
      form.classList.remove("d-none");
    });
  });
})();
