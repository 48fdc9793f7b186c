// The wallboard's small chart: the last hours' volume (offered / answered / abandoned per
// 15-minute interval, all queues together) as bars and the service level as a line, drawn
// as SVG from GET /api/supervisor/stats (the ACD event log's interval statistics).
// Refreshed every REFRESH_MS and after each action of the page (a `supervisor-action` event).
// Plain DOM: every label is set as text, never as HTML.
"use strict";

import { getJson } from "./api.js";

const SVG = "http://www.w3.org/2000/svg";
const HOURS = 4;
const INTERVAL = 15 * 60;
const REFRESH_MS = 30_000;
const W = 720, H = 180, PAD = { left: 34, right: 34, top: 10, bottom: 22 };
const SERIES = [
  ["offered", "bar-offered"],
  ["answered", "bar-answered"],
  ["abandoned", "bar-abandoned"],
];

// Interval start (epoch seconds) -> the queues' figures added up.
export function byInterval(queues) {
  const out = new Map();
  for (const row of queues) {
    const sum = out.get(row.start) || { start: row.start, offered: 0, answered: 0, abandoned: 0, within: 0 };
    sum.offered += row.offered;
    sum.answered += row.answered;
    sum.abandoned += row.abandoned;
    sum.within += (row.service_level ?? 0) * row.answered;
    out.set(row.start, sum);
  }
  for (const sum of out.values()) sum.service_level = sum.answered ? sum.within / sum.answered : null;
  return out;
}

function node(tag, attrs, text) {
  const n = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, String(v));
  if (text !== undefined) n.textContent = String(text);
  return n;
}

const clock = (t) => new Date(t * 1000).toTimeString().slice(0, 5);

function draw(svg, from, sums) {
  svg.replaceChildren();
  const slots = Math.round((HOURS * 3600) / INTERVAL);
  const plotW = W - PAD.left - PAD.right, plotH = H - PAD.top - PAD.bottom;
  const slotW = plotW / slots;
  const peak = Math.max(1, ...[...sums.values()].map((s) => s.offered));
  const y = (count) => PAD.top + plotH - (count / peak) * plotH;
  const ySl = (share) => PAD.top + plotH - share * plotH;
  svg.append(node("line", { x1: PAD.left, y1: PAD.top + plotH, x2: W - PAD.right, y2: PAD.top + plotH, class: "axis" }));
  svg.append(node("text", { x: PAD.left - 4, y: PAD.top + 8, "text-anchor": "end", class: "tick" }, peak));
  svg.append(node("text", { x: W - PAD.right + 4, y: PAD.top + 8, class: "tick" }, "100%"));
  const line = [];
  for (let i = 0; i < slots; i += 1) {
    const start = from + i * INTERVAL;
    const x = PAD.left + i * slotW;
    if (i % 4 === 0) svg.append(node("text", { x, y: H - 6, class: "tick" }, clock(start)));
    const sum = sums.get(start);
    if (!sum) continue;
    const group = node("g", { class: "interval", "data-start": start, "data-offered": sum.offered,
      "data-answered": sum.answered, "data-abandoned": sum.abandoned });
    const barW = (slotW - 2) / SERIES.length;
    SERIES.forEach(([key, cls], k) => {
      group.append(node("rect", { x: x + 1 + k * barW, y: y(sum[key]), width: Math.max(1, barW - 1),
        height: PAD.top + plotH - y(sum[key]), class: cls }));
    });
    const sl = sum.service_level === null ? "—" : `${Math.round(sum.service_level * 100)}%`;
    group.append(node("title", {}, `${clock(start)}: ${sum.offered} offered, ${sum.answered} answered, ${sum.abandoned} abandoned, service level ${sl}`));
    svg.append(group);
    if (sum.service_level !== null) line.push([x + slotW / 2, ySl(sum.service_level), start]);
  }
  if (line.length) {
    svg.append(node("polyline", { points: line.map(([px, py]) => `${px},${py}`).join(" "), class: "sl-line" }));
    for (const [px, py, start] of line) svg.append(node("circle", { cx: px, cy: py, r: 3, class: "sl-point", "data-start": start }));
  }
}

async function refresh(svg, status) {
  const now = Date.now() / 1000;
  const to = now - (now % INTERVAL) + INTERVAL;
  const from = to - HOURS * 3600;
  const query = new URLSearchParams({ interval: "15", from: new Date(from * 1000).toISOString(), to: new Date(to * 1000).toISOString() });
  const answer = await getJson(`/api/supervisor/stats?${query}`);
  if (!answer.ok) {
    status.textContent = `Chart unavailable (${answer.status})`;
    return;
  }
  draw(svg, from, byInterval(answer.body.queues || []));
  svg.dataset.updated = String(now);
  status.textContent = `Updated ${clock(now)}`;
}

export function startChart() {
  const svg = document.getElementById("sl-chart");
  const status = document.getElementById("chart-status");
  if (!svg || !status) return;
  svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
  const again = () => refresh(svg, status).catch((e) => { status.textContent = `Chart: ${e}`; });
  again();
  setInterval(again, REFRESH_MS);
  document.addEventListener("supervisor-action", again);
}

startChart();
