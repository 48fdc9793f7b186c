// The team lead's wallboard: queues and agents at a glance, live over the WebSocket
// (`floor` messages): per queue waiting, longest wait, service level today and over the
// last 30 minutes, abandonment and agents by state, coloured at the thresholds the server
// sends, with an alert when a service level is below target; buttons that force an
// agent's state or start listen/whisper/barge through REST.
// The server is the source of truth: every render starts from the last floor it sent.
"use strict";

import { DeskSocket } from "./socket.js";

const $ = (id) => document.getElementById(id);
const model = { user: null, floor: null, skew: 0 };
const DEFAULT_THRESHOLDS = { answer_within: 20, service_level_target: 0.8, wait_warn: 30, wait_alert: 60 };

function showMessage(text, isError = false) {
  const line = $("message");
  line.textContent = text || "";
  line.classList.toggle("error", isError);
  line.hidden = !text;
}

function duration(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  const m = Math.floor(s / 60);
  return m >= 60 ? `${Math.floor(m / 60)}h ${m % 60}m` : `${m}:${String(s % 60).padStart(2, "0")}`;
}

function cell(row, text, className) {
  const td = document.createElement("td");
  td.textContent = text;
  if (className) td.className = className;
  row.appendChild(td);
  return td;
}

const percent = (share) => (share === null || share === undefined ? "—" : `${Math.round(share * 100)}%`);

// ok / warn / bad for a service level against the target (warn: within 10 points below).
function levelClass(share, t) {
  if (share === null || share === undefined) return "";
  if (share >= t.service_level_target) return "level-ok";
  return share >= t.service_level_target - 0.1 ? "level-warn" : "level-bad";
}

function waitClass(seconds, t) {
  if (seconds >= t.wait_alert) return "level-bad";
  return seconds >= t.wait_warn ? "level-warn" : "";
}

function levelCell(row, figures, t, name) {
  const td = cell(row, figures ? percent(figures.service_level) : "—", `num ${name}`);
  if (figures) {
    const level = levelClass(figures.service_level, t);
    if (level) td.classList.add(level);
    td.title = `${figures.answered} answered of ${figures.offered} offered`;
    td.dataset.level = figures.service_level === null ? "" : String(figures.service_level);
  }
  return td;
}

function renderQueues(queues, t) {
  const body = $("queues").querySelector("tbody");
  body.replaceChildren();
  for (const q of queues) {
    const row = document.createElement("tr");
    row.dataset.queue = q.queue;
    cell(row, q.queue);
    cell(row, String(q.waiting), "num waiting");
    const wait = cell(row, q.waiting ? duration(q.longest_wait) : "—", "num longest");
    const waitLevel = q.waiting ? waitClass(q.longest_wait, t) : "";
    if (waitLevel) wait.classList.add(waitLevel);
    levelCell(row, q.today, t, "sl-today");
    levelCell(row, q.last_30_min, t, "sl-recent");
    const today = q.today;
    cell(row, today ? `${today.abandoned} (${percent(today.abandon_rate)})` : "—", "num abandoned");
    const states = cell(row, "", "by-state");
    for (const [state, n] of Object.entries(q.agents_by_state || {})) {
      const badge = document.createElement("span");
      badge.className = `badge state-${state}`;
      badge.textContent = `${n} ${state.replaceAll("_", " ")}`;
      states.appendChild(badge);
    }
    body.appendChild(row);
  }
}

// The alert: queues whose service level (last 30 min, or today when the last 30 min had
// no calls) is below the target.
function renderAlert(queues, t) {
  const below = [];
  for (const q of queues) {
    const figures = q.last_30_min && q.last_30_min.offered ? q.last_30_min : q.today;
    if (figures && figures.offered && figures.service_level < t.service_level_target) {
      below.push(`${q.queue} ${percent(figures.service_level)}`);
    }
  }
  const alert = $("sl-alert");
  alert.hidden = !below.length;
  alert.textContent = below.length
    ? `Service level below the ${percent(t.service_level_target)} target: ${below.join(", ")}`
    : "";
  document.title = `${below.length ? "⚠ " : ""}Wallboard · Call centre`;
}

function renderThresholds(t) {
  $("thresholds").textContent =
    `Service level: answered within ${t.answer_within} s; target ${percent(t.service_level_target)}. ` +
    `Longest wait amber from ${duration(t.wait_warn)}, red from ${duration(t.wait_alert)}.`;
}

function forceButton(agentId, state, label) {
  const button = document.createElement("button");
  button.type = "button";
  button.textContent = label;
  button.dataset.force = state;
  button.addEventListener("click", () => force(agentId, state));
  return button;
}

// The audit view (audit.js) reloads, and the chart (chart.js) too, after an action.
const acted = () => document.dispatchEvent(new Event("supervisor-action"));

function superviseButton(agentId, mode, label) {
  const button = document.createElement("button");
  button.type = "button";
  button.textContent = label;
  button.dataset.supervise = mode;
  button.addEventListener("click", () => supervise(agentId, mode));
  return button;
}

async function supervise(agentId, mode) {
  const phone = $("my-phone").value.trim();
  if (!/^[0-9]{2,6}$/.test(phone)) {
    showMessage("Enter your phone's extension first (My phone).", true);
    return;
  }
  localStorage.setItem("cc-my-phone", phone);
  showMessage(`Ringing your phone ${phone}…`);
  const response = await fetch(`/api/supervisor/agents/${encodeURIComponent(agentId)}/supervise`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    credentials: "same-origin",
    body: JSON.stringify({ mode, phone }),
  });
  const answer = await response.json().catch(() => ({}));
  if (response.ok) {
    showMessage(`${mode} on ${agentId} from your phone ${phone}.`);
    acted();
  } else showMessage(answer.error || `refused (${response.status})`, true);
}

function renderAgents(agents) {
  const body = $("agents").querySelector("tbody");
  body.replaceChildren();
  const now = Date.now() / 1000 + model.skew;
  for (const a of agents) {
    const row = document.createElement("tr");
    row.dataset.agent = a.agent_id;
    cell(row, a.display_name);
    const state = cell(row, a.state.replace("_", " ") + (a.reason ? ` (${a.reason})` : ""));
    state.className = `badge state-${a.state}`;
    state.dataset.state = a.state;
    cell(row, duration(now - a.since), "num");
    cell(row, a.call ? a.call.ani || "withheld" : "");
    cell(row, a.call ? a.call.queue || "" : "", "queue");
    const supervise = cell(row, "");
    if (a.state === "on_call") {
      supervise.append(
        superviseButton(a.agent_id, "listen", "Listen"),
        superviseButton(a.agent_id, "whisper", "Whisper"),
        superviseButton(a.agent_id, "barge", "Barge"),
      );
    }
    const actions = cell(row, "");
    actions.append(
      forceButton(a.agent_id, "ready", "Ready"),
      forceButton(a.agent_id, "not_ready", "Not ready"),
      forceButton(a.agent_id, "signed_out", "Sign out"),
    );
    body.appendChild(row);
  }
}

function renderWaiting(waiting) {
  const body = $("waiting").querySelector("tbody");
  body.replaceChildren();
  for (const w of waiting || []) {
    const row = document.createElement("tr");
    row.dataset.call = w.call_id;
    cell(row, w.ani || "withheld");
    cell(row, w.queue);
    cell(row, duration(w.waited), "num");
    cell(row, w.priority === undefined ? "" : String(w.priority), "num priority");
    cell(row, w.why, "why");
    const actions = cell(row, "");
    actions.append(priorityButton(w), moveControl(w));
    body.appendChild(row);
  }
}

// A waiting call's controls: raise its priority by 10, or move it to another queue.
function priorityButton(w) {
  const button = document.createElement("button");
  button.type = "button";
  button.textContent = "Priority +10";
  button.dataset.action = "priority";
  const next = Math.min((w.priority || 0) + 10, 100);
  button.addEventListener("click", () => callAction(w.call_id, "priority", { priority: next }));
  return button;
}

function moveControl(w) {
  const select = document.createElement("select");
  select.setAttribute("aria-label", "Move to queue");
  select.dataset.action = "move";
  const prompt = document.createElement("option");
  prompt.value = "";
  prompt.textContent = "Move to…";
  select.append(prompt);
  for (const q of (model.floor && model.floor.queues) || []) {
    if (q.queue === w.queue) continue;
    const option = document.createElement("option");
    option.value = q.queue;
    option.textContent = q.queue;
    select.append(option);
  }
  select.addEventListener("change", () => {
    if (select.value) callAction(w.call_id, "queue", { queue: select.value });
  });
  return select;
}

async function callAction(callId, what, body) {
  const response = await fetch(`/api/supervisor/calls/${encodeURIComponent(callId)}/${what}`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    credentials: "same-origin",
    body: JSON.stringify(body),
  });
  const answer = await response.json().catch(() => ({}));
  showMessage(response.ok ? "" : answer.error || `refused (${response.status})`, !response.ok);
  if (response.ok) acted();
}

function render() {
  if (!model.floor) return;
  const t = model.floor.thresholds || DEFAULT_THRESHOLDS;
  renderThresholds(t);
  renderQueues(model.floor.queues, t);
  renderAlert(model.floor.queues, t);
  renderWaiting(model.floor.waiting);
  renderAgents(model.floor.agents);
}

async function loadFloor() {
  const response = await fetch("/api/supervisor/floor", { credentials: "same-origin" });
  if (response.status === 401) return window.location.assign("/login");
  if (response.status === 403) return showMessage("The wallboard is for team leads.", true);
  model.floor = await response.json();
  render();
}

async function force(agentId, state) {
  const body = { state };
  if (state === "not_ready") body.reason = "Supervisor";
  const response = await fetch(`/api/supervisor/agents/${encodeURIComponent(agentId)}/state`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    credentials: "same-origin",
    body: JSON.stringify(body),
  });
  const answer = await response.json().catch(() => ({}));
  showMessage(response.ok ? "" : answer.error || `refused (${response.status})`, !response.ok);
  if (response.ok) acted();
}

function handle(envelope) {
  if (typeof envelope.at === "number") model.skew = envelope.at - Date.now() / 1000;
  if (envelope.type === "floor") {
    model.floor = envelope.data;
    render();
  } else if (envelope.type === "hello" || envelope.type === "snapshot") {
    loadFloor();
  }
}

async function fetchToken() {
  const response = await fetch("/api/session", { credentials: "same-origin" });
  if (response.status === 401) return null;
  if (!response.ok) throw new Error(`session: ${response.status}`);
  const body = await response.json();
  model.user = body.user;
  $("who").textContent = `${body.user.display_name} (${body.user.username}, ${body.user.role})`;
  return body.ws_token;
}

const STATUS_WORDS = { online: "Connected", connecting: "Connecting…", offline: "Reconnecting…" };
const socket = new DeskSocket({
  fetchToken,
  onMessage: handle,
  onStatus: (status) => {
    const conn = $("conn");
    conn.dataset.status = status;
    conn.className = `conn conn-${status}`;
    conn.textContent = STATUS_WORDS[status] || status;
  },
  onLoggedOut: () => window.location.assign("/login"),
});

$("btn-logout").addEventListener("click", async () => {
  socket.stop();
  await fetch("/api/logout", { method: "POST", credentials: "same-origin" }).catch(() => null);
  window.location.assign("/login");
});

$("my-phone").value = localStorage.getItem("cc-my-phone") || "";
setInterval(render, 1000); // keeps the durations current
socket.connect();
