// The login page: posts the form to /api/login and goes to the user's page on success.
// The session itself is an HTTP-only cookie the server sets; nothing is stored here.
"use strict";

const form = document.getElementById("login-form");
const errorLine = document.getElementById("login-error");
const submit = document.getElementById("login-submit");

function showError(text) {
  errorLine.textContent = text;
  errorLine.hidden = !text;
}

async function logIn(event) {
  event.preventDefault();
  const username = form.username.value.trim();
  const password = form.password.value;
  if (!username || !password) {
    showError("Enter your username and password.");
    return;
  }
  submit.disabled = true;
  showError("");
  try {
    const response = await fetch("/api/login", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      credentials: "same-origin",
      body: JSON.stringify({ username, password }),
    });
    if (response.ok) {
      window.location.assign("/"); // the server sends each role to its page
      return;
    }
    const body = await response.json().catch(() => ({}));
    if (response.status === 429) {
      const wait = response.headers.get("Retry-After");
      showError(`Too many failed attempts. Try again in ${wait || "a minute"} seconds.`);
    } else {
      showError(body.error || `Login failed (${response.status}).`);
    }
  } catch (err) {
    showError("The server cannot be reached.");
  } finally {
    submit.disabled = false;
  }
}

form.addEventListener("submit", logIn);
