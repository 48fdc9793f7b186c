// Small fetch helpers for the pages: JSON in, {status, ok, body, etag} out. Same-origin
// cookies only; a 401 sends the browser back to the login page.
"use strict";

export async function requestJson(method, path, fields, headers = {}) {
  const init = { method, credentials: "same-origin", headers: { ...headers } };
  if (fields !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(fields);
  }
  const response = await fetch(path, init);
  const body = await response.json().catch(() => ({}));
  if (response.status === 401) window.location.assign("/login");
  return { status: response.status, ok: response.ok, body, etag: response.headers.get("ETag") };
}

export const getJson = (path) => requestJson("GET", path);
export const postJson = (path, fields) => requestJson("POST", path, fields);

// The words of a refusal: the server's {"error", "field"} or the status code.
export function refusal(answer) {
  const body = answer.body || {};
  const text = body.error || `refused (${answer.status})`;
  return body.field && !text.includes(body.field) ? `${body.field}: ${text}` : text;
}

export function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (className) node.className = className;
  return node;
}

export function button(text, className, onClick) {
  const node = element("button", text, className);
  node.type = "button";
  node.addEventListener("click", onClick);
  return node;
}
