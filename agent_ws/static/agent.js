// The agent's desk page: shows the agent's state, the call and its screen pop, and sends
// the agent's requests over the WebSocket (or REST while the socket is down).
// The server is the source of truth: every render starts from the last view it sent.
// Call tools, wrap-up, contacts and shortcuts live in their own modules.
"use strict";

import { postJson, refusal } from "./api.js";
import { dial, loadDirectory, setUpCalls, transfer } from "./calls.js";
import { handleCampaign, setUpCampaign } from "./campaign.js";
import { openContact, setUpContacts } from "./contacts.js";
import { cancelConsult, completeConsult, consult, renderConsult, setUpConsult } from "./consult.js";
import { setUpShortcuts } from "./keys.js";
import { callerTitle, renderCall, renderPop } from "./pop.js";
import { DeskSocket } from "./socket.js";
import { renderWrapUp, setUpWrapUp, showWrapUpError, submitWrapUp } from "./wrapup.js";

const $ = (id) => document.getElementById(id);

const model = {
  user: null,
  agent: null, // the AgentView, as in docs/websocket.md
  call: null,
  pop: null,
  picked: 0, // which candidate of a multi-match pop is shown
  skew: 0, // server wall clock minus ours, in seconds, from envelopes' "at"
  created: {}, // call_id -> the card of a contact created from that call's pop
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
// States from which the agent may start a call (the server checks again).
const MAY_DIAL = ["ready", "not_ready", "wrap_up"];

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

// The pop with a contact created from it (an unknown caller) as its candidate.
function currentPop() {
  const pop = model.pop;
  const created = pop && model.created[pop.call_id];
  return created && !(pop.candidates || []).length ? { ...pop, candidates: [created] } : pop;
}

function currentContact() {
  const pop = currentPop();
  return pop && !pop.withheld ? (pop.candidates || [])[model.picked] || null : null;
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
  $("dial").hidden = !MAY_DIAL.includes(state);
  renderWrapUp(agent, currentContact(), model.skew);
}

function render() {
  renderState();
  const pop = currentPop();
  renderPop(pop, model.picked, (index) => {
    model.picked = index;
    render();
  });
  const candidates = (pop && pop.candidates) || [];
  const who = pop ? callerTitle(pop, candidates[model.picked]) : "";
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
  renderConsult(onCall ? model.call : null);
}

async function callControl(action, fields) {
  const answer = await postJson(`/api/agent/call/${action}`, fields);
  if (!answer.ok) return showMessage(refusal(answer), true);
  showMessage("");
  // The same change also arrives as a call_state message; applying it here keeps the
  // page right while the socket reconnects.
  model.call = { ...(model.call || {}), ...answer.body, held: answer.body.state === "held" };
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
      loadDirectory(data.agent ? data.agent.agent_id : null);
      break;
    case "agent_state":
      applyView(data);
      break;
    case "pop":
      if (!model.pop || model.pop.call_id !== data.call_id) model.picked = 0;
      model.pop = data;
      break;
    case "campaign_state":
    case "campaign_preview":
    case "campaign_pop":
      handleCampaign(envelope.type, data); // its own panel; the desk's render is not needed
      return;
    case "call_state":
      if (handleCampaign(envelope.type, data)) return; // a campaign call: not the desk's
      model.call = { ...(model.call || {}), ...data };
      if (data.state === "held" || data.state === "connected") model.call.held = data.state === "held";
      break;
    case "ack":
      if ($("message").classList.contains("error")) showMessage("");
      if (data.agent !== undefined) applyView(data.agent);
      break;
    case "error":
      if (data.field === "disposition" || data.field === "notes") showWrapUpError(data.error);
      showMessage(data.error || "refused", true);
      break;
    default:
      return; // a newer server's message type: ignore it
  }
  renderWho();
  render();
}

let nextId = 1;
async function command(type, fields) {
  if (socket.send({ id: `c${nextId++}`, type, ...(fields || {}) })) return;
  const answer = await postJson(`/api/agent/${REST_PATHS[type]}`, fields);
  if (!answer.ok) return showMessage(refusal(answer), true);
  showMessage("");
  applyView(answer.body);
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

// Unknown caller: one click makes a contact with the caller's number (and the name typed,
// if any); the pop then shows the new card.
async function createContactFromPop() {
  const pop = model.pop;
  if (!pop || !pop.ani) return;
  const name = $("new-contact-name").value.trim();
  const fields = { last_name: name || `Caller ${pop.ani}`, phones: [{ kind: "mobile", number: pop.ani }] };
  const answer = await postJson("/api/crm/contacts", fields);
  if (!answer.ok) return showMessage(`Create contact: ${refusal(answer)}`, true);
  model.created[pop.call_id] = { ...answer.body, tier: answer.body.tier || "none" };
  model.picked = 0;
  $("new-contact-name").value = "";
  showMessage(`Created contact ${answer.body.display_name}.`);
  render();
}

function holdOrResume() {
  if (!model.call || !model.agent || model.agent.state !== "on_call") return;
  callControl(model.call.held ? "resume" : "hold");
}

function readyIfAllowed() {
  if (!$("btn-ready").disabled) command("ready");
}

function notReadyIfAllowed() {
  if (!$("btn-not-ready").disabled) command("not_ready", { reason: $("reason").value });
}

$("btn-sign-in").addEventListener("click", () => command("sign_in"));
$("btn-ready").addEventListener("click", () => command("ready"));
$("btn-not-ready").addEventListener("click", notReadyIfAllowed);
$("btn-sign-out").addEventListener("click", () => command("sign_out"));
$("wrapup-form").addEventListener("submit", (event) => {
  event.preventDefault();
  submitWrapUp({ contact: currentContact(), command, showMessage });
});
$("btn-hold").addEventListener("click", () => callControl("hold"));
$("btn-resume").addEventListener("click", () => callControl("resume"));
$("btn-hang-up").addEventListener("click", () => callControl("hang-up"));
$("btn-call-ani").addEventListener("click", () => dial(model.pop && model.pop.ani));
$("btn-create-contact").addEventListener("click", createContactFromPop);
$("btn-open-contact").addEventListener("click", () => {
  const contact = currentContact();
  if (contact) openContact(contact.contact_id);
});
$("btn-logout").addEventListener("click", async () => {
  socket.stop();
  await postJson("/api/logout").catch(() => null);
  goToLogin();
});
setUpCalls({ showMessage, callControl });
setUpConsult({ showMessage, callControl });
setUpCampaign();
setUpWrapUp();
setUpContacts({ dial });
setUpShortcuts({
  r: readyIfAllowed,
  n: notReadyIfAllowed,
  h: holdOrResume,
  x: () => model.agent && model.agent.state === "on_call" && callControl("hang-up"),
  t: () => !$("call-controls").hidden && $("transfer-to").focus(),
  c: () => !$("btn-consult").hidden && !$("call-controls").hidden && consult(),
  k: () => !$("btn-consult-complete").hidden && completeConsult(),
  b: () => !$("btn-consult-cancel").hidden && cancelConsult(),
  d: () => !$("dial").hidden && $("dial-number").focus(),
  "/": () => $("search-q").focus(),
});

setInterval(renderState, 1000); // keeps "for m:ss" and the wrap-up countdown current
setInterval(() => loadDirectory(null), 10000); // colleagues' states for the pickers
render();
socket.connect();
