// The contacts panel: search the CRM, open a card, edit it under If-Match (a 409 says who
// won and offers their version), its phones with a Call button, and its history.
// Everything from the CRM is rendered with textContent, never as HTML.
"use strict";

import { button, element, getJson, requestJson, refusal } from "./api.js";

const $ = (id) => document.getElementById(id);
const FIELDS = { first_name: "contact-first", last_name: "contact-last", organisation: "contact-org", notes: "contact-notes" };

const state = { card: null, version: null };
let dialNumber = () => {};

function showError(text) {
  $("contact-error").textContent = text || "";
  $("contact-error").hidden = !text;
}

export async function search(query) {
  const list = $("search-results");
  list.replaceChildren();
  const q = query.trim();
  if (!q) return;
  const answer = await getJson(`/api/crm/contacts?${new URLSearchParams({ q, limit: "20" })}`);
  if (!answer.ok) return list.append(element("li", refusal(answer), "error"));
  const items = answer.body.items || [];
  for (const hit of items) {
    const item = element("li");
    const open = button(hit.display_name, "link", () => openContact(hit.contact_id));
    open.dataset.contact = String(hit.contact_id);
    item.append(open);
    if (hit.organisation) item.append(" ", element("span", hit.organisation, "muted"));
    if (hit.tier && hit.tier !== "none") item.append(" ", element("span", hit.tier, "badge tier"));
    list.append(item);
  }
  if (!items.length) list.append(element("li", `No contact matches “${q}”.`, "muted"));
}

function formatTime(at) {
  const date = new Date(at);
  return Number.isNaN(date.getTime()) ? String(at || "") : date.toLocaleString();
}

function renderCard(card) {
  state.card = card;
  state.version = card.version;
  $("contact").hidden = false;
  $("contact").dataset.contact = String(card.contact_id);
  $("contact-title").textContent = card.display_name;
  for (const [field, id] of Object.entries(FIELDS)) $(id).value = card[field] || "";
  $("btn-contact-reload").hidden = true;
  const phones = $("contact-phones");
  phones.replaceChildren();
  for (const phone of card.phones || []) {
    const number = phone.e164 || phone.raw;
    const item = element("li");
    item.append(element("span", number, "ref"), " ", element("span", phone.kind, "muted"), " ");
    const call = button("Call", "small", () => dialNumber(number));
    call.dataset.dial = number;
    item.append(call);
    phones.append(item);
  }
  if (!(card.phones || []).length) phones.append(element("li", "None", "muted"));
}

async function loadHistory(contactId) {
  const list = $("contact-history");
  list.replaceChildren();
  const answer = await getJson(`/api/crm/contacts/${contactId}/interactions?limit=20`);
  if (!answer.ok) return list.append(element("li", refusal(answer), "error"));
  for (const it of answer.body.items || []) {
    const parts = [it.direction, it.queue, it.agent_id, it.outcome, it.disposition, it.notes];
    const item = element("li");
    item.append(element("span", formatTime(it.started_at), "muted"), " ");
    item.append(parts.filter((p) => p).join(" · "));
    list.append(item);
  }
  if (!list.children.length) list.append(element("li", "No calls yet", "muted"));
}

export async function openContact(contactId) {
  showError("");
  const answer = await getJson(`/api/crm/contacts/${contactId}`);
  if (!answer.ok) return showError(refusal(answer));
  renderCard(answer.body);
  await loadHistory(contactId);
}

function changes() {
  const changed = {};
  for (const [field, id] of Object.entries(FIELDS)) {
    const value = $(id).value.trim();
    const before = state.card[field] || "";
    if (value !== before) changed[field] = field === "organisation" && !value ? null : value;
  }
  return changed;
}

async function save() {
  showError("");
  if (!state.card) return;
  const changed = changes();
  if (!Object.keys(changed).length) return showError("Nothing changed.");
  const answer = await requestJson("PATCH", `/api/crm/contacts/${state.card.contact_id}`, changed, {
    "If-Match": `"${state.version}"`,
  });
  if (answer.status === 409) {
    const current = answer.body.current_version;
    showError(
      `Someone else changed this contact while you were editing (now version ${current}, ` +
        `you edited version ${state.version}). Your changes are not saved: load the current ` +
        "version, then make them again.",
    );
    $("btn-contact-reload").hidden = false;
    return;
  }
  if (!answer.ok) return showError(refusal(answer));
  renderCard(answer.body);
  $("contact-error").hidden = true;
}

export function setUpContacts({ dial }) {
  dialNumber = dial;
  $("search-form").addEventListener("submit", (event) => {
    event.preventDefault();
    search($("search-q").value);
  });
  $("contact-form").addEventListener("submit", (event) => {
    event.preventDefault();
    save();
  });
  $("btn-contact-reload").addEventListener("click", () => openContact(state.card.contact_id));
}
