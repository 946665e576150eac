/* Service worker of the site checks (served from /sitechecks/sw.js, scope /sitechecks/): pages and
   files are fetched from the network and kept; without a network the kept copy answers, so the
   checklist opens in a basement. Writes (POST) are never cached: the page queues them itself
   (static/sitechecks/checklist.js). */
"use strict";
const CACHE = "sitechecks-v1";

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith(
    fetch(request)
      .then((response) => {
        if (response.ok && response.type === "basic") {
          const copy = response.clone();
          caches.open(CACHE).then((cache) => cache.put(request, copy));
        }
        return response;
      })
      .catch(() =>
        caches.match(request, { ignoreVary: true }).then((hit) => hit || new Response("", { status: 503, statusText: "offline" }))
      )
  );
});
