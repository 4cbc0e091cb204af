// The team's page: draws the view the host sends, sends the inputs. Text only through
// textContent, never innerHTML, so nothing a case or a name contains runs as script.
"use strict";
(function () {
  const W = JSON.parse(document.getElementById("words").innerHTML);
  const code = location.pathname.split("/")[2];
  const $ = (id) => document.getElementById(id);
  const {el, clock, fill} = Common;
  let player = sessionStorage.getItem("player") || "", view = null;
  const announced = new Set();
  const DONE = {flag: W.flagged, dismiss: W.dismissed, answer: W.answered};

  function say(text, urgent) { const r = $(urgent ? "live-assertive" : "live-polite"); r.textContent = ""; r.textContent = text; }

  function post(p) {
    const li = el("li", {class: "post" + (p.trending ? " trending" : "") + (p.triage ? " " + p.triage : "")});
    li.append(el("p", {class: "meta"}, el("strong", {}, p.name), " @" + p.handle + " · " + p.channel + " · " + clock(p.t)));
    if (p.subject) li.append(el("p", {class: "subject"}, p.subject));
    li.append(el("p", {class: "text"}, p.text));
    const counts = el("p", {class: "counts"}, `${p.likes} ${W.likes} · ${p.shares} ${W.shares} · ${p.replies} ${W.replies}`);
    if (p.trending) counts.append(el("span", {class: "badge"}, "▲ " + W.trending));
    if (p.triage) counts.append(el("span", {class: "badge done"}, "✓ " + (DONE[p.triage] || p.triage)));
    li.append(counts);
    if (!p.triage && !p.own && !view.ended) {
      const acts = el("div", {class: "actions"});
      acts.append(el("button", {type: "button", "data-key": "flag " + p.id, onclick: () => send({type: "triage", post: p.id, action: "flag"})}, W.flag));
      acts.append(el("button", {type: "button", "data-key": "dismiss " + p.id, onclick: () => send({type: "triage", post: p.id, action: "dismiss"})}, W.dismiss));
      for (const a of p.answers) acts.append(el("button", {type: "button", "data-key": "answer " + p.id + " " + a.id, onclick: () => send({type: "answer", post: p.id, reply: a.id})}, W.answer + ": " + a.label));
      li.append(acts);
    }
    return li;
  }

  function draw(v) {
    view = v;
    $("waiting").hidden = v.started;
    $("round").hidden = !v.started || v.ended;
    $("briefing").hidden = v.started && !v.ended ? true : v.ended;
    if (!v.started) return;
    $("clock").textContent = clock(v.t) + " / " + clock(v.duration) + (v.paused ? " · " + W.paused : "");
    const decisions = [];
    for (const d of v.decisions) {
      const box = el("fieldset", {class: "decision"});
      box.append(el("legend", {}, d.title));
      box.append(el("p", {class: "prose"}, d.prompt));
      const urgent = d.left <= 60;
      box.append(el("p", {class: "countdown" + (urgent ? " urgent" : "")}, (urgent ? "⚠ " : "⏱ ") + clock(Math.max(0, Math.round(d.left))) + " " + W.left));
      box.append(el("p", {class: "silence"}, W.silence + " " + d.silence));
      for (const o of d.options) box.append(el("button", {type: "button", class: "option", "data-key": "decide " + d.id + " " + o.id, onclick: () => send({type: "decide", decision: d.id, option: o.id})}, o.label));
      decisions.push(box);
    }
    if (!v.decisions.length) decisions.push(el("p", {class: "muted"}, W.none));
    fill($("decision-list"), decisions);
    const metrics = $("metrics"); metrics.replaceChildren();
    for (const [k, val] of Object.entries(v.metrics)) { metrics.append(el("dt", {}, v.metric_names[k] || k)); metrics.append(el("dd", {}, val)); }
    fill($("feed-list"), v.feed.filter((p) => !p.inbox).map(post));
    fill($("inbox-list"), v.feed.filter((p) => p.inbox).map(post));
    $("input-list").replaceChildren(...v.inputs.map((i) => el("li", {}, clock(i.t) + " · " + i.by + " · " + i.what + (i.action ? " → " + i.action : ""))));
    $("notifications").replaceChildren(...v.notifications.map((n) => el("li", {class: n.kind}, (W[n.kind] || n.kind) + (n.text ? ": " + n.text : ""))));
    for (const n of v.notifications) {
      const key = n.t + n.kind + n.text;
      if (announced.has(key)) continue;
      announced.add(key);
      say((W[n.kind] || n.kind) + (n.text ? ": " + n.text : ""), n.kind === "deadline" || n.kind === "missed");
    }
    if (v.ended && v.debrief) debrief(v.debrief);
  }

  function debrief(d) {
    $("debrief").hidden = false;
    $("score").textContent = W.score + ": " + d.score.toFixed(1) + " / 100";
    const body = $("breakdown").tBodies[0]; body.replaceChildren();
    for (const [k, pts] of Object.entries(d.breakdown)) body.append(el("tr", {}, el("th", {scope: "row"}, k), el("td", {}, pts.toFixed(1) + " / " + d.breakdown_max[k]), el("td", {}, d.breakdown_notes[k])));
    const fb = $("feedback"); fb.replaceChildren();
    for (const x of d.decisions) {
      const li = el("li", {}, el("strong", {}, x.title), " — " + x.label + (d.by[x.title] ? " (" + W.by + " " + d.by[x.title] + ")" : ""), el("p", {}, x.feedback));
      if (x.better) li.append(el("p", {class: "better"}, W.better + " " + (x.better.label || "") + " " + (x.better.feedback || "")));
      fb.append(li);
    }
    $("questions").replaceChildren(...d.questions.map((q) => el("li", {}, q.text)));
    const chart = $("chart"); chart.replaceChildren();
    const dl = el("dl", {});
    for (const [k, val] of Object.entries(d.metrics)) { dl.append(el("dt", {}, view.metric_names[k] || k)); dl.append(el("dd", {}, Number(val).toFixed(1))); }
    chart.append(dl);
    $("keep").href = location.pathname + "/debrief.html";
  }

  const host = Common.connect("/ws/team/" + code, {
    open() { $("connection").textContent = W.connected; if (player) host.send({type: "hello", name: player, lang: document.documentElement.lang}); },
    message(msg) {
      if (msg.type === "view") { $("refused").textContent = ""; draw(msg.view); }
      else if (msg.type === "refused") $("refused").textContent = msg.reason;
    },
    lost(reason) { $("connection").textContent = reason || W.reconnecting; },
  });
  const send = host.send;

  $("join-form").addEventListener("submit", (e) => {
    e.preventDefault();
    player = $("player").value.trim();
    if (!player) return;
    sessionStorage.setItem("player", player);
    $("join").hidden = true;
    send({type: "hello", name: player, lang: document.documentElement.lang});
  });
  if (player) $("join").hidden = true;
})();
