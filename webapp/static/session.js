// A guided session's clock: each beat is due at an absolute time (performance.now() against the
// plan's offsets), never counted from timer ticks. The page draws from `state()` each frame.
export class Session {
  constructor(plan, { onBeat, onEnd, onJump }) {
    this.plan = plan;
    this.beats = plan.beats;
    this.onBeat = onBeat;
    this.onEnd = onEnd;
    this.onJump = onJump; // the clock runs from a beat anew: Start, Ready, Skip, Resume
    this.index = -1;
    this.origin = 0; // performance.now() at which the plan's time 0 falls
    this.running = false;
    this.timer = null;
    this.marks = plan.items.map(() => "-");
    // [beat index, due ms, handled ms, painted ms]: the benchmark's and the tests' record
    this.trace = [];
  }

  start(from = 0) {
    this.running = true;
    this.jump(from);
  }

  // Run from beat `index` now.
  jump(index) {
    const now = performance.now();
    this.origin = now - this.beats[index].at * 1000;
    if (this.onJump) this.onJump(index);
    this.enter(index, now, now);
  }

  enter(index, due, now) {
    const previous = this.index;
    if (previous >= 0 && this.beats[index].item !== this.beats[previous].item || this.beats[index].kind === "done") {
      const item = this.beats[previous]?.item;
      if (item !== undefined && this.marks[item] === "-" && index > previous) this.marks[item] = "d";
    }
    this.index = index;
    const entry = [index, due, now];
    this.trace.push(entry);
    requestAnimationFrame((painted) => entry.push(painted)); // the frame that shows it
    this.onBeat(index, this.beats[index], previous);
    if (this.beats[index].kind === "done") {
      this.running = false;
      this.onEnd("completed");
      return;
    }
    this.schedule();
  }

  schedule() {
    clearTimeout(this.timer);
    if (!this.running) return;
    const next = this.index + 1;
    const due = this.origin + this.beats[next].at * 1000;
    this.timer = setTimeout(() => this.tick(), Math.max(0, due - performance.now()));
  }

  tick() {
    if (!this.running) return;
    const now = performance.now();
    const elapsed = (now - this.origin) / 1000;
    let index = this.index;
    // Catch up on every beat already due (a late timer never stretches the plan).
    while (index + 1 < this.beats.length && this.beats[index + 1].at <= elapsed + 0.0005) index += 1;
    if (index === this.index) return this.schedule();
    this.enter(index, this.origin + this.beats[index].at * 1000, now);
  }

  pause() {
    if (!this.running) return;
    this.running = false;
    clearTimeout(this.timer);
    this.pausedAt = performance.now();
  }

  resume() {
    if (this.running) return;
    this.running = true;
    const restart = this.beats[this.index].restart;
    this.index = restart - 1 >= 0 ? restart - 1 : -1;
    this.jump(restart);
  }

  // Ready (the intro's wait) or Skip (the rest of this exercise).
  next() {
    const beat = this.beats[this.index];
    if (beat.kind === "intro") return this.jump(this.index + 1);
    if (this.marks[beat.item] === "-") this.marks[beat.item] = "s";
    this.running = true;
    this.jump(beat.skip_to);
  }

  stop(mark) {
    this.running = false;
    clearTimeout(this.timer);
    const beat = this.beats[Math.max(0, this.index)];
    if (beat && beat.kind !== "done" && this.marks[beat.item] === "-") this.marks[beat.item] = mark;
  }

  // Where the clock stands now: the beat, how far into it (0-1), and its seconds left.
  state(now = performance.now()) {
    const beat = this.beats[this.index];
    const at = this.running ? (now - this.origin) / 1000 : (this.pausedAt - this.origin) / 1000;
    const into = Math.min(Math.max(at - beat.at, 0), beat.duration);
    return { beat, progress: beat.duration ? into / beat.duration : 1, left: beat.duration - into, at };
  }

  marksText() {
    return this.marks.join("");
  }
}
