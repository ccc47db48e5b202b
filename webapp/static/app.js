// The Mini App: home (today's plan, last sessions, progress), the gate's answers, and the
// guided session. Plain ES modules, no build step.
import { Refused, enqueue, flush, get, newKey, onAnswer, pending, sessionOf } from "./api.js";
import { drawChart } from "./chart.js";
import { Figure } from "./figure.js";
import { Session } from "./session.js";
import { Guide, reopen, unlock } from "./sound.js";
import { currentLanguage, setLanguage, t } from "./texts.js";
import * as tg from "./tg.js";

const root = document.getElementById("app");
const state = { home: null, session: null, startKey: null, voice: true, tones: true, guide: null, figure: null, hidden: false, frame: 0 };
window.backcareTrace = [];

function h(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (value !== false && value !== null && value !== undefined) node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) if (child !== null && child !== undefined && child !== false) node.append(child);
  return node;
}

const button = (label, onclick, className = "") => h("button", { type: "button", class: className, onclick }, label);

function show(...children) {
  document.body.classList.remove("asking");
  root.replaceChildren(...children);
  root.removeAttribute("aria-busy");
}

// The chat's stop-and-consult warning: its <b> parts bold, nothing else read as markup.
function warningText(text) {
  return text.split("\n").map((line) => h("p", {}, ...line.split(/(<b>.*?<\/b>)/).map(
    (part) => part.startsWith("<b>") ? h("strong", {}, part.slice(3, -4)) : part)));
}

function message(text, ...actions) {
  show(h("section", { class: "card message" }, h("p", {}, text), ...actions));
}

// ---- home --------------------------------------------------------------------------------
async function loadHome() {
  try {
    state.home = await get("api/home");
  } catch (error) {
    if (error instanceof Refused) return message(t("refused"));
    return message(navigator.onLine ? t("error") : t("offline"), button(t("home"), loadHome));
  }
  setLanguage(state.home.language);
  renderHome();
}

function gateCard(gate) {
  if (gate.kind === "ready") {
    const plan = gate.plan;
    new Image().src = plan.items[0].picture; // the first exercise's picture, ready for Start
    const start = button(t("start"), () => startSession(plan, gate), "primary big");
    return h("section", { class: "card today" },
      h("h2", {}, t("today")),
      h("p", { class: "routine" }, plan.title),
      plan.gentle ? h("p", { class: "note" }, t("gentle")) : null,
      h("ol", { class: "items" }, plan.items.map((item) => h("li", {}, h("span", {}, item.title), h("small", {}, item.dose)))),
      gate.checkin ? checkIn(start) : null,
      start,
      soundSwitches());
  }
  const title = { first_check: t("today"), check_in: t("today"), hold: t("gate_hold"), busy: t("gate_busy") }[gate.kind];
  const text = { first_check: t("gate_first_check"), check_in: t("gate_check_in") }[gate.kind] || gate.advice;
  return h("section", { class: `card gate ${gate.kind}` }, h("h2", {}, title),
    ...text.split("\n").map((line) => h("p", {}, line.replace(/<\/?[bi]>/g, ""))),
    button(t("back_to_chat"), tg.close, "primary"));
}

// Today's rating, asked before Start as the chat asks it (its words, shipped with the page).
function checkIn(start) {
  state.rating = null;
  start.disabled = true;
  const choices = Array.from({ length: 11 }, (_, rating) => {
    const choice = button(String(rating), () => {
      state.rating = rating;
      for (const other of choices) other.setAttribute("aria-pressed", String(other === choice));
      start.disabled = false;
    }, "rating");
    choice.setAttribute("aria-pressed", "false");
    return choice;
  });
  // The chat's "I have warning signs": the chat's own questions, asked in the chat.
  const signs = button(t("warning_signs_button"), askSigns, "quiet signs");
  return h("div", { class: "checkin", role: "group" }, warningText(t("checkin")), h("div", { class: "ratings" }, choices), signs);
}

function askSigns() {
  enqueue("api/signs", {});
  show(h("section", { class: "card message signs" }, h("p", {}, t("signs_in_chat")),
    button(t("back_to_chat"), tg.close, "primary"), button(t("home"), loadHome, "quiet")));
}

// Voice on/off and tones on/off, remembered per user; during a session they act at once.
function soundSwitch(kind) {
  const label = () => t(`${kind}_${state[kind] ? "on" : "off"}`);
  const node = button(label(), () => {
    state[kind] = !state[kind];
    tg.saveSound({ voice: state.voice, tones: state.tones });
    if (state.guide) state.guide.set(kind, state[kind]);
    node.textContent = label();
    node.setAttribute("aria-pressed", String(state[kind]));
  }, `quiet switch ${kind}`);
  node.setAttribute("aria-pressed", String(state[kind]));
  return node;
}

const soundSwitches = () => h("div", { class: "switches", role: "group" }, soundSwitch("voice"), soundSwitch("tones"));

function lastSessions(lines) {
  return h("section", { class: "card" }, h("h2", {}, t("last_sessions")),
    lines.length ? h("ul", { class: "last" }, lines.map((line) => h("li", {},
      h("span", {}, t("session_line", line)), h("small", {}, `${line.date} · ${t(`status_${line.status}`)}`))))
      : h("p", { class: "note" }, t("no_sessions")));
}

function progressCard(progress) {
  const details = h("p", { class: "details", "aria-live": "polite" });
  const numbers = h("ul", { class: "numbers" },
    h("li", {}, t("sessions", { count: progress.numbers.sessions })),
    h("li", {}, t("minutes", { count: progress.numbers.minutes })),
    h("li", {}, t("streak", { count: progress.numbers.streak })),
    h("li", {}, t("adherence", { percent: progress.numbers.adherence })));
  const tabs = h("div", { class: "tabs", role: "group" }, [7, 30, 90].map((days) => {
    const tab = button(t("days", { count: days }), async () => {
      try {
        const fresh = await get(`api/progress?days=${days}`);
        card.replaceWith(progressCard(fresh));
      } catch {
        details.textContent = t("offline");
      }
    }, days === progress.days ? "tab chosen" : "tab");
    tab.setAttribute("aria-pressed", String(days === progress.days));
    return tab;
  }));
  const card = h("section", { class: "card progress" }, h("h2", {}, t("progress")), tabs, numbers,
    h("h3", {}, t("chart_title")), drawChart(progress, details), details);
  return card;
}

function renderHome() {
  const home = state.home;
  show(h("header", { class: "top" }, h("h1", {}, t("title"))), gateCard(home.gate),
    lastSessions(home.last), progressCard(home.progress));
}

// ---- the session -------------------------------------------------------------------------
function startSession(plan, gate) {
  state.startKey = newKey();
  const rating = gate.checkin ? state.rating : null;
  state.checkin = rating;
  if (rating !== null && rating >= gate.high) {
    // No session today (the chat's rule): its advice at once; the rating is still recorded.
    enqueue("api/start", { key: state.startKey, rating });
    return show(h("section", { class: "card message too-much" }, warningText(t("too_much")),
      button(t("back_to_chat"), tg.close, "primary"), button(t("home"), loadHome, "quiet")));
  }
  state.plan = plan;
  const guide = new Guide(plan, { voice: state.voice, tones: state.tones });
  state.guide = guide;
  const session = new Session(plan, { onBeat: beatChanged, onEnd: ended, onJump: (index) => guide.follow(session, index) });
  state.session = session;
  window.backcareTrace = session.trace;
  renderSession();
  session.start(0); // the first phase is on screen before anything else is done
  const token = (state.drawToken = (state.drawToken || 0) + 1);
  const frame = () => {
    if (token !== state.drawToken || state.session !== session) return; // one loop per session
    draw();
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
  // Two frames later (the first phase painted), still within the Start tap's user activation
  // (seconds): Web Audio starts (its first AudioContext takes tens of ms), the screen is kept on.
  requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(() => {
    if (state.guide !== guide || guide.ended) return; // It hurts or Stop came first
    if (unlock()) {
      reopen();
      guide.load();
      guide.pass();
    }
    tg.keepAwake(true);
    tg.closingConfirmation(true);
  })));
  enqueue("api/start", rating === null ? { key: state.startKey } : { key: state.startKey, rating });
  watch(session);
}

// /stop in the chat ends the session there: asked every few seconds while this one runs (one
// cheap read), so the page says so at once rather than at its next checkpoint.
const WATCH_MS = 4000;
function watch(session) {
  const timer = setInterval(async () => {
    if (state.session !== session) return clearInterval(timer);
    const id = sessionOf(state.startKey);
    if (id == null || document.visibilityState === "hidden") return;
    try {
      const now = await get(`api/status?session=${id}`);
      if (state.session === session && now.status !== "running") endedInChat(session);
    } catch {
      // offline or refused: asked again at the next tick
    }
  }, WATCH_MS);
}

function endedInChat(s) {
  state.guide.end(true); // ended in the chat (/stop, or pain reported there): silent at once
  s.stop("-");
  state.session = null;
  leaveSession();
  const done = s.marks.filter((m) => m === "d").length;
  show(h("section", { class: "card message ended" }, h("h2", {}, t("ended_title")),
    h("p", {}, t("ended_in_chat", { done, count: s.marks.length })),
    button(t("back_to_chat"), tg.close, "primary"), button(t("home"), loadHome, "quiet")));
}

function post(path, body) {
  enqueue(path, { ...body, startKey: state.startKey });
}

function renderSession() {
  const s = state.session;
  const controls = h("nav", { class: "controls" },
    state.pauseButton = button(t("pause"), togglePause, "control pause"),
    button(t("skip"), () => { running(); s.next(); }, "control skip"),
    button(t("stop"), askStop, "control stop"),
    button(t("hurts"), hurts, "control danger hurts"));
  state.view = {
    title: h("p", { class: "exercise" }),
    phase: h("p", { class: "phase", "aria-live": "polite", "aria-atomic": "true" }),
    count: h("p", { class: "count" }),
    cue: h("p", { class: "cue" }),
    notice: h("p", { class: "notice", "aria-live": "assertive" }),
    ring: h("div", { class: "ring" }),
    stage: h("div", { class: "stage" }),
    intro: h("div", { class: "intro" }),
    ready: button(t("ready"), () => { running(); state.session.next(); }, "primary ready"),
  };
  const v = state.view;
  v.ring.innerHTML = '<svg viewBox="0 0 120 120" aria-hidden="true"><circle class="track" cx="60" cy="60" r="54"/><circle class="arc" cx="60" cy="60" r="54" pathLength="100" transform="rotate(-90 60 60)"/></svg><span class="seconds"></span>';
  v.arc = v.ring.querySelector(".arc");
  v.seconds = v.ring.querySelector(".seconds");
  show(h("section", { class: "session" }, v.title, soundSwitches(), v.notice,
    h("div", { class: "live" }, v.stage, v.ring), v.phase, v.count, v.cue, v.ready, v.intro), controls);
}

function whereText(beat, item) {
  const parts = [];
  if (beat.kind === "inhale" || beat.kind === "exhale") {
    parts.push(t(item.unit === "reps" ? "rep_of" : "breath_of", { count: beat.count, total: beat.total }));
  }
  if (beat.rounds > 1 && beat.round) parts.push(t("round_of", { round: beat.round, rounds: beat.rounds }));
  if (beat.side) parts.push(t(beat.side === 1 ? "first_side" : "other_side"));
  return parts.join(" · ");
}

function holdSpan(index) {
  const beats = state.session.beats;
  const first = beats[index].restart;
  let last = index;
  while (last + 1 < beats.length && beats[last + 1].kind === "timed_hold" && beats[last + 1].restart === first) last += 1;
  return [beats[first].at, beats[last].at + beats[last].duration];
}

function beatChanged(index, beat, previous) {
  const s = state.session;
  const v = state.view;
  const item = s.plan.items[beat.item];
  const fresh = previous < 0 || s.beats[previous].kind !== beat.kind || s.beats[previous].item !== beat.item;
  v.notice.textContent = "";
  v.title.textContent = `${t("exercise_of", { number: beat.item + 1, count: s.plan.items.length })} · ${item.title}`;
  if (beat.kind === "intro") {
    v.intro.replaceChildren(
      h("p", { class: "dose" }, t("dose", { dose: item.dose })),
      h("h3", {}, t("steps")), h("ol", {}, item.steps.map((step) => h("li", {}, step))),
      h("h3", {}, t("cautions")), h("ul", { class: "cautions" }, item.cautions.map((c) => h("li", {}, c))));
    v.intro.hidden = false;
    v.ready.hidden = false;
    v.stage.replaceChildren(h("img", { src: item.picture, alt: "", class: "picture", decoding: "async" }));
    state.figure = null;
    state.figureItem = null;
    window.scrollTo(0, 0);
  } else {
    v.intro.hidden = true;
    v.ready.hidden = true;
    if (!state.figure || state.figureItem !== beat.item) {
      state.figure = item.figure ? new Figure(item.figure) : null;
      state.figureItem = beat.item;
      v.stage.replaceChildren(state.figure ? state.figure.svg : h("img", { src: item.picture, alt: "", class: "picture", decoding: "async" }));
    }
  }
  const phase = {
    intro: item.title, inhale: t("phase_inhale"), exhale: t("phase_exhale"), timed_hold: t("phase_hold"),
    switch: t("phase_switch"), rest: t("phase_rest"), next: t("phase_next"), done: t("phase_done"),
  }[beat.kind];
  if (v.phase.textContent !== phase) v.phase.textContent = phase;
  v.count.textContent = beat.kind === "next"
    ? t("next", { title: s.plan.items[Math.min(beat.item + 1, s.plan.items.length - 1)].title })
    : whereText(beat, item);
  v.cue.textContent = { inhale: item.cues.inhale, exhale: item.cues.exhale, timed_hold: item.cues.hold }[beat.kind] || "";
  document.body.dataset.phase = beat.kind;
  if (fresh && beat.kind !== "done") {
    tg.haptic(beat.kind === "intro" || beat.kind === "switch" ? "medium" : "light");
  }
  if (beat.checkpoint && index > 0 && beat.kind !== "done") {
    post("api/checkpoint", { beat: index, marks: s.marksText() });
  }
}

function draw() {
  const s = state.session;
  if (s.index >= 0) {
    const { beat, progress, at } = s.state();
    let fraction = 1 - progress;
    let left = s.state().left;
    if (beat.kind === "timed_hold") {
      const [from, to] = holdSpan(s.index);
      fraction = Math.max(0, (to - at) / (to - from));
      left = to - at;
    }
    state.view.arc.setAttribute("stroke-dasharray", `${(fraction * 100).toFixed(2)} 100`);
    const seconds = String(Math.max(0, Math.ceil(left - 0.05)));
    if (state.view.seconds.textContent !== seconds) state.view.seconds.textContent = seconds;
    if (beat.kind === "intro") state.view.count.textContent = t("starts_in", { seconds });
    if (state.figure) {
      if (beat.kind === "inhale") state.figure.breath(progress / 2);
      else if (beat.kind === "exhale") state.figure.breath(0.5 + progress / 2);
      else state.figure.still();
    }
  }
}

// The screen of a running clock (after Resume, or Skip or Ready pressed while paused).
function running() {
  state.view.notice.textContent = "";
  state.pauseButton.textContent = t("pause");
  tg.keepAwake(true);
}

function togglePause() {
  const s = state.session;
  if (s.running) pause(false);
  else {
    running();
    s.resume();
  }
}

function pause(byHiding) {
  const s = state.session;
  if (!s || !s.running) return;
  s.pause();
  state.guide.pause();
  state.pauseButton.textContent = t("resume");
  state.view.notice.textContent = byHiding ? t("paused_hidden") : t("paused");
  document.body.dataset.phase = "paused";
}

function askStop() {
  const s = state.session;
  const wasRunning = s.running;
  s.pause();
  state.guide.pause();
  const dialog = h("div", { class: "dialog", role: "alertdialog", "aria-modal": "true" },
    h("p", {}, t("stop_question")),
    button(t("stop_yes"), () => { close(); s.stop("x"); ended("stopped"); }, "primary"),
    button(t("stop_no"), () => { close(); if (wasRunning) s.resume(); else pause(false); }, "quiet"));
  const close = () => { dialog.remove(); document.body.classList.remove("asking"); };
  document.body.classList.add("asking");
  root.append(dialog);
  dialog.querySelector("button").focus();
}

function leaveSession() {
  tg.keepAwake(false);
  tg.closingConfirmation(false);
}

function ended(outcome) {
  const s = state.session;
  state.guide.end(outcome !== "completed"); // Stop silences at once; the closing words end
  leaveSession();
  post("api/finish", { beat: s.index, marks: s.marksText(), outcome, ...(state.checkin == null ? {} : { checkin: state.checkin }) });
  const done = s.marks.filter((m) => m === "d").length;
  const count = s.marks.length;
  state.session = null;
  show(h("section", { class: "card message" },
    h("h2", {}, t(outcome === "completed" ? "done_title" : "stopped_title")),
    h("p", {}, t(outcome === "completed" ? "done_body" : "stopped_body", { done, count })),
    button(t("back_to_chat"), tg.close, "primary"), button(t("home"), loadHome, "quiet")));
}

// It hurts: the clock stops and the warning shows at once, from text shipped with the page.
function hurts() {
  state.guide.end(true); // no sound after a pain report, not even the rest of a word
  const s = state.session;
  const index = Math.max(0, s.index);
  s.stop("h");
  const marks = s.marksText();
  state.session = null;
  const status = h("p", { class: "note", "aria-live": "polite" }, t("hurt_sending"));
  show(h("section", { class: "card warning", role: "alert" }, warningText(t("stop_warning")), status,
    button(t("back_to_chat"), tg.close, "primary")));
  tg.haptic("heavy");
  leaveSession();
  const key = newKey();
  state.hurtKey = key;
  status.dataset.key = key;
  enqueue("api/hurt", { key, beat: index, marks, startKey: state.startKey });
  if (!navigator.onLine || pending()) {
    setTimeout(() => { if (status.dataset.key === key && status.textContent === t("hurt_sending")) status.textContent = t("hurt_queued"); }, 1500);
  }
  state.hurtStatus = status;
}

onAnswer((key, answer, path) => {
  if (path === "api/hurt" && key === state.hurtKey && state.hurtStatus) {
    state.hurtStatus.textContent = t("hurt_sent");
  }
  if (path === "api/start" && state.session && key === state.startKey && answer.session == null && answer.gate) {
    // The gate changed its mind between the home screen and Start: no session.
    state.guide.end(true);
    state.session.stop("-");
    state.session = null;
    leaveSession();
    state.home.gate = answer.gate;
    renderHome();
  }
});

function hidden() {
  if (state.session && state.session.running) pause(true);
}

function visible() {
  if (state.session) tg.keepAwake(true);
  flush();
}

document.addEventListener("visibilitychange", () => (document.visibilityState === "hidden" ? hidden() : visible()));
tg.onDeactivated(hidden);
tg.onActivated(visible);

// ---- start -------------------------------------------------------------------------------
async function boot() {
  tg.ready();
  setLanguage(tg.launchLanguage());
  if (!tg.launchData) return message(t("no_launch"));
  show(h("p", { class: "loading" }, t("loading")));
  Object.assign(state, await tg.loadSound());
  flush();
  await loadHome();
}

boot();
window.backcareLanguage = currentLanguage;
