// The Jackal inspector page: polls /api/view and /api/timeline and draws them with plain SVG.
"use strict";
const SVG = "http://www.w3.org/2000/svg";
let view = null;
let selected = null;
let lastSeq = 0;
let calls = 0;
const recent = [];

function el(tag, attrs, text) {
  const e = document.createElementNS(SVG, tag);
  for (const k in attrs) e.setAttribute(k, attrs[k]);
  if (text !== undefined) e.textContent = text;
  return e;
}

function html(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (cls) e.className = cls;
  return e;
}

function drawGraph(v) {
  const svg = document.getElementById("graph");
  for (const n of Array.from(svg.childNodes)) if (n.nodeName !== "defs") svg.removeChild(n);
  const pos = {};
  const rowH = 46;
  v.processes.forEach((p, i) => pos["process:" + p.oid] = {x: 20, y: 20 + i * rowH, w: 170, p});
  v.endpoints.forEach((e, i) => pos["endpoint:" + e.oid] = {x: 330, y: 20 + i * rowH, w: 150, e});
  const others = {};
  let n = 0;
  for (const p of v.processes) {
    for (const s of p.slots) {
      if (s.targetKind === "process" || s.targetKind === "endpoint") continue;
      const key = s.targetKind === "" ? "svc:" + s.type : "mem:" + s.targetKind + s.targetOid;
      if (!(key in others)) {
        others[key] = {x: 620, y: 20 + n * rowH, w: 170,
                       label: s.targetKind === "" ? s.type : s.target};
        n++;
      }
    }
  }
  const rows = Math.max(v.processes.length, v.endpoints.length, n);
  svg.setAttribute("height", 40 + rows * rowH);
  const edges = el("g", {});
  svg.appendChild(edges);
  function edge(a, b, cls, label) {
    if (!a || !b) return;
    const x1 = a.x + a.w, y1 = a.y + 15;
    const back = b.x <= a.x;
    const x2 = back ? b.x + b.w : b.x, y2 = b.y + 15;
    const mid = back ? Math.max(x1, x2) + 60 : (x1 + x2) / 2;
    const d = back ? `M ${a.x} ${y1} C ${a.x - 40} ${y1}, ${x2 + 40} ${y2}, ${x2} ${y2}`
                   : `M ${x1} ${y1} C ${mid} ${y1}, ${mid} ${y2}, ${x2} ${y2}`;
    const path = el("path", {d, class: "edge " + cls});
    path.appendChild(el("title", {}, label));
    edges.appendChild(path);
  }
  for (const p of v.processes) {
    const from = pos["process:" + p.oid];
    for (const s of p.slots) {
      let to;
      if (s.targetKind === "process" || s.targetKind === "endpoint") {
        to = pos[s.targetKind + ":" + s.targetOid];
      } else {
        to = others[s.targetKind === "" ? "svc:" + s.type : "mem:" + s.targetKind + s.targetOid];
      }
      edge(from, to, s.valid ? "" : "invalid", s.slot + ": " + s.text);
    }
  }
  for (const e of v.endpoints) {
    if (e.recipientOid >= 0) {
      const a = pos["endpoint:" + e.oid], b = pos["process:" + e.recipientOid];
      if (a && b) {
        const d = `M ${a.x} ${a.y + 22} C ${a.x - 60} ${a.y + 22}, ${b.x + b.w + 60} ${b.y + 22},`
                + ` ${b.x + b.w} ${b.y + 22}`;
        edges.appendChild(el("path", {d, class: "edge recipient"}));
      }
    }
  }
  for (const k in pos) {
    const o = pos[k];
    const g = el("g", {});
    if (o.p) {
      const p = o.p;
      g.setAttribute("class", "node process" + (p.fault ? " faulted" : "")
                     + (selected === p.oid ? " selected" : ""));
      g.setAttribute("data-kind", "process");
      g.setAttribute("data-label", p.label);
      g.appendChild(el("rect", {x: o.x, y: o.y, width: o.w, height: 32, rx: 3}));
      g.appendChild(el("text", {x: o.x + 6, y: o.y + 13}, p.label));
      g.appendChild(el("text", {x: o.x + 6, y: o.y + 27, "font-size": 10}, p.state
                       + (p.fault ? " (" + p.fault + ")" : "")));
      g.addEventListener("click", () => { selected = p.oid; drawGraph(view); showDetails(view); });
    } else {
      const e = o.e;
      g.setAttribute("class", "node endpoint");
      g.setAttribute("data-kind", "endpoint");
      g.setAttribute("data-label", e.label);
      g.appendChild(el("ellipse", {cx: o.x + o.w / 2, cy: o.y + 16, rx: o.w / 2, ry: 16}));
      g.appendChild(el("text", {x: o.x + 18, y: o.y + 20}, e.label + " id " + e.endpointId));
    }
    svg.appendChild(g);
  }
  for (const k in others) {
    const o = others[k];
    const g = el("g", {class: "node other", "data-kind": k.startsWith("svc:") ? "service" : "space",
                       "data-label": o.label});
    g.appendChild(el("rect", {x: o.x, y: o.y, width: o.w, height: 28, rx: 12}));
    g.appendChild(el("text", {x: o.x + 8, y: o.y + 18}, o.label));
    svg.appendChild(g);
  }
}

function showDetails(v) {
  const d = document.getElementById("details");
  const p = v.processes.find(x => x.oid === selected);
  if (!p) return;
  d.textContent = "";
  d.appendChild(html("div", p.label, "title"));
  const t = html("table");
  function row(k, val) {
    const tr = html("tr");
    tr.appendChild(html("th", k));
    tr.appendChild(html("td", val));
    t.appendChild(tr);
  }
  row("state", p.state);
  row("scheduling", p.scheduling + ", cpu " + p.homeCpu);
  if (p.fault) row("fault", p.fault + " (info 0x" + p.faultInfo.toString(16) + ")");
  if (p.waitsFor) row("waits for", p.waitsFor);
  if (p.senders.length) row("senders waiting", p.senders.join(" "));
  for (const s of p.slots) row(s.slot, s.text);
  d.appendChild(t);
}

function showCpus(v) {
  const t = document.getElementById("cpus");
  t.textContent = "";
  for (const c of v.cpus) {
    const tr = html("tr");
    tr.appendChild(html("th", "cpu " + c.id));
    tr.appendChild(html("td", (c.running ? "running " + c.running : "idle")
        + (c.ready.length ? "; ready: " + c.ready.join(" ") : "")));
    t.appendChild(tr);
  }
}

function showTrouble(v) {
  const ul = document.getElementById("trouble");
  ul.textContent = "";
  const quiet = v.cpus.every(c => !c.running && c.ready.length === 0);
  for (const p of v.processes) {
    if (p.fault) {
      ul.appendChild(html("li", p.label + ": faulted with " + p.fault, "trouble"));
    } else if (p.state !== "exited" && p.waitsFor.startsWith("to send")) {
      ul.appendChild(html("li", p.label + (quiet ? " blocked forever: waits " : ": waits ")
          + p.waitsFor, "trouble"));
    }
  }
  if (!ul.childNodes.length) ul.appendChild(html("li", "none"));
  showBanks(v);
}

const OB_TYPES = ["page", "cappage", "gpt", "process", "endpoint"];

/** The bank tree: each bank under its parent, with its usage, limits and what it owns. */
function showBanks(v) {
  const div = document.getElementById("banks");
  div.textContent = "";
  if (!v.banks.length) {
    div.textContent = "No bank tree: this system has no space bank.";
    return;
  }
  const counts = (xs, limits) => {
    const out = [];
    xs.forEach((n, t) => { if (limits ? n !== null : n !== 0) out.push(n + " " + OB_TYPES[t]); });
    return out.length ? out.join(", ") : "none";
  };
  const lists = new Map();
  const root = html("ul", "");
  for (const b of v.banks) {
    const li = html("li", b.label + ": usage " + counts(b.usage, false) + ", limits "
        + counts(b.limits, true) + (b.owned.length ? "; owns " + b.owned.join(" ") : ""), "bank");
    const sub = html("ul", "");
    li.appendChild(sub);
    lists.set(b.endpointOid, sub);
    (lists.get(b.parentOid) || root).appendChild(li);
  }
  div.appendChild(root);
}

async function refreshView() {
  try {
    const r = await fetch("api/view");
    view = await r.json();
    document.getElementById("status").textContent = (view.running ? "running" : "not running")
        + ", " + view.processes.length + " processes, " + view.endpoints.length + " endpoints, "
        + view.gpts.length + " GPTs, " + view.pages + " pages";
    drawGraph(view);
    showDetails(view);
    showCpus(view);
    showTrouble(view);
  } catch (e) {
    document.getElementById("status").textContent = "no answer (" + e + ")";
  }
}

async function refreshTimeline() {
  try {
    const r = await fetch("api/timeline?after=" + lastSeq);
    const t = await r.json();
    lastSeq = t.last;
    const list = document.getElementById("timeline-list");
    for (const e of t.events) {
      calls++;
      recent.push(e);
      const li = html("li", e.line);
      li.setAttribute("data-seq", e.seq);
      list.insertBefore(li, list.firstChild);
    }
    while (list.childNodes.length > 50) list.removeChild(list.lastChild);
    while (recent.length > 400) recent.shift();
    document.getElementById("timeline-count").textContent = calls;
    drawTimeline();
  } catch (e) {
    // the next poll tries again
  }
}

function drawTimeline() {
  const svg = document.getElementById("timeline");
  svg.textContent = "";
  if (!recent.length) return;
  const end = recent[recent.length - 1].atMs, span = 10000;
  const names = [...new Set(recent.map(e => e.process))];
  svg.setAttribute("height", 14 * names.length + 10);
  names.forEach((n, i) => svg.appendChild(el("text", {x: 2, y: 12 + i * 14, "font-size": 10}, n)));
  for (const e of recent) {
    if (end - e.atMs > span) continue;
    const x = 120 + (1 - (end - e.atMs) / span) * 1060;
    const w = Math.max(2, e.ns / 1e6 / span * 1060);
    const r = el("rect", {x, y: 3 + names.indexOf(e.process) * 14, width: w, height: 10,
                          fill: e.result === "OK" ? "#68a" : "#c66"});
    r.appendChild(el("title", {}, e.line));
    svg.appendChild(r);
  }
}

refreshView();
refreshTimeline();
setInterval(refreshView, 1500);
setInterval(refreshTimeline, 500);
