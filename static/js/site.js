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

  // A file over the limit is refused when it is chosen, before anything is uploaded: the input's
  // data-max-bytes is the server's limit, data-too-large the message ({name}, {size}, {limit} in
  // MB). The files within the limit stay chosen; the server checks again anyway.
  function megabytes(bytes) { return (bytes / 1048576).toFixed(1).replace(/\.0$/, ""); }

  function checkSize(input) {
    var max = parseInt(input.getAttribute("data-max-bytes"), 10);
    if (!max || !input.files) return;
    var kept = [], refused = [];
    Array.prototype.forEach.call(input.files, function (f) { (f.size > max ? refused : kept).push(f); });
    var box = input.parentNode.querySelector("[data-testid=file-too-large]");
    if (!refused.length) {
      if (box) box.remove();
      return;
    }
    try {
      var transfer = new DataTransfer();
      kept.forEach(function (f) { transfer.items.add(f); });
      input.files = transfer.files;
    } catch (e) {
      input.value = "";  // no DataTransfer: nothing stays chosen rather than a file that will fail
    }
    if (!box) {
      box = document.createElement("div");
      box.className = "error";
      box.setAttribute("role", "alert");
      box.setAttribute("data-testid", "file-too-large");
      var after = input.parentNode.querySelector(".file-chosen") || input;
      after.insertAdjacentElement("afterend", box);
    }
    var template = input.getAttribute("data-too-large") || "{name}: {size} MB > {limit} MB";
    box.textContent = refused.map(function (f) {
      return template.replace("{name}", f.name).replace("{size}", megabytes(f.size)).replace("{limit}", megabytes(max));
    }).join(" ");
  }

  function enhanceSize(input) {
    if (input.getAttribute("data-size-checked")) return;
    input.setAttribute("data-size-checked", "1");
    // Capture phase: the check runs before the page's own listeners (the chosen files' names, the
    // autosave) see the files.
    input.addEventListener("change", function () { checkSize(input); }, true);
  }

  // A "select all" checkbox (data-select-all="NAME") ticks every enabled checkbox NAME of its form.
  function enhanceSelectAll(all) {
    if (all.getAttribute("data-select-ready")) return;
    all.setAttribute("data-select-ready", "1");
    var form = all.form || all.closest("form");
    if (!form) return;
    function boxes() {
      return Array.prototype.filter.call(
        form.querySelectorAll('input[type="checkbox"][name="' + all.getAttribute("data-select-all") + '"]'),
        function (b) { return !b.disabled; });
    }
    all.addEventListener("change", function () {
      boxes().forEach(function (b) { b.checked = all.checked; });
    });
    form.addEventListener("change", function (e) {
      if (e.target === all || e.target.name !== all.getAttribute("data-select-all")) return;
      var list = boxes(), ticked = list.filter(function (b) { return b.checked; }).length;
      all.checked = ticked === list.length && ticked > 0;
      all.indeterminate = ticked > 0 && ticked < list.length;
    });
  }

  // Consequential actions ask first, like the review decisions: a form with data-confirm (the
  // question) and data-confirm-what (what will happen) opens the page's confirmation dialog. With
  // data-confirm-text (a field's name) the text typed is repeated in it; left empty, the form goes
  // straight to the server, whose message says what is missing.
  var confirmDialog = document.getElementById("confirm-dialog");
  var confirming = null;

  function paragraph(text) {
    var p = document.createElement("p");
    p.textContent = text;
    return p;
  }

  function enhanceConfirm(form) {
    if (form.getAttribute("data-confirm-ready")) return;
    form.setAttribute("data-confirm-ready", "1");
    form.addEventListener("submit", function (event) {
      if (!confirmDialog || !confirmDialog.showModal) return;  // no <dialog>: straight to the server
      var name = form.getAttribute("data-confirm-text");
      var field = name ? form.elements[name] : null;
      if (field && !field.value.trim()) return;
      event.preventDefault();
      confirmDialog.querySelector("[data-confirm-title]").textContent = form.getAttribute("data-confirm");
      var body = confirmDialog.querySelector("[data-confirm-body]");
      body.textContent = "";
      if (field) body.appendChild(paragraph((form.getAttribute("data-confirm-text-label") || "") + "：" + field.value.trim()));
      body.appendChild(paragraph(form.getAttribute("data-confirm-what") || ""));
      confirming = form;
      confirmDialog.showModal();
    });
  }

  if (confirmDialog) {
    confirmDialog.querySelector("[data-confirm-cancel]").addEventListener("click", function () {
      confirming = null;
      confirmDialog.close();
    });
    confirmDialog.querySelector("[data-confirm-ok]").addEventListener("click", function () {
      var form = confirming;
      confirming = null;
      confirmDialog.close();
      if (form) HTMLFormElement.prototype.submit.call(form);
    });
  }

  function enhance(root) {
    noValidate(root);
    Array.prototype.forEach.call(root.querySelectorAll('input[type="file"]'), enhanceFile);
    Array.prototype.forEach.call(root.querySelectorAll('input[type="file"][data-max-bytes]'), enhanceSize);
    Array.prototype.forEach.call(root.querySelectorAll("input[data-select-all]"), enhanceSelectAll);
    Array.prototype.forEach.call(root.querySelectorAll("form[data-confirm]"), enhanceConfirm);
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
