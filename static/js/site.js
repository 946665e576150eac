/* Every page: our own validation messages instead of the browser's, and a file picker in the
   page's language. (Loaded deferred from base.html; nothing here is needed for a form to work.) */
(function () {
  "use strict";
  var body = document.body;
  var chooseText = body.getAttribute("data-choose-files") || "Choose files";
  var noneText = body.getAttribute("data-no-file") || "No file chosen";
  var countText = body.getAttribute("data-files-count") || "{count} files";

  // The server checks every field and answers in the user's language: the browser's own
  // "Please fill out this field." (always in the browser's language) never shows.
  function noValidate(root) {
    Array.prototype.forEach.call(root.querySelectorAll("form"), function (form) {
      form.noValidate = true;
    });
  }

  function names(input) {
    var files = input.files ? Array.prototype.map.call(input.files, function (f) { return f.name; }) : [];
    if (!files.length) return noneText;
    if (files.length > 3) return countText.replace("{count}", files.length) + "：" + files.slice(0, 3).join("、") + "…";
    return files.join("、");
  }

  function enhanceFile(input) {
    if (input.getAttribute("data-picker")) return;
    if (!input.id) input.id = "file-" + Math.random().toString(36).slice(2, 9);
    input.setAttribute("data-picker", "1");
    input.classList.add("file-native");
    var button = document.createElement("label");
    button.className = "btn btn-small file-button";
    button.htmlFor = input.id;
    button.textContent = chooseText;
    var chosen = document.createElement("span");
    chosen.className = "file-chosen muted";
    chosen.setAttribute("aria-live", "polite");
    chosen.textContent = names(input);
    input.insertAdjacentElement("afterend", button);
    button.insertAdjacentElement("afterend", chosen);
    input.addEventListener("change", function () { chosen.textContent = names(input); });
    var form = input.form;
    if (form) form.addEventListener("reset", function () { setTimeout(function () { chosen.textContent = names(input); }, 0); });
  }

  function enhance(root) {
    noValidate(root);
    Array.prototype.forEach.call(root.querySelectorAll('input[type="file"]'), enhanceFile);
  }

  enhance(document);

  // The header's menu button (shown at narrow widths by the stylesheet).
  document.documentElement.classList.add("js");
  var toggle = document.querySelector(".menu-toggle");
  if (toggle) {
    var bar = toggle.closest(".topbar");
    toggle.addEventListener("click", function () {
      var open = bar.classList.toggle("menu-open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
    document.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && bar.classList.contains("menu-open")) {
        bar.classList.remove("menu-open");
        toggle.setAttribute("aria-expanded", "false");
        toggle.focus();
      }
    });
  }

  // Wide tables scroll inside their box instead of stretching the page.
  Array.prototype.forEach.call(document.querySelectorAll("table.table"), function (table) {
    var parent = table.parentElement;
    if (!parent || parent.classList.contains("table-wrap") || parent.classList.contains("table-scroll")) return;
    var wrap = document.createElement("div");
    wrap.className = "table-wrap";
    parent.insertBefore(wrap, table);
    wrap.appendChild(table);
  });
  // A scrolling box is reachable from the keyboard (arrow keys scroll it once focused).
  Array.prototype.forEach.call(document.querySelectorAll(".table-wrap, .table-scroll"), function (box) {
    if (!box.hasAttribute("tabindex")) box.setAttribute("tabindex", "0");
  });
  // Forms and inputs that a page's script adds later get the same treatment.
  if (window.MutationObserver) {
    new MutationObserver(function (records) {
      records.forEach(function (r) {
        Array.prototype.forEach.call(r.addedNodes, function (n) { if (n.querySelectorAll) enhance(n); });
      });
    }).observe(body, { childList: true, subtree: true });
  }
})();

/* A decision's button marked data-once sends its form once: a double click (or a second click while
   the answer is on its way) sends nothing more. The server answers a repeat with the outcome of the
   first anyway; this spares the second request. */
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    if (!button || !button.hasAttribute("data-once")) return;
    var form = event.target;
    if (form.hasAttribute("data-sent")) {
      event.preventDefault();
      return;
    }
    form.setAttribute("data-sent", "");
  });
  // A page shown again from the back-forward cache may be sent again.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;
    document.querySelectorAll("form[data-sent]").forEach(function (form) {
      form.removeAttribute("data-sent");
    });
  });
})();
