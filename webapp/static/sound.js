// A soft tone at each phase change (Web Audio, unlocked by the Start tap).
let context = null;

export function unlock() {
  const Audio = window.AudioContext || window.webkitAudioContext;
  if (!Audio) return;
  if (!context) context = new Audio();
  if (context.state === "suspended") context.resume();
}

const PITCH = { inhale: 523.25, exhale: 392.0, timed_hold: 440.0, switch: 349.23, rest: 329.63, next: 329.63, intro: 440.0, done: 587.33 };

export function tone(kind) {
  if (!context || context.state !== "running") return;
  const now = context.currentTime;
  const oscillator = context.createOscillator();
  const gain = context.createGain();
  oscillator.type = "sine";
  oscillator.frequency.value = PITCH[kind] || 440;
  gain.gain.setValueAtTime(0.0001, now);
  gain.gain.exponentialRampToValueAtTime(0.12, now + 0.03);
  gain.gain.exponentialRampToValueAtTime(0.0001, now + 0.45);
  oscillator.connect(gain).connect(context.destination);
  oscillator.start(now);
  oscillator.stop(now + 0.5);
}
