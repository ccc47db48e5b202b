// The API: every call carries the launch data; every post has an idempotency key and waits in a
// queue kept in localStorage until the server has answered it, so nothing is lost offline and a
// retried post is never applied twice.
import { launchData } from "./tg.js";

const QUEUE = "backcare_queue";
const SESSIONS = "backcare_sessions"; // start key -> session id, once the server answered
let flushing = null;
const listeners = new Set();

export class Refused extends Error {}

function read(name, empty) {
  try {
    return JSON.parse(localStorage.getItem(name)) || empty;
  } catch {
    return empty;
  }
}

function write(name, value) {
  localStorage.setItem(name, JSON.stringify(value));
}

export function newKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

async function call(path, options = {}) {
  const response = await fetch(path, {
    ...options,
    headers: { Authorization: `tma ${launchData}`, "Content-Type": "application/json" },
  });
  if (response.status === 401) throw new Refused("refused");
  if (!response.ok) {
    const error = new Error(`HTTP ${response.status}`);
    error.status = response.status;
    throw error;
  }
  return response.json();
}

export const get = (path) => call(path);

// Answers to queued posts, by their key (the page waits for some, e.g. the start's session id).
export function onAnswer(callback) {
  listeners.add(callback);
}

export function pending() {
  return read(QUEUE, []).length;
}

export function enqueue(path, body) {
  const key = body.key || newKey();
  const queue = read(QUEUE, []);
  queue.push({ path, body: { ...body, key } });
  write(QUEUE, queue);
  flush();
  return key;
}

export function sessionOf(startKey) {
  return read(SESSIONS, {})[startKey];
}

async function sendAll() {
  for (;;) {
    const queue = read(QUEUE, []);
    if (!queue.length) return;
    const item = queue[0];
    const body = { ...item.body };
    if (body.startKey) {
      body.session = sessionOf(body.startKey);
      delete body.startKey;
      if (body.session === undefined) body.session = null;
    }
    let answer = null;
    try {
      if (body.session === null && item.path !== "api/hurt") {
        answer = { dropped: true }; // its session never started (the gate said no)
      } else {
        answer = await call(item.path, { method: "POST", body: JSON.stringify(body) });
      }
    } catch (error) {
      if (!error.status || error.status >= 500 || error instanceof Refused) throw error;
      answer = { error: error.status }; // refused for good: a retry would be refused too
    }
    if (item.path === "api/start") {
      const sessions = read(SESSIONS, {});
      sessions[body.key] = answer.session ?? null;
      write(SESSIONS, sessions);
    }
    write(QUEUE, read(QUEUE, []).filter((queued) => queued.body.key !== item.body.key));
    for (const callback of listeners) callback(item.body.key, answer, item.path);
  }
}

export function flush() {
  if (!flushing) {
    flushing = sendAll()
      .catch(() => {}) // offline or the server is down: the queue waits for the next try
      .finally(() => { flushing = null; });
  }
  return flushing;
}

window.addEventListener("online", flush);
setInterval(() => { if (pending()) flush(); }, 3000);
