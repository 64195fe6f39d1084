/**
 * The page of `asyncaws ui`: HTML rendered by the server (the lists of queues and topics, readable
 * without JavaScript, every value escaped), a stylesheet (light and dark from the system setting)
 * and a script that adds live counts with a small SVG chart, peeking, sending, deleting, purging,
 * redriving, publishing and subscribing. The script builds every element with `textContent`:
 * message bodies are never parsed as HTML.
 *
 * @module
 */

import { formatAge } from "../oldest.js";
import type { QueueInfo } from "../queues.js";

/** Escapes text for HTML (element content and quoted attribute values). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

interface TopicRow {
  name: string;
  arn: string;
  subscriptions: { Protocol?: string | undefined; Endpoint?: string | undefined }[];
}

/** What the Oldest column shows (its header's tooltip). */
const OLDEST_TITLE =
  "the age of the oldest message: CloudWatch's ApproximateAgeOfOldestMessage, a value a minute, a few minutes late; - when unknown";

/** The whole page, with the lists filled in. */
export function renderIndex(data: {
  queues: QueueInfo[];
  topics: TopicRow[];
  token: string;
  readOnly: boolean;
  /** How often the page polls the counts, in milliseconds. @default 3000 */
  intervalMs?: number;
}): string {
  const e = escapeHtml;
  const queueRows = data.queues
    .map(
      (q) =>
        `<tr data-queue="${e(q.name)}"><th scope="row"><a href="#queue/${e(encodeURIComponent(q.name))}">${e(q.name)}</a></th>` +
        `<td class="n">${q.visible}</td><td class="n">${q.inFlight}</td><td class="n">${q.delayed}</td><td class="n">${e(formatAge(q.oldestAgeSeconds))}</td>` +
        `<td>${q.fifo ? "FIFO" : ""}</td><td>${q.deadLetterQueue ? `→ ${e(q.deadLetterQueue)}` : ""}${q.sources?.length ? ` ← ${e(q.sources.join(", "))}` : ""}</td></tr>`,
    )
    .join("\n");
  const topicRows = data.topics
    .map(
      (t) =>
        `<tr data-topic="${e(t.name)}"><th scope="row"><a href="#topic/${e(encodeURIComponent(t.name))}">${e(t.name)}</a></th>` +
        `<td class="n">${t.subscriptions.length}</td><td>${e(t.subscriptions.map((s) => `${s.Protocol ?? "?"}: ${(s.Endpoint ?? "").split(":").pop()}`).join(", "))}</td></tr>`,
    )
    .join("\n");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="asyncaws-token" content="${e(data.token)}">
<meta name="asyncaws-read-only" content="${data.readOnly ? "1" : "0"}">
<meta name="asyncaws-interval" content="${data.intervalMs ?? 3000}">
<title>asyncaws ui</title>
<link rel="stylesheet" href="/app.css">
<script src="/app.js" defer></script>
</head>
<body>
<header><h1>asyncaws</h1><span class="muted">${data.readOnly ? "read-only · " : ""}queues and topics</span></header>
<main>
<section id="queues" aria-labelledby="queues-title">
<h2 id="queues-title">Queues</h2>
<table class="list"><thead><tr><th scope="col">Queue</th><th scope="col" class="n">Visible</th><th scope="col" class="n">In flight</th><th scope="col" class="n">Delayed</th><th scope="col" class="n" title="${e(OLDEST_TITLE)}">Oldest</th><th scope="col">Type</th><th scope="col">Dead-letter</th></tr></thead>
<tbody>
${queueRows || '<tr><td colspan="7" class="muted">No queues</td></tr>'}
</tbody></table>
<figure id="chart" hidden><svg viewBox="0 0 600 224" role="img" aria-label="the queue's counts and rates over the last minutes"></svg><figcaption class="muted"></figcaption></figure>
</section>
<section id="detail" hidden aria-live="polite"></section>
<section id="topics" aria-labelledby="topics-title">
<h2 id="topics-title">Topics</h2>
<table class="list"><thead><tr><th scope="col">Topic</th><th scope="col" class="n">Subscriptions</th><th scope="col">To</th></tr></thead>
<tbody>
${topicRows || '<tr><td colspan="3" class="muted">No topics</td></tr>'}
</tbody></table>
</section>
</main>
<noscript><p class="muted">Without JavaScript this page lists the queues and topics; peeking, sending and the rest need it.</p></noscript>
</body>
</html>
`;
}

export const APP_CSS = `:root { color-scheme: light dark; --bg: #fff; --fg: #1b1f24; --muted: #667; --line: #d8dde3; --accent: #0b62c4; --warn: #a35a00; --bad: #b3261e; --ok: #1a7f37; --code: #f4f6f8; }
@media (prefers-color-scheme: dark) { :root { --bg: #121417; --fg: #e6e8eb; --muted: #9aa3ad; --line: #2c323a; --accent: #6cb2ff; --warn: #e0a45a; --bad: #ff8a80; --ok: #64d487; --code: #1c2026; } }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, sans-serif; background: var(--bg); color: var(--fg); }
header { display: flex; gap: 1rem; align-items: baseline; padding: .75rem 1.25rem; border-bottom: 1px solid var(--line); }
h1 { font-size: 1.2rem; margin: 0; } h2 { font-size: 1.05rem; margin: 1.25rem 0 .5rem; } h3 { font-size: 1rem; margin: 1rem 0 .4rem; }
main { padding: 0 1.25rem 2rem; max-width: 1100px; }
.muted { color: var(--muted); }
table.list { border-collapse: collapse; width: 100%; }
.list th, .list td { text-align: left; padding: .3rem .6rem; border-bottom: 1px solid var(--line); }
.list .n { text-align: right; font-variant-numeric: tabular-nums; }
a { color: var(--accent); } a:focus-visible, button:focus-visible, input:focus-visible, textarea:focus-visible, select:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
tr.selected { background: var(--code); }
button { font: inherit; padding: .3rem .8rem; border: 1px solid var(--line); border-radius: 6px; background: var(--code); color: var(--fg); cursor: pointer; }
button.danger { color: var(--bad); border-color: var(--bad); }
input, textarea, select { font: inherit; padding: .3rem .4rem; border: 1px solid var(--line); border-radius: 6px; background: var(--bg); color: var(--fg); }
textarea { width: 100%; min-height: 5rem; font-family: ui-monospace, monospace; }
form { display: grid; gap: .5rem; margin: .5rem 0 1rem; max-width: 700px; }
form .row { display: flex; gap: .5rem; flex-wrap: wrap; align-items: center; }
.message { border: 1px solid var(--line); border-radius: 8px; padding: .6rem .8rem; margin: .6rem 0; }
.message pre { background: var(--code); padding: .5rem; border-radius: 6px; overflow: auto; margin: .4rem 0 0; white-space: pre-wrap; word-break: break-word; }
.meta { color: var(--muted); font-size: .85rem; }
.warn { color: var(--warn); } .error { color: var(--bad); } .ok { color: var(--ok); }
progress { width: 100%; max-width: 500px; }
figure { margin: .75rem 0; } svg { display: block; width: 100%; max-width: 600px; height: auto; aspect-ratio: 600 / 224; border: 1px solid var(--line); border-radius: 6px; }
svg polyline { fill: none; stroke-width: 2; stroke-linejoin: round; } svg .axis { stroke: var(--line); } svg text { fill: var(--muted); font-size: 11px; }
svg .visible { stroke: var(--accent); } svg .inflight { stroke: var(--warn); } svg .delayed { stroke: var(--muted); stroke-dasharray: 4 3; }
svg .rate-in { stroke: var(--ok); } svg .rate-out { stroke: var(--bad); }
.key::before { content: ""; display: inline-block; width: .9em; height: .25em; margin-right: .3em; vertical-align: middle; background: currentColor; }
.key.visible { color: var(--accent); } .key.inflight { color: var(--warn); } .key.delayed { color: var(--muted); } .key.rate-in { color: var(--ok); } .key.rate-out { color: var(--bad); }
.now { color: var(--fg); }
`;

export const APP_JS = `"use strict";
(() => {
  const token = document.querySelector('meta[name="asyncaws-token"]').content;
  const readOnly = document.querySelector('meta[name="asyncaws-read-only"]').content === "1";
  const interval = Math.max(250, Number(document.querySelector('meta[name="asyncaws-interval"]').content) || 3000);
  const KEEP = Math.ceil(180000 / Math.max(1000, interval)); // points: the last three minutes
  // queue -> [{ t, visible, inFlight, delayed }]: a point each second at most, the newest excepted
  // (see poll); the first point, what the page first saw, is never replaced.
  const history = new Map();
  let current = null;

  function h(tag, props, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(props || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
      else if (k === "text") el.textContent = v;
      else el.setAttribute(k, v === true ? "" : String(v));
    }
    for (const child of children.flat()) if (child !== null && child !== undefined && child !== false) el.append(child instanceof Node ? child : document.createTextNode(String(child)));
    return el;
  }
  async function api(path, body) {
    const init = body === undefined ? {} : { method: "POST", headers: { "content-type": "application/json", "x-asyncaws-token": token }, body: JSON.stringify(body) };
    const res = await fetch(path, { ...init, credentials: "same-origin" });
    const data = await res.json().catch(() => ({ error: res.statusText }));
    if (!res.ok) throw new Error(data.error || res.statusText);
    return data;
  }
  const enc = encodeURIComponent;
  // The age of a queue's oldest message, as the server and the CLI write it ("45s", "12m", "-").
  const age = (${formatAge.toString()});
  const pretty = (body) => { const t = body.trim(); if (t.startsWith("{") || t.startsWith("[")) { try { return JSON.stringify(JSON.parse(t), null, 2); } catch {} } return body; };
  const status = (el, text, cls) => { el.textContent = text; el.className = cls || "muted"; };

  // The chart: counts (visible, in flight, delayed) and the rates at which messages come in and
  // go out, from the counts the page polls (GetQueueAttributes gives counts, not counters: a rate
  // is the net change of the queue's total between two polls, so 5 sent and 5 deleted in the same
  // interval show as nothing).
  const SVG = "http://www.w3.org/2000/svg";
  const W = 600, TOP = 8, COUNTS_H = 110, RATES_TOP = 142, RATES_H = 60;
  function svg(tag, attrs, text) {
    const el = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
    if (text !== undefined) el.textContent = text;
    return el;
  }
  function rates(points) {
    const out = [];
    for (let i = 1; i < points.length; i++) {
      // The newest point may be less than a second after the one before it: its rate is taken
      // over the point before that one, so that a rate is never the change over a few milliseconds.
      const b = points[i];
      let a = points[i - 1];
      if (b.t - a.t < 1000) { if (i < 2) continue; a = points[i - 2]; }
      const seconds = Math.max(0.001, (b.t - a.t) / 1000);
      const change = (b.visible + b.inFlight + b.delayed - a.visible - a.inFlight - a.delayed) / seconds;
      out.push({ t: b.t, in: Math.max(0, change), out: Math.max(0, -change) });
    }
    return out;
  }
  const fmt = (n) => (n >= 100 || Number.isInteger(n) ? String(Math.round(n)) : n.toFixed(1));
  function panel(group, points, keys, top, height, label, t0, t1) {
    const max = Math.max(1, ...points.flatMap((p) => keys.map(([k]) => p[k])));
    const x = (t) => 40 + ((t - t0) / Math.max(1, t1 - t0)) * (W - 48);
    const y = (v) => top + height - (v / max) * (height - 14); // the label's row stays clear
    group.append(svg("line", { class: "axis", x1: 40, x2: W - 8, y1: top + height, y2: top + height }),
      svg("text", { x: 36, y: top + 18, "text-anchor": "end" }, fmt(max)),
      svg("text", { x: 36, y: top + height, "text-anchor": "end" }, "0"),
      svg("text", { x: 44, y: top + 9 }, label));
    for (const [key, cls] of keys) {
      if (points.length < 2) continue;
      group.append(svg("polyline", { class: cls, points: points.map((p) => x(p.t).toFixed(1) + "," + y(p[key]).toFixed(1)).join(" ") }));
    }
    return max;
  }
  function chart(name) {
    const fig = document.getElementById("chart");
    const points = history.get(name) || [];
    fig.hidden = points.length < 2;
    const root = fig.querySelector("svg");
    root.replaceChildren();
    if (points.length < 2) return;
    const t0 = points[0].t, t1 = points[points.length - 1].t;
    const flows = rates(points);
    panel(root, points, [["visible", "visible"], ["inFlight", "inflight"], ["delayed", "delayed"]], TOP, COUNTS_H, "messages", t0, t1);
    panel(root, flows, [["in", "rate-in"], ["out", "rate-out"]], RATES_TOP, RATES_H, "per second", t0, t1);
    const span = Math.round((t1 - t0) / 1000);
    root.append(svg("text", { x: 40, y: 218 }, "−" + (span >= 120 ? Math.round(span / 60) + " min" : span + " s")), svg("text", { x: W - 8, y: 218, "text-anchor": "end" }, "now"));
    const last = points[points.length - 1], flow = flows[flows.length - 1];
    // No rate yet while the newest point is less than a second after the first one.
    const summary = name + ": " + last.visible + " visible, " + last.inFlight + " in flight, " + last.delayed + " delayed" + (flow ? "; " + fmt(flow.in) + "/s in, " + fmt(flow.out) + "/s out" : "");
    root.setAttribute("aria-label", summary + " (the last " + span + " s)");
    const caption = fig.querySelector("figcaption");
    caption.replaceChildren(h("span", { class: "key visible", text: "visible" }), " ", h("span", { class: "key inflight", text: "in flight" }), " ", h("span", { class: "key delayed", text: "delayed" }), " · ",
      h("span", { class: "key rate-in", text: "in/s" }), " ", h("span", { class: "key rate-out", text: "out/s" }), " (net change of the count between polls) · ", h("span", { class: "now", text: summary }));
  }

  // One poll of the counts at a time: a refresh asked while one is under way (the interval's,
  // an action's) runs once it has answered. Overlapping polls would answer in any order, and a
  // late answer would put old counts on the chart at a new time.
  let polling = null, pollAgain = false;
  function refresh() {
    if (polling) { pollAgain = true; return polling; }
    polling = (async () => {
      try { do { pollAgain = false; await poll(); } while (pollAgain); } finally { polling = null; }
    })();
    return polling;
  }

  // A queue's row: its link, then Visible, In flight, Delayed, Oldest, Type, Dead-letter.
  const CELLS = ["n", "n", "n", "n", "", ""];
  function queueRow(name) {
    return h("tr", { "data-queue": name }, h("th", { scope: "row" }, h("a", { href: "#queue/" + enc(name), text: name })),
      ...CELLS.map((cls) => h("td", { class: cls || undefined })));
  }

  async function poll() {
    try {
      const queues = await api("/api/queues");
      const now = Date.now();
      for (const q of queues) {
        const points = history.get(q.name) || [];
        const point = { t: now, visible: q.visible, inFlight: q.inFlight, delayed: q.delayed };
        // Refreshes right after an action come close together: a point each second at most. The
        // newest point, while less than a second after the one before it, is replaced by the next
        // poll's (the net change since the point before stays on the chart, at its true time);
        // the others stay as they were (overwriting a point would erase a change: a queue emptied
        // within the page's first second would chart as always empty).
        const n = points.length;
        if (n >= 2 && points[n - 1].t - points[n - 2].t < 1000) points[n - 1] = point;
        else points.push(point);
        while (points.length > KEEP) points.shift();
        history.set(q.name, points);
      }
      // The rows are updated in place, never rebuilt: a link being clicked (Chromium drops a click
      // whose press went to an element that left the page), focused or selected stays as it is.
      const tbody = document.querySelector("#queues tbody");
      const names = new Set(queues.map((q) => q.name));
      const rows = new Map();
      for (const tr of [...tbody.rows]) {
        const name = tr.getAttribute("data-queue");
        if (name !== null && names.has(name) && tr.cells.length === CELLS.length + 1) rows.set(name, tr);
        else tr.remove();
      }
      let at = tbody.firstElementChild;
      for (const q of queues) {
        let tr = rows.get(q.name);
        if (!tr) { tr = queueRow(q.name); tbody.insertBefore(tr, at); }
        else if (tr === at) at = at.nextElementSibling;
        else tbody.insertBefore(tr, at);
        const links = (q.deadLetterQueue ? "→ " + q.deadLetterQueue : "") + (q.sources && q.sources.length ? " ← " + q.sources.join(", ") : "");
        const texts = [q.visible, q.inFlight, q.delayed, age(q.oldestAgeSeconds), q.fifo ? "FIFO" : "", links];
        texts.forEach((text, i) => { const cell = tr.cells[i + 1]; if (cell.textContent !== String(text)) cell.textContent = String(text); });
        tr.classList.toggle("selected", !!(current && current.kind === "queue" && current.name === q.name));
      }
      if (!queues.length) tbody.append(h("tr", {}, h("td", { colspan: CELLS.length + 1, class: "muted", text: "No queues" })));
      if (current && current.kind === "queue") chart(current.name);
    } catch (error) { console.error(error); }
  }

  function attributeRows(container) {
    const rows = h("div", {});
    const add = () => rows.append(h("div", { class: "row" },
      h("input", { name: "attr-name", placeholder: "attribute name", "aria-label": "attribute name" }),
      h("select", { name: "attr-type", "aria-label": "attribute type" }, h("option", { text: "String" }), h("option", { text: "Number" }), h("option", { text: "Binary" })),
      h("input", { name: "attr-value", placeholder: "value (base64 for Binary)", "aria-label": "attribute value" })));
    add();
    container.append(rows, h("button", { type: "button", onclick: add, text: "Add attribute" }));
    return () => {
      const out = {};
      for (const row of rows.children) {
        const name = row.querySelector('[name="attr-name"]').value.trim();
        if (!name) continue;
        const type = row.querySelector('[name="attr-type"]').value;
        const value = row.querySelector('[name="attr-value"]').value;
        out[name] = type === "Binary" ? { DataType: type, BinaryValue: value } : { DataType: type, StringValue: value };
      }
      return out;
    };
  }

  function renderMessage(queue, m, onDeleted) {
    const a = m.Attributes || {};
    const meta = [m.MessageId, a.ApproximateReceiveCount ? "received " + a.ApproximateReceiveCount + "×" : "", a.SentTimestamp ? "sent " + new Date(Number(a.SentTimestamp)).toISOString() : "", a.MessageGroupId ? "group " + a.MessageGroupId : "", m.Sns ? "from " + m.Sns.TopicArn.split(":").pop() : ""].filter(Boolean).join(" · ");
    const attrs = Object.entries(m.MessageAttributes || {}).map(([k, v]) => k + "=" + (v.BinaryValue !== undefined ? "<binary " + v.BinaryValue + ">" : v.StringValue) + (v.DataType === "String" ? "" : " (" + v.DataType + ")")).join("  ");
    const box = h("article", { class: "message" }, h("div", { class: "meta", text: meta }), attrs ? h("div", { class: "meta", text: attrs }) : null, h("pre", { class: "body", text: pretty(m.Body) }));
    if (!readOnly) {
      const out = h("span", { class: "muted" });
      box.append(h("div", { class: "row" }, h("button", { type: "button", class: "danger", text: "Delete", onclick: async () => {
        try { await api("/api/queues/" + enc(queue) + "/delete", { receiptHandle: m.ReceiptHandle }); box.remove(); onDeleted(); } catch (e) { status(out, e.message, "error"); }
      } }), " ", out));
    }
    return box;
  }

  async function showQueue(name) {
    current = { kind: "queue", name };
    const detail = document.getElementById("detail");
    detail.hidden = false;
    const peekOut = h("div", {});
    const note = h("p", { class: "muted" });
    const n = h("input", { type: "number", min: 1, max: 100, value: 10, "aria-label": "how many" });
    const unwrap = h("input", { type: "checkbox", id: "unwrap" });
    const peek = async () => {
      status(note, "peeking…");
      try {
        const result = await api("/api/queues/" + enc(name) + "/peek?n=" + enc(n.value) + (unwrap.checked ? "&unwrap=1" : ""));
        peekOut.replaceChildren(...result.messages.map((m) => renderMessage(name, m, refresh)));
        status(note, result.warning || "no messages", result.warning ? "warn" : "muted");
      } catch (e) { status(note, e.message, "error"); }
    };
    const children = [h("h2", { text: "Queue " + name, tabindex: -1 }),
      h("form", { onsubmit: (ev) => { ev.preventDefault(); peek(); } },
        h("div", { class: "row" }, h("button", { type: "submit", text: "Peek" }), n, h("label", {}, unwrap, " unwrap SNS envelopes")),
        h("p", { class: "muted", text: "A peek receives the messages and releases them at once: each peek raises their receive count, which counts toward the redrive policy." })),
      note, peekOut];
    if (!readOnly) {
      const sendOut = h("p", { class: "muted" });
      const body = h("textarea", { name: "body", "aria-label": "message body", required: true });
      const group = h("input", { name: "group", placeholder: "FIFO group id", "aria-label": "FIFO group id" });
      const dedup = h("input", { name: "dedup", placeholder: "deduplication id", "aria-label": "deduplication id" });
      const delay = h("input", { name: "delay", type: "number", min: 0, max: 900, placeholder: "delay s", "aria-label": "delay in seconds" });
      const attrBox = h("div", {});
      const readAttrs = attributeRows(attrBox);
      children.push(h("h3", { text: "Send a message" }), h("form", { onsubmit: async (ev) => {
        ev.preventDefault();
        try { const r = await api("/api/queues/" + enc(name) + "/send", { body: body.value, groupId: group.value, dedupId: dedup.value, delay: delay.value, attributes: readAttrs() }); status(sendOut, "sent " + r.MessageId, "ok"); refresh(); } catch (e) { status(sendOut, e.message, "error"); }
      } }, body, h("div", { class: "row" }, group, dedup, delay), attrBox, h("div", {}, h("button", { type: "submit", text: "Send" }))), sendOut);

      const purgeOut = h("p", { class: "muted" });
      const confirm = h("input", { name: "confirm", placeholder: "type " + name, "aria-label": "type the queue's name to purge it" });
      children.push(h("h3", { text: "Purge" }), h("form", { onsubmit: async (ev) => {
        ev.preventDefault();
        try { await api("/api/queues/" + enc(name) + "/purge", { confirm: confirm.value }); status(purgeOut, "purged", "ok"); refresh(); } catch (e) { status(purgeOut, e.message, "error"); }
      } }, h("div", { class: "row" }, confirm, h("button", { type: "submit", class: "danger", text: "Purge every message" }))), purgeOut);

      const redriveOut = h("p", { class: "muted" });
      const bar = h("progress", { max: 1, value: 0, hidden: true, "aria-label": "messages moved" });
      // To a FIFO queue (its name ends in .fifo), the group of the messages that have none.
      const redriveGroup = h("input", { name: "redrive-group", placeholder: "FIFO group id (for messages without one)", "aria-label": "group id in the FIFO destination", hidden: true });
      const destination = h("input", { name: "destination", placeholder: "destination (empty: the source queues)", "aria-label": "destination queue",
        oninput: () => { redriveGroup.hidden = !destination.value.trim().endsWith(".fifo"); } });
      const follow = async () => {
        for (;;) {
          const { task } = await api("/api/queues/" + enc(name) + "/redrive");
          if (!task) { status(redriveOut, "no move task", "muted"); return; }
          bar.hidden = false;
          bar.max = task.ApproximateNumberOfMessagesToMove || 1;
          bar.value = task.ApproximateNumberOfMessagesMoved || 0;
          const how = task.mode === "client" ? " by this server (SQS's move task: " + task.reason + ")" : "";
          status(redriveOut, task.Status + ": " + (task.ApproximateNumberOfMessagesMoved || 0) + " of " + (task.ApproximateNumberOfMessagesToMove ?? "?") + " moved" + how + (task.FailureReason ? "; " + task.FailureReason : ""), task.Status === "FAILED" ? "error" : task.Status === "COMPLETED" ? "ok" : "muted");
          refresh();
          if (task.Status !== "RUNNING" && task.Status !== "CANCELLING") return;
          await new Promise((r) => setTimeout(r, task.mode === "client" ? 300 : 1000));
        }
      };
      children.push(h("h3", { text: "Redrive (dead-letter queue)" }), h("form", { onsubmit: async (ev) => {
        ev.preventDefault();
        try { await api("/api/queues/" + enc(name) + "/redrive", { destination: destination.value.trim(), groupId: redriveGroup.hidden ? "" : redriveGroup.value }); await follow(); } catch (e) { status(redriveOut, e.message, "error"); }
      } }, h("div", { class: "row" }, destination, redriveGroup, h("button", { type: "submit", text: "Start the move task" }))), bar, redriveOut);
    }
    detail.replaceChildren(...children);
    detail.querySelector("h2").focus();
    refresh();
  }

  async function showTopic(name) {
    current = { kind: "topic", name };
    document.getElementById("chart").hidden = true;
    const detail = document.getElementById("detail");
    detail.hidden = false;
    const topics = await api("/api/topics").catch(() => []);
    const topic = topics.find((t) => t.name === name);
    const children = [h("h2", { text: "Topic " + name, tabindex: -1 }), h("p", { class: "meta", text: topic ? topic.arn : "" }),
      h("ul", {}, ...(topic ? topic.subscriptions : []).map((s) => h("li", { text: (s.Protocol || "?") + ": " + (s.Endpoint || "") })))];
    if (!readOnly) {
      const out = h("p", { class: "muted" });
      const message = h("textarea", { name: "message", "aria-label": "message", required: true });
      const subject = h("input", { name: "subject", placeholder: "subject", "aria-label": "subject" });
      const group = h("input", { name: "group", placeholder: "FIFO group id", "aria-label": "FIFO group id" });
      const attrBox = h("div", {});
      const readAttrs = attributeRows(attrBox);
      children.push(h("h3", { text: "Publish" }), h("form", { onsubmit: async (ev) => {
        ev.preventDefault();
        try { const r = await api("/api/topics/" + enc(name) + "/publish", { message: message.value, subject: subject.value, groupId: group.value, attributes: readAttrs() }); status(out, "published " + r.MessageId, "ok"); } catch (e) { status(out, e.message, "error"); }
      } }, message, h("div", { class: "row" }, subject, group), attrBox, h("div", {}, h("button", { type: "submit", text: "Publish" }))), out);
      const subOut = h("p", { class: "muted" });
      const queue = h("input", { name: "queue", placeholder: "queue name", "aria-label": "queue to subscribe", required: true });
      const raw = h("input", { type: "checkbox" });
      const filter = h("input", { name: "filter", placeholder: 'filter policy, e.g. {"kind":["order"]}', "aria-label": "filter policy" });
      children.push(h("h3", { text: "Subscribe a queue" }), h("form", { onsubmit: async (ev) => {
        ev.preventDefault();
        try { const r = await api("/api/topics/" + enc(name) + "/subscribe", { queue: queue.value, raw: raw.checked, filter: filter.value }); status(subOut, "subscribed (policy " + (r.policyChanged ? "merged" : "unchanged") + ")", "ok"); } catch (e) { status(subOut, e.message, "error"); }
      } }, h("div", { class: "row" }, queue, h("label", {}, raw, " raw delivery")), filter, h("div", {}, h("button", { type: "submit", text: "Subscribe" }))), subOut);
    }
    detail.replaceChildren(...children);
    detail.querySelector("h2").focus();
  }

  function route() {
    const [kind, name] = location.hash.slice(1).split("/");
    if (kind === "queue" && name) showQueue(decodeURIComponent(name));
    else if (kind === "topic" && name) showTopic(decodeURIComponent(name));
    else { current = null; document.getElementById("detail").hidden = true; document.getElementById("chart").hidden = true; }
  }
  window.addEventListener("hashchange", route);
  // Escape leaves a queue or topic (back to the lists, focus on its link).
  document.addEventListener("keydown", (ev) => {
    if (ev.key !== "Escape" || !current || ev.target.closest("input, textarea, select")) return;
    const selector = current.kind === "queue" ? "#queues" : "#topics";
    const href = "#" + current.kind + "/" + enc(current.name);
    location.hash = "";
    const link = [...document.querySelectorAll(selector + " a")].find((a) => a.getAttribute("href") === href);
    if (link) link.focus();
  });
  route();
  refresh();
  setInterval(refresh, interval);
})();
`;
