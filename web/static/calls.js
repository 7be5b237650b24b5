// Real-call page: every link with data-seek plays the recording from that second and
// highlights the quoted turn.
(function () {
  "use strict";
  var audio = document.getElementById("call-audio");
  if (!audio) return;
  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-seek]");
    if (!link) return;
    var at = parseFloat(link.getAttribute("data-seek"));
    if (isNaN(at)) return;
    audio.currentTime = Math.max(0, at);
    var playing = audio.play();
    if (playing && playing.catch) playing.catch(function () {});
  });
})();
