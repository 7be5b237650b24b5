// Sparring chat: talks to /ws/practice/{id}. Without JavaScript (or while the socket is down)
// the same forms post to /practice/{id}/say and /practice/{id}/end; the server stores such a
// message after any reply still owed, or sends it back with the reason it was not stored.
(function () {
  "use strict";
  var chat = document.getElementById("chat");
  if (!chat || chat.dataset.ended === "true") return;

  var id = chat.dataset.session;
  var preview = chat.dataset.mode === "preview";
  var log = document.getElementById("chat-log");
  var live = document.getElementById("chat-live");
  var status = document.getElementById("chat-status");
  var form = document.getElementById("composer");
  var input = document.getElementById("chat-input");
  var send = document.getElementById("chat-send");
  var endForm = document.getElementById("chat-end-form");
  var customer = chat.querySelector("#chat-title").firstChild.textContent.trim();
  var socket = null;
  var busy = false;
  var ended = false;
  var retries = 0;
  var lastSent = "";

  function setStatus(text) { status.textContent = text; }

  function setBusy(value) {
    busy = value;
    send.disabled = value;
    input.setAttribute("aria-busy", value ? "true" : "false");
    setStatus(value ? customer + " is typing…" : "Your turn.");
  }

  function bubble(index, speaker) {
    var item = document.getElementById("turn-" + index);
    if (item) return item;
    item = document.createElement("li");
    item.className = "msg msg-" + speaker;
    item.id = "turn-" + index;
    item.dataset.index = index;
    var who = document.createElement("span");
    who.className = "msg-who";
    who.textContent = speaker === "customer" ? customer : "You";
    var text = document.createElement("p");
    text.className = "msg-text";
    item.appendChild(who);
    item.appendChild(text);
    log.appendChild(item);
    return item;
  }

  function show(index, speaker, text) {
    var item = bubble(index, speaker);
    item.querySelector(".msg-text").textContent = text;
    item.scrollIntoView({ block: "end" });
    return item;
  }

  function addMeta(item, message) {
    if (!preview || message.mood === undefined) return;
    var meta = item.querySelector(".msg-meta") || document.createElement("p");
    meta.className = "msg-meta";
    var markers = message.markers && message.markers.length ? " · reacted to " + message.markers.join(", ") : "";
    meta.textContent = "mood " + Number(message.mood).toFixed(1) + markers;
    item.appendChild(meta);
  }

  function onMessage(event) {
    var message = JSON.parse(event.data);
    if (message.type === "hello") {
      retries = 0;
      message.turns.forEach(function (turn) { show(turn.index, turn.speaker, turn.text); });
      var last = message.turns[message.turns.length - 1];
      setBusy(Boolean(last && last.speaker === "agent"));
    } else if (message.type === "agent") {
      show(message.index, "agent", message.text);
      setBusy(true);
    } else if (message.type === "chunk") {
      var item = bubble(message.index, "customer");
      item.classList.add("typing");
      var text = item.querySelector(".msg-text");
      text.textContent += message.text;
      item.scrollIntoView({ block: "end" });
    } else if (message.type === "turn") {
      var done = show(message.index, "customer", message.text);
      done.classList.remove("typing");
      addMeta(done, message);
      live.textContent = customer + ": " + message.text;
      setBusy(false);
      input.focus();
    } else if (message.type === "ended") {
      ended = true;
      send.disabled = true;
      setStatus("The conversation has ended (" + message.outcome + "). Opening the result…");
      window.setTimeout(function () { window.location.assign(message.url); }, 600);
    } else if (message.type === "error") {
      if (!input.value && lastSent) input.value = lastSent;
      setBusy(false);
      setStatus("Not sent: " + message.message);
      live.textContent = "Not sent: " + message.message;
    }
  }

  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + window.location.host + "/ws/practice/" + id);
    socket.addEventListener("message", onMessage);
    socket.addEventListener("close", function () {
      socket = null;
      if (ended) return;
      retries += 1;
      var wait = Math.min(10000, 500 * Math.pow(2, retries));
      setStatus("Connection lost; reconnecting…");
      send.disabled = false;
      window.setTimeout(connect, wait);
    });
  }

  function ready() { return socket && socket.readyState === WebSocket.OPEN; }

  form.addEventListener("submit", function (event) {
    if (!ready()) return; // the plain form posts instead
    event.preventDefault();
    if (busy) {
      // nothing typed is dropped: the message stays in the box until it is the agent's turn
      setStatus(customer + " is still answering; your message stays in the box — send it when it is your turn.");
      return;
    }
    var text = input.value.trim();
    if (!text) {
      setStatus("Type what you would say to " + customer + " first.");
      input.focus();
      return;
    }
    lastSent = text;
    socket.send(JSON.stringify({ type: "say", text: text }));
    input.value = "";
    setBusy(true);
  });

  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });

  endForm.addEventListener("submit", function (event) {
    if (!ready()) return;
    event.preventDefault();
    socket.send(JSON.stringify({ type: "end" }));
    setStatus("Ending the conversation…");
  });

  connect();
})();
