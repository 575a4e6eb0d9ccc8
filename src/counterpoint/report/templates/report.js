/* counterpoint report: hover/focus notes, linked highlighting, filters, keyboard jumps.
   Reads only data-* attributes and server-escaped nodes; never builds HTML from strings. */
(function () {
  "use strict";

  function units(el) {
    var v = el && el.getAttribute("data-units");
    return v ? v.split(" ") : [];
  }

  function init(root) {
    if (!root || root.getAttribute("data-cp-ready")) { return; }
    root.setAttribute("data-cp-ready", "1");
    var tip = root.querySelector(".cp-tip");
    var lit = [];
    var badges = {};
    var segsOf = {};  // unit id -> its text segments, indexed once so hovering stays fast on long articles
    root.querySelectorAll(".badge[data-unit]").forEach(function (b) { badges[b.getAttribute("data-unit")] = b; });
    root.querySelectorAll(".seg[data-units]").forEach(function (seg) {
      units(seg).forEach(function (u) { (segsOf[u] = segsOf[u] || []).push(seg); });
    });

    function partnersOf(uid) {
      var b = badges[uid];
      var p = b ? b.getAttribute("data-partners") : "";
      return p ? p.split(" ") : [];
    }

    var lines = root.querySelector(".cp-lines");
    var SVGNS = "http://www.w3.org/2000/svg";
    var last = null;

    function visible(el) { return el && el.offsetParent !== null; }

    // Join a label to its counterparts with a curve across the columns.
    function connect(uids) {
      if (!lines) { return; }
      uids.forEach(function (u) {
        var from = badges[u];
        if (!visible(from)) { return; }
        var rels = (from.getAttribute("data-rels") || "").split(" ");
        partnersOf(u).forEach(function (p, k) {
          var to = badges[p];
          if (!visible(to)) { return; }
          // Column edge to column edge, at the heights of the two labels, so no text is crossed.
          var a = from.getBoundingClientRect(), b = to.getBoundingClientRect();
          var ca = from.closest(".cp-art").getBoundingClientRect(), cb = to.closest(".cp-art").getBoundingClientRect();
          var ltr = ca.left <= cb.left;
          var x1 = ltr ? ca.right : ca.left, x2 = ltr ? cb.left : cb.right;
          var y1 = a.top + a.height / 2, y2 = b.top + b.height / 2, dx = (x2 - x1) / 2;
          [[x1, y1], [x2, y2]].forEach(function (pt) {
            var dot = document.createElementNS(SVGNS, "circle");
            dot.setAttribute("cx", pt[0]); dot.setAttribute("cy", pt[1]); dot.setAttribute("r", "4");
            lines.appendChild(dot);
          });
          var path = document.createElementNS(SVGNS, "path");
          path.setAttribute("d", "M" + x1 + "," + y1 + " C" + (x1 + dx) + "," + y1 + " " + (x2 - dx) + "," + y2 + " " + x2 + "," + y2);
          path.setAttribute("class", "rel-" + (rels[k] || "shared"));
          lines.appendChild(path);
        });
      });
    }

    function clear() {
      last = null;
      if (lines) { lines.textContent = ""; }
      lit.forEach(function (el) { el.classList.remove("hl"); });
      lit = [];
      if (tip) { tip.hidden = true; tip.textContent = ""; }
    }

    function light(uids) {
      var all = {};
      uids.forEach(function (u) { all[u] = 1; partnersOf(u).forEach(function (p) { all[p] = 1; }); });
      Object.keys(all).forEach(function (u) {
        (segsOf[u] || []).forEach(function (seg) { seg.classList.add("hl"); lit.push(seg); });
      });
    }

    function show(uids, anchor) {
      clear();
      if (!uids.length) { return; }
      last = [uids, anchor];
      light(uids);
      connect(uids);
      if (!tip) { return; }
      uids.forEach(function (u) {
        var src = root.querySelector("[id='" + u + "-why']");
        if (src) { tip.appendChild(src.cloneNode(true)).removeAttribute("id"); }
      });
      tip.hidden = false;
      var r = anchor.getBoundingClientRect();
      var w = tip.offsetWidth, h = tip.offsetHeight;
      var x = Math.max(8, Math.min(r.left, window.innerWidth - w - 8));
      var y = r.bottom + 6;
      if (y + h > window.innerHeight - 8) { y = Math.max(8, r.top - h - 6); }
      tip.style.left = x + "px";
      tip.style.top = y + "px";
    }

    root.addEventListener("mouseover", function (ev) {
      var t = ev.target.closest ? ev.target.closest(".seg[data-units], .badge[data-unit]") : null;
      if (!t) { return; }
      show(t.classList.contains("badge") ? [t.getAttribute("data-unit")] : units(t), t);
    });
    root.addEventListener("mouseout", function (ev) {
      var to = ev.relatedTarget;
      if (to && to.closest && to.closest(".seg[data-units], .badge[data-unit]")) { return; }
      if (document.activeElement && document.activeElement.classList.contains("badge")) { return; }
      clear();
    });
    root.addEventListener("focusin", function (ev) {
      var b = ev.target;
      if (b.classList && b.classList.contains("badge") && b.hasAttribute("data-unit")) { show([b.getAttribute("data-unit")], b); }
    });
    root.addEventListener("focusout", function () { clear(); });
    // Arrow keys (or j/k) step through the labels of one article; Escape closes the note.
    root.addEventListener("keydown", function (ev) {
      if (ev.key === "Escape") { clear(); return; }
      var b = ev.target;
      if (!(b.classList && b.classList.contains("badge") && b.hasAttribute("data-unit"))) { return; }
      var step = { ArrowDown: 1, j: 1, ArrowUp: -1, k: -1 }[ev.key];
      if (!step) { return; }
      var list = Array.prototype.filter.call(b.closest(".cp-text").querySelectorAll(".badge[data-unit]"), visible);
      var next = list[list.indexOf(b) + step];
      if (next) { ev.preventDefault(); next.focus(); }
    });
    function follow() {
      if (!last) { return; }
      if (root.contains(document.activeElement) && document.activeElement.classList.contains("badge")) { show(last[0], last[1]); } else { clear(); }
    }
    window.addEventListener("scroll", follow, { passive: true });
    window.addEventListener("resize", follow);
    root.querySelectorAll(".cp-cols").forEach(function (c) { c.addEventListener("scroll", follow, { passive: true }); });

    // Enter or click on a label: jump to the counterpart, cycling through several.
    root.addEventListener("click", function (ev) {
      var b = ev.target.closest ? ev.target.closest(".badge[data-unit]") : null;
      if (!b) { return; }
      var ps = partnersOf(b.getAttribute("data-unit")).filter(function (p) { return badges[p]; });
      if (!ps.length) { return; }
      var k = (parseInt(b.getAttribute("data-next") || "0", 10)) % ps.length;
      b.setAttribute("data-next", String(k + 1));
      var target = badges[ps[k]];
      target.focus({ preventScroll: true });
      target.scrollIntoView({ block: "center", behavior: "smooth" });
    });

    root.querySelectorAll("input[data-cp-filter]").forEach(function (box) {
      box.addEventListener("change", function () {
        root.classList.toggle("hide-" + box.getAttribute("data-cp-filter"), !box.checked);
      });
    });
    root.querySelectorAll("input[data-cp-layer]").forEach(function (box) {
      box.addEventListener("change", function () {
        root.classList.toggle("show-" + box.getAttribute("data-cp-layer"), box.checked);
      });
    });
    root.querySelectorAll(".ent-btn[data-ent]").forEach(function (btn) {
      btn.addEventListener("click", function () {
        var id = btn.getAttribute("data-ent");
        var on = btn.getAttribute("aria-pressed") !== "true";
        btn.setAttribute("aria-pressed", on ? "true" : "false");
        var first = null;
        root.querySelectorAll(".seg[data-ents]").forEach(function (seg) {
          if (seg.getAttribute("data-ents").split(" ").indexOf(id) >= 0) {
            seg.classList.toggle("ent-on", on);
            if (on && !first) { first = seg; }
          }
        });
        if (first) { first.scrollIntoView({ block: "center", behavior: "smooth" }); }
      });
    });
  }

  function initAll() { document.querySelectorAll("[data-cp-report]").forEach(init); }
  window.CounterpointReport = { init: init, initAll: initAll };
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", initAll); } else { initAll(); }
})();
