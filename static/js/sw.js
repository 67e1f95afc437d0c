// The service worker: a layer on top of the site, never a requirement.
// - The app shell (CSS, JS, htmx, the offline page) is precached when the worker installs; the
//   list comes from /offline/shell.json under the current static hashes, and the worker's own
//   URL carries a hash of all of them, so a change to any installs a new worker.
// - Pages are network first: a lesson, course page or glossary that opened is kept, and shown
//   from the cache when the network fails, marked with the X-Offline-Copy header (and the
//   Server-Timing entry "offline-copy", which the page can read). A page not kept shows /offline.
// - Static files and lesson images are cache first (their URLs change with their content).
// - Writes (POST) are never touched here: the page queues them (static/js/offline.js).
"use strict";

var VERSION = new URL(self.location.href).searchParams.get("v") || "dev";
var SHELL = "upr-shell-" + VERSION;
var PAGES = "upr-pages";            // kept across versions: the learner's offline copies
var OFFLINE_URL = "/offline";
var KEPT = /^\/(courses\/[^/]+(\/lessons\/[^/]+)?|glossary|learning)\/?$/;

self.addEventListener("install", function (event) {
  event.waitUntil(
    fetch("/offline/shell.json", { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (shell) {
        return caches.open(SHELL).then(function (cache) { return cache.addAll(shell.urls); });
      })
      .then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf("upr-shell-") === 0 && name !== SHELL;
      }).map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.clients.claim(); })
  );
});

function markedCopy(response) {
  var headers = new Headers(response.headers);
  headers.set("X-Offline-Copy", "1");
  headers.set("Server-Timing", "offline-copy");
  return response.blob().then(function (body) {
    return new Response(body, { status: response.status, statusText: response.statusText, headers: headers });
  });
}

function fromCache(request) {
  return caches.open(PAGES).then(function (cache) {
    return cache.match(request, { ignoreVary: true, ignoreSearch: false });
  }).then(function (found) {
    if (found) { return markedCopy(found); }
    return caches.match(OFFLINE_URL, { ignoreVary: true, ignoreSearch: true }).then(function (page) {
      return page || Response.error();
    });
  });
}

function page(event) {
  var request = event.request;
  var path = new URL(request.url).pathname;
  return fetch(request).then(function (response) {
    if (response.ok && !response.redirected && response.type === "basic" && KEPT.test(path)) {
      var copy = response.clone();
      caches.open(PAGES).then(function (cache) { return cache.put(request.url, copy); });
    }
    return response;
  }).catch(function () { return fromCache(request); });
}

function asset(request) {
  return caches.match(request, { ignoreVary: true }).then(function (found) {
    if (found) { return found; }
    return fetch(request).then(function (response) {
      if (response.ok && response.type === "basic") {
        var copy = response.clone();
        caches.open(SHELL).then(function (cache) { return cache.put(request, copy); });
      }
      return response;
    }).catch(function () {
      // An older saved page names an older hash: any version of the file is better than none.
      return caches.match(request, { ignoreVary: true, ignoreSearch: true }).then(function (any) {
        return any || Response.error();
      });
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (request.mode === "navigate") {
    event.respondWith(page(event));
  } else if (url.pathname.indexOf("/static/") === 0 || url.pathname.indexOf("/course-media/") === 0) {
    event.respondWith(asset(request));
  }
});
