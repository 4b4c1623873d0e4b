/* Brücken API docs: start Swagger UI with the schema address from the page (no inline script). */
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  window.SwaggerUIBundle({
    url: root.dataset.openapiUrl,
    dom_id: "#swagger-ui",
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    // Deep links put a link inside each operation's button (nested interactive controls).
    deepLinking: false,
    validatorUrl: null
  });
  // Swagger UI's select lists for parameters have no accessible name: give them the
  // parameter's name as it appears (and re-renders) on the page.
  function nameSelects() {
    root.querySelectorAll("tr[data-param-name] select:not([aria-label])").forEach(function (select) {
      select.setAttribute("aria-label", select.closest("tr").dataset.paramName);
    });
  }
  new MutationObserver(nameSelects).observe(root, { childList: true, subtree: true });
})();
