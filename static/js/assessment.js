// Progressive enhancement of the self-assessment page: save one criterion without reloading.
// Without JavaScript every form posts normally and the page works the same.
(function () {
  "use strict";
  if (!window.fetch || !window.FormData) return;

  function progress(data) {
    var text = document.querySelector("[data-progress-text]");
    var bar = document.querySelector("[data-progress-bar]");
    if (bar) bar.value = data.answered;
    var total = document.querySelector("[data-self-total]");
    if (total && data.self_total !== undefined) {
      total.textContent = data.self_total === "" ? "0" : data.self_total;
      var mark = parseFloat(total.dataset.passMark);
      var below = document.querySelector("[data-below-pass]");
      if (below) below.hidden = !(parseFloat(total.textContent) < mark);
    }
    if (text && text.dataset.template) {
      text.textContent = text.dataset.template.replace("{n}", data.answered).replace("{m}", data.evidenced);
    }
  }

  function bind(form) {
    form.addEventListener("submit", function (event) {
      // Evidence removal buttons belong to their own forms (form="rm-..."): let them post normally.
      if (event.submitter && event.submitter.getAttribute("form")) return;
      event.preventDefault();
      var button = form.querySelector("button[type=submit]:not([form])");
      var status = form.querySelector(".sa-saving");
      if (button) button.disabled = true;
      if (status) status.textContent = "…";
      var idle = window.GCDrafts ? window.GCDrafts.whenIdle(form) : Promise.resolve();
      idle.then(function () {
        return fetch(form.action, {
          method: "POST",
          body: new FormData(form),
          headers: { "X-Requested-With": "fetch" },
          credentials: "same-origin",
        });
      })
        .then(function (resp) {
          var type = resp.headers.get("Content-Type") || "";
          // Not our JSON: a CSRF refusal after signing in elsewhere, or something else.
          if (type.indexOf("application/json") === -1) {
            throw new Error(resp.status === 403 ? "signed_out" : "fallback");
          }
          return resp.json();
        })
        .then(function (data) {
          if (data.status === "signed_out") throw new Error("signed_out");
          if (window.GCDrafts) window.GCDrafts.unbind(form);
          if (window.GCDrafts && data.ok) window.GCDrafts.forget(form);
          var article = form.closest("article");
          var holder = document.createElement("div");
          holder.innerHTML = data.html;
          var fresh = holder.firstElementChild;
          article.replaceWith(fresh);
          var newForm = fresh.querySelector("form[data-criterion-form]");
          if (newForm) {
            bind(newForm);
            if (window.GCDrafts) window.GCDrafts.bind(newForm);
          }
          var flash = fresh.querySelector(".sa-saving");
          if (flash && data.ok) {
            flash.textContent = data.message;
            flash.classList.add("sa-flash");
          }
          if (!data.ok) fresh.scrollIntoView({ block: "start" });
          progress(data);
        })
        .catch(function (error) {
          if (button) button.disabled = false;
          if (window.GCDrafts) window.GCDrafts.unsuspend(form);
          if (error && error.message === "signed_out" && window.GCDrafts) {
            // The session ended: keep everything (files stay chosen), sign in again, then save.
            if (status) status.textContent = form.dataset.msgSignedOut || "";
            window.GCDrafts.signedOut(form, { full: true });
          } else if (error && error.message === "fallback") {
            form.submit();
          } else if (status) {
            // Network trouble: nothing typed is lost, the form is still filled in.
            status.textContent = form.dataset.offline || "";
          }
        });
    });
  }

  document.querySelectorAll("form[data-criterion-form]").forEach(bind);
  document.addEventListener("draft:saved", function (event) {
    progress(event.detail);
    // The criterion's chip shows the rating just saved.
    var form = event.target;
    var article = form.closest && form.closest("article");
    var chip = article && article.querySelector(".sa-status .sa-chip");
    var checked = form.querySelector("input[name=rating]:checked");
    if (chip && checked) {
      chip.textContent = checked.closest("label").textContent.trim();
      chip.className = "sa-chip sa-chip-" + checked.value;
    }
  });
})();
