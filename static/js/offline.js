// Offline layer: registers the service worker, shows the offline banner, saves a course for
// offline reading, and queues writes made offline (Mark as complete, quiz answers) in
// IndexedDB, sending each once when the connection is back. Every page works without it.
(function () {
  "use strict";
  var script = document.currentScript;
  var userId = script ? script.getAttribute("data-user") : "";
  var PAGES = "upr-pages";

  function announce(text) {
    var live = document.getElementById("swap-announcer");
    if (live) { live.textContent = ""; window.setTimeout(function () { live.textContent = text; }, 50); }
  }

  // ---- the worker and the banner --------------------------------------------------------
  if ("serviceWorker" in navigator && script && script.getAttribute("data-worker")) {
    navigator.serviceWorker.register(script.getAttribute("data-worker"), { scope: "/" }).catch(function () {});
  }

  function servedFromCache() {
    var entries = window.performance && performance.getEntriesByType ? performance.getEntriesByType("navigation") : [];
    var timing = entries.length && entries[0].serverTiming ? entries[0].serverTiming : [];
    for (var i = 0; i < timing.length; i++) { if (timing[i].name === "offline-copy") { return true; } }
    return false;
  }
  var savedCopy = servedFromCache();
  function showState() {
    var banner = document.getElementById("offline-banner");
    if (!banner) { return; }
    if (!banner.hasAttribute("data-copy")) { banner.setAttribute("data-copy", banner.textContent); }
    if (savedCopy || !navigator.onLine) {
      banner.textContent = savedCopy ? banner.getAttribute("data-copy") : banner.getAttribute("data-offline");
      banner.hidden = false;
    } else {
      banner.hidden = true;
    }
  }

  // ---- the queue (IndexedDB) -------------------------------------------------------------
  function openDb() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open("upr-offline", 1);
      request.onupgradeneeded = function () { request.result.createObjectStore("queue", { keyPath: "key" }); };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }
  function store(mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction("queue", mode);
        var result = work(tx.objectStore("queue"));
        tx.oncomplete = function () { resolve(result && result.result); };
        tx.onerror = function () { reject(tx.error); };
      });
    });
  }
  function newKey() {
    var bytes = new Uint8Array(18);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  function enqueue(item) {
    item.key = item.key || newKey();
    item.user = userId;
    return store("readwrite", function (queue) { queue.put(item); });
  }

  function say(container, text, isError) {
    if (!container) { return; }
    var note = container.querySelector(".offline-note");
    if (!note) {
      note = document.createElement("p");
      container.insertBefore(note, container.firstChild);
    }
    note.className = "offline-note" + (isError ? " error" : "");
    note.textContent = text;
    announce(text);
  }

  // "Mark as complete" offline: keep it, with the time the learner did it.
  var statusMessages = document.getElementById("offline-banner");
  function message(name) { return statusMessages ? statusMessages.getAttribute("data-" + name) || "" : ""; }
  function queueComplete(form) {
    return enqueue({ kind: "complete", url: form.getAttribute("action"), done_at: new Date().toISOString() })
      .then(function () { say(document.getElementById("lesson-status"), message("queued"), false); });
  }
  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = event.detail.elt && event.detail.elt.closest && event.detail.elt.closest(".complete-form");
    if (form && !navigator.onLine) { event.preventDefault(); queueComplete(form); }
  });
  document.addEventListener("htmx:sendError", function (event) {
    var form = event.detail.elt && event.detail.elt.closest && event.detail.elt.closest(".complete-form");
    if (form) { queueComplete(form); }
  });

  // A quiz submitted offline (quizzes.js hands it over): kept and submitted on reconnect.
  function queueSubmit(form) {
    var fields = [];
    new FormData(form).forEach(function (value, name) {
      if (name !== "csrf_token" && name !== "check") { fields.push([name, value]); }
    });
    return enqueue({ kind: "submit", url: form.getAttribute("action"), fields: fields })
      .then(function () { say(form.querySelector(".quiz-submit"), message("submit-queued"), false); });
  }
  window.uprOffline = { queueSubmit: queueSubmit };

  // ---- sending the queue -----------------------------------------------------------------
  var syncing = false;
  function refusal(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var found = doc.querySelector(".error, .quiz-save-error, main p");
    return found ? found.textContent.trim() : "";
  }
  function send(item, token) {
    var body = new URLSearchParams();
    body.append("csrf_token", token);
    if (item.kind === "complete") {
      body.append("key", item.key);
      body.append("done_at", item.done_at);
    } else {
      item.fields.forEach(function (pair) { body.append(pair[0], pair[1]); });
    }
    var headers = { "X-CSRFToken": token, "X-Offline-Sync": "1" };
    if (item.kind === "complete") { headers["HX-Request"] = "true"; }
    return fetch(item.url, { method: "POST", body: body, headers: headers, credentials: "same-origin" })
      .then(function (response) {
        if (response.status >= 500) { throw new Error("later"); }
        return response.text().then(function (html) { return { response: response, html: html }; });
      })
      .then(function (answer) {
        return store("readwrite", function (queue) { queue.delete(item.key); }).then(function () {
          report(item, answer);
        });
      });
  }
  function report(item, answer) {
    var ok = answer.response.ok;
    if (item.kind === "complete") {
      var status = document.getElementById("lesson-status");
      var here = status && status.querySelector(".complete-form[action='" + item.url + "']");
      if (ok && here && window.htmx) {
        window.htmx.swap(status, answer.html, { swapStyle: "outerHTML" });
      }
      say(document.getElementById("lesson-status") || document.getElementById("main"),
          ok ? message("sent") : message("refused") + " " + refusal(answer.html), !ok);
    } else {
      var target = document.querySelector(".quiz-submit") || document.getElementById("main");
      say(target, ok ? message("submit-sent") : refusal(answer.html), !ok);
      if (ok && answer.response.redirected) { window.location.assign(answer.response.url); }
    }
  }
  function sync() {
    if (syncing || !navigator.onLine || !window.indexedDB || !userId) { return Promise.resolve(); }
    syncing = true;
    return store("readonly", function (queue) { return queue.getAll(); }).then(function (items) {
      items = (items || []).filter(function (item) { return item.user === userId; });
      if (!items.length) { return null; }
      return fetch("/offline/session", { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok || response.redirected) { throw new Error("not logged in"); }
          return response.json();
        })
        .then(function (session) {
          if (String(session.user) !== userId) { return null; }
          return items.reduce(function (previous, item) {
            return previous.then(function () { return send(item, session.csrf_token); });
          }, Promise.resolve());
        });
    }).catch(function () {}).then(function () { syncing = false; });
  }
  window.uprOffline.sync = sync;

  // ---- "Make available offline" ----------------------------------------------------------
  function setUpCopy() {
    var box = document.getElementById("offline-copy");
    if (!box || !("serviceWorker" in navigator) || !window.caches) { return; }
    var button = document.getElementById("offline-copy-button");
    var status = document.getElementById("offline-copy-status");
    fetch(box.getAttribute("data-source"), { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (copy) {
        button.textContent = copy.label;
        box.hidden = false;
        button.addEventListener("click", function () {
          button.disabled = true;
          status.textContent = box.getAttribute("data-saving");
          caches.open(PAGES).then(function (cache) {
            return Promise.all(copy.urls.map(function (url) {
              return fetch(url, { credentials: "same-origin", headers: { "X-Offline-Copy": "1" } })
                .then(function (response) {
                  if (!response.ok || response.redirected) { throw new Error(url); }
                  return cache.put(url, response);
                });
            }));
          }).then(function () {
            var saved = JSON.parse(localStorage.getItem("upr-offline-courses") || "{}");
            saved[copy.course] = { title: copy.title, url: copy.pages[0].url, kilobytes: copy.kilobytes };
            localStorage.setItem("upr-offline-courses", JSON.stringify(saved));
            status.textContent = box.getAttribute("data-saved");
          }).catch(function () {
            status.textContent = box.getAttribute("data-failed");
          }).then(function () { button.disabled = false; });
        });
      }).catch(function () {});
  }

  // The offline page lists the courses saved on this device.
  function listSaved() {
    var section = document.getElementById("offline-saved");
    var list = document.getElementById("offline-saved-list");
    if (!section || !list) { return; }
    var saved = JSON.parse(localStorage.getItem("upr-offline-courses") || "{}");
    Object.keys(saved).forEach(function (slug) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = saved[slug].url;
      a.textContent = saved[slug].title;
      li.appendChild(a);
      list.appendChild(li);
    });
    section.hidden = list.children.length === 0;
  }

  // Logging out forgets the pages kept for this account.
  document.addEventListener("submit", function (event) {
    if (event.target.getAttribute("action") === "/logout" && window.caches) {
      caches.delete(PAGES);
      localStorage.removeItem("upr-offline-courses");
    }
  }, true);

  function start() {
    showState();
    setUpCopy();
    listSaved();
    sync();
  }
  window.addEventListener("online", function () { showState(); sync(); });
  window.addEventListener("offline", showState);
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
