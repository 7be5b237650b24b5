// Sparring voice practice: talks to /ws/practice/{id}/voice (protocol in server/voice/protocol.py).
// The microphone is captured by an AudioWorklet (voice-worklet.js) as 16 kHz mono PCM and sent in
// 20 ms frames; the customer's voice arrives as 16 kHz PCM and is scheduled back to back so it
// plays without gaps; captions of both sides grow as they are spoken. Without a microphone the
// same page works by typing (the forms also post without JavaScript).
(function () {
  "use strict";
  const root = document.getElementById("voice");
  if (!root || root.dataset.ended === "true") return;
  const id = root.dataset.session;
  const customer = root.dataset.customer;
  const status = document.getElementById("voice-status");
  const notice = document.getElementById("voice-notice");
  const log = document.getElementById("chat-log");
  const startButton = document.getElementById("voice-start");
  const muteButton = document.getElementById("voice-mute");
  const pttMode = document.getElementById("voice-ptt-mode");
  const pttButton = document.getElementById("voice-ptt");
  const meter = document.getElementById("voice-meter");
  const typeForm = document.getElementById("voice-type");
  const input = document.getElementById("voice-input");
  const endForm = document.getElementById("voice-end-form");
  const textUrl = "/practice/" + id;

  let socket = null;
  let context = null;
  let output = null; // where the customer's voice goes: an <audio> element (see start())
  let capture = null;
  let muted = false;
  let pushToTalk = false;
  let talking = false;
  let playHead = 0;
  let sources = [];
  let ended = false;
  let retries = 0;

  function setStatus(text) { status.textContent = text; }

  function showNotice(text, offerText) {
    notice.textContent = text + " ";
    if (offerText) {
      const link = document.createElement("a");
      link.href = textUrl;
      link.textContent = "Continue in the text chat";
      notice.appendChild(link);
      const or = document.createTextNode(" or type below.");
      notice.appendChild(or);
    }
    notice.hidden = false;
  }

  function item(index, speaker) {
    const key = index === null || index === undefined ? "turn-pending" : "turn-" + index;
    let li = document.getElementById(key);
    if (!li) {
      li = document.createElement("li");
      li.id = key;
      li.className = "msg msg-" + speaker;
      const who = document.createElement("span");
      who.className = "msg-who";
      who.textContent = speaker === "customer" ? customer : "You";
      const text = document.createElement("p");
      text.className = "msg-text";
      li.append(who, text);
      log.appendChild(li);
    }
    if (index !== null && index !== undefined) li.dataset.index = index;
    return li;
  }

  function caption(message) {
    if (message.speaker === "agent" && message.final) {
      const pending = document.getElementById("turn-pending");
      if (pending) pending.remove();
    }
    const li = item(message.index, message.speaker);
    li.querySelector(".msg-text").textContent = message.text;
    li.classList.toggle("speaking", !message.final);
    if (message.truncated && !li.querySelector(".msg-cut")) {
      const cut = document.createElement("p");
      cut.className = "msg-cut";
      cut.textContent = "(you cut in here)";
      li.appendChild(cut);
    }
    li.scrollIntoView({ block: "nearest" });
    if (message.speaker === "customer") {
      setStatus(message.final ? "Your turn: speak when ready." : customer + " is speaking…");
    }
  }

  function renderTurns(turns) {
    log.textContent = "";
    for (const turn of turns) caption({ ...turn, final: true });
  }

  function play(buffer) {
    if (!context) return;
    const pcm = new Int16Array(buffer);
    const samples = new Float32Array(pcm.length);
    for (let i = 0; i < pcm.length; i++) samples[i] = pcm[i] / 32768;
    const audio = context.createBuffer(1, samples.length, 16000);
    audio.copyToChannel(samples, 0);
    const source = context.createBufferSource();
    source.buffer = audio;
    source.connect(output);
    const at = Math.max(context.currentTime + 0.05, playHead);
    source.start(at);
    playHead = at + audio.duration;
    sources.push(source);
    source.onended = () => { sources = sources.filter((s) => s !== source); };
  }

  function stopPlayback() {
    for (const source of sources) {
      try { source.stop(); } catch (e) { /* already stopped */ }
    }
    sources = [];
    playHead = 0;
  }

  function updateGate() {
    const open = !muted && (!pushToTalk || talking);
    if (capture) capture.port.postMessage({ open: open });
  }

  function micError(error) {
    const name = error && error.name;
    let text;
    if (name === "NotAllowedError" || name === "SecurityError") {
      text = "The microphone was not allowed. Allow it for this site (the icon at the left of " +
        "the address bar), then press Start talking again.";
    } else if (name === "NotFoundError" || name === "OverconstrainedError") {
      text = "No microphone was found. Plug one in and press Start talking again.";
    } else if (name === "NotReadableError" || name === "AbortError") {
      text = "The microphone is busy or failed (another application may be using it). Close " +
        "it and press Start talking again.";
    } else if (!navigator.mediaDevices || !window.AudioWorkletNode) {
      text = "This browser cannot record audio here (it needs a secure https:// page and a " +
        "current browser).";
    } else {
      text = "The microphone could not be started (" + (error && error.message) + ").";
    }
    showNotice(text, true);
    startButton.disabled = false;
    setStatus("Voice is not running.");
  }

  async function start() {
    startButton.disabled = true;
    notice.hidden = true;
    let stream;
    try {
      if (!navigator.mediaDevices || !window.AudioWorkletNode) throw new Error("unsupported");
      stream = await navigator.mediaDevices.getUserMedia({
        audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true,
                 channelCount: 1 },
      });
    } catch (error) {
      micError(error);
      return;
    }
    try {
      context = new AudioContext();
      // The customer's voice plays through an <audio> element fed by the audio graph rather
      // than straight to the speakers: Chromium's echo canceller takes media elements as its
      // reference, so the customer heard from the speakers does not come back through the
      // microphone and barge in on itself.
      output = context.createMediaStreamDestination();
      const speaker = new Audio();
      speaker.srcObject = output.stream;
      speaker.play().catch(() => { output = context.destination; });
      await context.audioWorklet.addModule("/static/voice-worklet.js");
      const source = context.createMediaStreamSource(stream);
      capture = new AudioWorkletNode(context, "sparring-capture");
      source.connect(capture);
      capture.port.onmessage = (event) => {
        if (socket && socket.readyState === WebSocket.OPEN) socket.send(event.data.pcm);
        meter.style.width = Math.min(100, Math.round(event.data.peak * 160)) + "%";
      };
      await context.resume();
    } catch (error) {
      micError(error);
      return;
    }
    muteButton.disabled = false;
    pttButton.disabled = false;
    updateGate();
    connect();
  }

  function connect() {
    const scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + window.location.host + "/ws/practice/" + id + "/voice");
    socket.binaryType = "arraybuffer";
    setStatus("Connecting…");
    socket.onopen = () => { retries = 0; };
    socket.onmessage = (event) => {
      if (event.data instanceof ArrayBuffer) { play(event.data); return; }
      const message = JSON.parse(event.data);
      if (message.type === "hello") {
        renderTurns(message.turns);
        setStatus("Connected. " + customer + " speaks first; then it is your turn.");
      } else if (message.type === "caption") {
        caption(message);
      } else if (message.type === "interrupt") {
        stopPlayback();
      } else if (message.type === "notice") {
        showNotice(message.message, message.kind !== "not_heard");
        if (message.kind === "stt_failed") input.focus();
      } else if (message.type === "error") {
        showNotice(message.message, false);
      } else if (message.type === "ended") {
        ended = true;
        setStatus("Conversation ended; opening your scorecard…");
        window.location.href = message.url;
      }
    };
    socket.onclose = (event) => {
      stopPlayback();
      if (ended) return;
      if (event.code === 1008) {
        showNotice("This voice session was refused: " + (event.reason || "sign in again") + ".", true);
        return;
      }
      retries += 1;
      setStatus("Connection lost; reconnecting (your turns are saved)…");
      window.setTimeout(connect, Math.min(500 * retries, 5000));
    };
  }

  startButton.addEventListener("click", start);
  muteButton.addEventListener("click", () => {
    muted = !muted;
    muteButton.setAttribute("aria-pressed", String(muted));
    muteButton.textContent = muted ? "Unmute" : "Mute";
    updateGate();
  });
  pttMode.addEventListener("change", () => {
    pushToTalk = pttMode.checked;
    pttButton.hidden = !pushToTalk;
    updateGate();
  });
  function hold(on) { talking = on; pttButton.classList.toggle("primary", on); updateGate(); }
  pttButton.addEventListener("pointerdown", () => hold(true));
  pttButton.addEventListener("pointerup", () => hold(false));
  pttButton.addEventListener("pointerleave", () => hold(false));
  document.addEventListener("keydown", (event) => {
    if (pushToTalk && event.code === "Space" && event.target !== input && !event.repeat) {
      event.preventDefault();
      hold(true);
    }
  });
  document.addEventListener("keyup", (event) => {
    if (pushToTalk && event.code === "Space" && event.target !== input) hold(false);
  });
  typeForm.addEventListener("submit", (event) => {
    if (!socket || socket.readyState !== WebSocket.OPEN) return; // the plain form posts instead
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    socket.send(JSON.stringify({ type: "say", text: text }));
    input.value = "";
    notice.hidden = true;
  });
  endForm.addEventListener("submit", (event) => {
    if (!socket || socket.readyState !== WebSocket.OPEN) return;
    event.preventDefault();
    socket.send(JSON.stringify({ type: "end" }));
    setStatus("Ending the conversation…");
  });
})();
