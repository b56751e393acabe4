// live.js - live notifications for signed-in pages: keeps the unread
// badge current and shows a short toast for each new notification, from
// the Server-Sent Events stream at /events. Pages work fully without it;
// the browser reconnects by itself and sends Last-Event-ID, so nothing
// is missed; chat messages ("message" events) refresh the room on screen.
// Text is only ever set with textContent; lists are swapped in from the
// server's own pages (DOMParser and importNode), never built from strings.
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
  // Chat: a message for the room on screen (#chat-messages) fetches the
  // page again and swaps its list in (the server renders it, and reading
  // it marks it read); one for another room counts on the Chat badge and
  // shows a toast.
  var chatList = document.getElementById("chat-messages");
  var chatCount = document.getElementById("chat-unread");
  var chatBusy = false;
  function refreshChat() {
    if (chatBusy) {
      return;
    }
    chatBusy = true;
    fetch(window.location.pathname, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.getElementById("chat-messages");
        if (fresh && chatList) {
          chatList.replaceWith(document.importNode(fresh, true));
          chatList = document.getElementById("chat-messages");
          chatList.scrollTop = chatList.scrollHeight;
        }
      })
      .catch(function () {})
      .then(function () { chatBusy = false; });
  }
  if (chatList) {
    chatList.scrollTop = chatList.scrollHeight;
  }
  source.addEventListener("message", function (e) {
    var m = JSON.parse(e.data);
    var here = chatList && m.url.split("#")[0] === window.location.pathname;
    if (here) {
      refreshChat();
      return;
    }
    if (chatCount) {
      var n = parseInt(chatCount.textContent, 10) + 1;
      chatCount.textContent = String(n);
      document.getElementById("chat-badge").classList.remove("zero");
    }
    toast({ url: m.url, title: m.title + ": " + m.body });
  });
  window.addEventListener("pagehide", function () {
    source.close();
  });
})();
