// Renders the screen-pop card and the call line. Text only (textContent), never HTML:
// caller names and subjects come from customers.
"use strict";

const $ = (id) => document.getElementById(id);

function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (className) node.className = className;
  return node;
}

function formatTime(at) {
  if (at === undefined || at === null || at === "") return "";
  const date = typeof at === "number" ? new Date(at * 1000) : new Date(at);
  return Number.isNaN(date.getTime()) ? String(at) : date.toLocaleString();
}

// Who is calling, in the words the card's title uses.
export function callerTitle(pop, candidate) {
  if (pop.withheld) return "Withheld number";
  if (candidate) return candidate.display_name;
  return `Unknown caller ${pop.ani || ""}`.trim();
}

function renderRequests(candidate) {
  const list = $("pop-requests");
  list.replaceChildren();
  const requests = (candidate && candidate.open_requests) || [];
  for (const request of requests) {
    const item = element("li");
    item.append(element("span", request.number, "ref"), " ", request.subject || "", " ");
    item.append(element("span", request.status, "badge status"));
    list.append(item);
  }
  if (!requests.length) list.append(element("li", "None", "muted"));
}

function renderInteractions(candidate) {
  const list = $("pop-interactions");
  list.replaceChildren();
  const interactions = (candidate && candidate.recent_interactions) || [];
  for (const it of interactions) {
    const parts = [it.queue, it.agent_id, it.outcome, it.disposition].filter((p) => p);
    const item = element("li");
    item.append(element("span", formatTime(it.at), "muted"), " ", parts.join(" · "));
    list.append(item);
  }
  if (!interactions.length) list.append(element("li", "None", "muted"));
}

function renderPicker(pop, selected, onPick) {
  const candidates = pop.candidates || [];
  $("pop-picker").hidden = candidates.length < 2;
  $("pop-picker-title").textContent = `${candidates.length} possible callers share this number:`;
  const list = $("pop-candidates");
  list.replaceChildren();
  candidates.forEach((candidate, index) => {
    const button = element("button", candidate.display_name, "pick");
    button.type = "button";
    button.setAttribute("aria-pressed", String(index === selected));
    if (candidate.organisation) button.append(element("span", candidate.organisation, "muted"));
    button.addEventListener("click", () => onPick(index));
    const item = element("li");
    item.append(button);
    list.append(item);
  });
}

// Show `pop` (or hide the card when null); `selected` picks among several candidates.
export function renderPop(pop, selected, onPick) {
  $("pop").hidden = !pop;
  if (!pop) return;
  const candidates = pop.candidates || [];
  const candidate = pop.withheld ? null : candidates[selected] || null;
  $("pop-caller").textContent = callerTitle(pop, candidate);
  const tier = candidate && candidate.tier && candidate.tier !== "none" ? candidate.tier : "";
  $("pop-tier").textContent = tier;
  $("pop-tier").dataset.tier = tier;
  $("pop-tier").hidden = !tier;
  $("pop-org").textContent = (candidate && candidate.organisation) || "";
  const by = pop.transferred_by;
  $("pop-transferred").textContent = by ? `Transferred by ${by}` : "";
  $("pop-transferred").hidden = !by;
  $("pop-create").hidden = Boolean(pop.withheld || !pop.ani || candidates.length);
  $("btn-call-ani").hidden = Boolean(pop.withheld || !pop.ani);
  $("btn-open-contact").hidden = !candidate;
  $("pop-ani").textContent = pop.withheld ? "withheld" : pop.ani || "";
  const dnis = pop.dnis && pop.dnis !== pop.hotline ? ` (DNIS ${pop.dnis})` : "";
  $("pop-hotline").textContent = `${pop.hotline || pop.dnis || ""}${dnis}`;
  $("pop-queue").textContent = pop.queue || "";
  $("pop-ivr").textContent = pop.ivr_summary || (pop.ivr_path || []).join(" › ");
  renderPicker(pop, selected, onPick);
  renderRequests(candidate);
  renderInteractions(candidate);
}

const CALL_WORDS = {
  ringing: "Ringing…",
  connected: "Connected",
  held: "On hold",
  transferred: "Transferred",
  consulting: "Consulting (caller on hold)",
  transferring: "Transferring…",
  ended: "Call ended",
  wrap_up: "Wrap-up",
};

// The one-line call state, e.g. "Connected · Ann Example · call c-17".
export function renderCall(call, who) {
  $("call").hidden = !call;
  if (!call) return;
  const line = $("call-line");
  line.dataset.state = call.state || "";
  const words = [CALL_WORDS[call.state] || call.state || "Call"];
  if (who) words.push(who);
  if (call.call_id) words.push(`call ${call.call_id}`);
  line.textContent = words.join(" · ");
}
