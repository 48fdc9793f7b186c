// The agent's calls beyond the pop: the transfer target picker (a queue, a colleague or a
// number), the Dial box (click-to-dial of any number) and internal calls to a colleague.
// Colleagues and queues come from GET /api/agent/directory (docs/websocket.md).
"use strict";

import { element, getJson, postJson, refusal } from "./api.js";

const $ = (id) => document.getElementById(id);
const NUMBER = /^\+?[0-9][0-9 ().-]{1,30}$/;

const directory = { agents: [], queues: [] };
let me = null;
let say = () => {};

// Colleagues' states change all day: the page calls this every few seconds.
export async function loadDirectory(agentId) {
  if (agentId) me = agentId;
  const answer = await getJson("/api/agent/directory");
  if (!answer.ok) return;
  directory.agents = answer.body.agents || [];
  directory.queues = answer.body.queues || [];
  fillColleagues();
  fillTransferOptions();
}

function colleagues() {
  return directory.agents.filter((a) => a.agent_id !== me);
}

function colleagueLabel(agent) {
  return `${agent.display_name} (${agent.agent_id}, ${agent.state.replaceAll("_", " ")})`;
}

function fillColleagues() {
  const select = $("dial-colleague");
  const chosen = select.value;
  select.replaceChildren();
  for (const agent of colleagues()) {
    const option = element("option", colleagueLabel(agent));
    option.value = agent.agent_id;
    select.append(option);
  }
  if (colleagues().some((a) => a.agent_id === chosen)) select.value = chosen;
}

const PLACEHOLDERS = { queue: "queue name", agent: "colleague's id", number: "+1 212 555 0100" };

function fillTransferOptions() {
  const kind = $("transfer-kind").value;
  const list = $("transfer-options");
  list.replaceChildren();
  const options =
    kind === "queue"
      ? directory.queues.map((q) => [q, q])
      : kind === "agent"
        ? colleagues().map((a) => [a.agent_id, colleagueLabel(a)])
        : [];
  for (const [value, label] of options) {
    const option = element("option", label);
    option.value = value;
    list.append(option);
  }
  $("transfer-to").placeholder = PLACEHOLDERS[kind];
}

// A colleague typed by id or by display name.
function colleagueId(text) {
  const lower = text.toLowerCase();
  const found = colleagues().find(
    (a) => a.agent_id.toLowerCase() === lower || a.display_name.toLowerCase() === lower,
  );
  return found ? found.agent_id : text;
}

export function transferFields() {
  const target = $("transfer-to").value.trim();
  if (!target) return null;
  const kind = $("transfer-kind").value;
  if (kind === "agent") return { agent_id: colleagueId(target) };
  if (kind === "number" || NUMBER.test(target)) return { number: target.replace(/[ ().-]/g, "") };
  return { queue: target };
}

export async function transfer(callControl) {
  const fields = transferFields();
  if (!fields) return say("Pick a queue or a colleague, or type a number to transfer to.", true);
  await callControl("transfer", fields);
  $("transfer-to").value = "";
}

// Click-to-dial: the agent's phone rings first; the answer comes once they picked up.
export async function dial(number) {
  const digits = String(number || "").replace(/[ ().-]/g, "");
  if (!/^\+?[0-9]{3,20}$/.test(digits)) return say("Type a phone number to dial.", true);
  say(`Dialling ${digits}: pick up your phone…`);
  const answer = await postJson("/api/agent/call/dial", { number: digits });
  say(answer.ok ? `Calling ${digits}.` : refusal(answer), !answer.ok);
}

async function callColleague() {
  const agentId = $("dial-colleague").value;
  if (!agentId) return say("No colleague to call.", true);
  say(`Calling ${agentId}: pick up your phone…`);
  const answer = await postJson("/api/agent/call/dial", { agent_id: agentId });
  say(answer.ok ? `Calling ${agentId}.` : refusal(answer), !answer.ok);
}

export function setUpCalls({ showMessage, callControl }) {
  say = showMessage;
  $("transfer-kind").addEventListener("change", fillTransferOptions);
  $("btn-transfer").addEventListener("click", () => transfer(callControl));
  $("dial-form").addEventListener("submit", (event) => {
    event.preventDefault();
    dial($("dial-number").value);
  });
  $("btn-call-colleague").addEventListener("click", callColleague);
}
