// The facilitator's console: every team live, the actions on one team or all. textContent only.
"use strict";
(function () {
  const W = JSON.parse(document.getElementById("words").innerHTML);
  const secret = location.pathname.split("/")[2];
  const $ = (id) => document.getElementById(id);
  let socket = null, retry = 500;

  function el(tag, attrs, ...kids) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") node.className = v; else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v);
    }
    for (const kid of kids) node.append(kid && kid.nodeType ? kid : document.createTextNode(kid == null ? "" : String(kid)));
    return node;
  }
  function clock(t) { const m = Math.floor(t / 60), s = t % 60; return m + ":" + String(s).padStart(2, "0"); }
  function send(msg) { if (socket && socket.readyState === 1) socket.send(JSON.stringify(msg)); }
  const button = (label, msg) => el("button", {type: "button", onclick: () => send(msg)}, label);

  document.querySelectorAll("button[data-act]").forEach((b) => b.addEventListener("click", () => {
    const msg = {type: b.dataset.act, team: b.dataset.team};
    if (msg.type === "speed") msg.speed = Number($("speed-all").value);
    send(msg);
  }));

  function teamCard(t, i) {
    const card = el("article", {class: "teamcard", "aria-labelledby": "t" + i});
    const state = !t.started ? W.waiting : t.ended ? W.ended : t.paused ? W.paused : clock(t.t);
    card.append(el("h3", {id: "t" + i}, t.team + " · " + state));
    if (!t.started) { card.append(button(W.start, {type: "start", team: t.team})); return card; }
    const facts = el("dl", {});
    const fact = (k, v) => { facts.append(el("dt", {}, k)); facts.append(el("dd", {}, v)); };
    for (const [k, v] of Object.entries(t.metrics)) fact(k, v);
    fact(W.decided, t.decided); fact(W.missed, t.missed); fact(W.flagged, t.flagged);
    fact(W.open, t.open.join(", ") || "—");
    if (t.score !== null) fact(W.score, t.score);
    card.append(facts);
    if (!t.ended) {
      const acts = el("div", {class: "actions"});
      acts.append(button(t.paused ? W.resume : W.pause, {type: t.paused ? "resume" : "pause", team: t.team}));
      const speed = el("input", {type: "number", min: "0.1", max: "1000", step: "any", value: String(t.speed), "aria-label": W.speed + " · " + t.team});
      acts.append(speed, el("button", {type: "button", onclick: () => send({type: "speed", team: t.team, speed: Number(speed.value)})}, W.speed));
      if (t.optional.length) {
        const pick = el("select", {"aria-label": W.fire + " · " + t.team}, ...t.optional.map((o) => el("option", {value: o.id}, o.title)));
        acts.append(pick, el("button", {type: "button", onclick: () => send({type: "fire", team: t.team, item: pick.value})}, W.fire));
      }
      acts.append(button(W.end, {type: "end", team: t.team}));
      card.append(acts);
    }
    const note = el("input", {type: "text", maxlength: "2000", "aria-label": W.note + " · " + t.team});
    card.append(el("form", {class: "note", onsubmit: (e) => { e.preventDefault(); send({type: "note", team: t.team, text: note.value}); note.value = ""; }}, note, el("button", {type: "submit"}, W.note)));
    if (t.notes.length) card.append(el("h4", {}, W.notes), el("ul", {}, ...t.notes.map((n) => el("li", {}, clock(n.t) + " " + n.text))));
    if (t.inputs.length) card.append(el("h4", {}, W.inputs), el("ul", {}, ...t.inputs.map((n) => el("li", {}, clock(n.t) + " " + n.by + ": " + n.what + (n.action ? " → " + n.action : "")))));
    return card;
  }

  function draw(v) {
    const focused = document.activeElement && document.activeElement.closest("#teams") ? document.activeElement.getAttribute("aria-label") : null;
    $("teams").replaceChildren(...v.teams.map(teamCard));
    if (focused) { const back = document.querySelector(`#teams [aria-label="${CSS.escape(focused)}"]`); if (back) back.focus(); }
    $("ranking").replaceChildren(...v.ranking.map((r) => el("li", {}, (r.rank ? "#" + r.rank + " " : "") + r.team + " · " + (r.score === null ? W.unranked : r.score.toFixed(1)))));
  }

  function connect() {
    socket = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws/console/" + secret);
    socket.onmessage = (e) => {
      const msg = JSON.parse(e.data);
      if (msg.type === "view") { draw(msg.view); } else if (msg.type === "refused") $("refused").textContent = msg.reason;
    };
    socket.onclose = (e) => { if (e.code !== 4404) { setTimeout(connect, retry); retry = Math.min(retry * 2, 5000); } };
  }
  connect();
})();
