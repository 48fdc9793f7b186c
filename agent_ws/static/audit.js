// The wallboard's audit view: the latest supervisor and admin actions (who, what, on which
// agent or call, when) from GET /api/supervisor/audit, with a filter by action and "Older"
// paging by the server's cursor. Refreshed after each action of this page and on demand.
// Plain DOM: every value is set as text, never as HTML.
"use strict";

import { element, getJson } from "./api.js";

const PAGE = 20;
let older = null; // the `before` cursor of the next (older) page

function row(entry) {
  const tr = document.createElement("tr");
  tr.dataset.id = String(entry.id);
  tr.dataset.action = entry.action;
  const when = new Date(entry.at).toLocaleTimeString();
  const target = [entry.agent_id, entry.call_id].filter(Boolean).join(" · ");
  const details = Object.entries(entry.details || {}).map(([k, v]) => `${k}=${v}`).join(" ");
  for (const text of [when, entry.actor, entry.action, target, details]) tr.append(element("td", text));
  return tr;
}

async function load(append) {
  const body = document.querySelector("#audit tbody");
  const status = document.getElementById("audit-status");
  const action = document.getElementById("audit-action").value;
  const query = new URLSearchParams({ limit: String(PAGE) });
  if (action) query.set("action", action);
  if (append && older !== null) query.set("before", String(older));
  const answer = await getJson(`/api/supervisor/audit?${query}`);
  if (!answer.ok) {
    status.textContent = `Audit log unavailable (${answer.status})`;
    return;
  }
  const rows = answer.body.items.map(row);
  if (append) body.append(...rows);
  else body.replaceChildren(...rows);
  older = answer.body.next_before;
  document.getElementById("audit-older").hidden = older === null;
  status.textContent = body.children.length ? "" : "No actions recorded.";
}

export function startAudit() {
  if (!document.getElementById("audit")) return;
  const reload = () => load(false).catch((e) => { document.getElementById("audit-status").textContent = String(e); });
  document.getElementById("audit-action").addEventListener("change", reload);
  document.getElementById("audit-refresh").addEventListener("click", reload);
  document.getElementById("audit-older").addEventListener("click", () => load(true));
  // supervisor.js dispatches this after each action it made succeed.
  document.addEventListener("supervisor-action", reload);
  reload();
}

startAudit();
