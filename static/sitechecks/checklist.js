/* The site checklist on a phone, offline too. Every save goes first into IndexedDB (the record
   with its photos as blobs, each with an id made here), then to the server when there is a
   network: one request per criterion, idempotent by those ids, so a retry never duplicates.
   Nothing typed or photographed is lost by closing the browser: the queue is read again on load.
   The page and its files are kept by the service worker (/sitechecks/sw.js). */
(function () {
  "use strict";
  const root = document.getElementById("checklist");
  if (!root) return;
  const CACHE = "sitechecks-v1";
  const assignment = root.dataset.assignment;
  const statusBox = document.getElementById("sync-status");

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64;
    b[8] = (b[8] & 63) | 128;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  // The inspection's id: the server's record, else the one this phone made for this assignment.
  const inspectionKey = `sitechecks:inspection:${assignment}`;
  const inspection = root.dataset.inspection || localStorage.getItem(inspectionKey) || uuid();
  localStorage.setItem(inspectionKey, inspection);

  // --- IndexedDB ------------------------------------------------------------------------------
  function openDb() {
    return new Promise((resolve, reject) => {
      const req = indexedDB.open("sitechecks", 1);
      req.onupgradeneeded = () => req.result.createObjectStore("items", { keyPath: "key" });
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  }
  const dbReady = openDb();
  function store(mode) {
    return dbReady.then((db) => db.transaction("items", mode).objectStore("items"));
  }
  function put(record) {
    return store("readwrite").then(
      (s) =>
        new Promise((resolve, reject) => {
          const req = s.put(record);
          req.onsuccess = () => resolve(record);
          req.onerror = () => reject(req.error);
        })
    );
  }
  function all() {
    return store("readonly").then(
      (s) =>
        new Promise((resolve, reject) => {
          const req = s.getAll();
          req.onsuccess = () => resolve(req.result.filter((r) => r.assignment === assignment));
          req.onerror = () => reject(req.error);
        })
    );
  }

  // --- The page ---------------------------------------------------------------------------------
  const forms = Array.from(root.querySelectorAll("form.sc-item"));
  const byCriterion = {};
  forms.forEach((f) => (byCriterion[f.dataset.criterion] = f));

  // Not form.elements.item: that is the collection's item() method, shared by every form.
  function itemInput(form) {
    return form.querySelector('input[name="item"]');
  }

  function label(template, n) {
    return (template || "").replace("{n}", n);
  }

  function show(record) {
    const form = byCriterion[record.criterion];
    if (!form) return;
    itemInput(form).value = record.item;
    form.querySelectorAll('input[name="verdict"]').forEach((r) => (r.checked = r.value === record.verdict));
    if (form.elements.score) form.elements.score.value = record.score;
    form.elements.note.value = record.note;
    form.querySelector('[data-role="photos"]').textContent = record.photos.length
      ? label(root.dataset.photos, record.photos.length)
      : "";
    form.querySelector('[data-role="state"]').textContent = record.pending
      ? root.dataset.savedHere
      : record.error || root.dataset.sent;
  }

  function refreshStatus() {
    return all().then((records) => {
      const waiting = records.filter((r) => r.pending).length;
      let text = waiting ? label(root.dataset.waiting, waiting) : root.dataset.allSent;
      if (!navigator.onLine && waiting) text = `${root.dataset.offline} ${text}`;
      statusBox.textContent = text;
      statusBox.dataset.waiting = String(waiting);
    });
  }

  function save(form) {
    const criterion = form.dataset.criterion;
    const checked = form.querySelector('input[name="verdict"]:checked');
    return all().then((records) => {
      const old = records.find((r) => r.criterion === criterion);
      const files = Array.from(form.elements.photo.files || []);
      const record = {
        key: old ? old.key : `${assignment}:${criterion}`,
        assignment: assignment,
        inspection: inspection,
        item: (old && old.item) || itemInput(form).value || uuid(),
        criterion: criterion,
        verdict: checked ? checked.value : "",
        score: form.elements.score ? form.elements.score.value : "",
        note: form.elements.note.value,
        clientAt: new Date().toISOString(),
        photos: (old ? old.photos : []).concat(
          files.map((f) => ({ id: uuid(), blob: f, name: f.name, time: new Date(f.lastModified).toISOString(), sent: false }))
        ),
        pending: true,
        error: "",
      };
      return put(record).then(() => {
        form.elements.photo.value = "";
        show(record);
        return refreshStatus();
      });
    });
  }

  let syncing = false;
  function send(record) {
    const body = new FormData();
    body.append("csrfmiddlewaretoken", byCriterion[record.criterion].elements.csrfmiddlewaretoken.value);
    body.append("inspection", record.inspection);
    body.append("item", record.item);
    body.append("criterion", record.criterion);
    body.append("verdict", record.verdict);
    body.append("score", record.score);
    body.append("note", record.note);
    body.append("client_at", record.clientAt);
    record.photos
      .filter((p) => !p.sent)
      .forEach((p) => {
        body.append("photo", p.blob, p.name || "photo.jpg");
        body.append("photo_id", p.id);
        body.append("photo_time", p.time);
      });
    const url = byCriterion[record.criterion].getAttribute("action");
    return fetch(url, { method: "POST", body: body, headers: { Accept: "application/json" }, credentials: "same-origin" }).then(
      (response) =>
        response.json().then((answer) => {
          if (response.ok) {
            const refused = new Set((answer.errors || []).map((e) => e.photo));
            record.photos.forEach((p) => {
              if (!refused.has(p.id)) {
                p.sent = true;
                p.blob = null; // sent: the server keeps it
              }
            });
            record.photos = record.photos.filter((p) => p.sent);
            record.error = (answer.errors || []).map((e) => e.message).join(" ");
          } else {
            record.error = answer.error || "";
          }
          record.pending = false;
          return put(record).then(() => show(record));
        })
    );
  }

  function sync() {
    if (syncing || !navigator.onLine) return refreshStatus();
    syncing = true;
    return all()
      .then((records) => records.filter((r) => r.pending).reduce((chain, r) => chain.then(() => send(r)), Promise.resolve()))
      .catch(() => undefined) // no network after all: the records stay pending
      .then(() => {
        syncing = false;
        return refreshStatus();
      });
  }

  forms.forEach((form) =>
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      save(form).then(sync);
    })
  );
  window.addEventListener("online", sync);
  window.addEventListener("offline", refreshStatus);

  all()
    .then((records) => records.forEach(show))
    .then(sync);

  // Keep this page and its files for the next time there is no network.
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker
      .register(root.dataset.sw)
      .then(() => navigator.serviceWorker.ready)
      .then(() => {
        if (!navigator.onLine) return undefined;
        const urls = [location.href]
          .concat(Array.from(document.querySelectorAll('link[rel="stylesheet"]'), (l) => l.href))
          .concat(Array.from(document.querySelectorAll("script[src]"), (s) => s.src));
        return caches.open(CACHE).then((cache) => cache.addAll(urls));
      })
      .then(() => root.setAttribute("data-offline-ready", "1"))
      .catch(() => undefined);
  }
})();
