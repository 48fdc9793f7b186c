// The wrap-up form's extras: the countdown to the queue's wrap-up end, the required
// disposition, and the CRM work that goes with it — open or move a service request and
// schedule a follow-up (through /api/crm, docs/crm-api.md) before the wrap-up is sent.
"use strict";

import { element, getJson, postJson, refusal } from "./api.js";

const $ = (id) => document.getElementById(id);
let shownContact = null; // the contact whose requests fill the picker

function clock(seconds) {
  const s = Math.max(0, Math.ceil(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

export function showWrapUpError(text) {
  $("wrapup-error").textContent = text || "";
  $("wrapup-error").hidden = !text;
}

function renderCountdown(agent, skew) {
  const line = $("wrapup-countdown");
  const wrap = agent && agent.state === "wrap_up" ? agent.wrap_up : null;
  line.hidden = !wrap;
  if (!wrap) return;
  if (wrap.ends_at === null || wrap.ends_at === undefined) {
    line.textContent = "Wrap-up lasts until you finish it.";
    return;
  }
  const left = wrap.ends_at - (Date.now() / 1000 + skew);
  line.dataset.left = String(Math.max(0, Math.ceil(left)));
  line.textContent = left > 0 ? `Wrap-up ends in ${clock(left)}` : "Wrap-up time is over";
}

function fillRequests(contact) {
  const key = contact ? contact.contact_id : null;
  if (key === shownContact) return;
  shownContact = key;
  const select = $("request-action");
  for (const option of [...select.options].slice(2)) option.remove();
  for (const request of (contact && contact.open_requests) || []) {
    const option = element("option", `Update #${request.number} ${request.subject} (${request.status})`);
    option.value = `update:${request.number}`;
    select.append(option);
  }
  select.value = "";
  showRequestInputs();
}

function showRequestInputs() {
  const action = $("request-action").value;
  $("request-subject").hidden = action !== "new";
  $("request-status").hidden = !action.startsWith("update:");
}

// `contact` is the pop's chosen candidate (with contact_id and open_requests) or null.
export function renderWrapUp(agent, contact, skew) {
  renderCountdown(agent, skew);
  $("wrapup-request").hidden = !contact;
  $("wrapup-follow-up").hidden = !contact;
  fillRequests(contact);
}

async function requestStep(contact, notes) {
  const action = $("request-action").value;
  if (action === "new") {
    const subject = $("request-subject").value.trim();
    if (!subject) return { error: "Give the new service request a subject." };
    const answer = await postJson("/api/crm/requests", {
      contact_id: contact.contact_id,
      subject,
      description: notes,
    });
    if (!answer.ok) return { error: `Service request: ${refusal(answer)}` };
    return { number: answer.body.number, done: `Opened request #${answer.body.number}.` };
  }
  if (action.startsWith("update:")) {
    const number = Number(action.slice("update:".length));
    const status = $("request-status").value;
    const answer = await postJson(`/api/crm/requests/${number}/status`, { status, note: notes });
    if (!answer.ok) return { error: `Request #${number}: ${refusal(answer)}` };
    return { number, done: `Request #${number} is now ${status.replaceAll("_", " ")}.` };
  }
  return {};
}

async function followUpStep(contact, disposition, requestNumber) {
  const at = $("follow-up-at").value;
  if (!at) return {};
  const due = new Date(at);
  if (Number.isNaN(due.getTime())) return { error: "The follow-up needs a date and time." };
  const subject = $("follow-up-subject").value.trim() || `Follow up (${disposition})`;
  const fields = { contact_id: contact.contact_id, subject, due_at: due.toISOString() };
  if (requestNumber) fields.request_number = requestNumber;
  const answer = await postJson("/api/crm/follow-ups", fields);
  if (!answer.ok) return { error: `Follow-up: ${refusal(answer)}` };
  return { done: `Follow-up due ${due.toLocaleString()}.` };
}

// Runs the CRM steps, then sends the wrap-up. A step that succeeded is cleared from the
// form, so a retry after a refusal does not do it twice.
export async function submitWrapUp({ contact, command, showMessage }) {
  showWrapUpError("");
  const disposition = $("disposition").value;
  if (!disposition) return showWrapUpError("Choose a disposition: it is required to finish the wrap-up.");
  const notes = $("notes").value;
  const done = [];
  if (contact) {
    const request = await requestStep(contact, notes);
    if (request.error) return showWrapUpError(request.error);
    if (request.done) {
      done.push(request.done);
      $("request-action").value = "";
      $("request-subject").value = "";
      showRequestInputs();
    }
    const followUp = await followUpStep(contact, disposition, request.number);
    if (followUp.error) return showWrapUpError(followUp.error);
    if (followUp.done) {
      done.push(followUp.done);
      $("follow-up-at").value = "";
      $("follow-up-subject").value = "";
    }
  }
  await command("wrap_up", { disposition, notes });
  $("notes").value = "";
  $("disposition").value = "";
  shownContact = null;
  if (done.length) showMessage(done.join(" "));
}

// The disposition list comes from the CRM's active codes (GET /api/crm/disposition-codes),
// so a code a lead adds or retires shows at the next page load; the options in the HTML
// stay as the fallback when the CRM cannot be read.
async function loadDispositionCodes() {
  const answer = await getJson("/api/crm/disposition-codes");
  if (!answer.ok || !Array.isArray(answer.body.items) || answer.body.items.length === 0) return;
  const select = $("disposition");
  const keep = select.options[0]; // "— choose —"
  select.replaceChildren(keep);
  for (const code of answer.body.items) {
    const option = element("option", code.label || code.code);
    option.value = code.code;
    if (code.requires_note) option.dataset.requiresNote = "1";
    select.append(option);
  }
}

export function setUpWrapUp() {
  $("request-action").addEventListener("change", showRequestInputs);
  loadDispositionCodes();
}
