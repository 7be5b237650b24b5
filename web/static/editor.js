// The scenario editor: line numbers that follow the text, problem links that move the cursor to
// their line, Ctrl+S to save the draft, and a warning before leaving with unsaved changes.
// Without this file the editor still works: the gutter and the line anchors are server-rendered.
(function () {
  "use strict";
  var area = document.getElementById("yaml-text");
  var gutter = document.getElementById("editor-gutter");
  var form = document.getElementById("editor-form");
  if (!area || !gutter || !form) return;
  var position = document.getElementById("cursor-pos");
  var bad = {};
  (gutter.getAttribute("data-bad-lines") || "").split(" ").forEach(function (n) {
    if (n) bad[n] = true;
  });
  var dirty = false;
  var current = null;

  function lines() { return area.value.split("\n"); }

  function renderGutter() {
    var count = lines().length;
    while (gutter.childElementCount < count) {
      var n = gutter.childElementCount + 1;
      var mark = document.createElement("span");
      mark.id = "line-" + n;
      mark.textContent = String(n);
      if (bad[n]) mark.className = "bad";
      gutter.appendChild(mark);
    }
    while (gutter.childElementCount > count) gutter.removeChild(gutter.lastChild);
    area.rows = count + 1;
  }

  function lineAt(offset) { return area.value.slice(0, offset).split("\n").length; }

  function showPosition() {
    var offset = area.selectionStart;
    var line = lineAt(offset);
    var column = offset - area.value.lastIndexOf("\n", offset - 1);
    if (position) {
      position.hidden = false;
      position.textContent = "Line " + line + ", column " + column;
    }
    if (current) current.classList.remove("current");
    current = document.getElementById("line-" + line);
    if (current) current.classList.add("current");
  }

  function goToLine(number) {
    var all = lines();
    var n = Math.max(1, Math.min(number, all.length));
    var start = 0;
    for (var i = 0; i < n - 1; i++) start += all[i].length + 1;
    area.focus({ preventScroll: true });
    area.setSelectionRange(start, start + all[n - 1].length);
    var mark = document.getElementById("line-" + n);
    if (mark) mark.scrollIntoView({ block: "center" });
    showPosition();
  }

  document.querySelectorAll("a.goto-line").forEach(function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      var n = parseInt(link.getAttribute("data-line"), 10);
      goToLine(n);
      if (history.replaceState) history.replaceState(null, "", "#line-" + n);
    });
  });

  area.addEventListener("input", function () { dirty = true; renderGutter(); showPosition(); });
  ["click", "keyup", "focus"].forEach(function (name) { area.addEventListener(name, showPosition); });
  area.addEventListener("keydown", function (event) {
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "s") {
      event.preventDefault();
      var save = document.getElementById("save-draft");
      if (form.requestSubmit) form.requestSubmit(save); else save.click();
    }
  });
  form.addEventListener("submit", function () { dirty = false; });
  window.addEventListener("beforeunload", function (event) {
    if (!dirty) return undefined;
    event.preventDefault();
    event.returnValue = "";
    return "";
  });

  renderGutter();
  var hash = /^#line-(\d+)$/.exec(window.location.hash);
  if (hash) goToLine(parseInt(hash[1], 10));
})();
