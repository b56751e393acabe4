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
  source.addEventListener("notification", function (e) {
    var n = JSON.parse(e.data);
    setCount(n.unread_count);
    toast(n);
  });
  window.addEventListener("pagehide", function () {
    source.close();
  });
})();
