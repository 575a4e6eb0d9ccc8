/* counterpoint web page: article cards, file reading, job submission with progress, result.
   Builds DOM with textContent and cloned templates only; the report markup comes from the
   server, where every piece of article text was escaped. */
(function () {
  "use strict";
  var MAX_FILE = 2 * 1024 * 1024;
  var STAGE_NAMES = {
    "queued": "waiting for a free worker", "reading articles": "reading articles",
    "segment": "splitting sentences", "entities": "finding people and places", "claims": "extracting claims",
    "times": "resolving dates", "align": "aligning facts", "conflicts": "checking conflicts",
    "quotes": "attributing quotes", "framing": "reading framing", "saving": "saving"
  };
  var form, cards, tmpl, maxCards, statusBox, statusText, stagesList, errorBox, result;

  function $(id) { return document.getElementById(id); }

  function renumber() {
    var all = cards.querySelectorAll(".card");
    all.forEach(function (card, k) {
      card.querySelector(".card-title").textContent = "Article " + (k + 1);
      card.querySelector(".remove").disabled = all.length <= 2;
    });
    $("add-card").disabled = all.length >= maxCards;
  }

  function addCard() {
    if (cards.querySelectorAll(".card").length >= maxCards) { return null; }
    var card = tmpl.content.firstElementChild.cloneNode(true);
    card.querySelector(".remove").addEventListener("click", function () { card.remove(); renumber(); });
    card.querySelector("input[name=file]").addEventListener("change", function (ev) {
      if (ev.target.files.length) { readInto(card, ev.target.files[0]); }
    });
    card.querySelector("textarea[name=text]").addEventListener("input", function () {
      card.querySelector("input[name=filename]").value = "";  // typed text is plain text, not the file's format
    });
    cards.appendChild(card);
    renumber();
    return card;
  }

  function readInto(card, file) {
    if (file.size > MAX_FILE) { showError(file.name + ": over the 2 MiB limit"); return Promise.resolve(); }
    card.querySelector("input[name=filename]").value = file.name;  // claims the card at once
    card.querySelector("input[name=url]").value = "";
    return file.text().then(function (text) {
      card.querySelector("textarea[name=text]").value = text;
    });
  }

  function loadMany(files) {
    var list = Array.prototype.slice.call(files);
    list.forEach(function (file) {
      var empty = Array.prototype.find.call(cards.querySelectorAll(".card"), function (c) {
        return !c.querySelector("textarea").value.trim() && !c.querySelector("input[name=url]").value.trim() &&
          !c.querySelector("input[name=filename]").value;
      });
      var card = empty || addCard();
      if (card) { readInto(card, file); } else { showError("at most " + maxCards + " articles"); }
    });
  }

  function collect() {
    var out = [];
    cards.querySelectorAll(".card").forEach(function (card, k) {
      var get = function (sel) { return card.querySelector(sel).value.trim(); };
      var item = {};
      var url = get("input[name=url]"), text = card.querySelector("textarea[name=text]").value;
      if (url) { item.url = url; } else if (text.trim()) { item.text = text; } else {
        throw new Error("Article " + (k + 1) + " is empty: paste its text, choose a file or give a URL.");
      }
      if (get("input[name=filename]") && item.text) { item.filename = get("input[name=filename]"); }
      if (get("input[name=outlet]")) { item.outlet = get("input[name=outlet]"); }
      if (get("input[name=published]")) { item.published = get("input[name=published]"); }
      out.push(item);
    });
    return out;
  }

  function showError(msg) {
    errorBox.textContent = msg;
    errorBox.hidden = !msg;
  }

  function setBusy(on) {
    form.setAttribute("aria-busy", on ? "true" : "false");
    $("submit").disabled = on;
    statusBox.hidden = !on;
    document.body.classList.toggle("busy", on);
  }

  function markStage(stage, elapsed) {
    statusText.textContent = (STAGE_NAMES[stage] || stage) + "… " + elapsed.toFixed(0) + " s";
    var items = stagesList.querySelectorAll("li");
    var last = items[items.length - 1];
    if (!last || last.getAttribute("data-stage") !== stage) {
      if (last) { last.className = "done"; last.firstChild.textContent = "✓ "; }
      var li = document.createElement("li");
      li.setAttribute("data-stage", stage);
      li.className = "current";
      li.appendChild(document.createTextNode("… "));
      li.appendChild(document.createTextNode(STAGE_NAMES[stage] || stage));
      stagesList.appendChild(li);
    }
  }

  function json(resp) {
    return resp.json().catch(function () { return { error: "HTTP " + resp.status }; }).then(function (body) {
      if (!resp.ok) { throw new Error(body.error || ("HTTP " + resp.status)); }
      return body;
    });
  }

  function poll(job) {
    return fetch("/api/jobs/" + encodeURIComponent(job), { headers: { "Accept": "application/json" } }).then(json).then(function (st) {
      if (st.status === "running") {
        markStage(st.stage, st.elapsed);
        return new Promise(function (res) { setTimeout(res, 400); }).then(function () { return poll(job); });
      }
      if (st.status === "error") { throw new Error(st.error); }
      return st.id;
    });
  }

  function show(cid) {
    return fetch("/c/" + encodeURIComponent(cid) + "/fragment").then(function (resp) {
      if (!resp.ok) { throw new Error("could not load the report (HTTP " + resp.status + ")"); }
      return resp.text();
    }).then(function (markup) {
      result.innerHTML = markup;  // server-rendered, autoescaped report markup
      var root = result.querySelector("[data-cp-report]");
      if (root && window.CounterpointReport) { window.CounterpointReport.init(root); }
      var base = "/c/" + encodeURIComponent(cid);
      $("permalink-link").href = base; $("permalink-link").textContent = base;
      $("json-link").href = "/api/comparisons/" + encodeURIComponent(cid);
      $("download-link").href = base + "/report.html";
      $("permalink").hidden = false;
      $("compare-panel").open = false;
      if (window.history && history.pushState) { history.pushState({ cid: cid }, "", base); }
      var h = result.querySelector("h1");
      if (h) { h.setAttribute("tabindex", "-1"); h.focus(); }
    });
  }

  function submit(ev) {
    ev.preventDefault();
    showError("");
    var articles;
    try { articles = collect(); } catch (e) { showError(e.message); return; }
    stagesList.textContent = "";
    setBusy(true);
    markStage("queued", 0);
    fetch("/api/jobs", {
      method: "POST", headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify({ articles: articles })
    }).then(json).then(function (st) { return poll(st.job); }).then(show).catch(function (e) {
      showError("Could not compare: " + e.message);
    }).then(function () { setBusy(false); });
  }

  function start() {
    form = $("compare-form");
    if (!form) { return; }
    cards = $("cards"); tmpl = $("card-template");
    statusBox = $("status"); statusText = $("status-text"); stagesList = $("stages");
    errorBox = $("error"); result = $("result");
    maxCards = parseInt(form.getAttribute("data-max") || "8", 10);
    addCard(); addCard();
    $("add-card").addEventListener("click", function () { var c = addCard(); if (c) { c.querySelector("input[name=outlet]").focus(); } });
    $("multi-files").addEventListener("change", function (ev) { loadMany(ev.target.files); ev.target.value = ""; });
    form.addEventListener("submit", submit);
    window.addEventListener("popstate", function () { window.location.reload(); });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
