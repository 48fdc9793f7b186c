// The agent's outbound campaign: join or leave one, and in preview mode see the next lead,
// dial it or skip it with a reason; a campaign call shows its script and contact, and its
// wrap-up (disposition, optional callback for me or anyone, do-not-call) closes it.
// REST under /api/agent/campaign (docs/dialer.md); the socket's campaign_* messages
// (docs/websocket.md) keep the panel current.
"use strict";

import { postJson, refusal } from "./api.js";

const $ = (id) => document.getElementById(id);

const state = { seat: null, preview: null, pop: null, ended: false };

function say(text, isError = false) {
  const line = $("campaign-message");
  line.textContent = text;
  line.classList.toggle("error", isError);
  line.hidden = !text;
}

async function post(path, fields) {
  const answer = await postJson(`/api/agent/campaign/${path}`, fields);
  if (!answer.ok) say(refusal(answer), true);
  else say("");
  return answer;
}

function contactLine(contact) {
  if (!contact) return "contact: unknown";
  const phones = (contact.phones || []).map((p) => p.e164 || p.raw).filter(Boolean);
  return `${contact.display_name} · ${contact.tier} · ${phones.join(", ")}`;
}

function render() {
  const seat = state.seat;
  $("campaign-seat").textContent = seat
    ? `Campaign ${seat.name || seat.campaign_id} (${seat.mode || ""}): ${seat.state}`
    : "Not in a campaign";
  $("campaign-join-form").hidden = Boolean(seat);
  $("btn-campaign-leave").hidden = !seat;
  const preview = seat && seat.mode === "preview";
  $("campaign-preview").hidden = !preview;
  const lead = state.preview && state.preview.lead;
  $("campaign-lead").textContent = lead
    ? `Lead ${lead.lead_id}: ${contactLine(state.preview.contact)} · ${lead.numbers.join(", ")}` +
      (lead.callback_for ? ` · callback for ${lead.callback_for}` : "")
    : "No lead shown";
  $("btn-campaign-dial").disabled = !lead;
  $("campaign-skip-form").hidden = !lead;
  const pop = state.pop;
  $("campaign-call").hidden = !pop;
  if (pop) {
    $("campaign-call-line").textContent = `${pop.campaign}: ${pop.number} · ${contactLine(pop.contact)}`;
    $("campaign-script").textContent = pop.script || "";
  }
  $("campaign-wrapup-form").hidden = !(pop && state.ended);
}

// True when the message was about the campaign (a campaign call's call_state included).
export function handleCampaign(type, data) {
  if (type === "campaign_state") {
    state.seat = data.state === "signed_out" ? null : { ...(state.seat || {}), ...data };
    if (!state.seat) state.preview = null;
  } else if (type === "campaign_preview") {
    state.preview = data;
  } else if (type === "campaign_pop") {
    state.pop = data;
    state.ended = false;
    if (state.seat) state.seat.state = "talking";
  } else if (type === "call_state" && state.pop && data.call_id === state.pop.call_id) {
    state.ended = data.state === "ended";
  } else {
    return false;
  }
  render();
  return true;
}

async function submitWrapUp(event) {
  event.preventDefault();
  const when = $("campaign-callback-at").value;
  const fields = {
    call_id: state.pop.call_id,
    disposition: $("campaign-disposition").value.trim(),
    notes: $("campaign-notes").value,
    callback_for: $("campaign-callback-for").value,
    do_not_call: $("campaign-dnc").checked,
  };
  if (when) fields.callback_at = new Date(when).toISOString();
  const answer = await post("disposition", fields);
  if (!answer.ok) return;
  state.pop = null;
  state.ended = false;
  if (state.seat) state.seat.state = "free";
  $("campaign-wrapup-form").reset();
  render();
}

export function setUpCampaign() {
  $("campaign-join-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const campaignId = Number($("campaign-id").value);
    const answer = await post("join", { campaign_id: campaignId });
    if (answer.ok) handleCampaign("campaign_state", answer.body);
  });
  $("btn-campaign-leave").addEventListener("click", async () => {
    const answer = await post("leave");
    if (answer.ok) handleCampaign("campaign_state", answer.body);
  });
  $("btn-campaign-next").addEventListener("click", async () => {
    const answer = await post("next");
    if (answer.ok) handleCampaign("campaign_preview", answer.body);
  });
  $("btn-campaign-dial").addEventListener("click", async () => {
    const answer = await post("dial");
    if (answer.ok) {
      state.preview = null;
      say(`Dialing ${answer.body.number}…`);
      render();
    }
  });
  $("campaign-skip-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const answer = await post("skip", { reason: $("campaign-skip-reason").value });
    if (answer.ok) {
      state.preview = null;
      $("campaign-skip-reason").value = "";
      render();
    }
  });
  $("campaign-wrapup-form").addEventListener("submit", submitWrapUp);
  render();
}
