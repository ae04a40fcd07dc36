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
  mermaid.initialize({ startOnLoad: false, securityLevel: "strict", theme: "default" });
  function render() {
    mermaid.run({ querySelector: "pre.mermaid" });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", render);
  } else {
    render();
  }
})();
