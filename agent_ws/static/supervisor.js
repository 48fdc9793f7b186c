// The team lead's wallboard: queues and agents at a glance, live over the WebSocket
// (`floor` messages), with buttons that force an agent's state through REST.
// The server is the source of truth: every render starts from the last floor it sent.
"use strict";

import { DeskSocket } from "./socket.js";

const $ = (id) => document.getElementById(id);
const model = { user: null, floor: null, skew: 0 };

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

function renderQueues(queues) {
  const body = $("queues").querySelector("tbody");
  body.replaceChildren();
  for (const q of queues) {
    const row = document.createElement("tr");
    row.dataset.queue = q.queue;
    cell(row, q.queue);
    cell(row, String(q.waiting), "num waiting");
    cell(row, duration(q.longest_wait), "num");
    cell(row, String(q.ready_agents), "num");
    body.appendChild(row);
  }
}

function forceButton(agentId, state, label) {
  const button = document.createElement("button");
  button.type = "button";
  button.textContent = label;
  button.dataset.force = state;
  button.addEventListener("click", () => force(agentId, state));
  return button;
}

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
  if (response.ok) showMessage(`${mode} on ${agentId} from your phone ${phone}.`);
  else showMessage(answer.error || `refused (${response.status})`, true);
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
    cell(row, a.call ? `${a.call.ani || ""} ${a.call.queue || ""}`.trim() : "");
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
    cell(row, w.why, "why");
    body.appendChild(row);
  }
}

function render() {
  if (!model.floor) return;
  renderQueues(model.floor.queues);
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
