// Drafts that survive everything: a form marked data-draft saves itself while the user types
// (debounced) and when a field is left, through fetch to its own action with autosave=1, and shows
// "已保存 hh:mm". The text is also kept in localStorage until the server has it. A save after the
// session ended (401 JSON, or a CSRF refusal) keeps the text, opens a dialog offering to sign in
// again in a new tab, and saves as soon as the user is back. Leaving with unsaved text warns.
// Without JavaScript the forms post normally.
(function () {
  "use strict";
  if (!window.fetch || !window.FormData) return;

  var DELAY = 1500;
  var forms = [];
  var pendingAfterLogin = [];
  var dialog = document.getElementById("draft-signin");

  function storeKey(form) {
    return "gc-draft:" + form.getAttribute("action");
  }

  function textFields(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      if (!el.name || el.disabled) return false;
      if (el.type === "file" || el.type === "hidden" || el.type === "submit" || el.type === "button") return false;
      return el.dataset.draftSkip === undefined;
    });
  }

  function snapshot(form) {
    var values = {};
    textFields(form).forEach(function (el) {
      if (el.type === "radio" || el.type === "checkbox") {
        if (el.checked) values[el.name] = el.value;
        else if (!(el.name in values)) values[el.name] = "";
      } else {
        values[el.name] = el.value;
      }
    });
    return values;
  }

  function restore(form, values) {
    textFields(form).forEach(function (el) {
      if (!(el.name in values)) return;
      if (el.type === "radio" || el.type === "checkbox") el.checked = values[el.name] === el.value;
      else el.value = values[el.name];
    });
  }

  function same(a, b) {
    return JSON.stringify(a) === JSON.stringify(b);
  }

  function status(form, text, kind) {
    var el = form.querySelector("[data-draft-status]");
    if (!el) return;
    el.textContent = text;
    el.dataset.kind = kind || "";
  }

  function csrfInputs() {
    return document.querySelectorAll("input[name=csrfmiddlewaretoken]");
  }

  function showErrors(form, errors) {
    form.querySelectorAll(".draft-error").forEach(function (el) { el.remove(); });
    Object.keys(errors || {}).forEach(function (name) {
      var field = form.querySelector("[name='" + name + "']");
      var box = document.createElement("p");
      box.className = "draft-error";
      box.setAttribute("role", "alert");
      box.textContent = errors[name].join(" ");
      var anchor = field ? (field.closest("fieldset, .sa-field, .rv-field, div") || field) : form.firstElementChild;
      anchor.appendChild(box);
    });
  }

  function signedOut(form, options) {
    if (options && options.full) form._draftFull = true;
    if (pendingAfterLogin.indexOf(form) === -1) pendingAfterLogin.push(form);
    status(form, form.dataset.msgSignedOut || "", "signed-out");
    if (dialog && !dialog.open) {
      if (dialog.showModal) dialog.showModal();
      else dialog.setAttribute("open", "");
    }
  }

  // After signing in (in another tab): take the new CSRF token, then save what waits.
  function resume() {
    if (!pendingAfterLogin.length) return Promise.resolve(false);
    var probe = pendingAfterLogin[0];
    return fetch(probe.getAttribute("action"), {
      headers: { "X-Requested-With": "fetch" },
      credentials: "same-origin",
    })
      .then(function (resp) { return resp.json(); })
      .then(function (data) {
        if (!data.signed_in) return false;
        csrfInputs().forEach(function (el) { el.value = data.csrf; });
        var waiting = pendingAfterLogin.slice();
        pendingAfterLogin = [];
        if (dialog && dialog.open) dialog.close();
        waiting.forEach(function (form) {
          if (!form.isConnected) return;
          if (form._draftFull && form.requestSubmit) {
            // The Save button was pressed (files included): press it again.
            form._draftFull = false;
            form.requestSubmit();
          } else {
            save(form);
          }
        });
        return true;
      })
      .catch(function () { return false; });
  }

  function save(form) {
    var state = form._draft;
    clearTimeout(state.timer);
    if (state.suspended) return;
    if (state.busy) {
      state.again = true;
      return;
    }
    var values = snapshot(form);
    if (same(values, state.saved)) {
      state.dirty = false;
      return;
    }
    var body = new FormData();
    Array.prototype.forEach.call(form.elements, function (el) {
      if (el.type === "hidden" && el.name) body.append(el.name, el.value);
    });
    Object.keys(values).forEach(function (name) { body.append(name, values[name]); });
    body.append("autosave", "1");
    state.busy = true;
    status(form, form.dataset.msgSaving || "…", "saving");
    state.inflight = fetch(form.getAttribute("action"), {
      method: "POST",
      body: body,
      headers: { "X-Requested-With": "fetch" },
      credentials: "same-origin",
    })
      .then(function (resp) {
        var type = resp.headers.get("Content-Type") || "";
        if (type.indexOf("application/json") === -1) {
          // A CSRF refusal (the token changed when the user signed in elsewhere) or a login page.
          if (resp.status === 403 || resp.redirected) return { status: "signed_out" };
          return { status: "error" };
        }
        return resp.json();
      })
      .then(function (data) {
        state.busy = false;
        if (data.status === "saved") {
          state.saved = values;
          var version = form.querySelector("input[name=version]");
          if (version && data.version !== undefined) version.value = data.version;
          showErrors(form, {});
          status(form, data.message, "saved");
          if (same(values, snapshot(form))) {
            state.dirty = false;
            localStorage.removeItem(storeKey(form));
          }
          form.dispatchEvent(new CustomEvent("draft:saved", { detail: data, bubbles: true }));
        } else if (data.status === "signed_out") {
          signedOut(form);
        } else if (data.status === "invalid") {
          showErrors(form, data.errors);
          status(form, form.dataset.msgInvalid || "", "invalid");
        } else if (data.status === "conflict") {
          status(form, data.message, "invalid");
        } else {
          status(form, form.dataset.msgOffline || "", "offline");
        }
        if (state.again) {
          state.again = false;
          schedule(form);
        }
      })
      .catch(function () {
        state.busy = false;
        status(form, form.dataset.msgOffline || "", "offline");
      })
      .then(function () {
        state.inflight = null;
      });
  }

  function schedule(form) {
    clearTimeout(form._draft.timer);
    form._draft.timer = setTimeout(function () { save(form); }, DELAY);
  }

  function changed(form) {
    var state = form._draft;
    var values = snapshot(form);
    state.dirty = !same(values, state.saved);
    if (state.dirty) {
      try {
        localStorage.setItem(storeKey(form), JSON.stringify({ values: values, at: Date.now() }));
      } catch (e) { /* private mode: the page still holds the text */ }
    }
  }

  function bind(form) {
    form._draft = { saved: snapshot(form), dirty: false, timer: null, busy: false, again: false, inflight: null };
    forms.push(form);
    // Text typed before a lost session or a closed tab comes back.
    var kept = null;
    try { kept = JSON.parse(localStorage.getItem(storeKey(form)) || "null"); } catch (e) { kept = null; }
    if (kept && kept.values && !same(kept.values, form._draft.saved)) {
      restore(form, kept.values);
      form._draft.dirty = true;
      status(form, form.dataset.msgRestored || "", "restored");
      schedule(form);
    }
    form.addEventListener("input", function (event) {
      if (event.target.type === "file") return;
      changed(form);
      schedule(form);
    });
    form.addEventListener("change", function (event) {
      if (event.target.type === "file") return;
      changed(form);
      save(form);
    });
    form.addEventListener("focusout", function (event) {
      if (event.target.type === "file") return;
      // Going to the form's own Save button: that save carries the text.
      var next = event.relatedTarget;
      if (next && next.form === form && next.type === "submit") return;
      if (!form._draft.dirty) return;
      clearTimeout(form._draft.timer);
      form._draft.timer = setTimeout(function () { save(form); }, 250);
    });
  }

  window.GCDrafts = {
    // Before the form's own full save: no autosave of it starts now, and the one running ends first.
    whenIdle: function (form) {
      if (!form._draft) return Promise.resolve();
      clearTimeout(form._draft.timer);
      form._draft.suspended = true;
      return form._draft.inflight || Promise.resolve();
    },
    unsuspend: function (form) {
      if (form._draft) form._draft.suspended = false;
    },
    bind: bind,
    save: save,
    signedOut: signedOut,
    resume: resume,
    isDirty: function (form) { return form._draft && form._draft.dirty; },
    forget: function (form) {
      form._draft.saved = snapshot(form);
      form._draft.dirty = false;
      localStorage.removeItem(storeKey(form));
    },
    unbind: function (form) {
      var i = forms.indexOf(form);
      if (i !== -1) forms.splice(i, 1);
    },
  };

  document.querySelectorAll("form[data-draft]").forEach(bind);

  window.addEventListener("beforeunload", function (event) {
    var dirty = forms.some(function (form) { return form.isConnected && form._draft.dirty; });
    if (!dirty) return undefined;
    event.preventDefault();
    event.returnValue = "";
    return "";
  });

  // Back from the sign-in tab: save what waits.
  window.addEventListener("focus", resume);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") resume();
  });
  if (dialog) {
    var again = dialog.querySelector("[data-draft-retry]");
    if (again) {
      again.addEventListener("click", function () {
        resume().then(function (ok) {
          var note = dialog.querySelector("[data-draft-note]");
          if (!ok && note) note.textContent = dialog.dataset.msgNotYet || "";
        });
      });
    }
  }
})();
