// Keyboard navigation between findings: j/n next, k/p previous. Without JS the page still
// works (anchors, <details>); this only enhances it.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  var findings = Array.prototype.slice.call(document.querySelectorAll(".finding"));
  var current = -1;
  function openAround(el) {
    for (var p = el.parentElement; p; p = p.parentElement) {
      if (p.tagName === "DETAILS") p.open = true;
    }
  }
  function go(i) {
    if (!findings.length) return;
    if (current >= 0) findings[current].classList.remove("current");
    current = (i + findings.length) % findings.length;
    var el = findings[current];
    openAround(el);
    el.classList.add("current");
    el.focus({ preventScroll: true });
    el.scrollIntoView({ block: "center" });
    if (history.replaceState) history.replaceState(null, "", "#" + el.id);
  }
  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    var t = e.target && e.target.tagName;
    if (t === "INPUT" || t === "TEXTAREA") return;
    if (e.key === "j" || e.key === "n") { go(current + 1); e.preventDefault(); }
    else if (e.key === "k" || e.key === "p") { go(current < 0 ? findings.length - 1 : current - 1); e.preventDefault(); }
  });
  var keys = document.getElementById("keys");
  if (keys) keys.setAttribute("data-findings", String(findings.length));
  document.body.setAttribute("data-nav-ready", "true");
})();
