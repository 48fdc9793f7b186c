// The agent's auto-answer option (自动应答): when on, the ACD asks the agent's phone to
// answer at once (SIP Call-Info answer-after=0). GET/PUT /api/agent/auto-answer; stored on
// the agent in the CRM, so it holds across log-ins and restarts.
"use strict";

import { getJson, refusal, requestJson } from "./api.js";

async function startAutoAnswer() {
  const box = document.getElementById("auto-answer");
  const note = document.getElementById("auto-answer-note");
  if (!box) return;
  const current = await getJson("/api/agent/auto-answer");
  if (!current.ok) {
    box.disabled = true;
    note.textContent = refusal(current);
    return;
  }
  box.checked = Boolean(current.body.auto_answer);
  box.addEventListener("change", async () => {
    box.disabled = true;
    const answer = await requestJson("PUT", "/api/agent/auto-answer", { auto_answer: box.checked });
    box.disabled = false;
    if (answer.ok) {
      box.checked = Boolean(answer.body.auto_answer);
      note.textContent = box.checked ? "Calls connect without ringing." : "";
    } else {
      box.checked = !box.checked;
      note.textContent = refusal(answer);
    }
  });
  note.textContent = box.checked ? "Calls connect without ringing." : "";
}

startAutoAnswer();
