// The API reference page: lists every operation of the OpenAPI schema with its parameters,
// request body and answers. Text from the schema is set with textContent, never as HTML.
"use strict";

const $ = (id) => document.getElementById(id);

function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

function refName(schema) {
  if (!schema) return "";
  if (schema.$ref) return schema.$ref.split("/").pop();
  if (schema.type === "array") return `${refName(schema.items)}[]`;
  return schema.type || "object";
}

function operation(path, method, op) {
  const box = el("section", undefined, "card op");
  const head = el("h2");
  head.append(el("span", method.toUpperCase(), `method method-${method}`), el("code", ` ${path}`));
  box.append(head);
  if (op.summary) box.append(el("p", op.summary));
  if (op.description) box.append(el("p", op.description, "muted"));
  const params = op.parameters || [];
  if (params.length) {
    const list = el("ul");
    for (const p of params) {
      const required = p.required ? ", required" : "";
      list.append(el("li", `${p.name} (${p.in}, ${refName(p.schema)}${required})`));
    }
    box.append(el("h3", "Parameters"), list);
  }
  const body = op.requestBody && op.requestBody.content && op.requestBody.content["application/json"];
  if (body) box.append(el("h3", "Body"), el("p", refName(body.schema)));
  const answers = el("ul");
  for (const [status, answer] of Object.entries(op.responses || {})) {
    answers.append(el("li", `${status}: ${answer.description || ""}`));
  }
  box.append(el("h3", "Answers"), answers);
  return box;
}

async function main() {
  const response = await fetch("/openapi.json");
  if (!response.ok) {
    $("docs-error").textContent = `Could not load the schema (${response.status}).`;
    $("docs-error").hidden = false;
    return;
  }
  const schema = await response.json();
  const target = $("operations");
  for (const [path, methods] of Object.entries(schema.paths || {})) {
    for (const [method, op] of Object.entries(methods)) target.append(operation(path, method, op));
  }
}

main();
