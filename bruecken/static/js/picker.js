/* The type-ahead picker (bruecken/widgets.py Picker): turns the server-rendered search field
   into the WAI-ARIA 1.2 combobox with a listbox (arrow keys, Enter, Escape, a live region
   announcing the number of matches) and the ticked boxes of the chosen rows into chips with a
   remove button. Without this script the same markup works as a search step: type, press
   "Search", tick one of the matches, send the form. No inline script or style (our CSP). */
(function () {
  "use strict";

  var DELAY = 200;

  function text(root, name, value) {
    var template = root.getAttribute("data-text-" + name) || "";
    return template.replace("{}", value);
  }

  function init(root) {
    if (root.hasAttribute("data-picker-ready")) return;
    root.setAttribute("data-picker-ready", "");
    var input = root.querySelector('input[role="combobox"]');
    if (!input) return; // a disabled picker: nothing to choose
    var listbox = document.getElementById(input.getAttribute("aria-controls"));
    var status = root.querySelector('[role="status"]');
    var chosenList = root.querySelector(".picker-chosen");
    var button = root.querySelector(".picker-search-button");
    var name = root.getAttribute("data-name");
    var multiple = root.hasAttribute("data-multiple");
    var url = root.getAttribute("data-url");
    var options = [];
    var active = -1;
    var timer = null;
    var request = 0;
    var prefix = input.id + "-option-";

    // Enter in the search field chooses; it never sends the form through this button.
    if (button) button.remove();

    function announce(message) {
      // Emptied first, so that the same message is read again.
      status.textContent = "";
      window.setTimeout(function () { status.textContent = message; }, 50);
    }

    function chip(value, label, hint) {
      var item = document.createElement("li");
      item.className = "picker-chip";
      var hidden = document.createElement("input");
      hidden.type = "hidden";
      hidden.name = name;
      hidden.value = value;
      var span = document.createElement("span");
      span.textContent = label;
      if (hint) {
        var small = document.createElement("span");
        small.className = "picker-hint";
        small.textContent = " (" + hint + ")";
        span.appendChild(small);
      }
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "picker-remove";
      remove.setAttribute("aria-label", text(root, "remove", label));
      remove.textContent = "×";
      remove.addEventListener("click", function () {
        item.remove();
        announce(text(root, "removed", label));
        input.focus();
        changed();
      });
      item.appendChild(hidden);
      item.appendChild(span);
      item.appendChild(remove);
      return item;
    }

    function changed() {
      // Filter forms update their results on "change" (htmx).
      chosenList.dispatchEvent(new Event("change", { bubbles: true }));
    }

    // The server's ticked boxes become chips.
    Array.prototype.slice.call(chosenList.querySelectorAll("li")).forEach(function (item) {
      var box = item.querySelector("input");
      var labelElement = item.querySelector("label");
      var hintElement = item.querySelector(".picker-hint");
      var hint = hintElement ? hintElement.textContent.replace(/^\s*\(|\)\s*$/g, "") : "";
      var label = labelElement.textContent;
      if (hintElement) label = label.slice(0, label.length - hintElement.textContent.length);
      if (box.checked) chosenList.appendChild(chip(box.value, label.trim(), hint));
      item.remove();
    });

    function values() {
      return Array.prototype.map.call(
        chosenList.querySelectorAll('input[type="hidden"]'),
        function (hidden) { return hidden.value; }
      );
    }

    function close() {
      listbox.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      var items = listbox.querySelectorAll('[role="option"]');
      if (!items.length) return;
      active = (index + items.length) % items.length;
      Array.prototype.forEach.call(items, function (item, i) {
        item.setAttribute("aria-selected", i === active ? "true" : "false");
      });
      input.setAttribute("aria-activedescendant", items[active].id);
      items[active].scrollIntoView({ block: "nearest" });
    }

    function choose(index) {
      var option = options[index];
      if (!option) return;
      if (!multiple) chosenList.innerHTML = "";
      if (values().indexOf(option.value) === -1) {
        chosenList.appendChild(chip(option.value, option.label, option.hint));
      }
      input.value = "";
      close();
      announce(text(root, "chosen", option.label));
      changed();
    }

    function show(results, more) {
      options = results;
      listbox.innerHTML = "";
      results.forEach(function (option, i) {
        var item = document.createElement("li");
        item.id = prefix + i;
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", "false");
        item.textContent = option.label;
        if (option.hint) {
          var small = document.createElement("span");
          small.className = "picker-hint";
          small.textContent = " (" + option.hint + ")";
          item.appendChild(small);
        }
        // Keep the focus in the field while the mouse picks.
        item.addEventListener("mousedown", function (event) { event.preventDefault(); });
        item.addEventListener("click", function () { choose(i); });
        listbox.appendChild(item);
      });
      active = -1;
      input.removeAttribute("aria-activedescendant");
      if (results.length) {
        listbox.hidden = false;
        input.setAttribute("aria-expanded", "true");
      } else {
        close();
      }
      if (more) announce(text(root, "more", results.length));
      else if (results.length === 1) announce(text(root, "one", 1));
      else if (results.length) announce(text(root, "many", results.length));
      else announce(text(root, "none", 0));
    }

    function search() {
      var query = input.value.trim();
      if (!query) { close(); return; }
      var mine = ++request;
      var address = url + (url.indexOf("?") === -1 ? "?" : "&") + "q=" + encodeURIComponent(query);
      fetch(address, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (data) {
          if (mine === request) show(data.results || [], data.more);
        })
        .catch(function () { /* offline: the search step still works on sending */ });
    }

    input.addEventListener("input", function (event) {
      // Typing is no choice yet: filter forms wait for the pick.
      event.stopPropagation();
      window.clearTimeout(timer);
      timer = window.setTimeout(search, DELAY);
    });
    input.addEventListener("keyup", function (event) { event.stopPropagation(); });
    input.addEventListener("change", function (event) { event.stopPropagation(); });
    input.addEventListener("keydown", function (event) {
      var open = !listbox.hidden;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (open) highlight(active + 1);
        else if (options.length && input.value.trim()) { show(options, false); highlight(0); }
        else search();
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        if (open) highlight(active - 1);
      } else if (event.key === "Enter") {
        // Enter accepts; it never sends the form from here.
        event.preventDefault();
        if (open && active >= 0) choose(active);
        else if (input.value.trim()) search();
      } else if (event.key === "Escape") {
        if (open) { event.preventDefault(); close(); }
        else if (input.value) { event.preventDefault(); input.value = ""; }
      } else if (event.key === "Tab") {
        close();
      }
    });
    input.addEventListener("blur", function () { window.setTimeout(close, 150); });
    // The search text is no part of the form once JavaScript picks.
    var form = input.form;
    if (form) {
      form.addEventListener("submit", function () { input.value = ""; });
    }
  }

  function initAll(scope) {
    Array.prototype.forEach.call(
      (scope || document).querySelectorAll("[data-picker]"), init
    );
  }

  document.addEventListener("DOMContentLoaded", function () { initAll(document); });
  // Forms htmx swaps in.
  document.addEventListener("htmx:load", function (event) { initAll(event.target); });
})();
