// Kaoping (not part of Mermaid): render every <pre class="mermaid"> with the vendored Mermaid.
// Kept in a static file so pages need no inline script (Content-Security-Policy: script-src 'self').
(function () {
  "use strict";
  var mermaid = window.mermaid;
  if (!mermaid || window.__kaopingMermaidInitialised) {
    return;
  }
  window.__kaopingMermaidInitialised = true;
  // strict: no click handlers or HTML labels from the diagram text; it may contain organ names.
  // useMaxWidth false: the procedure is a long left-to-right chain; drawn at its natural size inside a
  // horizontally scrolling figure it stays legible instead of being shrunk to the column width.
  mermaid.initialize({
    startOnLoad: false,
    securityLevel: "strict",
    theme: "default",
    state: { useMaxWidth: false },
    flowchart: { useMaxWidth: false },
  });
  // Bring the highlighted (current) state into view inside its scrolling <pre> (Bootstrap: overflow auto).
  function centreActiveState() {
    document.querySelectorAll("pre.mermaid").forEach(function (pane) {
      var active = pane.querySelector(".s_active");
      if (!active) {
        return;
      }
      var box = pane.getBoundingClientRect();
      var node = active.getBoundingClientRect();
      pane.scrollLeft += node.left - box.left - box.width / 2 + node.width / 2;
    });
  }
  function render() {
    mermaid.run({ querySelector: "pre.mermaid" }).then(centreActiveState);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", render);
  } else {
    render();
  }
})();
