// The facilitator's console: every team live, the actions on one team or all. Text only.
"use strict";
(function () {
  const W = JSON.parse(document.getElementById("words").innerHTML);
  const secret = location.pathname.split("/")[2];
  const $ = (id) => document.getElementById(id);
  const {el, fill} = Common;
  // The page's language goes with the socket (as the team page's does): the view's dates, gauges' names
  // and reasons are worded in it, whatever the browser sends with a WebSocket.
  const lang = document.documentElement.lang;
  const one = (x) => Number(x).toLocaleString(lang, {minimumFractionDigits: 1, maximumFractionDigits: 1});  // 33,8 in French
  const host = Common.connect("/ws/console/" + secret + "?lang=" + lang, {
    // A refusal stays beside its control until the next action: the views pushed several times a second redraw it there.
    message(msg) { if (msg.type === "view") { draw(msg.view); refusal.place(); } else if (msg.type === "refused") refusal.refused(msg.reason); },
    tooBig() { refusal.refused(W.too_big); },
  });
  const refusal = Common.refusals($("refused"), $("live-assertive"));
  // control: the button, field or form the action came from, where a refusal will show.
  const send = (msg, control) => { refusal.asked(control || null); return host.send(msg); };
  // A correction of a written answer is signed with the name typed at the top (none: "the facilitator").
  const signed = (msg) => { const by = $("by").value.trim(); if (by) msg.by = by; return msg; };
  let names = {}, strategies = {};
  // Every control of a team card has a data-key (action + team), so a push keeps focus and typing.
  const key = (what, t) => what + " " + t.team;
  const button = (label, msg, t) => el("button", {type: "button", "data-key": key(msg.type, t), onclick: (e) => send(msg, e.currentTarget)}, label);

  document.querySelectorAll("button[data-act]").forEach((b) => b.addEventListener("click", () => {
    const msg = {type: b.dataset.act, team: b.dataset.team};
    if (msg.type === "speed") msg.speed = Number($("speed-all").value);
    send(msg, b);
  }));

  function teamCard(t, i) {
    const card = el("article", {class: "teamcard", "aria-labelledby": "t" + i});
    const state = !t.started ? W.waiting : t.ended ? W.ended : (t.date ? t.clock + " · " + t.date : t.clock) + (t.paused ? " · " + W.paused : "");
    card.append(el("h3", {id: "t" + i}, t.team + " · " + state));
    if (!t.started) { card.append(button(W.start, {type: "start", team: t.team}, t)); return card; }
    const facts = el("dl", {});
    const fact = (k, v) => { facts.append(el("dt", {}, k)); facts.append(el("dd", {}, v)); };
    for (const [k, v] of Object.entries(t.metrics)) fact(names[k] || k, v);
    fact(W.decided, t.decided); fact(W.missed, t.missed); fact(W.flagged, t.flagged); fact(W.made, t.inputs_total);
    fact(W.open, t.open.join(", ") || "—");
    fact(W.noise, t.noise === 0 ? W.calm : t.noise > 1 ? W.storm : W.normal);
    if (t.score !== null) fact(W.score, one(t.score));
    else fact(W.so_far, one(t.so_far));
    card.append(facts);
    if (!t.ended) {
      const acts = el("div", {class: "actions"});
      acts.append(t.paused ? button(W.resume, {type: "resume", team: t.team}, t) : button(W.pause, {type: "pause", team: t.team}, t));
      const speed = el("input", {type: "number", min: "0.1", max: "1000", step: "any", value: String(t.speed), "data-key": key("speed-value", t), "aria-label": W.speed + " · " + t.team});
      acts.append(speed, el("button", {type: "button", "data-key": key("speed", t), onclick: (e) => send({type: "speed", team: t.team, speed: Number(speed.value)}, e.currentTarget)}, W.speed));
      if (t.optional.length) {
        const pick = el("select", {"data-key": key("fire-item", t), "aria-label": W.fire + " · " + t.team}, ...t.optional.map((o) => el("option", {value: o.id}, o.title)));
        acts.append(pick, el("button", {type: "button", "data-key": key("fire", t), onclick: (e) => send({type: "fire", team: t.team, item: pick.value}, e.currentTarget)}, W.fire));
      }
      acts.append(button(W.end, {type: "end", team: t.team}, t));
      card.append(acts);
      const noise = el("div", {class: "actions", role: "group", "aria-label": W.noise + " · " + t.team}, W.noise + ": ");
      for (const level of ["storm", "calm", "normal"]) noise.append(button(W[level], {type: "noise", team: t.team, level}, {team: t.team + " " + level}));
      card.append(noise);
    }
    // The facilitator's last word on a written answer: the strategy it uses, as they read it.
    for (const w of t.written) {
      const pick = el("select", {"data-key": key("strategy " + w.decision, t), "aria-label": W.strategy + " · " + w.title + " · " + t.team},
        ...Object.entries(strategies).map(([id, name]) => el("option", {value: id, selected: id === w.now}, name)));
      card.append(el("div", {class: "written"}, el("h4", {}, W.written + " · " + w.title), el("blockquote", {}, w.text),
        el("p", {}, W.detected + " " + (strategies[w.strategy] || w.strategy)),
        pick, el("button", {type: "button", "data-key": key("override " + w.decision, t), onclick: (e) => send(signed({type: "override", team: t.team, decision: w.decision, strategy: pick.value}), e.currentTarget)}, W.override),
        // Key points said and red lines crossed, as read now: a tick is the facilitator's word.
        ...w.points.map((p) => el("label", {class: "finding"}, el("input", {type: "checkbox", checked: p.found, "data-key": key(p.finding + " " + p.id + " " + w.decision, t),
          onchange: (e) => send(signed({type: "mark", team: t.team, decision: w.decision, finding: p.finding, id: p.id, value: e.target.checked ? "yes" : "no"}), e.currentTarget)}),
          " " + (p.finding === "red_line" ? W.red_line : W.key_point) + ": " + p.label))));
    }
    const note = el("input", {type: "text", maxlength: "2000", "data-key": key("note-text", t), "aria-label": W.note + " · " + t.team});
    card.append(el("form", {class: "note", onsubmit: (e) => { e.preventDefault(); send({type: "note", team: t.team, text: note.value}, e.submitter || note); note.value = ""; note.defaultValue = ""; }}, note, el("button", {type: "submit", "data-key": key("note", t)}, W.note)));
    if (t.notes.length) card.append(el("h4", {}, W.notes), el("ul", {}, ...t.notes.map((n) => el("li", {}, n.at + " " + n.text))));
    if (t.inputs.length) card.append(el("h4", {}, W.inputs), el("ul", {}, ...t.inputs.map((n) => el("li", {}, n.at + " " + n.by + ": " + n.what + (n.done ? " → " + n.done : "")))));
    return card;
  }

  // An optional inject to every team still playing (a team that had it already is left out).
  function fireAll(v) {
    if (!v.optional.length) return [];
    const pick = el("select", {"data-key": "fire-all-item", "aria-label": W.inject}, ...v.optional.map((o) => el("option", {value: o.id}, o.title)));
    return [pick, el("button", {type: "button", "data-key": "fire-all", onclick: (e) => send({type: "fire", team: "*", item: pick.value}, e.currentTarget)}, W.fire_all)];
  }

  // The decisions side by side once rounds end: one row per decision, one column per ranked team.
  function sideBySide(v) {
    const teams = v.ranking.filter((r) => r.score !== null).map((r) => r.team);
    if (!v.decisions.length || !teams.length) return [];
    const head = el("tr", {}, el("th", {scope: "col"}, W.decision), ...teams.map((t) => el("th", {scope: "col"}, t)));
    const rows = v.decisions.map((d) => el("tr", {}, el("th", {scope: "row"}, (d.at ? d.at + " " : "") + d.title),
      ...teams.map((t) => {
        const c = d.choices[t];
        if (!c) return el("td", {}, "—");
        // Words, not colour alone: "best" and "no decision in time" are written out.
        return el("td", {class: c.missed ? "muted" : ""}, (c.missed ? W.no_decision : c.label) + " · " + c.taken + (c.best ? " · ✓ " + W.best : ""));
      })));
    return [el("table", {}, el("thead", {}, head), el("tbody", {}, ...rows))];
  }

  function draw(v) {
    names = v.metric_names; strategies = v.strategies;
    $("store").hidden = !v.store_problem;
    // The store's own words are technical (a path, a server's error): framed in the page's language.
    $("store").textContent = v.store_problem ? W.store + " " + v.store_problem : "";
    fill($("teams"), v.teams.map(teamCard));
    fill($("fire-all"), fireAll(v));
    $("fire-all").hidden = !v.optional.length;
    $("ranking").replaceChildren(...v.ranking.map((r) => el("li", {}, (r.rank ? "#" + r.rank + " " : "") + r.team + " · " + (r.score === null ? W.unranked : one(r.score)))));
    const side = sideBySide(v);
    $("side").hidden = !side.length;
    fill($("side-table"), side);
  }
})();
