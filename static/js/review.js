// The review page: decisions ask for confirmation with a summary (and are refused while a
// criterion has no verdict), and evidence opens in a viewer on the page. The review form itself
// autosaves through drafts.js. Without JavaScript the server does the same checks and shows its own
// confirmation step.
(function () {
  "use strict";
  var reviewForm = document.getElementById("review-form");
  var dialog = document.getElementById("decide-confirm");
  var missingBox = document.querySelector("[data-decide-missing]");
  var texts = document.getElementById("review-texts");
  var t = texts ? texts.dataset : {};

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (m, key) {
      return key in values ? values[key] : m;
    });
  }

  function verdicts() {
    var out = { confirmed: 0, notConfirmed: [], missing: [] };
    if (!reviewForm) return out;
    reviewForm.querySelectorAll("article[data-number]").forEach(function (article) {
      var n = article.dataset.number;
      var checked = reviewForm.querySelector("input[name='c" + n + "-verdict']:checked");
      if (!reviewForm.querySelector("input[name='c" + n + "-verdict']")) return;
      if (!checked) out.missing.push(n);
      else if (checked.value === "confirmed") out.confirmed += 1;
      else {
        var comment = reviewForm.querySelector("[name='c" + n + "-comment']");
        out.notConfirmed.push({ n: n, comment: comment ? comment.value.trim() : "" });
      }
    });
    return out;
  }

  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text) node.textContent = text;
    if (cls) node.className = cls;
    return node;
  }

  var pending = null;

  function openConfirm(button) {
    var action = button.dataset.decide;
    var owner = button.form;
    var isReview = owner === reviewForm;
    if (isReview) {
      var v = verdicts();
      if (v.missing.length) {
        if (missingBox) {
          missingBox.hidden = false;
          missingBox.textContent = fill(t.missing || "", { list: v.missing.join("、") });
          missingBox.scrollIntoView({ block: "center" });
        }
        var first = reviewForm.querySelector("input[name='c" + v.missing[0] + "-verdict']");
        if (first) first.focus({ preventScroll: true });
        return;
      }
    }
    if (missingBox) missingBox.hidden = true;
    var body = dialog.querySelector("[data-decide-body]");
    body.textContent = "";
    dialog.querySelector("[data-decide-title]").textContent = fill(t.title || "{action}", {
      action: button.textContent.trim(),
    });
    if (isReview) {
      var s = verdicts();
      body.appendChild(el("p", fill(t.counts || "", { n: s.confirmed, m: s.notConfirmed.length }), "decide-counts"));
      if (s.notConfirmed.length) {
        var list = el("ul", "", "small");
        s.notConfirmed.forEach(function (item) {
          list.appendChild(el("li", fill(t.criterion || "{n}", { n: item.n }) + "：" + (item.comment || "—")));
        });
        body.appendChild(list);
      }
    }
    var block = button.closest(".decision");
    var reason = block && block.querySelector("textarea");
    if (reason) {
      // Only a text the decision needs is asked for (the approval's reason: below the pass mark).
      if (reason.hasAttribute("data-required-text") && !reason.value.trim()) {
        reason.focus();
        var note = block.querySelector(".draft-error") || el("p", "", "draft-error");
        note.setAttribute("role", "alert");
        note.textContent = t.reasonNeeded || "";
        reason.insertAdjacentElement("afterend", note);
        return;
      }
      if (reason.value.trim()) {
        body.appendChild(el("p", (reason.name === "citation" ? t.citation : t.reason) + "：" + reason.value.trim()));
      }
    }
    var what = document.querySelector("template[data-what-for='" + action + "']");
    if (what) body.appendChild(el("p", what.content.textContent.trim(), "decide-what"));
    pending = button;
    dialog.showModal();
  }

  document.querySelectorAll("button[data-decide]").forEach(function (button) {
    button.addEventListener("click", function (event) {
      if (!dialog || !dialog.showModal) return; // no <dialog>: the server's confirmation page
      event.preventDefault();
      openConfirm(button);
    });
  });

  if (dialog) {
    dialog.querySelector("[data-decide-cancel]").addEventListener("click", function () {
      pending = null;
      dialog.close();
    });
    dialog.querySelector("[data-decide-ok]").addEventListener("click", function () {
      var button = pending;
      if (!button) return;
      pending = null; // a second click (double click) sends nothing more
      var owner = button.form;
      // Still signed in? Otherwise keep everything and offer to sign in again.
      var probe = reviewForm ? reviewForm.getAttribute("action") : null;
      var idle = window.GCDrafts && reviewForm ? window.GCDrafts.whenIdle(reviewForm) : Promise.resolve();
      var check = probe
        ? idle.then(function () { return fetch(probe, { headers: { "X-Requested-With": "fetch" }, credentials: "same-origin" }); }).then(function (r) {
            return r.json();
          })
        : Promise.resolve({ signed_in: true });
      check
        .then(function (data) {
          dialog.close();
          if (!data.signed_in) {
            if (window.GCDrafts && reviewForm) {
              window.GCDrafts.unsuspend(reviewForm);
              window.GCDrafts.signedOut(reviewForm);
            }
            return;
          }
          if (data.csrf) {
            document.querySelectorAll("input[name=csrfmiddlewaretoken]").forEach(function (i) {
              i.value = data.csrf;
            });
          }
          var confirmField = owner.querySelector("[data-confirm-field]");
          if (confirmField) confirmField.value = "1";
          if (window.GCDrafts && owner === reviewForm) window.GCDrafts.forget(reviewForm);
          owner.action = button.getAttribute("formaction") || owner.action;
          HTMLFormElement.prototype.submit.call(owner);
        })
        .catch(function () {
          dialog.close();
        });
    });
  }

  // --- Evidence viewer: images (click to zoom) and PDFs inline, previous/next. ---
  var viewer = document.getElementById("evidence-viewer");
  var links = Array.prototype.slice.call(document.querySelectorAll("a[data-viewer]"));
  var current = -1;

  function show(index) {
    if (!viewer || !links.length) return;
    current = (index + links.length) % links.length;
    var link = links[current];
    var stage = viewer.querySelector("[data-viewer-stage]");
    stage.textContent = "";
    stage.classList.remove("zoomed");
    viewer.querySelector("[data-viewer-title]").textContent = link.dataset.title || link.textContent.trim();
    viewer.querySelector("[data-viewer-count]").textContent = current + 1 + " / " + links.length;
    viewer.querySelector("[data-viewer-open]").href = link.href;
    if (link.dataset.viewer === "image") {
      var img = el("img");
      img.src = link.href;
      img.alt = link.dataset.title || "";
      img.addEventListener("click", function () { stage.classList.toggle("zoomed"); });
      stage.appendChild(img);
    } else {
      var frame = el("iframe");
      frame.src = link.href;
      frame.title = link.dataset.title || "";
      stage.appendChild(frame);
    }
    if (!viewer.open) viewer.showModal();
  }

  if (viewer && viewer.showModal) {
    links.forEach(function (link, i) {
      link.addEventListener("click", function (event) {
        if (event.ctrlKey || event.metaKey || event.shiftKey) return;
        event.preventDefault();
        show(i);
      });
    });
    viewer.querySelector("[data-viewer-prev]").addEventListener("click", function () { show(current - 1); });
    viewer.querySelector("[data-viewer-next]").addEventListener("click", function () { show(current + 1); });
    viewer.querySelector("[data-viewer-close]").addEventListener("click", function () { viewer.close(); });
    viewer.addEventListener("keydown", function (event) {
      if (event.key === "ArrowLeft") show(current - 1);
      if (event.key === "ArrowRight") show(current + 1);
    });
    viewer.addEventListener("close", function () {
      viewer.querySelector("[data-viewer-stage]").textContent = "";
    });
  }
})();
