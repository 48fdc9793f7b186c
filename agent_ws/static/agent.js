// The agent's desk page: shows the agent's state, the call and its screen pop, and sends
// the agent's requests over the WebSocket (or REST while the socket is down).
// The server is the source of truth: every render starts from the last view it sent.
"use strict";

import { callerTitle, renderCall, renderPop } from "./pop.js";
import { DeskSocket } from "./socket.js";

const $ = (id) => document.getElementById(id);

const model = {
  user: null,
  agent: null, // the AgentView, as in docs/websocket.md
  call: null,
  pop: null,
  picked: 0, // which candidate of a multi-match pop is shown
  skew: 0, // server wall clock minus ours, in seconds, from envelopes' "at"
};

// Buttons that make sense in each well-known state; an unknown state enables them all
// and lets the server refuse.
const ALLOWED = {
  signed_out: ["sign_in"],
  ready: ["not_ready", "sign_out"],
  not_ready: ["ready", "not_ready", "sign_out"],
  reserved: [],
  ringing: [],
  on_call: [],
  wrap_up: [],
};
const BUTTONS = {
  sign_in: "btn-sign-in",
  ready: "btn-ready",
  not_ready: "btn-not-ready",
  sign_out: "btn-sign-out",
};
const REST_PATHS = {
  sign_in: "sign-in",
  sign_out: "sign-out",
  ready: "ready",
  not_ready: "not-ready",
  wrap_up: "wrap-up",
};

function showMessage(text, isError = false) {
  const line = $("message");
  line.textContent = text || "";
  line.classList.toggle("error", isError);
  line.hidden = !text;
}

function elapsed(since) {
  const seconds = Math.max(0, Math.floor(Date.now() / 1000 + model.skew - since));
  const m = Math.floor(seconds / 60);
  const s = String(seconds % 60).padStart(2, "0");
  return m >= 60 ? `${Math.floor(m / 60)}h ${m % 60}m` : `${m}:${s}`;
}

function renderState() {
  const agent = model.agent;
  $("no-desk").hidden = agent !== null || model.user === null;
  const state = agent ? agent.state : "";
  const badge = $("state-badge");
  badge.textContent = state ? state.replaceAll("_", " ") : "—";
  badge.dataset.state = state;
  badge.className = `badge state-${state || "unknown"}`;
  $("state-reason").textContent = agent && agent.reason ? agent.reason : "";
  $("state-since").textContent = agent ? `for ${elapsed(agent.since)}` : "";
  const allowed = agent ? ALLOWED[state] || Object.keys(BUTTONS) : [];
  for (const [name, id] of Object.entries(BUTTONS)) $(id).disabled = !allowed.includes(name);
  $("reason").disabled = !allowed.includes("not_ready");
  $("wrapup").hidden = state !== "wrap_up";
}

function render() {
  renderState();
  renderPop(model.pop, model.picked, (index) => {
    model.picked = index;
    render();
  });
  const candidates = (model.pop && model.pop.candidates) || [];
  const who = model.pop ? callerTitle(model.pop, candidates[model.picked]) : "";
  renderCall(model.call, who);
  renderCallControls();
}

// Hold, resume, transfer and hang up: only for a connected call (agent state on_call).
function renderCallControls() {
  const onCall = Boolean(model.agent && model.agent.state === "on_call" && model.call);
  $("call-controls").hidden = !onCall;
  const held = onCall && Boolean(model.call.held);
  $("btn-hold").hidden = held;
  $("btn-resume").hidden = !held;
}

async function callControl(action, fields) {
  const response = await postJson(`/api/agent/call/${action}`, fields);
  const body = await response.json().catch(() => ({}));
  if (response.status === 401) return goToLogin();
  if (!response.ok) return showMessage(body.error || `refused (${response.status})`, true);
  showMessage("");
  // The same change also arrives as a call_state message; applying it here keeps the
  // page right while the socket reconnects.
  model.call = { ...(model.call || {}), ...body, held: body.state === "held" };
  render();
}

function applyView(view) {
  model.agent = view || null;
  model.call = view ? view.call : null;
  const pop = view ? view.pop : null;
  if (!pop || !model.pop || pop.call_id !== model.pop.call_id) model.picked = 0;
  model.pop = pop;
}

function handle(envelope) {
  if (typeof envelope.at === "number") model.skew = envelope.at - Date.now() / 1000;
  const data = envelope.data || {};
  switch (envelope.type) {
    case "hello":
    case "snapshot":
      if (data.user) model.user = data.user;
      applyView(data.agent);
      break;
    case "agent_state":
      applyView(data);
      break;
    case "pop":
      if (!model.pop || model.pop.call_id !== data.call_id) model.picked = 0;
      model.pop = data;
      break;
    case "call_state":
      model.call = { ...(model.call || {}), ...data };
      if (data.state === "held" || data.state === "connected") model.call.held = data.state === "held";
      break;
    case "ack":
      showMessage("");
      if (data.agent !== undefined) applyView(data.agent);
      break;
    case "error":
      showMessage(data.error || "refused", true);
      break;
    default:
      return; // a newer server's message type: ignore it
  }
  renderWho();
  render();
}

async function postJson(path, fields) {
  const init = { method: "POST", credentials: "same-origin", headers: {} };
  if (fields) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(fields);
  }
  return fetch(path, init);
}

let nextId = 1;
async function command(type, fields) {
  if (socket.send({ id: `c${nextId++}`, type, ...(fields || {}) })) return;
  const response = await postJson(`/api/agent/${REST_PATHS[type]}`, fields);
  const body = await response.json().catch(() => ({}));
  if (response.status === 401) return goToLogin();
  if (!response.ok) return showMessage(body.error || `refused (${response.status})`, true);
  showMessage("");
  applyView(body);
  render();
}

function renderWho() {
  const user = model.user;
  $("who").textContent = user ? `${user.display_name} (${user.username}, ${user.role})` : "";
}

function goToLogin() {
  window.location.assign("/login");
}

async function fetchToken() {
  const response = await fetch("/api/session", { credentials: "same-origin" });
  if (response.status === 401) return null;
  if (!response.ok) throw new Error(`session: ${response.status}`);
  const body = await response.json();
  model.user = body.user;
  renderWho();
  return body.ws_token;
}

const STATUS_WORDS = { online: "Connected", connecting: "Connecting…", offline: "Reconnecting…" };
function showStatus(status) {
  const conn = $("conn");
  conn.dataset.status = status;
  conn.className = `conn conn-${status}`;
  conn.textContent = STATUS_WORDS[status] || status;
}

const socket = new DeskSocket({
  fetchToken,
  onMessage: handle,
  onStatus: showStatus,
  onLoggedOut: goToLogin,
});

$("btn-sign-in").addEventListener("click", () => command("sign_in"));
$("btn-ready").addEventListener("click", () => command("ready"));
$("btn-not-ready").addEventListener("click", () =>
  command("not_ready", { reason: $("reason").value }),
);
$("btn-sign-out").addEventListener("click", () => command("sign_out"));
$("wrapup-form").addEventListener("submit", (event) => {
  event.preventDefault();
  command("wrap_up", { disposition: $("disposition").value, notes: $("notes").value });
  $("notes").value = "";
});
$("btn-hold").addEventListener("click", () => callControl("hold"));
$("btn-resume").addEventListener("click", () => callControl("resume"));
$("btn-hang-up").addEventListener("click", () => callControl("hang-up"));
$("btn-transfer").addEventListener("click", () => {
  const target = $("transfer-to").value.trim();
  if (!target) return showMessage("Type a queue name or a phone number to transfer to.", true);
  const fields = /^\+?[0-9]+$/.test(target) ? { number: target } : { queue: target };
  callControl("transfer", fields);
  $("transfer-to").value = "";
});
$("btn-logout").addEventListener("click", async () => {
  socket.stop();
  await postJson("/api/logout").catch(() => null);
  goToLogin();
});

setInterval(renderState, 1000); // keeps "for m:ss" current
render();
socket.connect();
