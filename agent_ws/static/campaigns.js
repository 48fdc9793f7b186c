// The team lead's campaign panel: the outbound campaigns (newest first), a form that
// creates a draft or edits the selected draft under If-Match (with the retry rule of each
// outcome: delay shown in minutes, sent in seconds; and the suppression periods in days),
// the life-cycle buttons the selected campaign's state allows (dialer.campaign's table),
// its lists (priority, quota, dials, yield, leads due), its pre-flight (the pending leads
// the dialer will skip, by rule, and how many wait for a retry delay), its live monitor
// refreshed every few seconds, and a link to the results as CSV. Everything from the CRM
// is rendered as text.
"use strict";

import { element, button, getJson, postJson, refusal, requestJson } from "./api.js";

const BASE = "/api/crm/campaigns";
const REFRESH_MS = 5000;
const $ = (id) => document.getElementById(id);
// The moves each state allows, as dialer/campaign.py's transition table says.
const ACTIONS = {
  draft: ["schedule"],
  scheduled: ["start", "unschedule", "stop"],
  running: ["pause", "stop"],
  paused: ["resume", "stop"],
  finished: [],
  stopped: [],
};
const state = { selected: null, etag: null, timer: null };
// The outcomes a campaign has a retry rule for (crm_core.campaign_rules.RETRIED).
const RETRIED = ["busy", "no_answer", "machine", "failed"];

function say(text, isError = false) {
  const line = $("campaign-message");
  line.textContent = text || "";
  line.classList.toggle("error", isError);
  line.hidden = !text;
}

const pct = (share) => `${(share * 100).toFixed(1)}%`;

async function loadList() {
  const answer = await getJson(BASE);
  if (!answer.ok) return say(refusal(answer), true);
  const body = $("campaign-list").querySelector("tbody");
  body.replaceChildren();
  for (const c of answer.body.items) {
    const row = element("tr");
    row.append(element("td", c.name), element("td", c.mode), element("td", c.status, "campaign-status"));
    const open = button("Open", "quiet", () => select(c.campaign_id));
    open.dataset.campaign = String(c.campaign_id);
    const cell = element("td");
    cell.append(open);
    row.append(cell);
    body.append(row);
  }
  if (!answer.body.items.length) {
    const row = element("tr");
    const cell = element("td", "No campaigns yet", "muted");
    cell.colSpan = 4;
    row.append(cell);
    body.append(row);
  }
}

function formFields() {
  const f = (id) => $(id).value.trim();
  const fields = {
    name: f("cf-name"),
    mode: f("cf-mode"),
    queue: f("cf-queue"),
    caller_id: f("cf-caller"),
    window_start: f("cf-start"),
    window_end: f("cf-end"),
    abandon_cap_percent: Number(f("cf-cap")),
    max_attempts: Number(f("cf-attempts")),
    contacted_within_days: Number(f("cf-contacted-days")),
    purchased_within_days: Number(f("cf-purchased-days")),
    retries: Object.fromEntries(
      RETRIED.map((o) => [
        o,
        {
          delay_seconds: Math.round(Number(f(`cf-retry-${o}-delay`)) * 60),
          max_attempts: Number(f(`cf-retry-${o}-max`)),
        },
      ]),
    ),
  };
  if (f("cf-zone")) fields.timezone = f("cf-zone");
  return fields;
}

function fillForm(c) {
  $("cf-name").value = c.name;
  $("cf-mode").value = c.mode;
  $("cf-queue").value = c.queue;
  $("cf-caller").value = c.caller_id;
  $("cf-start").value = c.window_start;
  $("cf-end").value = c.window_end;
  $("cf-cap").value = String(c.abandon_cap_percent);
  $("cf-attempts").value = String(c.max_attempts);
  $("cf-zone").value = c.timezone || "";
  $("cf-contacted-days").value = String(c.contacted_within_days);
  $("cf-purchased-days").value = String(c.purchased_within_days);
  for (const o of RETRIED) {
    $(`cf-retry-${o}-delay`).value = String(c.retries[o].delay_seconds / 60);
    $(`cf-retry-${o}-max`).value = String(c.retries[o].max_attempts);
  }
}

async function save(event) {
  event.preventDefault();
  const editing = state.selected && state.selected.status === "draft";
  const answer = editing
    ? await requestJson("PATCH", `${BASE}/${state.selected.campaign_id}`, formFields(), {
        "If-Match": state.etag,
      })
    : await postJson(BASE, formFields());
  if (!answer.ok) return say(refusal(answer), true);
  say(editing ? "Campaign saved." : "Campaign created as a draft.");
  await loadList();
  await select(answer.body.campaign_id);
}

async function act(action) {
  const id = state.selected.campaign_id;
  const answer = await requestJson("POST", `${BASE}/${id}/actions`, { action }, { "If-Match": state.etag });
  if (!answer.ok) return say(refusal(answer), true);
  say(`Campaign ${answer.body.status}.`);
  await loadList();
  await select(id);
}

function renderDetail(c) {
  $("campaign-detail").hidden = false;
  $("campaign-title").textContent = c.name;
  $("campaign-state").textContent = c.status;
  $("campaign-state").dataset.status = c.status;
  const actions = $("campaign-actions");
  actions.replaceChildren();
  for (const action of ACTIONS[c.status] || []) {
    const node = button(action[0].toUpperCase() + action.slice(1), "primary", () => act(action));
    node.dataset.action = action;
    actions.append(node);
  }
  $("campaign-export").href = `${BASE}/${c.campaign_id}/export.csv`;
  $("btn-campaign-save").textContent = c.status === "draft" ? "Save draft" : "Create new";
}

async function loadPreflight(id) {
  const answer = await getJson(`${BASE}/${id}/preflight`);
  const list = $("campaign-preflight");
  list.replaceChildren();
  if (!answer.ok) return say(refusal(answer), true);
  const p = answer.body;
  $("campaign-preflight-total").textContent =
    `${p.pending} pending leads: ${p.eligible} to dial, ${p.skipped} will be skipped` +
    (p.waiting_for_retry ? ` (${p.waiting_for_retry} of those to dial wait for a retry delay)` : "");
  for (const rule of p.skipped_by_rule) {
    const item = element("li", `${rule.rule}: ${rule.count}`);
    item.dataset.rule = rule.rule;
    item.title = `e.g. leads ${rule.lead_ids.join(", ")}`;
    list.append(item);
  }
}

async function loadLists(id) {
  const answer = await getJson(`${BASE}/${id}/lists`);
  if (!answer.ok) return say(refusal(answer), true);
  const body = $("campaign-lists").querySelector("tbody");
  body.replaceChildren();
  for (const l of answer.body.items) {
    const row = element("tr");
    row.dataset.list = String(l.list_id);
    const quota = l.quota === null ? "none" : String(l.quota);
    const yieldText = l.dials ? pct(l.answered / l.dials) : "—";
    for (const text of [l.name, l.priority, quota, l.dials, yieldText, l.due]) row.append(element("td", text));
    body.append(row);
  }
}

async function loadMonitor(id) {
  const answer = await getJson(`${BASE}/${id}/monitor`);
  if (!answer.ok) return say(refusal(answer), true);
  const m = answer.body;
  const figures = {
    "mon-dials": m.dials_per_minute.toFixed(1),
    "mon-answer": pct(m.answer_rate),
    "mon-abandon-day": `${pct(m.abandon_rate_day)} (${m.abandoned_day} of ${m.live_answered_day})`,
    "mon-abandon-30": `${pct(m.abandon_rate_30_days)} (${m.abandoned_30_days} of ${m.live_answered_30_days})`,
    "mon-occupancy": pct(m.occupancy),
    "mon-talk": m.talk_minutes_per_agent_hour.toFixed(1),
  };
  for (const [key, text] of Object.entries(figures)) $(key).textContent = text;
  $("campaign-monitor").dataset.at = m.at;
}

async function select(id) {
  const answer = await getJson(`${BASE}/${id}`);
  if (!answer.ok) return say(refusal(answer), true);
  state.selected = answer.body;
  state.etag = answer.etag;
  fillForm(answer.body);
  renderDetail(answer.body);
  await Promise.all([loadPreflight(id), loadLists(id), loadMonitor(id)]);
  clearInterval(state.timer);
  state.timer = setInterval(() => {
    if (state.selected) loadMonitor(state.selected.campaign_id);
  }, REFRESH_MS);
}

function newCampaign() {
  state.selected = null;
  state.etag = null;
  clearInterval(state.timer);
  $("campaign-form").reset();
  $("campaign-detail").hidden = true;
  $("btn-campaign-save").textContent = "Create draft";
  say("");
}

export function startCampaignPanel() {
  $("campaign-form").addEventListener("submit", save);
  $("btn-campaign-new").addEventListener("click", newCampaign);
  loadList();
}

startCampaignPanel();
