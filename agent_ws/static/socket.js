// The page's WebSocket to /ws: connects with a fresh single-use token, reconnects with
// backoff, and resumes from the last sequence number it saw (see docs/websocket.md).
"use strict";

const CLOSE_UNAUTHORISED = 4001;
const CLOSE_OVERFLOW = 4008;
const MAX_DELAY_MS = 15000;

export class DeskSocket {
  // fetchToken: async () => ws token, or null when the login is gone.
  // onMessage(envelope), onStatus("connecting" | "online" | "offline"), onLoggedOut().
  constructor({ fetchToken, onMessage, onStatus, onLoggedOut }) {
    this.fetchToken = fetchToken;
    this.onMessage = onMessage;
    this.onStatus = onStatus;
    this.onLoggedOut = onLoggedOut;
    this.ws = null;
    this.lastSeq = null;
    this.epoch = null;
    this.failures = 0;
    this.stopped = false;
    this.timer = null;
  }

  get isOpen() {
    return this.ws !== null && this.ws.readyState === WebSocket.OPEN;
  }

  send(command) {
    if (!this.isOpen) return false;
    this.ws.send(JSON.stringify(command));
    return true;
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    if (this.ws) this.ws.close(1000, "bye");
  }

  async connect() {
    if (this.stopped) return;
    this.onStatus("connecting");
    let token;
    try {
      token = await this.fetchToken();
    } catch (err) {
      this.retry();
      return;
    }
    if (token === null) {
      this.onLoggedOut();
      return;
    }
    const ws = new WebSocket(this.url(token));
    this.ws = ws;
    ws.addEventListener("message", (event) => this.receive(event));
    ws.addEventListener("close", (event) => this.closed(event));
  }

  url(token) {
    const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
    const params = new URLSearchParams({ token });
    if (this.lastSeq !== null) params.set("resume_from", String(this.lastSeq));
    if (this.epoch !== null) params.set("epoch", this.epoch);
    return `${scheme}//${window.location.host}/ws?${params}`;
  }

  receive(event) {
    let envelope;
    try {
      envelope = JSON.parse(event.data);
    } catch (err) {
      return;
    }
    if (envelope.type === "hello") {
      this.failures = 0;
      this.epoch = envelope.data.epoch;
      this.lastSeq = envelope.seq;
      this.onStatus("online");
    } else if (this.lastSeq === null || envelope.seq > this.lastSeq) {
      this.lastSeq = envelope.seq;
    }
    this.onMessage(envelope);
  }

  closed(event) {
    this.ws = null;
    if (this.stopped) return;
    this.onStatus("offline");
    if (event.code === CLOSE_OVERFLOW) {
      // We fell behind; everything missed is replayed on resume, so come back at once.
      this.timer = setTimeout(() => this.connect(), 100);
      return;
    }
    // 4001 too: connect() fetches a new token, and finds out if the login is gone.
    this.retry(event.code === CLOSE_UNAUTHORISED);
  }

  retry(quick = false) {
    this.failures += 1;
    const base = quick && this.failures <= 1 ? 250 : Math.min(MAX_DELAY_MS, 500 * 2 ** Math.min(this.failures, 5));
    const delay = base / 2 + Math.random() * (base / 2);
    this.timer = setTimeout(() => this.connect(), delay);
  }
}
