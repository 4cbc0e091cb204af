// What the team's page and the console share: nodes built from text (never HTML, so nothing a
// case or a name contains runs as script), redrawing without losing the user's place, and the
// WebSocket that reconnects by itself. Times come worded by the server (game/host/workshop.py)
// as the window and the terminal word them, so the page has no time formatter of its own.
"use strict";
const Common = (function () {
  function el(tag, attrs, ...kids) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") node.className = v;
      else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else if (v !== null && v !== undefined && v !== false) node.setAttribute(k, v === true ? "" : v);
    }
    for (const kid of kids) node.append(kid && kid.nodeType ? kid : document.createTextNode(kid == null ? "" : String(kid)));
    return node;
  }


  function edited(field) {
    if (field.tagName === "SELECT") return field.selectedIndex >= 0 && !field.options[field.selectedIndex].defaultSelected;
    return field.value !== field.defaultValue;
  }

  // The host pushes a fresh view several times a second: replacing the nodes would throw away
  // the keyboard focus, whatever the user was typing and the folds they opened. Elements with a
  // data-key keep all three.
  function fill(container, nodes) {
    const active = document.activeElement;
    const focused = active && container.contains(active) ? active.dataset.key : null;
    const caret = focused && typeof active.selectionStart === "number" ? [active.selectionStart, active.selectionEnd] : null;
    const typed = new Map();
    for (const field of container.querySelectorAll("input[data-key], textarea[data-key], select[data-key]")) {
      if (edited(field)) typed.set(field.dataset.key, field.value);
    }
    const opened = [...container.querySelectorAll("details[data-key][open]")].map((d) => d.dataset.key);
    container.replaceChildren(...nodes);
    for (const key of opened) { const d = container.querySelector(`details[data-key="${CSS.escape(key)}"]`); if (d) d.open = true; }
    for (const [key, value] of typed) {
      const field = container.querySelector(`[data-key="${CSS.escape(key)}"]`);
      if (field) { field.value = value; field.dispatchEvent(new Event("input")); }
    }
    if (focused) {
      const back = container.querySelector(`[data-key="${CSS.escape(focused)}"]`);
      if (back) { back.focus(); if (caret && typeof back.setSelectionRange === "function") back.setSelectionRange(...caret); }
    }
  }

  // The largest message the host reads (game/host/protocol.py MAX_BYTES): a bigger one is not
  // sent at all. The host's WebSocket layer closes a connection whose frame passes 64 KB (1009).
  const MAX_BYTES = 4096;

  // One socket to the host, opened again after a loss (0.5 s, then doubling up to 5 s), never
  // after the host said the address is unknown (4404); after too many wrong codes from this
  // device (4429) only every 30 s. A message too large for the host is refused here, and if the
  // host closed the socket on one (1009) the page says so and joins again at once.
  // handlers: open(), message(msg), lost(reason), tooBig().
  function connect(path, handlers) {
    let socket = null, retry = 500;
    function open() {
      socket = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + path);
      socket.onopen = () => { retry = 500; if (handlers.open) handlers.open(); };
      socket.onmessage = (e) => handlers.message(JSON.parse(e.data));
      socket.onclose = (e) => {
        const told = e.code === 4404 || e.code === 4429;
        if (handlers.lost) handlers.lost(told ? e.reason : null);
        if (e.code === 1009) { if (handlers.tooBig) handlers.tooBig(); setTimeout(open, 100); }
        else if (e.code === 4429) setTimeout(open, 30000);
        else if (e.code !== 4404) { setTimeout(open, retry); retry = Math.min(retry * 2, 5000); }
      };
    }
    open();
    return {
      send(msg) {
        const text = JSON.stringify(msg);
        if (new TextEncoder().encode(text).length > MAX_BYTES) { if (handlers.tooBig) handlers.tooBig(); return false; }
        if (socket && socket.readyState === 1) { socket.send(text); return true; }
        return false;
      },
    };
  }

  // A refusal (the host would not act: a decision closed meanwhile, a text too long...) is shown
  // beside the control that asked, not at the foot of the page: found again by its data-key
  // after every redraw (call place() after each one), else in the nearest part of the page that
  // is still there (the decisions' panel once the decision has gone), else at the box's own place.
  // The box itself is no live region (it is put back at every push): screen readers hear the
  // reason once, through the assertive region live, and the control is described by it.
  // It stays until the next input.
  function refusals(box, live) {
    const home = [box.parentNode, box.nextSibling];
    let asked = null, reason = "";
    function place() {
      box.textContent = reason;
      box.hidden = !reason;
      for (const c of document.querySelectorAll(`[aria-describedby~="${box.id}"]`)) {
        const rest = c.getAttribute("aria-describedby").split(" ").filter((id) => id && id !== box.id).join(" ");
        if (rest) c.setAttribute("aria-describedby", rest); else c.removeAttribute("aria-describedby");
      }
      if (!reason || !asked) { home[0].insertBefore(box, home[1]); return; }
      const control = asked.node.isConnected ? asked.node
        : asked.key ? document.querySelector(`[data-key="${CSS.escape(asked.key)}"]`) : null;
      if (control) {
        // Right after the control (a written text's form, a checkbox's label): a row of buttons breaks there.
        (control.closest("label, form") || control).after(box);
        control.setAttribute("aria-describedby", ((control.getAttribute("aria-describedby") || "") + " " + box.id).trim());
        return;
      }
      const region = asked.trail.find((a) => a.isConnected);
      if (!region) { home[0].insertBefore(box, home[1]); return; }
      const head = [...region.children].find((c) => /^(H[1-6]|LEGEND)$/.test(c.tagName));
      if (head) head.after(box); else region.prepend(box);
    }
    return {
      // An input is sent from control (an element; null: sent by the page itself, as on reconnecting).
      asked(control) {
        const trail = [];
        for (let a = control && control.parentElement; a && a !== document.body; a = a.parentElement) if (a.id) trail.push(a);
        asked = control ? {node: control, key: control.dataset.key, trail} : null;
        reason = "";
        place();
      },
      refused(text) {
        reason = text;
        place();
        live.textContent = "";
        live.textContent = text;
      },
      place,
    };
  }

  return { el, fill, connect, refusals };
})();
