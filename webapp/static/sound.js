// The audio guide in the session: the plan's voice clips and tones (its `sound`, the chat track's
// own script, placed by the server) played with Web Audio on the session's clock. Each sound is
// scheduled a little ahead at the AudioContext time that matches its plan time (mapped from
// performance.now()); a jump of the clock (Ready, Skip, Resume) silences what was scheduled and
// schedules again from there. Pause, Stop and It hurts silence everything at once.
const AHEAD = 1.2; // seconds scheduled ahead of the clock
const PASS_MS = 200; // how often the next sounds are scheduled
const LATE_VOICE = 0.6; // a phrase up to this late (not loaded in time) is said from its start;
// the opening safety sentence waits for its clip however long it loads (opening(), below)
const LATE_TONE = 0.4; // a struck tone up to this late (the first chime, loading) still plays;
// a glide joins in its middle
const FADE = 0.03; // a phrase cut at the end of its window fades out over this
const MAX_LATENCY = 0.25; // seconds: an output timestamp further behind than this is stale

let context = null;
let master = null;

export function unlock() {
  const Audio = window.AudioContext || window.webkitAudioContext;
  if (!Audio) return null;
  if (!context) {
    context = new Audio();
    master = context.createGain();
    master.connect(context.destination);
  }
  if (context.state === "suspended") context.resume();
  return context;
}

// Ogg Opus where the device plays it, MP3 otherwise (Safari before 17 on iOS, say).
export function extension() {
  const probe = document.createElement("audio");
  return probe.canPlayType && probe.canPlayType('audio/ogg; codecs="opus"') ? "ogg" : "mp3";
}

// The tests' hooks: every source scheduled (its plan time, when it was due by the session's clock
// and when it sounds, both performance.now() ms, its AudioContext time, when it was stopped and
// when the engine was done with it), and the context's clock beside performance.now() (to check
// the mapping from outside).
window.backcareAudio = [];
window.backcareAudioClock = () => (context ? [context.currentTime, performance.now(), context.state] : null);

export class Guide {
  constructor(plan, switches) {
    this.plan = plan;
    this.sound = plan.sound;
    this.on = { voice: switches.voice, tones: switches.tones };
    this.ext = extension();
    this.buffers = new Map(); // name -> AudioBuffer; null while loading, false if it failed
    this.live = new Set();
    this.session = null;
    this.timer = null;
    this.ended = false;
    this.next = { voice: 0, tones: 0 };
    this.keep = null; // the opening safety sentence: Ready or Skip does not cut it
  }

  // Fetch and decode the session's sounds in the order they are first heard, two at a time (the
  // exercise's pictures load beside them).
  load() {
    const names = [
      ...this.sound.voice.map((item) => [item.at, item.clip]),
      ...this.sound.tones.map((item) => [item.at, item.tone]),
    ].sort((a, b) => a[0] - b[0]).map((pair) => pair[1]);
    const queue = [...new Set(names)];
    for (const name of queue) this.buffers.set(name, null);
    const worker = async () => {
      while (queue.length && !this.ended) {
        const name = queue.shift();
        try {
          const response = await fetch(`audio/${name}.${this.ext}`);
          if (!response.ok) throw new Error(String(response.status));
          this.buffers.set(name, await context.decodeAudioData(await response.arrayBuffer()));
          this.pass();
        } catch {
          this.buffers.set(name, false); // left out: the session goes on without it
        }
      }
    };
    return Promise.all([worker(), worker()]);
  }

  // The context's clock beside performance.now(): its output's own timestamp when it has one
  // (what is heard now, past the output's latency), else its current time.
  clocks() {
    const now = [context.currentTime, performance.now()];
    const stamp = context.state === "running" && context.getOutputTimestamp ? context.getOutputTimestamp() : null;
    if (!stamp || !(stamp.performanceTime > 0) || !(stamp.contextTime > 0)) return now;
    // Just started, a context's stamp can be stale: trusted only within an output's latency.
    const gap = (now[0] - stamp.contextTime) - (now[1] - stamp.performanceTime) / 1000;
    return gap >= 0 && gap < MAX_LATENCY ? [stamp.contextTime, stamp.performanceTime] : now;
  }

  // The context's time heard at a performance.now() moment, and the reverse.
  contextTime(ms, clock = this.clocks()) {
    return clock[0] + (ms - clock[1]) / 1000;
  }

  heardAt(when, clock = this.clocks()) {
    return clock[1] + (when - clock[0]) * 1000;
  }

  // The session's clock jumped to beat `index` (Start, Ready, Skip, Resume): schedule from there.
  follow(session, index) {
    if (this.ended) return;
    this.session = session;
    this.silence(null, true);
    const from = session.beats[index].at - 0.0005;
    for (const kind of ["voice", "tones"]) this.next[kind] = this.first(kind, from);
    clearInterval(this.timer);
    this.timer = setInterval(() => this.pass(), PASS_MS);
    this.pass();
  }

  first(kind, from) {
    const items = this.sound[kind];
    let index = 0;
    while (index < items.length && items[index].at < from) index += 1;
    return index;
  }

  pass() {
    const s = this.session;
    if (this.ended || !s || !s.running || !context) return;
    const now = performance.now();
    const clock = (now - s.origin) / 1000;
    for (const kind of ["voice", "tones"]) {
      const items = this.sound[kind];
      while (this.next[kind] < items.length && items[this.next[kind]].at < clock + AHEAD) {
        const item = items[this.next[kind]];
        if (!this.on[kind]) {
          this.next[kind] += 1;
          continue;
        }
        const name = kind === "voice" ? item.clip : item.tone;
        const buffer = this.buffers.get(name);
        const late = clock - item.at;
        const waits = this.opening(kind, item); // never left out for being late
        if (!buffer) {
          if (buffer === null && (late <= LATE_VOICE || waits)) break; // loading: the next pass tries
          this.next[kind] += 1; // failed to load, or too late now
          continue;
        }
        this.next[kind] += 1;
        const glide = kind === "tones" && name.includes("-");
        if (!waits && late > (kind === "voice" ? LATE_VOICE : glide ? Infinity : LATE_TONE)) continue;
        this.play(kind, item, buffer, s.origin, now);
      }
    }
  }

  // The opening safety sentence ("if anything hurts, stop"): a slow network delays it, never
  // drops it, and nothing talks over it.
  opening(kind, item) {
    return kind === "voice" && item === this.sound.voice[0] && item.at === 0;
  }

  play(kind, item, buffer, origin, now) {
    const due = origin + item.at * 1000;
    const clock = this.clocks();
    const when = this.contextTime(due, clock);
    const start = Math.max(when, context.currentTime);
    const opening = this.opening(kind, item); // said whole, even late: its window does not cut it
    const until = kind === "voice" && item.until !== null && !opening ? this.contextTime(origin + item.until * 1000, clock) : null;
    if (until !== null && until <= start) return; // its window is over
    if (kind === "voice" && this.keep && this.keep.end > start) return; // nothing talks over the safety sentence
    const source = context.createBufferSource();
    source.buffer = buffer;
    const gain = context.createGain();
    const level = this.sound.levels[kind];
    gain.gain.value = level;
    source.connect(gain).connect(master);
    // A glide that should have begun already joins in its middle, in step with the breath.
    const glide = kind === "tones" && item.tone.includes("-");
    const offset = glide ? Math.max(0, context.currentTime - when) : 0;
    source.start(start, offset);
    if (until !== null) {
      gain.gain.setValueAtTime(level, Math.max(start, until - FADE));
      gain.gain.linearRampToValueAtTime(0, until);
      source.stop(until);
    }
    const name = kind === "voice" ? item.clip : item.tone;
    const ends = this.heardAt(until ?? start + buffer.duration - offset, clock);
    const record = { kind, name, at: item.at, due, when: start, clock, heard: this.heardAt(start, clock), ends, scheduled: now, stopped: null, ended: null };
    const entry = { source, kind, record };
    if (opening) {
      this.keep = { end: Math.min(until ?? Infinity, start + buffer.duration), entry };
    }
    this.live.add(entry);
    source.onended = () => {
      // Rendered to its end (or stopped): still in the output's buffer for its latency, no more.
      this.live.delete(entry);
      if (record.ended === null) record.ended = performance.now();
    };
    window.backcareAudio.push(record);
  }

  // Stop what was scheduled (of one kind, or all); `jumping` spares the safety sentence.
  silence(kind = null, jumping = false) {
    const now = performance.now();
    for (const entry of [...this.live]) {
      if (kind && entry.kind !== kind) continue;
      if (jumping && this.keep && this.keep.entry === entry && context.currentTime < this.keep.end) continue;
      try {
        entry.source.stop();
      } catch {
        // not started yet in some engines: disconnecting silences it all the same
      }
      entry.source.disconnect();
      if (entry.record.stopped === null) entry.record.stopped = now;
      this.live.delete(entry);
    }
    if (!jumping && (!kind || kind === "voice")) this.keep = null;
  }

  // Pause: everything silent now; the next jump (Resume, Skip) schedules again.
  pause() {
    clearInterval(this.timer);
    this.silence();
  }

  // Voice or tones on or off during the session.
  set(kind, on) {
    this.on[kind] = on;
    if (!on) return this.silence(kind);
    const s = this.session;
    if (s && s.running) {
      this.next[kind] = this.first(kind, (performance.now() - s.origin) / 1000);
      this.pass();
    }
  }

  // The session is over: `cut` (Stop, It hurts) silences everything at once, and nothing is
  // ever scheduled again; a completed session lets its closing words end.
  end(cut) {
    this.ended = true;
    clearInterval(this.timer);
    if (cut) {
      this.silence();
      if (master) master.gain.setValueAtTime(0, context.currentTime);
    }
  }
}

// A new session's output at full level again (It hurts or Stop left it at zero).
export function reopen() {
  if (master && context) master.gain.setValueAtTime(1, context.currentTime);
}
