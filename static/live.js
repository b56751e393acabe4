// live.js - live notifications for signed-in pages: keeps the unread
// badge current and shows a short toast for each new notification, from
// the Server-Sent Events stream at /events. Pages work fully without it;
// the browser reconnects by itself and sends Last-Event-ID, so nothing
// is missed. Text is only ever set with textContent.
(function () {
  "use strict";
  var count = document.getElementById("unread-count");
  var badge = document.getElementById("unread-badge");
  var toasts = document.getElementById("toasts");
  if (!count || !badge || !toasts || !window.EventSource) {
    return;
  }

  function setCount(n) {
    count.textContent = String(n);
    badge.classList.toggle("zero", n === 0);
  }

  function toast(n) {
    var a = document.createElement("a");
    a.className = "toast";
    a.href = n.url;
    a.textContent = n.title;
    toasts.appendChild(a);
    window.setTimeout(function () {
      a.remove();
    }, 8000);
  }

  var source = new EventSource("/events");
  source.addEventListener("hello", function (e) {
    setCount(JSON.parse(e.data).unread);
  });
  // The alert list (#alert-list) takes in a new alert as it is raised (a
// high or critical one's notification, or the list's own look again):
  // the page is fetched again and its list and counts swapped in, unless
  // the analyst has chosen alerts in it (then a notice says to reload).
  var list = document.getElementById("alert-list");
  var busy = false;
  function refreshAlerts() {
    if (busy) {
      return;
    }
    if (list.querySelector("input[type=checkbox]:checked")) {
      var note = document.getElementById("alert-news");
      if (note) {
        note.hidden = false;
      }
      return;
    }
    busy = true;
    fetch(window.location.href, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        ["alert-list", "alert-counts"].forEach(function (id) {
          var fresh = doc.getElementById(id);
          var old = document.getElementById(id);
          if (fresh && old) {
            old.replaceWith(document.importNode(fresh, true));
          }
        });
        list = document.getElementById("alert-list");
      })
      .catch(function () {})
      .then(function () { busy = false; });
  }
  // a new alert that is not high or critical notifies no one: the list
  // also looks again every 15 seconds while it is in view
  if (list) {
    window.setInterval(function () {
      if (document.visibilityState === "visible") {
        refreshAlerts();
      }
    }, 15000);
  }
  source.addEventListener("notification", function (e) {
    var n = JSON.parse(e.data);
    setCount(n.unread_count);
    toast(n);
    if (list && n.url && n.url.indexOf("/alerts/") === 0) {
      refreshAlerts();
    }
  });
  window.addEventListener("pagehide", function () {
    source.close();
  });
})();
