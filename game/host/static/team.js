// The team's page: draws the view the host sends, sends the inputs. Text only through
// textContent, never innerHTML, so nothing a case or a name contains runs as script.
"use strict";
(function () {
  const W = JSON.parse(document.getElementById("words").innerHTML);
  const code = location.pathname.split("/")[2];
  const $ = (id) => document.getElementById(id);
  const {el, fill} = Common;
  // A score with one decimal in the page's language (33,8 in French).
  const one = (x) => Number(x).toLocaleString(document.documentElement.lang, {minimumFractionDigits: 1, maximumFractionDigits: 1});
  let player = sessionStorage.getItem("player") || "", view = null;
  const announced = new Set();
  const DONE = {flag: W.flagged, dismiss: W.dismissed, answer: W.answered};

  function say(text, urgent) { const r = $(urgent ? "live-assertive" : "live-polite"); r.textContent = ""; r.textContent = text; }

  function post(p) {
    const li = el("li", {class: "post" + (p.trending ? " trending" : "") + (p.triage ? " " + p.triage : "")});
    // A call or an email reads as one (who calls, on which line), with no public counters.
    // The time is one piece: a date ("Wed 17 Mar, 09:03") never breaks across lines.
    const at = el("span", {class: "at"}, p.at);
    if (p.inbox) li.append(el("p", {class: "meta"}, el("strong", {}, p.inbox), " · " + p.channel + " · ", at));
    else li.append(el("p", {class: "meta"}, el("strong", {}, p.name), " " + (p.handle.startsWith("@") ? p.handle : "@" + p.handle) + " · " + p.channel + " · ", at));
    if (p.subject) li.append(el("p", {class: "subject"}, p.subject));
    li.append(el("p", {class: "text"}, p.text));
    const counts = el("p", {class: "counts"}, p.counts || "");
    if (p.trending) counts.append(el("span", {class: "badge"}, "▲ " + W.trending));
    if (p.triage) counts.append(el("span", {class: "badge done"}, "✓ " + (DONE[p.triage] || p.triage)));
    if (counts.textContent) li.append(counts);
    if (!p.triage && !p.own && !view.ended) {
      const acts = el("div", {class: "actions"});
      acts.append(el("button", {type: "button", "data-key": "flag " + p.id, onclick: (e) => send({type: "triage", post: p.id, action: "flag"}, e.currentTarget)}, W.flag));
      acts.append(el("button", {type: "button", "data-key": "dismiss " + p.id, onclick: (e) => send({type: "triage", post: p.id, action: "dismiss"}, e.currentTarget)}, W.dismiss));
      // The prepared replies fold away: a feed of posts each with six buttons is hard to read.
      if (p.answers.length || p.write) {
        const replies = el("details", {"data-key": "replies " + p.id}, el("summary", {}, W.answer + "…"));
        for (const a of p.answers) replies.append(el("button", {type: "button", "data-key": "answer " + p.id + " " + a.id, onclick: (e) => send({type: "answer", post: p.id, reply: a.id}, e.currentTarget)}, a.label));
        // A written reply (the case's responses: write or both), published under the post.
        if (p.write) replies.append(writing("reply-" + p.id, (p.answers.length ? W.or_reply : W.reply) + " (" + p.channel + ")", p.limit,
          (text) => ({type: "reply", post: p.id, text})));
        acts.append(replies);
      }
      li.append(acts);
    }
    return li;
  }

  // A written answer (to a decision, or a reply to a post): the channel's character counter, its
  // limit hard (maxlength) as on the network. message(text) is what is sent.
  function writing(id, label, max, message) {
    const limit = max || 2000;
    const area = el("textarea", {id, rows: "4", maxlength: String(limit), "data-key": "text " + id, "aria-describedby": id + "-count"});
    const count = el("p", {id: id + "-count", class: "counter"});
    const counted = () => {
      const n = area.value.length;
      count.textContent = max ? n + " / " + max + " " + W.characters : n + " " + W.characters;
      count.classList.toggle("urgent", Boolean(max) && n >= max * 0.9);
    };
    area.addEventListener("input", counted);
    counted();
    const publish = (e) => { e.preventDefault(); if (area.value.trim()) send(message(area.value), e.submitter || area); };
    return el("form", {class: "write", onsubmit: publish}, el("label", {for: id}, label), area, count,
      el("button", {type: "submit", "data-key": "publish " + id}, W.publish));
  }

  // A written text in the debrief, the phrases the assessment read marked, each titled with what it means.
  function marked(text, marks) {
    const out = el("p", {class: "written"});
    let at = 0;
    for (const [start, end, meaning] of [...marks].sort((a, b) => a[0] - b[0])) {
      if (start < at) continue;  // overlapping phrases: marked once
      out.append(text.slice(at, start), el("mark", {title: meaning}, text.slice(start, end)));
      at = end;
    }
    out.append(text.slice(at));
    return out;
  }

  function draw(v) {
    view = v;
    $("waiting").hidden = v.started;
    $("round").hidden = !v.started || v.ended;
    $("briefing").hidden = v.started && !v.ended ? true : v.ended;
    if (!v.started) return;
    $("clock").textContent = v.clock + " / " + v.end + (v.date ? " · " + v.date : "") + (v.paused ? " · " + W.paused : "");
    const decisions = [];
    for (const d of v.decisions) {
      const box = el("fieldset", {class: "decision"});
      box.append(el("legend", {}, d.title));
      box.append(el("p", {class: "prose"}, d.prompt));
      const urgent = d.left <= 60;
      box.append(el("p", {class: "countdown" + (urgent ? " urgent" : "")}, (urgent ? W.hurry + " " : "") + d.left_text + " " + W.left));
      box.append(el("p", {class: "silence"}, W.silence + " " + d.silence));
      for (const o of d.options) box.append(el("button", {type: "button", class: "option", "data-key": "decide " + d.id + " " + o.id, onclick: (e) => send({type: "decide", decision: d.id, option: o.id}, e.currentTarget)}, o.label));
      if (d.responses !== "choose") box.append(writing("answer-" + d.id, (d.responses === "both" ? W.or_write : W.write) + " (" + d.channel + ")",
        d.limit, (text) => ({type: "write", decision: d.id, text})));
      decisions.push(box);
    }
    if (!v.decisions.length) decisions.push(el("p", {class: "muted"}, W.none));
    fill($("decision-list"), decisions);
    const metrics = $("metrics"); metrics.replaceChildren();
    for (const [k, val] of Object.entries(v.metrics)) { metrics.append(el("dt", {}, v.metric_names[k] || k)); metrics.append(el("dd", {}, val)); }
    fill($("feed-list"), v.feed.filter((p) => !p.inbox).map(post));
    fill($("inbox-list"), v.feed.filter((p) => p.inbox).map(post));
    $("input-list").replaceChildren(...v.inputs.map((i) => el("li", {}, i.at + " · " + i.by + " · " + i.what + (i.done ? " → " + i.done : ""))));
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
    $("score").textContent = W.score + ": " + one(d.score) + " / 100";
    $("ending").textContent = (d.ending.title || "") + " (" + d.ending.kind + ")" + (d.ending.text ? ": " + d.ending.text : "");
    $("ending-score").textContent = d.ending_and_score || "";
    $("crisis").textContent = d.crisis;
    $("ended-early").textContent = d.ended_early;
    $("breakdown").tBodies[0].replaceChildren(...d.parts.map((p) => el("tr", {}, el("th", {scope: "row"}, p.name),
      el("td", {class: "num"}, one(p.points) + " / " + p.max), el("td", {}, p.note))));
    $("feedback").replaceChildren(...d.decisions.map((x) => {
      const li = el("li", {}, el("strong", {}, x.title), " — " + x.label + (x.by ? " (" + W.by + " " + x.by + ")" : ""));
      if (x.why) li.append(el("p", {}, x.why));
      if (x.feedback) li.append(el("p", {}, x.feedback));
      if (x.better) li.append(el("p", {class: "better"}, W.better + " " + x.better.label + (x.better.why ? " — " + x.better.why : "")));
      return li;
    }));
    $("written-replies-h").hidden = $("written-replies").hidden = !d.replies.length;
    $("written-replies").replaceChildren(...d.replies.map((r) => {
      const li = el("li", {}, el("strong", {}, r.name), " — " + r.post + (r.by ? " (" + W.by + " " + r.by + ")" : ""));
      li.append(marked(r.text, r.marked));
      if (r.missing.length) li.append(el("p", {}, W.missing + " " + r.missing.join("; ")));
      if (r.crossed.length) li.append(el("p", {class: "better"}, W.crossed + " " + r.crossed.join("; ")));
      li.append(el("p", {}, r.why));
      if (r.best) li.append(el("p", {class: "muted"}, W.best + " " + r.best));
      return li;
    }));
    $("signals").textContent = d.signals;
    $("questions").replaceChildren(...d.questions.map((q) => el("li", {}, q)));
    $("chart").replaceChildren(chart(d.samples, view.metric_names, d.span, d.axis));
    const last = d.samples.length ? d.samples[d.samples.length - 1][1] : view.metrics;
    $("chart-values").replaceChildren(...Object.entries(last).flatMap(([k, val]) => [el("dt", {}, view.metric_names[k] || k), el("dd", {}, one(val))]));
    $("keep").href = location.pathname + "/debrief.html";
  }

  // The metrics over the round as an inline SVG drawn with DOM calls (nothing fetched, no markup
  // parsed); each line has its own dash and its name at its end, so colour is never needed.
  const STYLES = [["#0b5cad", ""], ["#a40000", "6 3"], ["#1b7a2e", "2 3"], ["#6b3fa0", "10 3 2 3"], ["#8a5a00", "4 4"]];
  function chart(samples, names, span, axis) {
    const NS = "http://www.w3.org/2000/svg", W0 = 640, H0 = 240, left = 36, right = 110, top = 10, bottom = 28;
    const svgEl = (tag, attrs, text) => { const n = document.createElementNS(NS, tag); for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, v); if (text !== undefined) n.textContent = text; return n; };
    const svg = svgEl("svg", {viewBox: `0 0 ${W0} ${H0}`, class: "chart", "aria-hidden": "true", focusable: "false"});
    if (!samples.length) return svg;
    const keys = Object.keys(samples[0][1]);
    const top100 = Math.max(100, ...samples.flatMap(([, m]) => Object.values(m)));
    const x = (t) => left + (t / span) * (W0 - left - right), y = (v) => top + (1 - v / top100) * (H0 - top - bottom);
    for (const v of [0, 50, 100]) {
      svg.append(svgEl("line", {x1: left, x2: W0 - right, y1: y(v), y2: y(v), stroke: "#ccc"}));
      svg.append(svgEl("text", {x: left - 4, y: y(v) + 4, "text-anchor": "end", "font-size": "11"}, String(v)));
    }
    [0, 0.5, 1].forEach((m, i) => svg.append(svgEl("text", {x: x(span * m), y: H0 - 8, "text-anchor": i === 0 ? "start" : "middle", "font-size": "11"}, axis[i])));
    const ends = [];
    keys.forEach((k, i) => {
      const [colour, dash] = STYLES[i % STYLES.length];
      const points = samples.map(([t, m]) => x(t).toFixed(1) + "," + y(m[k] || 0).toFixed(1)).join(" ");
      svg.append(svgEl("polyline", {points, fill: "none", stroke: colour, "stroke-width": "2.5", "stroke-dasharray": dash}));
      ends.push([y(samples[samples.length - 1][1][k] || 0), names[k] || k, colour]);
    });
    // Names at the lines' ends, pushed apart so that two close lines stay readable.
    ends.sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < ends.length; i++) ends[i][0] = Math.max(ends[i][0], ends[i - 1][0] + 13);
    for (const [ey, name, colour] of ends) svg.append(svgEl("text", {x: W0 - right + 6, y: ey + 4, fill: colour, "font-size": "12"}, name));
    return svg;
  }

  const host = Common.connect("/ws/team/" + code + "?lang=" + document.documentElement.lang, {
    open() { $("connection").textContent = W.connected; if (player) host.send({type: "hello", name: player, lang: document.documentElement.lang}); },
    message(msg) {
      // A refusal stays beside its control until the next input: the views pushed several times a second redraw it there.
      if (msg.type === "view") { draw(msg.view); refusal.place(); }
      else if (msg.type === "refused") refusal.refused(msg.reason);
    },
    lost(reason) { $("connection").textContent = reason || W.reconnecting; },
    tooBig() { refusal.refused(W.too_big); },
  });
  const refusal = Common.refusals($("refused"), $("live-assertive"));
  // control: the button or form the input came from, where a refusal will show.
  const send = (msg, control) => { refusal.asked(control || null); return host.send(msg); };

  $("join-form").addEventListener("submit", (e) => {
    e.preventDefault();
    player = $("player").value.trim();
    if (!player) return;
    sessionStorage.setItem("player", player);
    $("join").hidden = true;
    send({type: "hello", name: player, lang: document.documentElement.lang}, e.submitter || $("player"));
  });
  if (player) $("join").hidden = true;
})();
