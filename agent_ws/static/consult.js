// The attended transfer on the agent page: "Consult" calls the colleague or number picked
// in the transfer fields while the caller holds; "Complete transfer" hands the caller over
// once the target answered; "Back to caller" cancels. REST: /api/agent/call/consult,
// consult/complete, consult/cancel (docs/websocket.md "Calls"); the call_state messages
// (consulting, answered, transferred) drive which buttons show.
"use strict";

import { transferFields } from "./calls.js";

const $ = (id) => document.getElementById(id);
const CONSULTING = new Set(["consulting", "transferring"]);
let control = async () => {};
let say = () => {};

export function renderConsult(call) {
  const consulting = Boolean(call) && CONSULTING.has(call.state);
  $("btn-consult").hidden = consulting;
  $("btn-consult-complete").hidden = !consulting;
  $("btn-consult-cancel").hidden = !consulting;
  $("btn-consult-complete").disabled = !consulting || !call.answered;
  const target = call && (call.colleague || call.number);
  $("consult-line").textContent = consulting
    ? `${call.answered ? "Talking to" : "Calling"} ${target}; the caller is on hold.`
    : "";
  $("consult-line").hidden = !consulting;
}

export async function consult() {
  const fields = transferFields();
  if (!fields || fields.queue) return say("Pick a colleague or type a number to consult.", true);
  await control("consult", fields);
}

export const completeConsult = () => control("consult/complete");
export const cancelConsult = () => control("consult/cancel");

export function setUpConsult({ showMessage, callControl }) {
  say = showMessage;
  control = callControl;
  $("btn-consult").addEventListener("click", consult);
  $("btn-consult-complete").addEventListener("click", completeConsult);
  $("btn-consult-cancel").addEventListener("click", cancelConsult);
}
